#include "channels/simulator/simulator.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "channels/common/fail_safe.h"
#include "channels/common/flow_channel.h"
#include "common/overloaded.h"
#include "core/flow/lex_bot.h"
#include "core/flow/session.h"
#include "core/phone.h"
#include "core/verdict.h"

namespace callgate::app {

namespace {

using nlohmann::json;

std::string newContactId() {
  // Only needs to be unique enough to tell calls apart in the logs.
  const auto t = std::chrono::steady_clock::now().time_since_epoch().count();
  return "sim-" + std::to_string(t);
}

class Console {
 public:
  Console(std::ostream& out, bool asJson, bool echoInput)
      : out_(out), json_(asJson), echo_(echoInput) {}

  void prompt(const flow::PlayPrompt& p) {
    const std::string text = p.promptId.empty() ? p.text : "[prompt " + p.promptId + "]";
    if (json_)
      emit({{"type", "prompt"}, {"text", text}, {"ssml", p.ssml}});
    else
      out_ << "callgate> " << text << "\n";
  }
  void inputRequest(const flow::CollectDigits& c) {
    if (json_) {
      emit({{"type", "input"},
            {"maxDigits", c.maxDigits},
            {"terminator", c.terminator},
            {"timeoutSeconds", c.timeoutSeconds}});
    } else {
      out_ << "keypad (up to " << c.maxDigits << " digits"
           << (c.terminator.empty() ? "" : ", " + c.terminator + " ends") << ")> ";
    }
    out_.flush();
  }
  // What the caller keyed, as a terminal would have shown it while typing.
  void keyed(const std::string& digits) {
    if (json_ || !echo_) return;
    out_ << (digits.empty() ? "(no input)" : digits) << "\n";
  }
  void intentRequest(const flow::RecognizeIntent& r) {
    if (json_) {
      emit(
          {{"type", "intent_input"}, {"bot", r.bot->name()}, {"timeoutSeconds", r.timeoutSeconds}});
    } else {
      out_ << "say (bot " << r.bot->name() << "; words, or keys then #)> ";
    }
    out_.flush();
  }
  void intent(const flow::IntentRecognized& heard) {
    if (json_) {
      emit({{"type", "intent"},
            {"name", heard.intent},
            {"slots", heard.slots},
            {"confidence", heard.confidence}});
    } else {
      out_ << "(intent " << heard.intent;
      for (const auto& [k, v] : heard.slots) out_ << " " << k << "=" << (v.empty() ? "-" : v);
      out_ << ")\n";
    }
  }
  void function(const std::string& name, const StringMap& result) {
    if (json_) emit({{"type", "function"}, {"name", name}, {"result", result}});
  }
  void functionError(const std::string& name, const std::string& reason) {
    if (json_)
      emit({{"type", "function_error"}, {"name", name}, {"error", reason}});
    else
      out_ << "(function " << name << " failed: " << reason << ")\n";
  }
  void transfer(const flow::TransferToQueue& t) {
    if (json_) {
      emit({{"type", "transfer"}, {"queue", t.queue}, {"attributes", t.attributes}});
      return;
    }
    out_ << "*** transferred to queue '" << t.queue << "'\n";
    for (const auto& [k, v] : t.attributes) out_ << "    " << k << " = " << v << "\n";
  }
  void transfer(const flow::TransferToNumber& t) {
    if (json_) {
      json event{{"type", "transfer_number"},
                 {"number", t.number},
                 {"timeoutSeconds", t.timeoutSeconds},
                 {"attributes", t.attributes}};
      if (!t.callerIdNumber.empty()) event["callerIdNumber"] = t.callerIdNumber;
      if (!t.callerIdName.empty()) event["callerIdName"] = t.callerIdName;
      if (!t.dtmfDigits.empty()) event["dtmfDigits"] = t.dtmfDigits;
      emit(event);
      return;
    }
    // The simulator is the operator's own console: the whole number is shown, never logged.
    out_ << "*** transferred to phone number " << t.number << " (rings " << t.timeoutSeconds
         << " s";
    if (!t.callerIdNumber.empty()) out_ << ", caller ID " << t.callerIdNumber;
    if (!t.dtmfDigits.empty()) out_ << ", then keys " << t.dtmfDigits;
    out_ << ")\n";
  }
  void hangup(const std::string& reason) {
    if (json_)
      emit({{"type", "hangup"}, {"reason", reason}});
    else
      out_ << "*** call ended: " << reason << "\n";
  }

