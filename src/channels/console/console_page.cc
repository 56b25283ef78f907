#include "channels/console/console_page.h"

#include <string>

#include "channels/web/html_template.h"
#include "channels/web/web_assets.h"

namespace callgate::console {

namespace {

constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

std::string scriptTags(std::initializer_list<std::string_view> scripts) {
  std::string out;
  for (std::string_view name : scripts) {
    out += "<script src=\"/console/static/";
    out += web::escapeHtml(name);
    out += "\" defer></script>\n";
  }
  return out;
}

std::string navigation(const StaffPrincipal& viewer, std::string_view active) {
  std::string out = "<nav aria-label=\"Console\"><ul>";
  for (const NavEntry& entry : kNavigation) {
    if (!roleAtLeast(viewer.role, entry.minRole)) continue;
    out += "<li><a href=\"";
    out += entry.path;
    out += "\"";
    if (entry.key == active) out += " aria-current=\"page\"";
    out += ">";
    out += entry.label;
    out += "</a></li>";
  }
  out += "</ul></nav>";
  return out;
}

http::Response render(int status, std::string_view title, std::string_view header,
                      std::string_view contentHtml,
                      std::initializer_list<std::string_view> scripts) {
  http::Response r;
  r.status = status;
  r.contentType = "text/html; charset=utf-8";
  r.body =
      web::renderTemplate(web::webAsset("console-page.html"), {{"title", title},
                                                               {"header", header},
                                                               {"content", contentHtml},
                                                               {"scripts", scriptTags(scripts)}});
  addConsoleSecurityHeaders(r);
  return r;
}

}  // namespace

std::string csrfField(const StaffPrincipal& viewer) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + web::escapeHtml(viewer.csrfToken) +
         "\">";
}

std::string tableWrapOpen(std::string_view label) {
  return "<div class=\"table-wrap\" role=\"region\" aria-label=\"" + web::escapeHtml(label) +
         "\" tabindex=\"0\">";
}

http::Response consolePage(const StaffPrincipal& viewer, std::string_view title,
                           std::string_view active, std::string_view contentHtml,
                           std::initializer_list<std::string_view> scripts, int status) {
  const std::string header = navigation(viewer, active) +
                             "<form class=\"signout\" method=\"post\" action=\"/console/logout\">" +
                             csrfField(viewer) + "<a class=\"who\" href=\"/console/account\">" +
                             web::escapeHtml(viewer.username) + " (" +
                             std::string(staffRoleName(viewer.role)) +
                             ")</a> <button type=\"submit\">Sign out</button></form>";
  return render(status, title, header, contentHtml, scripts);
}

http::Response consolePublicPage(std::string_view title, std::string_view contentHtml,
                                 std::initializer_list<std::string_view> scripts, int status) {
  return render(status, title, "", contentHtml, scripts);
}

void addConsoleSecurityHeaders(http::Response& response) {
  response.headers.emplace_back("Cache-Control", "no-store");
  // same-origin: console URLs hold nothing secret, and no-referrer would make Chromium send
  // "Origin: null" with the console's own forms.
  response.headers.emplace_back("Referrer-Policy", "same-origin");
  response.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
}

void addConsoleStaticRoutes(http::Router& router) {
  router.add(
      "GET", "/console/static/{name}",
      [](const http::Request& request) {
        const std::string& name = request.param("name");
        const bool css = name.ends_with(".css");
        const bool js = name.ends_with(".js");
        std::string_view content;
        if (name.starts_with("console") && (css || js)) content = web::webAsset(name);
        if (content.empty()) return http::jsonError(404, "not found");
        http::Response r;
        r.contentType = css ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
        r.body = std::string(content);
        r.headers.emplace_back("Cache-Control", "no-cache");
        r.headers.emplace_back("X-Content-Type-Options", "nosniff");
        return r;
      },
      http::Lane::kIoThread);
}

}  // namespace callgate::console
