// dispatch: launches a kernel compiled at build time from
// samples/kernels/vector_add.cl on a PM4 compute queue (registers and
// DISPATCH_DIRECT) and on an AQL queue (a KERNEL_DISPATCH packet with a
// completion signal), and checks each result on the CPU. On the emulated GPU
// the kernel's real machine code runs in the shader interpreter.
//
//   dispatch [--elements N] [--queue pm4|aql|both] [--code-object path.co]

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <vector>

#include "lib/driver/aql_queue.h"
#include "lib/driver/compute_queue.h"
#include "lib/driver/error.h"
#include "lib/driver/program.h"
#include "lib/driver/system.h"

int main(int argc, char** argv) try {
  CLI::App app{"dispatch: run vector_add on the GPU and check it on the CPU"};
  uint32_t n = 1 << 16;
  std::string queue_kind = "both";
  std::string code_object = AMDRR_SAMPLE_KERNEL_DIR "/vector_add_gfx942.co";
  app.add_option("--elements", n, "vector length (a multiple of 64 on PM4; any on AQL)");
  app.add_option("--queue", queue_kind, "which queue launches it")
      ->check(CLI::IsMember({"pm4", "aql", "both"}));
  app.add_option("--code-object", code_object, "the vector_add code object for this GPU");
  CLI11_PARSE(app, argc, argv);
  const bool pm4 = queue_kind != "aql", aql = queue_kind != "pm4";
  if (n == 0 || (pm4 && n % 64 != 0)) {
    std::fprintf(stderr,
                 "dispatch: --elements must be positive, and a multiple of 64 on PM4 (PM4 "
                 "launches whole workgroups; AQL takes a partial last one)\n");
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

  amdrr::LaunchDims dims;
  dims.grid[0] = n;
  // Checks c and clears it for the next run.
  auto check = [&](const char* how) {
    float* out = c.as<float>();
    for (uint32_t i = 0; i < n; ++i) {
      if (out[i] != va[i] + vb[i]) {
        std::fprintf(stderr, "dispatch: %s: c[%u] = %g, expected %g\n", how, i, out[i],
                     va[i] + vb[i]);
        return false;
      }
    }
    std::printf("dispatch: vector_add of %u elements on %s (%s): OK\n", n, gpu.name().c_str(), how);
    c.fill(0, bytes, 0);
    return true;
  };
  if (pm4) {
    auto queue = amdrr::ComputeQueue::create(gpu);
    amdrr::KernelArgs args(kernel);
    args.set(0, a).set(1, b).set(2, c).set(3, n);
    queue->dispatch(kernel, args, dims);
    queue->finish();
    if (!check("PM4 queue")) return 1;
  }
  if (aql) {
    auto queue = amdrr::AqlQueue::create(gpu);
    amdrr::KernelArgs args(kernel);
    args.set(0, a).set(1, b).set(2, c).set(3, n);
    // AQL completion signals count down: 1 here, 0 when the kernel is done.
    amdrr::Signal done = system->make_signal(1);
    queue->dispatch(kernel, args, dims, &done).submit();
    done.wait_equal(0);
    if (!check("AQL queue")) return 1;
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "dispatch: %s\n", e.what());
  return 1;
}
