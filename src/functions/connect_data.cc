#include "functions/connect_data.h"

#include <charconv>
#include <set>

#include "core/flow/internal_functions.h"
#include "core/phone.h"

namespace callgate {
namespace {

namespace fn = flow::internal;

std::string param(const FunctionRequest& request, std::string_view key) {
  auto it = request.parameters.find(std::string(key));
  return it == request.parameters.end() ? std::string() : it->second;
}

Result<int> intParam(const FunctionRequest& request, std::string_view key, int min, int max) {
  std::string text = param(request, key);
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < min || value > max)
    return Error::invalidArgument(std::string(key) + " must be " + std::to_string(min) + " to " +
                                  std::to_string(max));
  return value;
}

// The profile id of a customer: the account (user id) when it has one, else the phone number.
std::string profileId(const Customer& c) { return c.userId.empty() ? c.phone : c.userId; }

bool isPhoneIdentifier(std::string_view name) {
  return name == "_phone" || name.ends_with("PhoneNumber");
}

// The customers one identifier finds (0 or 1: phone and user id are unique).
Result<std::optional<Customer>> search(CustomerStore& customers, std::string_view name,
                                       const std::string& value) {
  if (value.empty() || fn::isEmailProfileIdentifier(name)) return std::optional<Customer>{};
  if (isPhoneIdentifier(name) ||
      ((name == "_profileId" || name == "ProfileId") && !isWellFormedUserId(value))) {
    auto phone = E164::parse(value);
    if (!phone.ok()) return std::optional<Customer>{};  // not a number: nobody has it
    return customers.findByPhone(phone->str());
  }
  if (!isWellFormedUserId(value)) return std::optional<Customer>{};
  return customers.findByUserId(value);
}

}  // namespace

std::string_view CheckMetricData::name() const { return fn::kCheckMetric; }

Result<StringMap> CheckMetricData::invoke(const FunctionRequest& request) {
  const std::string queue = param(request, fn::kQueue);
  const QueueInfo* found = nullptr;
  for (const QueueInfo& q : queues_) {
    if (!queue.empty() && (q.name == queue || (!q.id.empty() && q.id == queue))) found = &q;
  }
  if (found == nullptr) return Error::notFound("no queue named '" + queue + "'");
  const std::string metric = param(request, fn::kMetricType);
  int value = 0;
  if (metric == "NumberOfAgentsAvailable") {
    value = found->agentsAvailable;
  } else if (metric == "NumberOfAgentsStaffed") {
    value = found->agentsStaffed;
  } else if (metric == "NumberOfAgentsOnline") {
    value = found->agentsOnline;
  } else if (metric != "NumberOfContactsInQueue" && metric != "OldestContactInQueueAgeSeconds") {
    return Error::invalidArgument("unknown MetricType '" + metric + "'");
  }
  return StringMap{{std::string(fn::kValue), std::to_string(value)}};
}

std::string_view GetCustomerProfile::name() const { return fn::kGetProfile; }

Result<StringMap> GetCustomerProfile::invoke(const FunctionRequest& request) {
  const bool any = param(request, fn::kLogicalOperator) == "OR";
  std::map<std::string, Customer> matched;  // by phone
  bool first = true;
  for (int n = 1; n <= fn::kMaxIdentifiers; ++n) {
    const std::string suffix = std::to_string(n);
    auto nameIt = request.parameters.find(std::string(fn::kIdentifierName) + suffix);
    if (nameIt == request.parameters.end()) break;
    if (!fn::isKnownProfileIdentifier(nameIt->second))
      return Error::invalidArgument("cannot search profiles by '" + nameIt->second + "'");
    auto found = search(customers_, nameIt->second,
                        param(request, std::string(fn::kIdentifierValue) + suffix));
    if (!found.ok()) return found.error();
    if (any) {
      if (found->has_value()) matched[(*found)->phone] = **found;
    } else if (first) {
      if (found->has_value()) matched[(*found)->phone] = **found;
    } else if (!found->has_value() || !matched.count((*found)->phone)) {
      matched.clear();  // AND: every identifier must find the same customer
    }
    first = false;
    if (!any && matched.empty()) break;
  }
  if (first) return Error::invalidArgument("no profile identifier given");
  if (matched.empty()) return StringMap{{std::string(fn::kOutcome), std::string(fn::kNoneFound)}};
  if (matched.size() > 1)
    return StringMap{{std::string(fn::kOutcome), std::string(fn::kMultipleFound)}};
  const Customer& c = matched.begin()->second;
  StringMap out{{std::string(fn::kOutcome), std::string(fn::kFound)},
                {"ProfileId", profileId(c)},
                {"FirstName", c.firstName},
                {"LastName", c.lastName},
                {"PhoneNumber", c.phone},
                {"Attributes.custLevel", c.level},
                {"Attributes.language", c.language}};
  if (!c.userId.empty()) out["AccountNumber"] = c.userId;
  return out;
}

std::string_view CreateCallbackContact::name() const { return fn::kCreateCallback; }

Result<StringMap> CreateCallbackContact::invoke(const FunctionRequest& request) {
  auto phone = E164::parse(param(request, fn::kCallbackNumber));
  if (!phone.ok()) return Error::invalidArgument("CallbackNumber: " + phone.error().message());
  CallbackRequest r;
  r.queue = param(request, fn::kQueue);
  if (r.queue.empty()) return Error::invalidArgument("no queue for the callback");
  auto initial = intParam(request, fn::kInitialDelay, 1, 259200);
  if (!initial.ok()) return initial.error();
  auto attempts = intParam(request, fn::kMaxAttempts, 1, 100);
  if (!attempts.ok()) return attempts.error();
  auto retry = intParam(request, fn::kRetryDelay, 1, 259200);
  if (!retry.ok()) return retry.error();

  const TimePoint now = clock_.now();
  r.contactId = request.contact.contactId;
  r.phone = phone->str();
  r.contactFlowId = param(request, fn::kContactFlowId);
  r.createdAt = now;
  r.notBefore = now + Seconds(*initial);
  r.maxAttempts = *attempts;
  r.retryDelaySeconds = *retry;
  auto id = callbacks_.add(r, CallbackLimit{now - limits_.window, limits_.perNumber});
  if (!id.ok()) return id.error();
  if (!*id) {
    audit_.record("callback_refused", {{"phone", phone->masked()}, {"reason", "rate_limited"}});
    return Error::resourceExhausted("too many callback requests for this number");
  }
  audit_.record("callback_requested", {{"id", std::to_string(**id)},
                                       {"phone", phone->masked()},
                                       {"queue", r.queue},
                                       {"contact", r.contactId}});
  return StringMap{{std::string(fn::kCallbackId), std::to_string(**id)}};
}

}  // namespace callgate
