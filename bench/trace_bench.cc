// Trace writer figures, each measured side by side with its comparison in the
// same run (these machines are noisy: ratios, not absolute times, are the
// result). Run with scripts/bench.sh.
//
//   small records  doorbell-sized records per second on the calling thread,
//                  and end to end (until the compressor has written them all)
//   bulk blobs     writer MB/s vs memcpy and vs the zstd -1 command line tool
//                  on the same uncompressed stream
//   dedup          trace bytes added per repeat of identical content
//   packet stream  compressed size of a PM4/SDMA-like stream vs its raw size

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "format/trace_writer.h"

namespace {

using amdrr::format::TraceWriter;
namespace schema = amdrr::schema;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

uint64_t file_size(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

std::unique_ptr<TraceWriter> open_writer(const std::string& path) {
  std::string error;
  auto w = TraceWriter::create(path, nullptr, &error);
  if (!w) {
    std::fprintf(stderr, "bench: %s\n", error.c_str());
    std::exit(1);
  }
  return w;
}

// GPU-buffer-like content that compresses about 3-4x: small integers and
// repeated structures with noise, not a constant fill.
std::vector<uint8_t> compressible(size_t bytes, uint32_t seed) {
  std::vector<uint8_t> out(bytes);
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < bytes; i += 4) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    uint32_t v = static_cast<uint32_t>(i / 64) + (x & 0xff);  // slowly varying + low noise
    std::memcpy(out.data() + i, &v, std::min<size_t>(4, bytes - i));
  }
  return out;
}

void small_records(const std::string& dir) {
  const int n = 2'000'000;
  std::string path = dir + "/small.amdrr";
  auto w = open_writer(path);
  uint32_t packet[16];
  for (int i = 0; i < 16; ++i) packet[i] = 0xC0001000u + static_cast<uint32_t>(i);
  auto start = Clock::now();
  for (int i = 0; i < n; ++i) {
    packet[3] = static_cast<uint32_t>(i);
    w->write([&](schema::Record::Builder r) {
      auto d = r.initDoorbell();
      d.setQueueId(1);
      d.setValue(static_cast<uint64_t>(i) * 64);
      d.setWritePointer(static_cast<uint64_t>(i) * 64);
      auto p = d.initPackets(16);
      for (unsigned k = 0; k < 16; ++k) p.set(k, packet[k]);
    });
  }
  double submit = seconds_since(start);
  w->close();
  double total = seconds_since(start);
  std::printf("small records (16-dword doorbells, %d):\n", n);
  std::printf("  calling thread      %8.2f M records/s   (target >= 2 M/s)\n", n / submit / 1e6);
  std::printf(
      "  end to end          %8.2f M records/s   compressor keeps up: %.0f%% of calling-thread "
      "rate\n",
      n / total / 1e6, 100.0 * submit / total);
  std::printf("  trace size          %8.1f bytes/record\n",
              static_cast<double>(file_size(path)) / n);
}

void bulk_blobs(const std::string& dir) {
  const size_t piece = 64u << 20;
  const int pieces = 6;
  std::vector<std::vector<uint8_t>> data;
  for (int i = 0; i < pieces; ++i) data.push_back(compressible(piece, static_cast<uint32_t>(i)));
  const double mb = static_cast<double>(piece) * pieces / 1e6;

  std::string path = dir + "/bulk.amdrr";
  auto w = open_writer(path);
  auto start = Clock::now();
  for (const auto& d : data) w->put_blob(d);
  w->close();
  double writer_s = seconds_since(start);

  std::vector<uint8_t> sink(piece);
  start = Clock::now();
  for (const auto& d : data) std::memcpy(sink.data(), d.data(), piece);
  double memcpy_s = seconds_since(start);

  // The same uncompressed stream through the zstd command line tool.
  std::string raw = dir + "/bulk.raw";
  std::string cmd = "zstd -dcq '" + path + "' > '" + raw + "'";
  double zstd_s = 0;
  if (std::system(cmd.c_str()) == 0) {
    cmd = "zstd -1 -T1 -qc '" + raw + "' > /dev/null";
    start = Clock::now();
    int rc = std::system(cmd.c_str());
    zstd_s = rc == 0 ? seconds_since(start) : 0;
  }
  std::printf("bulk blobs (%d x 64 MiB, compressible ~%.1fx):\n", pieces,
              static_cast<double>(piece) * pieces / static_cast<double>(file_size(path)));
  std::printf("  writer              %8.0f MB/s   (target >= 500 MB/s)\n", mb / writer_s);
  std::printf("  memcpy              %8.0f MB/s   writer/memcpy = %.2f\n", mb / memcpy_s,
              memcpy_s / writer_s);
  if (zstd_s > 0) {
    std::printf("  zstd -1 -T1 (CLI)   %8.0f MB/s   writer/zstd = %.2f\n", mb / zstd_s,
                zstd_s / writer_s);
  } else {
    std::printf("  zstd -1 (CLI)       not run (zstd not found)\n");
  }
  std::filesystem::remove(raw);
}

