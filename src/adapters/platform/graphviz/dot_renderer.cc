#include "adapters/platform/graphviz/dot_renderer.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

extern char** environ;

namespace callgate::graphviz {

namespace {

struct Pipe {
  int fds[2] = {-1, -1};
  ~Pipe() { closeBoth(); }
  bool open() { return ::pipe2(fds, O_CLOEXEC) == 0; }
  void close(int end) {
    if (fds[end] >= 0) ::close(fds[end]);
    fds[end] = -1;
  }
  void closeBoth() {
    close(0);
    close(1);
  }
};

std::string firstLine(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > 300) line.resize(300);
  return line;
}

}  // namespace

Result<std::string> renderSvg(std::string_view dot, const DotOptions& options) {
  Pipe in, out, err;
  if (!in.open() || !out.open() || !err.open())
    return Error::unavailable(std::string("dot: pipe: ") + std::strerror(errno));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.fds[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out.fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fds[1], 2);
  std::string program = options.program;
  std::string format = "-Tsvg";
  std::array<char*, 3> argv{program.data(), format.data(), nullptr};
  pid_t pid = -1;
  const int spawned =
      ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return Error::unavailable("cannot run " + options.program +
                              " (is graphviz installed?): " + std::strerror(spawned));
  }
  in.close(0);
  out.close(1);
  err.close(1);
  ::fcntl(in.fds[1], F_SETFL, O_NONBLOCK);

  // Feed stdin and drain stdout and stderr together, so a large graph cannot deadlock on a full
  // pipe either way, until both outputs close or the deadline passes.
  std::string svg, errors;
  size_t written = 0;
  bool tooLarge = false;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  bool timedOut = false;
  while (out.fds[0] >= 0 || err.fds[0] >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timedOut = true;
      break;
    }
    std::vector<pollfd> fds;
    if (in.fds[1] >= 0) fds.push_back({in.fds[1], POLLOUT, 0});
    if (out.fds[0] >= 0) fds.push_back({out.fds[0], POLLIN, 0});
    if (err.fds[0] >= 0) fds.push_back({err.fds[0], POLLIN, 0});
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    for (const pollfd& p : fds) {
      if (p.revents == 0) continue;
      if (p.fd == in.fds[1]) {
        const ssize_t n = ::write(p.fd, dot.data() + written, dot.size() - written);
        if (n > 0) written += static_cast<size_t>(n);
        if (n < 0 && errno != EAGAIN && errno != EINTR) written = dot.size();  // dot went away
        if (written == dot.size()) in.close(1);
        continue;
      }
      std::array<char, 16384> buffer;
      const ssize_t n = ::read(p.fd, buffer.data(), buffer.size());
      if (n > 0) {
        std::string& sink = p.fd == out.fds[0] ? svg : errors;
        sink.append(buffer.data(), static_cast<size_t>(n));
        if (svg.size() > options.maxOutputBytes) tooLarge = true;
        if (errors.size() > 65536) errors.resize(65536);
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        (p.fd == out.fds[0] ? out : err).close(0);
      }
    }
    if (tooLarge) break;
  }
  in.close(1);
  if (timedOut || tooLarge) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timedOut) return Error::unavailable(options.program + " took too long; it was stopped");
  if (tooLarge) return Error::unavailable(options.program + " wrote too large a drawing");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
      return Error::unavailable("cannot run " + options.program);
    return Error::invalidArgument(options.program + " refused the graph: " + firstLine(errors));
  }
  return svg;
}

}  // namespace callgate::graphviz
