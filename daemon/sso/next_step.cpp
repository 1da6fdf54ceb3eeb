#include "sso/next_step.hpp"

#include <array>
#include <string>

namespace ssocred::sso {
namespace {

// Phrases of a message that already tells the person what to do.
bool says_what_to_do(std::string_view message) {
    constexpr std::array<std::string_view, 6> kAdvice = {"ssocred login",  "try again",
                                                         "keeps retrying", "administrator",
                                                         "AWS_CA_BUNDLE",  "AWS_ENDPOINT_URL"};
    for (auto phrase : kAdvice)
        if (message.find(phrase) != std::string_view::npos) return true;
    return false;
}

}  // namespace

Error with_next_step(Error error, std::string_view endpoint_variable) {
    if (says_what_to_do(error.message)) return error;
    std::string advice;
    switch (error.code) {
        case ErrorCode::Network:
        case ErrorCode::Timeout:
            advice = "check the network (and HTTPS_PROXY) or " + std::string(endpoint_variable) +
                     ", then try again";
            break;
        case ErrorCode::Throttled:
        case ErrorCode::SlowDown:
            advice = "AWS is limiting the request rate: try again in a minute";
            break;
        case ErrorCode::UpstreamFault:
        case ErrorCode::BadResponse:
            advice = "AWS answered with a server error: try again in a few minutes";
            break;
        case ErrorCode::AccessDenied:
            advice = "ask your administrator for access in IAM Identity Center";
            break;
        case ErrorCode::LoginRequired:
        case ErrorCode::InvalidGrant:
        case ErrorCode::Unauthorized:
        case ErrorCode::InvalidClient:
        case ErrorCode::ExpiredToken:
            advice = "run `ssocred login`";
            break;
        default:
            return error;
    }
    error.message += (error.message.empty() ? "" : ": ") + advice;
    return error;
}

}  // namespace ssocred::sso
