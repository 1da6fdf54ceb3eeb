// InlineFunction: a move-only std::function that keeps its callable in an inline buffer.
//
// Why: the serving plane's completions (a Session's "send this reply", a handler's "here are
// the credentials") capture a shared_ptr or another completion. libstdc++'s std::function
// stores a callable inline only when it is at most 16 bytes and trivially copyable, so each
// of them cost a malloc + free per request. With a buffer sized for those captures, serving a
// cached credential allocates nothing. Semantics stay owning: a completion that is dropped
// without being called destroys its captures (and so releases the connection it holds).
//
// A callable larger than `Capacity`, over-aligned, or not nothrow-movable still works: it is
// kept on the heap, as std::function would.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace ssocred {

template <class Signature, std::size_t Capacity>
class InlineFunction;

template <class R, class... Args, std::size_t Capacity>
class InlineFunction<R(Args...), Capacity> {
  public:
    InlineFunction() noexcept = default;
    InlineFunction(std::nullptr_t) noexcept {}  // NOLINT(google-explicit-constructor)

    template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, InlineFunction> &&
             std::is_invocable_r_v<R, std::decay_t<F>&, Args...>)
        InlineFunction(F&& f) {  // NOLINT(google-explicit-constructor): a drop-in for std::function
        using Fn = std::decay_t<F>;
        if constexpr (fits_inline<Fn>) {
            ::new (static_cast<void*>(storage_)) Fn(std::forward<F>(f));
            ops_ = &inline_ops<Fn>;
        } else {
            ::new (static_cast<void*>(storage_))
                Fn*(std::make_unique<Fn>(std::forward<F>(f)).release());
            ops_ = &heap_ops<Fn>;
        }
    }

    InlineFunction(InlineFunction&& other) noexcept : ops_(other.ops_) {
        if (ops_ != nullptr) {
            ops_->relocate(storage_, other.storage_);
            other.ops_ = nullptr;
        }
    }
    InlineFunction& operator=(InlineFunction&& other) noexcept {
        if (this != &other) {
            reset();
            if (other.ops_ != nullptr) {
                other.ops_->relocate(storage_, other.storage_);
                ops_ = std::exchange(other.ops_, nullptr);
            }
        }
        return *this;
    }
    InlineFunction(const InlineFunction&) = delete;
    InlineFunction& operator=(const InlineFunction&) = delete;
    ~InlineFunction() { reset(); }

    explicit operator bool() const noexcept { return ops_ != nullptr; }

    // Const like std::function's: calling does not change which callable is held, though
    // the callable itself may change (a mutable lambda).
    R operator()(Args... args) const {
        if (ops_ == nullptr) throw std::bad_function_call();
        return ops_->invoke(storage_, std::forward<Args>(args)...);
    }

    // The captures of a held callable of type F fit the inline buffer (for static_asserts on
    // the hot path).
    template <class F>
    static constexpr bool fits_inline = sizeof(std::decay_t<F>) <= Capacity &&
                                        alignof(std::decay_t<F>) <= alignof(void*) &&
                                        std::is_nothrow_move_constructible_v<std::decay_t<F>>;

  private:
    struct Ops {
        R (*invoke)(void* self, Args&&... args);
        void (*relocate)(void* to, void* from) noexcept;  // move-construct, destroy the source
        void (*destroy)(void* self) noexcept;
    };

    template <class Fn>
    static constexpr Ops inline_ops{
        [](void* self, Args&&... args) -> R {
            return (*std::launder(static_cast<Fn*>(self)))(std::forward<Args>(args)...);
        },
        [](void* to, void* from) noexcept {
            Fn* source = std::launder(static_cast<Fn*>(from));
            ::new (to) Fn(std::move(*source));
            source->~Fn();
        },
        [](void* self) noexcept { std::launder(static_cast<Fn*>(self))->~Fn(); }};

    template <class Fn>
    static Fn*& heap_pointer(void* self) noexcept {
        return *std::launder(static_cast<Fn**>(self));
    }
    template <class Fn>
    static constexpr Ops heap_ops{
        [](void* self, Args&&... args) -> R {
            return (*heap_pointer<Fn>(self))(std::forward<Args>(args)...);
        },
        [](void* to, void* from) noexcept { ::new (to) Fn*(heap_pointer<Fn>(from)); },
        [](void* self) noexcept { std::unique_ptr<Fn> owned(heap_pointer<Fn>(self)); }};

    void reset() noexcept {
        if (ops_ != nullptr) std::exchange(ops_, nullptr)->destroy(storage_);
    }

    static_assert(Capacity >= sizeof(void*), "the buffer must hold at least a pointer");
    alignas(void*) mutable std::byte storage_[Capacity];
    const Ops* ops_ = nullptr;
};

}  // namespace ssocred
