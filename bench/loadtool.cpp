// ssocred-loadtool: the load shapes wrk cannot make, for bench/bench.py.
//
//   idle   --port P --count N [--slowloris]   open N keep-alive connections, make one request
//          on each (so the server holds them as idle keep-alive connections), optionally
//          open one slowloris connection that sends half a request and then one header
//          byte a second; print "ready OK FAILED", hold everything until stdin reaches EOF,
//          then print how many the server had closed meanwhile as one JSON line.
//   burst  --port P --count N                 connect N sockets first, then send the same
//          request on all of them at once; total time until the last full response.
//   procs  --port P --count N                 fork N short-lived client processes at once,
//          each connecting, fetching once and exiting; total time until the last exits.
//   close  --port P --count N [--concurrency C]   exactly N `Connection: close` requests, each
//          on a new connection, C in flight (default 1); each waits for the full response and
//          the server's close (EOF). A fixed amount of work for per-connection figures: system
//          calls (strace -c), instructions (callgrind) and allocations of the server.
//
// Common: --path PATH (default /v1/credentials), --header "Name: value" (repeatable).
// Output is one JSON line on stdout. Every wait is bounded (--timeout-ms, default 30000).
// Blocking sockets and poll(): this is a load generator, not a server, and it must stay
// obviously correct.
#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <optional>
#include <poll.h>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::string mode;
    std::string host = "127.0.0.1";
    int port = 0;
    int count = 1;
    std::string path = "/v1/credentials";
    std::vector<std::string> headers;
    bool slowloris = false;
    int timeout_ms = 30000;
    int concurrency = 1;
};

[[noreturn]] void usage() {
    std::fputs(
        "usage: ssocred-loadtool idle|burst|procs|close --port P --count N [--path PATH]\n"
        "       [--header 'Name: value']... [--slowloris] [--host 127.0.0.1] [--timeout-ms MS]\n"
        "       [--concurrency C]\n",
        stderr);
    std::exit(2);
}

Options parse(int argc, char** argv) {
    if (argc < 2) usage();
    Options o;
    o.mode = argv[1];
    for (int i = 2; i < argc; ++i) {
        const std::string_view a = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage();
            return argv[++i];
        };
        if (a == "--port") {
            o.port = std::atoi(value().c_str());
        } else if (a == "--count") {
            o.count = std::atoi(value().c_str());
        } else if (a == "--path") {
            o.path = value();
        } else if (a == "--header") {
            o.headers.push_back(value());
        } else if (a == "--host") {
            o.host = value();
        } else if (a == "--timeout-ms") {
            o.timeout_ms = std::atoi(value().c_str());
        } else if (a == "--concurrency") {
            o.concurrency = std::max(1, std::atoi(value().c_str()));
        } else if (a == "--slowloris") {
            o.slowloris = true;
        } else {
            usage();
        }
    }
    if (o.port <= 0 || o.count <= 0) usage();
    return o;
}

std::string request_text(const Options& o) {
    std::string r =
        "GET " + o.path + " HTTP/1.1\r\nHost: " + o.host + ":" + std::to_string(o.port) + "\r\n";
    for (const auto& h : o.headers) r += h + "\r\n";
    r += "\r\n";
    return r;
}

int connect_to(const Options& o) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<std::uint16_t>(o.port));
    ::inet_pton(AF_INET, o.host.c_str(), &sa.sin_addr);
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// Accumulates one HTTP response; done once the header and Content-Length bytes are in.
struct ResponseReader {
    std::string data;
    int status = 0;
    std::optional<std::size_t> total;

    // false: connection closed or failed before a complete response.
    bool feed(int fd) {
        char buf[16384];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return false;
        data.append(buf, static_cast<std::size_t>(n));
        if (!total) {
            const auto end = data.find("\r\n\r\n");
            if (end != std::string::npos) {
                status = std::atoi(data.c_str() + 9);  // "HTTP/1.1 200"
                std::size_t length = 0;
                std::string lower = data.substr(0, end);
                std::transform(lower.begin(), lower.end(), lower.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                if (const auto cl = lower.find("\r\ncontent-length:"); cl != std::string::npos)
                    length = std::strtoul(lower.c_str() + cl + 17, nullptr, 10);
                total = end + 4 + length;
            }
        }
        return true;
    }
    bool complete() const { return total && data.size() >= *total; }
};

// Blocking request/response on a connected socket (poll-bounded).
int fetch_once(int fd, const std::string& req, int timeout_ms) {
    if (!send_all(fd, req)) return -1;
    ResponseReader r;
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!r.complete()) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return -1;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return -1;
        if (!r.feed(fd)) return -1;
    }
    return r.status;
}

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

