#pragma once
// The fork rule. A child of a capturing process does not capture: KFD
// mappings are not inherited across fork, and the trace writer's threads do
// not exist in the child, so nothing it does could be recorded faithfully.
// A pthread_atfork handler marks the child; RecordingKmd then only forwards,
// and the first time the child uses the GPU it says so once on stderr. The
// child never touches the parent's trace (no flush, no End record).
//
// A program that wants its children captured runs them with their own
// AMDRR_CAPTURE (`%p` in the path becomes the pid), e.g. through exec.

namespace amdrr::capture {

/// Installs the atfork handler (once per process; idempotent).
void install_fork_guard();
/// True in a child forked after install_fork_guard().
bool in_fork_child();
/// Prints the one-line notice, the first time only.
void note_fork_child_uses_gpu();

}  // namespace amdrr::capture
