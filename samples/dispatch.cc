// dispatch: launches a kernel compiled at build time from
// samples/kernels/vector_add.cl on a PM4 compute queue and checks the result
// on the CPU. On the emulated GPU the kernel's real machine code runs in the
// shader interpreter.
//
//   dispatch [--elements N] [--code-object path.co]

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <vector>

#include "lib/driver/compute_queue.h"
#include "lib/driver/error.h"
#include "lib/driver/program.h"
#include "lib/driver/system.h"

int main(int argc, char** argv) try {
  CLI::App app{"dispatch: run vector_add on the GPU and check it on the CPU"};
  uint32_t n = 1 << 16;
  std::string code_object = AMDRR_SAMPLE_KERNEL_DIR "/vector_add_gfx942.co";
  app.add_option("--elements", n, "vector length (a multiple of 64)");
  app.add_option("--code-object", code_object, "the vector_add code object for this GPU");
  CLI11_PARSE(app, argc, argv);
  if (n == 0 || n % 64 != 0) {
    std::fprintf(stderr, "dispatch: --elements must be a positive multiple of 64\n");
    return 2;
  }

  auto system = amdrr::System::open();
  amdrr::Device& gpu = system->device(0);
  if (gpu.target().name != "gfx942") {
    code_object = AMDRR_SAMPLE_KERNEL_DIR "/vector_add_" + gpu.target().name + ".co";
  }
  amdrr::Program program = amdrr::Program::load_file(gpu, code_object);
  amdrr::KernelHandle kernel = program.kernel("vector_add");

  const uint64_t bytes = uint64_t{n} * 4;
  amdrr::Buffer a = gpu.alloc(bytes, amdrr::Memory::kGtt, "a");
  amdrr::Buffer b = gpu.alloc(bytes, amdrr::Memory::kGtt, "b");
  amdrr::Buffer c = gpu.alloc(bytes, amdrr::Memory::kGtt, "c");
  std::vector<float> va(n), vb(n);
  for (uint32_t i = 0; i < n; ++i) {
    va[i] = static_cast<float>(i) * 0.5f;
    vb[i] = 1.0f / static_cast<float>(i + 1);
  }
  a.write(0, {reinterpret_cast<const uint8_t*>(va.data()), bytes});
  b.write(0, {reinterpret_cast<const uint8_t*>(vb.data()), bytes});

  auto queue = amdrr::ComputeQueue::create(gpu);
  amdrr::KernelArgs args(kernel);
  args.set(0, a).set(1, b).set(2, c).set(3, n);
  amdrr::LaunchDims dims;
  dims.grid[0] = n;
  queue->dispatch(kernel, args, dims);
  queue->finish();

  const float* out = c.as<float>();
  for (uint32_t i = 0; i < n; ++i) {
    if (out[i] != va[i] + vb[i]) {
      std::fprintf(stderr, "dispatch: c[%u] = %g, expected %g\n", i, out[i], va[i] + vb[i]);
      return 1;
    }
  }
  std::printf("dispatch: vector_add of %u elements on %s: OK\n", n, gpu.name().c_str());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "dispatch: %s\n", e.what());
  return 1;
}
