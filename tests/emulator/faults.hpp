// Fault injection: rules that make the next N calls of an operation misbehave the way a
// real network or service can (5xx, throttling, slowness, resets, broken bodies).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu {

enum class FaultKind {
    Status500,         // the service's InternalServerException
    Status429,         // TooManyRequestsException
    Delay,             // answer normally after delay_ms
    Reset,             // close the connection with RST (SO_LINGER 0) instead of answering
    MalformedJson,     // 200, application/json, a body that is not JSON
    Truncated,         // the real answer, but the body is cut short of its Content-Length
    WrongContentType,  // 200 text/html page, as a captive portal or proxy would send
};

std::optional<FaultKind> parse_fault_kind(std::string_view name);
std::string_view to_string(FaultKind kind);

struct FaultRule {
    std::string operation;  // an operation name or "*"
    FaultKind kind = FaultKind::Status500;
    long long remaining = 1;  // calls still to fault; -1 = until cleared
    long long delay_ms = 0;   // with Delay (or added before any other kind)
};

class Faults {
  public:
    void add(FaultRule rule) { rules_.push_back(std::move(rule)); }
    void clear() { rules_.clear(); }
    const std::vector<FaultRule>& rules() const { return rules_; }
    // The first rule matching `operation`, consuming one of its calls. Rules apply in the
    // order they were added, so a test can queue "500 then reset".
    std::optional<FaultRule> take(std::string_view operation);

  private:
    std::vector<FaultRule> rules_;
};

}  // namespace emu
