// The admin API under /__admin/ (docs/emulator.md): counters, approvals, revocation, the
// clock, expiry, run-time settings, fault injection and a view of everything issued.
// Test-only by design: it returns secrets.
#pragma once

#include "counters.hpp"
#include "faults.hpp"
#include "http.hpp"
#include "state.hpp"

namespace emu {

inline constexpr std::string_view kAdminPrefix = "/__admin/";

Response handle_admin(State& state, Faults& faults, Counters& counters, const Request& req,
                      const Target& target);

}  // namespace emu
