#include "output.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <ostream>

namespace ssocred::cli {

std::string Style::wrap(std::string_view code, std::string_view s) const {
    if (!color) return std::string(s);
    std::string out = "\x1b[";
    out.append(code).append("m").append(s).append("\x1b[0m");
    return out;
}

bool color_wanted(bool tty, bool no_color_flag) {
    if (!tty || no_color_flag) return false;
    // https://no-color.org: any non-empty NO_COLOR disables colour.
    if (const char* v = std::getenv("NO_COLOR"); v != nullptr && *v != '\0') return false;
    if (const char* t = std::getenv("TERM"); t != nullptr && std::string_view(t) == "dumb")
        return false;
    return true;
}

std::size_t display_width(std::string_view s) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c == 0x1b && i + 1 < s.size() && s[i + 1] == '[') {
            // CSI sequence: skip to its final byte (0x40..0x7e).
            i += 2;
            while (i < s.size() && !(s[i] >= 0x40 && s[i] <= 0x7e)) ++i;
            continue;
        }
        // Count code points, not bytes: continuation bytes (10xxxxxx) add nothing.
        if ((c & 0xC0) != 0x80) ++width;
    }
    return width;
}

namespace {

void pad(std::ostream& out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out << ' ';
}

}  // namespace

void Table::print(std::ostream& out, const Style& style, std::size_t indent) const {
    std::size_t columns = headers_.size();
    for (const auto& r : rows_) columns = std::max(columns, r.size());
    std::vector<std::size_t> widths(columns, 0);
    for (std::size_t c = 0; c < headers_.size(); ++c) widths[c] = display_width(headers_[c]);
    for (const auto& r : rows_)
        for (std::size_t c = 0; c < r.size(); ++c)
            widths[c] = std::max(widths[c], display_width(r[c]));

    auto line = [&](const std::vector<std::string>& cells, bool header) {
        // Trailing empty cells are dropped so that lines never end in spaces.
        std::size_t last = cells.size();
        while (last > 0 && cells[last - 1].empty()) --last;
        pad(out, indent);
        for (std::size_t c = 0; c < last; ++c) {
            out << (header ? style.bold(cells[c]) : cells[c]);
            if (c + 1 < last) pad(out, widths[c] - display_width(cells[c]) + 2);
        }
        out << '\n';
    };
    if (!headers_.empty()) line(headers_, true);
    for (const auto& r : rows_) line(r, false);
}

void KeyValues::print(std::ostream& out, const Style& style, std::size_t indent) const {
    std::size_t width = 0;
    for (const auto& [k, v] : rows_) width = std::max(width, display_width(k));
    for (const auto& [k, v] : rows_) {
        pad(out, indent);
        out << style.bold(k);
        pad(out, width - display_width(k) + 2);
        out << v << '\n';
    }
}

void print_json(std::ostream& out, const nlohmann::json& j) {
    out << j.dump(2) << '\n';
}

std::string format_duration(std::chrono::seconds d) {
    long long s = std::max<long long>(0, d.count());
    auto two = [](long long v) { return (v < 10 ? "0" : "") + std::to_string(v); };
    if (s < 60) return std::to_string(s) + "s";
    if (s < 3600)
        return std::to_string(s / 60) + "m" + (s % 60 && s < 600 ? " " + two(s % 60) + "s" : "");
    if (s < 86400) return std::to_string(s / 3600) + "h " + two((s % 3600) / 60) + "m";
    return std::to_string(s / 86400) + "d " + std::to_string((s % 86400) / 3600) + "h";
}

std::string format_relative(SystemTime t, SystemTime now) {
    auto d = std::chrono::duration_cast<std::chrono::seconds>(t - now);
    if (d.count() == 0) return "now";
    if (d.count() > 0) return "in " + format_duration(d);
    return format_duration(-d) + " ago";
}

std::string format_local(SystemTime t, SystemTime now) {
    std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::time_t tn = std::chrono::system_clock::to_time_t(now);
    std::tm lt{};
    std::tm ln{};
    localtime_r(&tt, &lt);
    localtime_r(&tn, &ln);
    const bool today = lt.tm_year == ln.tm_year && lt.tm_yday == ln.tm_yday;
    char buf[64];
    std::strftime(buf, sizeof buf, today ? "%H:%M %Z" : "%Y-%m-%d %H:%M %Z", &lt);
    return buf;
}

std::string format_when(const nlohmann::json& timestamp, SystemTime now) {
    if (!timestamp.is_string()) return "-";
    auto t = parse_utc(timestamp.get<std::string>());
    if (!t) return timestamp.get<std::string>();
    return format_local(*t, now) + " (" + format_relative(*t, now) + ")";
}

}  // namespace ssocred::cli
