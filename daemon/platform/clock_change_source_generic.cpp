// The generic layer: the periodic check (generic_clock_check.cpp), and no clock pair that
// tells a suspend apart (the check sees one as the wall clock running ahead).
#include "platform/clock_change_source.hpp"

namespace ssocred::platform {

Expected<std::unique_ptr<ClockChangeSource>> make_clock_change_source() {
    return make_polling_clock_change_source();
}

SleepClocks read_sleep_clocks() {
    const auto steady = std::chrono::steady_clock::now().time_since_epoch();
    return {steady, steady};
}

bool has_sleep_clocks() noexcept {
    return false;
}

}  // namespace ssocred::platform
