#include "format/trace_writer.h"

#include <capnp/serialize.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

#include "amdrr_version.h"
#include "format/small_records.h"
#include "format/zstd_frames.h"
#include "lib/base/check.h"

namespace amdrr::format {
namespace {

std::atomic<uint64_t> next_writer_id{1};

// Each thread remembers its number in the last writer it wrote to, so the
// common case (one writer) costs no lookup.
thread_local uint64_t cached_writer = 0;
thread_local uint32_t cached_thread = 0;

size_t round_up_words(size_t bytes) {
  return (bytes + 7) & ~size_t{7};
}

}  // namespace

std::unique_ptr<TraceWriter> TraceWriter::create(const std::string& path, const HeaderFill& fill,
                                                 std::string* error, const WriterOptions& options) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = "cannot create " + path + ": " + std::strerror(errno);
    return nullptr;
  }
  std::unique_ptr<TraceWriter> writer(new TraceWriter(fd, options));
  writer->write([&](schema::Record::Builder record) {
    auto header = record.initHeader();
    header.setFormatMajor(schema::FORMAT_MAJOR);
    header.setFormatMinor(schema::FORMAT_MINOR);
    header.setToolVersion(AMDRR_VERSION_STRING);
    header.setCreatedUnixNs(
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count()));
    if (fill) fill(header);
  });
  // The header gets a frame of its own, so it survives whatever comes next.
  writer->flush();
  return writer;
}

TraceWriter::TraceWriter(int fd, const WriterOptions& options)
    : fd_(fd), frame_bytes_(options.frame_bytes), writer_id_(next_writer_id.fetch_add(1)) {
  PipelineOptions pipeline;
  pipeline.slots = options.slots;
  pipeline.zstd_level = options.zstd_level;
  pipeline.workers = options.workers;
  // A slot holds a full frame plus the largest record (a blob chunk).
  pipeline.slot_bytes = round_up_words(frame_bytes_ + kBlobChunkBytes + 2 * kSmallRecordBytes);
  pipeline_ = std::make_unique<FramePipeline>(fd, 0, pipeline);
}

TraceWriter::~TraceWriter() {
  close();
}

namespace {

// initHash, not getHash twice: each get walks the pointer again.
void set_hash(schema::Hash128::Builder to, const Hash128& from) {
  to.setLo(from.lo);
  to.setHi(from.hi);
}

}  // namespace

kj::ArrayPtr<capnp::word> TraceWriter::reserve(size_t bytes) {
  size_t used = pipeline_->fill_size();
  if (used > 0 && pipeline_->capacity() - used < bytes + 8) seal_locked();
  used = pipeline_->fill_size();
  uint8_t* start = pipeline_->fill_data() + used + 8;  // 8: the stream framing header
  size_t words = (pipeline_->capacity() - used - 8) / sizeof(capnp::word);
  return {reinterpret_cast<capnp::word*>(start), words};
}

uint8_t* TraceWriter::reserve_bytes(size_t bytes) {
  AMDRR_REQUIRE(bytes <= pipeline_->capacity(), "trace record larger than a frame slot");
  if (pipeline_->capacity() - pipeline_->fill_size() < bytes) seal_locked();
  return pipeline_->fill_data() + pipeline_->fill_size();
}

uint64_t TraceWriter::finish_bytes(size_t bytes) {
  last_record_offset_ = pipeline_->fill_size();
  return counted(last_record_offset_ + bytes);
}

TraceWriter::Stamp TraceWriter::stamp_values() {
  const uint64_t now = clock_.now_ns();
  if (cached_writer != writer_id_) {
    auto [it, inserted] =
        threads_.try_emplace(std::this_thread::get_id(), static_cast<uint32_t>(threads_.size()));
    cached_writer = writer_id_;
    cached_thread = it->second;
  }
  return {now, cached_thread};
}

void TraceWriter::stamp(schema::Record::Builder record) {
  const Stamp s = stamp_values();
  record.setTimeNs(s.time_ns);
  record.setThread(s.thread);
}

