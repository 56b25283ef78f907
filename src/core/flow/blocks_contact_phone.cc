// The contact actions that deal in phone numbers (blocks_contact_internal.h says why apart).

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "core/flow/blocks_contact_internal.h"
#include "core/flow/session.h"
#include "core/phone.h"

namespace callgate::flow::contact {

using detail::ActionScope;
using detail::Json;
using internal::fail;
using internal::kNoMatchingError;

namespace {

// The error branch for `specific`: itself when the block has it, else NoMatchingError when it has
// that (Connect's catch-all), else `specific` (a missing branch, which the session reports).
std::string errorFor(const Block& block, std::string_view specific) {
  if (block.transitions.onError(std::string(specific))) return std::string(specific);
  if (block.transitions.onError(std::string(kNoMatchingError)))
    return std::string(kNoMatchingError);
  return std::string(specific);
}

std::optional<std::string> renderOptional(const Template& t, const ContactState& state) {
  if (t.source().empty() && t.parts().empty()) return std::string();
  return t.render(state, kMaxValueBytes);
}

bool validDtmf(std::string_view digits) {
  return digits.size() <= kMaxDtmfDigits && std::all_of(digits.begin(), digits.end(), [](char c) {
           return (c >= '0' && c <= '9') || c == '*' || c == '#' || c == ',';
         });
}

std::optional<int> parseTimeout(std::string_view text) {
  if (text.empty() || text.size() > 4) return std::nullopt;
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v > kMaxThirdPartyTimeoutSeconds) return std::nullopt;
  return v;
}

}  // namespace

