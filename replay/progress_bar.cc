#include "replay/progress_bar.h"

#include <unistd.h>

#include <algorithm>

namespace amdrr::replay {

ProgressBar::ProgressBar(std::FILE* stream, std::string label)
    : stream_(stream), label_(std::move(label)), enabled_(::isatty(::fileno(stream)) == 1) {}

ProgressBar::~ProgressBar() {
  finish();
}

std::string ProgressBar::render(const std::string& label, uint64_t done, uint64_t total,
                                size_t width) {
  done = std::min(done, total);
  const uint64_t percent = total ? done * 100 / total : 100;
  std::string tail = std::string(" ")
                         .append(std::to_string(percent))
                         .append("% ")
                         .append(std::to_string(done))
                         .append("/")
                         .append(std::to_string(total));
  const size_t fixed = label.size() + 3 + tail.size();
  const size_t bar = width > fixed + 10 ? width - fixed : 10;
  const size_t filled = total ? static_cast<size_t>(done * bar / total) : bar;
  return label + " [" + std::string(filled, '#') + std::string(bar - filled, ' ') + "]" + tail;
}

void ProgressBar::update(uint64_t done, uint64_t total) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && done < total && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  drawn_ = true;
  std::fprintf(stream_, "\r%s", render(label_, done, total, 60).c_str());
  std::fflush(stream_);
}

void ProgressBar::finish() {
  if (!enabled_ || !drawn_) return;
  std::fprintf(stream_, "\r\033[K");
  std::fflush(stream_);
  drawn_ = false;
}

}  // namespace amdrr::replay
