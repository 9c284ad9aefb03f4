// Fuzz target: a whole trace file from a stranger, read every way a tool
// reads one (trace_consumers.h). Seeds are real traces; most mutations
// break a zstd checksum, which is itself a path worth covering, and
// fuzz_trace_record reaches past it.

#include <cstddef>
#include <cstdint>

#include "tests/fuzz/trace_consumers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static amdrr::fuzz::MemFile file;
  file.assign(data, size);
  amdrr::fuzz::consume_trace(file.path());
  return 0;
}
