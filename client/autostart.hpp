// Starting ssocredd on demand, as gpg starts gpg-agent: outside systemd and launchd (whose
// socket units make the socket exist before the daemon runs), the first command that finds
// nothing listening starts the daemon itself, detached, logging to the state directory.
// `SSOCRED_AUTOSTART=0` turns it off (then such a command exits 3, as before).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "ssocred/expected.hpp"

namespace ssocred::cli {

// False when SSOCRED_AUTOSTART is 0, no, false or off (any case).
bool autostart_enabled();
bool autostart_disabled_by(std::string_view value);

// The ssocredd to start: the one next to this ssocred binary first (an install keeps them
// together; a PATH entry may hold another version), then PATH.
std::optional<std::filesystem::path> find_daemon_binary();

// Where an autostarted daemon writes its log: <state dir>/ssocredd.log.
std::filesystem::path autostart_log_file();

struct Started {
    long pid = 0;
    std::filesystem::path log_file;
    bool by_us = false;  // false: another command started it while we waited for the lock
};

// Starts ssocredd for `socket` (passed as --socket) and waits until it reports READY=1
// (the sd_notify protocol over a private datagram socket), it exits, or 15 s pass. Commands
// racing here serialize on a lock in the state directory; the loser finds the winner's
// daemon listening and starts none. Errors say why and name the log file.
Expected<Started> start_daemon(const std::filesystem::path& socket);

}  // namespace ssocred::cli
