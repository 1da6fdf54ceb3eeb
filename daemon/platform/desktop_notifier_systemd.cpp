// DesktopNotifier over sd-bus (built when libsystemd is used): freedesktop Notifications on the
// session bus.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include <spdlog/spdlog.h>
#include <systemd/sd-bus.h>

#include "ssocred/errno_text.hpp"

#include "platform/desktop_notifier.hpp"

namespace ssocred::platform {
namespace {

struct BusCloser {
    void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
using BusPtr = std::unique_ptr<sd_bus, BusCloser>;

struct MessageUnref {
    void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
using MessagePtr = std::unique_ptr<sd_bus_message, MessageUnref>;

class SdBusNotifier final : public DesktopNotifier {
  public:
    explicit SdBusNotifier(std::chrono::milliseconds timeout) : timeout_(timeout) {}

    void notify(const DesktopNotice& notice) override {
        const char* address = std::getenv("DBUS_SESSION_BUS_ADDRESS");
        if (address == nullptr || *address == '\0') {
            no_bus("DBUS_SESSION_BUS_ADDRESS is not set");
            return;
        }
        sd_bus* raw = nullptr;
        int r = sd_bus_open_user(&raw);
        BusPtr bus(raw);
        if (r < 0) {
            no_bus(errno_text(-r));
            return;
        }
        const auto usec = static_cast<std::uint64_t>(timeout_.count()) * 1000;
        (void)sd_bus_set_method_call_timeout(bus.get(), usec);
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message* reply_raw = nullptr;
        // Notify(app_name, replaces_id, app_icon, summary, body, actions, hints, timeout)
        r = sd_bus_call_method(bus.get(), "org.freedesktop.Notifications",
                               "/org/freedesktop/Notifications", "org.freedesktop.Notifications",
                               "Notify", &error, &reply_raw, "susssasa{sv}i", "ssocred",
                               std::uint32_t{0}, "dialog-password", notice.summary.c_str(),
                               notice.body.c_str(), 0, 1, "urgency", "y",
                               static_cast<std::uint8_t>(notice.urgent ? 2 : 1), std::int32_t{-1});
        MessagePtr reply(reply_raw);
        if (r < 0) {
            // The bus is there but nobody shows notices (or it did not answer in time).
            spdlog::debug("desktop notification not shown: {}",
                          error.message != nullptr ? error.message : errno_text(-r));
            sd_bus_error_free(&error);
            return;
        }
        std::uint32_t id = 0;
        (void)sd_bus_message_read(reply.get(), "u", &id);
        spdlog::debug("desktop notification shown (id {})", id);
    }

  private:
    void no_bus(const std::string& why) {
        if (!reported_.exchange(true))
            spdlog::debug("no desktop notifications (no D-Bus session bus: {})", why);
    }

    std::chrono::milliseconds timeout_;
    std::atomic<bool> reported_{false};
};

}  // namespace

std::unique_ptr<DesktopNotifier> make_desktop_notifier(std::chrono::milliseconds timeout) {
    return std::make_unique<SdBusNotifier>(timeout);
}

}  // namespace ssocred::platform
