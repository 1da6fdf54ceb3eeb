#include "store/json_wipe.hpp"

#include "ssocred/json_fields.hpp"
#include "ssocred/secret.hpp"

namespace ssocred {

void wipe_json(nlohmann::json& j) noexcept {
    jf::wipe(j);
    j = nullptr;
}

WipedString::~WipedString() {
    secure_wipe(s_);
}

}  // namespace ssocred
