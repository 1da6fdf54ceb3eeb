#include "config/ini_parser.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace ssocred::config {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

std::size_t indent_of(std::string_view line) {
    std::size_t n = 0;
    while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
    return n;
}

// JS-style inline comment: `#` or `;` preceded by whitespace. A `#` inside a value (a start
// URL ending in `#/`) is kept because nothing precedes it but a non-space character.
std::string_view strip_inline_comment(std::string_view s) {
    for (std::size_t i = 1; i < s.size(); ++i) {
        if ((s[i] == '#' || s[i] == ';') && is_space(s[i - 1])) return trim(s.substr(0, i));
    }
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// shlex-like split (botocore splits section names with shlex): whitespace separates words,
// single or double quotes group. nullopt on an unbalanced quote.
std::optional<std::vector<std::string>> split_words(std::string_view s) {
    std::vector<std::string> words;
    std::string cur;
    bool in_word = false;
    char quote = 0;
    for (char c : s) {
        if (quote != 0) {
            if (c == quote) {
                quote = 0;
            } else {
                cur.push_back(c);
            }
        } else if (c == '"' || c == '\'') {
            quote = c;
            in_word = true;
        } else if (is_space(c)) {
            if (in_word) words.push_back(std::move(cur));
            cur.clear();
            in_word = false;
        } else {
            cur.push_back(c);
            in_word = true;
        }
    }
    if (quote != 0) return std::nullopt;
    if (in_word) words.push_back(std::move(cur));
    return words;
}

class Parser {
  public:
    explicit Parser(std::string_view file_name) : file_(file_name) {}

    Expected<IniDocument> run(std::string_view text) {
        int line_no = 0;
        while (!text.empty()) {
            const std::size_t nl = text.find('\n');
            std::string_view line = text.substr(0, nl);
            text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
            ++line_no;
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);  // BOM
            if (auto st = parse_line(line, line_no); !st) return std::move(st).error();
        }
        return std::move(doc_);
    }

  private:
    Error fail(int line_no, const std::string& what) const {
        return Error::make(ErrorCode::Invalid,
                           std::string(file_) + ":" + std::to_string(line_no) + ": " + what);
    }

    Status parse_line(std::string_view raw, int line_no) {
        const std::string_view t = trim(raw);
        if (t.empty()) return ok();  // blank lines never end a value (configparser keeps going)
        if (t.front() == '#' || t.front() == ';') return ok();
        const std::size_t indent = indent_of(raw);

        if (current_ != kNone && !key_.empty() && indent > key_indent_) {
            return continuation(strip_inline_comment(t), line_no);
        }
        if (t.front() == '[') return header(t, line_no);
        return key_line(t, indent, line_no);
    }

    Status header(std::string_view t, int line_no) {
        const std::string_view body = strip_inline_comment(t);
        if (body.size() < 2 || body.back() != ']') {
            return fail(line_no, "section header is missing its closing ']'");
        }
        auto words = split_words(body.substr(1, body.size() - 2));
        if (!words) return fail(line_no, "unbalanced quote in section header");
        if (words->empty()) return fail(line_no, "empty section header '[]'");
        key_.clear();
        // An index by header, not a scan: a generated config with tens of thousands of
        // profiles must not parse in quadratic time.
        auto [it, inserted] = index_.try_emplace(*words, doc_.sections.size());
        current_ = it->second;
        if (!inserted) return ok();
        IniSection section;
        section.words = std::move(*words);
        section.line = line_no;
        doc_.sections.push_back(std::move(section));
        return ok();
    }

    Status key_line(std::string_view t, std::size_t indent, int line_no) {
        if (current_ == kNone) {
            // The key name only, never the value: the error goes to logs, `status` and every
            // command's message, and a value may be a secret (aws_secret_access_key).
            const std::size_t sep = t.find_first_of("=:");
            const std::string_view key =
                sep == std::string_view::npos ? std::string_view{} : trim(t.substr(0, sep));
            return fail(line_no, (key.empty() ? std::string("a line")
                                              : "'" + std::string(key.substr(0, 40)) + "'") +
                                     " appears before any [section] header");
        }
        const std::size_t sep = t.find_first_of("=:");
        if (sep == std::string_view::npos) {
            return fail(line_no, "expected 'key = value', found no '=' or ':'");
        }
        const std::string key = lower(trim(t.substr(0, sep)));
        if (key.empty())
            return fail(line_no, "missing key name before '" + std::string(1, t[sep]) + "'");
        const std::string_view value = strip_inline_comment(trim(t.substr(sep + 1)));
        // A key written again replaces the old value and any nested block (last wins).
        cur().values[key] = std::string(value);
        cur().nested.erase(key);
        key_ = key;
        key_indent_ = indent;
        nested_mode_ = value.empty();
        return ok();
    }

    Status continuation(std::string_view t, int line_no) {
        std::string& value = cur().values[key_];
        if (nested_mode_) {
            const std::size_t sep = t.find_first_of("=:");
            if (sep == std::string_view::npos) {
                return fail(line_no, "expected 'key = value' in the block under '" + key_ + "'");
            }
            const std::string sub = lower(trim(t.substr(0, sep)));
            if (sub.empty())
                return fail(line_no, "missing key name in the block under '" + key_ + "'");
            cur().nested[key_][sub] = std::string(trim(t.substr(sep + 1)));
            value.append("\n").append(t);
            return ok();
        }
        value.append("\n").append(t);  // configparser joins continuation lines with '\n'
        return ok();
    }

    IniSection& cur() { return doc_.sections[current_]; }

    std::string_view file_;
    IniDocument doc_;
    std::map<std::vector<std::string>, std::size_t> index_;  // header words -> doc_.sections
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    std::size_t current_ = kNone;  // index into doc_.sections (an index survives push_back)
    std::string key_;
    std::size_t key_indent_ = 0;
    bool nested_mode_ = false;
};

}  // namespace

std::optional<std::vector<std::string>> section_header_words(std::string_view line) {
    const std::string_view body = strip_inline_comment(trim(line));
    if (body.size() < 2 || body.front() != '[' || body.back() != ']') return std::nullopt;
    auto words = split_words(body.substr(1, body.size() - 2));
    if (!words || words->empty()) return std::nullopt;
    return words;
}

Expected<IniDocument> parse_ini(std::string_view text, std::string_view file_name) {
    Parser parser(file_name);
    return parser.run(text);
}

}  // namespace ssocred::config
