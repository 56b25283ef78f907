#include "adapters/security/signing/aws_sigv4.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "common/form.h"

namespace callgate::aws {

namespace {

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Header values: leading/trailing spaces dropped, inner runs of spaces collapsed to one.
std::string trimValue(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
    } else {
      if (space) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> canonicalHeaders(const SigV4Request& request) {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(request.headers.size());
  for (const auto& [name, value] : request.headers) out.emplace_back(lower(name), trimValue(value));
  std::sort(out.begin(), out.end());
  return out;
}

// Each path segment of the raw (unencoded) path RFC 3986-encoded. Enough for the query APIs we
// call, whose path is "/"; a path that is already percent-encoded would be encoded again.
std::string canonicalPath(std::string_view path) {
  if (path.empty()) return "/";
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out += http::percentEncode(path.substr(start, end - start));
    if (end < path.size()) out.push_back('/');
    start = end + 1;
  }
  return out;
}

std::string canonicalQuery(std::string_view query) {
  auto params = http::parseFormPairs(query);
  if (!params.ok()) return std::string(query);  // signed as given; the server will refuse it
  std::vector<std::pair<std::string, std::string>> encoded;
  for (const auto& [k, v] : *params) {
    encoded.emplace_back(http::percentEncode(k), http::percentEncode(v));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [k, v] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += k + "=" + v;
  }
  return out;
}

}  // namespace

std::string toHex(std::string_view data) {
  std::string hex(data.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes(data), data.size());
  hex.pop_back();
  return hex;
}

std::string sha256Hex(std::string_view data) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, bytes(data), data.size());
  return toHex(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

std::string hmacSha256(std::string_view key, std::string_view data) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, bytes(key), key.size());
  crypto_auth_hmacsha256_update(&state, bytes(data), data.size());
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, out);
  sodium_memzero(&state, sizeof state);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

std::string signedHeaders(const SigV4Request& request) {
  std::string out;
  for (const auto& [name, value] : canonicalHeaders(request)) {
    if (!out.empty()) out.push_back(';');
    out += name;
  }
  return out;
}

std::string canonicalRequest(const SigV4Request& request) {
  std::string out = request.method + "\n" + canonicalPath(request.path) + "\n" +
                    canonicalQuery(request.query) + "\n";
  for (const auto& [name, value] : canonicalHeaders(request)) out += name + ":" + value + "\n";
  out += "\n" + signedHeaders(request) + "\n" + sha256Hex(request.body);
  return out;
}

std::string stringToSign(const SigV4Request& request, const SigV4Scope& scope) {
  return "AWS4-HMAC-SHA256\n" + scope.amzDate + "\n" + scope.toString() + "\n" +
         sha256Hex(canonicalRequest(request));
}

std::string signingKey(std::string_view secretAccessKey, const SigV4Scope& scope) {
  std::string secret = "AWS4" + std::string(secretAccessKey);
  std::string key = hmacSha256(secret, scope.date());
  sodium_memzero(secret.data(), secret.size());
  for (const std::string& part : {scope.region, scope.service, std::string("aws4_request")}) {
    key = hmacSha256(key, part);
  }
  return key;
}

std::string signature(const SigV4Request& request, const SigV4Scope& scope,
                      std::string_view secretAccessKey) {
  std::string key = signingKey(secretAccessKey, scope);
  std::string sig = toHex(hmacSha256(key, stringToSign(request, scope)));
  sodium_memzero(key.data(), key.size());
  return sig;
}

std::string authorizationHeader(const SigV4Request& request, const SigV4Scope& scope,
                                const Credentials& credentials) {
  return "AWS4-HMAC-SHA256 Credential=" + credentials.accessKeyId + "/" + scope.toString() +
         ", SignedHeaders=" + signedHeaders(request) +
         ", Signature=" + signature(request, scope, credentials.secretAccessKey);
}

std::string amzDate(int64_t unixMillis) {
  const std::time_t seconds = static_cast<std::time_t>(unixMillis / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace callgate::aws