void raise_fd_limit() {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &rl);
    }
}

// True when the peer has closed `fd` (EOF or error readable without blocking).
bool closed_by_peer(int fd) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return false;
    char c;
    const ssize_t n = ::recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);
    return n <= 0;
}

int run_idle(const Options& o) {
    const std::string req = request_text(o);
    std::vector<int> fds;
    fds.reserve(static_cast<std::size_t>(o.count));
    int failed = 0;
    for (int i = 0; i < o.count; ++i) {
        const int fd = connect_to(o);
        if (fd < 0 || fetch_once(fd, req, o.timeout_ms) <= 0) {
            ++failed;
            if (fd >= 0) ::close(fd);
            continue;
        }
        fds.push_back(fd);
    }
    int loris = -1;
    const std::string half = "GET " + o.path + " HTTP/1.1\r\nHost: " + o.host + "\r\nX-Slow: ";
    if (o.slowloris) {
        loris = connect_to(o);
        if (loris >= 0 && !send_all(loris, half)) {
            ::close(loris);
            loris = -1;
        }
    }
    std::printf("ready %zu %d\n", fds.size(), failed);
    std::fflush(stdout);

    // Hold until stdin closes; keep the slowloris trickling one byte a second.
    const auto t0 = Clock::now();
    std::optional<double> loris_closed_after;
    for (int tick = 0; tick < 3600; ++tick) {
        pollfd p{0, POLLIN, 0};
        if (::poll(&p, 1, 1000) > 0) {
            char buf[64];
            if (::read(0, buf, sizeof buf) <= 0) break;
        }
        if (loris >= 0 && !loris_closed_after) {
            if (closed_by_peer(loris) || !send_all(loris, "a")) loris_closed_after = ms_since(t0);
        }
    }
    int closed = 0;
    for (int fd : fds) {
        closed += closed_by_peer(fd) ? 1 : 0;
        ::close(fd);
    }
    std::printf(
        "{\"held\":%zu,\"failed\":%d,\"closed_by_server\":%d,\"held_ms\":%.0f,"
        "\"slowloris\":%s,\"slowloris_closed_after_ms\":%.0f}\n",
        fds.size(), failed, closed, ms_since(t0), o.slowloris ? "true" : "false",
        loris_closed_after.value_or(-1));
    if (loris >= 0) ::close(loris);
    return 0;
}

void print_times(const char* mode, const Options& o, const std::map<int, int>& statuses,
                 std::vector<double>& times, double total_ms) {
    std::sort(times.begin(), times.end());
    const auto pct = [&](double p) {
        if (times.empty()) return -1.0;
        const auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(times.size() - 1));
        return times[i];
    };
    std::printf(
        "{\"mode\":\"%s\",\"count\":%d,\"total_ms\":%.3f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
        "\"max_ms\":%.3f,\"status\":{",
        mode, o.count, total_ms, pct(50), pct(99), times.empty() ? -1.0 : times.back());
    bool first = true;
    for (const auto& [status, n] : statuses) {
        std::printf("%s\"%d\":%d", first ? "" : ",", status, n);
        first = false;
    }
    std::printf("}}\n");
}

int run_burst(const Options& o) {
    const std::string req = request_text(o);
    std::vector<int> fds;
    std::map<int, int> statuses;
    for (int i = 0; i < o.count; ++i) {
        const int fd = connect_to(o);
        if (fd < 0) {
            ++statuses[-1];
            continue;
        }
        fds.push_back(fd);
    }
    std::vector<ResponseReader> readers(fds.size());
    std::vector<double> times(fds.size(), -1);
    std::vector<pollfd> pfds;
    const auto t0 = Clock::now();
    for (int fd : fds) {
        if (!send_all(fd, req)) ++statuses[-2];
        pfds.push_back({fd, POLLIN, 0});
    }
    std::size_t open = fds.size();
    const auto deadline = t0 + std::chrono::milliseconds(o.timeout_ms);
    while (open > 0 && Clock::now() < deadline) {
        if (::poll(pfds.data(), pfds.size(), 100) < 0 && errno != EINTR) break;
        for (std::size_t i = 0; i < pfds.size(); ++i) {
            if (pfds[i].fd < 0 || pfds[i].revents == 0) continue;
            const bool alive = readers[i].feed(pfds[i].fd);
            if (readers[i].complete() || !alive) {
                times[i] = ms_since(t0);
                ++statuses[readers[i].complete() ? readers[i].status : -3];
                pfds[i].fd = -1;
                --open;
            }
        }
    }
    const double total = ms_since(t0);
    statuses[-4] += static_cast<int>(open);  // timed out
    if (statuses[-4] == 0) statuses.erase(-4);
    for (int fd : fds) ::close(fd);
    std::erase(times, -1);
    print_times("burst", o, statuses, times, total);
    return 0;
}

