#include "app/customer_csv.h"

#include <set>

#include "core/phone.h"

namespace callgate::app {

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
        return Error::invalidArgument("line " + std::to_string(line) + ": stray quote inside a field");
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
  if (quoted) return Error::invalidArgument("line " + std::to_string(current.line) + ": unterminated quote");
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
  if (!isLanguageTag(language)) return fail("language '" + language + "' is not a language tag such as en-US");
  Customer c;
  c.phone = *e164;
  c.firstName = firstName;
  c.lastName = lastName;
  c.level = std::move(level);
  c.language = std::move(language);
  return c;
}

Result<std::vector<Customer>> parseCustomerCsv(const std::string& text) {
  auto records = parseCsv(text);
  if (!records.ok()) return records.error();
  if (records->empty()) return Error::invalidArgument("line 1: the file is empty (expected the header)");
  const CsvRecord& header = records->front();
  std::string joined;
  for (size_t i = 0; i < header.fields.size(); ++i) joined += (i ? "," : "") + header.fields[i];
  if (!joined.empty() && static_cast<unsigned char>(joined[0]) == 0xEF) joined.erase(0, 3);  // BOM
  if (joined != kCustomerCsvHeader) {
    return Error::invalidArgument("line 1: header must be '" + std::string(kCustomerCsvHeader) + "'");
  }
  std::vector<Customer> out;
  std::set<std::string> seen;
  for (size_t i = 1; i < records->size(); ++i) {
    const CsvRecord& r = (*records)[i];
    const std::string where = "line " + std::to_string(r.line);
    if (r.fields.size() != 5) {
      return Error::invalidArgument(where + ": expected 5 fields, found " + std::to_string(r.fields.size()));
    }
    auto c = makeCustomer(where, r.fields[0], r.fields[1], r.fields[2], r.fields[3], r.fields[4]);
    if (!c.ok()) return c.error();
    if (!seen.insert(c->phone).second) {
      return Error::invalidArgument(where + ": phone " + c->phone + " appears twice in the file");
    }
    out.push_back(std::move(*c));
  }
  return out;
}

}  // namespace callgate::app
