// Fuzz target: the AWS CLI's SSO cache (~/.aws/sso/cache), written by the AWS CLI, every SDK
// and anything else running as the user. The first byte picks the entry point, the rest is
// the file's content:
//   0  aws_cli::parse_token_file (the pure parser)
//   1  AwsCliCache::read_token on a file with that content
//   2  AwsCliCache::read_registration on a file with that content
//   3  AwsCliCache::write_token over a file with that content (the read-merge-write), then
//      read_token must return what was written, or the newer token the file held
#include "store/aws_cli_cache.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"

using namespace ssocred;

namespace {

const std::string kSession = "dev";

TokenState our_state() {
    TokenState s = fuzz::sample_token_state(kSession);
    ClientRegistration r;
    r.client_id = "fuzz-client";
    r.client_secret = Secret(std::string("fuzz-client-secret"));
    r.expires_at = *parse_utc("2030-03-01T00:00:00Z");
    s.registration = std::move(r);
    return s;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logs();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const int mode = data[0] % 4;
    const std::string_view content(reinterpret_cast<const char*>(data + 1), size - 1);
    if (mode == 0) {
        (void)aws_cli::parse_token_file(content, kSession);
        return 0;
    }

    const auto dir = fuzz::temp_dir() / "cache";
    std::filesystem::create_directories(dir);
    const AwsCliCache cache(dir, std::chrono::milliseconds(0));
    if (mode == 1) {
        fuzz::put_file(cache.token_path(kSession), content);
        (void)cache.read_token(kSession);
    } else if (mode == 2) {
        aws_cli::RegistrationKey key;
        key.start_url = "https://d-1234567890.awsapps.com/start";
        key.region = "eu-west-1";
        key.session_name = kSession;
        auto name = aws_cli::registration_cache_key(key);
        if (!name) __builtin_trap();
        fuzz::put_file(dir / (*name + ".json"), content);
        (void)cache.read_registration(key);
    } else {
        fuzz::put_file(cache.token_path(kSession), content);
        const TokenState ours = our_state();
        auto written = cache.write_token(ours);
        if (!written) __builtin_trap();  // a writable directory: the write must succeed
        auto back = cache.read_token(kSession);
        if (!back || !*back) __builtin_trap();  // what we wrote (or kept) must read back
        if (written->written && !((*back)->access_token == ours.access_token)) __builtin_trap();
        if (written->newer_on_disk &&
            !((*back)->access_token == written->newer_on_disk->access_token))
            __builtin_trap();
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return 0;
}
