#include "channels/console/customers_routes.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "channels/console/console_page.h"
#include "channels/console/operator_html.h"
#include "channels/web/html_template.h"
#include "core/phone.h"
#include "functions/customer_csv.h"

namespace callgate::console {

namespace {

using web::escapeHtml;

// What the add form held, to show it again after a refusal (never the PIN).
struct AddValues {
  std::string phone, firstName, lastName, level, language, userId;
};

struct Found {
  Customer customer;
  std::string matched;  // "user id" | "number"
};

struct Search {
  std::vector<Found> rows;
  bool more = false;    // the number search had more than kCustomerSearchLimit results
  std::string problem;  // shown to the viewer; the search was not run
  bool storeDown = false;
};

// The digits of what was typed, allowing the separators people type in numbers; nullopt if
// anything else is in it.
std::optional<std::string> searchDigits(std::string_view q) {
  std::string digits;
  for (char c : q) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.' && c != '+') {
      return std::nullopt;
    }
  }
  return digits;
}

Search runSearch(const CustomersDeps& deps, const std::string& q) {
  Search out;
  auto digits = searchDigits(q);
  if (!digits || digits->empty()) {
    out.problem = "Type a user id or the last digits of a number (digits only).";
    return out;
  }
  if (digits->size() < kMinPhoneSuffixDigits) {
    out.problem = "Type at least 4 digits.";
    return out;
  }
  if (digits->size() > 15) {
    out.problem = "A number has at most 15 digits.";
    return out;
  }
  std::set<std::string> phones;
  if (isWellFormedUserId(*digits)) {
    auto byUserId = deps.customers.findByUserId(*digits);
    if (!byUserId.ok()) {
      out.storeDown = true;
      return out;
    }
    if (byUserId->has_value()) {
      phones.insert((*byUserId)->phone);
      out.rows.push_back({**byUserId, "user id"});
    }
  }
  auto bySuffix = deps.customers.findByPhoneSuffix(*digits, kCustomerSearchLimit + 1);
  if (!bySuffix.ok()) {
    out.storeDown = true;
    return out;
  }
  if (static_cast<int>(bySuffix->size()) > kCustomerSearchLimit) {
    out.more = true;
    bySuffix->resize(kCustomerSearchLimit);
  }
  for (Customer& c : *bySuffix) {
    if (phones.insert(c.phone).second) out.rows.push_back({std::move(c), "number"});
  }
  return out;
}

// The PIN column: whether a PIN is set, the lock, and the unlock button when there is
// something to clear. nullopt when the credential store failed.
std::optional<std::string> pinCell(const CustomersDeps& deps, const StaffPrincipal& viewer,
                                   const Customer& c) {
  if (c.userId.empty()) return std::string("<span class=\"muted\">no user id</span>");
  auto hash = deps.credentials.pinHash(c.userId);
  auto failures = deps.credentials.pinFailures(c.userId);
  if (!hash.ok() || !failures.ok()) return std::nullopt;
  std::string out = hash->value_or("").empty() ? "<span class=\"muted\">no PIN set</span><br>" : "";
  const PinLock lock = pinLockAt(deps.pinLockout, *failures, deps.clock.now());
  if (lock.kind == PinLockKind::kPermanent) {
    out += "<span class=\"badge bad\">Locked</span> since " +
           escapeHtml(formatRfc3339(failures->lockedAt));
  } else if (lock.kind == PinLockKind::kTemporary) {
    out +=
        "<span class=\"badge warn\">Locked</span> until " + escapeHtml(formatRfc3339(lock.until));
  } else if (failures->failures > 0) {
    out += std::to_string(failures->failures) + " recent wrong PIN" +
           (failures->failures == 1 ? "" : "s");
  } else {
    out += "<span class=\"badge ok\">Not locked</span>";
  }
  if (lock.locked() || failures->failures > 0) {
    out += "<form method=\"post\" action=\"/console/customers/unlock\" class=\"inline\">" +
           csrfField(viewer) + "<input type=\"hidden\" name=\"user_id\" value=\"" +
           escapeHtml(c.userId) + "\"><button type=\"submit\">Unlock PIN</button></form>";
  }
  return out;
}

std::string searchForm(std::string_view q) {
  return "<form method=\"get\" action=\"/console/customers\" role=\"search\" class=\"search\">"
         "<label for=\"q\">User id or last digits of the number</label>"
         "<input type=\"search\" id=\"q\" name=\"q\" inputmode=\"numeric\" autocomplete=\"off\" "
         "value=\"" +
         escapeHtml(q) + "\"> <button type=\"submit\">Search</button></form>\n";
}

