#include "control_client.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ssocred/descriptors.hpp"
#include "ssocred/peer_identity.hpp"
#include "ssocred/private_dir.hpp"
#include "ssocred/version.hpp"

#include "autostart.hpp"
#include "fd.hpp"
#include "http_parse.hpp"

namespace ssocred::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxResponse = 16 * 1024 * 1024;

Error io_error(std::string message) {
    return Error::make(ErrorCode::Io, std::move(message));
}

Error daemon_down() {
    Error err = Error::make(ErrorCode::Io, std::string(kDaemonDownMessage));
    err.upstream_type = std::string(kDaemonNotRunning);
    return err;
}

// Before a byte is sent: is what listens there really our own daemon? Another user who
// got to the socket's directory first (a squatted /tmp/ssocred-<uid> when XDG_RUNTIME_DIR
// is unset) could otherwise show a device code of theirs, or hand out their keys.
Status verify_directory(const std::filesystem::path& socket) {
    auto st = check_private_dir(socket.parent_path());
    if (st) return st;
    if (st.error().code == ErrorCode::NotFound) return daemon_down();
    return Error::make(ErrorCode::Forbidden, "refusing to use the control socket " +
                                                 socket.string() + ": " + st.error().message);
}

Status verify_server(int fd, const std::filesystem::path& socket) {
    auto uid = unix_peer_uid(fd);
    if (!uid) {
        return Error::make(ErrorCode::Forbidden,
                           "refusing to use the control socket " + socket.string() +
                               ": cannot tell who serves it (" + uid.error().message + ")");
    }
    if (*uid != ::getuid()) {
        return Error::make(ErrorCode::Forbidden,
                           "refusing to use the control socket " + socket.string() +
                               ": it is served by " + describe_uid(*uid) + ", not by you (" +
                               describe_uid(::getuid()) +
                               "); another user may be impersonating ssocredd");
    }
    return ok();
}

Expected<UniqueFd> connect_unix(const std::filesystem::path& path) {
    if (auto st = verify_directory(path); !st) return st.error();
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string p = path.string();
    if (p.size() >= sizeof(addr.sun_path))
        return io_error("the control socket path is too long: " + p);
    std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);

    UniqueFd fd(socket_cloexec(AF_UNIX, SOCK_STREAM, 0));
    if (!fd) return io_error(std::string("cannot create a socket: ") + std::strerror(errno));
    int rc;
    do {
        rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        const int e = errno;
        if (e == ENOENT || e == ECONNREFUSED || e == ENOTDIR) return daemon_down();
        if (e == EACCES || e == EPERM)
            return io_error("cannot connect to ssocredd at " + p +
                            ": permission denied (is it another user's daemon?)");
        return io_error("cannot connect to ssocredd at " + p + ": " + std::strerror(e));
    }
    if (auto st = verify_server(fd.get(), path); !st) return st.error();
    // Non-blocking from here on so that every wait goes through poll() with a deadline.
    ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) | O_NONBLOCK);
    return fd;
}

// Nothing listens: start the daemon (once per process) and connect again. A failed start
// still means "the daemon is not running" (exit 3), now with the reason.
Expected<UniqueFd> connect_or_start(const std::filesystem::path& socket, bool announce) {
    static bool attempted = false;
    if (attempted) return daemon_down();
    attempted = true;
    auto started = start_daemon(socket);
    if (!started) {
        Error err = daemon_down();
        err.message = "ssocredd is not running, and " + started.error().message;
        return err;
    }
    if (announce && started->by_us)
        std::cerr << "ssocred: started ssocredd (pid " << started->pid << ", log "
                  << started->log_file.string() << ")\n";
    return connect_unix(socket);
}

// Waits until `fd` is ready for `events`, the deadline passes, or cancel_fd fires.
// Calls on_tick about once a second meanwhile.
Status wait_ready(int fd, short events, Clock::time_point deadline, const RequestOptions& o) {
    for (;;) {
        auto now = Clock::now();
        if (now >= deadline)
            return Error::make(ErrorCode::Timeout, "ssocredd did not answer in time");
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
        int timeout = static_cast<int>(std::min<long long>(left.count(), 1000));
        pollfd fds[2] = {{fd, events, 0}, {o.cancel_fd, POLLIN, 0}};
        int rc = ::poll(fds, o.cancel_fd >= 0 ? 2 : 1, timeout);
        if (rc < 0 && errno != EINTR)
            return io_error(std::string("poll failed: ") + std::strerror(errno));
        if (o.cancel_fd >= 0 && rc > 0 && (fds[1].revents & POLLIN) != 0)
            return Error::make(ErrorCode::Cancelled, "cancelled");
        if (rc > 0 && fds[0].revents != 0) return ok();
        if (o.on_tick) o.on_tick();
    }
}

