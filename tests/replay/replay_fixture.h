#pragma once
// Helpers for replay tests: a capture made in this process on the emulated
// GPU with a chosen seed (so a test knows what it observed), a copy of a
// trace with one record edited, and traces written record by record.

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "capture/capture_session.h"
#include "format/trace_reader.h"
#include "format/trace_writer.h"
#include "lib/driver/system.h"
#include "lib/sim/engines/scheduler.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr::replay::testing {

/// A driver System whose Kmd records into `path`, on an emulated gfx942
/// with `seed`. observe() records a range the way capture's afterWait
/// observations will, with its content, which the test also keeps.
class InProcessCapture {
 public:
  /// `declared_only`: no packet observations and no content in observed
  /// records, so the trace holds exactly the observe() calls (tests that add
  /// contents themselves with copy_trace).
  InProcessCapture(const std::string& path, uint64_t seed, bool declared_only = false);
  ~InProcessCapture() { finish(); }

  System& system() { return *system_; }
  void annotate(const std::string& label) { session_->kmd().annotate(label); }
  /// Records a hash of [va, va + size) and keeps the bytes for add_contents().
  void observe(uint64_t va, uint64_t size);
  /// Bytes of each observe() call, in order.
  const std::vector<std::vector<uint8_t>>& observed() const { return observed_; }
  void finish();

 private:
  std::unique_ptr<sim::SimKfd> sim_;
  std::unique_ptr<sim::EngineScheduler> engines_;
  std::unique_ptr<capture::CaptureSession> session_;
  std::unique_ptr<System> system_;
  std::vector<std::vector<uint8_t>> observed_;
};

/// Called for each record copied; may change `out` after the copy.
using RecordEdit = std::function<void(const format::RecordView& in, schema::Record::Builder out)>;

/// Changes the bytes of one CPU write (a memWrite's content).
using BytesEdit = std::function<void(std::vector<uint8_t>& bytes)>;

/// Copies trace `from` to `to` record by record (blobs re-stored as the
/// records that use them are written), calling `edit` on each. With
/// `contents`, the k-th observed record gets the k-th as its content; with
/// `write_edit`, every memWrite's bytes pass through it first.
void copy_trace(const std::string& from, const std::string& to, const RecordEdit& edit,
                const std::vector<std::vector<uint8_t>>* contents = nullptr,
                const std::function<void(schema::Header::Builder)>& header_edit = {},
                const BytesEdit& write_edit = {});

/// A trace with a gfx942 emulated-GPU header (one GPU, id `gpu_id`) and the
/// records `fill` writes.
void write_trace(const std::string& path, uint32_t gpu_id,
                 const std::function<void(format::TraceWriter&)>& fill);

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  /// Runs build/samples/<sample> with AMDRR_CAPTURE; returns the trace.
  std::string capture_sample(const std::string& sample, const std::string& args = {},
                             const std::string& env = {});

  std::filesystem::path dir_;
};

}  // namespace amdrr::replay::testing
