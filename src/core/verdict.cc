#include "core/verdict.h"

#include <algorithm>
#include <set>

#include "common/text.h"

namespace callgate {
namespace {

bool isVerdictKey(std::string_view key) {
  return std::find(kVerdictKeys.begin(), kVerdictKeys.end(), key) != kVerdictKeys.end();
}

}  // namespace

bool isAuthenticated(const VerdictAttributes& attributes) {
  auto it = attributes.find(std::string(kAuthenticatedKey));
  return it != attributes.end() && it->second == kTrue;
}

std::string_view verdictValue(const VerdictAttributes& attributes, std::string_view key,
                              std::string_view absent) {
  auto it = attributes.find(std::string(key));
  return it == attributes.end() ? absent : std::string_view(it->second);
}

VerdictAttributes agentAttributes(const VerdictAttributes& attributes) {
  if (isAuthenticated(attributes)) return attributes;
  VerdictAttributes out;
  for (std::string_view key : kVerdictKeys) {
    auto it = attributes.find(std::string(key));
    if (it != attributes.end()) out.insert(*it);
  }
  // Always a verdict: a flow that never decided (one written for Connect that sets no
  // "authenticated") hands over an unauthenticated caller, said as such.
  out[std::string(kAuthenticatedKey)] = std::string(kFalse);
  return out;
}

std::string verdictHeaderName(std::string_view key) {
  if (key.empty() || key.size() > 64) return {};
  for (char c : key) {
    const bool ok =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    if (!ok) return {};
  }
  if (key == kAuthenticatedKey) return "X-Callgate-Auth";
  if (key == kAuthMethodKey) return "X-Callgate-Auth-Method";
  return "X-Callgate-" + std::string(key);
}

HeaderFields orderedVerdictFields(const VerdictAttributes& agentAttributes) {
  HeaderFields out;
  // Header names are case-insensitive: an attribute "auth" (X-Callgate-auth) must not pose as
  // the verdict's X-Callgate-Auth, nor "firstname" repeat "firstName". The first name wins.
  std::set<std::string> seen;
  auto add = [&](std::string name, const std::string& value) {
    if (!name.empty() && seen.insert(toLowerAscii(name)).second) {
      out.emplace_back(std::move(name), value);
    }
  };
  for (std::string_view key : kVerdictKeys) {
    auto it = agentAttributes.find(std::string(key));
    if (it != agentAttributes.end()) add(verdictHeaderName(key), it->second);
  }
  // The verdict's names stay reserved even when a verdict key is absent, and so does the signed
  // verdict's header: an attribute "Verdict" must not pose as X-Callgate-Verdict.
  for (std::string_view key : kVerdictKeys) seen.insert(toLowerAscii(verdictHeaderName(key)));
  seen.insert(toLowerAscii(kVerdictHeader));
  for (const auto& [key, value] : agentAttributes) {
    if (!isVerdictKey(key)) add(verdictHeaderName(key), value);
  }
  return out;
}

}  // namespace callgate
