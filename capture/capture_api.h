#pragma once
// What a program says to the capture, if one is running (AMDRR_CAPTURE).
// Without a capture every call is a cheap no-op, so programs can leave
// their annotations in.
//
//   amdrr::capture::annotate("phase", "upload done");
//   amdrr::capture::observe(result.data(), result.size());  // compared on replay
//
// The same from C: amdrr_annotate(label, detail), amdrr_observe(ptr, size).

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#include <string_view>

namespace amdrr::capture {

/// True while this process captures.
bool capturing();
/// Puts a user label into the trace; dump, bisect and the timeline show it.
void annotate(std::string_view label, std::string_view detail = {});
/// Records a content hash of [ptr, ptr + size), a range of GPU-visible
/// memory the program declares as a result. False if not capturing or the
/// range is not a CPU mapping of GPU memory.
bool observe(const void* ptr, uint64_t size);

}  // namespace amdrr::capture

extern "C" {
#endif

int amdrr_capturing(void);
void amdrr_annotate(const char* label, const char* detail); /* detail may be NULL */
int amdrr_observe(const void* ptr, uint64_t size);          /* 1 recorded, 0 not */

#ifdef __cplusplus
}
#endif
