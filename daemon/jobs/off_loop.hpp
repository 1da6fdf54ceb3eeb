// off_loop: runs a blocking call on a pool from a coroutine on the loop, and resumes the
// coroutine on the loop with its result (co_spawn's completion goes through the awaiting
// coroutine's executor). The loop serves meanwhile.
#pragma once

#include <type_traits>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace ssocred::jobs {

template <class Fn, class Result = std::invoke_result_t<Fn&>>
boost::asio::awaitable<Result> off_loop(boost::asio::any_io_executor pool, Fn fn) {
    co_return co_await boost::asio::co_spawn(
        pool, [fn = std::move(fn)]() mutable -> boost::asio::awaitable<Result> { co_return fn(); },
        boost::asio::use_awaitable);
}

}  // namespace ssocred::jobs
