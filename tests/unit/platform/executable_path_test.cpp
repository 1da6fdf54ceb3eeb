#include "platform/executable_path.hpp"

#include <gtest/gtest.h>

namespace ssocred::platform {
namespace {

TEST(ExecutablePath, NamesThisTestBinary) {
    auto p = executable_path();
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_TRUE(p->is_absolute());
    EXPECT_EQ(p->filename(), "unit_platform");
}

// The generic way, run here too: where procfs exists (Linux) it finds the same binary.
TEST(ExecutablePath, TheGenericWayAgreesWhereProcfsExists) {
    auto p = generic::executable_path_from_procfs();
    if (!p) GTEST_SKIP() << p.error().message;
    EXPECT_EQ(p->filename(), "unit_platform");
}

}  // namespace
}  // namespace ssocred::platform
