// Small pieces the operator pages (customers, SMS, audit log, flows, metrics) share: how a number
// is shown, query-string reading, the Post/Redirect/Get answer and notices. Pure functions;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "adapters/net/http/router.h"
#include "common/form.h"

namespace callgate::console {

// A phone number as the console shows it: every digit but the last four replaced by a bullet
// ("+14155554321" -> "+•••••••4321"), so an operator can match what a caller reads out without
// the page holding the whole number. Numbers of four digits or fewer are all bullets.
std::string maskLast4(std::string_view e164);

// The query string's fields ("" values when absent or malformed: a bad query is an empty search).
http::Params queryParams(const http::Request& request);
std::string queryParam(const http::Params& params, std::string_view name);

// 303 See Other to `location` (a path on this origin), with the console's security headers:
// what every successful POST answers, so a reload does not post again.
http::Response seeOther(std::string location);

// <p class="notice ..." role="status|alert">text</p>, text escaped.
std::string noticeHtml(std::string_view text, bool error);

}  // namespace callgate::console
