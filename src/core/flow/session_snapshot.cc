// Session::snapshot / Session::restore: the whole session state as JSON, so a channel that answers
// each step in a separate HTTP request (Twilio webhooks) can park a call between requests.
// restore() treats the snapshot as untrusted input: every field is type- and range-checked against
// the flow, and nothing throws.
#include <exception>
#include <utility>

#include "core/flow/session.h"

namespace callgate::flow {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kFormat = "callgate.flow.session/1";

Json stringMap(const std::map<std::string, std::string>& m) {
  Json out = Json::object();
  for (const auto& [k, v] : m) out[k] = v;
  return out;
}

Error bad(const std::string& what) { return Error::invalidArgument("session snapshot: " + what); }

// The end's why as whyName() wrote it. Snapshots parked before the field existed have only the
// reason, whose "flow error" prefix then says which.
Result<Disconnect::Why> readWhy(const Json& obj, const std::string& reason) {
  auto it = obj.find("endWhy");
  if (it == obj.end()) {
    if (reason.starts_with("flow error")) return Disconnect::Why::kFlowError;
    if (reason == "caller hung up") return Disconnect::Why::kCallerHungUp;
    if (reason == "call transferred") return Disconnect::Why::kTransferred;
    return Disconnect::Why::kFlowEnded;
  }
  if (it->is_string()) {
    for (Disconnect::Why why : {Disconnect::Why::kFlowEnded, Disconnect::Why::kCallerHungUp,
                                Disconnect::Why::kTransferred, Disconnect::Why::kFlowError}) {
      if (it->get<std::string>() == whyName(why)) return why;
    }
  }
  return bad("endWhy must be one of flow-ended, caller-hung-up, transferred, flow-error");
}

Result<std::string> readString(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return bad(std::string(key) + " must be a string");
  return it->get<std::string>();
}

Result<int> readInt(const Json& obj, const char* key, int min, int max) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer())
    return bad(std::string(key) + " must be an integer");
  long long v = it->get<long long>();
  if (v < min || v > max) return bad(std::string(key) + " is out of range");
  return static_cast<int>(v);
}

Result<std::map<std::string, std::string>> readStringMap(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_object()) return bad(std::string(key) + " must be an object");
  std::map<std::string, std::string> out;
  for (auto e = it->begin(); e != it->end(); ++e) {
    if (!e->is_string()) return bad(std::string(key) + "." + e.key() + " must be a string");
    out[e.key()] = e->get<std::string>();
  }
  return out;
}

// Fields added after the first format: absent in snapshots parked by an older build, which read
// as empty rather than failing the call.
Result<std::map<std::string, std::string>> readOptionalStringMap(const Json& obj, const char* key) {
  if (!obj.contains(key)) return std::map<std::string, std::string>();
  return readStringMap(obj, key);
}

Result<std::string> readOptionalString(const Json& obj, const char* key) {
  if (!obj.contains(key)) return std::string();
  return readString(obj, key);
}

Json lexJson(const LexState& lex) {
  return {{"intentName", lex.intentName},
          {"intentConfidence", lex.intentConfidence},
          {"sentimentLabel", lex.sentimentLabel},
          {"slots", stringMap(lex.slots)},
          {"sessionAttributes", stringMap(lex.sessionAttributes)}};
}

Result<LexState> readLex(const Json& obj) {
  LexState lex;
  auto it = obj.find("lex");
  if (it == obj.end()) return lex;
  if (!it->is_object()) return bad("lex must be an object");
  std::string* fields[] = {&lex.intentName, &lex.intentConfidence, &lex.sentimentLabel};
  const char* keys[] = {"intentName", "intentConfidence", "sentimentLabel"};
  for (std::size_t i = 0; i < std::size(keys); ++i) {
    Result<std::string> v = readOptionalString(*it, keys[i]);
    if (!v.ok()) return v.error();
    *fields[i] = std::move(v).value();
  }
  Result<std::map<std::string, std::string>> slots = readOptionalStringMap(*it, "slots");
  if (!slots.ok()) return slots.error();
  lex.slots = std::move(slots).value();
  Result<std::map<std::string, std::string>> session =
      readOptionalStringMap(*it, "sessionAttributes");
  if (!session.ok()) return session.error();
  lex.sessionAttributes = std::move(session).value();
  return lex;
}

}  // namespace

