#include "store/process_hardening.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace ssocred {
namespace {

// Runs in a child process so the test runner itself stays dumpable (debuggers, sanitizers).
TEST(ProcessHardening, DisablesCoreDumpsAndPtrace) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        int code = 0;
        if (!harden_process()) code |= 1;
        if (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) code |= 2;
        rlimit rl{};
        if (::getrlimit(RLIMIT_CORE, &rl) != 0 || rl.rlim_cur != 0 || rl.rlim_max != 0) code |= 4;
        ::_exit(code);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0)
        << "1: harden_process failed, 2: still dumpable, 4: core limit not 0";
}

}  // namespace
}  // namespace ssocred
