#include "sso/login_task.hpp"

#include <vector>

namespace ssocred::sso {

const char* to_string(LoginFlow flow) noexcept {
    return flow == LoginFlow::AuthorizationCode ? "authorization_code" : "device_code";
}

const char* to_string(LoginState state) noexcept {
    switch (state) {
        case LoginState::Pending:
            return "pending";
        case LoginState::Succeeded:
            return "succeeded";
        case LoginState::Failed:
            return "failed";
        case LoginState::Cancelled:
            return "cancelled";
    }
    return "failed";
}

LoginTask::LoginTask(std::string id, std::string session, LoginFlow flow) {
    progress_.id = std::move(id);
    progress_.session = std::move(session);
    progress_.flow = flow;
}

LoginTask::~LoginTask() {
    cancel();
    join();
}

void LoginTask::start(std::function<void(LoginTask&)> body) {
    thread_ = std::thread([this, body = std::move(body)] {
        body(*this);
        exited_.store(true);
    });
}

void LoginTask::join() {
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

LoginProgress LoginTask::snapshot() const {
    std::lock_guard lock(mu_);
    return progress_;
}

LoginProgress LoginTask::wait_for_change(std::uint64_t seen_version,
                                         std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return progress_.version != seen_version; });
    return progress_;
}

LoginProgress LoginTask::wait_for_prompt(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout,
                 [&] { return !progress_.url.empty() || progress_.state != LoginState::Pending; });
    return progress_;
}

std::uint64_t LoginTask::on_change(std::uint64_t seen_version, ChangeCallback callback) {
    LoginProgress now;
    {
        std::lock_guard lock(mu_);
        if (progress_.version == seen_version) {
            const std::uint64_t ticket = next_ticket_++;
            on_change_.emplace(ticket, ChangeWatch{seen_version, std::move(callback)});
            return ticket;
        }
        now = progress_;
    }
    callback(now);
    return 0;
}

void LoginTask::forget_change(std::uint64_t ticket) {
    std::lock_guard lock(mu_);
    on_change_.erase(ticket);
}

void LoginTask::changed() {
    cv_.notify_all();
    std::vector<ChangeCallback> due;
    LoginProgress now;
    {
        std::lock_guard lock(mu_);
        now = progress_;
        // One registered after this change (it saw the new version) waits for the next.
        for (auto it = on_change_.begin(); it != on_change_.end();) {
            if (it->second.seen_version == now.version) {
                ++it;
                continue;
            }
            due.push_back(std::move(it->second.callback));
            it = on_change_.erase(it);
        }
    }
    // Outside the lock: a callback may read the task again (snapshot, forget_change).
    for (auto& callback : due) callback(now);
}

bool LoginTask::finished() const {
    std::lock_guard lock(mu_);
    return progress_.state != LoginState::Pending;
}

void LoginTask::cancel() {
    {
        std::lock_guard lock(mu_);
        if (progress_.state != LoginState::Pending) return;
        cancelled_ = true;
        // Reported at once: the flow thread may sit in an HTTP call for a while yet.
        progress_.state = LoginState::Cancelled;
        progress_.error = "the login was cancelled";
        ++progress_.version;
    }
    changed();
}

bool LoginTask::cancelled() const {
    std::lock_guard lock(mu_);
    return cancelled_;
}

void LoginTask::set_prompt(std::string url, std::string user_code,
                           std::optional<SystemTime> expires_at) {
    {
        std::lock_guard lock(mu_);
        progress_.url = std::move(url);
        progress_.user_code = std::move(user_code);
        progress_.expires_at = expires_at;
        ++progress_.version;
    }
    changed();
}

void LoginTask::finish(LoginState state, std::string error,
                       std::optional<SystemTime> access_token_expires_at) {
    {
        std::lock_guard lock(mu_);
        if (progress_.state != LoginState::Pending) return;
        progress_.state = state;
        progress_.error = std::move(error);
        progress_.access_token_expires_at = access_token_expires_at;
        ++progress_.version;
    }
    changed();
}

bool LoginTask::sleep_for(std::chrono::milliseconds d) {
    std::unique_lock lock(mu_);
    return !cv_.wait_for(lock, d, [&] { return cancelled_; });
}

void LoginTask::notify() {
    // Taking the lock orders this notify after a waiter's predicate check (no lost wake-up).
    { std::lock_guard lock(mu_); }
    cv_.notify_all();
}

}  // namespace ssocred::sso
