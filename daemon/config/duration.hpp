// Durations written by people in the AWS config (`ssocred_session_duration = 8h`).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace ssocred::config {

// "8h", "90m", "3600s" or a bare number of seconds ("3600"); surrounding blanks are
// ignored. One unit per value (no "1h30m": "90m" says it). nullopt for anything else, for
// zero, and for values past 10 years (a typo, not a session length).
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace ssocred::config
