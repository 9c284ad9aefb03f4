// A kernel with every common argument kind, for the metadata parser.
__kernel void scale(__global float* out, __global const float* in, float factor, int n,
                    __local float* scratch) {
  int i = __builtin_amdgcn_workgroup_id_x() * 64 + __builtin_amdgcn_workitem_id_x();
  scratch[__builtin_amdgcn_workitem_id_x()] = in[i];
  if (i < n) out[i] = scratch[__builtin_amdgcn_workitem_id_x()] * factor;
}
__kernel void fill(__global int* out, int value) {
  out[__builtin_amdgcn_workitem_id_x()] = value;
}