void dedup(const std::string& dir) {
  auto content = compressible(8u << 20, 99);
  auto size_with = [&](int repeats) {
    std::string path = dir + "/dedup.amdrr";
    auto w = open_writer(path);
    for (int i = 0; i < repeats; ++i) {
      auto id = w->put_blob(content);
      w->write([&](schema::Record::Builder r) {
        auto m = r.initMemWrite();
        m.setVa(0x7f0000000000ull);
        TraceWriter::set_blob_ref(m.initContent(), id);
      });
    }
    w->close();
    return file_size(path);
  };
  const int n = 1000;
  uint64_t one = size_with(n), two = size_with(2 * n);
  std::printf("dedup (8 MiB buffer re-written):\n");
  std::printf("  per repeat          %8.1f bytes       (target <= 64)\n",
              static_cast<double>(two - one) / n);
}

void packet_stream(const std::string& dir) {
  // A compute/copy loop as a driver submits it: SDMA COPY_LINEAR + FENCE and
  // PM4 SET_SH_REG / DISPATCH_DIRECT / RELEASE_MEM, addresses advancing.
  std::string path = dir + "/packets.amdrr";
  auto w = open_writer(path);
  uint64_t raw = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    uint32_t u = static_cast<uint32_t>(i);
    std::vector<uint32_t> dw;
    if (i % 2 == 0) {
      dw = {0x00000001, 0x000fffff,
            0,          0x10000000 + u * 0x100000,
            0x7f,       0x20000000 + u * 0x100000,
            0x7f,       0x0000000e,
            0x30001000, 0x7f,
            u};
    } else {
      dw = {0xC0027600,
            0x204,
            0x40000000 + u * 0x100,
            0x7f,
            0xC0031500,
            1,
            u % 64 + 1,
            1,
            0x45,
            0xC0064900,
            0x00000514,
            0x20000000,
            0x50000000 + u * 8,
            0x7f,
            u,
            0,
            0};
    }
    raw += dw.size() * 4;
    w->write([&](schema::Record::Builder r) {
      auto d = r.initDoorbell();
      d.setQueueId(static_cast<uint32_t>(i % 2));
      d.setValue(raw);
      d.setWritePointer(raw);
      auto p = d.initPackets(static_cast<unsigned>(dw.size()));
      for (unsigned k = 0; k < dw.size(); ++k) p.set(k, dw[k]);
    });
  }
  w->close();
  uint64_t size = file_size(path);
  std::printf("packet stream (%d doorbells, %.1f MB of packet dwords):\n", n, raw / 1e6);
  std::printf("  trace / raw packets %8.3f           (%.1f bytes of trace per doorbell)\n",
              static_cast<double>(size) / static_cast<double>(raw), static_cast<double>(size) / n);
}

}  // namespace

int main() {
  std::string dir = (std::filesystem::temp_directory_path() / "amdrr-bench").string();
  std::filesystem::create_directories(dir);
  small_records(dir);
  bulk_blobs(dir);
  dedup(dir);
  packet_stream(dir);
  std::filesystem::remove_all(dir);
  return 0;
}
