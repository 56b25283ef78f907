#include "core/handoff.h"

#include "core/verdict_token.h"

namespace callgate {

const char* linkActivityName(LinkActivity a) {
  switch (a) {
    case LinkActivity::kNone:
      return "";
    case LinkActivity::kOpened:
      return "opened";
    case LinkActivity::kRedeemed:
      return "redeemed";
    case LinkActivity::kMemberAdded:
      return "member_added";
  }
  return "";
}

LinkActivity parseLinkActivity(std::string_view name) {
  if (name == "opened") return LinkActivity::kOpened;
  if (name == "redeemed") return LinkActivity::kRedeemed;
  if (name == "member_added") return LinkActivity::kMemberAdded;
  return LinkActivity::kNone;
}

bool Handoff::authenticated() const { return !acr.empty() && acr != kAcrNone; }

std::string lastDigitsOf(std::string_view number, size_t count) {
  std::string digits;
  for (char c : number) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  if (digits.size() > count) digits.erase(0, digits.size() - count);
  return digits.empty() ? std::string() : "\u2026" + digits;
}

}  // namespace callgate
