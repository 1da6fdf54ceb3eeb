// Fuzzy matching for the picker, as fzf does it: the pattern's characters must appear in
// order (a subsequence), ignoring case; the score prefers contiguous runs, matches at the
// start of the text and at word boundaries ("-", "_", "/", " ", camelCase), and short gaps.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssocred::cli {

// The best score of `pattern` in `text`, or nothing when it is not a subsequence. Every
// space-separated word of the pattern must match (the scores add up); an empty pattern
// matches with score 0.
std::optional<int> fuzzy_score(std::string_view text, std::string_view pattern);

// The indices of the matching texts, best score first; equal scores keep the given order
// (so an empty pattern keeps every text, in order).
std::vector<std::size_t> fuzzy_rank(const std::vector<std::string>& texts,
                                    std::string_view pattern);

}  // namespace ssocred::cli
