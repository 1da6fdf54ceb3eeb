#include "creds/served_credentials.hpp"

#include <memory>
#include <string>
#include <string_view>

#include "ssocred/json_string.hpp"

namespace ssocred {

namespace {

// Wipes the bodies on destruction; the Secrets inside `credentials` wipe themselves.
struct WipedServedCredentials final : ServedCredentials {
    WipedServedCredentials() = default;
    WipedServedCredentials(const WipedServedCredentials&) = delete;
    WipedServedCredentials& operator=(const WipedServedCredentials&) = delete;
    ~WipedServedCredentials() {
        secure_wipe(container_json);
        secure_wipe(imds_json);
        secure_wipe(imds_extended_json);
    }
};

// Writes JSON either into a string or just counts, so the exact size can be reserved first.
class JsonWriter {
  public:
    explicit JsonWriter(std::string* out) : out_(out) {}

    JsonWriter& member(std::string_view name, std::string_view value) {
        put(first_ ? "{" : ",");
        first_ = false;
        string(name);
        put(":");
        string(value);
        return *this;
    }
    void close() { put(first_ ? "{}" : "}"); }
    std::size_t size() const noexcept { return size_; }

  private:
    void put(std::string_view s) {
        size_ += s.size();
        if (out_ != nullptr) out_->append(s);
    }
    void put(char c) { put(std::string_view(&c, 1)); }
    void string(std::string_view s) {
        put('"');
        write_json_string_content(s, [this](std::string_view piece) { put(piece); });
        put('"');
    }

    std::string* out_;
    std::size_t size_ = 0;
    bool first_ = true;
};

template <class Body>
std::string render(Body&& body) {
    JsonWriter counter(nullptr);
    body(counter);
    std::string out;
    out.reserve(counter.size());
    JsonWriter writer(&out);
    body(writer);
    return out;
}

}  // namespace

CredentialsPtr make_served_credentials(RoleCredentials credentials) {
    auto served = std::make_shared<WipedServedCredentials>();
    served->credentials = std::move(credentials);
    const RoleCredentials& c = served->credentials;
    const std::string expiration = format_utc(c.expiration);
    const std::string issued = format_utc(c.issued_at);
    const std::string arn = c.role_arn();

    served->container_json = render([&](JsonWriter& w) {
        w.member("AccessKeyId", c.access_key_id)
            .member("SecretAccessKey", c.secret_access_key.reveal())
            .member("Token", c.session_token.reveal())
            .member("Expiration", expiration)
            .member("AccountId", c.role.account_id)
            .member("RoleArn", arn)
            .close();
    });
    auto imds = [&](JsonWriter& w, bool extended) {
        w.member("Code", "Success")
            .member("LastUpdated", issued)
            .member("Type", "AWS-HMAC")
            .member("AccessKeyId", c.access_key_id)
            .member("SecretAccessKey", c.secret_access_key.reveal())
            .member("Token", c.session_token.reveal())
            .member("Expiration", expiration);
        if (extended) w.member("AccountId", c.role.account_id);
        w.close();
    };
    served->imds_json = render([&](JsonWriter& w) { imds(w, false); });
    served->imds_extended_json = render([&](JsonWriter& w) { imds(w, true); });
    return served;
}

}  // namespace ssocred
