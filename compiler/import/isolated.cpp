#include "import/isolated.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

namespace nnc::onnx_import {

std::optional<std::string> fails_in_child(const std::function<void()>& work, std::chrono::seconds limit) {
  const pid_t child = fork();
  if (child < 0) return fmt::format("cannot start a process to run it in: {}", std::strerror(errno));
  if (child == 0) {
    // A crash report is the parent's to give: no crash handler of the parent's (a sanitizer's, a fuzzer's) runs here.
    for (int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(signal, SIG_DFL);
    if (const int null = open("/dev/null", O_WRONLY); null >= 0) dup2(null, STDERR_FILENO);
    try {
      work();
    } catch (...) {
    }
    _exit(0);  // no exit handlers or stdio buffers of the parent's
  }
  const auto deadline = std::chrono::steady_clock::now() + limit;
  auto pause = std::chrono::microseconds(100);
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (done < 0 && errno != EINTR) return fmt::format("lost the process it ran in: {}", std::strerror(errno));
    if (std::chrono::steady_clock::now() > deadline) {
      kill(child, SIGKILL);
      waitpid(child, &status, 0);
      return fmt::format("did not finish within {} s", limit.count());
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(20'000));
  }
  if (WIFSIGNALED(status)) return fmt::format("crashed with signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
  if (WEXITSTATUS(status) != 0) return fmt::format("crashed (exit status {})", WEXITSTATUS(status));
  return std::nullopt;
}

}  // namespace nnc::onnx_import
