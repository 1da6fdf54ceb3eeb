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
//
// Minting is cheap too, since SDKs on the IMDS path PUT once per process: the 41 random
// bytes of a token come from a block of CSPRNG output drawn 4 KiB at a time (one RAND_bytes
// call per ~100 tokens instead of two per token; bytes are wiped as they are handed out),
// and the table's nodes are recycled blocks, so a token costs one allocation: the string
// handed back.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ssocred/time.hpp"

#include "serve/recycling_allocator.hpp"

namespace ssocred::serve {

class ImdsTokens {
  public:
    static constexpr unsigned kMaxTtlSeconds = 21600;
    static constexpr std::size_t kKeyLength = 12;     // 9 random bytes, base64url
    static constexpr std::size_t kSecretLength = 43;  // 32 random bytes, base64url
    static constexpr std::size_t kTokenLength = kKeyLength + kSecretLength;

    explicit ImdsTokens(const Clock& clock, std::size_t capacity = 4096)
        : clock_(clock), capacity_(capacity) {}
    ~ImdsTokens();
    ImdsTokens(const ImdsTokens&) = delete;
    ImdsTokens& operator=(const ImdsTokens&) = delete;

    // A new token valid for `ttl` (1..21600 s, checked by the caller). Printable ASCII.
    std::string issue(Seconds ttl);
    // Known and not expired (expired when age >= TTL).
    bool valid(std::string_view token) const;
    std::size_t size() const noexcept { return tokens_.size(); }

  private:
    using ExpiryIndex =
        std::multimap<SystemTime, std::string, std::less<>,
                      RecyclingAllocator<std::pair<const SystemTime, std::string>>>;  // -> key
    struct Entry {
        std::array<char, kTokenLength> token;
        SystemTime expires;
        ExpiryIndex::iterator by_expiry;
    };
    using Table =
        std::unordered_map<std::string, Entry, std::hash<std::string>, std::equal_to<std::string>,
                           RecyclingAllocator<std::pair<const std::string, Entry>>>;
    void make_room();
    void erase(ExpiryIndex::iterator it);
    // `n` CSPRNG bytes from the current block (refilled when short); wiped by the caller.
    char* take_random(std::size_t n);

    const Clock& clock_;
    std::size_t capacity_;
    Table tokens_;
    ExpiryIndex by_expiry_;
    std::string random_;  // a block of CSPRNG output; bytes before random_used_ are wiped
    std::size_t random_used_ = 0;
};

}  // namespace ssocred::serve
