#include "channels/console/agent_pop.h"

#include "channels/web/html_template.h"
#include "common/json_writer.h"
#include "core/verdict_token.h"

namespace callgate::console {

namespace {

void field(std::string& out, std::string_view key, std::string_view value) {
  if (out.size() > 1) out.push_back(',');
  json::appendString(out, key);
  out.push_back(':');
  json::appendString(out, value);
}

void number(std::string& out, std::string_view key, int64_t value) {
  if (out.size() > 1) out.push_back(',');
  json::appendString(out, key);
  out.push_back(':');
  out += std::to_string(value);
}

std::string methodName(std::string_view amr, std::string_view attestation) {
  if (amr == kAmrPin) return "PIN";
  if (amr == kAmrSms) return "SMS code";
  if (amr == kAmrCallerId) {
    return attestation.empty() || attestation == "none"
               ? std::string("Caller ID")
               : "Caller ID (STIR " + std::string(attestation) + ")";
  }
  if (amr == kAmrMfa) return "";  // says only that there were two
  return std::string(amr);
}

std::string linkText(const Handoff& h) {
  switch (h.link) {
    case LinkActivity::kNone:
      return "";
    case LinkActivity::kOpened:
      return "Link opened";
    case LinkActivity::kRedeemed:
      return "Link confirmed";
    case LinkActivity::kMemberAdded:
      return "Member added";
  }
  return "";
}

std::string seconds(int64_t ms) {
  if (ms < 0) return "unknown";
  const int64_t tenths = (ms + 50) / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

void row(std::string& out, std::string_view label, std::string_view value,
         std::string_view cls = {}) {
  if (value.empty()) return;
  out += "<div";
  if (!cls.empty()) {
    out += " class=\"";
    out += cls;
    out += "\"";
  }
  out += "><dt>";
  out += label;
  out += "</dt><dd>";
  out += web::escapeHtml(value);
  out += "</dd></div>";
}

}  // namespace

std::string_view assuranceName(std::string_view acr) {
  const size_t colon = acr.rfind(':');
  return colon == std::string_view::npos ? acr : acr.substr(colon + 1);
}

std::string describeMethods(const Handoff& h) {
  if (!h.authenticated()) return "Not authenticated";
  std::string out;
  for (const std::string& m : h.amr) {
    const std::string name = methodName(m, h.attestation);
    if (name.empty()) continue;
    if (!out.empty()) out += " + ";
    out += name;
  }
  return out.empty() ? std::string("Authenticated") : out;
}

std::string popJson(const Handoff& h) {
  std::string out = "{";
  number(out, "id", h.id);
  number(out, "seq", h.seq);
  field(out, "at", formatRfc3339(h.at));
  field(out, "channel", h.channel);
  field(out, "callId", h.callId);
  field(out, "contactId", h.contactId);
  field(out, "queue", h.queue);
  out += ",\"authenticated\":";
  out += h.authenticated() ? "true" : "false";
  field(out, "acr", h.acr);
  field(out, "level", assuranceName(h.acr));
  out += ",\"amr\":[";
  for (size_t i = 0; i < h.amr.size(); ++i) {
    if (i > 0) out.push_back(',');
    json::appendString(out, h.amr[i]);
  }
  out += "]";
  field(out, "how", describeMethods(h));
  field(out, "attestation", h.attestation);
  field(out, "userId", h.userId);
  field(out, "name", h.displayName);
  field(out, "custLevel", h.level);
  field(out, "language", h.language);
  field(out, "caller", h.callerLast4);
  field(out, "jti", h.jti);
  field(out, "tokenCheck", h.tokenCheck);
  number(out, "timeToVerdictMs", h.timeToVerdictMs);
  field(out, "link", linkActivityName(h.link));
  field(out, "linkAt", h.link == LinkActivity::kNone ? "" : formatRfc3339(h.linkAt));
  out += "}";
  return out;
}

std::string popEvent(const Handoff& h) {
  return "id: " + std::to_string(h.seq) + "\nevent: handoff\ndata: " + popJson(h) + "\n\n";
}

std::string popHtml(const Handoff& h) {
  const bool auth = h.authenticated();
  std::string out = "<li class=\"pop ";
  out += auth ? "pop-auth" : "pop-unauth";
  out += "\" data-handoff=\"" + std::to_string(h.id) + "\" data-seq=\"" + std::to_string(h.seq) +
         "\"><article aria-labelledby=\"pop-" + std::to_string(h.id) + "\"><h2 id=\"pop-" +
         std::to_string(h.id) + "\">";
  out += web::escapeHtml(auth && !h.displayName.empty() ? h.displayName
                         : auth                         ? "Authenticated caller"
                                                        : "Unverified caller");
  out += "</h2><p class=\"verdict\">";
  out += auth ? "<span class=\"badge ok\">Authenticated</span> "
              : "<span class=\"badge warn\">Not authenticated</span> ";
  if (auth)
    out += web::escapeHtml(describeMethods(h) + " (" + std::string(assuranceName(h.acr)) + ")");
  out += "</p><dl>";
  row(out, "Handed over", formatRfc3339(h.at), "at");
  row(out, "Queue", h.queue);
  row(out, "Channel", h.channel);
  row(out, "Caller", h.callerLast4);
  row(out, "User id", h.userId);
  row(out, "Level", h.level);
  row(out, "Language", h.language);
  row(out, "Time to verdict", seconds(h.timeToVerdictMs));
  row(out, "Token check", h.tokenCheck == "valid" ? "valid" : "refused: " + h.tokenCheck,
      h.tokenCheck == "valid" ? "check-ok" : "check-bad");
  row(out, "Link", linkText(h), "link");
  row(out, "Verdict id", h.jti, "jti");
  out += "</dl></article></li>";
  return out;
}

bool isQueueFilter(std::string_view queue) {
  if (queue.empty() || queue.size() > 64) return false;
  for (char c : queue) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace callgate::console
