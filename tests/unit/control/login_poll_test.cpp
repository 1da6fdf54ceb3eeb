// GET /v1/login/{id}?wait=N: long polls are parked on the loop, not on a worker thread.
#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "control/login_polls.hpp"
#include "control_fixture.hpp"

namespace ssocred::control_test {
namespace {

using namespace std::chrono_literals;

TEST_F(ControlFixture, TwoLongPollsDoNotStallOtherRequests) {
    // Two device logins, both pending until the fake OIDC service says otherwise.
    auto corp = call("POST", "/v1/login", R"({"sso_session":"corp","use_device_code":true})");
    ASSERT_EQ(corp.status, 202u) << corp.text;
    auto lab = call("POST", "/v1/login", R"({"sso_session":"lab","use_device_code":true})");
    ASSERT_EQ(lab.status, 202u) << lab.text;
    const std::string corp_id = corp.body["id"];
    const std::string lab_id = lab.body["id"];
    ASSERT_NE(corp_id, lab_id);

    auto poll_corp = send("GET", "/v1/login/" + corp_id + "?wait=30");
    auto poll_lab = send("GET", "/v1/login/" + lab_id + "?wait=30");
    io.restart();
    io.poll();
    EXPECT_FALSE(poll_corp->answered());
    EXPECT_FALSE(poll_lab->answered());

    // A request that needs the blocking pool (the portal's listing) and one on the loop
    // both answer while the polls wait: no worker is held by them.
    auto accounts = call("GET", "/v1/accounts?sso_session=corp");
    EXPECT_EQ(accounts.status, 200u) << accounts.text;
    EXPECT_EQ(call("GET", "/v1/status").status, 200u);
    EXPECT_FALSE(poll_corp->answered());
    EXPECT_FALSE(poll_lab->answered());

    // A change answers its own poll, and only that one.
    auto cancelled = call("DELETE", "/v1/login/" + corp_id);
    ASSERT_EQ(cancelled.status, 200u) << cancelled.text;
    run_until([&] { return poll_corp->answered(); });
    ASSERT_TRUE(poll_corp->answered());
    EXPECT_EQ(poll_corp->answer().status, 200u);
    EXPECT_EQ(poll_corp->answer().body["state"], "cancelled");
    EXPECT_FALSE(poll_lab->answered());

    oidc->device_pending = false;  // the person approved the lab login
    run_until([&] { return poll_lab->answered(); });
    ASSERT_TRUE(poll_lab->answered());
    EXPECT_EQ(poll_lab->answer().body["state"], "succeeded");
    EXPECT_EQ(poll_lab->answer().body["id"], lab_id);
}

TEST_F(ControlFixture, LongPollAnswersAtItsDeadlineWhenNothingChanged) {
    auto started = call("POST", "/v1/login", R"({"sso_session":"lab","use_device_code":true})");
    ASSERT_EQ(started.status, 202u) << started.text;
    const std::string id = started.body["id"];
    auto a = call("GET", "/v1/login/" + id + "?wait=1");
    ASSERT_EQ(a.status, 200u) << a.text;
    EXPECT_EQ(a.body["state"], "pending");
    EXPECT_EQ(a.body["user_code"], "ABCD-EFGH");
}

TEST_F(ControlFixture, LoginPollWithoutWaitOrOnAFinishedLoginAnswersAtOnce) {
    auto started = call("POST", "/v1/login", R"({"sso_session":"lab","use_device_code":true})");
    ASSERT_EQ(started.status, 202u);
    const std::string id = started.body["id"];
    auto now = send("GET", "/v1/login/" + id);
    EXPECT_TRUE(now->answered());  // answered inside handle(), on the loop
    EXPECT_EQ(now->answer().body["state"], "pending");

    ASSERT_EQ(call("DELETE", "/v1/login/" + id).status, 200u);
    auto done = send("GET", "/v1/login/" + id + "?wait=30");
    EXPECT_TRUE(done->answered());
    EXPECT_EQ(done->answer().body["state"], "cancelled");
}

TEST_F(ControlFixture, LoginPollErrors) {
    EXPECT_EQ(call("GET", "/v1/login/no-such-login").status, 404u);
    EXPECT_EQ(call("GET", "/v1/login/no-such-login?wait=x").status, 400u);
    EXPECT_EQ(call("GET", "/v1/login/no-such-login?wait=-1").status, 400u);
    EXPECT_EQ(call("DELETE", "/v1/login/no-such-login").status, 404u);
}

TEST_F(ControlFixture, StopAnswersTheParkedPolls) {
    auto started = call("POST", "/v1/login", R"({"sso_session":"lab","use_device_code":true})");
    ASSERT_EQ(started.status, 202u);
    auto poll = send("GET", "/v1/login/" + std::string(started.body["id"]) + "?wait=30");
    EXPECT_FALSE(poll->answered());
    api->stop();
    ASSERT_TRUE(poll->answered());
    EXPECT_EQ(poll->answer().body["state"], "pending");
}

// LoginPolls on its own, with a LoginTask changed from another thread.
class Polls : public ::testing::Test {
  protected:
    void SetUp() override {
        task = std::make_shared<sso::LoginTask>("id-1", "corp", sso::LoginFlow::DeviceCode);
        loop = std::thread([this] { io.run(); });
    }
    void TearDown() override {
        work.reset();
        loop.join();
    }
    // Runs `fn` on the loop and waits for it.
    void on_loop(std::function<void()> fn) {
        std::promise<void> done;
        boost::asio::post(io, [&] {
            fn();
            done.set_value();
        });
        done.get_future().wait();
    }