uint64_t TraceWriter::finish(SlotMessageBuilder& message, const Hash128* blob) {
  size_t used = pipeline_->fill_size();
  uint8_t* base = pipeline_->fill_data();
  auto segments = message.getSegmentsForOutput();
  if (message.in_lent_space() && segments.size() == 1) {
    // Standard stream framing for one segment: (count - 1), size in words.
    uint32_t header[2] = {0, static_cast<uint32_t>(segments[0].size())};
    std::memcpy(base + used, header, sizeof(header));
    last_record_offset_ = used;
    used += sizeof(header) + segments[0].asBytes().size();
  } else {
    // Rare: the record outgrew the space lent to it. Copy it out, restore the
    // zeroes it left in the slot, and append the flat copy.
    kj::Array<capnp::word> flat = capnp::messageToFlatArray(message);
    if (message.getSegmentsForOutput().size() > 0 && message.in_lent_space() == false) {
      auto first = segments[0].asBytes();
      if (first.begin() == base + used + 8) std::memset(base + used + 8, 0, first.size());
    }
    size_t bytes = flat.asBytes().size();
    AMDRR_REQUIRE(bytes + 8 <= pipeline_->capacity(), "trace record larger than a frame slot");
    if (pipeline_->capacity() - used < bytes) {
      seal_locked();
      used = pipeline_->fill_size();
      base = pipeline_->fill_data();
    }
    std::memcpy(base + used, flat.asBytes().begin(), bytes);
    last_record_offset_ = used;
    used += bytes;
  }
  // Before a possible seal: the blob belongs to this frame's index entry.
  if (blob != nullptr) meta_.blobs.push_back(BlobAt{*blob, last_record_offset_});
  return counted(used);
}

uint64_t TraceWriter::counted(size_t used) {
  pipeline_->commit(used);
  meta_.records++;
  uint64_t number = records_++;
  if (used >= frame_bytes_) seal_locked();
  return number;
}

void TraceWriter::seal_locked() {
  if (pipeline_->fill_size() == 0) return;
  FrameMeta next;
  next.first_record = records_;
  last_sealed_ = pipeline_->seal(std::exchange(meta_, std::move(next)));
}

BlobId TraceWriter::put_blob(std::span<const uint8_t> bytes) {
  BlobId id{hash128(bytes), bytes.size()};
  if (bytes.empty()) return BlobId{};
  std::lock_guard lock(mutex_);
  logical_blob_bytes_ += bytes.size();
  if (stored_.contains(id.hash)) return id;
  if (bytes.size() <= kBlobChunkBytes) {
    write_blob_record(id.hash, bytes);
  } else {
    std::vector<BlobId> chunks;
    for (size_t at = 0; at < bytes.size(); at += kBlobChunkBytes) {
      auto chunk = bytes.subspan(at, std::min(kBlobChunkBytes, bytes.size() - at));
      BlobId c{hash128(chunk), chunk.size()};
      if (!stored_.contains(c.hash)) {
        write_blob_record(c.hash, chunk);
        stored_.insert(c.hash);
      }
      chunks.push_back(c);
    }
    auto write_list = [&](schema::Record::Builder record) {
      auto blob = record.initBlob();
      set_hash(blob.initHash(), id.hash);
      blob.setSize(id.size);
      auto list = blob.initChunks(static_cast<unsigned>(chunks.size()));
      for (size_t i = 0; i < chunks.size(); ++i)
        set_blob_ref(list[static_cast<unsigned>(i)], chunks[i]);
    };
    SlotMessageBuilder message(reserve(kSmallRecordBytes));
    auto record = message.initRoot<schema::Record>();
    stamp(record);
    write_list(record);
    finish(message, &id.hash);
  }
  stored_.insert(id.hash);
  return id;
}

