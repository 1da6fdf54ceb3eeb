#include "sts/xml.hpp"

#include <gtest/gtest.h>

namespace ssocred::sts {
namespace {

TEST(Xml, ParsesElementsTextAndReferences) {
    auto doc = parse_xml(
        "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c -->\n"
        "<R xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\" a='1'>"
        "<A>x &amp; y &lt;&gt;&quot;&apos; &#65;&#x42;&#x20AC;</A><B/><C><![CDATA[<raw>&]]></C>"
        "<?pi x?><!-- inner --><A>second</A></R>\n");
    ASSERT_TRUE(doc) << doc.error().message;
    EXPECT_EQ(doc->name, "R");
    ASSERT_EQ(doc->children.size(), 4u);
    EXPECT_EQ(doc->child("A")->text, "x & y <>\"' AB\xE2\x82\xAC");
    EXPECT_EQ(doc->child("B")->text, "");
    EXPECT_EQ(doc->child("C")->text, "<raw>&");
    EXPECT_EQ(doc->child("Z"), nullptr);
    EXPECT_EQ(doc->find({"A"})->text.substr(0, 1), "x");
}

TEST(Xml, FindFollowsAPath) {
    auto doc = parse_xml("<a><b><c>v</c></b></a>");
    ASSERT_TRUE(doc);
    ASSERT_NE(doc->find({"b", "c"}), nullptr);
    EXPECT_EQ(doc->find({"b", "c"})->text, "v");
    EXPECT_EQ(doc->find({"b", "x"}), nullptr);
}

TEST(Xml, RejectsGarbageCleanly) {
    const char* bad[] = {
        "",
        "   ",
        "not xml",
        "{\"json\": true}",
        "<a>",
        "<a></b>",
        "<a><b></a></b>",
        "<a>x</a><b/>",
        "<a>x</a>trailing",
        "<a b=1/>",
        "<a b=\"1\"c=\"2\"/>",
        "<a b=\"1/>",
        "<a>&unknown;</a>",
        "<a>&#0;</a>",
        "<a>&#xD800;</a>",
        "<a>&#x110000;</a>",
        "<a>&amp</a>",
        "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
        "<a><!DOCTYPE x></a>",
        "<a><![CDATA[x</a>",
        "<a><!-- x</a>",
        "<?xml version=\"1.0\"",
        "<1a/>",
        "< a/>",
        "<a>\x00</a",
    };
    for (const char* text : bad) {
        auto doc = parse_xml(text);
        EXPECT_FALSE(doc) << "accepted: " << text;
        if (!doc) {
            EXPECT_EQ(doc.error().code, ErrorCode::BadResponse);
            EXPECT_NE(doc.error().message.find("malformed XML"), std::string::npos);
        }
    }
}

TEST(Xml, ErrorsNeverQuoteTheContent) {
    auto doc = parse_xml("<a><SecretAccessKey>TOPSECRETVALUE</SecretAccessKey>&bogus;</a>");
    ASSERT_FALSE(doc);
    EXPECT_EQ(doc.error().message.find("TOPSECRET"), std::string::npos);
}

TEST(Xml, EnforcesLimits) {
    std::string deep;
    for (int i = 0; i < 40; ++i) deep += "<a>";
    for (int i = 0; i < 40; ++i) deep += "</a>";
    EXPECT_FALSE(parse_xml(deep));
    std::string many = "<r>";
    for (int i = 0; i < 5000; ++i) many += "<a/>";
    many += "</r>";
    EXPECT_FALSE(parse_xml(many));
    XmlLimits small;
    small.max_bytes = 8;
    EXPECT_FALSE(parse_xml("<abcdefgh/>", small));
}

TEST(Xml, SurvivesEveryTruncationOfAValidAnswer) {
    const std::string good =
        "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA</AccessKeyId>"
        "</Credentials></AssumeRoleResult></AssumeRoleResponse>";
    ASSERT_TRUE(parse_xml(good));
    for (std::size_t n = 0; n < good.size(); ++n) EXPECT_FALSE(parse_xml(good.substr(0, n))) << n;
}

}  // namespace
}  // namespace ssocred::sts
