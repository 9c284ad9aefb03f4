// Loading code objects and laying out kernel arguments from their metadata.
#include "lib/driver/program.h"

#include <gtest/gtest.h>

#include <cstring>

#include "lib/driver/error.h"
#include "lib/driver/system.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr {
namespace {

std::string kernel_path(const char* target) {
  return std::string(AMDRR_DRIVER_GEN_DIR) + "/args_" + target + ".co";
}

std::unique_ptr<System> sim_system(sim::SimTarget target = sim::SimTarget::kGfx942) {
  SystemOptions options;
  options.backend = Backend::kSim;
  options.sim_profile.target = target;
  return System::open(options);
}

TEST(Program, LoadsKernelsIntoGpuMemory) {
  auto system = sim_system();
  Device& dev = system->device(0);
  Program p = Program::load_file(dev, kernel_path("gfx942"));
  KernelHandle k = p.kernel("scale");
  EXPECT_TRUE(dev.find(k.descriptor_va, 64).valid());
  EXPECT_EQ(k.code_va % 256, 0u);
  // The descriptor in GPU memory is the one in the file.
  uint8_t kd[64];
  ASSERT_FALSE(system->sim()->gpu_read(dev.gpu_id(), k.descriptor_va, kd).has_value());
  EXPECT_EQ(std::memcmp(kd, p.object().image.data() + (k.descriptor_va - p.memory().va()), 64), 0);
  try {
    p.kernel("nope");
    ADD_FAILURE() << "no error for a missing kernel";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("it has: "), std::string::npos) << e.what();
  }
}

TEST(Program, RefusesAnotherTargetNamingBoth) {
  auto system = sim_system(sim::SimTarget::kGfx90a);
  try {
    Program::load_file(system->device(0), kernel_path("gfx942"));
    ADD_FAILURE() << "a gfx942 code object loaded on gfx90a";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("built for gfx942"), std::string::npos) << what;
    EXPECT_NE(what.find("is gfx90a"), std::string::npos) << what;
  }
  EXPECT_NO_THROW(Program::load_file(system->device(0), kernel_path("gfx90a")));
}

TEST(KernelArgs, LaysOutArgumentsAndRefusesWrongSizes) {
  auto system = sim_system();
  Device& dev = system->device(0);
  Program p = Program::load_file(dev, kernel_path("gfx942"));
  KernelHandle k = p.kernel("scale");
  Buffer out = dev.alloc(4096, Memory::kGtt);
  KernelArgs args(k);
  args.set(0, out)
      .set(1, out.va())
      .set(2, 1.5f)
      .set(3, int32_t{7})
      .set(4, uint32_t{0});  // an LDS pointer: 32 bits
  auto bytes = args.bytes();
  uint64_t va = 0;
  std::memcpy(&va, bytes.data(), 8);
  EXPECT_EQ(va, out.va());
  float factor = 0;
  std::memcpy(&factor, bytes.data() + 16, 4);
  EXPECT_EQ(factor, 1.5f);
  EXPECT_THROW(args.set(2, 1.5), Error);         // a double for a float
  EXPECT_THROW(args.set(9, int32_t{0}), Error);  // no such argument
  KernelArgs partial(k);
  partial.set(0, out);
  EXPECT_THROW(partial.bytes(), Error);  // arguments 1.. never set
}

}  // namespace
}  // namespace amdrr
