// When an SSO session ends, as far as ssocred can tell.
//
// Identity Center does not say: the access token lasts about an hour, the refresh token is
// refused once the session's length (an administrator's setting, 1 h to 7 days, 8 h by
// default) has passed since the sign-in. ssocred records when each session started (the
// login's time) and learns the length when a refresh is refused (refusal time - start), or
// takes it from the `ssocred_session_duration` setting of the [sso-session], which wins.
// A learned length is an upper bound: the refusal is seen at the next renewal after the
// real end, so it may be late by up to one renewal interval (docs/renewal.md).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "ssocred/time.hpp"

namespace ssocred::sso {

// The lead of the "session ends soon" notice when ssocred_notify_before is not set.
inline constexpr std::chrono::seconds kDefaultNotifyBefore{15 * 60};

enum class SessionLengthSource { Configured, Learned };
// "configured" | "learned"
const char* to_string(SessionLengthSource source);

struct SessionEnd {
    std::optional<std::chrono::seconds> length;  // nullopt: not known
    std::optional<SessionLengthSource> source;
    std::optional<SystemTime> ends_at;  // start + length, when both are known
};

SessionEnd predict_session_end(std::optional<SystemTime> started,
                               std::optional<std::chrono::seconds> configured,
                               std::optional<std::chrono::seconds> learned);

// The length a refused refresh at `refused_at` teaches for a session started at `started`;
// nullopt when nothing can be learned (start unknown, or a clock that went backwards).
std::optional<std::chrono::seconds> learn_session_length(std::optional<SystemTime> started,
                                                         SystemTime refused_at);

// When to send the "ends soon" notice for a session ending at `ends_at`: `lead` before it,
// or at once (`now`) when that moment has passed but the end has not; nullopt once the
// predicted end is reached (a refused refresh then says it, not a guess).
std::optional<SystemTime> ends_soon_notice_at(SystemTime ends_at, std::chrono::seconds lead,
                                              SystemTime now);

}  // namespace ssocred::sso
