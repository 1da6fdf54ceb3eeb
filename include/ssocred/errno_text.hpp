// errno as text for error messages. std::strerror may share a static buffer between
// threads; the category message (strerror_r underneath) does not. Callers capture errno
// into a local first: the operands of the `+` chains building a message are unsequenced,
// and an allocation may change errno.
#pragma once

#include <string>
#include <system_error>

namespace ssocred {

inline std::string errno_text(int err) {
    return std::generic_category().message(err);
}

}  // namespace ssocred
