#include "functions/contact_auth.h"

namespace callgate {

Status ContactAuthLedger::record(const std::string& contactId, const char* method,
                                 const std::string& userId, const std::string& phone) {
  if (contactId.empty()) return okStatus();
  const TimePoint now = clock_.now();
  return store_.record(ContactAuthRecord{contactId, method, userId, phone, now + ttl_}, now);
}

Result<std::vector<ContactAuthRecord>> ContactAuthLedger::records(const std::string& contactId) {
  if (contactId.empty()) return std::vector<ContactAuthRecord>{};
  return store_.find(contactId, clock_.now());
}

Result<bool> ContactAuthLedger::vouchesFor(const std::string& contactId,
                                           const std::string& userId) {
  auto record = vouchingRecord(contactId, userId);
  if (!record.ok()) return record.error();
  return record->has_value();
}

Result<std::optional<ContactAuthRecord>> ContactAuthLedger::vouchingRecord(
    const std::string& contactId, const std::string& userId) {
  using Found = std::optional<ContactAuthRecord>;
  if (contactId.empty() || userId.empty()) return Found();
  auto records = this->records(contactId);
  if (!records.ok()) return records.error();
  if (records->empty()) return Found();
  for (const ContactAuthRecord& r : *records) {
    if (r.userId == userId) return Found(r);
  }
  // No record names the user id: one may still be for its number (an SMS code, or caller ID, of
  // a customer the record could not name). Read the customer only now, when it can matter.
  auto customer = customers_.findByUserId(userId);
  if (!customer.ok()) return customer.error();
  if (!customer->has_value()) return Found();
  const std::string& phone = (*customer)->phone;
  for (const ContactAuthRecord& r : *records) {
    if (!r.phone.empty() && r.phone == phone) return Found(r);
  }
  return Found();
}

}  // namespace callgate
