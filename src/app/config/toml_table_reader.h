// Internal to app/config: typed, bounded reads of one TOML table into its options, with errors
// that name the key ("t.toml: sip.max_calls must be an integer in 1..100000") and a check that
// no unknown key was left unread. The table readers (config_tables.h) are written with it.
// Thread-safety: one reader per parse.
#pragma once

#include <toml++/toml.h>

#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "app/config/words.h"
#include "common/result.h"
#include "core/time.h"

namespace callgate::app::detail {

// Reads one table's keys into `config`, rejecting unknown keys and wrong types.
class TableReader {
 public:
  TableReader(const toml::table& root, const char* name, std::string source)
      : TableReader(root.get(name), name, std::move(source)) {}
  // The sub-table `key` of this table ([sms.twilio]); marks `key` as known here.
  TableReader sub(const char* key) { return TableReader(find(key), name_ + "." + key, source_); }
  void str(const char* key, std::string& out) {
    if (const toml::node* n = find(key)) {
      if (auto v = n->value<std::string>())
        out = *v;
      else
        fail(key, "a string");
    }
  }
  void boolean(const char* key, bool& out) {
    if (const toml::node* n = find(key)) {
      if (auto v = n->value<bool>())
        out = *v;
      else
        fail(key, "true or false");
    }
  }
  void optionalBoolean(const char* key, std::optional<bool>& out) {
    if (find(key) != nullptr) {
      bool v = false;
      boolean(key, v);
      out = v;
    }
  }
  // A nested table of string values ([twilio.numbers]); an error unless every value is a string.
  void stringMap(const char* key, std::map<std::string, std::string>& out) {
    const toml::node* n = find(key);
    if (n == nullptr) return;
    const toml::table* t = n->as_table();
    if (t == nullptr) return fail(key, "a table");
    for (const auto& [k, v] : *t) {
      auto value = v.value<std::string>();
      if (!value) {
        if (error_.empty()) {
          error_ = source_ + ": " + name_ + "." + key + ".\"" + std::string(k.str()) +
                   "\" must be a string";
        }
        return;
      }
      out[std::string(k.str())] = *value;
    }
  }
  // An array of strings (trusted_proxies = ["10.0.0.1"]).
  void stringList(const char* key, std::vector<std::string>& out) {
    const toml::node* n = find(key);
    if (n == nullptr) return;
    const toml::array* a = n->as_array();
    if (a == nullptr) return fail(key, "an array of strings");
    std::vector<std::string> values;
    for (const auto& v : *a) {
      auto value = v.value<std::string>();
      if (!value) return fail(key, "an array of strings");
      values.push_back(*value);
    }
    out = std::move(values);
  }
  // An array of numbers, each within lo..hi (warps = [1.0, 1.1]).
  void numberList(const char* key, std::vector<double>& out, double lo, double hi) {
    const toml::node* n = find(key);
    if (n == nullptr) return;
    char what[64];
    std::snprintf(what, sizeof what, "an array of numbers in %g..%g", lo, hi);
    const toml::array* a = n->as_array();
    if (a == nullptr) return fail(key, what);
    std::vector<double> values;
    for (const auto& v : *a) {
      auto value = v.value<double>();  // toml++ also converts integers
      if (!value || !(*value >= lo && *value <= hi)) return fail(key, what);
      values.push_back(*value);
    }
    out = std::move(values);
  }
  // An array of two-integer arrays (pin_lockout_steps = [[5, 900], [10, 3600]]); true if the key
  // was there and well formed.
  bool integerPairs(const char* key, std::vector<std::pair<int64_t, int64_t>>& out) {
    const toml::node* n = find(key);
    if (n == nullptr) return false;
    const char* what = "an array of [integer, integer] pairs";
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      fail(key, what);
      return false;
    }
    std::vector<std::pair<int64_t, int64_t>> values;
    for (const auto& v : *a) {
      const toml::array* pair = v.as_array();
      auto first = pair && pair->size() == 2 ? pair->get(0)->value<int64_t>() : std::nullopt;
      auto second = pair && pair->size() == 2 ? pair->get(1)->value<int64_t>() : std::nullopt;
      if (!first || !second) {
        fail(key, what);
        return false;
      }
      values.emplace_back(*first, *second);
    }
    out = std::move(values);
    return true;
  }
  // Every key of this table as a string ([functions], [oauth.clients]); all are known here.
  void allStrings(std::map<std::string, std::string>& out) {
    if (!table_) return;
    for (const auto& [k, v] : *table_) {
      const std::string key(k.str());
      seen_.insert(key);
      auto value = v.value<std::string>();
      if (!value) {
        if (error_.empty()) error_ = source_ + ": " + name_ + ".\"" + key + "\" must be a string";
        return;
      }
      out[key] = *value;
    }
  }
  // The keys of this table, each marked known ([lambdas."ARN"]: sub-tables named by the user).
  std::vector<std::string> keys() {
    std::vector<std::string> out;
    if (!table_) return out;
    for (const auto& [k, v] : *table_) {
      out.emplace_back(k.str());
      seen_.insert(out.back());
    }
    return out;
  }
  // One word of a closed set (provisional = "183"); the error lists the words.
  template <typename E, size_t N>
  void choice(const char* key, E& out, const Words<E, N>& words) {
    if (const toml::node* n = find(key)) {
      const auto text = n->value<std::string>();
      const auto value = text ? parseWord(words, *text) : std::nullopt;
      if (value) {
        out = *value;
      } else {
        std::string what = listWords(words);
        if (text && text->size() <= 40) what += " (got \"" + *text + "\")";
        fail(key, what.c_str());
      }
    }
  }
  void integer(const char* key, int& out, int lo, int hi) {
    if (const toml::node* n = find(key)) {
      auto v = n->value<int64_t>();
      if (!v || *v < lo || *v > hi) {
        fail(key, ("an integer in " + std::to_string(lo) + ".." + std::to_string(hi)).c_str());
      } else {
        out = static_cast<int>(*v);
      }
    }
  }
  void fraction(const char* key, double& out) {
    if (const toml::node* n = find(key)) {
      auto v = n->value<double>();  // toml++ also converts integers (0, 1)
      if (!v || !(*v >= 0.0 && *v <= 1.0))
        fail(key, "a number from 0 to 1");
      else
        out = *v;
    }
  }
  void seconds(const char* key, Seconds& out, int lo, int hi) {
    int v = static_cast<int>(out.count());
    integer(key, v, lo, hi);
    out = Seconds(v);
  }
  // The names of this table's keys, in order ([hours.<name>]: the names); none are marked read.
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    if (table_) {
      for (const auto& [k, v] : *table_) out.emplace_back(k.str());
    }
    return out;
  }
  const std::string& source() const { return source_; }
  // An error about a value read here that a later check refused: "SOURCE: TABLE.KEY what".
  Error invalid(const char* key, const std::string& what) const {
    return Error::invalidArgument(source_ + ": " + name_ + "." + key + " " + what);
  }
  // Every key not read is an error.
  Status finish() {
    if (!error_.empty()) return Error::invalidArgument(error_);
    if (table_) {
      for (const auto& [k, v] : *table_) {
        if (!seen_.count(std::string(k.str()))) {
          return Error::invalidArgument(source_ + ": unknown key '" + name_ + "." +
                                        std::string(k.str()) + "'");
        }
      }
    }
    return okStatus();
  }

 private:
  TableReader(const toml::node* n, std::string name, std::string source)
      : name_(std::move(name)), source_(std::move(source)) {
    if (n) {
      table_ = n->as_table();
      if (!table_) error_ = source_ + ": [" + name_ + "] must be a table";
    }
  }
  const toml::node* find(const char* key) {
    seen_.insert(key);
    return table_ ? table_->get(key) : nullptr;
  }
  void fail(const char* key, const char* what) {
    if (error_.empty()) error_ = source_ + ": " + name_ + "." + key + " must be " + what;
  }
  const toml::table* table_ = nullptr;
  std::string name_;
  std::string source_;
  std::string error_;
  std::set<std::string> seen_;
};

}  // namespace callgate::app::detail
