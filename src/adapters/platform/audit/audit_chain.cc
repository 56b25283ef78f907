#include "adapters/platform/audit/audit_chain.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "adapters/security/token/base64url.h"

namespace callgate::audit {
namespace {

enum class Kind { kFragment, kLegacy, kRecord };

struct Line {
  size_t number = 0;  // 1-based
  std::string_view text;
  Kind kind = Kind::kFragment;
  int64_t seq = 0;
  std::string prev;
  bool checkpoint = false;
  nlohmann::json object;
};

Line classify(std::string_view text, size_t number) {
  Line line;
  line.number = number;
  line.text = text;
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) return line;
  line.kind = Kind::kLegacy;
  const auto seq = parsed.find("seq");
  const auto prev = parsed.find("prev");
  if (seq != parsed.end() && seq->is_number_integer() && prev != parsed.end() &&
      prev->is_string()) {
    line.kind = Kind::kRecord;
    line.seq = seq->get<int64_t>();
    line.prev = prev->get<std::string>();
    const auto event = parsed.find("event");
    line.checkpoint = event != parsed.end() && event->is_string() &&
                      event->get<std::string>() == kCheckpointEvent;
  }
  line.object = std::move(parsed);
  return line;
}

std::string stringField(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "" if the checkpoint's signature holds, else what is wrong with it.
std::string checkCheckpoint(const Line& line, const PublicKeys& keys) {
  const std::string chain = stringField(line.object, "chain");
  const std::string kid = stringField(line.object, "kid");
  const std::string sig = stringField(line.object, "sig");
  const std::string at = stringField(line.object, "at");
  if (chain.empty() || kid.empty() || sig.empty()) {
    return "malformed checkpoint (chain, kid or sig missing)";
  }
  if (chain != line.prev) return "edited: the checkpoint's chain differs from its prev";
  const auto key = keys.find(kid);
  if (key == keys.end()) return "unknown kid " + kid + " (not among the public keys given)";
  unsigned char signature[crypto_sign_BYTES];
  if (!token::base64UrlDecodeExact(sig, signature, sizeof signature)) {
    return "bad signature (not a base64url Ed25519 signature)";
  }
  const std::string input = checkpointSigningInput(line.seq, chain, at, kid);
  if (crypto_sign_verify_detached(
          signature, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
          reinterpret_cast<const unsigned char*>(key->second.data())) != 0) {
    return "bad signature (kid " + kid + ")";
  }
  return "";
}

}  // namespace

std::string sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, crypto_hash_sha256_BYTES * 2);
}

std::string checkpointSigningInput(int64_t seq, std::string_view chain, std::string_view at,
                                   std::string_view kid) {
  std::string out = "callgate-audit-checkpoint/1\n";
  out += std::to_string(seq);
  out += '\n';
  out += chain;
  out += '\n';
  out += at;
  out += '\n';
  out += kid;
  return out;
}

ChainHead chainHeadAfter(const std::vector<std::string_view>& lines) {
  for (size_t i = lines.size(); i-- > 0;) {
    const Line line = classify(lines[i], i + 1);
    if (line.kind == Kind::kFragment) continue;
    if (line.kind == Kind::kLegacy) break;  // a file from before the chain: start one
    ChainHead head;
    head.seq = line.seq;
    head.hash = sha256Hex(lines[i]);
    head.lastIsCheckpoint = line.checkpoint;
    return head;
  }
  return ChainHead{};
}

Status addJwksKeys(std::string_view jwks, PublicKeys& keys) {
  auto parsed = nlohmann::json::parse(jwks, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("keys") ||
      !parsed["keys"].is_array()) {
    return Error::invalidArgument("not a JWKS document ({\"keys\":[...]})");
  }
  for (const auto& jwk : parsed["keys"]) {
    if (!jwk.is_object() || stringField(jwk, "kty") != "OKP" ||
        stringField(jwk, "crv") != "Ed25519") {
      continue;
    }
    const std::string kid = stringField(jwk, "kid");
    std::string x(crypto_sign_PUBLICKEYBYTES, '\0');
    if (kid.empty() || !token::base64UrlDecodeExact(stringField(jwk, "x"), x.data(), x.size())) {
      return Error::invalidArgument("JWKS: an Ed25519 key without a kid or a 32-byte x");
    }
    keys[kid] = std::move(x);
  }
  return okStatus();
}

