// How a handoff (core/handoff.h) is shown: as the JSON of one Server-Sent Event on the agent's
// event stream, and as the server-rendered HTML of one pop (the same structure console-agent.js
// builds from the JSON). Only the handoff's fields, all display data: never a secret, never a
// full phone number. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/handoff.h"

namespace callgate::console {

// "2fa", "1fa", "callerid" or "none": the level part of the verdict's acr.
std::string_view assuranceName(std::string_view acr);
// How the caller was authenticated, for people: "PIN + SMS code", "Caller ID (STIR A)", or
// "Not authenticated".
std::string describeMethods(const Handoff& h);

// The pop as one line of JSON (see docs/API.md "Agent event stream").
std::string popJson(const Handoff& h);

// One SSE event: "id: <seq>\nevent: handoff\ndata: <popJson>\n\n".
std::string popEvent(const Handoff& h);

// One <li class="pop"> of the agent page's list.
std::string popHtml(const Handoff& h);

// A queue name a viewer may filter on: 1 to 64 characters, none of them a control character.
bool isQueueFilter(std::string_view queue);

}  // namespace callgate::console
