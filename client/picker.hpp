// The interactive picker of `ssocred use` (on a terminal) and `ssocred use --pick`: type to
// filter (fuzzy, fuzzy.hpp), arrows to move, Enter to choose, Esc or Ctrl-C to leave. Runs
// on /dev/tty in raw mode, restored on every exit.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssocred::cli {

enum class Key { None, Char, Backspace, Up, Down, Enter, Escape, Interrupt };
struct KeyEvent {
    Key key = Key::None;
    char ch = 0;
};
// Decodes one key from the front of `input` and removes its bytes; incomplete escape
// sequences stay (Key::None) unless `flush` says no more bytes are coming.
KeyEvent decode_key(std::string& input, bool flush);

enum class PickOutcome { Picked, Escaped, Interrupted, NoTerminal };
struct PickResult {
    PickOutcome outcome = PickOutcome::NoTerminal;
    std::size_t index = 0;
    int signal = 0;  // for Interrupted by a signal (SIGTERM/SIGHUP), else 0
};
struct PickItem {
    std::string label;   // the line shown
    std::string search;  // what the filter matches against
};
// `initial` is selected while the filter is empty (the active role).
PickResult pick(const std::vector<PickItem>& items, std::size_t initial, std::string_view prompt);

}  // namespace ssocred::cli
