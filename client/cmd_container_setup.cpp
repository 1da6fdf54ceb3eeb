// `ssocred container-setup`: puts 169.254.170.2/32 on the container bridge (idempotent),
// the one non-loopback http host every SDK accepts for the container endpoint
// (PROTOCOLS.md §9.1). Uses the `ip` command; needs root.
#include <ostream>
#include <unistd.h>

#include "commands.hpp"
#include "context.hpp"
#include "env_plan.hpp"
#include "process.hpp"

namespace ssocred::cli {

int cmd_container_setup(Context& ctx, const Args& args) {
    const std::string bridge = args.get_or("--bridge", "docker0");
    const std::string cidr = std::string(kContainerHost) + "/32";
    const bool undo = args.has("--undo");
    if (::geteuid() != 0)
        return report(ctx,
                      Error::make(ErrorCode::Forbidden,
                                  "container-setup changes network addresses and must run as root: "
                                  "run `sudo ssocred container-setup" +
                                      std::string(undo ? " --undo" : "") + "`"));

    auto link = run_capture({"ip", "-o", "addr", "show", "dev", bridge});
    if (!link) return report(ctx, link.error());
    if (link->exit_status != 0)
        return report(ctx, Error::make(ErrorCode::NotFound,
                                       "there is no network interface named " + bridge +
                                           ": pass the container bridge with --bridge IFACE"));
    const bool present =
        link->output.find(" " + cidr + " ") != std::string::npos ||
        link->output.find(" " + std::string(kContainerHost) + "/32") != std::string::npos;

    if (undo != present) {
        ctx.out << (undo ? "Nothing to do: " + cidr + " is not on " + bridge
                         : "Nothing to do: " + cidr + " is already on " + bridge)
                << ".\n";
        return kExitOk;
    }
    auto r = run_capture({"ip", "addr", undo ? "del" : "add", cidr, "dev", bridge});
    if (!r) return report(ctx, r.error());
    if (r->exit_status != 0) {
        std::string why = r->output;
        while (!why.empty() && why.back() == '\n') why.pop_back();
        return report(
            ctx, Error::make(ErrorCode::Io,
                             "`ip addr " + std::string(undo ? "del" : "add") + "` failed: " + why));
    }
    if (undo) {
        ctx.out << "Removed " << cidr << " from " << bridge << ".\n";
        return kExitOk;
    }
    ctx.out << "Added " << cidr << " to " << bridge << " (until the next reboot).\n"
            << "Next: start ssocredd with `--listen " << kContainerHost
            << ":PORT --allow-cidr <bridge subnet>` and use `ssocred env --container`.\n";
    return kExitOk;
}

}  // namespace ssocred::cli
