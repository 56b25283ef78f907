// What `serve` says at start about what it holds, so an empty store or a missing flow is visible
// at once: "customers=4 flows=2" for its start line. Stateless; call from the starting thread.
#pragma once

#include <cstdint>
#include <string>

#include "app/config/config.h"
#include "core/ports.h"

namespace callgate::app {

// Customers are counted up to this many rows and shown as "100000+" beyond: a bounded count
// (CustomerStore::countUpTo) takes milliseconds however large the store, where COUNT(*) would
// read the whole table on every start.
inline constexpr int64_t kStartCustomerCountLimit = 100000;

// "customers=N flows=M": N as above ("unknown" if the store does not answer), M the distinct flow
// files the enabled voice channels run (Twilio: [flows] default and [twilio.numbers]; SIP:
// [sip] default_flow or [flows] default, and [sip.numbers]). Logs a warning naming the fix when
// the store has no customers.
std::string startContents(const Config& config, CustomerStore& customers);

}  // namespace callgate::app
