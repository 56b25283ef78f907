// Session::snapshot / Session::restore: the whole session state as JSON, so a channel that answers
// each step in a separate HTTP request (Twilio webhooks) can park a call between requests.
// restore() treats the snapshot as untrusted input: every field is type- and range-checked against
// the flow, and nothing throws.
#include <exception>
#include <utility>

#include "core/flow/blocks_contact.h"
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

// The ContactState fields beyond the original five (customer profile, Lex, flow attributes,
// callback number).
Status readExtendedState(const Json& snapshot, ContactState& state) {
  Result<std::map<std::string, std::string>> customer = readOptionalStringMap(snapshot, "customer");
  if (!customer.ok()) return customer.error();
  state.customer = std::move(customer).value();
  Result<LexState> lex = readLex(snapshot);
  if (!lex.ok()) return lex.error();
  state.lex = std::move(lex).value();
  Result<std::map<std::string, std::string>> flowAttributes =
      readOptionalStringMap(snapshot, "flowAttributes");
  if (!flowAttributes.ok()) return flowAttributes.error();
  state.flowAttributes = std::move(flowAttributes).value();
  Result<std::map<std::string, std::string>> moduleInput =
      readOptionalStringMap(snapshot, "moduleInput");
  if (!moduleInput.ok()) return moduleInput.error();
  state.moduleInput = std::move(moduleInput).value();
  Result<std::map<std::string, std::string>> moduleResult =
      readOptionalStringMap(snapshot, "moduleResult");
  if (!moduleResult.ok()) return moduleResult.error();
  state.moduleResult = std::move(moduleResult).value();
  Result<std::string> queueArn = readOptionalString(snapshot, "queueArn");
  if (!queueArn.ok()) return queueArn.error();
  state.queueArn = std::move(queueArn).value();
  Result<std::string> callback = readOptionalString(snapshot, "callbackNumber");
  if (!callback.ok()) return callback.error();
  state.callbackNumber = std::move(callback).value();
  return okStatus();
}

Json flowRef(const Flow& flow) {
  return {{"name", flow.info().name}, {"fingerprint", flow.fingerprint()}};
}

// A flow the call moved to, by name and fingerprint in the start flow's library.
Result<std::shared_ptr<const Flow>> readFlowRef(const Json& ref,
                                                const std::shared_ptr<const FlowLibrary>& library,
                                                const char* what) {
  if (!ref.is_object()) return bad(std::string(what) + " must be an object");
  Result<std::string> name = readString(ref, "name");
  if (!name.ok()) return name.error();
  Result<std::string> fingerprint = readString(ref, "fingerprint");
  if (!fingerprint.ok()) return fingerprint.error();
  std::shared_ptr<const Flow> flow = library ? library->find(*name) : nullptr;
  if (!flow || flow->fingerprint() != *fingerprint)
    flow = library ? library->findByFingerprint(*fingerprint) : nullptr;
  if (!flow) {
    return Error::failedPrecondition("session snapshot: flow '" + *name +
                                     "' is not loaded (or has changed)");
  }
  return flow;
}

Result<std::map<std::string, int>> readLoops(const Json& obj, const Flow& flow) {
  auto loopsIt = obj.find("loops");
  if (loopsIt == obj.end() || !loopsIt->is_object()) return bad("loops must be an object");
  std::map<std::string, int> loops;
  for (auto it = loopsIt->begin(); it != loopsIt->end(); ++it) {
    const Block* block = flow.find(it.key());
    if (!it->is_number_integer()) return bad("loop counter must be an integer");
    long long n = it->get<long long>();
    // contact actions: MessageParticipantIteratively keeps its message index here
    if (block != nullptr && block->type == BlockType::kMessageParticipantIteratively) {
      if (!contact::validCounter(*block, n))
        return bad("counter out of range for '" + it.key() + "'");
      loops[it.key()] = static_cast<int>(n);
      continue;
    }
    if (block == nullptr || block->type != BlockType::kLoop)
      return bad("loops names no Loop '" + it.key() + "'");
    if (n < 0 || n > std::get<LoopParams>(block->params).count)
      return bad("loop counter out of range");
    loops[it.key()] = static_cast<int>(n);
  }
  return loops;
}

