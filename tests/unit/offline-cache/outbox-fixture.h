/* outbox-fixture.h — what the outbox and sync tests share: a fresh test folder with the
 * store's paths in it, the store and its outbox, and enqueue/lookup that must succeed.
 * Header-only (static inline). */
#pragma once

#include "offline-cache/hb-outbox.h"
#include "tests/common/hb-test-util.h"

/* A new test folder named after name, with haoban.db and store.key paths in it. */
static inline void
outbox_fixture_paths (const char *name, char **dir, char **db, char **key)
{
  *dir = hb_test_mkdtemp (name);
  *db = g_build_filename (*dir, "haoban.db", NULL);
  *key = g_build_filename (*dir, "store.key", NULL);
}

/* Removes the test folder and frees the paths. */
static inline void
outbox_fixture_free_paths (char *dir, char *db, char *key)
{
  hb_test_rmdir (dir);
  g_free (dir);
  g_free (db);
  g_free (key);
}

static inline HbStore *
outbox_fixture_open_store (const char *db, const char *key)
{
  g_autoptr(GError) error = NULL;
  HbStore *store = hb_store_open (db, key, &error);
  g_assert_no_error (error);
  return store;
}

static inline char *
outbox_fixture_enqueue (HbOutbox *outbox, const char *kind, const char *path, const char *body)
{
  g_autoptr(GError) error = NULL;
  char *key = hb_outbox_enqueue (outbox, kind, path, body, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  return key;
}

/* The item of key; asserts the lookup works and, if must_exist, that the item is there. */
static inline HbOutboxItem *
outbox_fixture_lookup (HbOutbox *outbox, const char *key, gboolean must_exist)
{
  g_autoptr(GError) error = NULL;
  HbOutboxItem *item = hb_outbox_lookup (outbox, key, &error);
  g_assert_no_error (error);
  if (must_exist)
    g_assert_nonnull (item);
  return item;
}
