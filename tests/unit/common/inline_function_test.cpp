#include "ssocred/inline_function.hpp"

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <gtest/gtest.h>

namespace ssocred {
namespace {

using SmallFn = InlineFunction<int(int), 24>;

// Counts live instances so the tests can see that every capture is destroyed exactly once.
struct Tracked {
    static inline int alive = 0;
    Tracked() { ++alive; }
    Tracked(const Tracked&) { ++alive; }
    Tracked(Tracked&&) noexcept { ++alive; }
    ~Tracked() { --alive; }
};

TEST(InlineFunction, EmptyIsFalseAndThrowsWhenCalled) {
    SmallFn f;
    EXPECT_FALSE(f);
    SmallFn g = nullptr;
    EXPECT_FALSE(g);
    EXPECT_THROW(f(1), std::bad_function_call);
}

TEST(InlineFunction, CallsASmallCaptureInline) {
    const int base = 40;
    auto add = [base](int x) { return base + x; };
    static_assert(SmallFn::fits_inline<decltype(add)>);
    SmallFn f = add;
    ASSERT_TRUE(f);
    EXPECT_EQ(f(2), 42);
}

TEST(InlineFunction, SharedPtrCaptureFitsInlineAndIsReleasedOnDestruction) {
    auto owner = std::make_shared<int>(7);
    {
        auto read = [owner](int x) { return *owner + x; };
        static_assert(SmallFn::fits_inline<decltype(read)>);
        SmallFn f = std::move(read);
        EXPECT_EQ(owner.use_count(), 2);
        EXPECT_EQ(f(1), 8);
    }
    // Dropped without a call: the capture is released, as std::function would do.
    EXPECT_EQ(owner.use_count(), 1);
}

TEST(InlineFunction, LargeCaptureGoesToTheHeapAndStillWorks) {
    std::array<long, 16> big{};
    big[15] = 5;
    auto sum = [big](int x) { return static_cast<int>(big[15]) + x; };
    static_assert(!SmallFn::fits_inline<decltype(sum)>);
    SmallFn f = sum;
    SmallFn g = std::move(f);
    EXPECT_FALSE(f);  // NOLINT(bugprone-use-after-move): moved-from is empty, by contract
    EXPECT_EQ(g(1), 6);
}

TEST(InlineFunction, MoveTransfersAndDestroysEachCaptureOnce) {
    Tracked::alive = 0;
    {
        SmallFn a = [t = Tracked()](int x) { return x; };
        EXPECT_EQ(Tracked::alive, 1);
        SmallFn b = std::move(a);
        EXPECT_EQ(Tracked::alive, 1);
        EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move)
        SmallFn c = [t = Tracked()](int x) { return -x; };
        EXPECT_EQ(Tracked::alive, 2);
        c = std::move(b);  // destroys c's own capture, takes b's
        EXPECT_EQ(Tracked::alive, 1);
        EXPECT_EQ(c(3), 3);
        c = nullptr;
        EXPECT_EQ(Tracked::alive, 0);
    }
    EXPECT_EQ(Tracked::alive, 0);
}

TEST(InlineFunction, HeapCaptureIsDestroyedOnce) {
    Tracked::alive = 0;
    {
        std::array<long, 16> big{};
        SmallFn a = [t = Tracked(), big](int x) { return x + static_cast<int>(big[0]); };
        SmallFn b = std::move(a);
        EXPECT_EQ(Tracked::alive, 1);
        EXPECT_EQ(b(4), 4);
    }
    EXPECT_EQ(Tracked::alive, 0);
}

TEST(InlineFunction, MoveOnlyCapturesAndMutableLambdas) {
    InlineFunction<int(), 24> next = [p = std::make_unique<int>(0)]() mutable { return ++*p; };
    EXPECT_EQ(next(), 1);
    EXPECT_EQ(next(), 2);
}

TEST(InlineFunction, ForwardsMoveOnlyArguments) {
    InlineFunction<std::string(std::unique_ptr<std::string>), 16> take =
        [](std::unique_ptr<std::string> s) { return *s + "!"; };
    EXPECT_EQ(take(std::make_unique<std::string>("done")), "done!");
}

TEST(InlineFunction, NestedCompletionFitsTheOuterBuffer) {
    // The serving plane's shape: an engine callback that captures a session completion.
    using Inner = InlineFunction<void(int), 24>;
    using Outer = InlineFunction<void(int), 48>;
    int seen = 0;
    Inner inner = [&seen](int x) { seen = x; };
    auto outer_fn = [done = std::move(inner), flag = true](int x) { done(flag ? x : -x); };
    static_assert(Outer::fits_inline<decltype(outer_fn)>);
    Outer outer = std::move(outer_fn);
    outer(9);
    EXPECT_EQ(seen, 9);
}

}  // namespace
}  // namespace ssocred
