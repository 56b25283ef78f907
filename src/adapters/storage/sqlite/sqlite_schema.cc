#include "adapters/storage/sqlite/sqlite_schema.h"

namespace callgate {
namespace {

// v1: customers and one-time-code challenges.
// - customers is WITHOUT ROWID: the phone lookup is the hot path, and a clustered primary key
//   answers it from one b-tree instead of an index probe plus a table probe.
// - challenges.id is AUTOINCREMENT so ids are never reused, even if old rows are purged: "latest"
//   means the highest id, which must stay true.
// - challenges_by_phone serves latest(phone) and replace()'s void without a sort;
//   challenges_by_phone_created is covering for the rate-limit counts (a phone range plus a time
//   bound), so they never touch the table.
constexpr const char* kV1 = R"sql(
CREATE TABLE customers (
  phone TEXT PRIMARY KEY NOT NULL,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  level TEXT NOT NULL,
  language TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE challenges (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  phone TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  language TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'verified', 'voided', 'locked'))
);

CREATE INDEX challenges_by_phone ON challenges (phone, id);
CREATE INDEX challenges_by_phone_created ON challenges (phone, created_at_ms);
)sql";

// Credentials for user id + PIN login.
// - The user id is a column of customers, not of a separate table: findByPhone (the hot
//   lookup-caller path) then still reads one clustered b-tree row and gets the user id with it,
//   and findByUserId is one probe of customers_by_user_id. ADD COLUMN cannot add a UNIQUE
//   constraint, so uniqueness comes from the unique index (NULLs, i.e. customers without a user
//   id, do not collide). The CHECK repeats isWellFormedUserId so no other writer can break it.
// - PIN hashes live in their own table, not in customers: the profile rows every lookup reads
//   never carry a secret, and only the PIN check reads pin_credentials.
// - pin_failures is keyed by any user id, existing or not, and has no foreign key on purpose:
//   an unknown id locks exactly like a known one (core/pin_policy.h).
constexpr const char* kCredentials = R"sql(
ALTER TABLE customers ADD COLUMN user_id TEXT
  CHECK (user_id IS NULL OR (length(user_id) BETWEEN 4 AND 10 AND user_id NOT GLOB '*[^0-9]*'));
CREATE UNIQUE INDEX customers_by_user_id ON customers (user_id);

CREATE TABLE pin_credentials (
  user_id TEXT PRIMARY KEY NOT NULL
    REFERENCES customers (user_id) ON DELETE CASCADE ON UPDATE CASCADE,
  pin_hash TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE pin_failures (
  user_id TEXT PRIMARY KEY NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0,
  last_attempt_at_ms INTEGER NOT NULL,
  locked_at_ms INTEGER
) WITHOUT ROWID;
)sql";

// Action grants behind single-use links. Only a keyed hash of the link code is stored; the
// UNIQUE on code_hash is also the index the link lookup uses. id is AUTOINCREMENT so a grant id
// in the audit log is never reused. action_grants_by_user_created serves the per-account issue
// limit.
constexpr const char* kActionGrants = R"sql(
CREATE TABLE action_grants (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  code_hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES customers (user_id) ON DELETE CASCADE ON UPDATE CASCADE,
  action TEXT NOT NULL,
  phone TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('issued', 'redeemed')),
  redeemed_at_ms INTEGER
);

CREATE INDEX action_grants_by_user_created ON action_grants (user_id, created_at_ms);
)sql";

// Members added to an account (core/member.h); phone is '' when none was given.
constexpr const char* kMembers = R"sql(
CREATE TABLE members (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_user_id TEXT NOT NULL
    REFERENCES customers (user_id) ON DELETE CASCADE ON UPDATE CASCADE,
  name TEXT NOT NULL,
  relationship TEXT NOT NULL
    CHECK (relationship IN ('spouse', 'partner', 'child', 'parent', 'other')),
  date_of_birth TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  created_at_ms INTEGER NOT NULL
);

CREATE INDEX members_by_account ON members (account_user_id, id);
)sql";

// Access-token states (revoked, used), by jti. A row matters only until the token expires, so
// token_states_by_expiry lets SqliteTokenStateStore delete expired rows with an index range.
constexpr const char* kTokenStates = R"sql(
CREATE TABLE token_states (
  jti TEXT PRIMARY KEY NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('revoked', 'used')),
  expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX token_states_by_expiry ON token_states (expires_at_ms);
)sql";