void TraceWriter::write_blob_record(const Hash128& hash, std::span<const uint8_t> bytes) {
  // Laid out by hand (format/small_records): capture writes one per wait.
  const size_t size = blob_record_bytes(bytes.size());
  uint8_t* at = reserve_bytes(size);
  const Stamp s = stamp_values();
  encode_blob(at, s.time_ns, s.thread, hash, bytes);
  // Before a possible seal: the blob belongs to this frame's index entry.
  meta_.blobs.push_back(BlobAt{hash, pipeline_->fill_size()});
  finish_bytes(size);
  stored_blob_bytes_ += bytes.size();
}

void TraceWriter::set_blob_ref(schema::BlobRef::Builder ref, const BlobId& id) {
  set_hash(ref.initHash(), id.hash);
  ref.setSize(id.size);
}

void TraceWriter::flush() {
  uint64_t sealed;
  {
    std::lock_guard lock(mutex_);
    seal_locked();
    sealed = last_sealed_;
  }
  if (sealed != UINT64_MAX) pipeline_->wait_written(sealed);
}

bool TraceWriter::close(schema::EndReason reason) {
  if (closed_) return close_error_.empty();
  {
    std::lock_guard lock(mutex_);
    uint64_t records = records_;
    write_locked([&](schema::Record::Builder record) {
      auto end = record.initEnd();
      end.setRecords(records);
      end.setLogicalBlobBytes(logical_blob_bytes_);
      end.setStoredBlobBytes(stored_blob_bytes_);
      end.setReason(reason);
    });
    seal_locked();
  }
  pipeline_->finish();
  close_error_ = pipeline_->error();
  if (close_error_.empty()) write_index();
  if (::close(fd_) != 0 && close_error_.empty()) {
    close_error_ = std::string("cannot close the trace: ") + std::strerror(errno);
  }
  closed_ = true;
  return close_error_.empty();
}

void TraceWriter::write_index() {
  const auto& frames = pipeline_->frames();
  capnp::MallocMessageBuilder message;
  auto index = message.initRoot<schema::TraceIndex>();
  auto list = index.initFrames(static_cast<unsigned>(frames.size()));
  size_t blob_count = 0;
  for (size_t i = 0; i < frames.size(); ++i) {
    auto e = list[static_cast<unsigned>(i)];
    e.setOffset(frames[i].offset);
    e.setCompressedSize(frames[i].compressed_size);
    e.setContentSize(frames[i].content_size);
    e.setFirstRecord(frames[i].meta.first_record);
    e.setRecords(frames[i].meta.records);
    blob_count += frames[i].meta.blobs.size();
  }
  auto blobs = index.initBlobs(static_cast<unsigned>(blob_count));
  unsigned n = 0;
  for (size_t i = 0; i < frames.size(); ++i) {
    for (const BlobAt& at : frames[i].meta.blobs) {
      auto b = blobs[n++];
      set_hash(b.initHash(), at.hash);
      b.setFrame(static_cast<uint32_t>(i));
      b.setOffsetInFrame(at.offset_in_frame);
    }
  }
  kj::Array<capnp::word> flat = capnp::messageToFlatArray(message);
  auto bytes = flat.asBytes();
  std::vector<uint8_t> frame = make_skippable_frame(kIndexMagic, {bytes.begin(), bytes.size()});
  std::vector<uint8_t> footer = make_footer(pipeline_->end_offset());
  frame.insert(frame.end(), footer.begin(), footer.end());
  const uint8_t* p = frame.data();
  size_t left = frame.size();
  while (left > 0) {
    ssize_t w = ::write(fd_, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      close_error_ = std::string("cannot write the trace index: ") + std::strerror(errno);
      return;
    }
    p += w;
    left -= static_cast<size_t>(w);
  }
}

std::string TraceWriter::error() const {
  if (!close_error_.empty()) return close_error_;
  return pipeline_->error();
}

WriterStats TraceWriter::stats() const {
  std::lock_guard lock(mutex_);
  return WriterStats{records_, logical_blob_bytes_, stored_blob_bytes_, pipeline_->bytes_in(),
                     pipeline_->bytes_out()};
}

}  // namespace amdrr::format
