#include "adapters/security/token/key_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "adapters/platform/file/private_file.h"
#include "adapters/platform/file/unique_fd.h"
#include "adapters/security/token/base64url.h"

namespace callgate::token {

namespace {

constexpr const char* kFormat = "callgate-jwt-keys/1";
constexpr size_t kMaxFileBytes = 1 << 20;

Error ioError(const std::string& path, const char* what, int err) {
  return Error::unavailable("key file " + path + ": " + what + ": " + std::strerror(err));
}

Error malformed(const std::string& path, const std::string& what) {
  return Error::invalidArgument("key file " + path + ": " + what);
}

// Wipes a string holding secrets before it is freed.
struct WipedString {
  std::string text;
  ~WipedString() { sodium_memzero(text.data(), text.size()); }
};

Result<std::vector<Ed25519Key>> parseKeys(const std::string& path, const std::string& text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return malformed(path, "not valid JSON");
  if (!doc.is_object()) return malformed(path, "must be a JSON object");
  // The DOM holds copies of the seeds; wipe them on every way out.
  struct DomWiper {
    nlohmann::json& doc;
    ~DomWiper() {
      auto it = doc.find("keys");
      if (it == doc.end() || !it->is_array()) return;
      for (auto& k : *it) {
        auto seed = k.is_object() ? k.find("seed") : k.end();
        if (seed != k.end() && seed->is_string()) {
          auto& s = seed->get_ref<std::string&>();
          sodium_memzero(s.data(), s.size());
        }
      }
    }
  } wiper{doc};
  for (const auto& [name, value] : doc.items()) {
    if (name != "format" && name != "keys") return malformed(path, "unknown member '" + name + "'");
  }
  if (!doc.contains("format") || doc["format"] != kFormat) {
    return malformed(path, std::string("format must be \"") + kFormat + "\"");
  }
  if (!doc.contains("keys")) return malformed(path, "keys must be a non-empty array");
  const nlohmann::json& list = doc["keys"];
  if (!list.is_array() || list.empty()) return malformed(path, "keys must be a non-empty array");

  std::vector<Ed25519Key> keys;
  std::set<std::string> kids;
  for (size_t i = 0; i < list.size(); ++i) {
    const nlohmann::json& k = list[i];
    const std::string where = "keys[" + std::to_string(i) + "]";
    if (!k.is_object() || k.size() != 3 || !k.contains("kid") || !k.contains("created_at") ||
        !k.contains("seed")) {
      return malformed(path, where + " must have exactly kid, created_at and seed");
    }
    if (!k["kid"].is_string() || !k["seed"].is_string() || !k["created_at"].is_number_unsigned()) {
      return malformed(path, where + ": kid and seed must be strings, created_at unix seconds");
    }
    unsigned char seed[kEd25519SeedBytes];
    const bool decoded =
        base64UrlDecodeExact(k["seed"].get_ref<const std::string&>(), seed, sizeof seed);
    if (!decoded) {
      sodium_memzero(seed, sizeof seed);
      return malformed(path, where + ": seed must be 32 bytes in base64url");
    }
    const auto createdAt = std::chrono::time_point_cast<Millis>(
        std::chrono::sys_seconds(Seconds(k["created_at"].get<int64_t>())));
    auto key = keyFromSeed(seed, createdAt);
    sodium_memzero(seed, sizeof seed);
    if (!key) return key.error();
    if (key->kid != k["kid"].get<std::string>()) {
      return malformed(path, where + ": kid does not match the key (the file was edited?)");
    }
    if (!kids.insert(key->kid).second) return malformed(path, where + ": duplicate kid");
    keys.push_back(std::move(*key));
  }
  return keys;
}

}  // namespace

bool keyFileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Result<std::vector<Ed25519Key>> readKeyFile(const std::string& path) {
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Error::notFound("key file " + path + " does not exist");
    return ioError(path, "cannot open", errno);
  }
  // fstat on the open descriptor: the check applies to the very file read.
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ioError(path, "stat failed", errno);
  if (!S_ISREG(st.st_mode)) return malformed(path, "not a regular file");
  if (Status owner = checkOwnedByUs(st, path, "key file"); !owner.ok()) return owner.error();
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Error::failedPrecondition(
        "key file " + path + " has mode " + mode +
        ": it must not be accessible by group or others; run chmod 600 " + path +
        " (and consider rotating the keys)");
  }
  if (static_cast<size_t>(st.st_size) > kMaxFileBytes) return malformed(path, "larger than 1 MiB");
  WipedString text;
  text.text.resize(static_cast<size_t>(st.st_size) + 1);
  size_t size = 0;
  for (;;) {
    if (size == text.text.size()) text.text.resize(size * 2);
    const ssize_t n = ::read(fd.get(), text.text.data() + size, text.text.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ioError(path, "read failed", errno);
    if (n == 0) break;
    size += static_cast<size_t>(n);
    if (size > kMaxFileBytes) return malformed(path, "larger than 1 MiB");
  }
  text.text.resize(size);
  return parseKeys(path, text.text);
}

Status writeKeyFile(const std::string& path, const std::vector<Ed25519Key>& keys) {
  if (Status dir = ensureParentDirectory(path, "key file"); !dir.ok()) return dir.error();
  // kid and seed are base64url and created_at a number: nothing needs JSON escaping.
  WipedString json;
  json.text = std::string("{\n  \"format\": \"") + kFormat + "\",\n  \"keys\": [\n";
  for (size_t i = 0; i < keys.size(); ++i) {
    const auto secs =
        std::chrono::duration_cast<Seconds>(keys[i].createdAt.time_since_epoch()).count();
    json.text.append("    {\"kid\": \"").append(keys[i].kid).append("\", \"created_at\": ");
    json.text.append(std::to_string(secs)).append(", \"seed\": \"");
    appendBase64Url(json.text, keys[i].seed().data(), keys[i].seed().size());
    json.text.append(i + 1 < keys.size() ? "\"},\n" : "\"}\n");
  }
  json.text.append("  ]\n}\n");

  auto written = writePrivateFile(path, json.text, Publish::kReplace, "key file");
  if (!written.ok()) return written.error();
  return okStatus();
}

}  // namespace callgate::token
