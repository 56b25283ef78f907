// What `serve` does between start and exit: it waits for signals and acts on them.
//
//   SIGHUP          reopen the log file ([log] file), load every flow again and forget the cached
//                   prompts. All flows load, or none is swapped in: a flow that fails validation
//                   is logged (event=reload_failed with the reason) and the old set stays in
//                   force. Calls in progress keep the flow they started with.
//   SIGTERM/SIGINT  drain: /readyz and SIP OPTIONS answer 503, new INVITEs 503 + Retry-After,
//                   new Twilio calls <Reject reason="busy"/>; calls in progress go on until the
//                   last one ends or [server] drain_seconds pass, then serve stops as before (BYE
//                   to the calls left). A second SIGTERM/SIGINT during the drain stops at once.
//
// Once a second (more often while draining) it also refreshes the readiness probe (the database
// ping SIP OPTIONS answers from). systemd hears READY=1, RELOADING=1 / READY=1 around a reload
// and STOPPING=1 at the drain (sd_notify; nothing without NOTIFY_SOCKET).
//
// Why a handler and a pipe, not sigwait: libraries start threads of their own (libsecsipid's Go
// runtime starts several when it is loaded, before main) with every signal unblocked, so
// blocking the signals in our threads cannot keep them from a thread where the default action
// would kill the process. A process-wide handler runs on whichever thread gets the signal and
// only writes its number to a pipe; the main thread reads the pipe. Runs on the main thread.
#pragma once

#include "app/config/config.h"

namespace callgate {
class Readiness;
}  // namespace callgate
namespace callgate::twilio_voice {
class TwilioVoiceRuntime;
}  // namespace callgate::twilio_voice

namespace callgate::app {

class SipChannel;

// What the loop acts on; borrowed. sip and twilio are null when not configured.
struct ServeParts {
  const Config& config;
  Readiness& readiness;
  SipChannel* sip = nullptr;
  twilio_voice::TwilioVoiceRuntime* twilio = nullptr;
};

// Installs the handlers for SIGHUP, SIGINT and SIGTERM (see above). Call it early, before the
// config is read (the CLI does); calling it again is harmless. Until runUntilStopped() reads
// them, the signals wait in the pipe.
void installServeSignalHandlers();

// Returns when serve should stop: after a drain, or at a second stop signal.
void runUntilStopped(const ServeParts& parts);

// The SIGHUP work (log file, flows, prompts), for the loop and tests; true when the flows were
// replaced.
bool reloadFlows(const ServeParts& parts);

}  // namespace callgate::app
