// capture_victim: a small program on the driver API for the process-level
// capture tests. It makes `--submissions` SDMA submissions, waiting on each,
// then does what --end says:
//   exit     return normally          kill   raise SIGKILL (after a flush)
//   segv     store through null       term   raise SIGTERM
//   abort    abort()                  fork   fork; the child uses the Kmd
//   read     read(2) into a mapped BO (EFAULT under page protection)
// Prints "submitted N" before the end.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "capture/capture_api.h"
#include "lib/driver/sdma_queue.h"
#include "lib/driver/system.h"

int main(int argc, char** argv) {
  int submissions = 10;
  std::string end = "exit";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--submissions") == 0) submissions = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--end") == 0) end = argv[i + 1];
  }
  auto system = amdrr::System::open();
  amdrr::Device& gpu = system->device(0);
  amdrr::Buffer a = gpu.alloc(1 << 16, amdrr::Memory::kGtt, "a");
  amdrr::Buffer b = gpu.alloc(1 << 16, amdrr::Memory::kGtt, "b");
  amdrr::Signal done = system->make_signal(0);
  auto q = amdrr::SdmaQueue::create(gpu);
  amdrr_annotate("victim", "start");
  for (int i = 1; i <= submissions; ++i) {
    q->fill(a.va(), static_cast<uint32_t>(i), 4096).copy(b, a, 4096).signal(done, i).submit();
    done.wait_at_least(static_cast<uint64_t>(i));
  }
  std::printf("submitted %d\n", submissions);
  std::fflush(stdout);
  if (end == "kill") {
    // Past the timer flush (AMDRR_CAPTURE_FLUSH_MS in the test), then die.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    raise(SIGKILL);
  } else if (end == "segv") {
    *static_cast<volatile int*>(nullptr) = 1;
  } else if (end == "term") {
    raise(SIGTERM);
  } else if (end == "abort") {
    std::abort();
  } else if (end == "fork") {
    pid_t pid = fork();
    if (pid == 0) {
      amdrr_annotate("child", "must not be in the parent's trace");
      (void)system->kmd().get_version();
      (void)system->kmd().get_version();
      std::exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    amdrr_annotate("parent", "after fork");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
  } else if (end == "read") {
    int fd = open("/proc/self/cmdline", O_RDONLY);
    ssize_t n = read(fd, a.data(), 16);
    std::printf("read returned %zd (%s)\n", n, n < 0 ? std::strerror(errno) : "ok");
    close(fd);
  }
  return 0;
}
