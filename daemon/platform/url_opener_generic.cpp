#include "platform/url_opener.hpp"

namespace ssocred::platform {

UrlOpener url_opener() noexcept {
    return {"xdg-open", true};
}

}  // namespace ssocred::platform
