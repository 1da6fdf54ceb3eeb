// Sockets and pipes that are close-on-exec from birth.
//
// A descriptor inherited by a child we start (the browser, the command `ssocred exec`
// runs) keeps our socket or pipe open behind our back. Where the OS creates descriptors
// with the flag already set (SOCK_CLOEXEC, accept4, pipe2: Linux, the BSDs) that is used;
// elsewhere (macOS) the flags are set right after creation, which leaves a short window in
// which a fork+exec on another thread can still inherit the descriptor.
#pragma once

#include <sys/socket.h>

namespace ssocred {

enum class FdMode { Blocking, NonBlocking };

// socket(2), close-on-exec: the descriptor, or -1 with errno set.
int socket_cloexec(int domain, int type, int protocol, FdMode mode = FdMode::Blocking) noexcept;

// accept(2), the connection close-on-exec: the descriptor, or -1 with errno set.
int accept_cloexec(int listener, sockaddr* peer, socklen_t* peer_len,
                   FdMode mode = FdMode::Blocking) noexcept;

// pipe(2), both ends close-on-exec: 0, or -1 with errno set (fds untouched).
int pipe_cloexec(int (&fds)[2], FdMode mode = FdMode::Blocking) noexcept;

}  // namespace ssocred

namespace ssocred::fallback {

// The same, flags set after creation: what the functions above do where the OS has no
// atomic form. Declared here so that the tests run them on every OS.
int socket_cloexec(int domain, int type, int protocol, FdMode mode = FdMode::Blocking) noexcept;
int accept_cloexec(int listener, sockaddr* peer, socklen_t* peer_len,
                   FdMode mode = FdMode::Blocking) noexcept;
int pipe_cloexec(int (&fds)[2], FdMode mode = FdMode::Blocking) noexcept;

}  // namespace ssocred::fallback
