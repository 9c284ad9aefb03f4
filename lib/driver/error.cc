#include "lib/driver/error.h"

#include <cstring>

namespace amdrr {

std::string errno_text(int error) {
  const char* name = strerrorname_np(error);
  return std::string(name ? name : "errno " + std::to_string(error)) + " (" + std::strerror(error) +
         ")";
}

}  // namespace amdrr
