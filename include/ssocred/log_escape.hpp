// Making untrusted text safe for a log line (issue 16, item 6).
//
// Request paths, profile and role names, upstream messages: text from outside reaches log
// lines. A raw newline would forge a second line; an ESC byte would drive the terminal
// that shows the log. Every log line of the daemon passes through escape_for_log (the
// text and journal formatters apply it to the whole message, logging.cpp), so no call
// site can forget it; the JSON format has its own escaping.
#pragma once

#include <string>
#include <string_view>

namespace ssocred {

// C0 controls and DEL as \n, \r, \t or \xNN; the C1 controls (U+0080..U+009F, which some
// terminals obey) as \u0080..\u009f; a backslash as \\ so the escaping is unambiguous.
// Everything else (printable ASCII and other UTF-8) is kept.
void append_escaped_for_log(std::string_view in, std::string& out);
std::string escape_for_log(std::string_view in);

}  // namespace ssocred
