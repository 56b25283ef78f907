// [security], [otp] and [links]: who counts as authenticated, the keys and hashing of secrets,
// one-time codes and texted links.

#include "app/config/config_tables.h"

namespace callgate::app::detail {

namespace {

// pin_lockout_steps and pin_lock_after, or the older pin_max_failures as a shorthand for both
// (PinLockoutPolicy::fromMaxFailures); never the shorthand with either of the others.
Status readPinLockout(TableReader& t, PinLockoutPolicy& policy) {
  int maxFailures = 0;
  t.integer("pin_max_failures", maxFailures, 1, kPinMaxLockAfter);
  std::vector<std::pair<int64_t, int64_t>> pairs;
  const bool hasSteps = t.integerPairs("pin_lockout_steps", pairs);
  int lockAfter = 0;
  t.integer("pin_lock_after", lockAfter, 1, kPinMaxLockAfter);
  if (maxFailures > 0) {
    if (hasSteps || lockAfter > 0) {
      return t.invalid("pin_max_failures",
                       "is a shorthand for pin_lockout_steps and pin_lock_after: set either it "
                       "or them");
    }
    policy = PinLockoutPolicy::fromMaxFailures(maxFailures);
    return okStatus();
  }
  PinLockoutPolicy read = policy;
  if (lockAfter > 0) read.lockAfter = lockAfter;
  if (hasSteps) {
    read.steps.clear();
    for (const auto& [failures, seconds] : pairs) {
      if (failures < 1 || failures > kPinMaxLockAfter || seconds < 1 ||
          seconds > kPinMaxStepDuration.count()) {
        return t.invalid("pin_lockout_steps", "must hold [failures 1..100, seconds 1.." +
                                                  std::to_string(kPinMaxStepDuration.count()) +
                                                  "] pairs");
      }
      read.steps.push_back({static_cast<int>(failures), Seconds(seconds)});
    }
  } else {
    // Only pin_lock_after given: the default steps that come before it.
    std::erase_if(read.steps,
                  [&](const PinLockoutStep& s) { return s.failures >= read.lockAfter; });
  }
  if (Status s = validatePinLockoutPolicy(read); !s.ok()) {
    return t.invalid("pin_lockout_steps", "/ pin_lock_after: " + s.error().message());
  }
  policy = std::move(read);
  return okStatus();
}

}  // namespace

Status readSecurityTable(TableReader& t, Config& c) {
  std::string trust = callerIdTrustName(c.callerIdTrust);
  t.str("caller_id_trust", trust);
  t.str("otp_secret_file", c.otpSecretFile);
  t.str("audit_log", c.auditLog);
  t.str("pin_pepper_file", c.pinPepperFile);
  if (Status s = readPinLockout(t, c.pinLockout); !s.ok()) return s;
  t.seconds("contact_auth_ttl_seconds", c.contactAuthTtl, 60, 86400);
  t.integer("pin_hash_ops_limit", c.pinHashOpsLimit, 1, 100);
  t.integer("pin_hash_memory_kib", c.pinHashMemoryKib, 1024, 4 * 1024 * 1024);
  if (auto s = t.finish(); !s.ok()) return s;
  // The words are core's (the --caller-id-trust flag takes the same), its error names them.
  auto parsed = parseCallerIdTrust(trust);
  if (!parsed.ok())
    return Error::invalidArgument(t.source() + ": security." + parsed.error().message());
  c.callerIdTrust = *parsed;
  return okStatus();
}

Status readAuditTable(TableReader& t, Config& c) {
  t.integer("checkpoint_every", c.auditCheckpointEvery, 0, 1000000);
  return t.finish();
}

Status readOtpTable(TableReader& t, OtpConfig& otp) {
  t.integer("digits", otp.digits, 4, 10);
  t.seconds("ttl_seconds", otp.ttl, 30, 3600);
  t.integer("max_attempts", otp.maxAttempts, 1, 10);
  t.integer("per_number_limit", otp.perNumberLimit, 1, 1000);
  t.seconds("per_number_window_seconds", otp.perNumberWindow, 1, 86400);
  t.integer("per_prefix_limit", otp.perPrefixLimit, 1, 1000000);
  t.seconds("per_prefix_window_seconds", otp.perPrefixWindow, 1, 86400);
  t.integer("prefix_length", otp.prefixLength, 3, 12);
  t.integer("daily_send_limit", otp.dailySendLimit, 1, 1000);
  t.integer("daily_failure_limit", otp.dailyFailureLimit, 1, 1000);
  t.integer("max_consecutive_failures", otp.maxConsecutiveFailures, 1, 100);
  t.str("brand", otp.brand);
  return t.finish();
}

Status readLinksTable(TableReader& t, Config& c) {
  std::string baseUrl;
  t.str("public_base_url", baseUrl);
  t.seconds("ttl_seconds", c.linkTtl, 60, 86400);
  t.integer("per_user_limit", c.linkPerUserLimit, 1, 1000);
  t.seconds("per_user_window_seconds", c.linkPerUserWindow, 1, 86400);
  if (auto s = t.finish(); !s.ok()) return s;
  if (!baseUrl.empty()) {
    auto url = normalizePublicBaseUrl(baseUrl);
    if (!url.ok()) return t.invalid("public_base_url", url.error().message());
    c.publicBaseUrl = *url;
    c.publicBaseUrlDefaulted = false;
  }
  return okStatus();
}

}  // namespace callgate::app::detail
