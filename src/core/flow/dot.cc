#include "core/flow/dot.h"

#include <string_view>
#include <vector>

#include "core/flow/blocks_contact.h"

namespace callgate::flow {
namespace {

constexpr std::size_t kMaxSummaryBytes = 48;

// Cuts at a UTF-8 character boundary and marks the cut.
std::string shorten(std::string_view text) {
  if (text.size() <= kMaxSummaryBytes) return std::string(text);
  std::size_t cut = kMaxSummaryBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

// Escapes one label line for a DOT double-quoted string.
std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string quote(std::string_view text) { return "\"" + escape(text) + "\""; }

std::string label(const std::vector<std::string>& lines) {
  std::string out = "\"";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += "\\n";
    out += escape(lines[i]);
  }
  return out + "\"";
}

std::string promptSummary(const Prompt& prompt) {
  switch (prompt.kind) {
    case Prompt::Kind::kText:
      return "\u201c" + shorten(prompt.content.source()) + "\u201d";
    case Prompt::Kind::kSsml:
      return "SSML " + shorten(prompt.content.source());
    case Prompt::Kind::kPromptId:
      return "prompt " + shorten(prompt.content.source());
  }
  return "";
}

std::string keys(const NamedTemplates& values) {
  std::string out;
  for (const auto& [key, value] : values) out += (out.empty() ? "" : ", ") + key;
  return shorten(out);
}

std::string summary(const Block& block) {
  switch (block.type) {
    case BlockType::kMessageParticipant:
      return promptSummary(std::get<MessageParticipantParams>(block.params).prompt);
    case BlockType::kGetParticipantInput: {
      const auto& p = std::get<GetParticipantInputParams>(block.params);
      std::string what =
          p.storeInput ? "store up to " + std::to_string(p.maxDigits) + " digits" : "1 key";
      if (!p.terminator.empty()) what += " ending " + p.terminator;
      if (p.speech.enabled) what += ", or spoken";
      return what + ", " + std::to_string(p.timeoutSeconds) + " s";
    }
    case BlockType::kUpdateContactAttributes:
      return "set " + keys(std::get<UpdateContactAttributesParams>(block.params).attributes);
    case BlockType::kCompare:
      return std::get<CompareParams>(block.params).value.path;
    case BlockType::kInvokeLambdaFunction: {
      const auto& p = std::get<InvokeLambdaFunctionParams>(block.params);
      std::string out = (p.dynamicArn ? shorten(p.arn) : p.function) + "()";
      if (!p.parameters.empty()) out += " with " + keys(p.parameters);
      return out;
    }
    case BlockType::kUpdateContactTargetQueue:
      return "queue " +
             shorten(std::get<UpdateContactTargetQueueParams>(block.params).queue.source());
    case BlockType::kTransferContactToQueue:
      return "transfer to queue";
    case BlockType::kDisconnectParticipant:
      return "hang up";
    case BlockType::kLoop:
      return std::to_string(std::get<LoopParams>(block.params).count) + " times";
    case BlockType::kPassThrough:
      return "no effect in callgate";
    // flow control (flowcore)
    case BlockType::kEndFlowExecution:
      return "end flow";
    case BlockType::kTransferToFlow:
      return "to flow " + shorten(std::get<TransferToFlowParams>(block.params).flow.source());
    case BlockType::kInvokeFlowModule:
      return "module " + shorten(std::get<InvokeFlowModuleParams>(block.params).module.source());
    case BlockType::kEndFlowModuleExecution: {
      const auto& p = std::get<EndFlowModuleExecutionParams>(block.params);
      return p.result.empty() ? "return from module" : "return " + shorten(p.result);
    }
    case BlockType::kDistributeByPercentage:
      return "random 1-100";
    case BlockType::kWait:
      return "Error branch on voice";
    case BlockType::kUpdateFlowAttributes:
      return "set " + keys(std::get<UpdateFlowAttributesParams>(block.params).attributes);
    // Routing and data actions (blocks_routing.h).
    case BlockType::kCheckHoursOfOperation: {
      const auto& hours = std::get<CheckHoursOfOperationParams>(block.params).hours;
      return "hours " +
             (hours.source().empty() ? std::string("of the queue") : shorten(hours.source()));
    }
    case BlockType::kCheckMetricData:
      return std::get<CheckMetricDataParams>(block.params).metric;
    case BlockType::kGetCustomerProfile:
      return "customer profile";
    case BlockType::kCreateCallbackContact:
      return "callback request";
    // contact actions (blocks_contact.h)
    case BlockType::kMessageParticipantIteratively:
    case BlockType::kUpdateContactTextToSpeechVoice:
    case BlockType::kUpdateContactData:
    case BlockType::kTagContact:
    case BlockType::kUnTagContact:
    case BlockType::kUpdateContactCallbackNumber:
    case BlockType::kDequeueContactAndTransferToQueue:
    case BlockType::kTransferParticipantToThirdParty:
    case BlockType::kCheckVoiceId:
      return contact::summary(block);
    // Lex bots
    case BlockType::kConnectParticipantWithLexBot: {
      const auto& p = std::get<LexBotParams>(block.params);
      return "bot " + shorten(p.bot ? p.bot->name() : p.dynamicAlias.source());
    }
  }
  return "";
}

std::string nodeStyle(BlockType type) {
  switch (type) {
    case BlockType::kCompare:
      return "shape=diamond, style=\"\"";
    case BlockType::kLoop:
      return "shape=hexagon, style=\"\"";
    case BlockType::kGetParticipantInput:
      return "shape=box, style=\"rounded,filled\", fillcolor=\"#e8f0fe\"";
    case BlockType::kInvokeLambdaFunction:
      return "shape=box, style=\"filled\", fillcolor=\"#fff4d6\"";
    case BlockType::kTransferContactToQueue:
      return "shape=doubleoctagon, style=\"filled\", fillcolor=\"#d9f2d9\"";
    case BlockType::kDisconnectParticipant:
      return "shape=octagon, style=\"filled\", fillcolor=\"#f8d7da\"";
    case BlockType::kPassThrough:
      return "shape=box, style=\"dashed\", color=\"#808080\", fontcolor=\"#606060\"";
    // contact actions (blocks_contact.h)
    case BlockType::kDequeueContactAndTransferToQueue:
    case BlockType::kTransferParticipantToThirdParty:
      return "shape=doubleoctagon, style=\"filled\", fillcolor=\"#d9f2d9\"";
    case BlockType::kCheckVoiceId:
      return "shape=diamond, style=\"\"";
    default:
      return "shape=box, style=\"rounded\"";
  }
}

}  // namespace

std::string toDot(const Flow& flow) {
  std::string out;
  out += "digraph flow {\n";
  out += "  rankdir=TB;\n";
  out += "  node [fontname=\"Helvetica\", fontsize=10];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  out +=
      "  \"__start\" [label=\"start\", shape=circle, style=filled, fillcolor=black, "
      "fontcolor=white];\n";
  out += "  \"__start\" -> " + quote(flow.startBlock().id) + ";\n";
  for (const Block& block : flow.blocks()) {
    out += "  " + quote(block.id) +
           " [label=" + label({block.id, std::string(block.typeName()), summary(block)}) + ", " +
           nodeStyle(block.type) + "];\n";
  }
  for (const Block& block : flow.blocks()) {
    const Transitions& t = block.transitions;
    std::string from = "  " + quote(block.id) + " -> ";
    if (t.next && (block.type != BlockType::kCompare && block.type != BlockType::kLoop)) {
      out += from + quote(t.next->target) + ";\n";
    }
    for (const ConditionBranch& c : t.conditions) {
      std::string test = block.type == BlockType::kLoop
                             ? c.operand
                             : std::string(compareOperatorSymbol(c.op)) + " " + shorten(c.operand);
      out += from + quote(c.next.target) + " [label=" + quote(test) + "];\n";
    }
    for (const ErrorBranch& e : t.errors) {
      out += from + quote(e.next.target) + " [label=" + quote(e.errorType) +
             ", style=dashed, color=\"#c0392b\", fontcolor=\"#c0392b\"];\n";
    }
  }
  out += "}\n";
  return out;
}

}  // namespace callgate::flow
