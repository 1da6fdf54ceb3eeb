// `ssocred completion SHELL`: prints the completion script (completion.cpp).
#include <ostream>

#include "commands.hpp"
#include "completion.hpp"
#include "context.hpp"

namespace ssocred::cli {

int cmd_completion(Context& ctx, const Args& args) {
    auto script = completion_script(args.positional()[0]);
    if (!script) return usage(ctx, "completion", "completion scripts exist for bash, zsh and fish");
    ctx.out << *script;
    return kExitOk;
}

}  // namespace ssocred::cli
