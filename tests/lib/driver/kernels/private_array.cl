// A kernel whose private array cannot live in registers: it is indexed by
// values read from memory, for writes and reads, so clang keeps it in the
// private segment (scratch) at -O0 and -O3 alike.
__kernel void private_array(__global const uint* x, __global uint* o, uint n) {
  uint i = __builtin_amdgcn_workgroup_id_x() * __builtin_amdgcn_workgroup_size_x() +
           __builtin_amdgcn_workitem_id_x();
  if (i >= n) return;
  uint arr[64];
  for (uint k = 0; k < 64; ++k) arr[k] = i * 3u + k;
  for (uint k = 0; k < 8; ++k) arr[x[(i + k) % n] & 63] += k + 1;
  uint s = 0;
  for (uint k = 0; k < 4; ++k) s = s * 31u + arr[(x[i] >> (6 * k)) & 63];
  o[i] = s;
}
