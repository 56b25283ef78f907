// The one place that picks concrete adapters from the config and wires them to the functions
// (DESIGN §2). A Services object owns everything it built; destroy it last.
#pragma once

#include <memory>

#include "app/config.h"
#include "core/flow/flow.h"
#include "functions/function.h"

namespace callgate {
class SqliteDatabase;
class CustomerStore;
class ChallengeStore;
class SmsSender;
class CodeHasher;
class Random;
class Clock;
class AuditLog;
class VoiceSessionStore;
}  // namespace callgate

namespace callgate::twilio_voice {
class TwilioVoiceRuntime;
}  // namespace callgate::twilio_voice

namespace callgate::app {

struct Services {
  Services();
  ~Services();
  std::unique_ptr<Clock> clock;
  std::unique_ptr<Random> random;
  std::unique_ptr<SqliteDatabase> db;
  std::unique_ptr<CustomerStore> customers;
  std::unique_ptr<ChallengeStore> challenges;
  std::unique_ptr<VoiceSessionStore> voiceSessions;
  std::unique_ptr<SmsSender> sms;
  std::unique_ptr<CodeHasher> hasher;
  std::unique_ptr<AuditLog> audit;
  FunctionRegistry functions;
};

// Opens (creating on first run) the database, the SMS sink, the OTP key and the audit log.
Result<std::unique_ptr<Services>> buildServices(const Config& config);

// Only the database, for commands that just manage customers.
Result<std::unique_ptr<Services>> buildStorage(const Config& config);

// The Twilio voice channel over `services` (which must outlive it): loads the default flow and
// every [twilio.numbers] flow, and resolves [twilio.queues] / default_agent.
Result<std::unique_ptr<twilio_voice::TwilioVoiceRuntime>> buildTwilioVoice(const Config& config,
                                                                           Services& services);

// A relative flow path is looked up in the working directory, then beside the build or install
// tree of the running binary.
std::string locateFlowFile(const std::string& path);

// Loads and validates a flow file against the built-in functions and the config's map.
Result<std::shared_ptr<const flow::Flow>> loadFlowFile(const std::string& path, const Config& config);

}  // namespace callgate::app
