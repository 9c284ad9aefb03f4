// hello: the smallest complete use of amdrr. Fill a buffer by SDMA, copy it
// through VRAM and back, read it on the CPU and check it.
//
//   AMDRR_BACKEND=sim ./hello        (the emulated GPU; kfd for real hardware)

#include <cstdio>
#include <exception>

#include "lib/driver/error.h"
#include "lib/driver/sdma_queue.h"
#include "lib/driver/system.h"

int main() try {
  amdrr::SystemOptions options;
  options.notice = nullptr;
  auto system = amdrr::System::open(options);
  amdrr::Device& gpu = system->device(0);
  std::printf("hello: %s on GPU 0 (%s backend)\n", gpu.name().c_str(),
              amdrr::backend_name(system->backend()));

  const uint64_t size = 1 << 20;
  amdrr::Buffer src = gpu.alloc(size, amdrr::Memory::kGtt, "src");
  amdrr::Buffer vram = gpu.alloc(size, amdrr::Memory::kVram, "vram");
  amdrr::Buffer dst = gpu.alloc(size, amdrr::Memory::kGtt, "dst");
  amdrr::Signal done = system->make_signal(0);

  auto sdma = amdrr::SdmaQueue::create(gpu);
  sdma->fill(src.va(), 0xC0FFEE00, size).copy(vram, src, size).copy(dst, vram, size);
  sdma->signal(done, 1).submit();
  done.wait_at_least(1);

  const uint32_t* words = dst.as<uint32_t>();
  for (uint64_t i = 0; i < size / 4; ++i) {
    if (words[i] != 0xC0FFEE00) {
      std::fprintf(stderr, "hello: word %llu is 0x%08x, expected 0xc0ffee00\n",
                   static_cast<unsigned long long>(i), words[i]);
      return 1;
    }
  }
  std::printf("hello: filled, copied through VRAM and read back %llu bytes: OK\n",
              static_cast<unsigned long long>(size));
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "hello: %s\n", e.what());
  return 1;
}
