// A login in progress: its own thread, a cancel flag, and a progress snapshot that other
// threads read or wait on (the control socket's long poll `GET /v1/login/{id}?wait=N`).
//
// Every change bumps `version`; wait_for_change(seen, timeout) returns as soon as the version
// differs from `seen` (or the timeout passes), so a poller never misses a change. A poller
// that must not block a thread (the control API, on the event loop) registers on_change()
// instead: called once, by whoever makes the next change.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "ssocred/time.hpp"

namespace ssocred::sso {

enum class LoginFlow { AuthorizationCode, DeviceCode };
enum class LoginState { Pending, Succeeded, Failed, Cancelled };

const char* to_string(LoginFlow flow) noexcept;  // "authorization_code" | "device_code"
const char* to_string(
    LoginState state) noexcept;  // "pending" | "succeeded" | "failed" | "cancelled"

struct LoginProgress {
    std::string id;
    std::string session;
    LoginFlow flow = LoginFlow::DeviceCode;
    LoginState state = LoginState::Pending;
    std::string url;        // the /authorize URL, or verificationUriComplete
    std::string user_code;  // device flow only
    std::optional<SystemTime> expires_at;
    std::string error;  // set when failed or cancelled; user-facing, secret-free
    std::optional<SystemTime> access_token_expires_at;  // on success
    std::uint64_t version = 0;
};

class LoginTask {
  public:
    LoginTask(std::string id, std::string session, LoginFlow flow);
    ~LoginTask();  // cancels and joins
    LoginTask(const LoginTask&) = delete;
    LoginTask& operator=(const LoginTask&) = delete;

    void start(std::function<void(LoginTask&)> body);
    void join();

    LoginProgress snapshot() const;
    LoginProgress wait_for_change(std::uint64_t seen_version,
                                  std::chrono::milliseconds timeout) const;
    // Calls `callback` once with the progress as soon as its version differs from
    // `seen_version`: at once, on this thread, when it already does; otherwise on the thread
    // that makes the change (the login's, or a canceller's), outside the task's lock.
    // Returns a ticket for forget_change (0 when called at once). A task destroyed first
    // drops its callbacks uncalled.
    using ChangeCallback = std::function<void(const LoginProgress&)>;
    std::uint64_t on_change(std::uint64_t seen_version, ChangeCallback callback);
    // The poller stopped waiting (its deadline passed): the callback is dropped uncalled.
    void forget_change(std::uint64_t ticket);
    // Waits until the URL is known or the login ended.
    LoginProgress wait_for_prompt(std::chrono::milliseconds timeout) const;
    bool finished() const;
    // The thread has returned (a cancelled login is `finished` at once but its thread may
    // still be inside an HTTP call and need the manager's lock).
    bool exited() const { return exited_.load(); }

    void cancel();
    bool cancelled() const;

    // For the flow running on the task's thread.
    void set_prompt(std::string url, std::string user_code, std::optional<SystemTime> expires_at);
    void finish(LoginState state, std::string error,
                std::optional<SystemTime> access_token_expires_at = {});
    // Sleeps up to `d`; false when cancelled meanwhile.
    bool sleep_for(std::chrono::milliseconds d);
    // Wakes sleep_for / waits (used by the PKCE listener when the redirect arrives).
    void notify();
    template <class Pred>
    bool wait_until(std::chrono::steady_clock::time_point deadline, Pred pred) {
        std::unique_lock lock(mu_);
        return cv_.wait_until(lock, deadline, [&] { return cancelled_ || pred(); }) && !cancelled_;
    }

  private:
    // After a change (version bumped, lock released): wakes the waiters and calls the
    // change callbacks.
    void changed();

    mutable std::mutex mu_;
    mutable std::condition_variable cv_;
    LoginProgress progress_;
    bool cancelled_ = false;
    struct ChangeWatch {
        std::uint64_t seen_version = 0;
        ChangeCallback callback;
    };
    std::map<std::uint64_t, ChangeWatch> on_change_;  // by ticket
    std::uint64_t next_ticket_ = 1;
    std::atomic<bool> exited_{false};
    std::thread thread_;
};

}  // namespace ssocred::sso
