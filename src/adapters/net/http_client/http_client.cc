#include "adapters/net/http_client/http_client.h"

#include <algorithm>
#include <cctype>

namespace callgate {

std::optional<std::string> HttpClientResponse::header(std::string_view lowerName) const {
  for (const auto& [name, value] : headers) {
    if (name == lowerName) return value;
  }
  return std::nullopt;
}

std::string UrlParts::hostHeader() const {
  const bool defaultPort =
      !port || (scheme == "http" && *port == 80) || (scheme == "https" && *port == 443);
  return defaultPort ? host : host + ":" + std::to_string(*port);
}

Result<UrlParts> splitUrl(std::string_view url) {
  UrlParts parts;
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return Error::invalidArgument("URL has no scheme");
  parts.scheme = std::string(url.substr(0, sep));
  std::transform(parts.scheme.begin(), parts.scheme.end(), parts.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (parts.scheme != "http" && parts.scheme != "https") {
    return Error::invalidArgument("URL scheme must be http or https");
  }
  std::string_view rest = url.substr(sep + 3);
  if (rest.find('#') != std::string_view::npos) return Error::invalidArgument("URL has a fragment");
  const size_t authorityEnd = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authorityEnd);
  if (authority.find('@') != std::string_view::npos) {
    return Error::invalidArgument("URL must not carry user-info");
  }
  // The port follows the last ':' outside an IPv6 literal's brackets.
  const size_t bracket = authority.rfind(']');
  const size_t colon = authority.rfind(':');
  std::string_view host = authority;
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    const std::string_view port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string_view::npos) {
      return Error::invalidArgument("URL has an invalid port");
    }
    const int value = std::stoi(std::string(port));
    if (value < 1 || value > 65535) return Error::invalidArgument("URL has an invalid port");
    parts.port = value;
    host = authority.substr(0, colon);
  }
  if (host.empty()) return Error::invalidArgument("URL has no host");
  parts.host = std::string(host);
  if (authorityEnd == std::string_view::npos) {
    parts.path = "/";
    return parts;
  }
  std::string_view tail = rest.substr(authorityEnd);
  const size_t q = tail.find('?');
  parts.path = std::string(tail.substr(0, q));
  if (parts.path.empty()) parts.path = "/";
  if (q != std::string_view::npos) parts.query = std::string(tail.substr(q + 1));
  return parts;
}

}  // namespace callgate
