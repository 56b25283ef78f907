#include "functions/staff_sign_in.h"

#include <spdlog/spdlog.h>

#include <array>

#include "common/metrics_catalog.h"
#include "core/action_grant.h"

namespace callgate {
namespace {

constexpr size_t kTokenBytes = 32;
constexpr size_t kTokenChars = 43;  // base64url of 32 bytes, unpadded
// A session's lastSeen is written at most this often: the idle limit is 30 minutes, so a minute's
// slack costs nothing and saves a write on every request.
constexpr Seconds kTouchEvery{60};
// Expired sessions deleted per sign-in, so the table cannot grow without bound.
constexpr int kPurgeBatch = 64;

StaffSignInResult unavailable() {
  metrics::staffSignIns().with({"unavailable"}).inc();
  StaffSignInResult r;
  r.outcome = StaffSignInOutcome::kUnavailable;
  return r;
}

std::string passwordKey(std::string_view username) { return "staff:" + std::string(username); }

bool looksLikeToken(std::string_view token) {
  if (token.size() != kTokenChars) return false;
  for (char c : token) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

StaffSignIn::StaffSignIn(StaffStore& store, const PinHasher& hasher, const StaffTotp& totp,
                         const CodeHasher& sessionHasher, Random& random, const Clock& clock,
                         AuditLog& audit, StaffSessionOptions options)
    : store_(store),
      hasher_(hasher),
      totp_(totp),
      sessionHasher_(sessionHasher),
      random_(random),
      clock_(clock),
      audit_(audit),
      options_(options) {}

std::string StaffSignIn::idHash(std::string_view token) const {
  return sessionHasher_.digest("callgate-staff-session-v1|" + std::string(token));
}

std::string StaffSignIn::randomToken() {
  std::array<uint8_t, kTokenBytes> bytes{};
  random_.fill(bytes);
  return base64UrlEncode(bytes.data(), bytes.size());
}

void StaffSignIn::refuse(std::string_view username, std::string_view reason,
                         std::string_view remote) {
  metrics::staffSignIns().with({"refused"}).inc();
  audit_.record("staff_sign_in_refused", {{"staff", std::string(username)},
                                          {"reason", std::string(reason)},
                                          {"remote", std::string(remote)}});
}

StaffSignInResult StaffSignIn::signIn(std::string_view typedName, std::string_view password,
                                      std::string_view code, std::string_view remote) {
  StaffSignInResult refused;
  // Usernames are lower-case; people type "Ann".
  std::string username(typedName.substr(0, 65));
  for (char& c : username) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  // A username that cannot be one is refused at once: there is nothing to count it against, and
  // it is not written anywhere (it may be a password typed in the wrong field).
  if (!isValidStaffUsername(username) || password.size() > kStaffPasswordMaxChars) {
    refuse("", "malformed", remote);
    hasher_.verify("", passwordKey(""), password.substr(0, kStaffPasswordMaxChars));
    return refused;
  }
  const std::string& name = username;
  const TimePoint now = clock_.now();
  auto account = store_.find(name);
  if (!account) {
    spdlog::error("event=staff_sign_in_failed staff={} error=\"{}\"", name,
                  account.error().message());
    return unavailable();
  }
  if (!account->has_value()) {
    hasher_.verify("", passwordKey(name), password);  // the same cost as a known username
    refuse(name, "unknown", remote);
    return refused;
  }
  auto allowed = store_.beginSignIn(name, now, options_.lockAfter, options_.lockFor);
  if (!allowed) {
    spdlog::error("event=staff_sign_in_failed staff={} error=\"{}\"", name,
                  allowed.error().message());
    return unavailable();
  }
  if (!*allowed) {
    hasher_.verify("", passwordKey(name), password);
    refuse(name, "locked", remote);
    return refused;
  }
  const StaffAccount& a = **account;
  const auto lockedNow = [&] {
    auto after = store_.find(name);
    if (after.ok() && after->has_value() && (*after)->lockedUntil > now) {
      metrics::staffLockouts().with({}).inc();
      audit_.record("staff_locked",
                    {{"staff", name}, {"seconds", std::to_string(options_.lockFor.count())}});
    }
  };
  if (!hasher_.verify(a.passwordHash, passwordKey(name), password)) {
    refuse(name, "password", remote);
    lockedNow();
    return refused;
  }
  const std::optional<int64_t> step = totp_.matchStep(a.totpSeedSealed, name, code, now);
  if (!step) {
    refuse(name, "code", remote);
    lockedNow();
    return refused;
  }
  auto completed = store_.completeSignIn(name, *step, now);
  if (!completed) {
    spdlog::error("event=staff_sign_in_failed staff={} error=\"{}\"", name,
                  completed.error().message());
    return unavailable();
  }
  if (!*completed) {
    refuse(name, "code_reused", remote);
    lockedNow();
    return refused;
  }
  StaffSession session;
  const std::string token = randomToken();
  session.idHash = idHash(token);
  session.username = name;
  session.csrfToken = randomToken();
  session.accountEpoch = a.epoch;
  session.createdAt = now;
  session.lastSeen = now;
  session.expiresAt = now + options_.maxAge;
  if (Status s = store_.createSession(session); !s.ok()) {
    if (s.error().code() == ErrorCode::kFailedPrecondition) {
      refuse(name, "reset_meanwhile", remote);
      return refused;
    }
    spdlog::error("event=staff_sign_in_failed staff={} error=\"{}\"", name, s.error().message());
    return unavailable();
  }
  if (auto purged = store_.removeExpiredSessions(now, options_.idle, kPurgeBatch); !purged) {
    spdlog::warn("event=staff_session_purge_failed error=\"{}\"", purged.error().message());
  }
  metrics::staffSignIns().with({"signed_in"}).inc();
  audit_.record("staff_signed_in", {{"staff", name},
                                    {"role", std::string(staffRoleName(a.role))},
                                    {"remote", std::string(remote)}});
  return {StaffSignInOutcome::kSignedIn, token, name, a.role};
}

Result<std::optional<StaffSessionView>> StaffSignIn::session(std::string_view token) {
  if (!looksLikeToken(token)) return std::optional<StaffSessionView>();
  const TimePoint now = clock_.now();
  const std::string hash = idHash(token);
  auto view = store_.findSession(hash, now, options_.idle);
  if (!view) return view.error();
  if (view->has_value() && now - (*view)->session.lastSeen >= kTouchEvery) {
    if (Status s = store_.touchSession(hash, now); !s.ok()) {
      spdlog::warn("event=staff_session_touch_failed error=\"{}\"", s.error().message());
    }
  }
  return view;
}

void StaffSignIn::signOut(std::string_view token, std::string_view remote) {
  if (!looksLikeToken(token)) return;
  const std::string hash = idHash(token);
  auto view = store_.findSession(hash, clock_.now(), options_.idle);
  if (Status s = store_.deleteSession(hash); !s.ok()) {
    spdlog::warn("event=staff_sign_out_failed error=\"{}\"", s.error().message());
    return;
  }
  if (view.ok() && view->has_value()) {
    audit_.record("staff_signed_out",
                  {{"staff", (*view)->session.username}, {"remote", std::string(remote)}});
  }
}

StaffAccounts::StaffAccounts(StaffStore& store, const PinHasher& hasher, StaffTotp& totp,
                             const Clock& clock, AuditLog& audit)
    : store_(store), hasher_(hasher), totp_(totp), clock_(clock), audit_(audit) {}

Result<std::string> StaffAccounts::hashPassword(const std::string& username,
                                                std::string_view password) const {
  if (!isValidStaffUsername(username)) {
    return Error::invalidArgument(
        "a staff username is 1-64 characters of a-z, 0-9, '.', '_' and '-'");
  }
  if (!isAcceptableStaffPassword(password)) {
    return Error::invalidArgument("a staff password is " + std::to_string(kStaffPasswordMinChars) +
                                  " to " + std::to_string(kStaffPasswordMaxChars) +
                                  " characters long");
  }
  return hasher_.hash(passwordKey(username), password);
}

Result<TotpEnrollment> StaffAccounts::add(const std::string& username, StaffRole role,
                                          std::string_view password) {
  auto hash = hashPassword(username, password);
  if (!hash) return hash.error();
  TotpEnrollment enrollment = totp_.enroll(username);
  StaffAccount a;
  a.username = username;
  a.role = role;
  a.passwordHash = std::move(*hash);
  a.totpSeedSealed = enrollment.sealedSeed;
  a.createdAt = clock_.now();
  if (Status s = store_.add(a); !s.ok()) return s.error();
  audit_.record("staff_added", {{"staff", username}, {"role", std::string(staffRoleName(role))}});
  return enrollment;
}

Result<TotpEnrollment> StaffAccounts::reset(const std::string& username, StaffRole role,
                                            std::string_view password) {
  auto hash = hashPassword(username, password);
  if (!hash) return hash.error();
  TotpEnrollment enrollment = totp_.enroll(username);
  if (Status s = store_.resetCredentials(username, role, *hash, enrollment.sealedSeed); !s.ok()) {
    return s.error();
  }
  audit_.record("staff_reset", {{"staff", username}, {"role", std::string(staffRoleName(role))}});
  return enrollment;
}

Status StaffAccounts::remove(const std::string& username) {
  if (Status s = store_.remove(username); !s.ok()) return s;
  audit_.record("staff_removed", {{"staff", username}});
  return okStatus();
}

Result<std::vector<StaffAccount>> StaffAccounts::list() { return store_.list(); }

}  // namespace callgate
