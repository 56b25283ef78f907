#include "adapters/net/http/router.h"

#include "common/json_writer.h"

namespace callgate::http {

void Request::clear() {
  method.clear();
  path.clear();
  query.clear();
  headers.clear();
  body.clear();
  params.clear();
  // `remote` belongs to the connection and stays.
}

const std::string& Request::header(const std::string& lowerName) const {
  static const std::string kEmpty;
  auto it = headers.find(lowerName);
  return it == headers.end() ? kEmpty : it->second;
}

const std::string& Request::param(std::string_view name) const {
  static const std::string kEmpty;
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return kEmpty;
}

namespace {

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    out.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool isParamSegment(std::string_view s) {
  return s.size() > 2 && s.front() == '{' && s.back() == '}';
}

}  // namespace

Response jsonError(int status, std::string_view message) {
  Response r;
  r.status = status;
  r.body.reserve(message.size() + 16);
  r.body = "{\"error\":";
  json::appendString(r.body, message);
  r.body.push_back('}');
  return r;
}

Router::PathEntry& Router::entryFor(const std::string& path) {
  auto [it, inserted] = paths_.try_emplace(path);
  if (inserted && path.find('{') != std::string::npos) {
    Pattern pattern{path, {}};
    for (std::string_view s : splitPath(path)) pattern.segments.emplace_back(s);
    patterns_.push_back(std::move(pattern));
  }
  return it->second;
}

void Router::add(std::string method, std::string path, Handler handler, Lane lane) {
  addRoute(Route{std::move(method), std::move(path), std::move(handler), lane, {}});
}

void Router::addStream(std::string method, std::string path, StreamHandler handler, Lane lane) {
  addRoute(Route{std::move(method), std::move(path), {}, lane, std::move(handler)});
}

void Router::addRoute(Route route) {
  PathEntry& entry = entryFor(route.path);
  bool replaced = false;
  for (Route& r : entry.routes) {
    if (r.method == route.method) {
      r.handler = route.handler;
      r.stream = route.stream;
      r.lane = route.lane;
      replaced = true;
    }
  }
  if (!replaced) entry.routes.push_back(std::move(route));
  entry.allow.clear();
  for (const Route& r : entry.routes) {
    if (!entry.allow.empty()) entry.allow += ", ";
    entry.allow += r.method;
  }
}

Router::Lookup Router::find(std::string_view method, const std::string& path,
                            std::vector<std::pair<std::string, std::string>>* params) const {
  Lookup out;
  auto it = paths_.find(path);
  if (it == paths_.end() && !patterns_.empty()) {
    const std::vector<std::string_view> segments = splitPath(path);
    for (const Pattern& pattern : patterns_) {
      if (pattern.segments.size() != segments.size()) continue;
      bool matched = true;
      for (size_t i = 0; i < segments.size() && matched; ++i) {
        matched = isParamSegment(pattern.segments[i]) ? !segments[i].empty()
                                                      : pattern.segments[i] == segments[i];
      }
      if (!matched) continue;
      if (params != nullptr) {
        params->clear();
        for (size_t i = 0; i < segments.size(); ++i) {
          const std::string& s = pattern.segments[i];
          if (isParamSegment(s)) params->emplace_back(s.substr(1, s.size() - 2), segments[i]);
        }
      }
      it = paths_.find(pattern.path);
      break;
    }
  }
  if (it == paths_.end()) return out;
  out.path = &it->first;
  out.allow = &it->second.allow;
  for (const Route& r : it->second.routes) {
    if (r.method == method) {
      out.match = Match::kFound;
      out.route = &r;
      return out;
    }
  }
  // HEAD is GET without the body (RFC 9110 9.3.2): the GET route answers, the writer drops the
  // body and keeps its Content-Length.
  if (method == "HEAD") {
    for (const Route& r : it->second.routes) {
      if (r.method == "GET") {
        out.match = Match::kFound;
        out.route = &r;
        return out;
      }
    }
  }
  out.match = Match::kNoMethod;
  return out;
}

std::vector<std::string> Router::paths() const {
  std::vector<std::string> out;
  out.reserve(paths_.size());
  for (const auto& [p, e] : paths_) out.push_back(p);
  return out;
}

}  // namespace callgate::http
