#include "lib/base/check.h"

#include <cstdio>
#include <cstdlib>

namespace amdrr::detail {

void check_failed(const char* kind, const char* expr, const char* file, int line,
                  std::string_view message) {
  std::fprintf(stderr, "amdrr: %s failed at %s:%d: %s: %.*s\n", kind, file, line, expr,
               static_cast<int>(message.size()), message.data());
  std::abort();
}

}  // namespace amdrr::detail
