// The audit log's hash chain and signed checkpoints: the record format both the writer
// (JsonlAuditLog) and the verifier (`callgate audit verify`) follow, and the verifier itself.
//
// Each record is one JSON object on a line of its own, with
//   "seq"   1, 2, ... within the file (checkpoints count too);
//   "prev"  the hex SHA-256 of the previous record's complete line bytes (without its '\n'),
//           64 zeros for seq 1.
// A checkpoint is a record {"at","event":"audit_checkpoint","seq","prev","chain","kid","sig"}
// where chain == prev (the head of the chain it vouches for) and sig is the base64url Ed25519
// signature, by the JWT signing key `kid`, of checkpointSigningInput() (see there).
//
// Lines that are not JSON objects are torn fragments (a power loss or a full disk cut a write
// short): they are no record, the chain runs over them, and the verifier reports them without
// failing. JSON objects without seq/prev before the first chained record are a legacy prefix
// (written before the chain existed). See docs/OPERATIONS.md, "Audit log", for what verification
// can and cannot prove. Free functions over strings; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace callgate::audit {

inline constexpr std::string_view kCheckpointEvent = "audit_checkpoint";
inline constexpr std::string_view kGenesisPrev =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Lower-case hex SHA-256 of `bytes` (libsodium crypto_hash_sha256).
std::string sha256Hex(std::string_view bytes);

// The bytes a checkpoint's signature covers, one field per line, no trailing newline:
//   "callgate-audit-checkpoint/1\n<seq>\n<chain>\n<at>\n<kid>"
// seq in decimal, chain the 64 lower-case hex digits, at and kid exactly as in the record.
std::string checkpointSigningInput(int64_t seq, std::string_view chain, std::string_view at,
                                   std::string_view kid);

// What a writer needs to know about the line a new record follows.
struct ChainHead {
  int64_t seq = 0;                 // of the last record; 0: the next one starts a chain
  std::string hash{kGenesisPrev};  // the next record's prev
  bool lastIsCheckpoint = false;   // the last record is a checkpoint
};

// The chain head after `lines` (a file's last complete lines, oldest first): the last line that
// is a chained record; fragments after it are skipped. A legacy record after it, or no chained
// record at all, starts a new chain (seq 1, prev zeros).
ChainHead chainHeadAfter(const std::vector<std::string_view>& lines);

// Ed25519 public keys by kid (32 raw bytes each).
using PublicKeys = std::map<std::string, std::string>;

// Adds the Ed25519 keys of a JWKS document ({"keys":[{"kty":"OKP","crv":"Ed25519","kid","x"}]})
// to `keys`; other key types are skipped. kInvalidArgument if it is not a JWKS.
Status addJwksKeys(std::string_view jwks, PublicKeys& keys);

struct VerifyReport {
  bool ok = false;
  int64_t records = 0;      // chained records, checkpoints included
  int64_t checkpoints = 0;  // valid checkpoints
  int64_t lastCheckpointSeq = 0;
  int64_t uncovered = 0;           // records after the last checkpoint
  size_t legacyLines = 0;          // lines before the chain starts
  size_t chainStartLine = 0;       // 1-based; 0 if the file holds no chained record
  std::vector<std::string> notes;  // torn fragments and the like: not failures
  // The first bad line, when !ok.
  size_t badLine = 0;
  int64_t badSeq = 0;  // 0 if the line has no seq
  std::string problem;
};

// Walks a whole audit file: recomputes the chain, checks each checkpoint's signature against
// `keys`, and names the first bad line.
VerifyReport verifyChain(std::string_view content, const PublicKeys& keys);

// The report as `callgate audit verify` prints it: "ok: N records, M checkpoints, last
// checkpoint at seq S" and notes, or "FAILED: line L (seq S): problem".
std::string formatReport(const VerifyReport& report);

}  // namespace callgate::audit
