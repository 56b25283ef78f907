// CredentialVerifier: the port behind verify-pin that checks a caller's user id and secret where
// the credential lives. callgate's own argon2id store is the default ("builtin"); a company's
// directory (LDAP / Active Directory, an OpenID Connect IdP's password grant, Amazon Cognito's
// USER_PASSWORD_AUTH) can take its place, chosen by `[credentials] verifier`.
//
// What stays in front of every verifier, in verify-pin and not here: the user id's shape check,
// callgate's own escalating lockout (CredentialStore::beginPinAttempt, so a caller can neither
// lock the directory's account nor probe it faster than the policy allows), the audit events,
// the contact-auth record and the answer to the flow. A verifier only answers "does this secret
// belong to this user id, and who is that?".
//
// Rules every implementation keeps:
//  - kRejected for a wrong secret and for an unknown user id alike, with similar timing (the
//    builtin one verifies against a dummy hash; a directory is asked either way). Whatever the
//    directory said that tells the two apart stays in `detail`, for the audit log only.
//  - An error (kUnavailable, kDeadlineExceeded, ...) only when the directory could not answer:
//    down, slow past its timeout, misconfigured, an answer that does not parse or whose signature
//    does not check. verify-pin then fails safe: the caller is not authenticated and is told so.
//  - The secret never appears in an error message, a log line or `detail`.
//  - Thread-safe; called on a worker thread (it may block for up to its configured timeout).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace callgate {

// Who the directory says the caller is, when the secret matched. Everything but userId may be
// empty when the directory does not hold it.
struct VerifiedIdentity {
  std::string userId;   // as the caller gave it (the key of lockout counters and the ledger)
  std::string subject;  // the directory's own stable id: LDAP DN, OIDC / Cognito `sub`
  // The number on file, E.164 (normalised by the verifier; "" when none or not a valid number).
  // A link is texted only to this number.
  std::string phone;
  std::string firstName;
  std::string lastName;
  std::string level;     // custLevel; "" = the customer store's, if it knows the number
  std::string language;  // BCP 47; "" = the customer store's, or the default
};

enum class CredentialOutcome { kVerified, kRejected };

struct CredentialCheck {
  CredentialOutcome outcome = CredentialOutcome::kRejected;
  VerifiedIdentity identity;  // kVerified only
  // For the audit log, never for the caller: why it was rejected ("unknown_user",
  // "wrong_secret", "password_reset_required", ...), or "" when the verifier cannot tell.
  std::string detail;
};

class CredentialVerifier {
 public:
  virtual ~CredentialVerifier() = default;
  // "builtin", "ldap", "oidc", "cognito": the audit log's `verifier` field.
  virtual std::string_view name() const = 0;
  // Checks `secret` for `userId` (already well-formed: 4 to 10 digits). See the rules above.
  virtual Result<CredentialCheck> verify(std::string_view userId, std::string_view secret) = 0;
};

}  // namespace callgate
