// Process hardening the daemon applies once at startup, before it holds any secret.
//
// - No core dumps: RLIMIT_CORE soft and hard limits 0, so a crash cannot write tokens to
//   disk (and the hard limit stops a later setrlimit from raising it again).
// - No debugger of the same user (deny_debuggers, one per OS layer):
//   Linux: prctl(PR_SET_DUMPABLE, 0). The process is then not dumpable - no core even via
//   a core_pattern pipe (systemd-coredump ignores RLIMIT_CORE) - and other processes of the
//   same user can no longer ptrace it or read its /proc/<pid>/mem, environ or fds.
//   macOS: ptrace(PT_DENY_ATTACH): a debugger that attaches later is refused (and the
//   process exits if one is attached already). task_for_pid by the same user still works
//   for a process with the get-task-allow entitlement (a development build); a signed
//   release without it is covered by the system.
//   The portable build: nothing beyond the POSIX limits.
// - RLIMIT_NOFILE soft limit raised towards the hard limit, up to 65536 (not hardening but
//   resilience: a flood of idle client connections must not exhaust the descriptors the
//   daemon needs).
//
// Deliberately NOT done: mlock/mlockall. Locking every page that might hold a secret is not
// practical with std::string, nlohmann::json, OpenSSL and httplib buffers all over the heap,
// and mlockall would need a RLIMIT_MEMLOCK a user service usually lacks. The chosen defence
// is to keep secrets short-lived and wipe them on release (Secret, OPENSSL_cleanse, the
// Wiped* helpers in the store), so a page swapped out holds a secret only for the short time
// it is in use; encrypted swap is the system-level answer to the rest.
//
// Errors (Internal) only when a step the kernel supports fails; the daemon logs them and
// goes on (an unhardened daemon is better than no daemon).
#pragma once

#include <string>

#include "ssocred/expected.hpp"

namespace ssocred {

Status harden_process();

namespace platform {

// The OS layer's step against same-user debuggers (above). Appends "what: why; " to
// `failures` when it fails. Returns the name of the mechanism applied ("" when none), for
// tests and logs.
const char* deny_debuggers(std::string& failures);

}  // namespace platform
}  // namespace ssocred
