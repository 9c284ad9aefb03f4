#pragma once
// FakeKfdSyscalls: a fake kernel behind LinuxKfd's Syscalls seam. It takes
// the raw ioctl structs LinuxKfd packs, decodes them with the codec's reverse
// direction (decode_X_args), calls SimKfd, and packs the result back
// (encode_X_result) following the kernel's copy rules: dispatch on _IOC_NR
// only, copy in the caller's _IOC_SIZE into a zeroed buffer as large as the
// kernel's struct, copy the same size back out, also on failure [S-CHR
// kfd_ioctl]. So the whole Kmd contract suite, run through LinuxKfd over
// this, checks LinuxKfd's struct packing end to end.
//
// Files: "/dev/kfd" and "/dev/dri/renderD<drm_render_minor>" of the sim's
// GPUs; fds are numbers private to the fake. mmap of /dev/kfd and render-node
// offsets go to SimKfd::mmap; anonymous mappings (LinuxKfd's VA reservations)
// are real. A doorbell store into a mapped doorbell slice becomes
// SimKfd::write_doorbell of the queue that owns that doorbell.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "lib/kmd/linux_kfd.h"
#include "lib/kmd/syscalls.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr::kmd::testing {

class FakeKfdSyscalls final : public Syscalls {
 public:
  explicit FakeKfdSyscalls(std::unique_ptr<sim::SimKfd> sim) : sim_(std::move(sim)) {}
  static Result<std::unique_ptr<FakeKfdSyscalls>> create(const sim::SimProfile& profile);

  sim::SimKfd& sim() const { return *sim_; }
  /// Makes GET_VERSION report an older minor version (feature gating tests).
  void set_minor_version(uint32_t minor) { minor_version_ = minor; }
  /// The last ioctl request seen with this nr (0 if none).
  unsigned long last_request(uint32_t nr);
  /// Options that point LinuxKfd at this fake (and the sim's topology tree).
  LinuxKfdOptions linux_kfd_options() const;

  Result<int> open(const char* path, int flags) override;
  Result<void> close(int fd) override;
  Result<void> ioctl(int fd, unsigned long request, void* arg) override;
  Result<void*> mmap(void* addr, size_t length, int prot, int flags, int fd,
                     uint64_t offset) override;
  Result<void> munmap(void* addr, size_t length) override;
  void store_doorbell(volatile uint64_t* doorbell, uint64_t value) override;

  static constexpr const char* kKfdPath = "/dev/kfd";
  static constexpr const char* kRenderPrefix = "/dev/dri/renderD";

 private:
  struct File {
    bool is_kfd = false;
    uint32_t gpu_id = 0;  // render nodes
  };
  struct SimMapping {
    uint64_t size = 0;
    uint32_t doorbell_gpu_id = 0;  // non-zero for a doorbell slice
  };

  /// The KFD ioctl handlers (fake_kfd_ioctl.cc); returns 0 or an errno.
  int dispatch(unsigned long request, void* arg);
  int serve_queue(uint32_t nr, unsigned long request, void* arg);
  int serve_event(uint32_t nr, unsigned long request, void* arg);
  void unmap_sim_mappings_in(uint64_t addr, uint64_t size);

  std::unique_ptr<sim::SimKfd> sim_;
  std::mutex mu_;  // guards everything below; never held across SimKfd calls that block
  int next_fd_ = 1000;
  std::map<int, File> files_;
  std::map<uint64_t, SimMapping> sim_mappings_;  // by address
  /// (gpu_id, byte offset in the doorbell slice) -> queue_id, from the
  /// CREATE_QUEUE results the fake handed out.
  std::map<std::pair<uint32_t, uint64_t>, uint32_t> doorbell_queues_;
  std::map<uint32_t, EventType> event_types_;       // from CREATE_EVENT, as the kernel knows them
  std::map<uint32_t, unsigned long> last_request_;  // by nr
  std::optional<uint32_t> minor_version_;
};

}  // namespace amdrr::kmd::testing
