// Internal to app/config: one reader per TOML table. Each reads its table's keys into the options
// of what the table configures, refusing unknown keys, wrong types, values out of range and words
// outside a closed set, every error naming the table and key; sub-tables ([sms.twilio]) are read
// by their parent's reader. Checks that need the flags or the environment (secrets, the
// issuer's default) run later, in loadConfig. Thread-safety: none needed (one parse at a time).
#pragma once

#include <map>
#include <string>

#include "app/config/config.h"
#include "app/config/toml_table_reader.h"

namespace callgate::app::detail {

// general_tables.cc
Status readServerTable(TableReader& t, Config& c);                // http, *_threads, drain_seconds
Status readStorageTable(TableReader& t, StorageConfig& storage);  // db or url, pool
Status readFlowsTable(TableReader& t, std::string& defaultFlow, std::string& dir);
Status readFunctionsTable(TableReader& t, std::map<std::string, std::string>& functionMap);
Status readLogTable(TableReader& t, LogLevel& level, std::string& file);  // level, file

// security_tables.cc
Status readSecurityTable(TableReader& t, Config& c);  // caller id trust, key files, PIN hashing
Status readOtpTable(TableReader& t, OtpConfig& otp);
Status readLinksTable(TableReader& t, Config& c);  // public_base_url, link TTL and limits
Status readAuditTable(TableReader& t, Config& c);  // checkpoint_every

// credentials_table.cc: [credentials] and [credentials.ldap]
Status readCredentialsTable(TableReader& t, CredentialsConfig& credentials);
Status readLdapTable(TableReader& t, LdapVerifierOptions& ldap);

// credentials_idp_tables.cc: [credentials.oidc] and [credentials.cognito]; then, in loadConfig,
// the secrets from the environment, the timeout, and (for the chosen verifier) the checks.
Status readOidcTable(TableReader& t, identity::OidcVerifierConfig& oidc);
Status readCognitoTable(TableReader& t, identity::CognitoVerifierConfig& cognito);
Status resolveOidcOptions(identity::OidcVerifierConfig& oidc, int timeoutMs, bool chosen);
Status resolveCognitoOptions(identity::CognitoVerifierConfig& cognito, int timeoutMs, bool chosen);

// tokens_table.cc
Status readTokensTable(TableReader& t, Config& c);
Status readOAuthTable(TableReader& t, std::map<std::string, std::string>& clients);
// After the flags: fills in the issuer's default (the links' base URL) and checks the issuer,
// audience, key file and OAuth clients.
Status validateTokens(TokenServiceOptions& tokens, const token::KeyRingOptions& keys,
                      const std::string& publicBaseUrl,
                      const std::map<std::string, std::string>& oauthClients);

// lambdas_table.cc: every [lambdas."ARN or name"] entry; AWS credentials fall back to
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.
Status readLambdasTable(TableReader& t, std::map<std::string, ExternalLambdaConfig>& lambdas);

// sms_table.cc
Status readSmsTable(TableReader& t, SmsConfig& sms);

// twilio_voice_table.cc
Status readTwilioTable(TableReader& t, twilio_voice::TwilioVoiceConfig& twilio);

// sip_table.cc
Status readSipTable(TableReader& t, sip_voice::SipChannelConfig& sip);

// speech_table.cc
Status readSpeechTable(TableReader& t, asr::SpeechOptions& speech);

// metrics_table.cc
Status readMetricsTable(TableReader& t, MetricsConfig& metrics);

// lex_table.cc
Status readLexTable(TableReader& t, LexConfig& lex);

// hours_table.cc: [hours.<name>] (weekly ranges, closed days, special days)
Status readHoursTable(TableReader& t, std::vector<HoursOfOperation>& hours);

// queues_table.cc: [queues.<name>] (after [hours], whose names a queue may use); [callbacks]
Status readQueuesTable(TableReader& t, RoutingConfig& routing);
Status readCallbacksTable(TableReader& t, CallbackLimits& limits);

}  // namespace callgate::app::detail
