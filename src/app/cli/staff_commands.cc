// `callgate staff add|reset|list|remove`: console staff accounts (functions/staff_sign_in.h).
// A password is read from the first line of standard input (--password-stdin) or made here (20
// random characters) and printed once; the TOTP secret is printed once, as base32 and as an
// otpauth:// URI for an authenticator app. Nothing secret is ever in the process list.
#include <array>
#include <ctime>
#include <iomanip>
#include <iostream>

#include "adapters/platform/clock/system_clock.h"
#include "adapters/security/crypto/sodium_random.h"
#include "app/cli/commands.h"
#include "app/wiring/staff_wiring.h"
#include "app/wiring/wiring.h"
#include "core/action_grant.h"
#include "core/staff.h"
#include "functions/staff_sign_in.h"

namespace callgate::app {
namespace {

int fail(const std::string& message, int code = 1) {
  std::cerr << "callgate: " << message << "\n";
  return code;
}

// What the staff commands need beside the store: the key (TOTP seeds), the hasher, the audit log.
struct StaffTools {
  std::unique_ptr<Services> services;
  std::unique_ptr<PinHasher> hasher;
  std::unique_ptr<AuditLog> audit;
  std::unique_ptr<StaffAccounts> accounts;
};

Result<StaffTools> openStaffTools(const Config& config) {
  StaffTools t;
  auto services = buildStorage(config);
  if (!services.ok()) return services.error();
  t.services = std::move(*services);
  Services& s = *t.services;
  s.random = std::make_unique<SodiumRandom>();
  auto key = otpKey(config);
  if (!key.ok()) return Error(key.error().code(), "OTP secret: " + key.error().message());
  if (Status built = buildStaffTotp(*key, s); !built.ok()) return built.error();
  auto hasher = buildPinHasher(config);
  if (!hasher.ok()) return hasher.error();
  t.hasher = std::move(*hasher);
  t.audit = buildAuditLog(config, *s.clock);
  t.accounts =
      std::make_unique<StaffAccounts>(*s.staff, *t.hasher, *s.staffTotp, *s.clock, *t.audit);
  return t;
}

Result<std::string> passwordFor(const NewStaff& in, Random& random, bool& generated) {
  generated = !in.passwordStdin;
  if (in.passwordStdin) {
    std::string line;
    std::getline(std::cin, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
    if (line.empty())
      return Error::invalidArgument("--password-stdin: no password on standard input");
    return line;
  }
  std::array<uint8_t, 15> bytes{};  // 120 bits, 20 characters
  random.fill(bytes);
  return base64UrlEncode(bytes.data(), bytes.size());
}

void printEnrollment(const std::string& password, bool generated, const TotpEnrollment& e) {
  if (generated) std::cout << "password: " << password << "\n";
  std::cout << "TOTP secret: " << e.base32Secret << "\n"
            << "TOTP URI: " << e.uri << "\n"
            << "Give these to the staff member once; they are not shown again.\n";
}

std::string formatTime(TimePoint t) {
  if (t == TimePoint{}) return "never";
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::ostringstream out;
  out << std::put_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  return out.str();
}

}  // namespace

int staffAddCommand(const Config& config, const NewStaff& in) {
  auto role = parseStaffRole(in.role);
  if (!role) return fail("--role must be agent, supervisor or admin", 2);
  auto tools = openStaffTools(config);
  if (!tools.ok()) return fail(tools.error().message());
  bool generated = false;
  auto password = passwordFor(in, *tools->services->random, generated);
  if (!password.ok()) return fail(password.error().message(), 2);
  auto added = tools->accounts->add(in.username, *role, *password);
  if (!added.ok()) {
    return fail(added.error().message(),
                added.error().code() == ErrorCode::kInvalidArgument ? 2 : 1);
  }
  std::cout << "added staff " << in.username << " (" << staffRoleName(*role) << ")\n";
  printEnrollment(*password, generated, *added);
  return 0;
}

int staffResetCommand(const Config& config, const NewStaff& in) {
  auto tools = openStaffTools(config);
  if (!tools.ok()) return fail(tools.error().message());
  auto current = tools->services->staff->find(in.username);
  if (!current.ok()) return fail(current.error().message());
  if (!current->has_value()) return fail("no staff account " + in.username);
  StaffRole role = (*current)->role;
  if (!in.role.empty()) {
    auto parsed = parseStaffRole(in.role);
    if (!parsed) return fail("--role must be agent, supervisor or admin", 2);
    role = *parsed;
  }
  bool generated = false;
  auto password = passwordFor(in, *tools->services->random, generated);
  if (!password.ok()) return fail(password.error().message(), 2);
  auto reset = tools->accounts->reset(in.username, role, *password);
  if (!reset.ok()) {
    return fail(reset.error().message(),
                reset.error().code() == ErrorCode::kInvalidArgument ? 2 : 1);
  }
  std::cout << "reset staff " << in.username << " (" << staffRoleName(role)
            << "): new password and TOTP secret, lock cleared, every session ended\n";
  printEnrollment(*password, generated, *reset);
  return 0;
}

int staffListCommand(const Config& config) {
  auto tools = openStaffTools(config);
  if (!tools.ok()) return fail(tools.error().message());
  auto all = tools->accounts->list();
  if (!all.ok()) return fail(all.error().message());
  const TimePoint now = tools->services->clock->now();
  std::cout << std::left << std::setw(24) << "username" << std::setw(12) << "role" << std::setw(22)
            << "last sign-in"
            << "state\n";
  for (const StaffAccount& a : *all) {
    std::cout << std::setw(24) << a.username << std::setw(12) << staffRoleName(a.role)
              << std::setw(22) << formatTime(a.lastSignIn)
              << (a.lockedUntil > now ? "locked until " + formatTime(a.lockedUntil) : "active")
              << "\n";
  }
  return 0;
}

int staffRemoveCommand(const Config& config, const std::string& username) {
  auto tools = openStaffTools(config);
  if (!tools.ok()) return fail(tools.error().message());
  if (Status s = tools->accounts->remove(username); !s.ok()) return fail(s.error().message());
  std::cout << "removed staff " << username << " (every session ended)\n";
  return 0;
}

}  // namespace callgate::app
