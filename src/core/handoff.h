// Handoffs: the record callgate keeps each time it hands a call to the agent side with a verdict
// (SIP REFER, Twilio <Dial>, Amazon Connect's issue-verdict), so an agent's screen can show who
// is calling the moment the call arrives (the console's screen pop), on any node of a cluster.
//
// A handoff holds nothing secret: never a PIN, a code, a token or a full phone number. It names
// the verdict by its jti and says whether callgate's own check of the signed token passed; the
// caller's number is reduced to its last digits.
//
// HandoffStore is the port; the stores assign two numbers: `id` names the handoff for good,
// `seq` orders changes (a new handoff, and each later update of one, takes the next seq), so a
// reader that remembers the last seq it saw reads exactly what changed since (the console's event
// stream uses it as the SSE event id). Pure values and a pure-virtual port; implementations are
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "core/time.h"

namespace callgate {

// What the caller did on the page of a link texted in (or after) the call, the furthest step.
enum class LinkActivity { kNone = 0, kOpened = 1, kRedeemed = 2, kMemberAdded = 3 };
const char* linkActivityName(LinkActivity a);  // "" | "opened" | "redeemed" | "member_added"
LinkActivity parseLinkActivity(std::string_view name);  // kNone for anything else

struct Handoff {
  int64_t id = 0;         // assigned by the store on append
  int64_t seq = 0;        // assigned by the store on append and on every update
  TimePoint at{};         // when callgate handed the call over (whole milliseconds)
  std::string channel;    // "sip" | "twilio" | "connect"
  std::string callId;     // the verdict's binding: SIP Call-ID, Twilio CallSid, Connect ContactId
  std::string contactId;  // callgate's contact id
  std::string queue;      // the queue the flow transferred to ("" unknown)
  std::string acr;        // the verdict's level (core/verdict_token.h kAcr*)
  std::vector<std::string> amr;  // how: "pin", "sms", "callerid" (kAmr*)
  std::string attestation;       // STIR/SHAKEN attestation the channel saw: A | B | C | none
  std::string userId;            // the customer's user id ("" none or not authenticated)
  std::string displayName;       // the customer's name, only when authenticated
  std::string level;             // custLevel, only when authenticated
  std::string language;          // only when authenticated
  std::string callerLast4;       // at most the last 4 digits of the caller's number
  std::string jti;               // the verdict's id (the token itself is never kept)
  std::string tokenCheck;        // "valid", or why callgate's own check refused the token
  int64_t timeToVerdictMs = -1;  // call start to handoff; -1 when the channel does not know
  LinkActivity link = LinkActivity::kNone;
  TimePoint linkAt{};  // when `link` last changed (epoch for none)

  bool authenticated() const;  // acr other than urn:callgate:acr:none
  bool operator==(const Handoff&) const = default;
};

// "…2671": at most the last 4 digits of `number` (any non-digit dropped); "" when it has none.
std::string lastDigitsOf(std::string_view number, size_t count = 4);

// At most this many handoffs older than the retention are deleted by one append(): enough to
// outpace the appends, small enough that no single call pays for a backlog.
inline constexpr int kHandoffPurgeBatch = 64;
// A read returns at most this many handoffs, whatever the limit asked.
inline constexpr int kHandoffMaxRead = 500;

class HandoffStore {
 public:
  virtual ~HandoffStore() = default;
  // Stores `handoff` (its id and seq are ignored) and sets both on it: each larger than any
  // assigned before, and visible to since() in that order (a reader never sees seq n+1 without
  // n). Then deletes at most kHandoffPurgeBatch handoffs with `at` before `purgeBefore`, oldest
  // first; a failed purge does not fail the append.
  virtual Status append(Handoff& handoff, TimePoint purgeBefore) = 0;
  // Handoffs with seq > afterSeq, ascending by seq, at most `limit` (clamped to
  // 1..kHandoffMaxRead); only those of `queue` when it is not empty (exact match).
  virtual Result<std::vector<Handoff>> since(int64_t afterSeq, int limit,
                                             std::string_view queue) = 0;
  // The newest handoffs (by seq) with `at` >= `notBefore`, at most `limit` (clamped as above),
  // returned ascending by seq; only `queue`'s when it is not empty.
  virtual Result<std::vector<Handoff>> latest(TimePoint notBefore, int limit,
                                              std::string_view queue) = 0;
  // The largest seq assigned so far (0 when none): where a reader that wants only what comes
  // next starts.
  virtual Result<int64_t> lastSeq() = 0;
  // Records link activity for the newest handoff of `userId` at or after `notBefore`: `link` and
  // `linkAt` = `at`, with a new seq, unless the handoff already shows that step or a later one.
  // Returns the handoff's id, or nullopt when none matched (or nothing changed).
  virtual Result<std::optional<int64_t>> noteLink(const std::string& userId, LinkActivity link,
                                                  TimePoint at, TimePoint notBefore) = 0;
};

}  // namespace callgate