 private:
  void emit(const json& event) { out_ << event.dump() << "\n" << std::flush; }
  std::ostream& out_;
  bool json_;
  bool echo_;
};

flow::Event invoke(const flow::InvokeFunction& call, const FunctionRegistry& functions,
                   const SimulatedCall& sim, const flow::Session& session, Console& console,
                   CallFailSafe& failSafe) {
  Function* fn = functions.resolve(call.function);
  if (!fn) {
    failSafe.functionFailed();
    return flow::FunctionFailed{"no function named " + call.function};
  }
  auto result = invokeLogged(*fn, functionRequest(session, sim.attestation, call));
  if (!result.ok()) {
    failSafe.functionFailed();
    console.functionError(call.function, result.error().message());
    return flow::FunctionFailed{result.error().message()};
  }
  console.function(call.function, *result);
  return flow::FunctionCompleted{*result};
}

}  // namespace

std::string keypadDigits(const std::string& line, const std::string& terminator, int maxDigits) {
  std::string digits;
  for (char c : line) {
    if (!terminator.empty() && c == terminator[0]) break;
    if ((c >= '0' && c <= '9') || c == '*' || c == '#') digits.push_back(c);
    if (static_cast<int>(digits.size()) >= maxDigits) break;
  }
  return digits;
}

int runSimulatedCall(std::shared_ptr<const flow::Flow> flow, const FunctionRegistry& functions,
                     const SimulatedCall& call, std::istream& in, std::ostream& out) {
  const std::string contactId = newContactId();
  flow::CallInfo info;
  info.contactId = contactId;
  info.customerAddress = call.from;
  info.systemAddress = call.to;
  info.languageCode = call.language;
  flow::Session session(std::move(flow), info);
  Console console(out, call.json, call.echoInput);
  spdlog::info("event=call_start contact={} channel=simulator from={} attestation={}", contactId,
               maskPhone(call.from), attestationName(call.attestation));

  CallFailSafe failSafe;
  flow::Action action = session.start();
  // The next event for the session, or the run's exit code once the call has ended.
  using Next = std::variant<flow::Event, int>;
  while (true) {
    logFlowSteps(session, contactId);
    // One handler per action type: a new type does not compile until it is handled here.
    Next next = std::visit(
        Overloaded{
            [&](const flow::PlayPrompt& play) -> Next {
              console.prompt(play);
              return flow::PromptPlayed{};
            },
            [&](const flow::CollectDigits& collect) -> Next {
              console.prompt(collect.prompt);
              console.inputRequest(collect);
              std::string line;
              if (!std::getline(in, line)) return flow::CallerHungUp{};
              const std::string digits = keypadDigits(line, collect.terminator, collect.maxDigits);
              console.keyed(digits);
              if (digits.empty()) return flow::InputTimedOut{};
              return flow::DigitsCollected{digits};
            },
            [&](const flow::InvokeFunction& fn) -> Next {
              return invoke(fn, functions, call, session, console, failSafe);
            },
            // Lex bots: the typed line is what the caller said; a line of keys only (digits, *,
            // #) is what they keyed.
            [&](const flow::RecognizeIntent& recognize) -> Next {
              console.prompt(recognize.prompt);
              console.intentRequest(recognize);
              std::string line;
              if (!std::getline(in, line)) return flow::CallerHungUp{};
              console.keyed(line);
              if (line.find_first_not_of(" \t\r") == std::string::npos)
                return flow::InputTimedOut{};
              const bool keysOnly =
                  line.find_first_not_of("0123456789*# \t\r") == std::string::npos;
              flow::IntentRecognized heard =
                  keysOnly ? flow::intentFromKeys(*recognize.bot, keypadDigits(line, "#", 64))
                           : flow::intentFromWords(*recognize.bot, line, "text");
              console.intent(heard);
              return heard;
            },
            [&](const flow::TransferToQueue& transfer) -> Next {
              console.transfer(transfer);
              spdlog::info("event=call_end contact={} outcome=transfer queue={} authenticated={}",
                           contactId, transfer.queue,
                           verdictValue(transfer.attributes, kAuthenticatedKey));
              return 0;
            },
            [&](const flow::TransferToNumber& transfer) -> Next {
              console.transfer(transfer);
              spdlog::info("event=call_end contact={} outcome=transfer_number number={}", contactId,
                           maskPhone(transfer.number));
              return 0;
            },
            [&](const flow::Disconnect& hangup) -> Next {
              console.hangup(hangup.reason);
              spdlog::log(hangup.flowError() ? spdlog::level::warn : spdlog::level::info,
                          "event=call_end contact={} outcome=disconnect reason=\"{}\"", contactId,
                          hangup.reason);
              return hangup.flowError() ? 1 : 0;
            },
        },
        action);
    if (const int* exitCode = std::get_if<int>(&next)) return *exitCode;
    action = session.handle(std::get<flow::Event>(next));
    if (auto handoff = failSafe.divert(action, contactId, session.state().queue)) {
      // The caller is told and handed over unverified, as on SIP and Twilio; the run still
      // fails, so that the flow's missing Error branch is noticed.
      logFlowSteps(session, contactId);
      console.prompt(handoff->notice);
      console.transfer(handoff->transfer);
      spdlog::info("event=call_end contact={} outcome=transfer queue={} authenticated=False",
                   contactId, handoff->transfer.queue);
      return 1;
    }
  }
}

}  // namespace callgate::app
