// Metrics: the daemon's counters and gauges, rendered in the Prometheus text format 0.0.4.
//
// Request counters sit in a fixed table of atomics (endpoint kind x status code), so
// counting a request on the hot path neither allocates nor locks. Other counters and the
// gauges are keyed by name and label set, created on first use, and guarded by a mutex:
// the engine may update them from worker threads.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ssocred::serve {

enum class EndpointKind : std::uint8_t { Container, Imds, Control, Other };
inline constexpr std::size_t kEndpointKinds = 4;
std::string_view to_string(EndpointKind kind) noexcept;

using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
  public:
    Metrics();

    // ssocred_requests_total{endpoint,status}. Statuses outside 100..599 count as 0.
    void count_request(EndpointKind kind, unsigned status) noexcept;
    std::uint64_t requests(EndpointKind kind, unsigned status) const noexcept;

    // A monotonically increasing counter, e.g.
    // add("ssocred_upstream_calls_total", {{"operation","GetRoleCredentials"},{"outcome","ok"}}).
    void add(std::string_view name, const Labels& labels, double delta = 1.0);
    // A gauge, e.g. set("ssocred_cached_roles", {}, 3).
    void set(std::string_view name, const Labels& labels, double value);
    // Drops every series of a gauge (before re-setting a family whose label sets change).
    void clear(std::string_view name);
    // Help text for a family (optional).
    void describe(std::string_view name, std::string_view help);

    std::string render_prometheus() const;
    static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

  private:
    struct Family {
        bool counter = false;
        std::string help;
        std::map<Labels, double> series;
    };
    static constexpr unsigned kMinStatus = 100;
    static constexpr unsigned kStatuses = 500;
    std::array<std::array<std::atomic<std::uint64_t>, kStatuses>, kEndpointKinds> requests_;
    mutable std::mutex mutex_;
    std::map<std::string, Family, std::less<>> families_;
};

}  // namespace ssocred::serve
