#pragma once
// The driver API reports misuse and kernel failures as amdrr::Error: one
// message saying what was asked, what went wrong, and what was expected.
// (The Kmd layer below returns errno values and never throws.)

#include <stdexcept>
#include <string>
#include <type_traits>

#include "lib/base/result.h"

namespace amdrr {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// "EINVAL (Invalid argument)".
std::string errno_text(int error);

/// Throws Error("<what>: <errno text>") when `r` failed; returns its value.
template <typename T>
T check(Result<T> r, const std::string& what) {
  if (!r.ok()) throw Error(what + ": " + errno_text(r.error()));
  if constexpr (!std::is_void_v<T>) return std::move(r).value();
}

/// The same, with the description built only on failure (hot paths: a
/// doorbell must not format a string it almost never needs).
template <typename T, typename Describe>
requires std::is_invocable_r_v<std::string, Describe> T check(Result<T> r, Describe&& describe) {
  if (!r.ok()) throw Error(describe() + ": " + errno_text(r.error()));
  if constexpr (!std::is_void_v<T>) return std::move(r).value();
}

}  // namespace amdrr
