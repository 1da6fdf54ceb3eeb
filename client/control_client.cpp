#include "control_client.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ssocred/descriptors.hpp"
#include "ssocred/errno_text.hpp"
#include "ssocred/peer_identity.hpp"
#include "ssocred/percent_encoding.hpp"
#include "ssocred/private_dir.hpp"
#include "ssocred/wire_error.hpp"

#include "autostart.hpp"
#include "platform_advice.hpp"

namespace ssocred::cli {

std::string daemon_down_message() {
    return std::string(kDaemonDownMessage) + ": start it with " + daemon_start_hint();
}

namespace {

using Clock = std::chrono::steady_clock;

Error io_error(std::string message) {
    return Error::make(ErrorCode::Io, std::move(message));
}

Error daemon_down() {
    Error err = Error::make(ErrorCode::Io, daemon_down_message());
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

Status verify_server(int fd, const std::filesystem::path& socket, uid_t expected_uid) {
    auto uid = unix_peer_uid(fd);
    if (!uid) {
        return Error::make(ErrorCode::Forbidden,
                           "refusing to use the control socket " + socket.string() +
                               ": cannot tell who serves it (" + uid.error().message + ")");
    }
    if (*uid != expected_uid) {
        return Error::make(ErrorCode::Forbidden,
                           "refusing to use the control socket " + socket.string() +
                               ": it is served by " + describe_uid(*uid) + ", not by you (" +
                               describe_uid(expected_uid) +
                               "); another user may be impersonating ssocredd");
    }
    return ok();
}

}  // namespace

Expected<UniqueFd> connect_control_socket(const std::filesystem::path& path, uid_t expected_uid) {
    if (auto st = verify_directory(path); !st) return st.error();
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string p = path.string();
    if (p.size() >= sizeof(addr.sun_path))
        return io_error("the control socket path is too long: " + p);
    std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);

    UniqueFd fd(socket_cloexec(AF_UNIX, SOCK_STREAM, 0));
    if (!fd) {
        const int e = errno;
        return io_error("cannot create a socket: " + errno_text(e));
    }
#ifdef SO_NOSIGPIPE
    // Asio sets this only on sockets it creates itself, and sends without MSG_NOSIGNAL where
    // the OS has this option instead (macOS): without it, a daemon closing mid-request
    // would kill ssocred with SIGPIPE rather than give a write error.
    const int on = 1;
    (void)::setsockopt(fd.get(), SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
#endif
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
        return io_error("cannot connect to ssocredd at " + p + ": " + errno_text(e));
    }
    if (auto st = verify_server(fd.get(), path, expected_uid); !st) return st.error();
    return fd;
}

namespace {

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
    return connect_control_socket(socket, ::getuid());
}

const char* fallback_message(int status, std::string_view code) {
    const auto wire = from_wire(code);
    if (wire == WireError::LoginRequired) return "not logged in: run `ssocred login`";
    if (wire == WireError::Forbidden || status == 403)
        return "ssocredd refused the request: it runs as another user";
    if (wire == WireError::NotFound || status == 404) return "ssocredd does not know that name";
    if (wire == WireError::UpstreamUnavailable)
        return "AWS IAM Identity Center could not be reached";
    if (status == 400) return "ssocredd rejected the request as invalid";
    return "ssocredd failed to handle the request";
}

}  // namespace

std::string url_encode(std::string_view s) {
    return percent_encode(s);  // the daemon's encoder (ssocred/percent_encoding.hpp)
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
    Error e = Error::make(error_code_from_wire(code, r.status), std::move(message));
    e.http_status = r.status;
    e.upstream_type = code;
    e.session = std::move(session);  // the session a login_required error is about
    return e;
}

Expected<HttpResponse> ControlClient::send(std::string_view method, std::string_view target,
                                           const std::optional<json>& body,
                                           const RequestOptions& options) const {
    const auto deadline = Clock::now() + options.timeout;
    auto fd = connect_control_socket(socket_, ::getuid());
    if (!fd && autostart_ && fd.error().upstream_type == kDaemonNotRunning)
        fd = connect_or_start(socket_, announce_);
    if (!fd) return std::move(fd).error();
    HttpRequest request{method, target, std::nullopt};
    if (body) request.json_body = body->dump();
    return http_exchange(std::move(*fd), request, deadline, options);
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
