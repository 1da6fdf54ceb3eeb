#include "serve/metrics.hpp"

#include <cmath>
#include <cstdio>

namespace ssocred::serve {

std::string_view to_string(EndpointKind kind) noexcept {
    switch (kind) {
        case EndpointKind::Container:
            return "container";
        case EndpointKind::Imds:
            return "imds";
        case EndpointKind::Control:
            return "control";
        case EndpointKind::Other:
            return "other";
    }
    return "other";
}

Metrics::Metrics() {
    for (auto& row : requests_) {
        for (auto& c : row) c.store(0, std::memory_order_relaxed);
    }
    describe("ssocred_requests_total", "HTTP requests answered, by endpoint kind and status.");
}

void Metrics::count_request(EndpointKind kind, unsigned status) noexcept {
    const unsigned idx =
        (status >= kMinStatus && status < kMinStatus + kStatuses) ? status - kMinStatus : 0;
    requests_[static_cast<std::size_t>(kind)][idx].fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t Metrics::requests(EndpointKind kind, unsigned status) const noexcept {
    const unsigned idx =
        (status >= kMinStatus && status < kMinStatus + kStatuses) ? status - kMinStatus : 0;
    return requests_[static_cast<std::size_t>(kind)][idx].load(std::memory_order_relaxed);
}

void Metrics::add(std::string_view name, const Labels& labels, double delta) {
    std::lock_guard lock(mutex_);
    auto it = families_.find(name);
    if (it == families_.end()) it = families_.emplace(std::string(name), Family{}).first;
    it->second.counter = true;
    it->second.series[labels] += delta;
}

void Metrics::set(std::string_view name, const Labels& labels, double value) {
    std::lock_guard lock(mutex_);
    auto it = families_.find(name);
    if (it == families_.end()) it = families_.emplace(std::string(name), Family{}).first;
    it->second.series[labels] = value;
}

void Metrics::clear(std::string_view name) {
    std::lock_guard lock(mutex_);
    if (auto it = families_.find(name); it != families_.end()) it->second.series.clear();
}

void Metrics::describe(std::string_view name, std::string_view help) {
    std::lock_guard lock(mutex_);
    auto it = families_.find(name);
    if (it == families_.end()) it = families_.emplace(std::string(name), Family{}).first;
    it->second.help = std::string(help);
}

namespace {

// Label values escape backslash, double quote and newline (text format 0.0.4).
void append_label_value(std::string& out, std::string_view v) {
    for (char c : v) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out.push_back(c);
        }
    }
}

void append_labels(std::string& out, const Labels& labels) {
    if (labels.empty()) return;
    out.push_back('{');
    bool first = true;
    for (const auto& [k, v] : labels) {
        if (!first) out.push_back(',');
        first = false;
        out += k;
        out += "=\"";
        append_label_value(out, v);
        out.push_back('"');
    }
    out.push_back('}');
}

void append_value(std::string& out, double v) {
    if (std::isnan(v)) {
        out += "NaN";
        return;
    }
    if (std::isinf(v)) {
        out += v > 0 ? "+Inf" : "-Inf";
        return;
    }
    char buf[64];
    if (v == std::floor(v) && std::fabs(v) < 1e15) {
        std::snprintf(buf, sizeof buf, "%.0f", v);
    } else {
        std::snprintf(buf, sizeof buf, "%.17g", v);
    }
    out += buf;
}

}  // namespace

std::string Metrics::render_prometheus() const {
    std::string out;
    std::lock_guard lock(mutex_);
    // The request table is rendered as the family ssocred_requests_total.
    {
        auto it = families_.find(std::string_view("ssocred_requests_total"));
        if (it != families_.end() && !it->second.help.empty()) {
            out += "# HELP ssocred_requests_total " + it->second.help + "\n";
        }
        out += "# TYPE ssocred_requests_total counter\n";
        for (std::size_t k = 0; k < kEndpointKinds; ++k) {
            for (unsigned s = 0; s < kStatuses; ++s) {
                const auto n = requests_[k][s].load(std::memory_order_relaxed);
                if (n == 0) continue;
                out += "ssocred_requests_total{endpoint=\"";
                out += to_string(static_cast<EndpointKind>(k));
                out += "\",status=\"";
                out += s == 0 ? std::string("0") : std::to_string(s + kMinStatus);
                out += "\"} ";
                out += std::to_string(n);
                out.push_back('\n');
            }
        }
    }
    for (const auto& [name, fam] : families_) {
        if (name == "ssocred_requests_total") continue;
        if (fam.series.empty()) continue;
        if (!fam.help.empty()) out += "# HELP " + name + " " + fam.help + "\n";
        out += "# TYPE " + name + (fam.counter ? " counter\n" : " gauge\n");
        for (const auto& [labels, value] : fam.series) {
            out += name;
            append_labels(out, labels);
            out.push_back(' ');
            append_value(out, value);
            out.push_back('\n');
        }
    }
    return out;
}

}  // namespace ssocred::serve
