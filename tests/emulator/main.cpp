// ssocred-emulator: flags -> settings, catalog, listener; then serve until SIGTERM/SIGINT.
#include <iostream>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>

#include "ssocred/version.hpp"

#include "catalog.hpp"
#include "counters.hpp"
#include "faults.hpp"
#include "options.hpp"
#include "router.hpp"
#include "server.hpp"
#include "state.hpp"
#include "sts_minter.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

int fail(const std::string& message) {
    std::cerr << "ssocred-emulator: " << message << "\n";
    return 2;
}

// "ADDR:PORT", "[v6]:PORT" or "localhost:PORT".
std::optional<tcp::endpoint> parse_listen(const std::string& text) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    std::string host = text.substr(0, colon);
    std::string port_text = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host == "localhost") host = "127.0.0.1";
    boost::system::error_code ec;
    auto address = asio::ip::make_address(host, ec);
    if (ec || port_text.empty() || port_text.size() > 5) return std::nullopt;
    unsigned long port = 0;
    for (char c : port_text) {
        if (c < '0' || c > '9') return std::nullopt;
        port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port > 65535) return std::nullopt;
    return tcp::endpoint(address, static_cast<unsigned short>(port));
}

// Defaults, overridden by the config file, overridden by flags.
emu::Settings resolve_settings(const emu::Options& o, const emu::ConfigSettings& c) {
    emu::Settings s;
    auto pick = [](long long& out, std::optional<long long> file, std::optional<long long> flag) {
        if (file) out = *file;
        if (flag) out = *flag;
    };
    pick(s.access_token_ttl, c.access_token_ttl, o.access_token_ttl);
    pick(s.role_ttl, c.role_ttl, o.role_ttl);
    pick(s.approve_after, c.approve_after, o.approve_after);
    pick(s.page_size, c.page_size, o.page_size);
    pick(s.device_interval, c.device_interval, o.device_interval);
    pick(s.device_code_ttl, c.device_code_ttl, std::nullopt);
    pick(s.registration_ttl, c.registration_ttl, std::nullopt);
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    auto options = emu::parse_options(std::vector<std::string>(argv + 1, argv + argc));
    if (!options) return fail(options.error().message);
    if (options->help) {
        std::cout << emu::usage_text();
        return 0;
    }
    if (options->version) {
        std::cout << "ssocred-emulator " << ssocred::kVersion << "\n";
        return 0;
    }

    auto catalog = options->config_file ? emu::load_catalog(*options->config_file)
                                        : ssocred::Expected<emu::Catalog>(emu::default_catalog());
    if (!catalog) return fail(catalog.error().message);

    auto endpoint = parse_listen(options->listen);
    if (!endpoint) return fail("--listen: expected ADDR:PORT, got " + options->listen);
    if (!endpoint->address().is_loopback() && !options->allow_remote) {
        return fail("refusing to listen on non-loopback address " + options->listen +
                    " (a test tool; pass --allow-remote to insist)");
    }

    // Everything the connections refer to is declared before the io_context, so it
    // outlives the coroutine frames the io_context destroys on shutdown.
    std::optional<asio::ssl::context> tls;
    if (options->tls_cert) {
        tls.emplace(asio::ssl::context::tls_server);
        boost::system::error_code ec;
        tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1);
        tls->use_certificate_chain_file(*options->tls_cert, ec);
        if (ec) return fail("--tls-cert " + *options->tls_cert + ": " + ec.message());
        tls->use_private_key_file(*options->tls_key, asio::ssl::context::pem, ec);
        if (ec) return fail("--tls-key " + *options->tls_key + ": " + ec.message());
    }
    std::optional<emu::StsMinter> sts;
    if (options->sts_endpoint) {
        auto sts_options = emu::sts_options_from_env(*options->sts_endpoint, options->sts_region);
        if (!sts_options) return fail(sts_options.error().message);
        sts.emplace(std::move(*sts_options));
    }
    const emu::Settings settings = resolve_settings(*options, catalog->settings);
    emu::State state(std::move(*catalog), settings, "");
    if (sts) state.set_minter(&*sts);
    emu::Faults faults;
    emu::Counters counters;
    emu::Router router(state, faults, counters);

    asio::io_context io(1);
    std::optional<emu::Server> server;
    try {
        server.emplace(io, *endpoint, router, tls ? &*tls : nullptr);
    } catch (const boost::system::system_error& e) {
        std::cerr << "ssocred-emulator: cannot listen on " << options->listen << ": "
                  << e.code().message() << "\n";
        return 1;
    }
    const auto bound = server->local_endpoint();
    const std::string host = bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                                     : bound.address().to_string();
    const std::string url =
        std::string(tls ? "https" : "http") + "://" + host + ":" + std::to_string(bound.port());
    state.set_base_url(url);
    // Handlers go in before the URL line: a test may signal as soon as it reads it.
    asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](const boost::system::error_code&, int) {
        server->stop();
        io.stop();
    });
    // Tests and the demo wait for exactly this first line.
    std::cout << "listening on " << url << std::endl;

    server->start();
    io.run();
    std::cerr << "ssocred-emulator: stopped\n";
    return 0;
}
