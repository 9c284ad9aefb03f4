#pragma once
// A recorded address range may be taken in this process only because of
// where address-space randomisation put the replayer's own libraries, heap
// or stack. Re-executing without it (personality ADDR_NO_RANDOMIZE, as rr
// does) puts them at fixed, usually low-collision places.

#include <string>

namespace amdrr::replay {

/// True when this process already runs without address-space randomisation.
bool aslr_disabled();

/// Re-executes /proc/self/exe with this process's arguments
/// (/proc/self/cmdline) and randomisation off. Returns only when it could
/// not, with the reason in `error` (already off, exec failed).
void reexec_without_aslr(std::string* error);

}  // namespace amdrr::replay
