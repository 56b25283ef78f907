#include "app/cli/key_ring_access.h"

#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "adapters/platform/clock/system_clock.h"
#include "adapters/security/crypto/secret_fingerprint.h"
#include "adapters/security/crypto/sodium_random.h"
#include "core/cluster_state.h"

namespace callgate::app {

KeyContext::~KeyContext() { sodium_memzero(otpSecret.data(), otpSecret.size()); }

Result<KeyContext> openKeyContext(const Config& config) {
  KeyContext context;
  auto services = buildStorage(config);
  if (!services.ok()) return services.error();
  context.services = std::move(*services);
  auto key = otpKey(config);
  if (!key.ok()) return Error(key.error().code(), "OTP secret: " + key.error().message());
  context.otpSecret = std::move(*key);
  if (Status s = checkSharedSecrets(
          *context.services->secretFingerprints,
          {{"otp_secret", context.otpSecret,
            "CALLGATE_OTP_SECRET, or the file named by --otp-secret-file / [security] "
            "otp_secret_file"}});
      !s.ok()) {
    return s.error();
  }
  return context;
}

token::KeyRingOptions cliRingOptions(const Config& config, bool create) {
  token::KeyRingOptions options = config.tokenKeys;
  options.createIfMissing = create;
  options.backgroundRefresh = false;
  return options;
}

Result<std::shared_ptr<const token::KeySet>> readKeyRing(const Config& config) {
  auto context = openKeyContext(config);
  if (!context.ok()) return context.error();
  SystemClock clock;
  SodiumRandom random;
  auto ring =
      token::KeyRing::open(cliRingOptions(config, /*create=*/false),
                           *context->services->signingKeys, context->otpSecret, clock, random);
  if (!ring.ok()) return ring.error();
  return (*ring)->current();
}

Result<std::string> readWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::unavailable("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace callgate::app
