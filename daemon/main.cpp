// ssocredd: flags -> one Daemon object; nothing else.
#include <cstdio>

#include "ssocred/version.hpp"

#include "daemon.hpp"
#include "logging.hpp"
#include "options.hpp"

int main(int argc, char** argv) {
    auto parsed = ssocred::parse_command_line(argc, argv);
    if (!parsed) {
        std::fprintf(stderr, "ssocredd: %s\n", parsed.error().message.c_str());
        return 2;
    }
    switch (parsed->action) {
        case ssocred::ParsedCommandLine::Action::PrintHelp:
            std::fputs(ssocred::usage_text().c_str(), stdout);
            return 0;
        case ssocred::ParsedCommandLine::Action::PrintVersion:
            std::printf("ssocredd %s\n", ssocred::kVersion);
            return 0;
        case ssocred::ParsedCommandLine::Action::Run:
            break;
    }
    ssocred::init_logging(parsed->options.log_level, parsed->options.log_format);
    ssocred::Daemon daemon(std::move(parsed->options));
    return daemon.run();
}
