// Test kernels for the shader interpreter, compiled at build time with
// clang-19 -nogpulib at -O0 and -O3 (Debian's device libraries lack gfx942,
// so only clang builtins are used).
#pragma OPENCL EXTENSION cl_khr_fp16 : enable
#define GID() (__builtin_amdgcn_workgroup_id_x() * __builtin_amdgcn_workgroup_size_x() + __builtin_amdgcn_workitem_id_x())
#define LOCAL_BARRIER()                               \
  do {                                                \
    __builtin_amdgcn_fence(__ATOMIC_RELEASE, "workgroup"); \
    __builtin_amdgcn_s_barrier();                     \
    __builtin_amdgcn_fence(__ATOMIC_ACQUIRE, "workgroup"); \
  } while (0)

__kernel void vadd(__global const float* a, __global const float* b, __global float* c, uint n) {
  uint i = GID();
  if (i < n) c[i] = a[i] + b[i];
}
__kernel void saxpy(__global const float* x, __global float* y, float a, uint n) {
  uint i = GID();
  if (i < n) y[i] = a * x[i] + y[i];
}
__kernel void daxpy(__global const double* x, __global double* y, double a, uint n) {
  uint i = GID();
  if (i < n) y[i] = a * x[i] + y[i];
}
__kernel void hmath(__global const half* x, __global const half* y, __global half* o, uint n) {
  uint i = GID();
  if (i < n) {
    half a = x[i], b = y[i];
    o[i] = a * b + (a - b) * (half)0.5f;
  }
}
__kernel void intops(__global const int* x, __global const int* y, __global int* o, uint n) {
  uint i = GID();
  if (i < n) {
    int a = x[i], b = y[i];
    o[4 * i] = a * b;
    o[4 * i + 1] = b != 0 ? a / b : 0;
    o[4 * i + 2] = (a << (b & 31)) ^ (int)((uint)a >> (b & 7));
    o[4 * i + 3] = b != 0 ? a % b : 0;
  }
}
__kernel void udiv64(__global const uint* x, __global const uint* y, __global ulong* o, uint n) {
  uint i = GID();
  if (i < n) {
    uint a = x[i], b = y[i] | 1;
    ulong p = (ulong)a * b;
    o[i] = p / (b + 3) + (p >> 7) + a / b + a % b;
  }
}
__kernel void reduce(__global const uint* x, __global uint* out) {
  __local uint s[256];
  uint t = __builtin_amdgcn_workitem_id_x();
  s[t] = x[GID()];
  LOCAL_BARRIER();
  for (uint st = 128; st > 0; st >>= 1) {
    if (t < st) s[t] += s[t + st];
    LOCAL_BARRIER();
  }
  if (t == 0) out[__builtin_amdgcn_workgroup_id_x()] = s[0];
}
__kernel void histo(__global const uint* x, __global uint* h, uint n) {
  uint i = GID();
  if (i < n) __atomic_fetch_add(&h[x[i] & 63], 1u, __ATOMIC_RELAXED);
}
__kernel void loops(__global const int* x, __global int* o, uint n) {
  uint i = GID();
  if (i >= n) return;
  int v = x[i];
  int acc = 0;
  for (int k = 0; k < (v & 15); ++k) {
    if (k & 1) acc += k * v;
    else acc ^= v >> k;
  }
  while (v > 100) v /= 3;
  o[i] = acc + v;
}
__kernel void scratch(__global const int* x, __global int* o, uint n) {
  uint i = GID();
  if (i >= n) return;
  int arr[16];
  for (int k = 0; k < 16; ++k) arr[k] = x[(i + k) % n] * k;
  int idx = x[i] & 15;
  o[i] = arr[idx] + arr[(idx * 7) & 15];
}
__kernel void grid3d(__global const float* a, __global float* o, uint w, uint h) {
  uint gx = __builtin_amdgcn_workgroup_id_x() * __builtin_amdgcn_workgroup_size_x() + __builtin_amdgcn_workitem_id_x();
  uint gy = __builtin_amdgcn_workgroup_id_y() * __builtin_amdgcn_workgroup_size_y() + __builtin_amdgcn_workitem_id_y();
  uint gz = __builtin_amdgcn_workgroup_id_z() * __builtin_amdgcn_workgroup_size_z() + __builtin_amdgcn_workitem_id_z();
  if (gx < w && gy < h) o[(gz * h + gy) * w + gx] = a[gy * w + gx] * (float)(gz + 1);
}
__kernel void fdiv(__global const float* x, __global const float* y, __global float* o, uint n) {
  uint i = GID();
  if (i < n) o[i] = x[i] / y[i];
}
// c = a * b for n x n row-major fp32 matrices; one work-item per element of
// c, launched as a 2D grid. The sum is in k order with fma, so the CPU
// reference can match it bit for bit.
__kernel void matmul(__global const float* a, __global const float* b, __global float* c, uint n) {
  uint col = __builtin_amdgcn_workgroup_id_x() * __builtin_amdgcn_workgroup_size_x() + __builtin_amdgcn_workitem_id_x();
  uint row = __builtin_amdgcn_workgroup_id_y() * __builtin_amdgcn_workgroup_size_y() + __builtin_amdgcn_workitem_id_y();
  if (row >= n || col >= n) return;
  float acc = 0.0f;
  for (uint k = 0; k < n; ++k) acc = __builtin_fmaf(a[row * n + k], b[k * n + col], acc);
  c[row * n + col] = acc;
}
__kernel void ddiv(__global const double* x, __global const double* y, __global double* o, uint n) {
  uint i = GID();
  if (i < n) o[i] = x[i] / y[i];
}
