#include "format/trace_reader.h"

#include <fcntl.h>
#include <kj/exception.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>

#include "format/schema_check.h"
#include "format/zstd_frames.h"

namespace amdrr::format {
namespace {

std::string at(uint64_t offset) {
  return "byte " + std::to_string(offset);
}

capnp::ReaderOptions reader_options(size_t words, const ReadLimits& limits) {
  capnp::ReaderOptions options;
  // Each word may be visited a few times (full validation, then the tool);
  // more than that means pointers aliasing each other, a hostile message.
  options.traversalLimitInWords = words * 8 + 1024;
  options.nestingLimit = limits.nesting_limit;
  return options;
}

}  // namespace

const char* trace_end_name(TraceEnd end) {
  switch (end) {
    case TraceEnd::kReading:
      return "reading";
    case TraceEnd::kClean:
      return "ended cleanly";
    case TraceEnd::kCutShort:
      return "cut short";
    case TraceEnd::kCorrupt:
      return "corrupt";
  }
  return "?";
}

std::unique_ptr<TraceReader> TraceReader::open(const std::string& path, std::string* error,
                                               const ReadLimits& limits) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return nullptr;
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    *error = path + " is not a regular file";
    ::close(fd);
    return nullptr;
  }
  if (st.st_size == 0) {
    *error = path + " is empty: not an amdrr trace";
    ::close(fd);
    return nullptr;
  }
  void* map = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) {
    *error = "cannot map " + path + ": " + std::strerror(errno);
    return nullptr;
  }
  std::span<const uint8_t> file(static_cast<const uint8_t*>(map), static_cast<size_t>(st.st_size));
  std::unique_ptr<TraceReader> reader(new TraceReader(file, limits));

  auto first = reader->next();
  if (!first) {
    *error = path + ": no header record (" + std::string(trace_end_name(reader->end())) +
             (reader->end_message().empty() ? "" : ": " + reader->end_message()) + ")";
    if (reader->end() == TraceEnd::kCorrupt && reader->end_offset() == 0) {
      *error = path + " is not an amdrr trace (" + reader->end_message() + ")";
    }
    return nullptr;
  }
  if (first->record.which() != schema::Record::HEADER) {
    *error = path + ": the first record is not a header: not an amdrr trace";
    return nullptr;
  }
  auto header = first->record.getHeader();
  if (header.getFormatMajor() > schema::FORMAT_MAJOR) {
    *error = path + ": trace format " + std::to_string(header.getFormatMajor()) + "." +
             std::to_string(header.getFormatMinor()) + " is newer than this amdrr reads (" +
             std::to_string(schema::FORMAT_MAJOR) + ".x, up to " +
             std::to_string(schema::FORMAT_MAJOR) + "." + std::to_string(schema::FORMAT_MINOR) +
             "): use a newer amdrr";
    return nullptr;
  }
  reader->header_message_ = std::make_unique<capnp::MallocMessageBuilder>();
  reader->header_message_->setRoot(header);
  reader->load_index();
  reader->reset();
  return reader;
}

TraceReader::TraceReader(std::span<const uint8_t> file, const ReadLimits& limits)
    : file_(file), limits_(limits) {}

TraceReader::~TraceReader() {
  message_.reset();
  munmap(const_cast<uint8_t*>(file_.data()), file_.size());
}

void TraceReader::reset() {
  message_.reset();
  words_ = &content_;
  words_checked_ = false;
  pos_ = 0;
  content_size_ = content_pos_ = 0;
  next_record_ = 0;
  seen_end_ = false;
  end_ = TraceEnd::kReading;
  end_message_.clear();
  end_offset_ = 0;
  frames_.clear();
}

void TraceReader::stop(TraceEnd end, uint64_t offset, std::string message) {
  message_.reset();
  end_ = end;
  end_offset_ = offset;
  end_message_ = std::move(message);
}

bool TraceReader::decompress(uint64_t offset, uint64_t size, uint64_t content_size,
                             std::vector<capnp::word>* out, std::string* error) {
  if (content_size > limits_.max_frame_content) {
    *error = "frame at " + at(offset) + " claims " + std::to_string(content_size) +
             " bytes of content, over the limit of " + std::to_string(limits_.max_frame_content);
    return false;
  }
  if (content_size % sizeof(capnp::word) != 0) {
    *error = "frame at " + at(offset) + " holds a partial message";
    return false;
  }
  ++frames_decompressed_;
  std::vector<capnp::word>(content_size / sizeof(capnp::word)).swap(*out);  // word is not copyable
  size_t got = ZSTD_decompress(out->data(), content_size, file_.data() + offset, size);
  if (ZSTD_isError(got) || got != content_size) {
    *error = "frame at " + at(offset) + " is damaged (" +
             (ZSTD_isError(got) ? ZSTD_getErrorName(got) : "wrong content size") + ")";
    return false;
  }
  return true;
}