Json Session::snapshot() const {
  Json s = Json::object();
  s["format"] = kFormat;
  s["flow"] = flow_ ? flow_->fingerprint() : std::string();
  s["phase"] = phase_ == Phase::kNew ? "new" : phase_ == Phase::kWaiting ? "waiting" : "finished";
  s["current"] = phase_ == Phase::kWaiting ? Json(flow_->blocks()[current_].id) : Json(nullptr);
  s["call"] = {{"contactId", state_.call.contactId},
               {"customerAddress", state_.call.customerAddress},
               {"systemAddress", state_.call.systemAddress},
               {"channel", state_.call.channel},
               {"languageCode", state_.call.languageCode}};
  s["attributes"] = stringMap(state_.attributes);
  s["external"] = stringMap(state_.external);
  s["storedCustomerInput"] = state_.storedCustomerInput;
  s["queue"] = state_.queue;
  s["lex"] = lexJson(state_.lex);
  Json loops = Json::object();
  for (const auto& [id, n] : loops_) loops[id] = n;
  s["loops"] = std::move(loops);
  s["endReason"] = endReason_;
  s["endWhy"] = whyName(endWhy_);
  const auto* transfer = last_ ? std::get_if<TransferToQueue>(&*last_) : nullptr;
  s["transferQueue"] =
      phase_ == Phase::kFinished && transfer ? Json(transfer->queue) : Json(nullptr);
  s["stepsWithoutInput"] = stepsWithoutInput_;
  s["totalSteps"] = totalSteps_;
  Json steps = Json::array();
  for (const Step& step : steps_) {
    steps.push_back({{"actionId", step.actionId}, {"type", step.type}, {"outcome", step.outcome}});
  }
  s["steps"] = std::move(steps);
  return s;
}

