// A unified diff of two texts, line by line, for `profiles sync --dry-run`.
//
// Myers' O(ND) algorithm after stripping the common head and tail. The edit distance is
// capped (kMaxEdits): past it the changed middle is shown as one hunk of removals then
// additions, which is still a correct diff, only not a minimal one.
#pragma once

#include <string>
#include <string_view>

namespace ssocred::cli {

inline constexpr int kMaxEdits = 2000;

// "" when the texts are equal; else "--- from\n+++ to\n@@ -a,b +c,d @@\n…" with `context`
// lines around each change.
std::string unified_diff(std::string_view before, std::string_view after, std::string_view from,
                         std::string_view to, int context = 3);

}  // namespace ssocred::cli
