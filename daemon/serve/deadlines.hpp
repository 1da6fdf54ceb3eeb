// Deadlines: the deadlines of every connection of one Server, on one timer.
//
// Why: with a timer per connection, every `Connection: close` request paid for a timer
// wait (a timer-queue insert, and a timerfd_settime system call whenever it became the
// earliest timer), a cancel at close and one more completion handler to run. Here a
// deadline is a node in one of a few FIFO lanes, one per timeout length (header, write,
// idle, linger). Every deadline in a lane is "now + that lane's length" at the time it was
// set, so appending keeps each lane sorted: setting, moving and clearing a deadline are a
// few pointer operations, and the one timer waits for the earliest lane head.
//
// The rules are the per-connection timer's: a connection whose deadline has passed is told
// so (and closes); a deadline moved later is never missed nor cut short. The timer is lazy:
// re-armed only when a new deadline is earlier than the armed expiry; when it fires it
// expires what is due and waits for the next head, if any. It is not cancelled when the
// last deadline is cleared (a server taking one connection at a time would otherwise cancel
// and re-arm it for every connection): it fires once more and finds nothing. Once the
// server drains (drain()), it is cancelled as soon as no deadline is pending, so the loop
// runs out of work when the last connection is gone.
//
// Loop thread only. Entries unlink themselves on destruction.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace ssocred::serve {

class Deadlines {
  public:
    using Clock = boost::asio::steady_timer::clock_type;
    using TimePoint = Clock::time_point;
    enum class Lane : std::size_t { Header, Write, Idle, Linger };
    static constexpr std::size_t kLanes = 4;

    // What a deadline belongs to: told once when its deadline passes.
    class Owner {
      public:
        virtual void deadline_passed() = 0;

      protected:
        ~Owner() = default;
    };

    class Entry {
      public:
        explicit Entry(Owner& owner) noexcept : owner_(&owner) {}
        Entry(const Entry&) = delete;
        Entry& operator=(const Entry&) = delete;
        ~Entry() {
            if (set_ != nullptr) set_->clear(*this);
        }
        bool pending() const noexcept { return set_ != nullptr; }

      private:
        friend class Deadlines;
        Owner* owner_;
        Deadlines* set_ = nullptr;
        Entry* prev_ = nullptr;
        Entry* next_ = nullptr;
        TimePoint at_{};
        std::size_t lane_ = 0;
    };

    Deadlines(boost::asio::io_context& io, std::array<std::chrono::milliseconds, kLanes> lengths)
        : timer_(io), lengths_(lengths) {}
    Deadlines(const Deadlines&) = delete;
    Deadlines& operator=(const Deadlines&) = delete;
    ~Deadlines() {
        for (auto& lane : lanes_) {
            while (lane.head != nullptr) unlink(*lane.head);
        }
    }

    // `e` must be done within its lane's length from now (replaces its current deadline).
    void set(Entry& e, Lane lane) {
        if (e.set_ != nullptr) unlink(e);
        const auto l = static_cast<std::size_t>(lane);
        e.at_ = Clock::now() + lengths_[l];
        e.lane_ = l;
        e.set_ = this;
        List& list = lanes_[l];
        e.prev_ = list.tail;
        e.next_ = nullptr;
        (list.tail != nullptr ? list.tail->next_ : list.head) = &e;
        list.tail = &e;
        ++pending_;
        if (!armed_ || e.at_ < armed_at_) arm(e.at_);
    }

    // No deadline for `e` (waiting on something that has its own bound, or done).
    void clear(Entry& e) noexcept {
        if (e.set_ == nullptr) return;
        unlink(e);
        if (draining_) cancel_if_idle();
    }

    // The server stops: from now on the timer is cancelled whenever nothing is pending.
    void drain() noexcept {
        draining_ = true;
        cancel_if_idle();
    }

    std::size_t pending() const noexcept { return pending_; }

  private:
    struct List {
        Entry* head = nullptr;
        Entry* tail = nullptr;
    };

    void cancel_if_idle() noexcept {
        if (pending_ != 0 || !armed_) return;
        armed_ = false;
        timer_.cancel();
    }

    void unlink(Entry& e) noexcept {
        List& list = lanes_[e.lane_];
        (e.prev_ != nullptr ? e.prev_->next_ : list.head) = e.next_;
        (e.next_ != nullptr ? e.next_->prev_ : list.tail) = e.prev_;
        e.prev_ = e.next_ = nullptr;
        e.set_ = nullptr;
        --pending_;
    }

    void arm(TimePoint at) {
        armed_ = true;
        armed_at_ = at;
        timer_.expires_at(at);  // a pending wait completes with operation_aborted
        timer_.async_wait(
            [this, alive = std::weak_ptr<char>(alive_)](boost::system::error_code ec) {
                // Aborted: re-armed, cancelled, or this object is gone. Only a wait that really
                // expired touches it, and only while it lives.
                if (ec || alive.expired()) return;
                fired();
            });
    }

    void fired() {
        armed_ = false;
        const TimePoint now = Clock::now();
        for (auto& lane : lanes_) {
            while (lane.head != nullptr && lane.head->at_ <= now) {
                Entry& e = *lane.head;
                unlink(e);
                e.owner_->deadline_passed();  // may set or clear other entries
            }
        }
        TimePoint next = TimePoint::max();
        for (const auto& lane : lanes_) {
            if (lane.head != nullptr && lane.head->at_ < next) next = lane.head->at_;
        }
        // An owner told above may have set a deadline (and armed for it): arm for the
        // earliest head unless that is already what the timer waits for.
        if (next != TimePoint::max() && (!armed_ || next < armed_at_)) arm(next);
    }

    boost::asio::steady_timer timer_;
    std::array<std::chrono::milliseconds, kLanes> lengths_;
    std::array<List, kLanes> lanes_{};
    std::size_t pending_ = 0;
    bool armed_ = false;
    bool draining_ = false;
    TimePoint armed_at_{};
    std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace ssocred::serve
