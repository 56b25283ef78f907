// The caller-facing web: the single-use link pages (GET /l/{code} confirm, POST /l/{code}
// redeem and show the "Add a member" form), their static script and style sheet, and the API
// the form calls (POST /v1/accounts/{id}/members, Bearer access token with one scope).
//
// The deps are borrowed and must outlive the router's server. Handlers are thread-safe; the
// ones touching storage or signing are registered blocking, so they run on the worker pool.
#pragma once

#include <string>

#include "adapters/net/http/router.h"

namespace callgate {
class ActionLinks;
class AddMember;
class Clock;
class TokenService;
}  // namespace callgate

namespace callgate::web {

struct WebDeps {
  ActionLinks& links;
  TokenService& tokens;
  AddMember& members;
  const Clock& clock;
  std::string publicBaseUrl;  // e.g. https://id.example.com; its origin is trusted for POSTs
};

// GET/POST /l/{code}, GET /static/add-member.js and /static/style.css.
void addLinkRoutes(http::Router& router, const WebDeps& deps);

// POST /v1/accounts/{id}/members.
void addMemberApiRoutes(http::Router& router, const WebDeps& deps);

// Headers every caller-facing response carries: no caching, no referrer (the URL holds the
// link's code), a strict content security policy, no framing, no MIME sniffing.
void addPageSecurityHeaders(http::Response& response);

}  // namespace callgate::web