VerifyReport verifyChain(std::string_view content, const PublicKeys& keys) {
  VerifyReport report;
  std::vector<Line> lines;
  bool tornTail = false;
  for (size_t start = 0, number = 1; start < content.size(); ++number) {
    const size_t nl = content.find('\n', start);
    if (nl == std::string_view::npos) {
      tornTail = true;
      lines.push_back(classify(content.substr(start), number));
      lines.back().kind = Kind::kFragment;  // no newline: never a record, whatever it holds
      break;
    }
    lines.push_back(classify(content.substr(start, nl - start), number));
    start = nl + 1;
  }

  auto fail = [&](const Line& line, std::string problem) {
    report.ok = false;
    report.badLine = line.number;
    report.badSeq = line.kind == Kind::kRecord ? line.seq : 0;
    report.problem = std::move(problem);
    return report;
  };
  auto nextRecord = [&](size_t i) -> const Line* {
    for (size_t j = i + 1; j < lines.size(); ++j) {
      if (lines[j].kind == Kind::kRecord) return &lines[j];
    }
    return nullptr;
  };

  bool chained = false;
  std::string head;        // hash of the last good record
  std::string headBefore;  // the head before that one
  const Line* last = nullptr;
  int64_t sinceCheckpoint = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line& line = lines[i];
    if (line.kind == Kind::kFragment) {
      if (!chained) {
        ++report.legacyLines;
      } else if (tornTail && i + 1 == lines.size()) {
        report.notes.push_back("line " + std::to_string(line.number) +
                               ": torn last line (no newline: a crash, power loss or full disk "
                               "cut the write short); not a record");
      } else {
        report.notes.push_back("line " + std::to_string(line.number) +
                               ": torn fragment, not a record (a power loss or full disk cut a "
                               "write short); the chain runs over it");
      }
      continue;
    }
    if (line.kind == Kind::kLegacy) {
      if (!chained) {
        ++report.legacyLines;
        continue;
      }
      return fail(line, "inserted: a line without seq/prev inside the chain");
    }
    if (!chained) {
      if (line.seq != 1) {
        return fail(line, "removed: the chain starts at seq " + std::to_string(line.seq) +
                              ", so the records before it were removed");
      }
      if (line.prev != kGenesisPrev) return fail(line, "edited: seq 1 must have prev = 64 zeros");
      chained = true;
      report.chainStartLine = line.number;
    } else if (line.seq != last->seq + 1 || line.prev != head) {
      const int64_t expected = last->seq + 1;
      const Line* next = nextRecord(i);
      if (line.prev == head) {
        return fail(line, "edited: seq is " + std::to_string(line.seq) + ", expected " +
                              std::to_string(expected));
      }
      // The record it follows comes later in the file: lines were moved.
      for (size_t j = i + 1; j < lines.size(); ++j) {
        if (lines[j].kind == Kind::kRecord && sha256Hex(lines[j].text) == line.prev) {
          return fail(line, "reordered: this record follows line " +
                                std::to_string(lines[j].number) + " (seq " +
                                std::to_string(lines[j].seq) + "), which comes after it");
        }
      }
      if (next != nullptr && next->prev == head && next->seq == expected) {
        return fail(line, "inserted: not part of the chain (the next record follows line " +
                              std::to_string(last->number) + ")");
      }
      if (line.seq == expected) {
        if (next != nullptr && next->prev != sha256Hex(line.text)) {
          return fail(line,
                      "edited: its prev no longer matches line " + std::to_string(last->number));
        }
        return fail(*last, "edited: its hash no longer matches the prev of line " +
                               std::to_string(line.number));
      }
      if (line.seq > expected) {
        for (size_t j = i + 1; j < lines.size(); ++j) {
          if (lines[j].kind == Kind::kRecord && lines[j].seq == expected) {
            return fail(line, "reordered: seq " + std::to_string(expected) +
                                  " was expected here; it is at line " +
                                  std::to_string(lines[j].number));
          }
        }
        const int64_t missing = line.seq - expected;
        return fail(line, "removed: " + std::to_string(missing) +
                              (missing == 1 ? " record" : " records") + " (seq " +
                              std::to_string(expected) +
                              (missing == 1 ? "" : ".." + std::to_string(line.seq - 1)) +
                              ") missing before this line");
      }
      // seq went backwards.
      if (line.prev == headBefore && line.seq == last->seq) {
        return fail(*last, "inserted: not part of the chain (line " + std::to_string(line.number) +
                               " follows the record before it)");
      }
      for (size_t j = 0; j < i; ++j) {
        if (lines[j].kind == Kind::kRecord && lines[j].text == line.text) {
          return fail(line, "inserted: a copy of line " + std::to_string(lines[j].number));
        }
      }
      if (line.seq == 1 && line.prev == kGenesisPrev) {
        return fail(line, "inserted: a second chain starts here (records of another file?)");
      }
      return fail(line, "reordered or inserted: seq " + std::to_string(line.seq) +
                            " comes after seq " + std::to_string(last->seq));
    }
    if (line.checkpoint) {
      if (std::string problem = checkCheckpoint(line, keys); !problem.empty()) {
        return fail(line, problem);
      }
      ++report.checkpoints;
      report.lastCheckpointSeq = line.seq;
      sinceCheckpoint = 0;
    } else {
      ++sinceCheckpoint;
    }
    ++report.records;
    headBefore = std::move(head);
    head = sha256Hex(line.text);
    last = &line;
  }
  report.ok = true;
  report.uncovered = sinceCheckpoint;
  return report;
}

std::string formatReport(const VerifyReport& report) {
  std::string out;
  if (!report.ok) {
    out = "FAILED: line " + std::to_string(report.badLine);
    if (report.badSeq != 0) out += " (seq " + std::to_string(report.badSeq) + ")";
    return out + ": " + report.problem + "\n";
  }
  out = "ok: " + std::to_string(report.records) + " records, " +
        std::to_string(report.checkpoints) + " checkpoints, ";
  out += report.checkpoints > 0
             ? "last checkpoint at seq " + std::to_string(report.lastCheckpointSeq)
             : std::string("no checkpoint yet");
  out += "\n";
  if (report.legacyLines > 0) {
    out += "note: " + std::to_string(report.legacyLines) +
           " lines before the chain (written before the hash chain existed, not verified)";
    out += report.chainStartLine > 0
               ? "; the chained part starts at line " + std::to_string(report.chainStartLine)
               : std::string();
    out += "\n";
  }
  for (const std::string& note : report.notes) out += "note: " + note + "\n";
  if (report.uncovered > 0) {
    out += "note: " + std::to_string(report.uncovered) +
           (report.uncovered == 1 ? " record" : " records") +
           (report.checkpoints > 0 ? " after the last checkpoint" : "") +
           ", not yet covered by a signature (an edited or truncated "
           "tail there cannot be detected)\n";
  }
  return out;
}

}  // namespace callgate::audit
