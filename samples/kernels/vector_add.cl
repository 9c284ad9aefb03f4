// c[i] = a[i] + b[i]: the dispatch sample's kernel. Built at build time with
// clang-19 for amdgcn (no device libraries: clang builtins, not get_global_id).
__kernel void vector_add(__global const float* a, __global const float* b, __global float* c,
                         uint n) {
  uint i = __builtin_amdgcn_workgroup_id_x() * 64 + __builtin_amdgcn_workitem_id_x();
  if (i < n) c[i] = a[i] + b[i];
}
