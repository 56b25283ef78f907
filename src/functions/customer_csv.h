// Reading customers from CSV, for `callgate customers import` and the console's import (RFC
// 4180: quoted fields, doubled quotes, CRLF or LF). The header must be exactly
// `phone,first_name,last_name,level,language`, optionally followed by `,user_id` or
// `,user_id,pin` (either may be empty in a row; a PIN needs a user id). The whole file is checked
// before anything is imported; the first bad row is reported with its line number (never with a
// PIN in the message).
// Hand-written because it is small and strict; Debian's C CSV libraries would still need this
// validation around them.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "core/customer.h"

namespace callgate {

inline constexpr const char* kCustomerCsvHeader = "phone,first_name,last_name,level,language";
inline constexpr const char* kCustomerCsvCredentialColumns = "user_id,pin";

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

// A user id (4-10 digits) and PIN (4-8 digits) pair as typed: both may be empty, a PIN needs a
// user id. kInvalidArgument prefixed with `where`; the message never repeats the PIN.
Status checkCredentialInput(const std::string& where, const std::string& userId,
                            const std::string& pin);

struct CsvCustomer {
  Customer customer;  // customer.userId set from the user_id column
  std::string pin;    // "" when none
};
Result<std::vector<CsvCustomer>> parseCustomerRows(const std::string& text);

// The customers of a file without PINs; a file that has any PIN is refused here (use
// parseCustomerRows), so a PIN is never dropped silently.
Result<std::vector<Customer>> parseCustomerCsv(const std::string& text);

}  // namespace callgate
