// Result<T>: the one error style of callgate. A value or an Error, never both; no exceptions on a
// request or call path. Modelled on leveldb's Status and std::expected (C++23), which GCC 12 lacks.
// Thread-safety: plain values; as safe as T.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace callgate {

enum class ErrorCode {
  kInvalidArgument,     // the caller sent something malformed
  kNotFound,            // a looked-up thing does not exist
  kAlreadyExists,       // a unique thing exists already
  kFailedPrecondition,  // the state does not allow it (expired, locked, used)
  kResourceExhausted,   // a rate limit or capacity was hit
  kUnavailable,         // a dependency (database, SMS gateway) failed; retrying may help
  kInternal,            // a bug or an impossible state
  kUnauthenticated,     // no valid credential: bad, expired, revoked or used token; unknown client
  kPermissionDenied,    // a valid credential that does not allow this (wrong scope or subject)
};

const char* errorCodeName(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Error invalidArgument(std::string m) {
    return {ErrorCode::kInvalidArgument, std::move(m)};
  }
  static Error notFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
  static Error alreadyExists(std::string m) { return {ErrorCode::kAlreadyExists, std::move(m)}; }
  static Error failedPrecondition(std::string m) {
    return {ErrorCode::kFailedPrecondition, std::move(m)};
  }
  static Error resourceExhausted(std::string m) {
    return {ErrorCode::kResourceExhausted, std::move(m)};
  }
  static Error unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
  static Error internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }
  static Error unauthenticated(std::string m) {
    return {ErrorCode::kUnauthenticated, std::move(m)};
  }
  static Error permissionDenied(std::string m) {
    return {ErrorCode::kPermissionDenied, std::move(m)};
  }

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid_argument: message", for logs and CLI output.
  std::string toString() const;

 private:
  ErrorCode code_;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error)
      : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_{ErrorCode::kInternal, ""};
  bool ok_ = true;
};

using Status = Result<void>;

inline Status okStatus() { return {}; }

}  // namespace callgate
