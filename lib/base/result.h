#pragma once
// Result<T>: a value or the kernel's errno. The Kmd layer never throws;
// every call returns one of these (C++20 has no std::expected).

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <variant>

#include "lib/base/check.h"

namespace amdrr {

/// An errno value carried as a type, so `Result<int>` cannot confuse a value with an error.
struct Errno {
  int value = 0;
  friend bool operator==(Errno, Errno) = default;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Errno e) : v_(e) { AMDRR_ASSERT(e.value != 0, "an error Result needs a non-zero errno"); }

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  /// The errno of a failed call, 0 on success.
  int error() const { return ok() ? 0 : std::get<1>(v_).value; }

  T& value() & {
    AMDRR_ASSERT(ok(), "value() of a failed Result: " + std::string(std::strerror(error())));
    return std::get<0>(v_);
  }
  const T& value() const& {
    AMDRR_ASSERT(ok(), "value() of a failed Result: " + std::string(std::strerror(error())));
    return std::get<0>(v_);
  }
  T&& value() && {
    AMDRR_ASSERT(ok(), "value() of a failed Result: " + std::string(std::strerror(error())));
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Errno> v_;
};

/// A call with no value: success, or an errno.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Errno e) : err_(e.value) {  // NOLINT(google-explicit-constructor)
    AMDRR_ASSERT(e.value != 0, "an error Result needs a non-zero errno");
  }
  bool ok() const { return err_ == 0; }
  explicit operator bool() const { return ok(); }
  int error() const { return err_; }

 private:
  int err_ = 0;
};

}  // namespace amdrr
