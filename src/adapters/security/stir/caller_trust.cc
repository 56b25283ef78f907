#include "adapters/security/stir/caller_trust.h"

#include <arpa/inet.h>
#include <secsipid.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "adapters/security/crypto/sodium_init.h"
#include "adapters/security/stir/identity_parts.h"
#include "adapters/security/stir/key_files.h"

namespace callgate::stir {
namespace {

using nlohmann::json;

// libsecsipid checks iat against the system clock; callgate checks it against the call's time
// (TrustInput::nowEpochSeconds) with maxAge in both directions, so the library's own check is
// set out of the way (about 34 years).
constexpr int kLibraryExpiry = 1 << 30;
constexpr int64_t kMaxIat = int64_t{1} << 40;

TrustVerdict rejected(const std::string& why) {
  return {Attestation::kNone, "identity", "identity rejected: " + why};
}

std::optional<std::array<unsigned char, 16>> parseAddress(std::string_view text) {
  std::string s(text);
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  std::array<unsigned char, 16> out{};
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out[10] = 0xff;
    out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

std::optional<json> decodeJson(const std::string& segment) {
  auto bytes = base64UrlDecode(segment);
  if (!bytes) return std::nullopt;
  json j = json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

const json* member(const json& object, const char* name) {
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

// Loggable text from a peer-supplied value: printable ASCII only, bounded.
std::string sanitize(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) out.push_back(c > 0x20 && c < 0x7f ? c : '?');
  return out;
}

Attestation weaker(Attestation a, Attestation b) {
  auto rank = [](Attestation x) {
    switch (x) {
      case Attestation::kA:
        return 3;
      case Attestation::kB:
        return 2;
      case Attestation::kC:
        return 1;
      case Attestation::kNone:
        return 0;
    }
    return 0;
  };
  return rank(a) <= rank(b) ? a : b;
}

}  // namespace

Result<CallerTrust> CallerTrust::create(const CallerTrustOptions& options) {
  if (options.maxAge < std::chrono::seconds(1) || options.maxAge > std::chrono::hours(24)) {
    return Error::invalidArgument("[sip.stir] max_age_seconds must be between 1 and 86400");
  }
  if (Status s = ensureSodiumInitialized(); !s.ok()) return s.error();
  CallerTrust trust;
  trust.maxAgeSeconds_ = options.maxAge.count();
  for (const std::string& p : options.trustedProxies) {
    auto address = parseAddress(p);
    if (!address) {
      return Error::invalidArgument("[sip.stir] trusted_proxies: '" + p +
                                    "' is not an IPv4 or IPv6 address");
    }
    trust.proxies_.push_back(*address);
  }
  for (const std::string& path : options.publicKeyFiles) {
    auto key = readPublicKeyFile(path);
    if (!key.ok()) return key.error();
    trust.keys_.push_back(Key{path, std::move(key->pem), std::nullopt, std::nullopt});
  }
  for (const std::string& path : options.certificateFiles) {
    auto cert = readCertificateFile(path);
    if (!cert.ok()) return cert.error();
    trust.keys_.push_back(Key{path, std::move(cert->pem), cert->notBefore, cert->notAfter});
  }
  return trust;
}

TrustVerdict CallerTrust::evaluate(const TrustInput& input) const {
  if (!input.identityHeader.empty()) {
    if (!keys_.empty()) return checkIdentity(input);
    // Without a configured key nothing can be verified; the header is then no evidence either
    // way, and a trusted proxy that verified it upstream reports the result as verstat.
    TrustVerdict v = checkVerstat(input);
    v.detail = "identity not checked (no keys configured); " + v.detail;
    return v;
  }
  return checkVerstat(input);
}

TrustVerdict CallerTrust::checkIdentity(const TrustInput& in) const {
  if (in.identityHeader.size() > kMaxIdentityHeaderBytes) return rejected("too long (438)");
  auto parts = splitIdentityHeader(in.identityHeader);
  if (!parts) return rejected("malformed header (438)");

  // Header parameters (RFC 8224 §4.1): info is mandatory; alg and ppt, when present, must be
  // the SHAKEN ones. info is compared with x5u but never fetched.
  const auto param = [&](const char* name) -> const std::string* {
    auto it = parts->params.find(name);
    return it == parts->params.end() ? nullptr : &it->second;
  };
  const std::string* info = param("info");
  if (info == nullptr || info->empty()) return rejected("missing info parameter (436)");
  if (const std::string* alg = param("alg"); alg != nullptr && *alg != "ES256") {
    return rejected("unsupported alg (437)");
  }
  if (const std::string* ppt = param("ppt"); ppt != nullptr && *ppt != "shaken") {
    return rejected("ppt not shaken (438)");
  }

  const auto header = decodeJson(parts->segments[0]);
  const auto payload = decodeJson(parts->segments[1]);
  if (!header || !payload) return rejected("malformed PASSporT (438)");
  const json* alg = member(*header, "alg");
  if (alg == nullptr || !alg->is_string() || *alg != "ES256")
    return rejected("unsupported alg (437)");
  const json* ppt = member(*header, "ppt");
  if (ppt == nullptr || !ppt->is_string() || *ppt != "shaken")
    return rejected("ppt not shaken (438)");
  if (const json* typ = member(*header, "typ");
      typ != nullptr && (!typ->is_string() || *typ != "passport")) {
    return rejected("typ not passport (438)");
  }
  const json* x5u = member(*header, "x5u");
  if (x5u == nullptr || !x5u->is_string()) return rejected("missing x5u (436)");
  if (x5u->get<std::string>() != *info) return rejected("x5u does not match info (436)");

  // Claim shapes first (cheap, and libsecsipid refuses a payload it cannot unmarshal).
  const json* iat = member(*payload, "iat");
  if (iat == nullptr || !iat->is_number_integer()) return rejected("missing iat (438)");
  if (iat->is_number_unsigned() ? iat->get<uint64_t>() > static_cast<uint64_t>(kMaxIat)
                                : (iat->get<int64_t>() < 0 || iat->get<int64_t>() > kMaxIat)) {
    return rejected("invalid iat (438)");  // also keeps the age arithmetic below from overflowing
  }
  const json* orig = member(*payload, "orig");
  const json* origTn = orig != nullptr && orig->is_object() ? member(*orig, "tn") : nullptr;
  if (origTn == nullptr || !origTn->is_string()) return rejected("missing orig.tn (438)");
  const json* dest = member(*payload, "dest");
  const json* destTn = dest != nullptr && dest->is_object() ? member(*dest, "tn") : nullptr;
  if (destTn == nullptr || !destTn->is_array()) return rejected("missing dest.tn (438)");
  const json* attest = member(*payload, "attest");
  if (attest == nullptr || !attest->is_string()) return rejected("missing attest (438)");
  Attestation a = Attestation::kNone;
  if (*attest == "A") a = Attestation::kA;
  if (*attest == "B") a = Attestation::kB;
  if (*attest == "C") a = Attestation::kC;
  if (a == Attestation::kNone) return rejected("invalid attest (438)");

  // The signature, by libsecsipid with a public key given by value: this entry point never
  // fetches anything. Certificates outside their validity at the call's time are skipped.
  size_t outsideValidity = 0;
  bool verified = false;
  std::string jwt = parts->jwt;  // the C API takes char*
  for (const Key& key : keys_) {
    if ((key.notBefore && in.nowEpochSeconds < *key.notBefore) ||
        (key.notAfter && in.nowEpochSeconds > *key.notAfter)) {
      ++outsideValidity;
      continue;
    }
    std::string pem = key.publicKeyPem;
    if (SecSIPIDCheckFullPubKey(jwt.data(), static_cast<int>(jwt.size()), kLibraryExpiry,
                                pem.data(), static_cast<int>(pem.size())) == 0) {
      verified = true;
      break;
    }
  }
  if (!verified) {
    if (outsideValidity == keys_.size()) return rejected("no certificate valid now (437)");
    return rejected("signature not verified by any configured key (438)");
  }

  // Claims from a verified PASSporT against this call.
  const int64_t issued = iat->get<int64_t>();
  if (in.nowEpochSeconds - issued > maxAgeSeconds_) return rejected("stale iat (403)");
  if (issued - in.nowEpochSeconds > maxAgeSeconds_) return rejected("iat in the future (403)");
  const std::string caller = telDigits(in.callerUser);
  if (caller.empty() || telDigits(origTn->get<std::string>()) != caller) {
    return rejected("orig mismatch (438)");
  }
  const std::string dialled = telDigits(in.dialledUser);
  const bool destOk =
      !dialled.empty() && std::any_of(destTn->begin(), destTn->end(), [&](const json& tn) {
        return tn.is_string() && telDigits(tn.get<std::string>()) == dialled;
      });
  if (!destOk) return rejected("dest mismatch (438)");
  return {a, "identity", std::string("identity ok attest=") + attestationName(a)};
}

TrustVerdict CallerTrust::checkVerstat(const TrustInput& in) const {
  std::vector<std::string> values = findVerstat(in.assertedIdentity);
  if (values.empty()) values = findVerstat(in.fromHeader);
  if (values.empty()) return {Attestation::kNone, "none", "no identity or verstat"};
  if (!isTrustedProxy(in.sourceAddress)) {
    return {Attestation::kNone, "none",
            "verstat from untrusted " + sanitize(in.sourceAddress) + " ignored"};
  }
  // Several values (one per asserted URI) must all pass; the weakest one counts.
  std::optional<Attestation> result;
  for (const std::string& v : values) {
    auto parsed = parseAttestation(v);
    if (!parsed.ok() || v.size() < 3) {  // "A"/"none" are not verstat values
      return {Attestation::kNone, "verstat", "verstat '" + sanitize(v) + "' not recognised"};
    }
    result = result ? weaker(*result, *parsed) : *parsed;
  }
  return {*result, "verstat",
          "verstat " + sanitize(values.front()) + " from trusted " + sanitize(in.sourceAddress) +
              " attest=" + attestationName(*result)};
}

bool CallerTrust::isTrustedProxy(const std::string& address) const {
  auto parsed = parseAddress(address);
  return parsed && std::find(proxies_.begin(), proxies_.end(), *parsed) != proxies_.end();
}

}  // namespace callgate::stir
