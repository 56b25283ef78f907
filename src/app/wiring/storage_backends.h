// The two storage backends behind the store ports: one SQLite file (the embedded default) or a
// PostgreSQL database shared by several nodes ([storage] in the config). Each opener fills every
// store of `s` (customers, challenges, credentials, grants, members, voice sessions, token states,
// SMS messages) and s.databaseHealth, over one database. Internal to app/wiring.
#pragma once

#include "app/config/config.h"
#include "app/wiring/wiring.h"

namespace callgate::app::detail {

Status openSqliteStorage(const StorageConfig& storage, Services& s);
Status openPostgresStorage(const StorageConfig& storage, Services& s);

}  // namespace callgate::app::detail
