// harden_process() in a child process, so the test runner itself stays dumpable (debuggers,
// sanitizers): the POSIX limits everywhere, and each OS layer's own step.
#include "platform/process_hardening.hpp"

#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "platform/os_layer.hpp"

#if defined(__linux__)
#include <sys/prctl.h>
#endif

namespace ssocred {
namespace {

TEST(ProcessHardening, DisablesCoreDumpsAndDebuggers) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        int code = 0;
        if (!harden_process()) code |= 1;
        rlimit rl{};
        if (::getrlimit(RLIMIT_CORE, &rl) != 0 || rl.rlim_cur != 0 || rl.rlim_max != 0) code |= 4;
#if defined(__linux__)
        // The linux layer makes the process non-dumpable; the portable build cannot, and
        // says so (docs/security.md): the flag must then be left as it was.
        const bool dumpable = ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0;
        if (dumpable != (platform::os_layer() != "linux")) code |= 2;
#endif
        ::_exit(code);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0)
        << "1: harden_process failed, 2: dumpable flag not as the layer promises, 4: core limit "
           "not 0";
}

TEST(ProcessHardening, EachLayerNamesItsDebuggerDefence) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        std::string failures;
        const std::string applied = platform::deny_debuggers(failures);
        const auto layer = platform::os_layer();
        const std::string expected = layer == "linux"   ? "PR_SET_DUMPABLE"
                                     : layer == "macos" ? "PT_DENY_ATTACH"
                                                        : "";
        ::_exit(applied == expected && failures.empty() ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace ssocred
