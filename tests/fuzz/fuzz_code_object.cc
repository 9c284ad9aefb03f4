// Fuzz target: the amdgcn code-object (ELF + msgpack metadata) loader.

#include <cstddef>
#include <cstdint>
#include <span>

#include "lib/code/code_object.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = amdrr::code::parse_code_object(std::span<const uint8_t>(data, size));
  if (r.object) {
    for (const auto& k : r.object->kernels) (void)r.object->find(k.name);
    (void)amdrr::code::target_from_e_flags(r.object->e_flags);
  }
  return 0;
}
