#include "browser_command.hpp"

#include <cctype>

namespace ssocred::cli {
namespace {

// Words as shlex.split (POSIX mode) makes them: whitespace separates, '...' is literal,
// "..." keeps spaces and honours \" \\ \$ \`, a backslash outside quotes escapes the next
// character.
std::vector<std::string> split_words(std::string_view s) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (in_word) words.push_back(std::move(word));
            word.clear();
            in_word = false;
            continue;
        }
        in_word = true;
        if (c == '\'') {
            for (++i; i < s.size() && s[i] != '\''; ++i) word += s[i];
        } else if (c == '"') {
            for (++i; i < s.size() && s[i] != '"'; ++i) {
                if (s[i] == '\\' && i + 1 < s.size() &&
                    std::string_view("\"\\$`").find(s[i + 1]) != std::string_view::npos)
                    ++i;
                word += s[i];
            }
        } else if (c == '\\' && i + 1 < s.size()) {
            word += s[++i];
        } else {
            word += c;
        }
    }
    if (in_word) words.push_back(std::move(word));
    return words;
}

std::string substitute(std::string word, const std::string& url) {
    for (std::size_t at = word.find("%s"); at != std::string::npos;
         at = word.find("%s", at + url.size())) {
        word.replace(at, 2, url);
    }
    return word;
}

}  // namespace

std::vector<BrowserCommand> browser_commands(std::string_view browser_env, const std::string& url) {
    std::vector<BrowserCommand> out;
    for (;;) {
        const auto colon = browser_env.find(':');
        const std::string_view entry = browser_env.substr(0, colon);
        if (entry.find("%s") != std::string_view::npos) {
            BrowserCommand cmd;
            for (auto& w : split_words(entry)) cmd.argv.push_back(substitute(std::move(w), url));
            if (!cmd.argv.empty() && cmd.argv.back() == "&") {
                cmd.argv.pop_back();
                cmd.background = true;
            }
            if (!cmd.argv.empty()) out.push_back(std::move(cmd));
        } else if (!entry.empty()) {
            out.push_back({{std::string(entry), url}, false});
        }
        if (colon == std::string_view::npos) break;
        browser_env.remove_prefix(colon + 1);
    }
    return out;
}

}  // namespace ssocred::cli
