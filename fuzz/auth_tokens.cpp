// Fuzz target: the credential checks of the HTTP endpoints, on header values a local
// process (or a web page, through a browser) controls. The first byte picks the check:
//   0  container endpoint: the Authorization value -> authorization_token() ->
//      EndpointTokens::authenticate(); the main token, a scoped token, an expired scoped
//      token and a rotated file token (old and new value) exist
//   1  IMDS: ImdsTokens::valid() with a live and an expired session token issued
//   2  browser_guard() on "Name: value" header lines, host_allowed() on every value
//   3  the query string / path segment decoding (percent_decode, Request::query_param)
// In the input, @MAIN@ @SCOPED@ @EXPIRED@ @FILEOLD@ @FILENEW@ @IMDS@ @IMDSEXP@ stand for
// the real token values (random per process), so the fuzzer can reach the accepting paths.
// The oracle: a token is accepted exactly when it is one of the live values.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "serve/browser_guard.hpp"
#include "serve/container_handler.hpp"
#include "serve/endpoint_tokens.hpp"
#include "serve/http_types.hpp"
#include "serve/imds_tokens.hpp"
#include "store/atomic_file.hpp"
#include "store/token_state.hpp"

using namespace ssocred;
using namespace ssocred::serve;

namespace {

struct Fixture {
    ManualClock clock{*parse_utc("2026-11-23T09:00:00Z")};
    std::unique_ptr<EndpointTokens> tokens;
    ImdsTokens imds{clock, 16};
    std::vector<std::pair<std::string, std::string>> values;  // placeholder -> value
    std::vector<std::string> live_endpoint;                   // accepted by authenticate()
    std::vector<std::string> live_imds;

    Fixture() {
        auto t = EndpointTokens::open(fuzz::temp_dir() / "state", clock);
        if (!t) std::abort();
        tokens = std::move(*t);
        RoleRef dev;
        dev.account_id = "111111111111";
        dev.role_name = "Dev";
        auto scoped = tokens->mint(dev, std::nullopt, false, "scoped");
        auto expired = tokens->mint(dev, Seconds(60), false, "expired");
        auto file = tokens->mint(dev, std::nullopt, true, "file");
        if (!scoped || !expired || !file || !file->info.token_file) std::abort();
        const std::string imds_expired = imds.issue(Seconds(30));
        clock.advance(std::chrono::seconds(120));
        if (!tokens->rotate_files(Seconds(3600))) std::abort();
        auto file_new = read_file(*file->info.token_file, 4096);
        if (!file_new) std::abort();
        const std::string imds_live = imds.issue(Seconds(21600));

        const std::string main = tokens->main_token().reveal();
        values = {{"@MAIN@", main},
                  {"@SCOPED@", scoped->token.reveal()},
                  {"@EXPIRED@", expired->token.reveal()},
                  {"@FILEOLD@", file->token.reveal()},
                  {"@FILENEW@", *file_new},
                  {"@IMDS@", imds_live},
                  {"@IMDSEXP@", imds_expired}};
        live_endpoint = {main, scoped->token.reveal(), file->token.reveal(), *file_new};
        live_imds = {imds_live};
    }

    std::string substitute(std::string_view in) const {
        std::string out(in);
        for (const auto& [name, value] : values) {
            for (std::size_t pos = 0, n = 0;
                 n < 8 && (pos = out.find(name, pos)) != std::string::npos; ++n) {
                out.replace(pos, name.size(), value);
                pos += value.size();
            }
        }
        return out;
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
    for (const auto& x : v)
        if (x == s) return true;
    return false;
}

void check_endpoint(const Fixture& f, const std::string& header_value) {
    const std::string_view presented = authorization_token(header_value);
    const auto grant = f.tokens->authenticate(presented);
    if (grant.has_value() != (!presented.empty() && contains(f.live_endpoint, presented)))
        __builtin_trap();
    if (grant && grant->all_roles != (presented == f.tokens->main_token().reveal()))
        __builtin_trap();
    if (grant) {
        RoleRef other;
        other.account_id = "222222222222";
        other.role_name = "Ops";
        if (!grant->all_roles && grant_allows(*grant, other)) __builtin_trap();
    }
}

void check_imds(const Fixture& f, const std::string& token) {
    if (f.imds.valid(token) != contains(f.live_imds, token)) __builtin_trap();
}

void check_browser_guard(std::string_view text) {
    std::vector<std::string> lines;
    while (!text.empty() && lines.size() < 16) {
        const auto nl = text.find('\n');
        lines.emplace_back(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    }
    Request request;
    for (const auto& line : lines) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        const std::string_view l(line);
        std::string_view value = l.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        request.headers.emplace_back(l.substr(0, colon), value);
        (void)host_allowed(value);
    }
    const char* why = browser_guard(request);
    // Requests carrying Origin are always refused.
    if (request.has_header("Origin") && why == nullptr) __builtin_trap();
}

void check_decoding(std::string_view text) {
    // An encoded NUL is refused; a raw one (which Beast never lets into a target) is copied.
    const bool raw_nul = text.find('\0') != std::string_view::npos;
    for (bool plus : {false, true}) {
        if (auto d = percent_decode(text, plus);
            d && !raw_nul && d->find('\0') != std::string::npos)
            __builtin_trap();
    }
    Request request;
    request.query = text;
    for (const char* name : {"wait", "profile", "", "a b"}) {
        if (auto v = request.query_param(name); v && !raw_nul && v->find('\0') != std::string::npos)
            __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logs();
    (void)fixture();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    const Fixture& f = fixture();
    switch (data[0] % 4) {
        case 0:
            check_endpoint(f, f.substitute(rest));
            break;
        case 1:
            check_imds(f, f.substitute(rest));
            break;
        case 2:
            check_browser_guard(f.substitute(rest));
            break;
        default:
            check_decoding(rest);
            break;
    }
    return 0;
}
