// ImdsTokens: the IMDSv2 session tokens handed out by PUT /latest/api/token.
//
// In memory only (a restart invalidates them, as on EC2; SDKs then get 401 and fetch a
// new one). Bounded: at `capacity`, expired tokens are pruned first and then the one that
// expires soonest is dropped, so a client minting tokens in a loop cannot grow memory.
// A token is "<12-char key><43-char secret>": the key finds the entry, the whole token is
// compared in constant time. Loop thread only.
//
// Eviction is O(log n): an index ordered by expiry finds the expired and the soonest-expiring
// tokens without scanning, so a client minting a token per request (the IMDSv2 pair in
// bench/) costs the same at capacity as below it.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ssocred/time.hpp"

namespace ssocred::serve {

class ImdsTokens {
  public:
    static constexpr unsigned kMaxTtlSeconds = 21600;

    explicit ImdsTokens(const Clock& clock, std::size_t capacity = 4096)
        : clock_(clock), capacity_(capacity) {}

    // A new token valid for `ttl` (1..21600 s, checked by the caller). Printable ASCII.
    std::string issue(Seconds ttl);
    // Known and not expired (expired when age >= TTL).
    bool valid(std::string_view token) const;
    std::size_t size() const noexcept { return tokens_.size(); }

  private:
    using ExpiryIndex = std::multimap<SystemTime, std::string>;  // expiry -> key
    struct Entry {
        std::string token;
        SystemTime expires;
        ExpiryIndex::iterator by_expiry;
    };
    static constexpr std::size_t kKeyLength = 12;
    void make_room();
    void erase(ExpiryIndex::iterator it);

    const Clock& clock_;
    std::size_t capacity_;
    std::unordered_map<std::string, Entry> tokens_;
    ExpiryIndex by_expiry_;
};

}  // namespace ssocred::serve
