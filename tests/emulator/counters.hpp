// Call counters: how many times each operation was called (faulted calls included, so a
// test sees an SDK's retries), per CreateToken grant, and admin calls apart.
#pragma once

#include <map>
#include <string>

#include "http.hpp"

namespace emu {

// The operations the emulator serves, in the names botocore uses.
inline constexpr const char* kOperationNames[] = {
    "RegisterClient",     "StartDeviceAuthorization",
    "CreateToken",        "Authorize",
    "GetRoleCredentials", "ListAccounts",
    "ListAccountRoles",   "Logout",
    "VerifyDevice",
};

// The sign-in federation endpoint's actions (federation.hpp) and STS AssumeRole
// (sts_service.hpp): counted too, but no faults are injected into them.
inline constexpr const char* kExtraOperationNames[] = {"GetSigninToken", "ConsoleLogin",
                                                       "AssumeRole"};

struct Counters {
    std::map<std::string, long long> operations;
    std::map<std::string, long long> grants;  // device_code, refresh_token, authorization_code
    long long admin = 0;
    long long faults_injected = 0;
    long long unknown = 0;  // unknown paths and methods, unreadable requests

    Counters() { reset(); }
    void reset();
    Json to_json() const;
};

}  // namespace emu