Result<Session> Session::restore(std::shared_ptr<const Flow> flow, const Json& snapshot) {
  try {
    if (!flow) return Error::invalidArgument("session snapshot: no flow given");
    if (!snapshot.is_object()) return bad("must be a JSON object");
    Result<std::string> format = readString(snapshot, "format");
    if (!format.ok()) return format.error();
    if (*format != kFormat) return bad("unknown format '" + *format + "'");
    Result<std::string> fingerprint = readString(snapshot, "flow");
    if (!fingerprint.ok()) return fingerprint.error();
    if (*fingerprint != flow->fingerprint()) {
      return Error::failedPrecondition("session snapshot was taken from a different flow");
    }

    Session session(flow);
    auto callIt = snapshot.find("call");
    if (callIt == snapshot.end() || !callIt->is_object()) return bad("call must be an object");
    std::string* callFields[] = {&session.state_.call.contactId,
                                 &session.state_.call.customerAddress,
                                 &session.state_.call.systemAddress, &session.state_.call.channel,
                                 &session.state_.call.languageCode};
    const char* callKeys[] = {"contactId", "customerAddress", "systemAddress", "channel",
                              "languageCode"};
    for (std::size_t i = 0; i < std::size(callKeys); ++i) {
      Result<std::string> v = readString(*callIt, callKeys[i]);
      if (!v.ok()) return v.error();
      *callFields[i] = std::move(v).value();
    }
    Result<std::map<std::string, std::string>> attributes = readStringMap(snapshot, "attributes");
    if (!attributes.ok()) return attributes.error();
    session.state_.attributes = std::move(attributes).value();
    Result<std::map<std::string, std::string>> external = readStringMap(snapshot, "external");
    if (!external.ok()) return external.error();
    session.state_.external = std::move(external).value();
    Result<std::string> stored = readString(snapshot, "storedCustomerInput");
    if (!stored.ok()) return stored.error();
    session.state_.storedCustomerInput = std::move(stored).value();
    Result<std::string> queue = readString(snapshot, "queue");
    if (!queue.ok()) return queue.error();
    session.state_.queue = std::move(queue).value();
    Result<LexState> lex = readLex(snapshot);
    if (!lex.ok()) return lex.error();
    session.state_.lex = std::move(lex).value();

    auto loopsIt = snapshot.find("loops");
    if (loopsIt == snapshot.end() || !loopsIt->is_object()) return bad("loops must be an object");
    for (auto it = loopsIt->begin(); it != loopsIt->end(); ++it) {
      const Block* block = flow->find(it.key());
      if (block == nullptr || block->type != BlockType::kLoop)
        return bad("loops names no Loop '" + it.key() + "'");
      if (!it->is_number_integer()) return bad("loop counter must be an integer");
      long long n = it->get<long long>();
      if (n < 0 || n > std::get<LoopParams>(block->params).count)
        return bad("loop counter out of range");
      session.loops_[it.key()] = static_cast<int>(n);
    }

    Result<int> withoutInput = readInt(snapshot, "stepsWithoutInput", 0, kMaxStepsWithoutInput);
    if (!withoutInput.ok()) return withoutInput.error();
    session.stepsWithoutInput_ = *withoutInput;
    Result<int> total = readInt(snapshot, "totalSteps", 0, kMaxStepsPerSession);
    if (!total.ok()) return total.error();
    session.totalSteps_ = *total;

    auto stepsIt = snapshot.find("steps");
    if (stepsIt == snapshot.end() || !stepsIt->is_array()) return bad("steps must be an array");
    if (stepsIt->size() > static_cast<std::size_t>(kMaxStepsPerSession) * 2)
      return bad("too many steps");
    for (const Json& step : *stepsIt) {
      if (!step.is_object()) return bad("each step must be an object");
      Result<std::string> id = readString(step, "actionId");
      if (!id.ok()) return id.error();
      Result<std::string> type = readString(step, "type");
      if (!type.ok()) return type.error();
      Result<std::string> outcome = readString(step, "outcome");
      if (!outcome.ok()) return outcome.error();
      session.steps_.push_back(
          Step{std::move(id).value(), std::move(type).value(), std::move(outcome).value()});
    }

    Result<std::string> endReason = readString(snapshot, "endReason");
    if (!endReason.ok()) return endReason.error();
    session.endReason_ = std::move(endReason).value();
    Result<Disconnect::Why> endWhy = readWhy(snapshot, session.endReason_);
    if (!endWhy.ok()) return endWhy.error();
    session.endWhy_ = *endWhy;

    Result<std::string> phase = readString(snapshot, "phase");
    if (!phase.ok()) return phase.error();
    if (*phase == "new") {
      session.phase_ = Phase::kNew;
    } else if (*phase == "waiting") {
      Result<std::string> current = readString(snapshot, "current");
      if (!current.ok()) return current.error();
      std::size_t index = flow->indexOf(*current);
      if (index == kNoBlock) return bad("current names no action '" + *current + "'");
      // Only blocks that wait for the channel can be current; describe() rejects the others.
      std::optional<Action> pending = session.describe(flow->blocks()[index]);
      if (!pending) return bad("action '" + *current + "' does not wait for the channel");
      session.phase_ = Phase::kWaiting;
      session.current_ = index;
      session.last_ = std::move(*pending);
    } else if (*phase == "finished") {
      session.phase_ = Phase::kFinished;
      auto tq = snapshot.find("transferQueue");
      if (tq != snapshot.end() && tq->is_string()) {
        session.last_ = TransferToQueue{tq->get<std::string>(), session.state_.attributes};
      } else {
        session.last_ = Disconnect{session.endWhy_, session.endReason_, session.state_.attributes};
      }
    } else {
      return bad("unknown phase '" + *phase + "'");
    }
    return session;
  } catch (const std::exception& e) {
    return bad(std::string("unreadable: ") + e.what());
  } catch (...) {
    return bad("unreadable");
  }
}

}  // namespace callgate::flow
