#include "counters.hpp"

namespace emu {

void Counters::reset() {
    operations.clear();
    grants.clear();
    // Zeros up front, so tests can compare whole maps.
    for (const char* op : kOperationNames) operations[op] = 0;
    for (const char* op : kExtraOperationNames) operations[op] = 0;
    for (const char* g : {"device_code", "refresh_token", "authorization_code", "other"}) {
        grants[g] = 0;
    }
    admin = 0;
    faults_injected = 0;
    unknown = 0;
}

Json Counters::to_json() const {
    long long total = 0;
    for (const auto& [op, n] : operations) total += n;
    Json j;
    j["operations"] = operations;
    j["create_token_grants"] = grants;
    j["total"] = total;
    j["admin"] = admin;
    j["faults_injected"] = faults_injected;
    j["unknown"] = unknown;
    return j;
}

}  // namespace emu
