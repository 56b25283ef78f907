// Internal to the flow loader: typed, bounded reads of flow-language JSON that turn every problem
// into an Error naming the action ("action 'greet' (MessageParticipant): Text must be a string").
// Flow-language numbers and booleans are usually strings ("8", "True"); the readers accept both
// spellings. Not part of the public API. Thread-safety: stateless apart from the scope's names.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "core/flow/references.h"

namespace callgate::flow::detail {

using Json = nlohmann::json;

// Deepest nesting of objects/arrays in a JSON text, counted without parsing (strings skipped), so
// absurdly nested input is refused before anything recursive touches it.
int jsonNestingDepth(std::string_view text);

// The action an error belongs to.
class ActionScope {
 public:
  ActionScope(std::string label, std::string type)
      : label_(std::move(label)), type_(std::move(type)) {}

  // "action '<id>' (<Type>): <message>"
  Error error(std::string_view message) const;

  // Refuses any member of `obj` whose name is not in `known`: a misspelt or unsupported parameter
  // must not be ignored silently, so each action parser declares every key it reads (and every
  // documented key it accepts without reading). `path` names a nested object in the message
  // ("DTMFConfiguration"); the error is "unknown parameter 'DTMFConfiguration.Foo' (known: ...)".
  Status checkKeys(const Json& obj, std::initializer_list<std::string_view> known,
                   std::string_view path = "") const;
  Status checkKeys(const Json& obj, std::span<const std::string_view> known,
                   std::string_view path = "") const;

  // TargetContact, which the editor writes into every Set contact attributes and Set contact data
  // block: "Current" (the default) or absent. "Related" names a contact linked to this one (a task
  // or chat), which a callgate call never has, so it is a load error.
  Status checkTargetContact(const Json& params) const;

  // Member `key` of `obj` as a string: nullopt when absent, error when present but not a string,
  // empty (unless allowEmpty) or longer than kMaxStringParameterBytes.
  Result<std::optional<std::string>> optionalString(const Json& obj, std::string_view key,
                                                    bool allowEmpty = false) const;
  Result<std::string> requiredString(const Json& obj, std::string_view key) const;

  // An integer written as "8" or 8, within [min, max].
  Result<std::optional<int>> optionalInt(const Json& obj, std::string_view key, int min,
                                         int max) const;

  // "True"/"False" (any case) or a JSON boolean.
  Result<std::optional<bool>> optionalBool(const Json& obj, std::string_view key) const;

  // Member `key` as an object: nullptr when absent, error when present but not an object.
  Result<const Json*> optionalObject(const Json& obj, std::string_view key) const;

  // Static text or text with embedded references ("May be defined statically or dynamically").
  Result<Template> dynamicValue(std::string_view text) const;
  // Static text or exactly one reference ("statically or as a single valid JSONPath identifier").
  Result<Template> staticOrReference(std::string_view key, std::string_view text) const;

 private:
  std::string label_;
  std::string type_;
};

}  // namespace callgate::flow::detail
