// Private to src/adapters/sip: one-time osip2 set-up (parser_init() and silencing osip2's own
// stderr trace, which would otherwise print every malformed packet). Safe to call from any thread
// any number of times; every entry point that parses calls it.
#pragma once

namespace callgate::sip {

void ensureOsipInitialized();

}  // namespace callgate::sip
