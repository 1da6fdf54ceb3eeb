#include "faults.hpp"

#include <array>
#include <utility>

namespace emu {

namespace {

constexpr std::array<std::pair<std::string_view, FaultKind>, 7> kNames{{
    {"status500", FaultKind::Status500},
    {"status429", FaultKind::Status429},
    {"delay", FaultKind::Delay},
    {"reset", FaultKind::Reset},
    {"malformed_json", FaultKind::MalformedJson},
    {"truncated", FaultKind::Truncated},
    {"wrong_content_type", FaultKind::WrongContentType},
}};

}  // namespace

std::optional<FaultKind> parse_fault_kind(std::string_view name) {
    for (const auto& [n, k] : kNames) {
        if (n == name) return k;
    }
    return std::nullopt;
}

std::string_view to_string(FaultKind kind) {
    for (const auto& [n, k] : kNames) {
        if (k == kind) return n;
    }
    return "unknown";
}

std::optional<FaultRule> Faults::take(std::string_view operation) {
    for (auto it = rules_.begin(); it != rules_.end(); ++it) {
        if (it->operation != "*" && it->operation != operation) continue;
        FaultRule hit = *it;
        if (it->remaining > 0 && --it->remaining == 0) rules_.erase(it);
        return hit;
    }
    return std::nullopt;
}

}  // namespace emu
