// Kernels the engine-level dispatch tests run on the emulated GPU (built at
// -O0 and -O3 with clang-19 -nogpulib: clang builtins only).
#define GID() \
  (__builtin_amdgcn_workgroup_id_x() * __builtin_amdgcn_workgroup_size_x() + \
   __builtin_amdgcn_workitem_id_x())

__kernel void vadd(__global const float* a, __global const float* b, __global float* c, uint n) {
  uint i = GID();
  if (i < n) c[i] = a[i] + b[i];
}

__kernel void saxpy(__global const float* x, __global float* y, float a, uint n) {
  uint i = GID();
  if (i < n) y[i] = a * x[i] + y[i];
}

// Writes where it is told: an unmapped `p` is a VM fault.
__kernel void store_at(__global uint* p) {
  p[GID()] = GID();
}

// MFMA: a real gfx942 instruction the interpreter does not implement (yet).
__kernel void mfma(__global float4* out) {
  out[GID()] = __builtin_amdgcn_mfma_f32_4x4x1f32(1.0f, 2.0f, out[GID()], 0, 0, 0);
}