void TraceReader::keep_finished_frame() {
  // Read to its end without an error: every record in it was checked.
  if (words_checked_ || frames_.empty() || content_size_ == 0 || content_pos_ != content_size_) {
    return;
  }
  const uint64_t bytes = content_.size() * sizeof(capnp::word);
  if (checked_frame_bytes_ + bytes > limits_.max_kept_frame_bytes) return;
  const FrameInfo& frame = frames_.back();
  // Frames that barely compress (bulk uploads, stored as raw blocks)
  // decompress at memcpy speed: keeping them would cost more in fresh pages
  // than it saves.
  if (frame.compressed_size * 2 > bytes) return;
  // The vector's buffer moves with it: a RecordView still points into it.
  const auto [it, fresh] = checked_frames_.try_emplace(
      frame.offset, KeptFrame{frame.compressed_size, std::move(content_)});
  if (!fresh) return;
  checked_frame_bytes_ += bytes;
  words_ = &it->second.words;
  words_checked_ = true;
}

bool TraceReader::advance_frame() {
  keep_finished_frame();
  for (;;) {
    if (pos_ >= file_.size()) {
      if (seen_end_) {
        stop(TraceEnd::kClean, pos_, "");
      } else {
        stop(TraceEnd::kCutShort, pos_,
             "the trace stops after record " + std::to_string(next_record_ - 1) + " at " +
                 at(pos_) + " without an end record: the writer did not close it (crash or kill)");
      }
      return false;
    }
    if (auto kept = checked_frames_.find(pos_); kept != checked_frames_.end() && !seen_end_) {
      // Read through before: not even its frame header is read again.
      words_ = &kept->second.words;
      words_checked_ = true;
      content_size_ = words_->size() * sizeof(capnp::word);
      frames_.push_back(
          FrameInfo{pos_, kept->second.compressed_size, content_size_, next_record_, 0});
      content_pos_ = 0;
      pos_ += kept->second.compressed_size;
      return true;
    }
    FrameProbe probe = probe_frame(file_.subspan(pos_));
    switch (probe.kind) {
      case FrameProbe::Kind::kTruncated:
        if (seen_end_) {
          // Only the index (optional) was cut off: every record is here.
          stop(TraceEnd::kClean, pos_, "the frame index at " + at(pos_) + " is incomplete");
          return false;
        }
        stop(TraceEnd::kCutShort, pos_,
             "the frame at " + at(pos_) + " is incomplete: the file ends at " + at(file_.size()) +
                 " (cut off while writing?)");
        return false;
      case FrameProbe::Kind::kInvalid:
        stop(TraceEnd::kCorrupt, pos_, at(pos_) + ": " + probe.error);
        return false;
      case FrameProbe::Kind::kSkippable:
        pos_ += probe.size;  // the index, the footer, or someone else's metadata
        continue;
      case FrameProbe::Kind::kZstd:
        break;
    }
    if (seen_end_) {
      stop(TraceEnd::kCorrupt, pos_, at(pos_) + ": records after the end record");
      return false;
    }
    std::string error;
    if (!decompress(pos_, probe.size, probe.content_size, &content_, &error)) {
      stop(TraceEnd::kCorrupt, pos_, error);
      return false;
    }
    words_ = &content_;
    words_checked_ = false;
    frames_.push_back(FrameInfo{pos_, probe.size, probe.content_size, next_record_, 0});
    content_size_ = probe.content_size;
    content_pos_ = 0;
    pos_ += probe.size;
    if (content_size_ > 0) return true;
  }
}

