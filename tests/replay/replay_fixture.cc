#include "tests/replay/replay_fixture.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>

namespace amdrr::replay::testing {

namespace fs = std::filesystem;

InProcessCapture::InProcessCapture(const std::string& path, uint64_t seed, bool declared_only) {
  sim_ = std::move(sim::SimKfd::create()).value();
  sim::EngineOptions engine_options;
  engine_options.seed = seed;
  engines_ = std::make_unique<sim::EngineScheduler>(*sim_, engine_options);
  capture::CaptureOptions options;
  options.path = path;
  options.backend = schema::Backend::SIM;
  options.sim_profile = "gfx942";
  options.sim_seed = seed;
  options.track_stores = false;
  options.signal_handlers = false;
  if (declared_only) {
    options.observe_packets = false;
    options.observe_content_max = 0;
  }
  std::string error;
  session_ = capture::CaptureSession::start(*sim_, options, &error);
  if (!session_) throw std::runtime_error(error);
  SystemOptions system_options;
  system_options.backend = Backend::kSim;
  system_ = System::on(session_->kmd(), Backend::kSim, system_options);
}

void InProcessCapture::observe(uint64_t va, uint64_t size) {
  ASSERT_TRUE(session_->kmd().observe(va, size));
  const auto* p = reinterpret_cast<const uint8_t*>(va);
  observed_.emplace_back(p, p + size);
}

void InProcessCapture::finish() {
  system_.reset();
  if (session_) session_->close();
  session_.reset();
  engines_.reset();
  sim_.reset();
}

namespace {

// Re-stores the blob `ref` names in `writer`: the same content and
// reference, or `edit`ed content under the id returned.
std::optional<format::BlobId> restore_blob(format::TraceReader& reader, format::TraceWriter& writer,
                                           schema::BlobRef::Reader ref,
                                           const BytesEdit& edit = {}) {
  if (ref.getSize() == 0) return std::nullopt;
  format::BlobId id;
  id.hash = {ref.getHash().getLo(), ref.getHash().getHi()};
  id.size = ref.getSize();
  std::vector<uint8_t> bytes;
  std::string error;
  EXPECT_TRUE(reader.read_blob(id, &bytes, &error)) << error;
  if (edit) edit(bytes);
  return writer.put_blob(bytes);
}

void copy_record(schema::Record::Reader in, schema::Record::Builder out) {
  switch (in.which()) {
    case schema::Record::KMD_CALL:
      return out.setKmdCall(in.getKmdCall());
    case schema::Record::DOORBELL:
      return out.setDoorbell(in.getDoorbell());
    case schema::Record::MEM_WRITE:
      return out.setMemWrite(in.getMemWrite());
    case schema::Record::WAIT_RESULT:
      return out.setWaitResult(in.getWaitResult());
    case schema::Record::OBSERVED:
      return out.setObserved(in.getObserved());
    case schema::Record::CODE_OBJECT:
      return out.setCodeObject(in.getCodeObject());
    case schema::Record::ANNOTATION:
      return out.setAnnotation(in.getAnnotation());
    case schema::Record::GPU_ERROR:
      return out.setGpuError(in.getGpuError());
    default:
      FAIL() << "copy_record: unexpected kind";
  }
}

}  // namespace

void copy_trace(const std::string& from, const std::string& to, const RecordEdit& edit,
                const std::vector<std::vector<uint8_t>>* contents,
                const std::function<void(schema::Header::Builder)>& header_edit,
                const BytesEdit& write_edit) {
  size_t observed = 0;
  std::string error;
  auto reader = format::TraceReader::open(from, &error);
  ASSERT_TRUE(reader) << error;
  auto h = reader->header();
  auto writer = format::TraceWriter::create(
      to,
      [&](schema::Header::Builder out) {
        out.setBackend(h.getBackend());
        out.setSimSeed(h.getSimSeed());
        out.setSimProfile(h.getSimProfile());
        out.setGpus(h.getGpus());
        out.setSimThreaded(h.getSimThreaded());
        if (header_edit) header_edit(out);
      },
      &error);
  ASSERT_TRUE(writer) << error;
  while (auto view = reader->next()) {
    auto r = view->record;
    const auto which = r.which();
    if (which == schema::Record::HEADER || which == schema::Record::END ||
        which == schema::Record::BLOB) {
      continue;
    }
    if (which == schema::Record::DOORBELL)
      restore_blob(*reader, *writer, r.getDoorbell().getPacketsBlob());
    std::optional<format::BlobId> written;
    if (which == schema::Record::MEM_WRITE)
      written = restore_blob(*reader, *writer, r.getMemWrite().getContent(), write_edit);
    if (which == schema::Record::OBSERVED)
      restore_blob(*reader, *writer, r.getObserved().getContent());
    if (which == schema::Record::CODE_OBJECT)
      restore_blob(*reader, *writer, r.getCodeObject().getElf());
    std::optional<format::BlobId> content;
    if (which == schema::Record::OBSERVED && contents && observed < contents->size()) {
      content = writer->put_blob((*contents)[observed++]);
    }
    writer->write([&](schema::Record::Builder out) {
      copy_record(r, out);
      if (content) format::TraceWriter::set_blob_ref(out.getObserved().initContent(), *content);
      if (written && write_edit) {
        format::TraceWriter::set_blob_ref(out.getMemWrite().initContent(), *written);
      }
      if (edit) edit(*view, out);
    });
  }
  ASSERT_NE(reader->end(), format::TraceEnd::kCorrupt) << reader->end_message();
  ASSERT_TRUE(writer->close());
}

void write_trace(const std::string& path, uint32_t gpu_id,
                 const std::function<void(format::TraceWriter&)>& fill) {
  std::string error;
  auto writer = format::TraceWriter::create(
      path,
      [&](schema::Header::Builder h) {
        h.setBackend(schema::Backend::SIM);
        h.setSimProfile("gfx942");
        auto gpus = h.initGpus(1);
        gpus[0].setGpuId(gpu_id);
        gpus[0].setGfxTarget("gfx942");
      },
      &error);
  ASSERT_TRUE(writer) << error;
  fill(*writer);
  ASSERT_TRUE(writer->close());
}

void ReplayTest::SetUp() {
  dir_ =
      fs::temp_directory_path() / ("amdrr_replay_test_" + std::to_string(::getpid()) + "_" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::create_directories(dir_);
}

void ReplayTest::TearDown() {
  fs::remove_all(dir_);
}

std::string ReplayTest::capture_sample(const std::string& sample, const std::string& args,
                                       const std::string& env) {
  std::string trace = path(sample + ".amdrr");
  std::string cmd = "env AMDRR_BACKEND=sim AMDRR_CAPTURE=" + trace + " " + env + " " +
                    AMDRR_SAMPLES_DIR "/" + sample + " " + args + " >/dev/null 2>&1";
  (void)std::system(cmd.c_str());
  EXPECT_TRUE(fs::exists(trace)) << cmd;
  return trace;
}

}  // namespace amdrr::replay::testing
