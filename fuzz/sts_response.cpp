// Fuzz target: STS AssumeRole answers (XML), as a man in the middle, a broken proxy or a
// hostile AWS_ENDPOINT_URL_STS could send them: the success parser, the error parser and
// the XML reader under both. Secrets parsed from the input are wiped as in production.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sts/assume_role.hpp"
#include "sts/xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    (void)ssocred::sts::parse_xml(body);
    if (auto creds = ssocred::sts::parse_assume_role_response(body)) {
        // A parsed answer must be complete: keys and an expiry, never half of one.
        if (creds->access_key_id.empty() || creds->secret_access_key.reveal().empty())
            __builtin_trap();
    }
    (void)ssocred::sts::parse_sts_error(body);
    return 0;
}
