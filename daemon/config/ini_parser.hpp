// A parser for the AWS shared config file that accepts the union of the botocore and the
// JavaScript SDK dialects (PROTOCOLS.md §7.2).
//
// Accepted: `[section]` headers (words split shell-style, quotes allowed), `key = value` and
// `key : value`, whole-line `#`/`;` comments and inline ones after whitespace, indented
// continuation lines (configparser rules: a line indented deeper than its key line continues
// that key), nested blocks (`key =` followed by indented `sub = value` lines, as in
// `[services]`), duplicate keys and sections (last wins), keys folded to lower case.
// Rejected, with file name, line number and reason: text before the first section, a header
// without `]` or with an unbalanced quote, a key line without a separator or with an empty key.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ssocred/expected.hpp"

namespace ssocred::config {

struct IniSection {
    std::vector<std::string> words;  // header split into words: {"profile","dev"}, {"default"}
    int line = 0;                    // line of the (first) header
    std::map<std::string, std::string> values;
    // `key =` followed by indented `sub = value` lines: nested[key][sub] = value.
    std::map<std::string, std::map<std::string, std::string>> nested;
};

struct IniDocument {
    std::vector<IniSection> sections;  // in file order; repeated headers are merged into one
};

// `file_name` only labels error messages.
Expected<IniDocument> parse_ini(std::string_view text, std::string_view file_name);

// The words of a section header line as parse_ini reads them ("[profile 'my dev'] # x" ->
// {"profile", "my dev"}); nullopt when the line is not a well-formed header. For tools that
// edit the file around its sections (`ssocred profiles sync`) and must agree with the parser.
std::optional<std::vector<std::string>> section_header_words(std::string_view line);

}  // namespace ssocred::config