int run_procs(const Options& o) {
    const std::string req = request_text(o);
    std::vector<pid_t> children;
    const auto t0 = Clock::now();
    for (int i = 0; i < o.count; ++i) {
        const pid_t pid = ::fork();
        if (pid == 0) {
            const int fd = connect_to(o);
            const int status = fd < 0 ? -1 : fetch_once(fd, req, o.timeout_ms);
            _exit(status == 200 ? 0 : 1);
        }
        if (pid > 0) children.push_back(pid);
    }
    std::map<int, int> statuses;
    std::vector<double> times;
    for (std::size_t left = children.size(); left > 0; --left) {
        int st = 0;
        const pid_t pid = ::waitpid(-1, &st, 0);
        if (pid < 0) break;
        times.push_back(ms_since(t0));
        ++statuses[WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 200 : -1];
    }
    const double total = ms_since(t0);
    if (children.size() < static_cast<std::size_t>(o.count))
        statuses[-5] = o.count - static_cast<int>(children.size());  // fork failed
    print_times("procs", o, statuses, times, total);
    return 0;
}

// One `Connection: close` exchange in flight: the response is complete once the server
// has closed (EOF), so the server's whole per-connection work is inside the measurement.
struct CloseExchange {
    int fd = -1;
    ResponseReader reader;
    Clock::time_point started;
};

int run_close(const Options& o) {
    const std::string req = request_text(o);
    std::map<int, int> statuses;
    std::vector<double> times;
    times.reserve(static_cast<std::size_t>(o.count));
    std::vector<CloseExchange> flight(static_cast<std::size_t>(std::min(o.concurrency, o.count)));
    std::vector<pollfd> pfds(flight.size());
    int started = 0;
    int finished = 0;
    const auto start_one = [&](CloseExchange& x) {
        x = CloseExchange{};
        x.started = Clock::now();
        ++started;
        x.fd = connect_to(o);
        if (x.fd < 0 || !send_all(x.fd, req)) {
            if (x.fd >= 0) ::close(x.fd);
            x.fd = -1;
            ++statuses[-1];
            ++finished;
        }
    };
    const auto t0 = Clock::now();
    const auto deadline = t0 + std::chrono::milliseconds(o.timeout_ms);
    for (auto& x : flight) start_one(x);
    while (finished < o.count && Clock::now() < deadline) {
        for (std::size_t i = 0; i < flight.size(); ++i) pfds[i] = {flight[i].fd, POLLIN, 0};
        if (::poll(pfds.data(), pfds.size(), 100) < 0 && errno != EINTR) break;
        for (std::size_t i = 0; i < flight.size(); ++i) {
            CloseExchange& x = flight[i];
            if (x.fd < 0 || pfds[i].revents == 0) continue;
            if (x.reader.feed(x.fd)) continue;  // more bytes; EOF or error ends the exchange
            ::close(x.fd);
            x.fd = -1;
            ++finished;
            ++statuses[x.reader.complete() ? x.reader.status : -3];
            times.push_back(ms_since(x.started));
            if (started < o.count) start_one(x);
        }
        // Slots whose connect failed are refilled too, until `count` have been started.
        for (auto& x : flight) {
            if (x.fd < 0 && started < o.count) start_one(x);
        }
    }
    const double total = ms_since(t0);
    for (auto& x : flight) {
        if (x.fd >= 0) {
            ::close(x.fd);
            ++statuses[-4];  // timed out
        }
    }
    print_times("close", o, statuses, times, total);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    std::signal(SIGPIPE, SIG_IGN);
    raise_fd_limit();
    if (o.mode == "idle") return run_idle(o);
    if (o.mode == "burst") return run_burst(o);
    if (o.mode == "procs") return run_procs(o);
    if (o.mode == "close") {
        Options c = o;
        c.headers.push_back("Connection: close");
        return run_close(c);
    }
    usage();
}
