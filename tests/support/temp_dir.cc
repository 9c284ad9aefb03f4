#include "tests/support/temp_dir.h"

#include <stdlib.h>

#include <system_error>

#include "lib/base/check.h"

namespace amdrr::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "amdrr-test-XXXXXX").string();
  AMDRR_ASSERT(mkdtemp(pattern.data()) != nullptr, "cannot create a temporary directory");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace amdrr::testing