Json loopsJson(const std::map<std::string, int>& loops) {
  Json out = Json::object();
  for (const auto& [id, n] : loops) out[id] = n;
  return out;
}

}  // namespace

Json Session::snapshot() const {
  Json s = Json::object();
  s["format"] = kFormat;
  s["flow"] = origin_ ? origin_->fingerprint() : std::string();
  // Only when the call has moved on (TransferToFlow, a module), so snapshots of calls that stay
  // in one flow read as before.
  if (flow_ && flow_ != origin_) s["currentFlow"] = flowRef(*flow_);
  if (!frames_.empty()) {
    Json frames = Json::array();
    for (const Frame& f : frames_) {
      frames.push_back({{"flow", flowRef(*f.flow)},
                        {"invoke", f.flow->blocks()[f.invoke].id},
                        {"flowAttributes", stringMap(f.flowAttributes)},
                        {"loops", loopsJson(f.loops)},
                        {"moduleInput", stringMap(f.moduleInput)}});
    }
    s["frames"] = std::move(frames);
  }
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
  s["queueArn"] = state_.queueArn;
  s["customer"] = stringMap(state_.customer);
  s["lex"] = lexJson(state_.lex);
  s["flowAttributes"] = stringMap(state_.flowAttributes);
  s["moduleInput"] = stringMap(state_.moduleInput);
  s["moduleResult"] = stringMap(state_.moduleResult);
  s["callbackNumber"] = state_.callbackNumber;
  s["contact"] = contact::settingsToJson(state_.contact);  // contact actions
  s["loops"] = loopsJson(loops_);
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
    if (auto current = snapshot.find("currentFlow"); current != snapshot.end()) {
      Result<std::shared_ptr<const Flow>> moved =
          readFlowRef(*current, session.library_, "currentFlow");
      if (!moved.ok()) return moved.error();
      session.flow_ = std::move(moved).value();
    }
    if (auto frames = snapshot.find("frames"); frames != snapshot.end()) {
      if (!frames->is_array() || frames->size() > kMaxModuleDepth)
        return bad("frames must be a list of at most " + std::to_string(kMaxModuleDepth));
      for (const Json& f : *frames) {
        if (!f.is_object()) return bad("each frame must be an object");
        auto ref = f.find("flow");
        if (ref == f.end()) return bad("frame.flow must be an object");
        Result<std::shared_ptr<const Flow>> frameFlow =
            readFlowRef(*ref, session.library_, "frame.flow");
        if (!frameFlow.ok()) return frameFlow.error();
        Result<std::string> invoke = readString(f, "invoke");
        if (!invoke.ok()) return invoke.error();
        std::size_t at = (*frameFlow)->indexOf(*invoke);
        if (at == kNoBlock || (*frameFlow)->blocks()[at].type != BlockType::kInvokeFlowModule)
          return bad("frame.invoke names no InvokeFlowModule '" + *invoke + "'");
        Result<std::map<std::string, std::string>> attrs = readStringMap(f, "flowAttributes");
        if (!attrs.ok()) return attrs.error();
        Result<std::map<std::string, int>> loops = readLoops(f, **frameFlow);
        if (!loops.ok()) return loops.error();
        Result<std::map<std::string, std::string>> input = readOptionalStringMap(f, "moduleInput");
        if (!input.ok()) return input.error();
        session.frames_.push_back(Frame{std::move(frameFlow).value(), at, std::move(attrs).value(),
                                        std::move(loops).value(), std::move(input).value()});
      }
    }
    const std::shared_ptr<const Flow>& running = session.flow_;
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
    if (Status s = readExtendedState(snapshot, session.state_); !s.ok()) return s.error();

    if (auto c = snapshot.find("contact"); c != snapshot.end()) {  // contact actions
      Result<ContactSettings> settings = contact::settingsFromJson(*c);
      if (!settings.ok()) return settings.error();
      session.state_.contact = std::move(settings).value();
    }

    Result<std::map<std::string, int>> loops = readLoops(snapshot, *running);
    if (!loops.ok()) return loops.error();
    session.loops_ = std::move(loops).value();

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
      std::size_t index = session.flow_->indexOf(*current);
      if (index == kNoBlock) return bad("current names no action '" + *current + "'");
      // Only blocks that wait for the channel can be current; describe() rejects the others.
      std::optional<Action> pending = session.describe(session.flow_->blocks()[index]);
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
