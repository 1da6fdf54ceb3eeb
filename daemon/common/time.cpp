#include "ssocred/time.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace ssocred {
namespace {

bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
    if (pos + len > s.size()) return false;
    for (std::size_t i = pos; i < pos + len; ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    auto r = std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return r.ec == std::errc{};
}

// SystemTime counts nanoseconds in 64 bits, so only 1677..2262 is representable: converting a
// date outside that overflows (UB; found by fuzz/aws_cli_cache). No token, credential or
// HTTP date of ours lies outside 1900..2200, and the margin keeps offsets and clock-skew
// arithmetic on parsed times in range too.
constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2200;

std::optional<SystemTime> from_civil(int y, int mo, int d, int h, int mi, int sec) {
    if (y < kMinYear || y > kMaxYear) return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    using namespace std::chrono;
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                             day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    return sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec};
}

}  // namespace

std::string format_utc(SystemTime t) {
    using namespace std::chrono;
    const auto secs = floor<seconds>(t);
    const auto days = floor<std::chrono::days>(secs);
    const year_month_day ymd{days};
    const hh_mm_ss hms{secs - days};
    std::array<char, 32> buf{};
    std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02uT%02d:%02d:%02dZ",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
    return buf.data();
}

std::optional<SystemTime> parse_utc(std::string_view s) {
    int y, mo, d, h, mi, sec;
    if (s.size() < 19 || !read_int(s, 0, 4, y) || s[4] != '-' || !read_int(s, 5, 2, mo) ||
        s[7] != '-' || !read_int(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        !read_int(s, 11, 2, h) || s[13] != ':' || !read_int(s, 14, 2, mi) || s[16] != ':' ||
        !read_int(s, 17, 2, sec))
        return std::nullopt;
    std::size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        const std::size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
        if (pos == start) return std::nullopt;
    }
    auto base = from_civil(y, mo, d, h, mi, sec);
    if (!base) return std::nullopt;
    if (pos == s.size()) return base;  // no zone: botocore treats naive times as UTC
    if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) return base;
    if (s[pos] == '+' || s[pos] == '-') {
        const int sign = s[pos] == '+' ? 1 : -1;
        int oh, om;
        std::string_view rest = s.substr(pos + 1);
        if (rest.size() == 5 && rest[2] == ':' && read_int(rest, 0, 2, oh) &&
            read_int(rest, 3, 2, om)) {
        } else if (rest.size() == 4 && read_int(rest, 0, 2, oh) && read_int(rest, 2, 2, om)) {
        } else {
            return std::nullopt;
        }
        return *base - sign * (std::chrono::hours{oh} + std::chrono::minutes{om});
    }
    return std::nullopt;
}

std::optional<SystemTime> parse_http_date(std::string_view s) {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    static constexpr std::array<std::string_view, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (s.size() != 29 || s[3] != ',' || s.substr(26) != "GMT") return std::nullopt;
    int d, y, h, mi, sec;
    if (!read_int(s, 5, 2, d) || !read_int(s, 12, 4, y) || !read_int(s, 17, 2, h) ||
        !read_int(s, 20, 2, mi) || !read_int(s, 23, 2, sec))
        return std::nullopt;
    const std::string_view mon = s.substr(8, 3);
    for (std::size_t i = 0; i < kMonths.size(); ++i)
        if (kMonths[i] == mon) return from_civil(y, static_cast<int>(i) + 1, d, h, mi, sec);
    return std::nullopt;
}

std::string format_http_date(SystemTime t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    std::array<char, 40> buf{};
    std::strftime(buf.data(), buf.size(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf.data();
}

SystemTime from_epoch_seconds(std::int64_t s) {
    return SystemTime{std::chrono::seconds{s}};
}
SystemTime from_epoch_millis(std::int64_t ms) {
    return SystemTime{
        std::chrono::duration_cast<SystemTime::duration>(std::chrono::milliseconds{ms})};
}
std::int64_t to_epoch_seconds(SystemTime t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

const RealClock& RealClock::instance() {
    static const RealClock clock;
    return clock;
}

}  // namespace ssocred