std::string build_request(std::string_view method, std::string_view target,
                          const std::optional<json>& body) {
    std::string req;
    req.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
    req += "Host: localhost\r\n";
    req += std::string("User-Agent: ssocred/") + kVersion + "\r\n";
    req += "Accept: application/json\r\nConnection: close\r\n";
    std::string payload;
    if (body) {
        payload = body->dump();
        req += "Content-Type: application/json\r\n";
    }
    if (body || method == "POST" || method == "PUT")
        req += "Content-Length: " + std::to_string(payload.size()) + "\r\n";
    req += "\r\n";
    req += payload;
    return req;
}

const char* fallback_message(int status, std::string_view code) {
    if (code == "login_required") return "not logged in: run `ssocred login`";
    if (code == "forbidden" || status == 403)
        return "ssocredd refused the request: it runs as another user";
    if (code == "not_found" || status == 404) return "ssocredd does not know that name";
    if (code == "upstream_unavailable") return "AWS IAM Identity Center could not be reached";
    if (status == 400) return "ssocredd rejected the request as invalid";
    return "ssocredd failed to handle the request";
}

ErrorCode code_from(std::string_view code, int status) {
    if (code == "invalid") return ErrorCode::Invalid;
    if (code == "not_found") return ErrorCode::NotFound;
    if (code == "login_required") return ErrorCode::LoginRequired;
    if (code == "forbidden") return ErrorCode::Forbidden;
    if (code == "upstream_unavailable") return ErrorCode::Network;
    if (code == "conflict") return ErrorCode::Invalid;
    if (status == 404) return ErrorCode::NotFound;
    if (status == 403) return ErrorCode::Forbidden;
    if (status >= 400 && status < 500) return ErrorCode::Invalid;
    return ErrorCode::Internal;
}

}  // namespace

std::string url_encode(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

Error error_from_response(const HttpResponse& r) {
    std::string code;
    std::string message;
    std::string session;
    auto j = json::parse(r.body, nullptr, false);
    if (!j.is_discarded() && j.is_object()) {
        if (auto it = j.find("session"); it != j.end() && it->is_string())
            session = it->get<std::string>();
        if (auto it = j.find("code"); it != j.end() && it->is_string())
            code = it->get<std::string>();
        if (auto it = j.find("message"); it != j.end() && it->is_string())
            message = it->get<std::string>();
    }
    if (message.empty()) message = fallback_message(r.status, code);
    // The daemon's messages are full sentences; drop a final period so ours can follow.
    while (!message.empty() && (message.back() == '.' || message.back() == '\n'))
        message.pop_back();
    Error e = Error::make(code_from(code, r.status), std::move(message));
    e.http_status = r.status;
    e.upstream_type = code;
    e.session = std::move(session);  // the session a login_required error is about
    return e;
}

Expected<HttpResponse> ControlClient::send(std::string_view method, std::string_view target,
                                           const std::optional<json>& body,
                                           const RequestOptions& options) const {
    const auto deadline = Clock::now() + options.timeout;
    auto fd = connect_unix(socket_);
    if (!fd && autostart_ && fd.error().upstream_type == kDaemonNotRunning)
        fd = connect_or_start(socket_, announce_);
    if (!fd) return std::move(fd).error();

    const std::string request = build_request(method, target, body);
    std::size_t sent = 0;
    while (sent < request.size()) {
        ssize_t n = ::send(fd->get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            if (auto w = wait_ready(fd->get(), POLLOUT, deadline, options); !w) return w.error();
            continue;
        }
        return io_error(std::string("lost the connection to ssocredd: ") + std::strerror(errno));
    }

    std::string data;
    char buf[16384];
    bool eof = false;
    for (;;) {
        auto parsed = parse_http_response(data, eof);
        if (parsed.state == ParsedResponse::State::Complete)
            return HttpResponse{parsed.status, std::move(parsed.content_type),
                                std::move(parsed.body)};
        if (parsed.state == ParsedResponse::State::Invalid)
            return Error::make(ErrorCode::BadResponse, "ssocredd sent a malformed HTTP response");
        if (data.size() > kMaxResponse)
            return Error::make(ErrorCode::BadResponse, "ssocredd sent an oversized response");
        ssize_t n = ::recv(fd->get(), buf, sizeof(buf), 0);
        if (n > 0) {
            data.append(buf, static_cast<std::size_t>(n));
        } else if (n == 0) {
            eof = true;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            if (auto w = wait_ready(fd->get(), POLLIN, deadline, options); !w) return w.error();
        } else if (errno == ECONNRESET && data.empty()) {
            return io_error("ssocredd closed the connection without answering");
        } else {
            eof = true;
        }
    }
}

Expected<json> ControlClient::call(std::string_view method, std::string_view target,
                                   const std::optional<json>& body,
                                   const RequestOptions& options) const {
    auto r = send(method, target, body, options);
    if (!r) return std::move(r).error();
    if (r->status < 200 || r->status >= 300) return error_from_response(*r);
    if (r->body.empty()) return json::object();
    auto j = json::parse(r->body, nullptr, false);
    if (j.is_discarded())
        return Error::make(ErrorCode::BadResponse, "ssocredd sent a reply that is not JSON");
    return j;
}

}  // namespace ssocred::cli
