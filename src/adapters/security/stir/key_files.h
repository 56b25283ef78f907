// Reading STIR/SHAKEN key material from local PEM files with OpenSSL: EC P-256 public keys,
// certificates (their public key and validity period) and private keys (to check a signer's key
// before libsecsipid uses it). Files only: nothing here opens a URL. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"

namespace callgate::stir {

struct PublicKeyPem {
  std::string pem;        // "-----BEGIN PUBLIC KEY-----..." (SubjectPublicKeyInfo)
  int64_t notBefore = 0;  // certificates: validity in epoch seconds; keys: 0 and
  int64_t notAfter = 0;   // 0 (unused)
};

// kInvalidArgument naming `path` when the file cannot be read, holds no PEM public key, or the
// key is not EC P-256 (ES256 is the only SHAKEN algorithm).
Result<PublicKeyPem> readPublicKeyFile(const std::string& path);

// The first certificate in `path` (PEM): its EC P-256 public key and notBefore/notAfter.
Result<PublicKeyPem> readCertificateFile(const std::string& path);

// Ok when `path` holds a PEM EC P-256 private key (PKCS#8 or SEC1); kInvalidArgument naming it.
Status checkPrivateKeyFile(const std::string& path);

}  // namespace callgate::stir