// SMS messages handed to a provider and their delivery reports (adapters/sms). No message text
// and only the masked destination: the table is operational data, safe to keep. WITHOUT ROWID
// because every lookup is by our id (the primary key); provider ids (Twilio status callbacks)
// have their own index.
constexpr const char* kSmsMessages = R"sql(
CREATE TABLE sms_messages (
  id TEXT PRIMARY KEY NOT NULL,
  provider TEXT NOT NULL,
  provider_message_id TEXT NOT NULL DEFAULT '',
  to_masked TEXT NOT NULL,
  status TEXT NOT NULL,
  error_code TEXT NOT NULL DEFAULT '',
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX sms_messages_by_provider_id ON sms_messages (provider, provider_message_id);
)sql";

// Twilio voice calls parked between webhook requests (SqliteVoiceSessionStore). id is the random
// session id in the webhook URLs; call_sid is unique so a retried incoming-call webhook finds the
// call it already started. voice_sessions_by_expiry serves the purge of stale calls.
constexpr const char* kVoiceSessions = R"sql(
CREATE TABLE voice_sessions (
  id TEXT PRIMARY KEY NOT NULL,
  call_sid TEXT NOT NULL UNIQUE,
  flow TEXT NOT NULL,
  state TEXT NOT NULL,
  response TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX voice_sessions_by_expiry ON voice_sessions (expires_at_ms);
)sql";

// State every node sharing the database must agree on (core/cluster_state.h).
// - signing_keys: the JWT signing-key ring, one row per key; sealed_seed is the token adapter's
//   encrypted seed (never the raw seed). key_ring_version is a single row (id = 1) bumped by
//   every replace(), so a node polls one integer to notice a rotation elsewhere, and a
//   compare-and-set on it makes concurrent rotations lose nothing.
// - secret_fingerprints: a keyed fingerprint per shared secret, never the secret itself.
constexpr const char* kClusterState = R"sql(
CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY NOT NULL,
  created_at_ms INTEGER NOT NULL,
  sealed_seed TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE key_ring_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO key_ring_version (id, version) VALUES (1, 0);

CREATE TABLE secret_fingerprints (
  name TEXT PRIMARY KEY NOT NULL,
  fingerprint TEXT NOT NULL,
  recorded_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Callback requests left by CreateCallbackContact (core/callback.h). phone is the whole number
// (the one to call back). callbacks_due serves list() in due order; callbacks_by_phone_created
// the per-number limit.
constexpr const char* kCallbacks = R"sql(
CREATE TABLE callbacks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  contact_id TEXT NOT NULL,
  phone TEXT NOT NULL,
  queue TEXT NOT NULL,
  contact_flow_id TEXT NOT NULL DEFAULT '',
  created_at_ms INTEGER NOT NULL,
  not_before_ms INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL CHECK (max_attempts > 0),
  retry_delay_seconds INTEGER NOT NULL CHECK (retry_delay_seconds >= 0)
);

CREATE INDEX callbacks_due ON callbacks (not_before_ms, id);
CREATE INDEX callbacks_by_phone_created ON callbacks (phone, created_at_ms);
)sql";

// What callgate itself verified per contact (ContactAuthStore): one row per (contact, method).
// contact_auth_by_expiry lets the bounded purge find expired rows with an index range. phone and
// user_id are the customer's, copied rather than referenced: the row must outlive nothing, and
// expires within minutes anyway.
constexpr const char* kContactAuth = R"sql(
CREATE TABLE contact_auth (
  contact_id TEXT NOT NULL,
  method TEXT NOT NULL CHECK (method IN ('pin', 'otp', 'caller_id')),
  user_id TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  expires_at_ms INTEGER NOT NULL,
  PRIMARY KEY (contact_id, method)
) WITHOUT ROWID;

CREATE INDEX contact_auth_by_expiry ON contact_auth (expires_at_ms);
)sql";

