#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli/commands.h"
#include "app/wiring/wiring.h"
#include "core/phone.h"
#include "core/pin_policy.h"
#include "core/ports.h"
#include "functions/customer_csv.h"

namespace callgate::app {

namespace {

int fail(const std::string& message, int code = 1) {
  std::cerr << "callgate: " << message << "\n";
  return code;
}

// The first line of standard input, without its line ending.
std::string readPinFromStdin() {
  std::string line;
  std::getline(std::cin, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  return line;
}

// Hashes the PINs of `rows` (slow: argon2id per PIN); rows without a PIN get "".
Result<std::vector<CustomerRecord>> hashPins(const Config& config, std::vector<CsvCustomer> rows) {
  std::vector<CustomerRecord> records;
  records.reserve(rows.size());
  std::unique_ptr<PinHasher> hasher;
  for (auto& row : rows) {
    CustomerRecord record{std::move(row.customer), ""};
    if (!row.pin.empty()) {
      if (!hasher) {
        auto built = buildPinHasher(config);
        if (!built.ok()) return built.error();
        hasher = std::move(*built);
      }
      auto hash = hasher->hash(record.customer.userId, row.pin);
      if (!hash.ok()) return hash.error();
      record.pinHash = std::move(*hash);
    }
    records.push_back(std::move(record));
  }
  return records;
}

// Whether the store already has a customer with `c`'s phone or (non-empty) user id.
Result<bool> isPresent(CustomerStore& store, const Customer& c) {
  auto byPhone = store.findByPhone(c.phone);
  if (!byPhone.ok()) return byPhone.error();
  if (byPhone->has_value()) return true;
  auto byUserId = store.findByUserId(c.userId);
  if (!byUserId.ok()) return byUserId.error();
  return byUserId->has_value();
}

// Removes from `rows` those already in the store; returns how many it removed.
template <typename Row, typename CustomerOf>
Result<size_t> dropPresent(CustomerStore& store, std::vector<Row>& rows, CustomerOf customerOf) {
  std::vector<Row> missing;
  for (auto& row : rows) {
    auto present = isPresent(store, customerOf(row));
    if (!present.ok()) return present.error();
    if (!*present) missing.push_back(std::move(row));
  }
  const size_t dropped = rows.size() - missing.size();
  rows = std::move(missing);
  return dropped;
}

}  // namespace

int customersAddCommand(const Config& config, const NewCustomer& in) {
  auto customer =
      makeCustomer("customer", in.phone, in.firstName, in.lastName, in.level, in.language);
  if (!customer.ok()) return fail(customer.error().message(), 2);
  if (!in.pin.empty() && in.pinStdin)
    return fail("give the PIN with --pin or --pin-stdin, not both", 2);
  const std::string pin = in.pinStdin ? readPinFromStdin() : in.pin;
  if (in.pinStdin && pin.empty()) return fail("--pin-stdin: no PIN on standard input", 2);
  if (Status s = checkCredentialInput("customer", in.userId, pin); !s.ok())
    return fail(s.error().message(), 2);
  customer->userId = in.userId;

  auto services = buildStorage(config);
  if (!services.ok()) return fail(services.error().message());
  customer->createdAt = (*services)->clock->now();
  auto records = hashPins(config, {CsvCustomer{*customer, pin}});
  if (!records.ok()) return fail(records.error().message());
  if (auto s = (*services)->customers->addWithPins(*records); !s.ok()) {
    if (s.error().code() == ErrorCode::kAlreadyExists)
      return fail(s.error().message() + " (nothing was added)");
    return fail(s.error().message());
  }
  std::cout << "added " << customer->phone << " (" << customer->firstName << " "
            << customer->lastName << ", " << customer->level << ", " << customer->language;
  if (!customer->userId.empty()) std::cout << ", user id " << customer->userId;
  if (!pin.empty()) std::cout << ", PIN set";
  std::cout << ")\n";
  return 0;
}

int customersImportCommand(const Config& config, const std::string& csvPath, bool skipExisting) {
  std::ifstream in(csvPath, std::ios::binary);
  if (!in) return fail("cannot read " + csvPath);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parseCustomerRows(text.str());
  if (!parsed.ok())
    return fail(csvPath + ": " + parsed.error().message() + "; nothing was imported");
  auto services = buildStorage(config);
  if (!services.ok()) return fail(services.error().message());
  CustomerStore& store = *(*services)->customers;
  const TimePoint now = (*services)->clock->now();
  for (auto& row : *parsed) row.customer.createdAt = now;
  size_t skipped = 0;
  if (skipExisting) {
    // Before hashing: a PIN costs ~0.1 s of argon2id, and a repeated import skips every row.
    auto dropped = dropPresent(store, *parsed, [](const CsvCustomer& r) { return r.customer; });
    if (!dropped.ok()) return fail(csvPath + ": " + dropped.error().message());
    skipped = *dropped;
  }
  auto records = hashPins(config, std::move(*parsed));
  if (!records.ok())
    return fail(csvPath + ": " + records.error().message() + "; nothing was imported");
  // With --skip-existing, another process (a call enrolling a number, a second import) may add
  // one of the rows between the check and the insert; the transaction then fails as a whole and
  // the rows are checked again. Three rounds settle anything but a deliberate race.
  for (int round = 1;; ++round) {
    Status s = store.addWithPins(*records);
    if (s.ok()) break;
    if (!skipExisting || s.error().code() != ErrorCode::kAlreadyExists || round == 3)
      return fail(csvPath + ": " + s.error().message() + "; nothing was imported");
    auto dropped = dropPresent(store, *records, [](const CustomerRecord& r) { return r.customer; });
    if (!dropped.ok()) return fail(csvPath + ": " + dropped.error().message());
    skipped += *dropped;
  }
  std::cout << "imported " << records->size() << " customers from " << csvPath;
  if (skipExisting) std::cout << " (" << skipped << " already present, left as they are)";
  std::cout << "\n";
  return 0;
}

int customersShowCommand(const Config& config, const std::string& phone,
                         const std::string& userId) {
  if (phone.empty() == userId.empty()) return fail("give exactly one of --phone and --user-id", 2);
  std::string e164;
  if (!phone.empty()) {
    auto normalized = normalizeE164(phone);
    if (!normalized.ok()) return fail("--phone: " + normalized.error().message(), 2);
    e164 = *normalized;
  } else if (!isWellFormedUserId(userId)) {
    return fail("--user-id must be 4 to 10 digits", 2);
  }
  auto services = buildStorage(config);
  if (!services.ok()) return fail(services.error().message());
  Services& s = **services;
  auto found = phone.empty() ? s.customers->findByUserId(userId) : s.customers->findByPhone(e164);
  if (!found.ok()) return fail(found.error().message());
  if (!found->has_value()) {
    return fail(phone.empty() ? "no customer with user id " + userId
                              : "no customer with phone " + e164);
  }
  const Customer& c = **found;
  std::cout << "phone: " << c.phone << "\nfirst_name: " << c.firstName
            << "\nlast_name: " << c.lastName << "\nlevel: " << c.level
            << "\nlanguage: " << c.language << "\ncreated_at: " << formatRfc3339(c.createdAt)
            << "\nuser_id: " << (c.userId.empty() ? "(none)" : c.userId) << "\n";
  if (!c.userId.empty()) {
    // Whether a PIN is set and locked; never the hash.
    auto hash = s.credentials->pinHash(c.userId);
    if (!hash.ok()) return fail(hash.error().message());
    auto failures = s.credentials->pinFailures(c.userId);
    if (!failures.ok()) return fail(failures.error().message());
    std::cout << "pin: " << (hash->value_or("").empty() ? "not set" : "set") << "\n";
    const PinLock lock = pinLockAt(config.pinLockout, *failures, s.clock->now());
    if (lock.kind == PinLockKind::kPermanent) {
      std::cout << "pin_locked: yes, since " << formatRfc3339(failures->lockedAt)
                << " (callgate customers unlock --user-id " << c.userId << ")\n";
    } else if (lock.kind == PinLockKind::kTemporary) {
      std::cout << "pin_locked: yes, until " << formatRfc3339(lock.until) << " ("
                << failures->failures << " recent failures)\n";
    } else {
      std::cout << "pin_locked: no (" << failures->failures << " recent failures)\n";
    }
  }
  return 0;
}

int customersUnlockCommand(const Config& config, const std::string& userId) {
  if (!isWellFormedUserId(userId)) return fail("--user-id must be 4 to 10 digits", 2);
  auto services = buildStorage(config);
  if (!services.ok()) return fail(services.error().message());
  Services& s = **services;
  auto exists = s.customers->findByUserId(userId);
  if (!exists.ok()) return fail(exists.error().message());
  auto cleared = s.credentials->unlock(userId);
  if (!cleared.ok()) return fail(cleared.error().message());
  auto audit = buildAuditLog(config, *s.clock);
  audit->record(
      "account_unlocked",
      {{"user_id", userId}, {"by", "cli"}, {"had_failures", *cleared ? "true" : "false"}});
  std::cout << "unlocked user id " << userId << (*cleared ? "" : " (it had no failures)")
            << (exists->has_value() ? "" : " (no customer has this user id)") << "\n";
  return 0;
}

}  // namespace callgate::app
