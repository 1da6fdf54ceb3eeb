#include "logging.hpp"

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "ssocred/json_string.hpp"
#include "ssocred/log_escape.hpp"

#include "platform/log_sink.hpp"

namespace ssocred {
namespace {

// %j: the message as a JSON string body (quotes, backslashes and control bytes escaped), so
// --log-format json stays valid whatever a message contains.
class JsonEscapedMessage final : public spdlog::custom_flag_formatter {
  public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        write_json_string_content(
            std::string_view(msg.payload.data(), msg.payload.size()),
            [&dest](std::string_view piece) {
                dest.append(piece.data(), piece.data() + piece.size());
            },
            JsonControls::AlsoTerminalControls);
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return spdlog::details::make_unique<JsonEscapedMessage>();
    }
};

// %q: the message with control bytes escaped (ssocred/log_escape.hpp), for the text and
// journal formats: untrusted text in a message cannot forge a line or drive a terminal.
class EscapedMessage final : public spdlog::custom_flag_formatter {
  public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        scratch_.clear();
        append_escaped_for_log(std::string_view(msg.payload.data(), msg.payload.size()), scratch_);
        dest.append(scratch_.data(), scratch_.data() + scratch_.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return spdlog::details::make_unique<EscapedMessage>();
    }

  private:
    std::string scratch_;  // a formatter is used under its sink's lock: one at a time
};

std::unique_ptr<spdlog::pattern_formatter> escaped_formatter(const std::string& pattern,
                                                             std::string eol = "\n") {
    auto f =
        std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc, std::move(eol));
    f->add_flag<EscapedMessage>('q').set_pattern(pattern);
    return f;
}

}  // namespace

bool stream_is_journal(const char* journal_stream, int fd) {
    if (journal_stream == nullptr) return false;
    const std::string_view text(journal_stream);
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return false;
    // Both numbers decimal, nothing else (no sign, no spaces), as systemd writes them.
    const auto number = [](std::string_view s, std::uintmax_t& out) {
        const auto* end = s.data() + s.size();
        auto [ptr, ec] = std::from_chars(s.data(), end, out);
        return !s.empty() && ec == std::errc() && ptr == end;
    };
    std::uintmax_t dev = 0;
    std::uintmax_t ino = 0;
    if (!number(text.substr(0, colon), dev) || !number(text.substr(colon + 1), ino)) return false;
    struct stat st {};
    if (::fstat(fd, &st) != 0) return false;
    return static_cast<std::uintmax_t>(st.st_dev) == dev &&
           static_cast<std::uintmax_t>(st.st_ino) == ino;
}

void init_logging(const std::string& level, LogFormat format) {
    std::shared_ptr<spdlog::logger> logger;
    // systemd sets JOURNAL_STREAM when stderr is connected to the journal: log there
    // natively, with priorities, instead of as plain text lines - when the build can.
    std::shared_ptr<spdlog::sinks::sink> journal;
    if (stream_is_journal(std::getenv("JOURNAL_STREAM"), STDERR_FILENO))
        journal = platform::journal_sink();
    if (journal) {
        // The message goes through %q like the text format's.
        logger = std::make_shared<spdlog::logger>("ssocredd", std::move(journal));
        logger->set_formatter(escaped_formatter("%q", ""));  // one record, no newline
    } else {
        logger = spdlog::stderr_color_mt("ssocredd");
        if (format == LogFormat::Json) {
            // One JSON object per line.
            auto formatter =
                std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
            formatter->add_flag<JsonEscapedMessage>('j').set_pattern(
                R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%j"})");
            logger->set_formatter(std::move(formatter));
        } else {
            logger->set_formatter(escaped_formatter("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %q"));
        }
    }
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::from_str(level));
    spdlog::flush_on(spdlog::level::info);
}

}  // namespace ssocred
