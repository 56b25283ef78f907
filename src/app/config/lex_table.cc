// [lex]: the local bots of ConnectParticipantWithLexBot blocks.
//   [lex]
//   dir = "bots"
//   [lex.bots]
//   "arn:aws:lex:us-east-1:123456789012:bot-alias/BOTID/ALIASID" = "bots/banking.json"

#include "app/config/config_tables.h"

namespace callgate::app::detail {

Status readLexTable(TableReader& t, LexConfig& lex) {
  t.str("dir", lex.dir);
  t.stringMap("bots", lex.bots);
  return t.finish();
}

}  // namespace callgate::app::detail
