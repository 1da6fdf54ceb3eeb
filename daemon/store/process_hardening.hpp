// Process hardening the daemon applies once at startup, before it holds any secret.
#pragma once

#include "ssocred/expected.hpp"

namespace ssocred {

// - No core dumps: RLIMIT_CORE soft and hard limits 0, so a crash cannot write tokens to
//   disk (and the hard limit stops a later setrlimit from raising it again).
// - Linux: prctl(PR_SET_DUMPABLE, 0). The process is then not dumpable - no core even via
//   a core_pattern pipe (systemd-coredump ignores RLIMIT_CORE) - and other processes of the
//   same user can no longer ptrace it or read its /proc/<pid>/mem, environ or fds.
// - RLIMIT_NOFILE soft limit raised towards the hard limit, up to 65536 (not hardening but
// resilience: a
//   flood of idle client connections must not exhaust the descriptors the daemon needs).
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
Status harden_process();

}  // namespace ssocred
