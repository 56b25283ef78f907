#include "adapters/identity/idp_http.h"

#include <openssl/evp.h>

#include <cctype>

#include "adapters/net/http_client/http_client.h"

namespace callgate::identity {

namespace {

bool isLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "[::1]") return true;
  // 127.0.0.0/8 as a dotted quad.
  if (host.substr(0, 4) != "127.") return false;
  int parts = 0;
  size_t start = 0;
  while (start <= host.size()) {
    size_t end = host.find('.', start);
    if (end == std::string_view::npos) end = host.size();
    const std::string_view part = host.substr(start, end - start);
    if (part.empty() || part.size() > 3 ||
        part.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoi(std::string(part)) > 255) {
      return false;
    }
    ++parts;
    start = end + 1;
  }
  return parts == 4;
}

}  // namespace

Status checkEndpointUrl(std::string_view what, std::string_view url, bool allowInsecure) {
  auto parts = splitUrl(url);
  if (!parts.ok()) {
    return Error::invalidArgument(std::string(what) + ": " + parts.error().message());
  }
  if (parts->scheme == "https" || allowInsecure || isLoopbackHost(parts->host)) return okStatus();
  return Error::invalidArgument(std::string(what) +
                                ": plain http is allowed only to a loopback address (use "
                                "https, or set allow_insecure = true)");
}

std::string base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string formUrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '*' || c == '-' || c == '.' || c == '_') {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string basicAuthorization(std::string_view clientId, std::string_view clientSecret) {
  return "Basic " + base64Encode(formUrlEncode(clientId) + ":" + formUrlEncode(clientSecret));
}

std::string safeCode(std::string_view code) {
  std::string out;
  for (char ch : code.substr(0, 64)) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep =
        std::isalnum(c) || ch == '_' || ch == '.' || ch == '-' || ch == ':' || ch == '#';
    out.push_back(keep ? ch : '?');
  }
  return out;
}

}  // namespace callgate::identity
