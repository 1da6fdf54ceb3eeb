#include "config/duration.hpp"

#include <charconv>

namespace ssocred::config {

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
    using namespace std::chrono_literals;
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    if (text.empty()) return std::nullopt;
    std::chrono::seconds unit = 1s;
    const char suffix = text.back();
    if (suffix == 'h' || suffix == 'm' || suffix == 's') {
        unit = suffix == 'h'   ? std::chrono::seconds(1h)
               : suffix == 'm' ? std::chrono::seconds(1min)
                               : 1s;
        text.remove_suffix(1);
    }
    if (text.empty()) return std::nullopt;
    long long n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n <= 0) return std::nullopt;
    constexpr long long kMaxSeconds = 10LL * 366 * 24 * 3600;
    if (n > kMaxSeconds / unit.count()) return std::nullopt;
    return unit * n;
}

}  // namespace ssocred::config
