#pragma once
// The capture's signal handlers, one set per process.
//
// SIGSEGV first asks the StoreTracker whether the fault was a program store
// to a write-protected BO page; if so the store is let through. Any other
// SIGSEGV, and SIGBUS / SIGABRT / SIGTERM / SIGINT:
//  - the program (or a sanitizer) installed a handler before us: it is called
//    as it would have been, and the trace stays open (it may recover, or exit
//    through exit(), whose atexit handler closes the trace cleanly);
//  - the disposition was the default: the trace's pending frames are written
//    through TraceWriter::emergency_flush() (async-signal-safe), the default
//    disposition is restored and the signal delivered again, so the process
//    dies exactly as it would have (core dump, exit status).
// A sanitizer runtime (its SIGSEGV handler, its memory-error and UBSan
// reports) ends the process through its death callback, which writes the
// pending frames the same way (__sanitizer_set_death_callback: a program
// that sets its own replaces it, or loses it if it set it before capture).
// In a fork child the trace is the parent's: a crash there writes nothing.
// A handler the program installs after capture started replaces ours; then
// that signal is neither flushed nor tracked (documented in capture/README.md).
//
// This is the one process-wide mutable state of capture: a signal handler
// has no other way to reach the trace.

#include "capture/store_tracker.h"
#include "format/trace_writer.h"

namespace amdrr::capture {

/// Installs the handlers (first call) and points them at `writer` and
/// `tracker` (either may be null). Call with nulls before destroying them.
void set_crash_targets(format::TraceWriter* writer, StoreTracker* tracker);
/// Lets go of `tracker` if the handlers still point at it (its session is
/// going; a later session's targets stay).
void forget_crash_tracker(StoreTracker* tracker);

}  // namespace amdrr::capture
