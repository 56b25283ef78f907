#include "channels/console/operator_html.h"

#include "channels/console/console_page.h"
#include "channels/web/html_template.h"

namespace callgate::console {

std::string maskLast4(std::string_view e164) {
  size_t digits = 0;
  for (char c : e164) digits += (c >= '0' && c <= '9') ? 1 : 0;
  std::string out;
  size_t seen = 0;
  for (char c : e164) {
    const bool digit = c >= '0' && c <= '9';
    if (!digit) {
      out.push_back(c);
      continue;
    }
    ++seen;
    if (digits > 4 && seen > digits - 4) {
      out.push_back(c);
    } else {
      out += "\u2022";
    }
  }
  return out;
}

http::Params queryParams(const http::Request& request) {
  auto parsed = http::parseFormPairs(request.query);
  return parsed.ok() ? *parsed : http::Params{};
}

std::string queryParam(const http::Params& params, std::string_view name) {
  return http::findParam(params, name).value_or("");
}

http::Response seeOther(std::string location) {
  http::Response r;
  r.status = 303;
  r.contentType = "text/plain; charset=utf-8";
  r.headers.emplace_back("Location", std::move(location));
  addConsoleSecurityHeaders(r);
  return r;
}

std::string noticeHtml(std::string_view text, bool error) {
  return std::string("<p class=\"notice ") +
         (error ? "error\" role=\"alert\">" : "ok\" role=\"status\">") + web::escapeHtml(text) +
         "</p>\n";
}

}  // namespace callgate::console
