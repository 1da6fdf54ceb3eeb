#include "line_diff.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace ssocred::cli {
namespace {

// Lines with their terminators: "a" and "a\n" differ, as they should.
std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        const std::size_t len = nl == std::string_view::npos ? text.size() : nl + 1;
        out.push_back(text.substr(0, len));
        text.remove_prefix(len);
    }
    return out;
}

struct Op {
    char kind;  // ' ', '-', '+'
    std::string_view line;
};

// Myers' shortest edit script between a and b, appended to `ops`; false (nothing appended)
// when it needs more than kMaxEdits edits.
bool myers(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b,
           std::vector<Op>& ops) {
    const int n = static_cast<int>(a.size());
    const int m = static_cast<int>(b.size());
    const int max = std::min(n + m, kMaxEdits);
    std::vector<int> v(2 * static_cast<std::size_t>(max) + 2, 0);
    const int off = max + 1;
    std::vector<std::vector<int>> trace;  // trace[d][k + d]: furthest x on diagonal k
    auto at = [&](int k) -> int& { return v[static_cast<std::size_t>(k + off)]; };
    int found = -1;
    for (int d = 0; d <= max && found < 0; ++d) {
        for (int k = -d; k <= d; k += 2) {
            int x = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? at(k + 1) : at(k - 1) + 1;
            int y = x - k;
            while (x < n && y < m &&
                   a[static_cast<std::size_t>(x)] == b[static_cast<std::size_t>(y)]) {
                ++x;
                ++y;
            }
            at(k) = x;
            if (x >= n && y >= m) found = d;
        }
        trace.emplace_back(v.begin() + (off - d), v.begin() + (off + d + 1));
    }
    if (found < 0) return false;
    std::vector<Op> rev;
    int x = n;
    int y = m;
    for (int d = found; d > 0; --d) {
        const auto& prev = trace[static_cast<std::size_t>(d - 1)];
        auto pv = [&](int k) { return prev[static_cast<std::size_t>(k + d - 1)]; };
        const int k = x - y;
        const int pk = (k == -d || (k != d && pv(k - 1) < pv(k + 1))) ? k + 1 : k - 1;
        const int px = pv(pk);
        const int py = px - pk;
        while (x > px && y > py) rev.push_back({' ', a[static_cast<std::size_t>(--x)]}), --y;
        if (x == px) {
            rev.push_back({'+', b[static_cast<std::size_t>(--y)]});
        } else {
            rev.push_back({'-', a[static_cast<std::size_t>(--x)]});
        }
    }
    while (x > 0 && y > 0) rev.push_back({' ', a[static_cast<std::size_t>(--x)]}), --y;
    ops.insert(ops.end(), rev.rbegin(), rev.rend());
    return true;
}

std::string range(std::size_t start, std::size_t count) {
    // Unified diff: a 1-based start; an empty range names the line before it.
    const std::size_t shown = count == 0 ? start : start + 1;
    return std::to_string(shown) + (count == 1 ? "" : "," + std::to_string(count));
}

}  // namespace

std::string unified_diff(std::string_view before, std::string_view after, std::string_view from,
                         std::string_view to, int context) {
    if (before == after) return {};
    const auto a = lines_of(before);
    const auto b = lines_of(after);
    std::size_t head = 0;
    while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
    std::size_t tail = 0;
    while (tail < a.size() - head && tail < b.size() - head &&
           a[a.size() - 1 - tail] == b[b.size() - 1 - tail])
        ++tail;

    std::vector<Op> ops;
    for (std::size_t i = 0; i < head; ++i) ops.push_back({' ', a[i]});
    const std::vector<std::string_view> mid_a(a.begin() + static_cast<std::ptrdiff_t>(head),
                                              a.end() - static_cast<std::ptrdiff_t>(tail));
    const std::vector<std::string_view> mid_b(b.begin() + static_cast<std::ptrdiff_t>(head),
                                              b.end() - static_cast<std::ptrdiff_t>(tail));
    if (mid_a.empty() || mid_b.empty() || !myers(mid_a, mid_b, ops)) {
        for (auto l : mid_a) ops.push_back({'-', l});
        for (auto l : mid_b) ops.push_back({'+', l});
    }
    for (std::size_t i = a.size() - tail; i < a.size(); ++i) ops.push_back({' ', a[i]});

    // Line numbers before each op, then hunks: changes closer than 2*context share one.
    std::vector<std::size_t> old_at(ops.size() + 1, 0);
    std::vector<std::size_t> new_at(ops.size() + 1, 0);
    for (std::size_t i = 0; i < ops.size(); ++i) {
        old_at[i + 1] = old_at[i] + (ops[i].kind != '+' ? 1 : 0);
        new_at[i + 1] = new_at[i] + (ops[i].kind != '-' ? 1 : 0);
    }
    const auto ctx = static_cast<std::size_t>(std::max(context, 0));
    std::string out = "--- " + std::string(from) + "\n+++ " + std::string(to) + "\n";
    std::size_t i = 0;
    while (i < ops.size()) {
        if (ops[i].kind == ' ') {
            ++i;
            continue;
        }
        const std::size_t start = i > ctx ? i - ctx : 0;
        std::size_t end = i;  // one past the last change of the hunk
        for (std::size_t j = i; j < ops.size(); ++j) {
            if (ops[j].kind != ' ') {
                end = j + 1;
            } else if (j - end >= 2 * ctx) {
                break;
            }
        }
        const std::size_t stop = std::min(ops.size(), end + ctx);
        out += "@@ -" + range(old_at[start], old_at[stop] - old_at[start]) + " +" +
               range(new_at[start], new_at[stop] - new_at[start]) + " @@\n";
        for (std::size_t j = start; j < stop; ++j) {
            out.push_back(ops[j].kind);
            out.append(ops[j].line);
            if (!ops[j].line.ends_with('\n')) out += "\n\\ No newline at end of file\n";
        }
        i = stop;
    }
    return out;
}

}  // namespace ssocred::cli
