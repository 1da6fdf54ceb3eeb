// Expected<T>: the one error-return convention of ssocred.
//
// Every fallible operation in the core library returns Expected<T> (or Status for
// operations with no value). Exceptions are used only at the edges (flag parsing,
// JSON library internals) and are converted to Error at the first boundary.
// Error messages are shown to users: they must say what to do and must never contain
// a secret (token, key, client secret).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace ssocred {

// Categories callers branch on. Keep this list short: add a code only when some caller
// needs to react to it differently.
enum class ErrorCode {
    Invalid,        // bad input (config line, request, flag)
    NotFound,       // unknown profile, role, file
    Io,             // local file or socket failure
    Network,        // could not reach upstream (DNS, refused, reset, TLS)
    Timeout,        // upstream did not answer in time
    Throttled,      // upstream 429 / TooManyRequests / SlowDown
    UpstreamFault,  // upstream 5xx
    BadResponse,    // upstream answered with something we cannot parse
    Unauthorized,   // portal 401: access token invalid or revoked
    InvalidGrant,   // refresh token used/revoked/expired: login required
    InvalidClient,  // client registration invalid/expired
    AuthorizationPending,
    SlowDown,
    ExpiredToken,  // device code / auth code expired
    AccessDenied,
    LoginRequired,  // no usable session
    Forbidden,      // caller not allowed
    Cancelled,
    Internal,
};

const char* to_string(ErrorCode code) noexcept;

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;        // user-facing, secret-free
    int http_status = 0;        // upstream status when the error came from HTTP, else 0
    std::string upstream_type;  // upstream error type (e.g. "InvalidGrantException"), if any
    // The SSO session a login-required error is about, when known: the control API says it
    // (`session`) so the CLI can sign in to that session.
    std::string session;

    static Error make(ErrorCode code, std::string message) {
        return Error{code, std::move(message), 0, {}, {}};
    }
};

// Transient errors are worth retrying with backoff; the others need a person or a fix.
inline bool is_transient(const Error& e) noexcept {
    switch (e.code) {
        case ErrorCode::Network:
        case ErrorCode::Timeout:
        case ErrorCode::Throttled:
        case ErrorCode::UpstreamFault:
        case ErrorCode::BadResponse:
        case ErrorCode::SlowDown:
            return true;
        default:
            return false;
    }
}

template <class T>
class [[nodiscard]] Expected {
  public:
    Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT implicit
    Expected(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT implicit

    bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & {
        assert(has_value());
        return std::get<0>(state_);
    }
    const T& value() const& {
        assert(has_value());
        return std::get<0>(state_);
    }
    T&& value() && {
        assert(has_value());
        return std::get<0>(std::move(state_));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const& {
        assert(!has_value());
        return std::get<1>(state_);
    }
    Error&& error() && {
        assert(!has_value());
        return std::get<1>(std::move(state_));
    }

  private:
    std::variant<T, Error> state_;
};

struct Ok {};
using Status = Expected<Ok>;
inline Status ok() {
    return Ok{};
}

}  // namespace ssocred
