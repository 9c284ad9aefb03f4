// Renders a Timeline: Chrome trace-event JSON and a self-contained HTML/SVG
// page (well-formed XML, so it parses as XHTML too).
#include <cinttypes>
#include <cstdio>
#include <ostream>

#include "inspect/timeline.h"

namespace amdrr::inspect {
namespace {

std::string us(uint64_t ns) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%" PRIu64 ".%03" PRIu64, ns / 1000, ns % 1000);
  return buf;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

void write_trace_event_json(const Timeline& t, std::ostream& out) {
  // One process ("amdrr trace"), one thread per track: Perfetto shows a row each.
  out << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  out << "{\"ph\":\"M\",\"pid\":1,\"tid\":0,\"name\":\"process_name\",\"args\":{\"name\":"
         "\"amdrr trace\"}}";
  for (size_t i = 0; i < t.tracks.size(); ++i) {
    out << ",\n{\"ph\":\"M\",\"pid\":1,\"tid\":" << i + 1
        << ",\"name\":\"thread_name\",\"args\":{\"name\":\"" << json_escape(t.tracks[i].name)
        << "\"}}";
    out << ",\n{\"ph\":\"M\",\"pid\":1,\"tid\":" << i + 1
        << ",\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":" << i << "}}";
  }
  for (const TimelineSpan& s : t.spans) {
    out << ",\n{\"ph\":\"X\",\"pid\":1,\"tid\":" << s.track + 1 << ",\"name\":\""
        << json_escape(s.name) << "\",\"cat\":\"" << json_escape(t.tracks[s.track].name)
        << "\",\"ts\":" << us(s.start_ns) << ",\"dur\":" << us(s.end_ns - s.start_ns)
        << ",\"args\":{\"record\":" << s.record << ",\"end\":\"" << json_escape(s.end_reason)
        << "\"}}";
  }
  for (const TimelineEvent& e : t.instants) {
    out << ",\n{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":" << e.track + 1 << ",\"name\":\""
        << json_escape(e.name) << "\",\"ts\":" << us(e.ns) << ",\"args\":{\"record\":" << e.record
        << "}}";
  }
  out << "\n]}\n";
}

void write_timeline_html(const Timeline& t, const std::string& title, std::ostream& out) {
  constexpr double kLabelWidth = 220, kPlotWidth = 1000, kRow = 28, kTop = 30;
  uint64_t begin = UINT64_MAX;
  for (const TimelineSpan& s : t.spans) begin = std::min(begin, s.start_ns);
  for (const TimelineEvent& e : t.instants) begin = std::min(begin, e.ns);
  if (begin == UINT64_MAX) begin = 0;
  const double span_ns = t.end_ns > begin ? double(t.end_ns - begin) : 1.0;
  auto x = [&](uint64_t ns) { return kLabelWidth + kPlotWidth * double(ns - begin) / span_ns; };
  const double height = kTop + kRow * double(t.tracks.size()) + 20;

  out << "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><meta "
         "charset=\"utf-8\"/><title>"
      << xml_escape(title)
      << "</title><style>body{font-family:sans-serif}rect.span{fill:#4a90d9;stroke:#1d4f80}"
         "rect.wait{fill:#c8c8c8;stroke:#808080}circle.fault{fill:#d0342c}"
         "circle.label{fill:#2e9d4f}text{font-size:11px}</style></head><body>\n<h3>"
      << xml_escape(title) << "</h3>\n<p>" << t.spans.size() << " spans over "
      << us(t.end_ns - begin) << " us; hover a span for its name and how it ended.</p>\n";
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(kLabelWidth + kPlotWidth + 20)
      << "\" height=\"" << num(height) << "\">\n";
  for (size_t i = 0; i < t.tracks.size(); ++i) {
    const double y = kTop + kRow * double(i);
    out << "<text x=\"4\" y=\"" << num(y + 17) << "\">" << xml_escape(t.tracks[i].name)
        << "</text><line x1=\"" << num(kLabelWidth) << "\" x2=\"" << num(kLabelWidth + kPlotWidth)
        << "\" y1=\"" << num(y + kRow) << "\" y2=\"" << num(y + kRow) << "\" stroke=\"#eee\"/>\n";
  }
  for (size_t i = 0; i < t.spans.size(); ++i) {
    const TimelineSpan& s = t.spans[i];
    const double y = kTop + kRow * double(s.track) + 4;
    const bool wait = t.tracks[s.track].name == "CPU waits";
    out << "<rect id=\"span-" << i << "\" class=\"" << (wait ? "wait" : "span") << "\" x=\""
        << num(x(s.start_ns)) << "\" y=\"" << num(y) << "\" width=\""
        << num(std::max(1.0, x(s.end_ns) - x(s.start_ns))) << "\" height=\"" << num(kRow - 8)
        << "\" data-record=\"" << s.record << "\"><title>" << xml_escape(s.name) << " (#"
        << s.record << ", " << us(s.end_ns - s.start_ns) << " us; " << xml_escape(s.end_reason)
        << ")</title></rect>\n";
  }
  for (size_t i = 0; i < t.instants.size(); ++i) {
    const TimelineEvent& e = t.instants[i];
    const double y = kTop + kRow * double(e.track) + kRow / 2;
    const bool fault = t.tracks[e.track].name == "faults";
    out << "<circle id=\"event-" << i << "\" class=\"" << (fault ? "fault" : "label") << "\" cx=\""
        << num(x(e.ns)) << "\" cy=\"" << num(y) << "\" r=\"6\"><title>" << xml_escape(e.name)
        << " (#" << e.record << ")</title></circle>\n";
  }
  out << "</svg>\n</body></html>\n";
}

}  // namespace amdrr::inspect