std::optional<RecordView> TraceReader::next() {
  if (end_ != TraceEnd::kReading) return std::nullopt;
  if (content_pos_ >= content_size_ && !advance_frame()) return std::nullopt;

  const FrameInfo& frame = frames_.back();
  size_t word_pos = content_pos_ / sizeof(capnp::word);
  kj::ArrayPtr<const capnp::word> rest(words_->data() + word_pos, words_->size() - word_pos);
  RecordView view;
  try {
    message_.reset();
    message_.emplace(rest, reader_options(rest.size(), limits_));
    view.record = message_->getRoot<schema::Record>();
    if (!words_checked_) {
      view.record.totalSize();            // traverses every pointer: bounds-checks the whole record
      check_against_schema(view.record);  // and each pointer has its field's kind
    }
    view.bytes = static_cast<uint64_t>(message_->getEnd() - rest.begin()) * sizeof(capnp::word);
  } catch (const kj::Exception& e) {
    stop(TraceEnd::kCorrupt, frame.offset,
         "record " + std::to_string(next_record_) + " (frame at " + at(frame.offset) + ", offset " +
             std::to_string(content_pos_) + " in it) is malformed: " + e.getDescription().cStr());
    return std::nullopt;
  }
  view.number = next_record_++;
  view.frame = frames_.size() - 1;
  view.offset_in_frame = content_pos_;
  content_pos_ += view.bytes;
  frames_.back().records++;

  auto which = view.record.which();
  if (view.number == 0 && which != schema::Record::HEADER) {
    stop(TraceEnd::kCorrupt, 0, "the first record is not a header");
    return std::nullopt;
  }
  if (view.number > 0 && which == schema::Record::HEADER) {
    stop(TraceEnd::kCorrupt, frame.offset,
         "record " + std::to_string(view.number) + " is a second header");
    return std::nullopt;
  }
  if (seen_end_) {
    stop(TraceEnd::kCorrupt, frame.offset, "records after the end record");
    return std::nullopt;
  }
  if (which == schema::Record::END) seen_end_ = true;
  if (which == schema::Record::BLOB) {
    auto hash = view.record.getBlob().getHash();
    blobs_.try_emplace(Hash128{hash.getLo(), hash.getHi()},
                       BlobPlace{frame.offset, view.offset_in_frame});
  }
  return view;
}

std::optional<RecordView> TraceReader::seek(uint64_t number) {
  const FrameInfo* target = nullptr;
  if (has_index_) {
    for (const FrameInfo& f : index_frames_) {
      if (number >= f.first_record && number < f.first_record + f.records) target = &f;
    }
  }
  if (target != nullptr && (number < next_record_ || target->first_record > next_record_)) {
    // Jump straight to the frame that holds the record.
    reset();
    if (auto kept = checked_frames_.find(target->offset); kept != checked_frames_.end()) {
      words_ = &kept->second.words;
      words_checked_ = true;
    } else {
      std::string error;
      if (!decompress(target->offset, target->compressed_size, target->content_size, &content_,
                      &error)) {
        stop(TraceEnd::kCorrupt, target->offset, error);
        return std::nullopt;
      }
    }
    // The content as read, which a kept frame holds whatever the index says.
    content_size_ = words_->size() * sizeof(capnp::word);
    frames_.push_back(
        FrameInfo{target->offset, target->compressed_size, content_size_, target->first_record, 0});
    pos_ = target->offset + target->compressed_size;
    next_record_ = target->first_record;
  } else if (number < next_record_) {
    reset();
  }
  while (next_record_ < number) {
    if (!next()) return std::nullopt;
  }
  return next();
}

bool TraceReader::load_index() {
  uint64_t index_offset = 0;
  if (!read_footer(file_, &index_offset)) return false;
  if (index_offset + 8 > file_.size()) return false;
  FrameProbe probe = probe_frame(file_.subspan(index_offset));
  if (probe.kind != FrameProbe::Kind::kSkippable || probe.magic != kIndexMagic) return false;
  uint64_t payload = probe.size - 8;
  if (payload % sizeof(capnp::word) != 0 || payload == 0) return false;
  std::vector<capnp::word> words(payload / sizeof(capnp::word));
  std::memcpy(words.data(), file_.data() + index_offset + 8, payload);
  std::vector<FrameInfo> frames;
  std::unordered_map<Hash128, BlobPlace, Hash128Hasher> blobs;
  try {
    capnp::FlatArrayMessageReader message({words.data(), words.size()},
                                          reader_options(words.size(), limits_));
    auto index = message.getRoot<schema::TraceIndex>();
    uint64_t expect_offset = 0, expect_record = 0;
    for (auto f : index.getFrames()) {
      // An index that disagrees with the file is ignored, never trusted.
      if (f.getOffset() < expect_offset || f.getFirstRecord() != expect_record) return false;
      if (f.getOffset() + f.getCompressedSize() > index_offset) return false;
      frames.push_back(FrameInfo{f.getOffset(), f.getCompressedSize(), f.getContentSize(),
                                 f.getFirstRecord(), f.getRecords()});
      expect_offset = f.getOffset() + f.getCompressedSize();
      expect_record = f.getFirstRecord() + f.getRecords();
    }
    for (auto b : index.getBlobs()) {
      if (b.getFrame() >= frames.size()) return false;
      blobs.try_emplace(Hash128{b.getHash().getLo(), b.getHash().getHi()},
                        BlobPlace{frames[b.getFrame()].offset, b.getOffsetInFrame()});
    }
  } catch (const kj::Exception&) {
    return false;
  }
  index_frames_ = std::move(frames);
  blobs_ = std::move(blobs);
  has_index_ = true;
  return true;
}

