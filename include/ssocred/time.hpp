// Time: the clock abstraction and the one timestamp format ssocred writes.
//
// Every timestamp ssocred emits is "YYYY-MM-DDTHH:MM:SSZ" in UTC: JavaScript's fromHttp
// and Rust reject offsets, botocore's IMDS code needs exactly this form (PROTOCOLS.md §12.4).
// Parsing is lenient (fractions, offsets), since other tools write other forms.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ssocred {

using SystemTime = std::chrono::system_clock::time_point;
using Seconds = std::chrono::seconds;

// "2026-11-23T09:00:00Z"
std::string format_utc(SystemTime t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM|±HHMM)", 't'/'z' in either case.
std::optional<SystemTime> parse_utc(std::string_view text);
// RFC 7231 IMF-fixdate, as in the HTTP Date header ("Sun, 06 Nov 1994 08:49:37 GMT").
std::optional<SystemTime> parse_http_date(std::string_view text);
std::string format_http_date(SystemTime t);

SystemTime from_epoch_seconds(std::int64_t s);
SystemTime from_epoch_millis(std::int64_t ms);
std::int64_t to_epoch_seconds(SystemTime t);

// Injected wherever a decision depends on "now", so tests can move time.
class Clock {
  public:
    virtual ~Clock() = default;
    virtual SystemTime now() const = 0;
};

class RealClock final : public Clock {
  public:
    SystemTime now() const override { return std::chrono::system_clock::now(); }
    static const RealClock& instance();
};

class ManualClock final : public Clock {
  public:
    explicit ManualClock(SystemTime start) : now_(start) {}
    SystemTime now() const override { return now_; }
    void advance(std::chrono::system_clock::duration d) { now_ += d; }
    void set(SystemTime t) { now_ = t; }

  private:
    SystemTime now_;
};

}  // namespace ssocred
