#include "app/wiring/lex_bots.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "app/wiring/wiring.h"

namespace callgate::app {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr std::uintmax_t kMaxBotFileBytes = 1 << 20;
constexpr std::size_t kMaxExportFiles = 2000;

Result<std::string> readSmallFile(const fs::path& path) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) return Error::invalidArgument("cannot read " + path.string());
  if (size > kMaxBotFileBytes)
    return Error::invalidArgument(path.string() + " is larger than 1 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::invalidArgument("cannot read " + path.string());
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  return text;
}

Result<Json> readJson(const fs::path& path) {
  Result<std::string> text = readSmallFile(path);
  if (!text.ok()) return text.error();
  Json j = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error::invalidArgument(path.string() + " is not valid JSON");
  return j;
}

// The JSON files one level down: <dir>/<name>/<file>.
std::vector<fs::path> children(const fs::path& dir, const char* file) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (out.size() >= kMaxExportFiles) break;
    if (entry.is_directory(ec) && fs::is_regular_file(entry.path() / file, ec))
      out.push_back(entry.path() / file);
  }
  return out;
}

// An unzipped Lex V2 export as one document in the shape LexBot::parse reads.
Result<std::string> assembleExport(const fs::path& dir) {
  std::error_code ec;
  Json bot = Json::object();
  if (fs::is_regular_file(dir / "Bot.json", ec)) {
    Result<Json> b = readJson(dir / "Bot.json");
    if (!b.ok()) return b.error();
    if (b->is_object() && b->contains("name")) bot["name"] = (*b)["name"];
  }
  Json locales = Json::array();
  for (const auto& entry : fs::directory_iterator(dir / "BotLocales", ec)) {
    if (!entry.is_directory(ec)) continue;
    Json locale = {{"localeId", entry.path().filename().string()},
                   {"intents", Json::array()},
                   {"slotTypes", Json::array()}};
    for (const fs::path& file : children(entry.path() / "Intents", "Intent.json")) {
      Result<Json> intent = readJson(file);
      if (!intent.ok()) return intent.error();
      Json slots = Json::array();
      for (const fs::path& slotFile : children(file.parent_path() / "Slots", "Slot.json")) {
        Result<Json> slot = readJson(slotFile);
        if (!slot.ok()) return slot.error();
        slots.push_back(std::move(slot).value());
      }
      if (!slots.empty()) (*intent)["slots"] = std::move(slots);
      locale["intents"].push_back(std::move(intent).value());
    }
    for (const fs::path& file : children(entry.path() / "SlotTypes", "SlotType.json")) {
      Result<Json> type = readJson(file);
      if (!type.ok()) return type.error();
      locale["slotTypes"].push_back(std::move(type).value());
    }
    locales.push_back(std::move(locale));
  }
  if (locales.empty())
    return Error::invalidArgument(dir.string() + ": no BotLocales in the Lex export directory");
  bot["botLocales"] = std::move(locales);
  return bot.dump();
}

// "BOTID/ALIASID" and "BOTID" of a Lex V2 alias ARN.
std::vector<std::string> keysOf(const std::string& alias) {
  std::vector<std::string> keys{alias};
  constexpr std::string_view kMarker = ":bot-alias/";
  const std::size_t at = alias.find(kMarker);
  if (alias.starts_with("arn:") && at != std::string::npos) {
    const std::string rest = alias.substr(at + kMarker.size());
    keys.push_back(rest);
    keys.push_back(rest.substr(0, rest.find('/')));
  }
  return keys;
}

class Resolver {
 public:
  explicit Resolver(LexConfig config) : config_(std::move(config)) {}

  Result<std::shared_ptr<const flow::LexBot>> resolve(const std::string& alias) {
    std::lock_guard lock(mutex_);
    const std::vector<std::string> keys = keysOf(alias);
    for (const std::string& key : keys) {
      if (auto it = config_.bots.find(key); it != config_.bots.end()) return load(it->second);
    }
    if (!config_.dir.empty()) {
      const fs::path dir = locateFlowFile(config_.dir);
      std::error_code ec;
      for (const std::string& key : keys) {
        if (key.find('/') != std::string::npos || key.find("..") != std::string::npos) continue;
        const fs::path file = dir / (key + ".json");
        if (fs::is_regular_file(file, ec)) return load(file.string());
      }
      for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.path().extension() != ".json") continue;
        Result<std::shared_ptr<const flow::LexBot>> bot = load(entry.path().string());
        if (bot.ok() && (*bot)->name() == alias) return bot;
      }
    }
    return Error::notFound("no Lex bot for '" + alias +
                           "': map it in [lex] bots or put it in [lex] dir");
  }

 private:
  Result<std::shared_ptr<const flow::LexBot>> load(const std::string& path) {
    if (auto it = loaded_.find(path); it != loaded_.end()) return it->second;
    Result<std::shared_ptr<const flow::LexBot>> bot = loadLexBot(path);
    if (bot.ok()) loaded_.emplace(path, *bot);
    return bot;
  }

  LexConfig config_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const flow::LexBot>> loaded_;
};

}  // namespace

Result<std::shared_ptr<const flow::LexBot>> loadLexBot(const std::string& requested) {
  const fs::path path = locateFlowFile(requested);
  std::error_code ec;
  Result<std::string> text =
      fs::is_directory(path, ec) ? assembleExport(path) : readSmallFile(path);
  if (!text.ok()) return text.error();
  Result<std::shared_ptr<const flow::LexBot>> bot =
      flow::LexBot::parse(*text, path.filename().replace_extension().string());
  if (!bot.ok()) return Error(bot.error().code(), path.string() + ": " + bot.error().message());
  return bot;
}

LexBotResolver lexBotResolver(const LexConfig& config) {
  auto resolver = std::make_shared<Resolver>(config);
  return [resolver](const std::string& alias) { return resolver->resolve(alias); };
}

}  // namespace callgate::app
