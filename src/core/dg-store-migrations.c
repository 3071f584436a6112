/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-store"

#include "config.h"

#include "dg-store-private.h"

/*
 * The database schema, one step per version. A released step is never edited:
 * a change is a new step at the end, so that dg_store_open() can upgrade any
 * older file in place (each step runs in its own transaction).
 */
static const DgStoreMigration migrations[] = {
  { 1, "initial schema",
    /* Instance-wide preferences (self-registration, default concurrency, ...). */
    "CREATE TABLE settings ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL"
    ");"
    /* Accounts in the cstore-auth-ts record format, kept verbatim in `record`;
     * the other columns are indexes over it. */
    "CREATE TABLE accounts ("
    "  username TEXT PRIMARY KEY,"
    "  record TEXT NOT NULL,"
    "  role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user')),"
    "  email TEXT,"
    "  deleted INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX accounts_email ON accounts (email);"
    /* Issued sessions, so that logout, deletion and role changes revoke at once. */
    "CREATE TABLE sessions ("
    "  id TEXT PRIMARY KEY,"
    "  username TEXT NOT NULL,"
    "  role TEXT NOT NULL,"
    "  issued_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  revoked_at INTEGER"
    ");"
    "CREATE INDEX sessions_username ON sessions (username);"
    /* External inference profiles per user; API keys only ever encrypted. */
    "CREATE TABLE inference_profiles ("
    "  id TEXT PRIMARY KEY,"
    "  owner TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  base_url TEXT,"
    "  path TEXT,"
    "  model TEXT,"
    "  api_key_encrypted TEXT,"
    "  active INTEGER NOT NULL DEFAULT 0,"
    "  position INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX inference_profiles_owner ON inference_profiles (owner, position);"
    /* Jobs: `base` and `details` hold the upstream job-base and job-details JSON
     * (what CStore/R1FS mirror); the columns are what we query and update. */
    "CREATE TABLE jobs ("
    "  id TEXT PRIMARY KEY,"
    "  owner TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN"
    "    ('queued', 'running', 'paused', 'succeeded', 'failed', 'cancelled')),"
    "  total_records INTEGER NOT NULL CHECK (total_records >= 0),"
    "  dataset_mode INTEGER NOT NULL DEFAULT 0,"
    "  draft_id TEXT UNIQUE,"
    "  base TEXT NOT NULL,"
    "  details TEXT NOT NULL,"
    "  run TEXT,"
    "  total_ok INTEGER NOT NULL DEFAULT 0,"
    "  total_failed INTEGER NOT NULL DEFAULT 0,"
    "  total_retries INTEGER NOT NULL DEFAULT 0,"
    "  prompt_tokens INTEGER NOT NULL DEFAULT 0,"
    "  completion_tokens INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  started_at TEXT,"
    "  finished_at TEXT"
    ");"
    "CREATE INDEX jobs_owner_updated ON jobs (owner, updated_at DESC);"
    "CREATE INDEX jobs_status ON jobs (status);"
    /* A peer's contiguous slice [range_start, range_end) of a job (upstream 7.2). */
    "CREATE TABLE job_slices ("
    "  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,"
    "  peer_id TEXT NOT NULL,"
    "  position INTEGER NOT NULL,"
    "  range_start INTEGER NOT NULL,"
    "  range_end INTEGER NOT NULL CHECK (range_end >= range_start),"
    "  generated_ok INTEGER NOT NULL DEFAULT 0,"
    "  generated_failed INTEGER NOT NULL DEFAULT 0,"
    "  state TEXT,"
    "  started_at TEXT,"
    "  finished_at TEXT,"
    "  last_update_at TEXT,"
    "  PRIMARY KEY (job_id, peer_id)"
    ");"
    /* One row per record index: stored exactly once, whatever crashes happen. */
    "CREATE TABLE records ("
    "  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,"
    "  idx INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),"
    "  data TEXT,"
    "  error TEXT,"
    "  attempts INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (job_id, idx)"
    ") WITHOUT ROWID;"
    /* Every model call made for a record, with its outcome. */
    "CREATE TABLE record_attempts ("
    "  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,"
    "  idx INTEGER NOT NULL,"
    "  attempt INTEGER NOT NULL,"
    "  outcome TEXT NOT NULL,"
    "  detail TEXT,"
    "  http_status INTEGER,"
    "  duration_ms INTEGER,"
    "  prompt_tokens INTEGER,"
    "  completion_tokens INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (job_id, idx, attempt)"
    ") WITHOUT ROWID;"
    /* The upstream metrics object, one counter per row. */
    "CREATE TABLE metrics ("
    "  name TEXT PRIMARY KEY,"
    "  value INTEGER NOT NULL DEFAULT 0"
    ");"
    "INSERT INTO metrics (name, value) VALUES"
    "  ('totalJobs', 0), ('totalRecordsRequested', 0), ('totalRecordsGenerated', 0),"
    "  ('activeJobs', 0), ('failedJobs', 0);"
    /* lastJobAt and other singular values live in settings under metrics.* keys. */
    /* Fixed-window counters (registration, resend, login); expired rows are purged. */
    "CREATE TABLE rate_limits ("
    "  key TEXT PRIMARY KEY,"
    "  count INTEGER NOT NULL,"
    "  window_end INTEGER NOT NULL"
    ");"
    /* Encrypted failed-delivery records of registration mails (upstream 10.4). */
    "CREATE TABLE mail_failures ("
    "  email TEXT PRIMARY KEY,"
    "  record TEXT NOT NULL"
    ");"
    /* Writes waiting to be mirrored to CStore / R1FS. */
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  kind TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  field TEXT,"
    "  value TEXT,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT,"
    "  next_attempt_at INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL"
    ");" },
  { 2, "record fingerprints for duplicate detection",
    /* A hash of the canonical record JSON lets the runner find exact duplicates
     * within a job without comparing whole documents. */
    "ALTER TABLE records ADD COLUMN fingerprint TEXT;"
    "CREATE INDEX records_fingerprint ON records (job_id, fingerprint)"
    "  WHERE fingerprint IS NOT NULL;" },
  { 3, "job run accounting and runner leases",
    /* Summed model time and duplicate count per job (run record); the lease says which
     * process runs a job, so a desktop app and a CLI on one database never both run it. */
    "ALTER TABLE jobs ADD COLUMN model_ms INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE jobs ADD COLUMN duplicates INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE jobs ADD COLUMN lease_owner TEXT;"
    "ALTER TABLE jobs ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;"
    /* Failed records are listed (job errors) and retried without scanning good ones. */
    "CREATE INDEX records_failed ON records (job_id, idx) WHERE status = 'failed';" },
  { 4, "where each inference profile's API key is kept",
    /* 'keyring': in the user's Secret Service (the row holds no key material);
     * 'database': encrypted in api_key_encrypted; NULL: no key. */
    "ALTER TABLE inference_profiles ADD COLUMN api_key_location TEXT"
    "  CHECK (api_key_location IN ('database', 'keyring'));"
    "UPDATE inference_profiles SET api_key_location = 'database'"
    "  WHERE api_key_encrypted IS NOT NULL;" },
};

const DgStoreMigration *
dg_store_migrations (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}
