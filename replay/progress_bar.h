#pragma once
// A one-line progress bar for long replays, redrawn in place on a terminal
// at most every 100 ms; nothing at all when the stream is not a terminal.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace amdrr::replay {

class ProgressBar {
 public:
  /// Draws on `stream` only if it is a terminal.
  ProgressBar(std::FILE* stream, std::string label);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  bool enabled() const { return enabled_; }
  void update(uint64_t done, uint64_t total);
  /// Erases the bar so the next output starts on a clean line.
  void finish();

  /// The bar's text for `width` columns, e.g. "replay [#####     ] 50% 5/10".
  static std::string render(const std::string& label, uint64_t done, uint64_t total, size_t width);

 private:
  std::FILE* stream_;
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace amdrr::replay
