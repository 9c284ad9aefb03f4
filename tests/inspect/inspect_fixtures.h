#pragma once
// A small trace with known buffers, a PM4 queue, packets hand-built from the
// reference's layouts, an upload, a wait, a free, a write to the freed buffer
// and one to nowhere, and the VM fault that follows.

#include <cstdint>
#include <string>
#include <vector>

namespace amdrr::testing {

inline constexpr uint64_t kRingVa = 0x300000000000;
inline constexpr uint64_t kWptrVa = 0x300000010000;
inline constexpr uint64_t kDataVa = 0x300000020000;
inline constexpr uint64_t kUnmappedVa = 0x500000000000;
inline constexpr uint32_t kGpuId = 0x4000;
inline constexpr uint32_t kQueueId = 3;

struct InspectTraceOptions {
  int flip_packet_dword = -1;  // xor 0x10 into this dword of the first doorbell
  int flip_data_byte = -1;     // xor 0xFF into this byte of the upload
  bool extra_wait = false;     // one more CPU wait before the first doorbell
};

/// The upload's bytes: distinctive, so redaction tests can look for them.
std::vector<uint8_t> secret_bytes();
inline constexpr const char* kSecretArg = "--password=hunter2";
inline constexpr const char* kSecretEnv = "AMDRR_SECRET_TOKEN";

/// Writes the trace; returns the number of records, end included.
uint64_t write_inspect_trace(const std::string& path, const InspectTraceOptions& options = {});

/// The first doorbell's packets: WAIT_REG_MEM on kDataVa+0x40, then
/// RELEASE_MEM to kWptrVa+0x8.
std::vector<uint32_t> first_doorbell_packets();

/// Runs a sample under AMDRR_CAPTURE on the emulated GPU; returns the trace.
std::string capture_sample(const std::string& sample, const std::string& dir);

}  // namespace amdrr::testing
