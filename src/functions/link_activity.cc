#include "functions/link_activity.h"

#include <spdlog/spdlog.h>

namespace callgate {

void noteLinkActivity(HandoffStore* store, const Clock& clock, const std::string& userId,
                      LinkActivity activity) {
  if (store == nullptr || userId.empty()) return;
  const TimePoint now = clock.now();
  auto noted = store->noteLink(userId, activity, now, now - kLinkActivityWindow);
  if (!noted.ok()) {
    spdlog::warn("event=handoff_link_note_failed activity={} error=\"{}\"",
                 linkActivityName(activity), noted.error().message());
  }
}

}  // namespace callgate
