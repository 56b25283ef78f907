#include "core/sms_message.h"

namespace callgate {

int smsStatusRank(std::string_view s) {
  if (s == "submitting") return 0;  // ours, before the provider answered
  if (s == "queued" || s == "accepted" || s == "scheduled") return 1;
  if (s == "sent") return 3;
  if (s == "delivered" || s == "undelivered" || s == "failed" || s == "canceled" || s == "read" ||
      s == "partially_delivered") {
    return 4;
  }
  return 2;  // anything else a provider reports sits between accepted and sent
}

bool mayReplaceStatus(std::string_view current, std::string_view next) {
  return smsStatusRank(next) >= smsStatusRank(current);
}

}  // namespace callgate
