// A stand-in freedesktop notification server for tests/integration/test_session_end.py.
//
// Owns org.freedesktop.Notifications on the bus at argv[1] (the test's private
// `dbus-daemon --session`), answers Notify with a fresh id and prints one JSON line per
// call on stdout: {"id":1,"app_name":..,"summary":..,"body":..}. Prints {"ready":true}
// once the name is owned. Runs until killed.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>
#include <systemd/sd-bus.h>

namespace {

std::uint32_t g_next_id = 1;

void print_line(const nlohmann::json& j) {
    std::fputs((j.dump() + "\n").c_str(), stdout);
    std::fflush(stdout);
}

int on_notify(sd_bus_message* m, void*, sd_bus_error*) {
    const char* app = nullptr;
    std::uint32_t replaces = 0;
    const char* icon = nullptr;
    const char* summary = nullptr;
    const char* body = nullptr;
    int r = sd_bus_message_read(m, "susss", &app, &replaces, &icon, &summary, &body);
    if (r < 0) return r;
    r = sd_bus_message_skip(m, "asa{sv}i");
    if (r < 0) return r;
    const std::uint32_t id = g_next_id++;
    print_line({{"id", id}, {"app_name", app}, {"summary", summary}, {"body", body}});
    return sd_bus_reply_method_return(m, "u", id);
}

int on_capabilities(sd_bus_message* m, void*, sd_bus_error*) {
    return sd_bus_reply_method_return(m, "as", 1, "body");
}

int on_server_information(sd_bus_message* m, void*, sd_bus_error*) {
    return sd_bus_reply_method_return(m, "ssss", "fake-notifications", "ssocred-tests", "1", "1.2");
}

int on_close(sd_bus_message* m, void*, sd_bus_error*) {
    return sd_bus_reply_method_return(m, "");
}

const sd_bus_vtable kVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Notify", "susssasa{sv}i", "u", on_notify, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("GetCapabilities", "", "as", on_capabilities, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("GetServerInformation", "", "ssss", on_server_information,
                  SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("CloseNotification", "u", "", on_close, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END};

int fail(const char* what, int r) {
    std::fprintf(stderr, "fake-notifications: %s: %s\n", what, std::strerror(-r));
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: fake-notifications BUS_ADDRESS\n");
        return 2;
    }
    sd_bus* bus = nullptr;
    int r = sd_bus_new(&bus);
    if (r < 0) return fail("sd_bus_new", r);
    if ((r = sd_bus_set_address(bus, argv[1])) < 0) return fail("address", r);
    if ((r = sd_bus_set_bus_client(bus, 1)) < 0) return fail("bus client", r);
    if ((r = sd_bus_start(bus)) < 0) return fail("connect", r);
    r = sd_bus_add_object_vtable(bus, nullptr, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", kVtable, nullptr);
    if (r < 0) return fail("vtable", r);
    if ((r = sd_bus_request_name(bus, "org.freedesktop.Notifications", 0)) < 0)
        return fail("request name", r);
    print_line({{"ready", true}});
    for (;;) {
        r = sd_bus_process(bus, nullptr);
        if (r < 0) return fail("process", r);
        if (r > 0) continue;
        r = sd_bus_wait(bus, UINT64_MAX);
        if (r < 0 && r != -EINTR) return fail("wait", r);
    }
}
