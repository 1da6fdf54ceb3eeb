// Secret: a string that holds a credential and is wiped when released.
//
// Invariants: the bytes are zeroed (secure_wipe) on destruction, on assignment and
// on move-from; there is no operator<< and no implicit conversion, so a secret cannot
// reach a log line or an error message by accident. Read it with reveal() only where
// it leaves the process (an HTTP header, a response body, a file).
#pragma once

#include <string>
#include <string_view>

namespace ssocred {

void secure_wipe(std::string& s) noexcept;
void secure_wipe(void* data, std::size_t size) noexcept;

class Secret {
  public:
    Secret() = default;
    explicit Secret(std::string value) noexcept : value_(std::move(value)) {}
    explicit Secret(std::string_view value) : value_(value) {}
    ~Secret() { secure_wipe(value_); }

    Secret(const Secret& other) : value_(other.value_) {}
    Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { secure_wipe(other.value_); }
    Secret& operator=(const Secret& other) {
        if (this != &other) {
            secure_wipe(value_);
            value_ = other.value_;
        }
        return *this;
    }
    Secret& operator=(Secret&& other) noexcept {
        if (this != &other) {
            secure_wipe(value_);
            value_ = std::move(other.value_);
            secure_wipe(other.value_);
        }
        return *this;
    }

    [[nodiscard]] const std::string& reveal() const noexcept { return value_; }
    [[nodiscard]] bool empty() const noexcept { return value_.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return value_.size(); }

    // Constant-time comparison; the length is not secret.
    [[nodiscard]] bool equals(std::string_view candidate) const noexcept;
    friend bool operator==(const Secret& a, const Secret& b) noexcept { return a.equals(b.value_); }

  private:
    std::string value_;
};

}  // namespace ssocred
