#include "sts/xml.hpp"

#include <charconv>

#include "ssocred/secret.hpp"

namespace ssocred::sts {
namespace {

bool xml_name_start(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' ||
           static_cast<unsigned char>(c) >= 0x80;
}

bool xml_name_char(char c) {
    return xml_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool xml_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// Recursive descent over the document; `pos` only moves forward.
class XmlReader {
  public:
    XmlReader(std::string_view doc, const XmlLimits& limits) : doc_(doc), limits_(limits) {}

    Expected<XmlElement> document() {
        if (doc_.size() > limits_.max_bytes) return fail("document too large");
        if (doc_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
        if (auto st = misc(true); !st) return std::move(st).error();
        if (!at("<")) return fail("no root element");
        XmlElement root;
        if (auto st = element(root, 1); !st) return std::move(st).error();
        if (auto st = misc(false); !st) return std::move(st).error();
        if (pos_ != doc_.size()) return fail("content after the root element");
        return root;
    }

  private:
    Error fail(std::string_view what) const {
        return Error::make(ErrorCode::BadResponse, "malformed XML at byte " + std::to_string(pos_) +
                                                       ": " + std::string(what));
    }
    bool at(std::string_view s) const { return doc_.substr(pos_).starts_with(s); }
    bool eof() const { return pos_ >= doc_.size(); }
    void skip_space() {
        while (!eof() && xml_space(doc_[pos_])) ++pos_;
    }

    // Skips past `terminator`; false when it never comes.
    bool skip_past(std::string_view terminator) {
        const auto end = doc_.find(terminator, pos_);
        if (end == std::string_view::npos) return false;
        pos_ = end + terminator.size();
        return true;
    }

    // Whitespace, comments and processing instructions around the root element.
    Status misc(bool prolog) {
        for (;;) {
            skip_space();
            if (at("<?")) {
                if (!skip_past("?>")) return fail("unterminated processing instruction");
            } else if (at("<!--")) {
                if (!skip_past("-->")) return fail("unterminated comment");
            } else if (at("<!")) {
                return fail(prolog ? "document type declarations are not accepted"
                                   : "unexpected markup after the root element");
            } else {
                return ok();
            }
        }
    }

    Expected<std::string> name() {
        if (eof() || !xml_name_start(doc_[pos_])) return fail("expected a name");
        const std::size_t start = pos_;
        while (!eof() && xml_name_char(doc_[pos_])) ++pos_;
        return std::string(doc_.substr(start, pos_ - start));
    }

    // A reference after '&' (pos_ at '&'): appended to `out`.
    Status reference(std::string& out) {
        const auto end = doc_.find(';', pos_);
        if (end == std::string_view::npos || end - pos_ > 12)
            return fail("bad character reference");
        const std::string_view ref = doc_.substr(pos_ + 1, end - pos_ - 1);
        if (ref == "amp") {
            out.push_back('&');
        } else if (ref == "lt") {
            out.push_back('<');
        } else if (ref == "gt") {
            out.push_back('>');
        } else if (ref == "quot") {
            out.push_back('"');
        } else if (ref == "apos") {
            out.push_back('\'');
        } else if (ref.size() > 1 && ref[0] == '#') {
            const bool hex = ref[1] == 'x';
            const std::string_view digits = ref.substr(hex ? 2 : 1);
            std::uint32_t cp = 0;
            const auto [p, ec] =
                std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
            if (digits.empty() || ec != std::errc{} || p != digits.data() + digits.size() ||
                cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return fail("bad character reference");
            }
            append_utf8(out, cp);
        } else {
            return fail("unknown entity");
        }
        pos_ = end + 1;
        return ok();
    }

    Status attributes(bool& self_closing) {
        for (;;) {
            const bool spaced = !eof() && xml_space(doc_[pos_]);
            skip_space();
            if (at("/>")) {
                pos_ += 2;
                self_closing = true;
                return ok();
            }
            if (at(">")) {
                ++pos_;
                self_closing = false;
                return ok();
            }
            if (!spaced) return fail("expected whitespace before an attribute");
            if (auto n = name(); !n) return std::move(n).error();
            skip_space();
            if (!at("=")) return fail("expected '=' after an attribute name");
            ++pos_;
            skip_space();
            if (eof() || (doc_[pos_] != '"' && doc_[pos_] != '\'')) {
                return fail("expected a quoted attribute value");
            }
            const char quote = doc_[pos_++];
            std::string ignored;
            while (!eof() && doc_[pos_] != quote) {
                if (doc_[pos_] == '<') return fail("'<' in an attribute value");
                if (doc_[pos_] == '&') {
                    if (auto st = reference(ignored); !st) return st;
                } else {
                    ++pos_;
                }
            }
            if (eof()) return fail("unterminated attribute value");
            ++pos_;
        }
    }

    Status element(XmlElement& out, int depth) {
        if (depth > limits_.max_depth) return fail("elements nested too deeply");
        if (++elements_ > limits_.max_elements) return fail("too many elements");
        ++pos_;  // '<'
        auto n = name();
        if (!n) return std::move(n).error();
        out.name = std::move(*n);
        bool self_closing = false;
        if (auto st = attributes(self_closing); !st) return st;
        if (self_closing) return ok();
        for (;;) {
            if (eof()) return fail("unterminated element");
            const char c = doc_[pos_];
            if (c == '&') {
                if (auto st = reference(out.text); !st) return st;
            } else if (c != '<') {
                out.text.push_back(c);
                ++pos_;
            } else if (at("</")) {
                pos_ += 2;
                auto close = name();
                if (!close) return std::move(close).error();
                if (*close != out.name) return fail("mismatched end tag");
                skip_space();
                if (!at(">")) return fail("expected '>' after an end tag");
                ++pos_;
                return ok();
            } else if (at("<![CDATA[")) {
                const std::size_t start = pos_ + 9;
                const auto end = doc_.find("]]>", start);
                if (end == std::string_view::npos) return fail("unterminated CDATA section");
                out.text.append(doc_.substr(start, end - start));
                pos_ = end + 3;
            } else if (at("<!--")) {
                if (!skip_past("-->")) return fail("unterminated comment");
            } else if (at("<?")) {
                if (!skip_past("?>")) return fail("unterminated processing instruction");
            } else if (at("<!")) {
                return fail("unexpected markup declaration");
            } else {
                out.children.emplace_back();
                if (auto st = element(out.children.back(), depth + 1); !st) return st;
            }
        }
    }

    std::string_view doc_;
    XmlLimits limits_;
    std::size_t pos_ = 0;
    std::size_t elements_ = 0;
};

}  // namespace

XmlElement::~XmlElement() {
    secure_wipe(text);
}

const XmlElement* XmlElement::child(std::string_view child_name) const {
    for (const auto& c : children)
        if (c.name == child_name) return &c;
    return nullptr;
}

const XmlElement* XmlElement::find(std::initializer_list<std::string_view> path) const {
    const XmlElement* at = this;
    for (const auto& step : path) {
        at = at->child(step);
        if (at == nullptr) return nullptr;
    }
    return at;
}

Expected<XmlElement> parse_xml(std::string_view document, const XmlLimits& limits) {
    return XmlReader(document, limits).document();
}

}  // namespace ssocred::sts
