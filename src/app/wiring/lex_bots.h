// The local Lex bots of ConnectParticipantWithLexBot blocks, as [lex] configures them: the
// resolver a flow load uses (flow::LoadOptions::resolveLexBot). A key is looked up as written,
// then, for a Lex V2 alias ARN (arn:aws:lex:REGION:ACCOUNT:bot-alias/BOTID/ALIASID), as
// "BOTID/ALIASID" and "BOTID"; then in [lex] dir as <key>.json (for each of those keys) and by the
// name inside each bot file there. A path is a bot file (core/flow/lex_bot.h) or an unzipped
// Lex V2 export directory (BotLocales/<locale>/Intents/<name>/Intent.json with Slots/*/Slot.json,
// and BotLocales/<locale>/SlotTypes/<name>/SlotType.json; en_US preferred). Relative paths are
// found as flow files are (locateFlowFile).
// Thread-safety: the resolver may be called from several threads; it reads each file once.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "app/config/config.h"
#include "common/result.h"
#include "core/flow/lex_bot.h"

namespace callgate::app {

using LexBotResolver =
    std::function<Result<std::shared_ptr<const flow::LexBot>>(const std::string& aliasOrName)>;

LexBotResolver lexBotResolver(const LexConfig& config);

// One bot from a file or export directory.
Result<std::shared_ptr<const flow::LexBot>> loadLexBot(const std::string& path);

}  // namespace callgate::app
