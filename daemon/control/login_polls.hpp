// LoginPolls: the long polls of GET /v1/login/{id}?wait=N, and the first answer of
// POST /v1/login while the login's upstream start runs, parked on the event loop.
//
// No thread waits for a login to change: a poll is a responder put aside with a deadline
// timer. The login's thread calls back when the login's version changes
// (LoginTask::on_change); the callback is posted to the loop, and whichever comes first,
// the change or the deadline, answers the poll with the progress as it is then. So any
// number of logins in progress never hold a worker that `list` or `logout` needs.
//
// Loop thread only (except the change callbacks, which only post to the loop).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "sso/login_task.hpp"

namespace ssocred {

class LoginPolls {
  public:
    using Answer = std::function<void(const sso::LoginProgress&)>;
    // Whether a change is the one the poll waits for (null: any change is).
    using Ready = std::function<bool(const sso::LoginProgress&)>;

    explicit LoginPolls(boost::asio::any_io_executor loop);
    ~LoginPolls();  // drops the polls still parked (their connections close unanswered)
    LoginPolls(const LoginPolls&) = delete;
    LoginPolls& operator=(const LoginPolls&) = delete;

    // Answers once `task`'s version differs from `seen_version`, or after `wait`.
    void park(std::shared_ptr<sso::LoginTask> task, std::uint64_t seen_version,
              std::chrono::milliseconds wait, Answer answer);
    // Answers once a change makes `ready` true, or after `wait`, with the progress as it is
    // then. Changes that do not are waited past, still without a thread.
    void park_until(std::shared_ptr<sso::LoginTask> task, std::uint64_t seen_version,
                    std::chrono::milliseconds wait, Ready ready, Answer answer);
    // Answers every parked poll now, with the progress as it is (the daemon is stopping).
    void answer_all();
    std::size_t parked() const noexcept { return polls_.size(); }

  private:
    struct Poll;
    // (Re-)registers poll `id` for the next change after `seen_version`.
    void watch(std::uint64_t id, std::uint64_t seen_version);
    // On the loop: a change arrived for poll `id`.
    void changed(std::uint64_t id, const sso::LoginProgress& progress);
    void answer(std::uint64_t id, const sso::LoginProgress& progress);

    boost::asio::any_io_executor loop_;
    std::map<std::uint64_t, std::shared_ptr<Poll>> polls_;
    std::uint64_t next_id_ = 1;
    // Handlers posted from a login's thread check this, not `this`, once the polls are gone.
    std::shared_ptr<LoginPolls*> self_ = std::make_shared<LoginPolls*>(this);
};

}  // namespace ssocred
