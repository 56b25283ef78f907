#include "app/cli/serve_lifecycle.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <optional>

#include "adapters/platform/log/logging.h"
#include "adapters/platform/systemd/service_notify.h"
#include "app/wiring/sip_channel.h"
#include "app/wiring/wiring.h"
#include "channels/common/readiness.h"
#include "channels/twilio_voice/voice_runtime.h"

namespace callgate::app {

namespace {

using SteadyClock = std::chrono::steady_clock;

// The self-pipe: [0] read by the main thread, [1] written by the handler. Non-blocking both ends:
// a full pipe drops a signal rather than blocking a handler (a burst of signals means the same).
int signalPipe[2] = {-1, -1};

extern "C" void onServeSignal(int signal) {
  const int saved = errno;
  const unsigned char number = static_cast<unsigned char>(signal);
  [[maybe_unused]] const ssize_t written = ::write(signalPipe[1], &number, 1);
  errno = saved;
}

// The next signal within `timeout`, or 0.
int waitForSignal(std::chrono::milliseconds timeout) {
  pollfd p{signalPipe[0], POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return 0;
  unsigned char number = 0;
  return ::read(signalPipe[0], &number, 1) == 1 ? number : 0;
}

size_t activeCalls(const ServeParts& parts) {
  size_t calls = 0;
  if (parts.sip) calls += parts.sip->activeCalls();
  if (parts.twilio) calls += parts.twilio->activeCalls();
  return calls;
}

void startDrain(const ServeParts& parts, int signal) {
  const int seconds = parts.config.lifecycle.drainSeconds;
  parts.readiness.startDraining();
  // Retry-After: by then this node is gone or back; a dispatcher tries another node meanwhile.
  if (parts.sip) parts.sip->drain(std::max(seconds, 1));
  if (parts.twilio) parts.twilio->drain();
  const size_t calls = activeCalls(parts);
  spdlog::info("event=drain_start signal={} calls={} drain_seconds={}", signal, calls, seconds);
  systemd::notifyStopping("draining: " + std::to_string(calls) + " calls in progress");
}

}  // namespace

void installServeSignalHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (::pipe2(signalPipe, O_CLOEXEC | O_NONBLOCK) != 0) {
      spdlog::error("event=signal_pipe_failed errno={}", errno);
      return;
    }
    struct sigaction action {};
    action.sa_handler = onServeSignal;
    action.sa_flags = SA_RESTART;  // other threads' system calls go on undisturbed
    sigemptyset(&action.sa_mask);
    for (int signal : {SIGHUP, SIGINT, SIGTERM}) ::sigaction(signal, &action, nullptr);
  });
}

bool reloadFlows(const ServeParts& parts) {
  systemd::notifyReloading();
  spdlog::info("event=reload_start");
  if (Status logs = reopenLogFile(); !logs.ok()) {
    spdlog::warn("event=log_reopen_failed error=\"{}\"", logs.error().message());
  }
  // Everything loads before anything is swapped: one broken file keeps the whole old set.
  std::optional<flow::FlowCatalog> sipFlows, twilioFlows;
  std::string failure;
  if (parts.sip) {
    auto loaded = loadSipFlows(parts.config);
    if (loaded.ok()) {
      sipFlows = std::move(*loaded);
    } else {
      failure = loaded.error().message();
    }
  }
  if (parts.twilio && failure.empty()) {
    auto loaded = loadTwilioFlows(parts.config);
    if (loaded.ok()) {
      twilioFlows = std::move(*loaded);
    } else {
      failure = loaded.error().message();
    }
  }
  bool replaced = false;
  if (!failure.empty()) {
    parts.readiness.setLastReload(Readiness::Reload::kFailed);
    spdlog::error("event=reload_failed kept=previous_flows error=\"{}\"", failure);
  } else {
    size_t flows = 0;
    if (sipFlows) {
      flows += sipFlows->byName.size();
      parts.sip->replaceFlows(std::move(*sipFlows));
    }
    if (twilioFlows) {
      flows += twilioFlows->byName.size();
      parts.twilio->flowSource().replace(std::move(*twilioFlows));
    }
    parts.readiness.setLastReload(Readiness::Reload::kOk);
    spdlog::info("event=reload_done flows={}", flows);
    replaced = true;
  }
  systemd::notifyReady(replaced ? "serving; flows reloaded"
                                : "serving; reload failed, previous flows kept (see the log)");
  return replaced;
}

void runUntilStopped(const ServeParts& parts) {
  installServeSignalHandlers();
  std::optional<SteadyClock::time_point> drainUntil;
  for (;;) {
    // While draining, look at the calls often: serve exits soon after the last one ends.
    const int signal = waitForSignal(drainUntil ? std::chrono::milliseconds(100)
                                                : std::chrono::milliseconds(1000));
    if (signal == SIGHUP) {
      reloadFlows(parts);
    } else if (signal == SIGTERM || signal == SIGINT) {
      if (drainUntil) {
        spdlog::info("event=drain_cut_short signal={} calls={}", signal, activeCalls(parts));
        return;
      }
      startDrain(parts, signal);
      drainUntil = SteadyClock::now() + std::chrono::seconds(parts.config.lifecycle.drainSeconds);
    }
    if (!drainUntil) {
      parts.readiness.refresh();
      continue;
    }
    const size_t calls = activeCalls(parts);
    if (calls == 0) {
      spdlog::info("event=drain_done");
      return;
    }
    if (SteadyClock::now() >= *drainUntil) {
      spdlog::info("event=drain_timeout calls={}", calls);
      return;
    }
  }
}

}  // namespace callgate::app
