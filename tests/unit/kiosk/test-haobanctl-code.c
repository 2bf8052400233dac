/* test-haobanctl-code.c — `haobanctl code verify` as a technician runs it: JSON verdicts
 * and exit codes, with a keys file or with the keys sync left in the store. */
#include "kiosk/hb-config.h"
#include "offline-cache/hb-store.h"
#include "common/hb-json.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

#define CORPUS_NOW "1795000000"

typedef struct {
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}

static char *
corpus (const char *name)
{
  return g_build_filename (hb_test_srcdir (), "tests", "data", "offline-codes", name, NULL);
}

static char *
corpus_code (const char *name)
{
  g_autofree char *file = g_strconcat ("cases/", name, ".code", NULL);
  g_autofree char *path = corpus (file);
  char *text = hb_test_read_file (path, NULL);
  g_assert_nonnull (text);
  return text;
}

/* data_dir: HAOBAN_DATA_DIR for the child (the store lives there). */
static Run
ctl (const char *data_dir, const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Run r = { 0 };

  g_ptr_array_add (argv, g_build_filename (hb_test_builddir (), "haobanctl", NULL));
  g_ptr_array_add (argv, g_strdup ("code"));
  for (const char *const *a = args; *a; a++)
    g_ptr_array_add (argv, g_strdup (*a));
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "HAOBAN_DATA_DIR", data_dir, TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &r.out, &r.err, &error));
  g_assert_no_error (error);
  r.status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  return r;
}

static void
assert_verdict (const Run *r, gboolean valid, const char *kind, const char *reason)
{
  g_autoptr(JsonObject) o = hb_json_parse_object (r->out, -1, 4096, 4, NULL);
  g_assert_nonnull (o);
  g_assert_cmpint (r->status, ==, valid ? 0 : 1);
  g_assert_cmpint (json_object_get_boolean_member (o, "valid"), ==, valid);
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, reason);
  if (kind)
    {
      g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, kind);
      g_assert_cmpint (json_object_get_int_member (o, "exp"), >, 0);
    }
  else
    {
      g_assert_true (json_object_get_null_member (o, "kind"));
      g_assert_true (json_object_get_null_member (o, "exp"));
    }
}

static void
test_with_a_keys_file (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("ctl-code");
  g_autofree char *keys = corpus ("keys.json");
  struct { const char *name; gboolean valid; const char *kind, *reason; } cases[] = {
    { "ok-person", TRUE, "person", "ok" },
    { "ok-enterprise", TRUE, "enterprise", "ok" },
    { "expired", FALSE, "person", "expired" },
    { "revoked-sub", FALSE, "person", "revoked" },
    { "tampered-payload", FALSE, "person", "bad-signature" },
    { "unknown-kid", FALSE, "person", "unknown-key" },
    { "not-yet-valid", FALSE, "person", "not-yet-valid" },
    { "non-json", FALSE, NULL, "malformed" },
    { "oversized", FALSE, NULL, "too-long" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = corpus_code (cases[i].name);
      const char *args[] = { "verify", "--keys", keys, "--now", CORPUS_NOW, text, NULL };
      Run r = ctl (dir, args);
      assert_verdict (&r, cases[i].valid, cases[i].kind, cases[i].reason);
      run_clear (&r);
    }
  hb_test_rmdir (dir);
}

/* Without --keys: the document sync kept in the store; none yet means unknown-key. */
static void
test_with_the_synced_keys (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("ctl-code");
  g_autofree char *text = corpus_code ("ok-place");
  const char *args[] = { "verify", "--now", CORPUS_NOW, text, NULL };
  g_autoptr(GError) error = NULL;
  Run r = ctl (dir, args);

  assert_verdict (&r, FALSE, "place", "unknown-key");
  run_clear (&r);

  {
    g_autofree char *keys_path = corpus ("keys.json");
    gsize len = 0;
    g_autofree char *doc = hb_test_read_file (keys_path, &len);
    g_autoptr(HbConfig) config = NULL;
    g_autoptr(HbStore) store = NULL;
    g_autofree char *db = NULL, *key = NULL;

    g_setenv ("HAOBAN_DATA_DIR", dir, TRUE);
    config = hb_config_load (NULL, &error);
    g_assert_no_error (error);
    db = hb_config_dup_db_path (config);
    key = hb_config_dup_key_path (config);
    store = hb_store_open (db, key, &error);
    g_assert_no_error (error);
    g_assert_true (hb_store_set_keys_document (store, doc, len, &error));
    g_assert_no_error (error);
    g_unsetenv ("HAOBAN_DATA_DIR");
  }
  r = ctl (dir, args);
  assert_verdict (&r, TRUE, "place", "ok");
  run_clear (&r);
  hb_test_rmdir (dir);
}

static void
test_usage_and_failures (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("ctl-code");
  g_autofree char *missing = g_build_filename (dir, "no-such-keys.json", NULL);
  g_autofree char *bad_keys = g_build_filename (dir, "bad-keys.json", NULL);
  const char *const usage[][6] = {
    { "verify", NULL },
    { "check", "HB1.x.y", NULL },
    { "verify", "--now", "yesterday", "HB1.x.y", NULL },
    { "verify", "--bogus", "HB1.x.y", NULL },
    { "verify", "HB1.a.b", "HB1.c.d", NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (usage); i++)
    {
      Run r = ctl (dir, usage[i]);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_cmpstr (r.out, ==, "");
      run_clear (&r);
    }

  const char *no_file[] = { "verify", "--keys", missing, "HB1.x.y", NULL };
  Run r = ctl (dir, no_file);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "keys"));
  run_clear (&r);

  g_assert_true (g_file_set_contents (bad_keys, "{\"keys\":[1]}", -1, NULL));
  const char *bad[] = { "verify", "--keys", bad_keys, "HB1.x.y", NULL };
  r = ctl (dir, bad);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "keys"));
  run_clear (&r);
  hb_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/haobanctl/code-verify/reports-each-verdict-with-a-keys-file", test_with_a_keys_file);
  g_test_add_func ("/kiosk/haobanctl/code-verify/uses-the-keys-synced-into-the-store", test_with_the_synced_keys);
  g_test_add_func ("/kiosk/haobanctl/code-verify/usage-errors-exit-2-failures-exit-1", test_usage_and_failures);
  return g_test_run ();
}
