// What the caller did on a link page (opened it, confirmed it, added a member), recorded on the
// screen pop of the call the link came from (HandoffStore::noteLink, core/handoff.h), so the agent
// who took the call sees it.
//
// A link does not know its call: a grant holds the account, the action and the number it was
// texted to, not the contact it was issued in (and the member API knows only the token's
// account). So the account's newest handoff of the last `kLinkActivityWindow` stands in for the
// call; with two calls of one account in that hour the later one shows it.
//
// Best effort: a failure is logged, never fails the page. Thread-safe (the store is).
#pragma once

#include <string>

#include "core/handoff.h"
#include "core/ports.h"

namespace callgate {

inline constexpr Seconds kLinkActivityWindow{3600};

// Does nothing when `store` is null or `userId` is empty.
void noteLinkActivity(HandoffStore* store, const Clock& clock, const std::string& userId,
                      LinkActivity activity);

}  // namespace callgate
