// Fuzz target: ssocred's own state files, which sit on disk between runs and may be
// truncated, hand-edited or planted. The first byte picks the entry point:
//   0  SessionStore::load of a session file with that content (read, version check, decode,
//      corrupt files set aside) - the daemon's path at start-up
//   1  decode_session_state on the parsed content (the JSON decoder alone, many more execs)
//   2  the sealed part: the content is "<state file JSON>\0<plaintext>"; the plaintext is
//      sealed with the store's key for the file's session and put in "sealed", so the
//      decoder of the secret JSON inside the AES-GCM blob gets arbitrary bytes too
//   3  state_cipher::open of arbitrary bytes (what a damaged "sealed" member hands it)
//   4  EndpointTokens::open over <state-dir>/endpoint-tokens.json with that content
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "ssocred/crypto.hpp"

#include "fuzz_support.hpp"
#include "serve/endpoint_tokens.hpp"
#include "store/session_codec.hpp"
#include "store/session_store.hpp"
#include "store/state_cipher.hpp"

using namespace ssocred;

namespace {

const std::string kSession = "dev";

// A fixed key: the fuzzer must be able to seal what the decoder will open.
const Secret& fixed_key() {
    static const Secret key(std::string(state_cipher::kKeySize, '\x5a'));
    return key;
}

class FixedKeyStore final : public SecretStore {
  public:
    Expected<std::optional<Secret>> get(const std::string&) override {
        return std::optional<Secret>(fixed_key());
    }
    Status put(const std::string&, const Secret&) override { return ok(); }
    Status erase(const std::string&) override { return ok(); }
    std::string_view backend_name() const override { return "fuzz"; }
};

// The associated data session_codec.cpp binds a sealed blob to. Checked against the real
// encoder in LLVMFuzzerInitialize, so a format change stops the fuzzer instead of silently
// turning mode 2 into a test of the GCM tag check.
std::string aad_for(const std::string& session) {
    return "ssocred-session-v1\n" + session;
}

TokenState sample_state() {
    TokenState s = fuzz::sample_token_state(kSession);
    s.refresh_token = Secret(std::string("fuzz-refresh-token"));
    return s;
}

void load_through_store(std::string_view content) {
    const auto dir = fuzz::temp_dir() / "state";
    SessionStore store(dir, std::make_shared<FixedKeyStore>());
    std::filesystem::create_directories(store.sessions_dir());
    fuzz::put_file(store.path_for(kSession), content);
    auto loaded = store.load(kSession);
    if (!loaded) __builtin_trap();  // the file is readable: only "state" or "no state"
    if (*loaded && (*loaded)->session != kSession) __builtin_trap();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

void decode_json(std::string_view content) {
    auto doc = nlohmann::json::parse(content, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return;
    (void)decode_session_state(doc, fixed_key());
}

void decode_with_sealed_plaintext(std::string_view content) {
    const auto nul = content.find('\0');
    const std::string_view outer = content.substr(0, nul);
    const std::string_view plain =
        nul == std::string_view::npos ? std::string_view{} : content.substr(nul + 1);
    auto doc = nlohmann::json::parse(outer, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) return;
    const auto session = doc.find("session");
    const std::string id =
        session != doc.end() && session->is_string() ? session->get<std::string>() : kSession;
    auto sealed = state_cipher::seal(fixed_key(), plain, aad_for(id));
    if (!sealed) __builtin_trap();
    doc["sealed"] = crypto::hex_encode(*sealed);
    (void)decode_session_state(doc, fixed_key());
}

void open_raw(std::string_view content) {
    (void)state_cipher::open(fixed_key(), content, aad_for(kSession));
    // A blob with a wrong-size key must be refused, not read out of bounds.
    (void)state_cipher::open(Secret(std::string(7, 'k')), content, aad_for(kSession));
}

void open_endpoint_tokens(std::string_view content) {
    const auto dir = fuzz::temp_dir() / "endpoint";
    // A file token whose value file exists (tokens/<id>/token, as EndpointTokens keeps
    // them), so the registry's "file": true path is reachable.
    std::filesystem::create_directories(dir / "tokens" / "tok1");
    fuzz::put_file(dir / "endpoint-tokens.json", content);
    fuzz::put_file(dir / "tokens" / "tok1" / "token", "sct_" + std::string(43, 'f'));
    ManualClock clock(*parse_utc("2026-11-23T09:00:00Z"));
    if (auto tokens = serve::EndpointTokens::open(dir, clock)) {
        for (const auto& info : (*tokens)->list()) {
            if (info.id.empty() && info.role.account_id.empty() && info.role.role_name.empty())
                continue;
        }
        if (!(*tokens)->authenticate((*tokens)->main_token().reveal())) __builtin_trap();
        (void)(*tokens)->authenticate("sct_" + std::string(43, 'f'));
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logs();
    auto text = encode_session_state(sample_state(), fixed_key());
    if (!text) std::abort();
    auto doc = nlohmann::json::parse(*text);
    std::string blob;
    const std::string hex = doc.at("sealed").get<std::string>();
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        blob.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    if (!state_cipher::open(fixed_key(), blob, aad_for(kSession))) {
        std::fprintf(stderr, "state_file fuzzer: the sealing AAD format changed; update aad_for\n");
        std::abort();
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::string_view content(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0] % 5) {
        case 0:
            load_through_store(content);
            break;
        case 1:
            decode_json(content);
            break;
        case 2:
            decode_with_sealed_plaintext(content);
            break;
        case 3:
            open_raw(content);
            break;
        default:
            open_endpoint_tokens(content);
            break;
    }
    return 0;
}
