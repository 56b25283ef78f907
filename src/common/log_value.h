// logValue(): how any text that came from outside (a SIP Call-ID, a URL path, a header, a
// provider's error message) is written into a log line, so it cannot forge the line's structure.
// Log lines are logfmt-style `key=value` pairs; a raw value could end the line (CR/LF), paint the
// terminal (escape codes), or add a field of its own (` event=x`). The value comes back
// double-quoted with `\` `"` `=` control characters and non-ASCII bytes escaped (\\ \" \n \r \t
// \xNN), and capped at `maxBytes` of the input, the rest counted ("...[+N bytes]"). The log
// sink also escapes any control character left in a whole line and caps its length (see
// adapters/platform/log), but only quoting here keeps fields apart. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace callgate {

inline constexpr size_t kLogValueMaxBytes = 256;

std::string logValue(std::string_view raw, size_t maxBytes = kLogValueMaxBytes);

}  // namespace callgate
