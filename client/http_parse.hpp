// Incremental parsing of one HTTP/1.1 response (status line, headers, body framed by
// Content-Length, chunked encoding, or the end of the connection). Pure, so it is tested
// without sockets.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ssocred::cli {

struct ParsedResponse {
    enum class State { Incomplete, Complete, Invalid };
    State state = State::Incomplete;
    int status = 0;
    std::string content_type;
    std::string body;
};

// `data` is everything received so far; `eof` says the peer closed the connection.
ParsedResponse parse_http_response(std::string_view data, bool eof);

}  // namespace ssocred::cli
