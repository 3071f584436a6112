/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-accounts.h"
#include "dg-test-utils.h"

G_BEGIN_DECLS

/* 2024-01-01T00:00:00.000Z, the "now" of cstore-auth-ts' own unit tests. */
#define TEST_ACCOUNTS_EPOCH_MS G_GINT64_CONSTANT (1704067200000)

/* cstore-auth-ts' example record (ratio1-interop.md 4.2), pepper super-secret-pepper. */
#define ALICE_RECORD                                                                           \
  "{\"type\":\"simple\",\"password\":{\"algo\":\"argon2id\",\"hash\":\"s+myniHx29ZgD3X6TD6UW+"   \
  "KHvFAPdG+65q2D7ozhVWc=\",\"salt\":\"Ccf7SxLdyi4dtesX6CzKOA==\",\"version\":1,\"params\":{"    \
  "\"timeCost\":3,\"memoryCost\":65536,\"parallelism\":1,\"outputLen\":32}},\"role\":\"user\","   \
  "\"metadata\":{\"email\":\"alice@example.com\"},\"createdAt\":\"2024-01-01T00:00:00.000Z\","   \
  "\"updatedAt\":\"2024-01-01T00:00:00.000Z\"}"

#define ADMIN_SCRYPT_RECORD                                                                    \
  "{\"type\":\"simple\",\"password\":{\"algo\":\"scrypt\",\"hash\":\"e9x4Mqa3Z9xDJqN/"           \
  "50mVEeJYFOu0AeiokJhCYOxh0r0=\",\"salt\":\"xrzQsKY9dw58sAWBDK5aCw==\",\"version\":1,"          \
  "\"params\":{\"N\":32768,\"r\":8,\"p\":1,\"keyLength\":32}},\"role\":\"admin\",\"metadata\":{}," \
  "\"createdAt\":\"2024-01-01T00:00:00.000Z\",\"updatedAt\":\"2024-01-01T00:00:00.000Z\"}"

/* A private store and a pinned clock: every test that needs accounts over a local store. */
typedef struct
{
  DgTestDir *dir;
  DgStore *store;
  gint64 now_ms; /* starts at TEST_ACCOUNTS_EPOCH_MS */
} TestAccountsFixture;

void        test_accounts_fixture_setup    (TestAccountsFixture *f,
                                            gconstpointer        data);
void        test_accounts_fixture_teardown (TestAccountsFixture *f,
                                            gconstpointer        data);
/* Standalone (SQLite) accounts over @f's store, on @f's clock; either string may be NULL. */
DgAccounts *test_accounts_standalone    (TestAccountsFixture *f,
                                         const char          *pepper,
                                         const char          *bootstrap);
/* Writes @record straight into the accounts table, as another implementation would. */
void        test_accounts_put_raw       (TestAccountsFixture *f,
                                         const char          *username,
                                         const char          *record);
/* The stored record text of @username (NULL when missing). */
char       *test_accounts_get_raw       (TestAccountsFixture *f,
                                         const char          *username);

/* A pinned clock for createdAt/updatedAt: reads the gint64 at @user_data. */
gint64      test_accounts_clock         (gpointer    user_data);
/* Parses @json or fails the test. */
JsonObject *test_accounts_parse_object  (const char *json);

void        test_accounts_add_sqlite_tests (void);
void        test_accounts_add_async_tests  (void);
void        test_accounts_add_cstore_tests (void);
void        test_accounts_add_cli_tests    (void);

G_END_DECLS
