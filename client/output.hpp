// All human and JSON output formatting: colour, aligned tables, durations and times.
// Commands decide *what* to show; this file decides how it looks.
#pragma once

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ssocred/time.hpp"

namespace ssocred::cli {

// ANSI colour, or nothing when disabled (not a TTY, NO_COLOR, --no-color, TERM=dumb).
struct Style {
    bool color = false;

    std::string bold(std::string_view s) const { return wrap("1", s); }
    std::string dim(std::string_view s) const { return wrap("2", s); }
    std::string green(std::string_view s) const { return wrap("32", s); }
    std::string yellow(std::string_view s) const { return wrap("33", s); }
    std::string red(std::string_view s) const { return wrap("31", s); }
    std::string cyan(std::string_view s) const { return wrap("36", s); }

  private:
    std::string wrap(std::string_view code, std::string_view s) const;
};

// Colour on when `tty`, NO_COLOR unset or empty, TERM not "dumb", and not --no-color.
bool color_wanted(bool tty, bool no_color_flag);

// Display width of a UTF-8 string, ignoring ANSI escape sequences (so coloured cells align).
std::size_t display_width(std::string_view s);

// A table whose columns are padded to their widest cell; the last column is not padded.
class Table {
  public:
    explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    bool empty() const { return rows_.empty(); }
    // `indent` spaces before each line; headers shown in bold when style.color.
    void print(std::ostream& out, const Style& style, std::size_t indent = 0) const;

  private:
    std::vector<std::string> headers_;  // empty headers = no header line
    std::vector<std::vector<std::string>> rows_;
};

// Label/value lines with the labels padded to a common width ("Socket   /run/...").
class KeyValues {
  public:
    void add(std::string key, std::string value) {
        rows_.emplace_back(std::move(key), std::move(value));
    }
    void print(std::ostream& out, const Style& style, std::size_t indent = 0) const;

  private:
    std::vector<std::pair<std::string, std::string>> rows_;
};

// Pretty JSON (2-space indent) with a final newline.
void print_json(std::ostream& out, const nlohmann::json& j);

// "45s", "12m", "3h 05m", "2d 4h" — for lifetimes and remaining times.
std::string format_duration(std::chrono::seconds d);
// "in 3h 05m" / "5m ago" / "now".
std::string format_relative(SystemTime t, SystemTime now);
// Local wall-clock time: "17:45" when today, else "2026-11-24 17:45" (with the zone).
std::string format_local(SystemTime t, SystemTime now);
// A timestamp member from the daemon as "17:45 CET (in 3h 05m)", or "-" when absent.
std::string format_when(const nlohmann::json& timestamp, SystemTime now);

}  // namespace ssocred::cli
