#include "replay/aslr.h"

#include <sys/personality.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace amdrr::replay {

bool aslr_disabled() {
  const int persona = ::personality(0xffffffff);
  return persona != -1 && (persona & ADDR_NO_RANDOMIZE) != 0;
}

void reexec_without_aslr(std::string* error) {
  if (aslr_disabled()) {
    *error = "address-space randomisation is already off";
    return;
  }
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<char*> argv;
  for (size_t i = 0; i < cmdline.size(); i += std::strlen(cmdline.data() + i) + 1) {
    argv.push_back(cmdline.data() + i);
  }
  if (argv.empty()) {
    *error = "cannot read /proc/self/cmdline";
    return;
  }
  argv.push_back(nullptr);
  const int persona = ::personality(0xffffffff);
  if (persona == -1 ||
      ::personality(static_cast<unsigned long>(persona) | ADDR_NO_RANDOMIZE) == -1) {
    *error = std::string("personality(ADDR_NO_RANDOMIZE): ").append(std::strerror(errno));
    return;
  }
  ::execv("/proc/self/exe", argv.data());
  *error = std::string("cannot re-execute /proc/self/exe: ").append(std::strerror(errno));
  ::personality(static_cast<unsigned long>(persona));
}

}  // namespace amdrr::replay