namespace internal {

Result<BlockParams> parseCallbackNumber(const ActionScope& scope, const Json& params) {
  if (Status s = scope.checkKeys(params, {"CallbackNumber"}); !s.ok()) return s.error();
  Result<std::string> value = scope.requiredString(params, "CallbackNumber");
  if (!value.ok()) return value.error();
  Result<Reference> ref = parseReference(*value);
  if (!ref.ok()) {
    if (value->starts_with("$.")) return scope.error(ref.error().message());
    return scope.error(
        "CallbackNumber must be a single reference such as $.StoredCustomerInput (Connect does "
        "not allow a static number), not '" +
        *value + "'");
  }
  return wrap(CallbackNumber{std::move(ref).value()});
}

Result<BlockParams> parseThirdParty(const ActionScope& scope, const Json& params) {
  if (Status s =
          scope.checkKeys(params, {"ThirdPartyPhoneNumber", "ThirdPartyConnectionTimeLimitSeconds",
                                   "ThirdPartyConnectionTimeoutSeconds", "ContinueFlowExecution",
                                   "ThirdPartyDTMFDigits", "CallerId", "VoiceConnector"});
      !s.ok())
    return s.error();
  if (params.contains("VoiceConnector"))
    return scope.error("VoiceConnector (Amazon Chime) is not supported; use ThirdPartyPhoneNumber");
  ThirdParty out;
  Result<std::string> number = scope.requiredString(params, "ThirdPartyPhoneNumber");
  if (!number.ok()) return number.error();
  Result<Template> n = scope.dynamicValue(*number);
  if (!n.ok()) return n.error();
  if (n->isStatic() && !normalizeE164(*number).ok())
    return scope.error("ThirdPartyPhoneNumber '" + *number + "' is not an E.164 number");
  out.number = std::move(n).value();

  // The key was renamed in Connect's documentation; exports carry either.
  const char* timeoutKey = "ThirdPartyConnectionTimeLimitSeconds";
  if (params.contains("ThirdPartyConnectionTimeoutSeconds")) {
    if (params.contains(timeoutKey)) {
      return scope.error(
          "give ThirdPartyConnectionTimeLimitSeconds or ThirdPartyConnectionTimeoutSeconds, not "
          "both");
    }
    timeoutKey = "ThirdPartyConnectionTimeoutSeconds";
  }
  out.timeoutSeconds = Template::literal(std::to_string(kDefaultThirdPartyTimeoutSeconds));
  if (auto it = params.find(timeoutKey); it != params.end()) {
    std::string text = it->is_number_integer() ? std::to_string(it->get<long long>())
                       : it->is_string()       ? it->get<std::string>()
                                               : std::string("?");
    Result<Template> t = scope.staticOrReference(timeoutKey, text);
    if (!t.ok()) return t.error();
    if (t->isStatic() && !parseTimeout(text)) {
      return scope.error(std::string(timeoutKey) + " must be 0 to " +
                         std::to_string(kMaxThirdPartyTimeoutSeconds) + ", not '" + text + "'");
    }
    out.timeoutSeconds = std::move(t).value();
  }

  Result<std::optional<bool>> cont = scope.optionalBool(params, "ContinueFlowExecution");
  if (!cont.ok()) return cont.error();
  out.continueFlow = cont->value_or(true);

  Result<std::optional<std::string>> dtmf = scope.optionalString(params, "ThirdPartyDTMFDigits");
  if (!dtmf.ok()) return dtmf.error();
  if (dtmf->has_value()) {
    Result<Template> t = scope.staticOrReference("ThirdPartyDTMFDigits", **dtmf);
    if (!t.ok()) return t.error();
    if (t->isStatic() && !validDtmf(**dtmf)) {
      return scope.error("ThirdPartyDTMFDigits must be at most 50 of 0-9 * # , not '" + **dtmf +
                         "'");
    }
    out.dtmfDigits = std::move(t).value();
  }

  Result<const Json*> callerId = scope.optionalObject(params, "CallerId");
  if (!callerId.ok()) return callerId.error();
  if (*callerId) {
    const Json& c = **callerId;
    if (Status s = scope.checkKeys(c, {"Number", "Name"}, "CallerId"); !s.ok()) return s.error();
    Result<std::optional<std::string>> num = scope.optionalString(c, "Number");
    if (!num.ok()) return num.error();
    if (num->has_value()) {
      Result<Template> t = scope.staticOrReference("CallerId.Number", **num);
      if (!t.ok()) return t.error();
      if (t->isStatic() && !normalizeE164(**num).ok())
        return scope.error("CallerId.Number '" + **num + "' is not an E.164 number");
      out.callerIdNumber = std::move(t).value();
    }
    Result<std::optional<std::string>> name = scope.optionalString(c, "Name");
    if (!name.ok()) return name.error();
    if (name->has_value()) {
      Result<Template> t = scope.dynamicValue(**name);
      if (!t.ok()) return t.error();
      out.callerIdName = std::move(t).value();
    }
  }
  return wrap(std::move(out));
}

Step enterThirdParty(const Block& block, ContactState& state) {
  const ThirdParty& p = paramsOf<ThirdParty>(block);
  std::optional<std::string> number = p.number.render(state, kMaxValueBytes);
  if (!number) return fail(errorFor(block, "CallFailed"));
  Result<std::string> e164 = normalizeE164(*number);
  if (!e164.ok()) return fail(errorFor(block, "CallFailed"));
  std::optional<std::string> timeoutText = p.timeoutSeconds.render(state, kMaxValueBytes);
  std::optional<int> timeout = timeoutText ? parseTimeout(*timeoutText) : std::nullopt;
  if (!timeout) return fail(std::string(kNoMatchingError));
  std::optional<std::string> dtmf = renderOptional(p.dtmfDigits, state);
  if (!dtmf || !validDtmf(*dtmf)) return fail(std::string(kNoMatchingError));
  std::optional<std::string> callerNumber = renderOptional(p.callerIdNumber, state);
  if (!callerNumber) return fail(std::string(kNoMatchingError));
  if (!callerNumber->empty()) {
    Result<std::string> n = normalizeE164(*callerNumber);
    if (!n.ok()) return fail(std::string(kNoMatchingError));
    *callerNumber = *n;
  }
  std::optional<std::string> callerName = renderOptional(p.callerIdName, state);
  if (!callerName) return fail(std::string(kNoMatchingError));
  TransferToNumber transfer{
      *e164,           state.attributes, *timeout, std::move(*callerNumber), std::move(*callerName),
      std::move(*dtmf)};
  return Step{Step::Kind::kEnd, "", Action(std::move(transfer))};
}

Step enterCallbackNumber(const Block& block, ContactState& state) {
  std::string raw = lookup(state, paramsOf<CallbackNumber>(block).number);
  // Connect prepends the '+' itself: an attribute may hold the digits alone.
  if (!raw.empty() && raw.front() != '+' &&
      std::all_of(raw.begin(), raw.end(), [](char c) { return c >= '0' && c <= '9'; }))
    raw.insert(raw.begin(), '+');
  Result<std::string> e164 = normalizeE164(raw);
  if (!e164.ok()) return fail(errorFor(block, "InvalidCallbackNumber"));
  namespace pn = i18n::phonenumbers;
  const pn::PhoneNumberUtil* util = pn::PhoneNumberUtil::GetInstance();
  pn::PhoneNumber parsed;
  if (util->Parse(*e164, "ZZ", &parsed) != pn::PhoneNumberUtil::NO_PARSING_ERROR)
    return fail(errorFor(block, "InvalidCallbackNumber"));
  // Numbers a contact center does not call back: calling them costs or reaches no person (and
  // calling premium numbers on request is how toll fraud works).
  switch (util->GetNumberType(parsed)) {
    case pn::PhoneNumberUtil::PREMIUM_RATE:
    case pn::PhoneNumberUtil::SHARED_COST:
    case pn::PhoneNumberUtil::PAGER:
    case pn::PhoneNumberUtil::VOICEMAIL:
    case pn::PhoneNumberUtil::UAN:
      return fail(errorFor(block, "CallbackNumberNotDialable"));
    default:
      break;
  }
  state.callbackNumber = *e164;
  return next();
}

}  // namespace internal

