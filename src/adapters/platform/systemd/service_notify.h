// Telling systemd (a Type=notify unit) where the service is in its life, with sd_notify(3):
// READY=1 once it serves, RELOADING=1 then READY=1 around a SIGHUP reload, STOPPING=1 when a
// drain begins, STATUS= for `systemctl status`. Without NOTIFY_SOCKET (not started by systemd,
// or not a notify unit) every call does nothing and returns false. Never blocks for long (one
// datagram to a local socket). Thread-safety: sd_notify is thread-safe; so are these.
#pragma once

#include <string>

namespace callgate::systemd {

// The raw state lines ("READY=1\nSTATUS=serving"); true when the message was sent.
bool notify(const std::string& state);

// READY=1 with a STATUS line.
bool notifyReady(const std::string& status);
// RELOADING=1 with MONOTONIC_USEC=<now> (systemd 253's Type=notify-reload needs it; older
// versions ignore it). READY=1 must follow when the reload is over, whatever its outcome.
bool notifyReloading();
// STOPPING=1 with a STATUS line.
bool notifyStopping(const std::string& status);
// STATUS= only.
bool notifyStatus(const std::string& status);

}  // namespace callgate::systemd
