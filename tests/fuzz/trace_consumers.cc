#include "tests/fuzz/trace_consumers.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <vector>

#include "cli/info_command.h"
#include "format/kmd_records.h"
#include "format/record_visitor.h"
#include "format/trace_reader.h"

namespace amdrr::fuzz {
namespace {

namespace schema = amdrr::schema;
using format::BlobId;

BlobId blob_id(schema::BlobRef::Reader ref) {
  return BlobId{{ref.getHash().getLo(), ref.getHash().getHi()}, ref.getSize()};
}

/// Decodes each Kmd call and reads back each blob a record refers to.
class DeepReader : public format::RecordVisitor {
 public:
  explicit DeepReader(format::TraceReader& reader) : reader_(reader) {}
  void kmd_call(const format::RecordView&, schema::KmdCall::Reader call) override {
    std::string error;
    (void)format::read_kmd_call(call, &error);
  }
  void doorbell(const format::RecordView&, schema::Doorbell::Reader d) override {
    (void)d.getPackets().size();
    read(d.getPacketsBlob());
  }
  void mem_write(const format::RecordView&, schema::MemWrite::Reader w) override {
    read(w.getContent());
  }
  void observed(const format::RecordView&, schema::ObservedMemory::Reader o) override {
    read(o.getContent());
  }
  void code_object(const format::RecordView&, schema::CodeObject::Reader c) override {
    read(c.getElf());
    (void)c.getName();
  }

 private:
  void read(schema::BlobRef::Reader ref) {
    if (ref.getSize() == 0) return;
    std::vector<uint8_t> bytes;
    std::string error;
    // Reading a blob moves the reader's blob cache, not its record cursor.
    (void)reader_.read_blob(blob_id(ref), &bytes, &error);
  }
  format::TraceReader& reader_;
};

}  // namespace

void consume_trace(const std::string& path) {
  std::ostringstream out, err;
  (void)cli::run_info(cli::InfoOptions{path}, out, err);

  // Fuzzing keeps limits small so a claimed huge blob or frame is refused
  // quickly (the defaults are tested elsewhere).
  format::ReadLimits limits;
  limits.max_frame_content = 8u << 20;
  limits.max_blob_bytes = 8u << 20;
  limits.max_kept_frame_bytes = 16u << 20;  // as replay: the second pass reads kept frames
  std::string error;
  auto reader = format::TraceReader::open(path, &error, limits);
  if (!reader) return;
  DeepReader deep(*reader);
  const uint64_t records = format::dispatch(*reader, {&deep});
  (void)reader->end_message();
  (void)reader->seek(records / 2);
  (void)reader->next();
  // Again from the start, through the frames kept unchecked this time.
  if (reader->seek(0)) {
    DeepReader again(*reader);
    (void)format::dispatch(*reader, {&again});
  }
}

MemFile::MemFile() {
  fd_ = memfd_create("amdrr-fuzz", MFD_CLOEXEC);
  if (fd_ < 0) std::abort();
  path_ = "/proc/self/fd/" + std::to_string(fd_);
}

MemFile::~MemFile() {
  close(fd_);
}

void MemFile::assign(const void* data, size_t size) {
  if (ftruncate(fd_, 0) != 0 || lseek(fd_, 0, SEEK_SET) != 0) std::abort();
  const auto* p = static_cast<const uint8_t*>(data);
  while (size > 0) {
    ssize_t n = write(fd_, p, size);
    if (n <= 0) std::abort();
    p += n;
    size -= static_cast<size_t>(n);
  }
}

}  // namespace amdrr::fuzz