    boost::asio::io_context io;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work{
        io.get_executor()};
    std::thread loop;
    std::shared_ptr<sso::LoginTask> task;
};

TEST_F(Polls, ChangeFromAnotherThreadAnswersOnTheLoop) {
    auto polls = std::make_unique<LoginPolls>(io.get_executor());
    std::promise<sso::LoginProgress> answered;
    std::thread::id answered_on;
    on_loop([&] {
        polls->park(task, task->snapshot().version, 30s, [&](const sso::LoginProgress& p) {
            answered_on = std::this_thread::get_id();
            answered.set_value(p);
        });
        EXPECT_EQ(polls->parked(), 1u);
    });
    std::thread([this] {
        task->set_prompt("https://device.example/", "ABCD", std::nullopt);
    }).join();
    const sso::LoginProgress p = answered.get_future().get();
    EXPECT_EQ(p.url, "https://device.example/");
    EXPECT_EQ(answered_on, loop.get_id());
    on_loop([&] {
        EXPECT_EQ(polls->parked(), 0u);
        polls.reset();
    });
}

TEST_F(Polls, AChangeBeforeParkingAnswersAtOnce) {
    const auto seen = task->snapshot().version;
    task->set_prompt("https://device.example/", "ABCD", std::nullopt);
    auto polls = std::make_unique<LoginPolls>(io.get_executor());
    std::promise<sso::LoginProgress> answered;
    on_loop([&] {
        polls->park(task, seen, 30s, [&](const sso::LoginProgress& p) { answered.set_value(p); });
    });
    EXPECT_EQ(answered.get_future().get().user_code, "ABCD");
    on_loop([&] { polls.reset(); });
}

TEST_F(Polls, ParkUntilWaitsPastChangesThatAreNotReady) {
    auto polls = std::make_unique<LoginPolls>(io.get_executor());
    std::promise<sso::LoginProgress> answered;
    on_loop([&] {
        polls->park_until(
            task, task->snapshot().version, 30s,
            [](const sso::LoginProgress& p) { return p.state != sso::LoginState::Pending; },
            [&](const sso::LoginProgress& p) { answered.set_value(p); });
    });
    auto got = answered.get_future();
    // Two changes the poll does not wait for, from another thread; the poll stays parked.
    std::thread([this] {
        task->set_prompt("https://device.example/", "ABCD", std::nullopt);
        task->set_prompt("https://device.example/2", "EFGH", std::nullopt);
    }).join();
    on_loop([] {});  // what the changes posted has run
    on_loop([&] { EXPECT_EQ(polls->parked(), 1u); });
    EXPECT_EQ(got.wait_for(0s), std::future_status::timeout);
    std::thread([this] { task->finish(sso::LoginState::Failed, "refused"); }).join();
    const sso::LoginProgress p = got.get();
    EXPECT_EQ(p.state, sso::LoginState::Failed);
    EXPECT_EQ(p.user_code, "EFGH");
    on_loop([&] {
        EXPECT_EQ(polls->parked(), 0u);
        polls.reset();
    });
}

TEST_F(Polls, DeadlineAnswersWithTheProgressAsItIs) {
    auto polls = std::make_unique<LoginPolls>(io.get_executor());
    std::promise<sso::LoginProgress> answered;
    on_loop([&] {
        polls->park(task, task->snapshot().version, 10ms,
                    [&](const sso::LoginProgress& p) { answered.set_value(p); });
    });
    EXPECT_EQ(answered.get_future().get().state, sso::LoginState::Pending);
    // A change after the deadline calls nothing (the callback was forgotten).
    task->finish(sso::LoginState::Failed, "gone");
    on_loop([&] {
        EXPECT_EQ(polls->parked(), 0u);
        polls.reset();
    });
}

TEST_F(Polls, ChangeAfterThePollsAreGoneIsHarmless) {
    auto polls = std::make_unique<LoginPolls>(io.get_executor());
    int calls = 0;
    on_loop([&] {
        polls->park(task, task->snapshot().version, 30s,
                    [&](const sso::LoginProgress&) { ++calls; });
        polls.reset();  // dropped unanswered (the daemon is going away)
    });
    task->cancel();
    on_loop([] {});  // anything the change posted has run
    EXPECT_EQ(calls, 0);
}

TEST(LoginTaskOnChange, CalledOnceByTheNextChangeOnly) {
    sso::LoginTask task("id-1", "corp", sso::LoginFlow::DeviceCode);
    std::vector<std::uint64_t> seen;
    const auto v0 = task.snapshot().version;
    EXPECT_NE(task.on_change(v0, [&](const sso::LoginProgress& p) { seen.push_back(p.version); }),
              0u);
    EXPECT_TRUE(seen.empty());
    task.set_prompt("u", "c", std::nullopt);
    task.finish(sso::LoginState::Succeeded, "");
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0], v0 + 1);

    // Already changed: called at once, no ticket.
    EXPECT_EQ(task.on_change(v0, [&](const sso::LoginProgress& p) { seen.push_back(p.version); }),
              0u);
    EXPECT_EQ(seen.size(), 2u);

    // Forgotten: never called.
    sso::LoginTask other("id-2", "corp", sso::LoginFlow::DeviceCode);
    const auto ticket = other.on_change(other.snapshot().version,
                                        [&](const sso::LoginProgress&) { seen.push_back(99); });
    other.forget_change(ticket);
    other.cancel();
    EXPECT_EQ(seen.size(), 2u);
}

}  // namespace
}  // namespace ssocred::control_test
