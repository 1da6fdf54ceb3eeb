// Test support for the credential engine: a scriptable fetcher (counts calls, can fail, can
// block until released), a fake resolver, a temp dir, and a fixture that drives the engine
// deterministically: the worker is the loop itself and timers are a ManualScheduler fired
// after advancing a ManualClock.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "creds/credential_engine.hpp"
#include "support/temp_dir.hpp"

namespace ssocred::creds_test {

inline RoleRef role(std::string account = "111122223333", std::string name = "Dev",
                    std::string session = "corp") {
    return RoleRef{std::move(account), std::move(name), std::move(session)};
}

inline constexpr const char* kSecret = "SECRETwJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY";
inline constexpr const char* kToken = "TOKENIQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJH";

class FakeFetcher final : public RoleCredentialFetcher {
  public:
    explicit FakeFetcher(const Clock& clock) : clock_(clock) {}

    Expected<RoleCredentials> fetch(const RoleRef& r) override {
        std::unique_lock lock(mutex_);
        ++calls_;
        ++entered_;
        cv_.notify_all();
        cv_.wait(lock, [&] { return !block_; });
        if (error_) return *error_;
        RoleCredentials c;
        c.role = r;
        c.access_key_id = "ASIA" + std::to_string(calls_);
        c.secret_access_key = Secret(std::string(kSecret));
        c.session_token = Secret(std::string(kToken));
        c.expiration = clock_.now() + lifetime_;
        return c;
    }

    // The default session, as the SessionManager resolves an empty one.
    std::string canonical_session(std::string_view session) const override {
        return session.empty() ? default_session : std::string(session);
    }
    std::string default_session = "corp";

    int calls() const {
        std::lock_guard lock(mutex_);
        return calls_;
    }
    void fail_with(std::optional<Error> e) {
        std::lock_guard lock(mutex_);
        error_ = std::move(e);
    }
    void set_lifetime(std::chrono::system_clock::duration d) {
        std::lock_guard lock(mutex_);
        lifetime_ = d;
    }
    void set_blocking(bool b) {
        std::lock_guard lock(mutex_);
        block_ = b;
        cv_.notify_all();
    }
    bool wait_entered(int n, std::chrono::seconds timeout = std::chrono::seconds(10)) {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, timeout, [&] { return entered_ >= n; });
    }

  private:
    const Clock& clock_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    int calls_ = 0;
    int entered_ = 0;
    bool block_ = false;
    std::optional<Error> error_;
    std::chrono::system_clock::duration lifetime_ = std::chrono::hours(1);
};

class FakeResolver final : public ProfileResolver {
  public:
    Expected<RoleRef> resolve(std::string_view profile) const override {
        auto it = profiles.find(std::string(profile));
        if (it == profiles.end())
            return Error::make(ErrorCode::NotFound, "no profile " + std::string(profile));
        return it->second;
    }
    std::optional<std::string> profile_region(std::string_view profile) const override {
        auto it = regions.find(std::string(profile));
        if (it == regions.end()) return std::nullopt;
        return it->second;
    }
    std::optional<std::string> sso_region(std::string_view session) const override {
        auto it = sso_regions.find(std::string(session));
        if (it == sso_regions.end()) return std::nullopt;
        return it->second;
    }
    std::string root_session(const std::string& session) const override {
        auto it = roots.find(session);
        return it == roots.end() ? session : it->second;
    }
    std::map<std::string, RoleRef> profiles;
    std::map<std::string, std::string> regions;
    std::map<std::string, std::string> sso_regions;
    std::map<std::string, std::string> roots;  // chained session marker -> SSO session
};

using test::TempDir;

class EngineTest : public ::testing::Test {
  protected:
    static SystemTime t0() { return from_epoch_seconds(1'800'000'000); }

    void make(EngineOptions options = {}) {
        engine.reset();
        auto s = std::make_unique<ManualScheduler>(clock);
        scheduler = s.get();
        if (!options.seed) options.seed = 42;
        engine =
            std::make_unique<CredentialEngine>(io.get_executor(), io.get_executor(), fetcher, clock,
                                               options, resolver, dir.path(), std::move(s));
    }

    // Runs posted work (fetches run inline on the loop) and due timers until quiet.
    void drain() {
        for (int i = 0; i < 1000; ++i) {
            io.restart();
            const auto ran = io.poll();
            const bool fired = scheduler->run_due();
            if (ran == 0 && !fired) return;
        }
        FAIL() << "engine did not settle";
    }

    Expected<CredentialsPtr> get(const RoleRef& r) {
        std::optional<Expected<CredentialsPtr>> out;
        engine->get(r, [&](Expected<CredentialsPtr> x) { out.emplace(std::move(x)); });
        drain();
        if (!out) return Error::make(ErrorCode::Internal, "callback not called");
        return std::move(*out);
    }

    // Advances the clock in steps, firing due timers after each.
    void advance(std::chrono::system_clock::duration total,
                 std::chrono::system_clock::duration step = std::chrono::seconds(1)) {
        for (std::chrono::system_clock::duration done{}; done < total; done += step) {
            clock.advance(step);
            drain();
        }
    }

    boost::asio::io_context io;
    ManualClock clock{t0()};
    FakeFetcher fetcher{clock};
    FakeResolver resolver;
    TempDir dir;
    ManualScheduler* scheduler = nullptr;
    std::unique_ptr<CredentialEngine> engine;
};

}  // namespace ssocred::creds_test
