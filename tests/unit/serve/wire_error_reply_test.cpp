// The serving plane's error answers come from the one table in ssocred/wire_error.hpp: a
// WireError gives both the status and the code on the wire, so the CLI (from_wire) reads back
// exactly what the daemon sends.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "serve/http_types.hpp"
#include "serve/json_error.hpp"
#include "serve/reply.hpp"
#include "serve_test_support.hpp"

namespace ssocred::serve::test {
namespace {

void expect_body(std::string_view body, std::string_view code, std::string_view message) {
    const auto j = nlohmann::json::parse(body);
    EXPECT_EQ(j.at("code"), code);
    EXPECT_EQ(j.at("Code"), code);
    EXPECT_EQ(j.at("message"), message);
    EXPECT_EQ(j.at("Message"), message);
    EXPECT_EQ(from_wire(j.at("code").get<std::string>()), from_wire(code));
}

TEST(WireErrorReply, EveryCodeGoesOutWithItsTableStatusAndCode) {
    for (const auto& entry : kWireErrors) {
        const Reply r = Reply::error(entry.error, "what to do next");
        EXPECT_EQ(r.status, entry.http_status) << entry.code;
        EXPECT_EQ(r.type(), kJson) << entry.code;
        EXPECT_TRUE(r.extra_headers.empty()) << entry.code;
        EXPECT_FALSE(r.close) << entry.code;
        expect_body(r.body(), entry.code, "what to do next");

        const Response control = json_error(entry.error, "what to do next");
        EXPECT_EQ(control.status, entry.http_status) << entry.code;
        EXPECT_EQ(control.content_type, "application/json") << entry.code;
        EXPECT_EQ(control.body, r.body()) << entry.code;  // one body for both planes
    }
}

TEST(WireErrorReply, AnExplicitStatusKeepsTheCode) {
    // docs/control-api.md: a known control path with a method it does not take is 405
    // `invalid`, not the table's 400.
    const Reply r = Reply::error(405, WireError::Invalid, "GET only");
    EXPECT_EQ(r.status, 405u);
    expect_body(r.body(), "invalid", "GET only");
    const Response control = json_error(405, WireError::Invalid, "GET only");
    EXPECT_EQ(control.status, 405u);
    expect_body(control.body, "invalid", "GET only");
}

TEST(WireErrorReply, SameBytesAsTheLiteralSpelling) {
    // The WireError forms replaced string literals: what goes on the wire is unchanged.
    const Reply typed = Reply::error(WireError::MethodNotAllowed, "use GET");
    const Reply literal = Reply::error(405, "method_not_allowed", "use GET");
    EXPECT_EQ(typed.status, literal.status);
    EXPECT_EQ(typed.body(), literal.body());
    EXPECT_EQ(json_error_body(WireError::Unauthorized, "no token"),
              json_error_body("unauthorized", "no token"));
}

TEST(WireErrorReply, FramingDefectsCarryTheirCode) {
    Request no_host;
    no_host.method = "GET";
    no_host.target = no_host.path = "/v1/credentials";
    no_host.version = 11;
    const auto missing = framing_defect(no_host);
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->code, WireError::Invalid);
    EXPECT_EQ(http_status_of(missing->code), 400u);

    Request gzip = no_host;
    gzip.headers.emplace_back("Host", "127.0.0.1");
    gzip.headers.emplace_back("Transfer-Encoding", "gzip, chunked");
    const auto unknown_coding = framing_defect(gzip);
    ASSERT_TRUE(unknown_coding);
    EXPECT_EQ(unknown_coding->code, WireError::NotImplemented);
    EXPECT_EQ(http_status_of(unknown_coding->code), 501u);

    Request fine = no_host;
    fine.headers.emplace_back("Host", "127.0.0.1");
    EXPECT_FALSE(framing_defect(fine));
}

// The listener writes this answer by hand, before any session exists.
TEST_F(ServeTest, OverTheConnectionBudgetTheCodeIsUnavailable) {
    options.limits.max_connections = 1;
    start();
    Conn held = Conn::tcp(port);
    held.send(get("/v1/credentials", "Authorization: " + token() + "\r\n"));
    ASSERT_TRUE(held.read());  // accepted and served: the session is live
    Conn extra = Conn::tcp(port);
    const auto r = extra.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, static_cast<int>(http_status_of(WireError::Unavailable)));
    EXPECT_EQ(r->header("content-type"), "application/json");
    EXPECT_EQ(from_wire(nlohmann::json::parse(r->body).at("code").get<std::string>()),
              WireError::Unavailable);
}

}  // namespace
}  // namespace ssocred::serve::test
