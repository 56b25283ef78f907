// GET /console/sms (supervisor+): the newest SMS messages handed to a provider, with where their
// delivery reports left them (core/sms_message.h). The store holds no message text and only the
// masked destination, so nothing on the page can show a code or a whole number. With the outbox
// sender there is no store: the page says so.
#pragma once

#include "adapters/net/http/router.h"
#include "channels/console/console_guard.h"
#include "core/sms_message.h"

namespace callgate::console {

// Borrowed; must outlive the router's server.
struct SmsDeps {
  SmsMessageStore* messages = nullptr;  // null: the outbox sender, which records nothing
};

inline constexpr int kSmsPageDefault = 100;
inline constexpr int kSmsPageMax = 500;

void addSmsRoutes(http::Router& router, const ConsoleGuard& guard, const SmsDeps& deps);

}  // namespace callgate::console