std::string resultsHtml(const CustomersDeps& deps, const StaffPrincipal& viewer,
                        const Search& search, bool& storeDown) {
  if (search.rows.empty()) return "<p id=\"no-results\">No customer matches.</p>\n";
  std::string out =
      tableWrapOpen("Customers found") + "<table id=\"customers\"><caption>" +
      std::to_string(search.rows.size()) + (search.more ? "+" : "") +
      (search.rows.size() == 1 ? " customer" : " customers") +
      "</caption><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Number</th>"
      "<th scope=\"col\">User id</th><th scope=\"col\">Level</th><th scope=\"col\">Language</th>"
      "<th scope=\"col\">PIN</th><th scope=\"col\">Matched</th></tr></thead><tbody>\n";
  for (const Found& f : search.rows) {
    const Customer& c = f.customer;
    auto pin = pinCell(deps, viewer, c);
    if (!pin) {
      storeDown = true;
      return "";
    }
    out += "<tr><td>" + escapeHtml(c.firstName) + " " + escapeHtml(c.lastName) + "</td><td>" +
           escapeHtml(maskLast4(c.phone)) + "</td><td>" +
           (c.userId.empty() ? "<span class=\"muted\">none</span>" : escapeHtml(c.userId)) +
           "</td><td>" + escapeHtml(c.level) + "</td><td>" + escapeHtml(c.language) + "</td><td>" +
           *pin + "</td><td>" + f.matched + "</td></tr>\n";
  }
  out += "</tbody></table></div>\n";
  if (search.more) {
    out += "<p>More than " + std::to_string(kCustomerSearchLimit) +
           " numbers end in these digits; type more of them.</p>\n";
  }
  return out;
}

std::string textInput(std::string_view id, std::string_view label, std::string_view value,
                      std::string_view extra = "") {
  return "<label for=\"" + std::string(id) + "\">" + std::string(label) +
         "</label><input type=\"text\" id=\"" + std::string(id) + "\" name=\"" + std::string(id) +
         "\" value=\"" + escapeHtml(value) + "\"" + std::string(extra) + ">";
}

std::string adminForms(const StaffPrincipal& viewer, const AddValues& add,
                       std::string_view csvText) {
  std::string out =
      "<section aria-labelledby=\"add-heading\"><h2 id=\"add-heading\">Add a "
      "customer</h2><form method=\"post\" action=\"/console/customers/add\" "
      "id=\"add-customer\">" +
      csrfField(viewer);
  out += textInput("phone", "Phone number (E.164, e.g. +14155550100)", add.phone,
                   " required autocomplete=\"off\" inputmode=\"tel\"");
  out += textInput("first_name", "First name", add.firstName, " required autocomplete=\"off\"");
  out += textInput("last_name", "Last name", add.lastName, " required autocomplete=\"off\"");
  out += textInput("level", "Level (default Standard)", add.level, " autocomplete=\"off\"");
  out += textInput("language", "Language (default en-US)", add.language, " autocomplete=\"off\"");
  out += textInput("user_id", "User id (4 to 10 digits, optional)", add.userId,
                   " inputmode=\"numeric\" autocomplete=\"off\"");
  out +=
      "<label for=\"pin\">PIN (4 to 8 digits, optional; needs a user id)</label>"
      "<input type=\"password\" id=\"pin\" name=\"pin\" inputmode=\"numeric\" "
      "autocomplete=\"new-password\">";
  out += "<p><button type=\"submit\">Add customer</button></p></form></section>\n";
  out +=
      "<section aria-labelledby=\"import-heading\"><h2 id=\"import-heading\">Import customers "
      "(CSV)</h2><p>The header is <code>phone,first_name,last_name,level,language</code>, "
      "optionally followed by <code>,user_id</code> or <code>,user_id,pin</code>. The whole "
      "file is checked first: one bad line and nothing is imported. Up to 64 KiB and " +
      std::to_string(kConsoleImportMaxPins) +
      " PINs here; use <code>callgate customers import</code> for more.</p>"
      "<form method=\"post\" action=\"/console/customers/import\" id=\"import-customers\">" +
      csrfField(viewer) +
      "<label for=\"csv\">CSV text</label><textarea id=\"csv\" name=\"csv\" rows=\"8\" "
      "spellcheck=\"false\" required>" +
      escapeHtml(csvText) +
      "</textarea><p><button type=\"submit\">Import</button></p></form></section>\n";
  return out;
}

