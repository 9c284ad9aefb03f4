// capture_victim: a small program on the driver API for the process-level
// capture tests. It makes `--submissions` SDMA submissions, waiting on each,
// then does what --end says:
//   exit     return normally          kill   raise SIGKILL (after a flush)
//   segv     store to page zero        term   raise SIGTERM
//   abort    abort()                  fork   fork; the child uses the Kmd
//   fork-abort  fork with records not yet flushed; the child aborts
//   read     read(2) into a mapped BO (EFAULT under page protection)
//   vectored readv, pread64, recvfrom and recvmsg into a mapped BO
// Prints "submitted N" before the end.

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
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
    // A store that faults (not through null: UBSan would stop it first).
    volatile uintptr_t page_zero = 64;
    *reinterpret_cast<volatile int*>(page_zero) = 1;
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
  } else if (end == "fork-abort") {
    // Records still in the writer's memory when the child is forked: a
    // crashing child must not write its copy of them into the parent's trace.
    amdrr_annotate("parent", "before fork");
    pid_t pid = fork();
    if (pid == 0) std::abort();
    int status = 0;
    waitpid(pid, &status, 0);
    amdrr_annotate("parent", "after fork");
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT ? 0 : 3;
  } else if (end == "read") {
    int fd = open("/proc/self/cmdline", O_RDONLY);
    ssize_t n = read(fd, a.data(), 16);
    std::printf("read returned %zd (%s)\n", n, n < 0 ? std::strerror(errno) : "ok");
    close(fd);
  } else if (end == "vectored") {
    // Each call fills its own part of `a` from /proc/self/cmdline (the
    // program's path) or a socket carrying "0123456789abcdef".
    uint8_t* p = a.data();
    int fd = open("/proc/self/cmdline", O_RDONLY);
    iovec two[2] = {{p, 8}, {p + 8192, 8}};  // two pages
    std::printf("readv returned %zd\n", readv(fd, two, 2));
    std::printf("pread64 returned %zd\n", pread64(fd, p + 16384, 16, 0));
    close(fd);
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) return 2;
    const char kBytes[] = "0123456789abcdef0123456789abcdef";
    if (write(pair[0], kBytes, 32) != 32) return 2;
    std::printf("recvfrom returned %zd\n", recvfrom(pair[1], p + 24576, 16, 0, nullptr, nullptr));
    iovec one[1] = {{p + 32768, 16}};
    msghdr msg{};
    msg.msg_iov = one;
    msg.msg_iovlen = 1;
    std::printf("recvmsg returned %zd\n", recvmsg(pair[1], &msg, 0));
    close(pair[0]);
    close(pair[1]);
  }
  return 0;
}
