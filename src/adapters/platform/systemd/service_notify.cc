#include "adapters/platform/systemd/service_notify.h"

#include <systemd/sd-daemon.h>

#include <ctime>

namespace callgate::systemd {

namespace {

// STATUS is one line: a newline would start another assignment.
std::string oneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

}  // namespace

bool notify(const std::string& state) {
  // unset_environment = 0: the variable stays for later notifications.
  return sd_notify(0, state.c_str()) > 0;
}

bool notifyReady(const std::string& status) { return notify("READY=1\nSTATUS=" + oneLine(status)); }

bool notifyReloading() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const long long usec = static_cast<long long>(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
  return notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

bool notifyStopping(const std::string& status) {
  return notify("STOPPING=1\nSTATUS=" + oneLine(status));
}

bool notifyStatus(const std::string& status) { return notify("STATUS=" + oneLine(status)); }

}  // namespace callgate::systemd