// The whole page: notices, the search and its results, and for admins the forms.
http::Response customersPage(const CustomersDeps& deps, const StaffPrincipal& viewer,
                             const std::string& q, std::string notices, const AddValues& add,
                             std::string_view csvText, int status) {
  std::string body = std::move(notices) + searchForm(q);
  if (!q.empty()) {
    Search search = runSearch(deps, q);
    bool storeDown = search.storeDown;
    std::string results;
    if (!storeDown && search.problem.empty())
      results = resultsHtml(deps, viewer, search, storeDown);
    if (storeDown) {
      spdlog::warn("event=console_customers_store_failed by={}", viewer.username);
      return consolePage(
          viewer, "Customers", "customers",
          noticeHtml("The customer store did not answer; try again.", true) + searchForm(q), {},
          503);
    }
    body += search.problem.empty() ? results : noticeHtml(search.problem, true);
  }
  if (roleAtLeast(viewer.role, StaffRole::kAdmin)) body += adminForms(viewer, add, csvText);
  return consolePage(viewer, "Customers", "customers", body, {}, status);
}

std::string field(const http::FormFields& form, const char* name) {
  auto it = form.find(name);
  return it == form.end() ? "" : it->second;
}

// The query string's notice after a redirect: fixed texts, values escaped by noticeHtml.
std::string noticeFromQuery(const http::Params& params) {
  const std::string notice = queryParam(params, "notice");
  if (notice == "unlocked") {
    return noticeHtml("The PIN of user id " + queryParam(params, "q") + " is unlocked.", false);
  }
  if (notice == "added") return noticeHtml("The customer was added.", false);
  if (notice == "imported") {
    const std::string count = queryParam(params, "count");
    int n = 0;
    auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
    if (ec != std::errc() || end != count.data() + count.size()) return "";
    return noticeHtml("Imported " + std::to_string(n) + (n == 1 ? " customer." : " customers."),
                      false);
  }
  return "";
}

http::Response badForm(const CustomersDeps& deps, const StaffPrincipal& viewer) {
  return customersPage(deps, viewer, "", noticeHtml("The form could not be read.", true), {}, "",
                       400);
}

http::Response unlock(const CustomersDeps& deps, const http::Request& request,
                      const StaffPrincipal& viewer) {
  auto form = http::parseForm(request.body);
  if (!form.ok()) return badForm(deps, viewer);
  const std::string userId = field(*form, "user_id");
  if (!isWellFormedUserId(userId)) {
    return customersPage(deps, viewer, "", noticeHtml("A user id is 4 to 10 digits.", true), {}, "",
                         400);
  }
  auto cleared = deps.credentials.unlock(userId);
  if (!cleared.ok()) {
    spdlog::warn("event=console_pin_unlock_failed user_id={} by={} error=\"{}\"", userId,
                 viewer.username, cleared.error().message());
    return customersPage(deps, viewer, userId,
                         noticeHtml("The credential store did not answer; nothing changed.", true),
                         {}, "", 503);
  }
  deps.audit.record("console_pin_unlocked", {{"user_id", userId},
                                             {"by", viewer.username},
                                             {"had_failures", *cleared ? "true" : "false"}});
  return seeOther("/console/customers?q=" + http::percentEncode(userId) + "&notice=unlocked");
}

http::Response add(const CustomersDeps& deps, const http::Request& request,
                   const StaffPrincipal& viewer) {
  auto form = http::parseForm(request.body);
  if (!form.ok()) return badForm(deps, viewer);
  const AddValues values{field(*form, "phone"),     field(*form, "first_name"),
                         field(*form, "last_name"), field(*form, "level"),
                         field(*form, "language"),  field(*form, "user_id")};
  const std::string pin = field(*form, "pin");
  auto refuse = [&](const std::string& message, int status) {
    return customersPage(deps, viewer, "", noticeHtml(message, true), values, "", status);
  };
  auto customer = makeCustomer("customer", values.phone, values.firstName, values.lastName,
                               values.level, values.language);
  if (!customer.ok()) return refuse(customer.error().message(), 400);
  if (Status s = checkCredentialInput("customer", values.userId, pin); !s.ok())
    return refuse(s.error().message(), 400);
  customer->userId = values.userId;
  customer->createdAt = deps.clock.now();
  CustomerRecord record{*customer, ""};
  if (!pin.empty()) {
    if (deps.pinHasher == nullptr) return refuse("PINs cannot be set from the console here.", 400);
    auto hash = deps.pinHasher->hash(customer->userId, pin);
    if (!hash.ok()) return refuse("The PIN could not be hashed; nothing was added.", 503);
    record.pinHash = std::move(*hash);
  }
  if (Status s = deps.customers.addWithPins({record}); !s.ok()) {
    if (s.error().code() == ErrorCode::kAlreadyExists)
      return refuse(s.error().message() + " (nothing was added)", 409);
    spdlog::warn("event=console_customer_add_failed by={} code={}", viewer.username,
                 static_cast<int>(s.error().code()));
    return refuse("The customer store did not answer; nothing was added.", 503);
  }
  deps.audit.record("console_customer_added", {{"phone", maskPhone(customer->phone)},
                                               {"user_id", customer->userId},
                                               {"pin", pin.empty() ? "none" : "set"},
                                               {"by", viewer.username}});
  const std::string q = customer->userId.empty()
                            ? customer->phone.substr(customer->phone.size() - 4)
                            : customer->userId;
  return seeOther("/console/customers?q=" + http::percentEncode(q) + "&notice=added");
}

