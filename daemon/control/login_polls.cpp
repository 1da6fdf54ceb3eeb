#include "control/login_polls.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace ssocred {

struct LoginPolls::Poll {
    Poll(boost::asio::any_io_executor loop, std::shared_ptr<sso::LoginTask> t, Ready r, Answer a)
        : task(std::move(t)),
          deadline(std::move(loop)),
          ready(std::move(r)),
          answer(std::move(a)) {}
    // Held until answered: the manager forgets a task only once its thread returned, so
    // dropping the last reference here never joins a running thread on the loop.
    std::shared_ptr<sso::LoginTask> task;
    std::uint64_t ticket = 0;  // LoginTask::on_change
    boost::asio::steady_timer deadline;
    Ready ready;
    Answer answer;
};

LoginPolls::LoginPolls(boost::asio::any_io_executor loop) : loop_(std::move(loop)) {}

LoginPolls::~LoginPolls() {
    *self_ = nullptr;
    for (auto& [id, poll] : polls_)
        if (poll->ticket != 0) poll->task->forget_change(poll->ticket);
}

void LoginPolls::park(std::shared_ptr<sso::LoginTask> task, std::uint64_t seen_version,
                      std::chrono::milliseconds wait, Answer answer) {
    park_until(std::move(task), seen_version, wait, nullptr, std::move(answer));
}

void LoginPolls::park_until(std::shared_ptr<sso::LoginTask> task, std::uint64_t seen_version,
                            std::chrono::milliseconds wait, Ready ready, Answer answer) {
    const std::uint64_t id = next_id_++;
    auto poll = std::make_shared<Poll>(loop_, std::move(task), std::move(ready), std::move(answer));
    polls_.emplace(id, poll);
    poll->deadline.expires_after(wait);
    poll->deadline.async_wait([self = self_, id](boost::system::error_code ec) {
        if (ec || *self == nullptr) return;  // answered already, or the polls are gone
        LoginPolls& polls = **self;
        auto it = polls.polls_.find(id);
        if (it != polls.polls_.end()) polls.answer(id, it->second->task->snapshot());
    });
    watch(id, seen_version);
}

void LoginPolls::watch(std::uint64_t id, std::uint64_t seen_version) {
    auto it = polls_.find(id);
    if (it == polls_.end()) return;
    const std::shared_ptr<Poll> poll = it->second;
    // Called on the thread that changes the login (or here, at once, when it changed
    // already): only hops to the loop.
    poll->ticket =
        poll->task->on_change(seen_version, [self = std::weak_ptr<LoginPolls*>(self_), loop = loop_,
                                             id](const sso::LoginProgress& progress) {
            boost::asio::post(loop, [self, id, progress] {
                if (auto alive = self.lock(); alive && *alive != nullptr)
                    (*alive)->changed(id, progress);
            });
        });
}

void LoginPolls::changed(std::uint64_t id, const sso::LoginProgress& progress) {
    auto it = polls_.find(id);
    if (it == polls_.end()) return;  // answered at its deadline meanwhile
    const Ready& ready = it->second->ready;
    if (!ready || ready(progress)) return answer(id, progress);
    // Not the change this poll waits for: wait for the next one after it (one made since
    // calls back at once, so none is missed).
    watch(id, progress.version);
}

void LoginPolls::answer(std::uint64_t id, const sso::LoginProgress& progress) {
    auto it = polls_.find(id);
    if (it == polls_.end()) return;  // the change and the deadline raced: answered once
    const std::shared_ptr<Poll> poll = std::move(it->second);
    polls_.erase(it);
    poll->deadline.cancel();
    if (poll->ticket != 0) poll->task->forget_change(poll->ticket);
    poll->answer(progress);
}

void LoginPolls::answer_all() {
    while (!polls_.empty()) {
        auto it = polls_.begin();
        answer(it->first, it->second->task->snapshot());
    }
}

}  // namespace ssocred
