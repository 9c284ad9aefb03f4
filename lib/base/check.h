#pragma once
// Our own broken invariants. AMDRR_ASSERT is a bug in amdrr; AMDRR_REQUIRE is
// a caller passing something wrong. Both print the message and abort: they are
// never used on input that comes from a trace or from the kernel (those are
// errors returned as values).

#include <string_view>

namespace amdrr::detail {
[[noreturn]] void check_failed(const char* kind, const char* expr, const char* file, int line,
                               std::string_view message);
}  // namespace amdrr::detail

#define AMDRR_ASSERT(cond, msg)                                                     \
  do {                                                                              \
    if (!(cond)) [[unlikely]]                                                       \
      ::amdrr::detail::check_failed("assertion", #cond, __FILE__, __LINE__, (msg)); \
  } while (0)

#define AMDRR_REQUIRE(cond, msg)                                                      \
  do {                                                                                \
    if (!(cond)) [[unlikely]]                                                         \
      ::amdrr::detail::check_failed("requirement", #cond, __FILE__, __LINE__, (msg)); \
  } while (0)