Result<PhoneNumberValidation> parsePhoneNumberValidation(const ActionScope& scope,
                                                         const Json& object) {
  if (!object.is_object())
    return scope.error("InputValidation.PhoneNumberValidation must be an object");
  if (Status s = scope.checkKeys(object, {"NumberFormat", "CountryCode"},
                                 "InputValidation.PhoneNumberValidation");
      !s.ok())
    return s.error();
  Result<std::string> format = scope.requiredString(object, "NumberFormat");
  if (!format.ok()) return format.error();
  PhoneNumberValidation out;
  out.enabled = true;
  if (*format == "Local") {
    out.local = true;
  } else if (*format != "E164") {
    return scope.error("PhoneNumberValidation.NumberFormat must be Local or E164, not '" + *format +
                       "'");
  }
  Result<std::optional<std::string>> country = scope.optionalString(object, "CountryCode");
  if (!country.ok()) return country.error();
  if (country->has_value()) {
    std::string code = **country;
    for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::set<std::string> regions;
    i18n::phonenumbers::PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
    if (!regions.contains(code)) {
      return scope.error("PhoneNumberValidation.CountryCode '" + **country +
                         "' is not a two-letter country code");
    }
    out.countryCode = std::move(code);
  }
  if (out.local && out.countryCode.empty())
    return scope.error("PhoneNumberValidation.CountryCode is required with NumberFormat Local");
  return out;
}

std::optional<std::string> validatePhoneInput(const PhoneNumberValidation& rule,
                                              std::string_view digits) {
  if (digits.empty() ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  Result<std::string> e164 = rule.local ? normalizeE164(digits, rule.countryCode)
                                        : normalizeE164("+" + std::string(digits));
  if (!e164.ok()) return std::nullopt;
  return *e164;
}

}  // namespace callgate::flow::contact
