#include "http_exchange.hpp"

#include <cstdint>
#include <exception>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "ssocred/version.hpp"

namespace ssocred::cli {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using stream_protocol = asio::local::stream_protocol;
using boost::system::error_code;

// Not io_error: control_client.cpp has one, and scripts/check-macos.sh compiles client/ as
// one unity file, where two helpers of one name clash.
Error exchange_error(std::string message) {
    return Error::make(ErrorCode::Io, std::move(message));
}

http::request<http::string_body> build_request(const HttpRequest& r) {
    http::request<http::string_body> req;
    const http::verb verb = http::string_to_verb(r.method);
    if (verb == http::verb::unknown)
        req.method_string(r.method);
    else
        req.method(verb);
    req.target(r.target);
    req.version(11);
    req.set(http::field::host, "localhost");
    req.set(http::field::user_agent, std::string("ssocred/") + kVersion);
    req.set(http::field::accept, "application/json");
    req.set(http::field::connection, "close");
    if (r.json_body) {
        req.set(http::field::content_type, "application/json");
        req.body() = *r.json_body;
    }
    // A POST or PUT always says its length (0 without a body): some servers answer 411.
    if (r.json_body || verb == http::verb::post || verb == http::verb::put)
        req.content_length(req.body().size());
    return req;
}

// What a failed read means to the person: the daemon went away, or what answered is not
// speaking its protocol.
Error read_error(const error_code& ec, bool got_bytes) {
    if (ec == http::error::body_limit || ec == http::error::header_limit ||
        ec == http::error::buffer_overflow)
        return Error::make(ErrorCode::BadResponse, "ssocredd sent an oversized response");
    if (!got_bytes && (ec == http::error::end_of_stream || ec == asio::error::eof ||
                       ec == asio::error::connection_reset))
        return exchange_error("ssocredd closed the connection without answering");
    if (ec.category() == http::make_error_code(http::error::end_of_stream).category())
        return Error::make(ErrorCode::BadResponse, "ssocredd sent a malformed HTTP response");
    return exchange_error("lost the connection to ssocredd: " + ec.message());
}

// The state of one exchange. Every completion handler runs in the thread that called
// http_exchange (inside io.run()), so nothing here needs a lock.
class Exchange {
  public:
    explicit Exchange(const RequestOptions& options) : options_(options) {}

    Expected<HttpResponse> run(UniqueFd fd, const HttpRequest& request,
                               std::chrono::steady_clock::time_point deadline) {
        error_code ec;
        socket_.assign(stream_protocol(), fd.get(), ec);
        if (ec) return exchange_error("cannot use the control socket: " + ec.message());
        fd.release();  // the asio socket owns it now
        request_ = build_request(request);

        deadline_.expires_at(deadline);
        deadline_.async_wait([this](const error_code& e) {
            if (!e) finish(Error::make(ErrorCode::Timeout, "ssocredd did not answer in time"));
        });
        if (options_.on_tick) schedule_tick();
        watch_cancel_fd();
        http::async_write(socket_, request_, [this](const error_code& e, std::size_t) {
            if (e) return finish(exchange_error("lost the connection to ssocredd: " + e.message()));
            read_response();
        });
        io_.run();
        if (cancel_) cancel_->release();  // the caller's descriptor: never closed here
        if (failure_) return std::move(*failure_);
        auto& message = parser_->get();
        return HttpResponse{static_cast<int>(message.result_int()),
                            std::string(message[http::field::content_type]),
                            std::move(message.body())};
    }

  private:
    void read_response() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(kMaxResponseHeader));
        parser_->body_limit(kMaxResponseBody);
        http::async_read(socket_, buffer_, *parser_, [this](const error_code& e, std::size_t) {
            if (e) return finish(read_error(e, got_bytes_ || parser_->got_some()));
            got_bytes_ = true;
            const auto status = parser_->get().result_int();
            // An interim answer (we never send Expect, but be tolerant): read the real one.
            if (status >= 100 && status < 200 && status != 101) return read_response();
            finish(std::nullopt);
        });
    }

    void schedule_tick() {
        tick_.expires_after(std::chrono::seconds(1));
        tick_.async_wait([this](const error_code& e) {
            if (e || done_) return;
            options_.on_tick();
            schedule_tick();
        });
    }

    // A descriptor epoll cannot watch (a regular file) is not a signal pipe: then the
    // request simply cannot be cancelled that way.
    void watch_cancel_fd() {
        if (options_.cancel_fd < 0) return;
        error_code ec;
        cancel_.emplace(io_);
        cancel_->assign(options_.cancel_fd, ec);
        if (ec) {
            cancel_.reset();
            return;
        }
        cancel_->async_wait(asio::posix::descriptor_base::wait_read, [this](const error_code& e) {
            if (!e) finish(Error::make(ErrorCode::Cancelled, "cancelled"));
        });
    }

    // The first outcome wins; closing the socket and cancelling the waits lets io.run()
    // return once their handlers have seen operation_aborted.
    void finish(std::optional<Error> failure) {
        if (done_) return;
        done_ = true;
        failure_ = std::move(failure);
        error_code ignored;
        socket_.close(ignored);
        deadline_.cancel();
        tick_.cancel();
        if (cancel_) cancel_->cancel(ignored);
    }

    const RequestOptions& options_;
    asio::io_context io_{1};
    stream_protocol::socket socket_{io_};
    asio::steady_timer deadline_{io_};
    asio::steady_timer tick_{io_};
    std::optional<asio::posix::stream_descriptor> cancel_;
    http::request<http::string_body> request_;
    boost::beast::flat_buffer buffer_;
    std::optional<http::response_parser<http::string_body>> parser_;
    bool got_bytes_ = false;
    bool done_ = false;
    std::optional<Error> failure_;
};

}  // namespace

Expected<HttpResponse> http_exchange(UniqueFd socket, const HttpRequest& request,
                                     std::chrono::steady_clock::time_point deadline,
                                     const RequestOptions& options) {
    try {
        Exchange exchange(options);
        return exchange.run(std::move(socket), request, deadline);
    } catch (const std::exception& e) {
        // io_context and descriptor set-up throw only when the process is out of
        // descriptors or memory.
        return exchange_error(std::string("cannot talk to ssocredd: ") + e.what());
    }
}

}  // namespace ssocred::cli
