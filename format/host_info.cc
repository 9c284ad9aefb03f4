#include "format/host_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern char** environ;

namespace amdrr::format {

bool is_recorded_env_var(const char* var) {
  static const char* const kPrefixes[] = {"AMDRR_", "HSA_", "HIP_", "ROC", "AMD_", "GPU_"};
  for (const char* prefix : kPrefixes) {
    if (std::strncmp(var, prefix, std::strlen(prefix)) == 0) return true;
  }
  return false;
}

void fill_host_info(schema::Header::Builder header) {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) == 0) header.setHost(host);
  struct utsname uts {};
  if (uname(&uts) == 0) header.setKernelRelease(uts.release);

  std::ifstream cmdline("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (size_t at = 0; at < all.size();) {
    size_t end = all.find('\0', at);
    if (end == std::string::npos) end = all.size();
    args.push_back(all.substr(at, end - at));
    at = end + 1;
  }
  auto list = header.initCommandLine(static_cast<unsigned>(args.size()));
  for (size_t i = 0; i < args.size(); ++i) list.set(static_cast<unsigned>(i), args[i].c_str());

  std::vector<std::pair<std::string, std::string>> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (!is_recorded_env_var(*e)) continue;
    const char* eq = std::strchr(*e, '=');
    if (eq == nullptr) continue;
    env.emplace_back(std::string(*e, static_cast<size_t>(eq - *e)), std::string(eq + 1));
  }
  auto vars = header.initEnvironment(static_cast<unsigned>(env.size()));
  for (size_t i = 0; i < env.size(); ++i) {
    vars[static_cast<unsigned>(i)].setName(env[i].first);
    vars[static_cast<unsigned>(i)].setValue(env[i].second);
  }
}

}  // namespace amdrr::format
