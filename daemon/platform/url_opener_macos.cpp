#include "platform/url_opener.hpp"

namespace ssocred::platform {

UrlOpener url_opener() noexcept {
    return {"open", false};
}

}  // namespace ssocred::platform