http::Response importCsv(const CustomersDeps& deps, const http::Request& request,
                         const StaffPrincipal& viewer) {
  auto form = http::parseForm(request.body);
  if (!form.ok()) return badForm(deps, viewer);
  const std::string csv = field(*form, "csv");
  // Shown again after a refusal only when it cannot hold a PIN column.
  const std::string firstLine = csv.substr(0, csv.find('\n'));
  const std::string echo = firstLine.find("pin") == std::string::npos ? csv : "";
  auto refuse = [&](const std::string& message, int status) {
    return customersPage(deps, viewer, "", noticeHtml(message, true), {}, echo, status);
  };
  auto rows = parseCustomerRows(csv);
  if (!rows.ok()) return refuse(rows.error().message() + "; nothing was imported.", 400);
  if (rows->empty()) return refuse("The file has no customers; nothing was imported.", 400);
  size_t pins = 0;
  for (const CsvCustomer& row : *rows) pins += row.pin.empty() ? 0 : 1;
  if (pins > kConsoleImportMaxPins) {
    return refuse("The file has " + std::to_string(pins) + " PINs, more than " +
                      std::to_string(kConsoleImportMaxPins) +
                      " (use callgate customers import); nothing was imported.",
                  400);
  }
  if (pins > 0 && deps.pinHasher == nullptr)
    return refuse("PINs cannot be set from the console here; nothing was imported.", 400);
  const TimePoint now = deps.clock.now();
  std::vector<CustomerRecord> records;
  records.reserve(rows->size());
  for (CsvCustomer& row : *rows) {
    CustomerRecord record{std::move(row.customer), ""};
    record.customer.createdAt = now;
    if (!row.pin.empty()) {
      auto hash = deps.pinHasher->hash(record.customer.userId, row.pin);
      if (!hash.ok()) return refuse("A PIN could not be hashed; nothing was imported.", 503);
      record.pinHash = std::move(*hash);
    }
    records.push_back(std::move(record));
  }
  if (Status s = deps.customers.addWithPins(records); !s.ok()) {
    if (s.error().code() == ErrorCode::kAlreadyExists)
      return refuse(s.error().message() + "; nothing was imported.", 409);
    spdlog::warn("event=console_customers_import_failed by={} code={}", viewer.username,
                 static_cast<int>(s.error().code()));
    return refuse("The customer store did not answer; nothing was imported.", 503);
  }
  deps.audit.record("console_customers_imported", {{"count", std::to_string(records.size())},
                                                   {"pins", std::to_string(pins)},
                                                   {"by", viewer.username}});
  return seeOther("/console/customers?notice=imported&count=" + std::to_string(records.size()));
}

}  // namespace

void addCustomerRoutes(http::Router& router, const ConsoleGuard& guard, const CustomersDeps& deps) {
  addGuarded(router, guard, "GET", "/console/customers", StaffRole::kSupervisor,
             [deps](const http::Request& request, const StaffPrincipal& viewer) {
               const http::Params params = queryParams(request);
               return customersPage(deps, viewer, queryParam(params, "q"), noticeFromQuery(params),
                                    {}, "", 200);
             });
  addGuarded(router, guard, "POST", "/console/customers/unlock", StaffRole::kSupervisor,
             [deps](const http::Request& request, const StaffPrincipal& viewer) {
               return unlock(deps, request, viewer);
             });
  addGuarded(
      router, guard, "POST", "/console/customers/add", StaffRole::kAdmin,
      [deps](const http::Request& request, const StaffPrincipal& viewer) {
        return add(deps, request, viewer);
      },
      http::Lane::kSlow);
  addGuarded(
      router, guard, "POST", "/console/customers/import", StaffRole::kAdmin,
      [deps](const http::Request& request, const StaffPrincipal& viewer) {
        return importCsv(deps, request, viewer);
      },
      http::Lane::kSlow);
}

}  // namespace callgate::console