// v11: escalating temporary PIN locks (core/pin_policy.h). locked_until_ms is the end of the
// latest temporary lock, 0 for none; locked_at_ms keeps meaning the lock for good. A row locked
// for good by an older release stays so only if its count reaches the new pin_lock_after.
constexpr const char* kPinLockUntil = R"sql(
ALTER TABLE pin_failures ADD COLUMN locked_until_ms INTEGER NOT NULL DEFAULT 0;
)sql";

// v12: the region of each customer's number (libphonenumber's, e.g. "CA" for +1 416), for the
// SMS guard's default country allow-list (CustomerStore::regionsOnFile). Written on insert;
// NULL means not worked out yet (rows of older releases: the store fills them when it opens,
// fillMissingRegions), '' a number of no region. customers_by_region serves both the
// distinct-regions walk (one probe per region) and the search for NULLs.
constexpr const char* kCustomerRegion = R"sql(
ALTER TABLE customers ADD COLUMN region TEXT;
CREATE INDEX customers_by_region ON customers (region);
)sql";

// v13: staff accounts for the console and their sessions (core/staff.h). A session counts only
// while its epoch is its account's (a reset bumps it). Sessions are keyed by the keyed hash of
// the cookie's token, never the token.
constexpr const char* kStaff = R"sql(
CREATE TABLE staff (
  username TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
  password_hash TEXT NOT NULL,
  totp_seed TEXT NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0,
  locked_until_ms INTEGER NOT NULL DEFAULT 0,
  last_totp_step INTEGER NOT NULL DEFAULT 0,
  last_sign_in_ms INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL,
  epoch INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

CREATE TABLE staff_sessions (
  id_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX staff_sessions_by_last_seen ON staff_sessions (last_seen_ms);
CREATE INDEX staff_sessions_by_expiry ON staff_sessions (expires_at_ms);
)sql";

// v14: handoffs, the console's screen pops (HandoffStore, core/handoff.h). `id` names a handoff;
// `seq` orders changes (taken from handoff_counter inside the writing transaction, and SQLite
// has one writer at a time, so seqs become visible in order). handoffs_by_at serves the
// retention purge and the recent window, handoffs_by_user the link-activity update.
constexpr const char* kHandoffs = R"sql(
CREATE TABLE handoffs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  seq INTEGER NOT NULL UNIQUE,
  at_ms INTEGER NOT NULL,
  channel TEXT NOT NULL,
  call_id TEXT NOT NULL,
  contact_id TEXT NOT NULL DEFAULT '',
  queue TEXT NOT NULL DEFAULT '',
  acr TEXT NOT NULL,
  amr TEXT NOT NULL DEFAULT '',
  attestation TEXT NOT NULL DEFAULT '',
  user_id TEXT NOT NULL DEFAULT '',
  display_name TEXT NOT NULL DEFAULT '',
  level TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT '',
  caller_last4 TEXT NOT NULL DEFAULT '',
  jti TEXT NOT NULL DEFAULT '',
  token_check TEXT NOT NULL DEFAULT '',
  time_to_verdict_ms INTEGER NOT NULL DEFAULT -1,
  link TEXT NOT NULL DEFAULT '',
  link_at_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX handoffs_by_at ON handoffs (at_ms);
CREATE INDEX handoffs_by_user ON handoffs (user_id, at_ms);
CREATE TABLE handoff_counter (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO handoff_counter (name, value) VALUES ('seq', 0);
)sql";

// v15: what the operator console reads. The customers a caller's last digits name
// (CustomerStore::findByPhoneSuffix) through an index on the last four digits of the number, so a
// search reads the few rows sharing them, not the table; the newest SMS messages
// (SmsMessageStore::recent) without a sort.
constexpr const char* kConsoleOperator = R"sql(
CREATE INDEX customers_by_last4 ON customers (substr(phone, -4));
CREATE INDEX sms_messages_by_created ON sms_messages (created_at_ms, id);
)sql";

// Append only: a database's user_version counts how many of these it has applied.
constexpr const char* kMigrations[] = {kV1,          kCredentials, kActionGrants,   kMembers,
                                       kTokenStates, kSmsMessages, kVoiceSessions,  kClusterState,
                                       kCallbacks,   kContactAuth, kPinLockUntil,   kCustomerRegion,
                                       kStaff,       kHandoffs,    kConsoleOperator};

}  // namespace

std::span<const char* const> sqliteMigrations() { return kMigrations; }

}  // namespace callgate
