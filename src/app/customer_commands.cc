#include <fstream>
#include <iostream>
#include <sstream>

#include "app/commands.h"
#include "app/customer_csv.h"
#include "app/wiring.h"
#include "core/phone.h"
#include "core/ports.h"

namespace callgate::app {

namespace {

int fail(const std::string& message, int code = 1) {
  std::cerr << "callgate: " << message << "\n";
  return code;
}

}  // namespace

int customersAddCommand(const Config& config, const NewCustomer& in) {
  auto customer = makeCustomer("customer", in.phone, in.firstName, in.lastName, in.level, in.language);
  if (!customer.ok()) return fail(customer.error().message(), 2);
  auto services = buildStorage(config);
  if (!services.ok()) return fail(services.error().message());
  customer->createdAt = (*services)->clock->now();
  if (auto s = (*services)->customers->add(*customer); !s.ok()) {
    if (s.error().code() == ErrorCode::kAlreadyExists) {
      return fail("a customer with phone " + customer->phone + " exists already");
    }
    return fail(s.error().message());
  }
  std::cout << "added " << customer->phone << " (" << customer->firstName << " "
            << customer->lastName << ", " << customer->level << ", " << customer->language << ")\n";
  return 0;
}

int customersImportCommand(const Config& config, const std::string& csvPath) {
  std::ifstream in(csvPath, std::ios::binary);
  if (!in) return fail("cannot read " + csvPath);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parseCustomerCsv(text.str());
  if (!parsed.ok()) return fail(csvPath + ": " + parsed.error().message() + "; nothing was imported");
  auto services = buildStorage(config);
  if (!services.ok()) return fail(services.error().message());
  const TimePoint now = (*services)->clock->now();
  for (auto& c : *parsed) c.createdAt = now;
  if (auto s = (*services)->customers->addAll(*parsed); !s.ok()) {
    return fail(csvPath + ": " + s.error().message() + "; nothing was imported");
  }
  std::cout << "imported " << parsed->size() << " customers from " << csvPath << "\n";
  return 0;
}

int customersShowCommand(const Config& config, const std::string& phone) {
  auto e164 = normalizeE164(phone);
  if (!e164.ok()) return fail("--phone: " + e164.error().message(), 2);
  auto services = buildStorage(config);
  if (!services.ok()) return fail(services.error().message());
  auto found = (*services)->customers->findByPhone(*e164);
  if (!found.ok()) return fail(found.error().message());
  if (!found->has_value()) return fail("no customer with phone " + *e164);
  const Customer& c = **found;
  std::cout << "phone: " << c.phone << "\nfirst_name: " << c.firstName << "\nlast_name: "
            << c.lastName << "\nlevel: " << c.level << "\nlanguage: " << c.language
            << "\ncreated_at: " << formatRfc3339(c.createdAt) << "\n";
  return 0;
}

}  // namespace callgate::app
