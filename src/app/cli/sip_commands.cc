#include <chrono>
#include <iostream>

#include "adapters/security/stir/identity_signer.h"
#include "app/cli/commands.h"

namespace callgate::app {

int sipIdentityCommand(const SignedIdentity& identity) {
  const int64_t iat = identity.iat != 0 ? identity.iat
                                        : std::chrono::duration_cast<std::chrono::seconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count();
  auto header = stir::makeIdentityHeader(identity.keyFile, identity.attestation, identity.orig,
                                         identity.dest, iat);
  if (!header.ok()) {
    std::cerr << "callgate: " << header.error().message() << "\n";
    return 1;
  }
  std::cout << *header << "\n";
  return 0;
}

}  // namespace callgate::app
