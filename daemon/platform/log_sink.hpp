// Where the daemon's log goes besides stderr: the systemd journal, natively (priorities,
// fields), when the build has libsystemd (log_sink_systemd.cpp). Elsewhere there is no such
// sink and the log stays on stderr, which launchd (StandardErrorPath) and the CLI's autostart
// (<state_dir>/ssocredd.log) capture (log_sink_generic.cpp).
#pragma once

#include <memory>

#include <spdlog/sinks/sink.h>

namespace ssocred::platform {

// A sink writing to the journal as `ssocredd`, or nullptr when this build has none. The
// caller decides whether the journal is wanted (logging.cpp: stderr is the journal stream).
std::shared_ptr<spdlog::sinks::sink> journal_sink();

// Whether journal_sink() gives a sink (GET /v1/status "platform": "journal").
bool has_journal_sink() noexcept;

}  // namespace ssocred::platform
