// "Did you mean …": the closest known names to a mistyped one, by edit distance, for the
// daemon's messages (profiles, sso-sessions) and the CLI's (commands, flags).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ssocred {

// Damerau-Levenshtein (optimal string alignment) distance: a swapped pair of letters, the
// commonest typo, counts as one edit.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidates close enough to `word` to be what was meant (at most a third of its length
// in edits, at least one), closest first, at most `limit`; a candidate that starts with
// `word` (a name cut short) counts as close. Empty when nothing is close.
std::vector<std::string> closest_names(std::string_view word,
                                       const std::vector<std::string>& candidates,
                                       std::size_t limit = 3);

// "; did you mean 'a' or 'b'?" for closest_names, or "" when there is none.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace ssocred
