#include "capture/capture_api.h"

#include "capture/capture_session.h"

namespace amdrr::capture {

bool capturing() {
  CaptureSession* s = active_session();
  return s != nullptr && s->kmd().recording();
}

void annotate(std::string_view label, std::string_view detail) {
  if (CaptureSession* s = active_session()) s->kmd().annotate(label, detail);
}

bool observe(const void* ptr, uint64_t size) {
  CaptureSession* s = active_session();
  return s != nullptr && s->kmd().observe(reinterpret_cast<uint64_t>(ptr), size);
}

}  // namespace amdrr::capture

extern "C" int amdrr_capturing(void) {
  return amdrr::capture::capturing() ? 1 : 0;
}

extern "C" void amdrr_annotate(const char* label, const char* detail) {
  amdrr::capture::annotate(label ? label : "", detail ? detail : "");
}

extern "C" int amdrr_observe(const void* ptr, uint64_t size) {
  return amdrr::capture::observe(ptr, size) ? 1 : 0;
}
