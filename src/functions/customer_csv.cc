#include "functions/customer_csv.h"

#include <set>

#include "core/phone.h"
#include "core/pin_policy.h"

namespace callgate {

Result<std::vector<CsvRecord>> parseCsv(const std::string& text) {
  std::vector<CsvRecord> records;
  CsvRecord current;
  std::string field;
  bool quoted = false;
  bool fieldStarted = false;
  int line = 1;
  current.line = 1;
  auto endField = [&] {
    current.fields.push_back(std::move(field));
    field.clear();
    fieldStarted = false;
  };
  auto endRecord = [&] {
    endField();
    const bool blank = current.fields.size() == 1 && current.fields[0].empty();
    if (!blank) records.push_back(std::move(current));
    current = CsvRecord{};
    current.line = line;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"') {
      if (fieldStarted) {
        return Error::invalidArgument("line " + std::to_string(line) +
                                      ": stray quote inside a field");
      }
      quoted = true;
      fieldStarted = true;
    } else if (c == ',') {
      endField();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else if (c == '\n') {
      ++line;
      endRecord();
    } else {
      field.push_back(c);
      fieldStarted = true;
    }
  }
  if (quoted)
    return Error::invalidArgument("line " + std::to_string(current.line) + ": unterminated quote");
  endRecord();
  return records;
}

Result<Customer> makeCustomer(const std::string& where, const std::string& phone,
                              const std::string& firstName, const std::string& lastName,
                              std::string level, std::string language) {
  auto fail = [&](const std::string& m) { return Error::invalidArgument(where + ": " + m); };
  auto e164 = normalizeE164(phone);
  if (!e164.ok()) return fail("phone '" + phone + "': " + e164.error().message());
  if (firstName.empty() || lastName.empty()) return fail("first_name and last_name are required");
  for (const std::string* s : {&firstName, &lastName, static_cast<const std::string*>(&level)}) {
    if (s->size() > 100) return fail("a name or level is longer than 100 characters");
  }
  if (level.empty()) level = "Standard";
  if (language.empty()) language = kDefaultLanguage;
  if (!isLanguageTag(language))
    return fail("language '" + language + "' is not a language tag such as en-US");
  Customer c;
  c.phone = *e164;
  c.firstName = firstName;
  c.lastName = lastName;
  c.level = std::move(level);
  c.language = std::move(language);
  return c;
}

Status checkCredentialInput(const std::string& where, const std::string& userId,
                            const std::string& pin) {
  if (!userId.empty() && !isWellFormedUserId(userId)) {
    return Error::invalidArgument(where + ": user id '" + userId + "' must be 4 to 10 digits");
  }
  if (!pin.empty() && userId.empty())
    return Error::invalidArgument(where + ": a PIN needs a user id");
  if (!pin.empty() && !isWellFormedPin(pin)) {
    return Error::invalidArgument(where + ": the PIN must be " + std::to_string(kPinMinDigits) +
                                  " to " + std::to_string(kPinMaxDigits) + " digits");
  }
  return okStatus();
}

Result<std::vector<CsvCustomer>> parseCustomerRows(const std::string& text) {
  auto records = parseCsv(text);
  if (!records.ok()) return records.error();
  if (records->empty())
    return Error::invalidArgument("line 1: the file is empty (expected the header)");
  const CsvRecord& header = records->front();
  std::string joined;
  for (size_t i = 0; i < header.fields.size(); ++i) joined += (i ? "," : "") + header.fields[i];
  if (!joined.empty() && static_cast<unsigned char>(joined[0]) == 0xEF) joined.erase(0, 3);  // BOM
  const std::string base = kCustomerCsvHeader;
  const std::string withUserId = base + ",user_id";
  const std::string withPin = base + "," + kCustomerCsvCredentialColumns;
  if (joined != base && joined != withUserId && joined != withPin) {
    return Error::invalidArgument("line 1: header must be '" + base +
                                  "', optionally followed by ',user_id' or ',user_id,pin'");
  }
  const size_t columns = header.fields.size();
  std::vector<CsvCustomer> out;
  std::set<std::string> seen, seenUserIds;
  for (size_t i = 1; i < records->size(); ++i) {
    const CsvRecord& r = (*records)[i];
    const std::string where = "line " + std::to_string(r.line);
    if (r.fields.size() != columns) {
      return Error::invalidArgument(where + ": expected " + std::to_string(columns) +
                                    " fields, found " + std::to_string(r.fields.size()));
    }
    auto c = makeCustomer(where, r.fields[0], r.fields[1], r.fields[2], r.fields[3], r.fields[4]);
    if (!c.ok()) return c.error();
    if (!seen.insert(c->phone).second) {
      return Error::invalidArgument(where + ": phone " + c->phone + " appears twice in the file");
    }
    CsvCustomer row{std::move(*c), ""};
    if (columns > 5) row.customer.userId = r.fields[5];
    if (columns > 6) row.pin = r.fields[6];
    if (Status s = checkCredentialInput(where, row.customer.userId, row.pin); !s.ok())
      return s.error();
    if (!row.customer.userId.empty() && !seenUserIds.insert(row.customer.userId).second) {
      return Error::invalidArgument(where + ": user id " + row.customer.userId +
                                    " appears twice in the file");
    }
    out.push_back(std::move(row));
  }
  return out;
}

Result<std::vector<Customer>> parseCustomerCsv(const std::string& text) {
  auto rows = parseCustomerRows(text);
  if (!rows.ok()) return rows.error();
  std::vector<Customer> out;
  for (auto& row : *rows) {
    if (!row.pin.empty())
      return Error::invalidArgument("the file has PINs; they must be hashed on import");
    out.push_back(std::move(row.customer));
  }
  return out;
}

}  // namespace callgate
