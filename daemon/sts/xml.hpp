// A small, strict XML reader for AWS Query-API answers (STS): elements, attributes (read and
// ignored), text, CDATA, comments, processing instructions and the five predefined and
// numeric character references. No DTDs (a <!DOCTYPE is refused: no entity expansion), no
// namespaces beyond keeping the prefix in the name. Anything else is an error that names the
// offset and what was wrong, never the content (answers carry secret keys).
//
// Element text may be a secret: XmlElement wipes it when destroyed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ssocred/expected.hpp"

namespace ssocred::sts {

struct XmlElement {
    std::string name;  // as written, prefix included ("AssumeRoleResponse")
    std::string text;  // the element's own character data, references decoded
    std::vector<XmlElement> children;

    XmlElement() = default;
    ~XmlElement();
    XmlElement(const XmlElement&) = default;
    XmlElement(XmlElement&&) noexcept = default;
    XmlElement& operator=(const XmlElement&) = default;
    XmlElement& operator=(XmlElement&&) noexcept = default;

    // The first child named `child_name`, or null.
    const XmlElement* child(std::string_view child_name) const;
    // Follows a path of child names ({"AssumeRoleResult", "Credentials"}); null if absent.
    const XmlElement* find(std::initializer_list<std::string_view> path) const;
};

struct XmlLimits {
    std::size_t max_bytes = 1 << 20;
    int max_depth = 32;
    std::size_t max_elements = 4096;
};

// The root element of `document`. BadResponse for anything that is not well-formed.
Expected<XmlElement> parse_xml(std::string_view document, const XmlLimits& limits = {});

}  // namespace ssocred::sts
