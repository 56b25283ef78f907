// [lambdas."ARN or name"]: Lambdas that are not ours. The table key is the LambdaFunctionARN (or
// plain name) exactly as flows write it, qualifier included; static and dynamic ARNs alike reach
// the entry (FunctionRegistry::resolve). An entry either names an HTTP endpoint that takes
// Connect's Lambda event:
//   [lambdas."arn:aws:lambda:us-east-1:123456789012:function:crm-lookup"]
//   url = "https://crm.example.com/connect"
//   headers = { Authorization = "Bearer ..." }      # optional, sent with every invocation
// or, without url, is invoked on AWS Lambda (Invoke API, SigV4):
//   region = "us-east-1"            # default: the ARN's region
//   function = "arn:...:crm:prod"   # default: the key; a trailing ":qualifier" is the Qualifier
//   endpoint = "https://..."        # default https://lambda.{region}.amazonaws.com
//   access_key_id / secret_access_key / session_token   # default AWS_* from the environment
// Both take instance_arn (sent as ContactData.InstanceARN).

#include <cstdlib>
#include <tuple>
#include <utility>

#include "app/config/config_tables.h"

namespace callgate::app::detail {
namespace {

std::string envOr(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// "arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]", a partial ARN
// "ACCOUNT:function:NAME[:QUALIFIER]" or "NAME[:QUALIFIER]": (function, qualifier).
std::pair<std::string, std::string> splitQualifier(const std::string& function) {
  const std::string marker = ":function:";
  const size_t pos = function.find(marker);
  const size_t nameStart = pos == std::string::npos ? 0 : pos + marker.size();
  const size_t colon = function.find(':', nameStart);
  if (colon == std::string::npos) return {function, ""};
  return {function.substr(0, colon), function.substr(colon + 1)};
}

// The REGION of a full Lambda ARN, "" for anything else.
std::string arnRegion(const std::string& arn) {
  if (arn.rfind("arn:", 0) != 0) return "";
  size_t start = 0;
  for (int field = 0; field < 3; ++field) {
    start = arn.find(':', start);
    if (start == std::string::npos) return "";
    ++start;
  }
  const size_t end = arn.find(':', start);
  return end == std::string::npos ? "" : arn.substr(start, end - start);
}

bool isRegion(const std::string& s) {
  return !s.empty() &&
         s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
}

Status readEntry(TableReader& e, const std::string& key, ExternalLambdaConfig& out) {
  const std::string where = "lambdas.\"" + key + "\"";
  std::string url, region, function, endpoint;
  std::map<std::string, std::string> headers;
  aws::Credentials credentials;
  e.str("url", url);
  e.stringMap("headers", headers);
  e.str("region", region);
  e.str("function", function);
  e.str("endpoint", endpoint);
  e.str("access_key_id", credentials.accessKeyId);
  e.str("secret_access_key", credentials.secretAccessKey);
  e.str("session_token", credentials.sessionToken);
  e.str("instance_arn", out.instanceArn);
  if (Status s = e.finish(); !s.ok()) return s;

  if (!url.empty()) {
    if (!region.empty() || !function.empty() || !endpoint.empty() ||
        !credentials.accessKeyId.empty() || !credentials.secretAccessKey.empty()) {
      return Error::invalidArgument(
          where +
          ": url (an HTTP endpoint) takes no AWS keys (region, function, endpoint, "
          "credentials)");
    }
    if (auto parsed = splitUrl(url); !parsed.ok()) {
      return Error::invalidArgument(where +
                                    ".url is not a usable URL: " + parsed.error().message());
    }
    HttpLambdaOptions http;
    http.url = url;
    http.headers.assign(headers.begin(), headers.end());
    out.http = std::move(http);
    return okStatus();
  }
  if (!headers.empty()) {
    return Error::invalidArgument(where + ".headers needs url (an HTTP endpoint)");
  }
  AwsLambdaOptions a;
  std::tie(a.functionName, a.qualifier) = splitQualifier(function.empty() ? key : function);
  a.region = region.empty() ? arnRegion(function.empty() ? key : function) : region;
  if (!isRegion(a.region)) {
    return Error::invalidArgument(
        where +
        " needs url (an HTTP endpoint), or region (AWS Lambda) when its key is not a "
        "Lambda ARN");
  }
  if (credentials.accessKeyId.empty() && credentials.secretAccessKey.empty()) {
    credentials.accessKeyId = envOr("AWS_ACCESS_KEY_ID");
    credentials.secretAccessKey = envOr("AWS_SECRET_ACCESS_KEY");
    credentials.sessionToken = envOr("AWS_SESSION_TOKEN");
  }
  if (credentials.accessKeyId.empty() || credentials.secretAccessKey.empty()) {
    return Error::invalidArgument(
        where +
        " (AWS Lambda) needs access_key_id and secret_access_key (or "
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment)");
  }
  a.credentials = std::move(credentials);
  if (!endpoint.empty()) {
    if (auto parsed = splitUrl(endpoint); !parsed.ok()) {
      return Error::invalidArgument(where +
                                    ".endpoint is not a usable URL: " + parsed.error().message());
    }
  }
  a.endpoint = endpoint;
  out.aws = std::move(a);
  return okStatus();
}

}  // namespace

Status readLambdasTable(TableReader& t, std::map<std::string, ExternalLambdaConfig>& lambdas) {
  for (const std::string& key : t.keys()) {
    if (key.empty()) return Error::invalidArgument(t.source() + ": lambdas: an empty key");
    TableReader entry = t.sub(key.c_str());
    ExternalLambdaConfig config;
    if (Status s = readEntry(entry, key, config); !s.ok()) {
      return Error::invalidArgument(s.error().message().rfind(t.source(), 0) == 0
                                        ? s.error().message()
                                        : t.source() + ": " + s.error().message());
    }
    lambdas[key] = std::move(config);
  }
  return t.finish();
}

}  // namespace callgate::app::detail
