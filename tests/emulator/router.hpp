// The router: maps a request to an operation, counts it, applies any injected fault, and
// stamps the headers every response carries (Date in emulator time, Content-Type,
// x-amzn-RequestId). The server only moves bytes; every decision is made here.
#pragma once

#include <chrono>

#include "counters.hpp"
#include "faults.hpp"
#include "http.hpp"
#include "state.hpp"

namespace emu {

// How the server must deliver a response: normally, or broken in the way a fault asked.
enum class Delivery {
    Normal,
    Reset,     // send nothing, close with RST
    Truncate,  // send the head and part of the body, then close
};

struct Outcome {
    Response response;
    Delivery delivery = Delivery::Normal;
    std::chrono::milliseconds delay{0};  // wait this long before delivering
};

class Router {
  public:
    Router(State& state, Faults& faults, Counters& counters)
        : state_(state), faults_(faults), counters_(counters) {}

    Outcome handle(const Request& req);
    // Replies for requests that could not be read completely: body over the limit (413)
    // or not HTTP (400). `head` holds whatever header fields were parsed.
    Response unreadable(const Request& head, http::status status, std::string_view message);

  private:
    Outcome dispatch(const Request& req);
    void stamp(Response& res, bool keep_alive);

    State& state_;
    Faults& faults_;
    Counters& counters_;
};

}  // namespace emu
