#pragma once
// A driver System on the emulated GPU whose Kmd is a capture session's
// RecordingKmd, in this process: what AMDRR_CAPTURE sets up, without the
// environment.

#include <memory>
#include <string>

#include "capture/capture_session.h"
#include "lib/driver/system.h"
#include "lib/sim/engines/scheduler.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr::capture::testing {

class SimCapture {
 public:
  explicit SimCapture(const std::string& path, bool track_stores = false) {
    sim_ = std::move(sim::SimKfd::create()).value();
    engines_ = std::make_unique<sim::EngineScheduler>(*sim_);
    CaptureOptions options;
    options.path = path;
    options.backend = schema::Backend::SIM;
    options.sim_profile = "gfx942";
    options.track_stores = track_stores;
    options.signal_handlers = track_stores;
    std::string error;
    session_ = CaptureSession::start(*sim_, options, &error);
    if (!session_) throw std::runtime_error(error);
    SystemOptions system_options;
    system_options.backend = Backend::kSim;
    system_ = System::on(session_->kmd(), Backend::kSim, system_options);
  }
  ~SimCapture() { finish(); }

  System& system() { return *system_; }
  CaptureSession& session() { return *session_; }
  /// Destroys the System (its frees are recorded) and closes the trace.
  void finish() {
    system_.reset();
    if (session_) session_->close();
    session_.reset();
  }

 private:
  std::unique_ptr<sim::SimKfd> sim_;
  std::unique_ptr<sim::EngineScheduler> engines_;
  std::unique_ptr<CaptureSession> session_;
  std::unique_ptr<System> system_;
};

}  // namespace amdrr::capture::testing
