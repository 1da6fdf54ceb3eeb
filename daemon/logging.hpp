// Logging set-up: text or JSON lines on stderr, or the journal when systemd started us and
// the build has a journal sink (platform/log_sink.hpp).
// Log lines never carry secrets: callers log names, ids and expiry times, never values.
#pragma once

#include <string>

#include "options.hpp"

namespace ssocred {

void init_logging(const std::string& level, LogFormat format);

// True when `journal_stream` ($JOURNAL_STREAM, "DEVICE:INODE") names the file `fd` is open
// on: systemd sets the variable when it connects stderr to the journal, and a child that
// inherited the variable but had its stderr redirected must not log to the journal
// (sd_journal_stream_fd(3), systemd.exec(5) "JOURNAL_STREAM").
bool stream_is_journal(const char* journal_stream, int fd);

}  // namespace ssocred