bool TraceReader::read_blob(const BlobId& id, std::vector<uint8_t>* out, std::string* error) {
  out->clear();
  if (id.size == 0) return true;
  if (id.size > limits_.max_blob_bytes) {
    *error = "blob of " + std::to_string(id.size) + " bytes is over the limit of " +
             std::to_string(limits_.max_blob_bytes);
    return false;
  }
  if (!read_blob_record(id.hash, out, 0, error)) return false;
  if (out->size() != id.size || hash128(*out) != id.hash) {
    *error = "blob content does not match its reference (damaged trace)";
    out->clear();
    return false;
  }
  return true;
}

bool TraceReader::read_blob_record(const Hash128& hash, std::vector<uint8_t>* out, size_t depth,
                                   std::string* error) {
  auto place = blobs_.find(hash);
  if (place == blobs_.end()) {
    *error = "blob not found in the trace (referenced before it was stored, or lost)";
    return false;
  }
  const std::vector<capnp::word>* words = &blob_cache_;
  if (auto kept = checked_frames_.find(place->second.frame_offset); kept != checked_frames_.end()) {
    words = &kept->second.words;  // read through before: no need to decompress it again
  } else if (blob_cache_offset_ != place->second.frame_offset) {
    blob_cache_offset_ = UINT64_MAX;
    FrameProbe probe = probe_frame(file_.subspan(place->second.frame_offset));
    if (probe.kind != FrameProbe::Kind::kZstd) {
      *error = "blob frame at " + at(place->second.frame_offset) + " is unreadable";
      return false;
    }
    if (!decompress(place->second.frame_offset, probe.size, probe.content_size, &blob_cache_,
                    error)) {
      return false;
    }
    blob_cache_offset_ = place->second.frame_offset;
  }
  uint64_t off = place->second.offset_in_frame;
  if (off % sizeof(capnp::word) != 0 || off >= words->size() * sizeof(capnp::word)) {
    *error = "blob location outside its frame";
    return false;
  }
  size_t word = off / sizeof(capnp::word);
  kj::ArrayPtr<const capnp::word> rest(words->data() + word, words->size() - word);
  try {
    capnp::FlatArrayMessageReader message(rest, reader_options(rest.size(), limits_));
    auto record = message.getRoot<schema::Record>();
    if (record.which() != schema::Record::BLOB) {
      *error = "blob location does not hold a blob";
      return false;
    }
    auto blob = record.getBlob();
    if (blob.getHash().getLo() != hash.lo || blob.getHash().getHi() != hash.hi) {
      *error = "blob location holds another blob";
      return false;
    }
    if (blob.isData()) {
      auto data = blob.getData();
      if (out->size() + data.size() > limits_.max_blob_bytes) {
        *error = "blob over the size limit";
        return false;
      }
      out->insert(out->end(), data.begin(), data.end());
      return true;
    }
    if (depth > 0) {
      *error = "blob chunks nest (hostile or damaged trace)";
      return false;
    }
    // Copy the chunk list out: resolving a chunk may replace the cached frame.
    std::vector<Hash128> chunks;
    for (auto c : blob.getChunks())
      chunks.push_back(Hash128{c.getHash().getLo(), c.getHash().getHi()});
    for (const Hash128& c : chunks) {
      if (!read_blob_record(c, out, depth + 1, error)) return false;
    }
    return true;
  } catch (const kj::Exception& e) {
    *error = std::string("blob record is malformed: ") + e.getDescription().cStr();
    return false;
  }
}

}  // namespace amdrr::format
