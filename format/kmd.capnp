@0xf1e56fba1cd29992;
# One record variant per Kmd call (lib/kmd/kmd.h). Capture writes each call
# twice: `issued` (arguments) before forwarding it, so a call that crashes or
# never returns is still in the trace, then `returned` (arguments, results
# and errno). Ordinals are never renumbered or reused.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("amdrr::schema");

struct KmdCall {
  seq @0 :UInt64;      # call number in the trace; pairs issued and returned
  phase @1 :Phase;
  errnum @2 :Int32;    # 0 on success, else the kernel's errno (returned only)

  enum Phase {
    issued @0;
    returned @1;
  }

  union {
    unknown @3 :Void;
    getVersion @4 :GetVersion;
  }
}

struct GetVersion {
  major @0 :UInt32;
  minor @1 :UInt32;
}
