// Logging set-up: text or JSON lines on stderr, or the journal when systemd started us.
// Log lines never carry secrets: callers log names, ids and expiry times, never values.
#pragma once

#include <string>

#include "options.hpp"

namespace ssocred {

void init_logging(const std::string& level, LogFormat format);

}  // namespace ssocred
