#include "adapters/identity/id_token.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "core/numeric_date.h"
#include "core/phone.h"

namespace callgate::identity {

namespace {

Error bad(std::string why) { return Error::unauthenticated("ID token " + std::move(why)); }

// A NumericDate claim (RFC 7519 §2: may be fractional), as whole seconds; false if malformed.
bool numericDate(const nlohmann::json& v, int64_t& out) {
  if (v.is_number_integer()) {
    out = v.get<int64_t>();
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!(d >= 0 && d <= static_cast<double>(kMaxNumericDate))) return false;
    out = static_cast<int64_t>(d);
  } else {
    return false;
  }
  return out >= 0 && out <= kMaxNumericDate;
}

}  // namespace

std::string IdTokenClaims::get(std::string_view name) const {
  const auto it = values.find(std::string(name));
  return it == values.end() ? std::string() : it->second;
}

Result<IdTokenClaims> checkIdTokenClaims(std::string_view payloadJson,
                                         const IdTokenExpectations& expected, TimePoint now) {
  const nlohmann::json doc =
      nlohmann::json::parse(payloadJson, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return bad("claims are not a JSON object");
  IdTokenClaims claims;
  for (const auto& [name, value] : doc.items()) {
    if (value.is_string()) {
      claims.values[name] = value.get<std::string>();
    } else if (value.is_boolean()) {
      claims.values[name] = value.get<bool>() ? "true" : "false";
    } else if (value.is_number_integer()) {
      claims.values[name] = std::to_string(value.get<int64_t>());
    }
  }

  const auto iss = doc.find("iss");
  if (iss == doc.end() || !iss->is_string() || *iss != expected.issuer) {
    return bad("iss is not the configured issuer");
  }
  const auto aud = doc.find("aud");
  if (aud != doc.end() && aud->is_string()) {
    claims.audience.push_back(aud->get<std::string>());
  } else if (aud != doc.end() && aud->is_array()) {
    for (const auto& a : *aud) {
      if (!a.is_string()) return bad("aud is not a string or an array of strings");
      claims.audience.push_back(a.get<std::string>());
    }
  } else {
    return bad("has no aud");
  }
  if (std::find(claims.audience.begin(), claims.audience.end(), expected.clientId) ==
      claims.audience.end()) {
    return bad("aud does not contain the client id");
  }
  const auto azp = doc.find("azp");
  if (azp != doc.end() && (!azp->is_string() || *azp != expected.clientId)) {
    return bad("azp is not the client id");
  }
  if (claims.audience.size() > 1 && azp == doc.end()) {
    return bad("has several audiences and no azp");
  }

  const int64_t nowSeconds = toNumericDate(now);
  const int64_t leeway = expected.leeway.count();
  int64_t exp = 0, iat = 0, nbf = 0;
  const auto expIt = doc.find("exp");
  if (expIt == doc.end() || !numericDate(*expIt, exp)) return bad("has no valid exp");
  if (exp + leeway <= nowSeconds) return bad("has expired");
  const auto iatIt = doc.find("iat");
  if (iatIt == doc.end() || !numericDate(*iatIt, iat)) return bad("has no valid iat");
  if (iat > nowSeconds + leeway) return bad("iat is in the future");
  const auto nbfIt = doc.find("nbf");
  if (nbfIt != doc.end()) {
    if (!numericDate(*nbfIt, nbf)) return bad("nbf is not a NumericDate");
    if (nbf > nowSeconds + leeway) return bad("is not valid yet (nbf)");
  }
  const auto sub = doc.find("sub");
  if (sub == doc.end() || !sub->is_string() || sub->get_ref<const std::string&>().empty()) {
    return bad("has no sub");
  }
  if (!expected.tokenUse.empty() && claims.get("token_use") != expected.tokenUse) {
    return bad("token_use is not \"" + expected.tokenUse + "\"");
  }
  return claims;
}

std::string languageTag(std::string_view locale) {
  if (locale.empty() || locale.size() > 35) return "";
  std::string tag(locale);
  std::replace(tag.begin(), tag.end(), '_', '-');
  // language (2-8 letters), then subtags of 1-8 letters or digits.
  size_t start = 0;
  bool first = true;
  while (start <= tag.size()) {
    size_t end = tag.find('-', start);
    if (end == std::string::npos) end = tag.size();
    const std::string_view part(tag.data() + start, end - start);
    if (part.empty() || part.size() > 8) return "";
    for (char c : part) {
      const auto u = static_cast<unsigned char>(c);
      if (first ? !std::isalpha(u) : !std::isalnum(u)) return "";
    }
    if (first && part.size() < 2) return "";
    first = false;
    start = end + 1;
  }
  return tag;
}

VerifiedIdentity mapIdentity(std::string_view userId, const IdTokenClaims& claims,
                             const IdentityMapping& mapping) {
  VerifiedIdentity id;
  id.userId = std::string(userId);
  id.subject = claims.get(mapping.subjectClaim);
  const std::string phone = claims.get(mapping.phoneClaim);
  const bool phoneVerified =
      mapping.phoneVerifiedClaim.empty() || claims.get(mapping.phoneVerifiedClaim) == "true";
  if (!phone.empty() && phoneVerified) {
    auto e164 = normalizeE164(phone, mapping.defaultRegion);
    if (e164.ok()) id.phone = std::move(*e164);
  }
  id.firstName = claims.get(mapping.firstNameClaim);
  id.lastName = claims.get(mapping.lastNameClaim);
  if (!mapping.levelClaim.empty()) id.level = claims.get(mapping.levelClaim);
  if (!mapping.languageClaim.empty()) id.language = languageTag(claims.get(mapping.languageClaim));
  return id;
}

}  // namespace callgate::identity
