// DesktopNotifier where ssocred knows no notification service (no libsystemd, portable
// builds, macOS for now): nothing.
#include "platform/desktop_notifier.hpp"

namespace ssocred::platform {
namespace {

class NoDesktopNotifier final : public DesktopNotifier {
  public:
    void notify(const DesktopNotice&) override {}
};

}  // namespace

std::unique_ptr<DesktopNotifier> make_desktop_notifier(std::chrono::milliseconds) {
    return std::make_unique<NoDesktopNotifier>();
}

}  // namespace ssocred::platform
