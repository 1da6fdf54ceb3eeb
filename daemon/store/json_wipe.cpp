#include "store/json_wipe.hpp"

#include "ssocred/secret.hpp"

namespace ssocred {

void wipe_json(nlohmann::json& j) noexcept {
    if (j.is_string()) {
        secure_wipe(*j.get_ptr<std::string*>());
    } else if (j.is_structured()) {
        for (auto& v : j) wipe_json(v);
    }
    j = nullptr;
}

WipedString::~WipedString() {
    secure_wipe(s_);
}

}  // namespace ssocred
