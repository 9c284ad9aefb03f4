// Fuzz target: arbitrary records inside a well-formed trace. A valid header
// frame comes first; the input, padded to whole words, is the content of a
// second frame with a correct checksum, so every mutation reaches Cap'n
// Proto's validation, the record visitors and the Kmd call decoder instead
// of stopping at zstd. Seeds are single records of real traces, each in the
// stream framing (segment table + segments).

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "format/trace.capnp.h"
#include "format/zstd_frames.h"
#include "tests/fuzz/trace_consumers.h"

namespace {

std::vector<uint8_t> header_message() {
  capnp::MallocMessageBuilder message;
  auto h = message.initRoot<amdrr::schema::Record>().initHeader();
  h.setFormatMajor(amdrr::schema::FORMAT_MAJOR);
  h.setFormatMinor(amdrr::schema::FORMAT_MINOR);
  h.setBackend(amdrr::schema::Backend::SIM);
  h.setSimProfile("gfx942");
  auto gpu = h.initGpus(1)[0];
  gpu.setNodeId(1);
  gpu.setGpuId(0x4a3c);
  gpu.setGfxTarget("gfx942");
  auto words = capnp::messageToFlatArray(message);
  auto bytes = words.asBytes();
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<uint8_t> header = header_message();
  static amdrr::fuzz::MemFile file;
  std::vector<uint8_t> content(data, data + size);
  content.resize((size + 7) & ~size_t{7}, 0);
  file.assign(nullptr, 0);
  if (!amdrr::format::write_raw_frame(file.fd(), header.data(), header.size()) ||
      !amdrr::format::write_raw_frame(file.fd(), content.data(), content.size())) {
    return 0;
  }
  amdrr::fuzz::consume_trace(file.path());
  return 0;
}
