#include "fuzzy.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

namespace ssocred::cli {
namespace {

// fzf-like weights: a matched character is worth far more than a gap costs, so a longer
// contiguous run always wins over a scattered one of the same length.
constexpr int kMatch = 16;
constexpr int kBoundary = 8;     // first character of a word
constexpr int kCamel = 7;        // an upper-case letter after a lower-case one
constexpr int kStart = 4;        // extra for the very first character of the text
constexpr int kConsecutive = 5;  // at least this for continuing a run
constexpr int kGapOpen = 3;
constexpr int kGapExtend = 1;
constexpr int kNone = std::numeric_limits<int>::min() / 2;

char fold(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool is_word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

int position_bonus(std::string_view text, std::size_t i) {
    if (i == 0) return kBoundary + kStart;
    const char prev = text[i - 1];
    const char cur = text[i];
    if (!is_word_char(prev) && is_word_char(cur)) return kBoundary;
    if (std::islower(static_cast<unsigned char>(prev)) &&
        std::isupper(static_cast<unsigned char>(cur)))
        return kCamel;
    if (std::isalpha(static_cast<unsigned char>(prev)) &&
        std::isdigit(static_cast<unsigned char>(cur)))
        return kCamel;
    return 0;
}

// One word: a Smith-Waterman style alignment in O(text * pattern). best[i] is the best
// score of the pattern so far with its last character matched at text[i]; runs[i] the
// bonus that run carries (a run keeps the bonus of its first character, as in fzf).
std::optional<int> score_word(std::string_view text, std::string_view word) {
    const std::size_t n = text.size();
    const std::size_t m = word.size();
    if (m == 0) return 0;
    if (m > n) return std::nullopt;
    std::vector<int> prev(n, kNone), cur(n, kNone);
    std::vector<int> prev_run(n, 0), cur_run(n, 0);
    for (std::size_t j = 0; j < m; ++j) {
        const char want = fold(word[j]);
        int gap_best = kNone;  // best prev[k] minus the gap penalty up to here, k < i - 1
        for (std::size_t i = 0; i < n; ++i) {
            cur[i] = kNone;
            if (j > 0 && i >= 2 && prev[i - 2] > kNone)
                gap_best = std::max(gap_best - kGapExtend, prev[i - 2] - kGapOpen);
            else if (gap_best > kNone)
                gap_best -= kGapExtend;
            if (fold(text[i]) != want) continue;
            const int bonus = position_bonus(text, i);
            if (j == 0) {
                cur[i] = kMatch + bonus;
                cur_run[i] = bonus;
                continue;
            }
            int best = kNone;
            int run = bonus;
            if (i >= 1 && prev[i - 1] > kNone) {
                run = std::max({bonus, prev_run[i - 1], kConsecutive});
                best = prev[i - 1] + kMatch + run;
            }
            if (gap_best > kNone && gap_best + kMatch + bonus > best) {
                best = gap_best + kMatch + bonus;
                run = bonus;
            }
            cur[i] = best;
            cur_run[i] = run;
        }
        std::swap(prev, cur);
        std::swap(prev_run, cur_run);
    }
    const int best = *std::max_element(prev.begin(), prev.end());
    if (best <= kNone) return std::nullopt;
    return best;
}

}  // namespace

std::optional<int> fuzzy_score(std::string_view text, std::string_view pattern) {
    int total = 0;
    std::size_t pos = 0;
    while (pos < pattern.size()) {
        const auto start = pattern.find_first_not_of(' ', pos);
        if (start == std::string_view::npos) break;
        auto end = pattern.find(' ', start);
        if (end == std::string_view::npos) end = pattern.size();
        const auto s = score_word(text, pattern.substr(start, end - start));
        if (!s) return std::nullopt;
        total += *s;
        pos = end;
    }
    return total;
}

std::vector<std::size_t> fuzzy_rank(const std::vector<std::string>& texts,
                                    std::string_view pattern) {
    std::vector<std::pair<int, std::size_t>> scored;
    for (std::size_t i = 0; i < texts.size(); ++i)
        if (auto s = fuzzy_score(texts[i], pattern)) scored.emplace_back(*s, i);
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::size_t> out;
    out.reserve(scored.size());
    for (const auto& [score, index] : scored) out.push_back(index);
    return out;
}

}  // namespace ssocred::cli
