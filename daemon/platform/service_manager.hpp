// Who started this daemon, for `status` and `doctor`: a service manager (systemd, launchd),
// the `ssocred` CLI on demand (autostart), or a person by hand.
#pragma once

#include <string_view>

namespace ssocred::platform {

enum class StartedBy { Systemd, Launchd, Cli, Hand };

// Read once at start-up, from what each starter leaves in the environment: systemd sets
// INVOCATION_ID for every unit it runs, launchd sets XPC_SERVICE_NAME to the job's label
// ("0" outside a job), and the CLI sets SSOCRED_STARTED_BY=ssocred. The CLI's marker is
// removed from the environment so that nothing this daemon starts inherits it.
StartedBy detect_started_by();

// "systemd", "launchd", "ssocred" or "manual" (the `started_by` member of GET /v1/status).
std::string_view to_string(StartedBy who) noexcept;

}  // namespace ssocred::platform
