// Reading customers from CSV (RFC 4180: quoted fields, doubled quotes, CRLF or LF). The header
// must be exactly `phone,first_name,last_name,level,language`. The whole file is checked before
// anything is imported; the first bad row is reported with its line number.
// Hand-written because it is small and strict; Debian's C CSV libraries would still need this
// validation around them.
#pragma once

#include <string>
#include <vector>

#include "core/customer.h"
#include "core/result.h"

namespace callgate::app {

inline constexpr const char* kCustomerCsvHeader = "phone,first_name,last_name,level,language";

// Splits CSV text into records of fields, remembering each record's first line number.
struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};
Result<std::vector<CsvRecord>> parseCsv(const std::string& text);

// Checks and normalises one customer (phone to E.164, names present, sane lengths, a plausible
// language tag); `where` prefixes the error, e.g. "line 7".
Result<Customer> makeCustomer(const std::string& where, const std::string& phone,
                              const std::string& firstName, const std::string& lastName,
                              std::string level, std::string language);

Result<std::vector<Customer>> parseCustomerCsv(const std::string& text);

}  // namespace callgate::app
