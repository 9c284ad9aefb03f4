#pragma once
// Debian 12's Cap'n Proto (0.9) headers do not compile under clang in C++20:
// blob.h compares `const char*` with kj::StringPtr through an operator kj
// only declares before C++20. The fuzz build (clang) force-includes this to
// declare it; g++ builds never see it.
#include <kj/string.h>

namespace kj {
inline bool operator==(const char* a, const StringPtr& b) {
  return b == StringPtr(a);
}
inline bool operator!=(const char* a, const StringPtr& b) {
  return !(b == StringPtr(a));
}
}  // namespace kj
