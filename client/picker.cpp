#include "picker.hpp"

#include <algorithm>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "fuzzy.hpp"
#include "store/unique_fd.hpp"
#include "terminal.hpp"

namespace ssocred::cli {
namespace {

// The longest prefix of a UTF-8 line that fits `columns` cells (one per code point: the
// labels hold names, not wide characters), so no line wraps and breaks the redraw.
std::string fit(const std::string& line, std::size_t columns) {
    std::size_t cells = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
        if (cells++ == columns) return line.substr(0, i);
    }
    return line;
}

void write_all(int fd, std::string_view s) {
    while (!s.empty()) {
        ssize_t n = ::write(fd, s.data(), s.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        s.remove_prefix(static_cast<std::size_t>(n));
    }
}

}  // namespace

KeyEvent decode_key(std::string& input, bool flush) {
    if (input.empty()) return {};
    auto consume = [&](std::size_t n, Key k, char c = 0) {
        input.erase(0, n);
        return KeyEvent{k, c};
    };
    const auto c = static_cast<unsigned char>(input[0]);
    if (c == 0x1b) {
        if (input.size() == 1) return flush ? consume(1, Key::Escape) : KeyEvent{};
        if (input[1] == '[' || input[1] == 'O') {
            if (input.size() < 3) return flush ? consume(input.size(), Key::Escape) : KeyEvent{};
            // Skip the whole CSI sequence, whatever it is; only A/B mean something here.
            std::size_t end = 2;
            while (end < input.size() && !(input[end] >= 0x40 && input[end] <= 0x7e)) ++end;
            if (end >= input.size()) return flush ? consume(input.size(), Key::None) : KeyEvent{};
            const char final = input[end];
            return consume(end + 1, final == 'A' ? Key::Up : final == 'B' ? Key::Down : Key::None);
        }
        return consume(1, Key::Escape);
    }
    if (c == '\r' || c == '\n') return consume(1, Key::Enter);
    if (c == 0x03 || c == 0x04) return consume(1, Key::Interrupt);  // Ctrl-C, Ctrl-D
    if (c == 0x7f || c == 0x08) return consume(1, Key::Backspace);
    if (c == 0x10) return consume(1, Key::Up);    // Ctrl-P
    if (c == 0x0e) return consume(1, Key::Down);  // Ctrl-N
    if (c >= 0x20) return consume(1, Key::Char, static_cast<char>(c));
    return consume(1, Key::None);
}

PickResult pick(const std::vector<PickItem>& items, std::size_t initial, std::string_view prompt) {
    UniqueFd tty(::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY));
    if (!tty) return {};
    // SIGTERM/SIGHUP while in raw mode would leave the terminal unusable: turn them into
    // a clean exit that runs RawMode's destructor.
    SignalPipe signals({SIGTERM, SIGHUP, SIGWINCH});
    RawMode raw(tty.get());
    if (!raw.active()) return {};

    std::vector<std::string> texts;
    for (const auto& item : items) texts.push_back(item.search);
    std::string filter;
    std::size_t selected = initial < items.size() ? initial : 0;
    std::size_t drawn = 0;  // lines below the prompt drawn last time
    std::string pending;
    const auto max_rows = static_cast<std::size_t>(std::max(3, terminal_rows(tty.get(), 24) - 2));
    const auto columns =
        static_cast<std::size_t>(std::max(10, terminal_columns(tty.get(), 80) - 3));

    auto erase = [&] {
        std::string s = "\r\x1b[K";
        for (std::size_t i = 0; i < drawn; ++i) s += "\n\x1b[K";
        for (std::size_t i = 0; i < drawn; ++i) s += "\x1b[A";
        write_all(tty.get(), s);
    };
    auto finish = [&](PickResult r) {
        erase();
        write_all(tty.get(), "\r");
        return r;
    };

    for (;;) {
        auto visible = fuzzy_rank(texts, filter);
        if (selected >= visible.size()) selected = visible.empty() ? 0 : visible.size() - 1;
        const std::size_t rows = std::min(visible.size(), max_rows);
        const std::size_t first = selected >= rows ? selected - rows + 1 : 0;
        erase();
        std::string screen = "\r\x1b[K" + std::string(prompt) + filter;
        for (std::size_t i = first; i < first + rows; ++i) {
            screen += "\r\n\x1b[K";
            const std::string label = fit(items[visible[i]].label, columns);
            screen += i == selected ? "\x1b[7m> " + label + "\x1b[0m" : "  " + label;
        }
        if (visible.empty()) screen += "\r\n\x1b[K  (no match)";
        const std::size_t lines = visible.empty() ? 1 : rows;
        for (std::size_t i = 0; i < lines; ++i) screen += "\x1b[A";
        // Put the cursor back after the filter text.
        screen += "\r\x1b[" + std::to_string(prompt.size() + filter.size()) + "C";
        if (prompt.size() + filter.size() == 0) screen += "\r";
        write_all(tty.get(), screen);
        drawn = lines;

        pollfd fds[2] = {{tty.get(), POLLIN, 0}, {signals.fd(), POLLIN, 0}};
        // A lone ESC is only known to be the Escape key when nothing follows it quickly.
        const int timeout = pending.empty() ? -1 : 50;
        int rc = ::poll(fds, 2, timeout);
        if (rc < 0 && errno != EINTR) return finish({PickOutcome::Interrupted, 0, SIGTERM});
        if (rc > 0 && (fds[1].revents & POLLIN)) {
            auto sig = signals.received();
            if (sig && *sig != SIGWINCH) return finish({PickOutcome::Interrupted, 0, *sig});
        }
        if (rc > 0 && (fds[0].revents & POLLIN)) {
            char buf[64];
            ssize_t n = ::read(tty.get(), buf, sizeof buf);
            if (n <= 0) return finish({PickOutcome::Escaped, 0, 0});
            pending.append(buf, static_cast<std::size_t>(n));
        }
        const bool flush = rc == 0;
        while (!pending.empty()) {
            const std::size_t before = pending.size();
            KeyEvent ev = decode_key(pending, flush);
            if (pending.size() == before) break;  // an incomplete escape sequence: wait
            switch (ev.key) {
                case Key::Char:
                    filter.push_back(ev.ch);
                    visible = fuzzy_rank(texts, filter);
                    selected = 0;  // the best match
                    break;
                case Key::Backspace:
                    if (!filter.empty()) filter.pop_back();
                    visible = fuzzy_rank(texts, filter);
                    // Back to no filter: back to the active role, in list order.
                    selected = filter.empty() && initial < items.size() ? initial : 0;
                    break;
                case Key::Up:
                    if (selected > 0) --selected;
                    break;
                case Key::Down:
                    if (selected + 1 < visible.size()) ++selected;
                    break;
                case Key::Enter:
                    if (!visible.empty())
                        return finish({PickOutcome::Picked, visible[selected], 0});
                    break;
                case Key::Escape:
                    return finish({PickOutcome::Escaped, 0, 0});
                case Key::Interrupt:
                    return finish({PickOutcome::Interrupted, 0, 0});
                case Key::None:
                    break;
            }
        }
    }
}

}  // namespace ssocred::cli
