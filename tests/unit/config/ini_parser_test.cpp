#include "config/ini_parser.hpp"

#include <gtest/gtest.h>

namespace ssocred::config {
namespace {

const IniSection* find(const IniDocument& d, std::vector<std::string> words) {
    for (const auto& s : d.sections) {
        if (s.words == words) return &s;
    }
    return nullptr;
}

TEST(IniParser, BotocoreAndJsDialects) {
    const auto doc = parse_ini(
        "\xEF\xBB\xBF# leading comment\r\n"
        "; another\n"
        "[default]\n"
        "region=eu-west-1\n"
        "  \n"
        "[profile dev]   # inline comment after header\n"
        "SSO_Session : my-sso\n"
        "sso_account_id = 111111111111 ; inline\n"
        "sso_role_name=Dev\n"
        "sso_role_name = Admin\n"  // duplicate: last wins
        "\t\n"
        "[ profile \"quoted name\" ]\n"
        "region = us-east-1\n"
        "[sso-session my-sso]\n"
        "sso_start_url = https://d-1.awsapps.com/start#/\n"
        "sso_registration_scopes = sso:account:access,\n"
        "    extra:scope\n"
        "[services local]\n"
        "sso_oidc =\n"
        "  endpoint_url = http://127.0.0.1:9/oidc\n"
        "sso =\n"
        "  endpoint_url : http://127.0.0.1:9/portal\n"
        "[profile dev]\n"
        "region = ap-south-1\n",
        "config");
    ASSERT_TRUE(doc) << doc.error().message;
    const auto* def = find(*doc, {"default"});
    ASSERT_NE(def, nullptr);
    EXPECT_EQ(def->values.at("region"), "eu-west-1");
    const auto* dev = find(*doc, {"profile", "dev"});
    ASSERT_NE(dev, nullptr);
    EXPECT_EQ(dev->values.at("sso_session"), "my-sso");
    EXPECT_EQ(dev->values.at("sso_account_id"), "111111111111");
    EXPECT_EQ(dev->values.at("sso_role_name"), "Admin");
    EXPECT_EQ(dev->values.at("region"), "ap-south-1");  // repeated section merged
    EXPECT_NE(find(*doc, {"profile", "quoted name"}), nullptr);
    const auto* s = find(*doc, {"sso-session", "my-sso"});
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->values.at("sso_start_url"), "https://d-1.awsapps.com/start#/");
    EXPECT_EQ(s->values.at("sso_registration_scopes"), "sso:account:access,\nextra:scope");
    const auto* svc = find(*doc, {"services", "local"});
    ASSERT_NE(svc, nullptr);
    EXPECT_EQ(svc->nested.at("sso_oidc").at("endpoint_url"), "http://127.0.0.1:9/oidc");
    EXPECT_EQ(svc->nested.at("sso").at("endpoint_url"), "http://127.0.0.1:9/portal");
}

TEST(IniParser, UniformlyIndentedKeysAreKeysNotContinuations) {
    const auto doc = parse_ini("[profile x]\n  region = a\n  sso_role_name = b\n", "f");
    ASSERT_TRUE(doc);
    EXPECT_EQ(doc->sections[0].values.at("region"), "a");
    EXPECT_EQ(doc->sections[0].values.at("sso_role_name"), "b");
}

void expect_error(const char* text, const std::string& needle) {
    const auto doc = parse_ini(text, "/home/u/.aws/config");
    ASSERT_FALSE(doc) << text;
    EXPECT_EQ(doc.error().code, ErrorCode::Invalid);
    EXPECT_NE(doc.error().message.find(needle), std::string::npos) << doc.error().message;
}

TEST(IniParser, BrokenLinesNameFileAndLine) {
    expect_error("region = x\n", "/home/u/.aws/config:1: ");
    expect_error("[profile a]\nregion = x\n[profile b\n", "config:3: section header is missing");
    expect_error("[profile a]\n\n# c\nthis line has no separator\n",
                 "config:4: expected 'key = value'");
    expect_error("[profile a]\n = value\n", "config:2: missing key name");
    expect_error("[]\n", "config:1: empty section header");
    expect_error("[profile \"a]\n", "config:1: unbalanced quote");
    expect_error("[services s]\nsso =\n  no separator here\n",
                 "config:3: expected 'key = value' in the block");
}

}  // namespace
}  // namespace ssocred::config
