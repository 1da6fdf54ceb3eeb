// `ssocred container-setup`: puts 169.254.170.2/32 on the container bridge, the one
// non-loopback http host every SDK accepts for the container endpoint (PROTOCOLS.md §9.1),
// so containers reach ssocredd the way ECS tasks reach their agent (docs/containers.md).
//
// Idempotent both ways: it looks at the interface's addresses first (`ip -j`) and changes
// nothing when the wanted state is already there. `--undo` removes only the /32 this
// command adds: the same address configured by hand with another prefix is left alone.
// It changes no daemon setting; it prints the flags (and systemd drop-in) to use next.
#include <arpa/inet.h>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "context.hpp"
#include "env_plan.hpp"
#include "json_util.hpp"
#include "platform/os_layer.hpp"
#include "process.hpp"

namespace ssocred::cli {
namespace {

struct Ipv4Address {
    std::string interface;
    std::string local;
    int prefix = 0;
};

// `ip` from the system directories first: this runs as root, and a PATH that sudo -E or
// a login script kept may name a user-writable directory.
std::string ip_command() {
    for (const char* p : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"})
        if (::access(p, X_OK) == 0) return p;
    return "ip";
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

Expected<RunResult> run_ip(std::vector<std::string> args) {
    args.insert(args.begin(), ip_command());
    auto r = run_capture(args);
    if (!r && r.error().code == ErrorCode::NotFound)
        return Error::make(ErrorCode::NotFound,
                           "the `ip` command (iproute2) is not installed: install iproute2");
    return r;
}

// Every IPv4 address on the machine, from `ip -j -4 addr show`.
Expected<std::vector<Ipv4Address>> ipv4_addresses() {
    auto r = run_ip({"-j", "-4", "addr", "show"});
    if (!r) return std::move(r).error();
    if (r->exit_status != 0)
        return Error::make(ErrorCode::Io, "`ip addr show` failed: " + trimmed(r->output));
    const auto doc = nlohmann::json::parse(r->output, nullptr, false);
    if (!doc.is_array())
        return Error::make(ErrorCode::BadResponse, "cannot read the output of `ip -j addr show`");
    std::vector<Ipv4Address> out;
    // Lenient readers: a member of an unexpected type (another `ip` version) is skipped,
    // never an exception that ends the command.
    for (const auto& link : doc) {
        const std::string name = str(link, "ifname");
        for (const auto& a : arr(link, "addr_info")) {
            if (str(a, "family") != "inet") continue;
            const std::int64_t prefix = num(a, "prefixlen", -1);
            if (prefix < 0 || prefix > 32) continue;
            out.push_back({name, str(a, "local"), static_cast<int>(prefix)});
        }
    }
    return out;
}

// "172.17.0.1", 16 -> "172.17.0.0/16": the network an --allow-cidr must name.
std::optional<std::string> network_of(const std::string& local, int prefix) {
    in_addr a{};
    if (prefix < 0 || prefix > 32 || ::inet_pton(AF_INET, local.c_str(), &a) != 1)
        return std::nullopt;
    const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
    a.s_addr = htonl(ntohl(a.s_addr) & mask);
    char buf[INET_ADDRSTRLEN] = {};
    if (::inet_ntop(AF_INET, &a, buf, sizeof buf) == nullptr) return std::nullopt;
    return std::string(buf) + "/" + std::to_string(prefix);
}

void print_next_steps(std::ostream& out, const std::string& bridge,
                      const std::vector<Ipv4Address>& addresses) {
    std::string allow;  // one --allow-cidr per IPv4 subnet of the bridge
    for (const auto& a : addresses) {
        if (a.interface != bridge || a.local == kContainerHost) continue;
        if (auto n = network_of(a.local, a.prefix)) allow += " --allow-cidr " + *n;
    }
    if (allow.empty()) allow = " --allow-cidr <the containers' subnet>";
    const std::string host(kContainerHost);
    out << "\nNext, as your user: let ssocredd listen on " << host
        << " (any port: SDKs check only the\n"
        << "host) and accept the containers' networks (they still need a scoped token):\n\n"
        << "  ssocredd --listen 127.0.0.1:9911 --listen " << host << ":9911" << allow << "\n\n"
        << "or, with the systemd user units, add drop-ins (systemctl --user edit NAME):\n"
        << "  ssocredd.socket:   [Socket]\n"
        << "                     ListenStream=" << host << ":9911\n"
        << "                     FreeBind=yes\n"
        << "  ssocredd.service:  [Service]\n"
        << "                     ExecStart=\n"
        << "                     ExecStart=<path of ssocredd>" << allow << "\n"
        << "  then: systemctl --user restart ssocredd.socket ssocredd.service\n\n"
        << "Then, per container: ssocred env --container --profile PROFILE (docs/containers.md).\n"
        << "Compose networks have subnets of their own: allow them too (e.g. --allow-cidr\n"
        << "172.16.0.0/12). The address lasts until the interface is removed or the machine\n"
        << "reboots.\n";
}

}  // namespace

int cmd_container_setup(Context& ctx, const Args& args) {
    const std::string bridge = args.get_or("--bridge", "docker0");
    const std::string host(kContainerHost);
    const std::string cidr = host + "/32";
    const bool undo = args.has("--undo");
    if (!platform::kernel_is_linux())
        return report(ctx, Error::make(ErrorCode::Invalid,
                                       "container-setup configures a Linux bridge; Docker Desktop "
                                       "runs containers in a VM: see docs/containers.md"));
    if (::geteuid() != 0)
        return report(ctx,
                      Error::make(ErrorCode::Forbidden,
                                  "container-setup changes network addresses and must run as root: "
                                  "run `sudo ssocred container-setup" +
                                      std::string(undo ? " --undo" : "") +
                                      (args.get("--bridge") ? " --bridge " + bridge : "") + "`"));

    auto link = run_ip({"-j", "link", "show", "dev", bridge});
    if (!link) return report(ctx, link.error());
    if (link->exit_status != 0) {
        if (undo) {
            ctx.out << "Nothing to do: there is no interface named " << bridge << ".\n";
            return kExitOk;
        }
        return report(ctx, Error::make(ErrorCode::NotFound,
                                       "there is no network interface named " + bridge +
                                           ": is docker running? Name the containers' bridge "
                                           "with --bridge IFACE (see `ip link show type bridge`)"));
    }

    auto addresses = ipv4_addresses();
    if (!addresses) return report(ctx, addresses.error());
    std::optional<int> on_bridge;  // prefix length of 169.254.170.2 on the bridge
    for (const auto& a : *addresses)
        if (a.interface == bridge && a.local == host) on_bridge = a.prefix;

    if (on_bridge && *on_bridge != 32) {
        // Someone configured it by hand: it already serves containers, and it is not ours
        // to remove.
        ctx.out << "Nothing to do: " << host << "/" << *on_bridge << " is on " << bridge
                << " (not added by container-setup, so --undo leaves it too).\n";
        if (!undo) print_next_steps(ctx.out, bridge, *addresses);
        return kExitOk;
    }
    if (undo != on_bridge.has_value()) {
        ctx.out << "Nothing to do: " << cidr << (undo ? " is not on " : " is already on ") << bridge
                << ".\n";
        if (!undo) print_next_steps(ctx.out, bridge, *addresses);
        return kExitOk;
    }

    auto r = run_ip({"addr", undo ? "del" : "add", cidr, "dev", bridge});
    if (!r) return report(ctx, r.error());
    if (r->exit_status != 0)
        return report(ctx,
                      Error::make(ErrorCode::Io, "`ip addr " + std::string(undo ? "del" : "add") +
                                                     "` failed: " + trimmed(r->output)));
    if (undo) {
        ctx.out << "Removed " << cidr << " from " << bridge
                << ". Containers can no longer reach ssocredd there:\n"
                << "drop `--listen " << host
                << ":PORT` from ssocredd's flags (it cannot bind it after a restart).\n";
        return kExitOk;
    }
    ctx.out << "Added " << cidr << " to " << bridge << ".\n";
    for (const auto& a : *addresses)
        if (a.local == host && a.interface != bridge)
            ctx.out << "(" << host << " is also on "
                    << a.interface << "; containers on any bridge can reach it.)\n";
    print_next_steps(ctx.out, bridge, *addresses);
    return kExitOk;
}

}  // namespace ssocred::cli
