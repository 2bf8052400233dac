/* Tests for kiosk/hb-staff-auth.c (+ offline-cache/hb-staff-store.c): PIN hashes, the
 * staff-card allow-list, the lockout and what each leaves behind. */
#include "kiosk/hb-staff-auth.h"
#include "kiosk/hb-staff-auth-private.h"
#include "offline-cache/hb-outbox.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

/* Cross-checked with a pure-Python PBKDF2 over hmac/sha256: PIN 20261128, salt 00..0f. */
#define VECTOR_PIN  "20261128"
#define VECTOR_HASH "pbkdf2-sha256$100000$AAECAwQFBgcICQoLDA0ODw==$6+os/VMaVGOHiAOb36Vt9O7B4lSDH2kxF9+AwbasZaM="

/* Iterations of the fixture's hashes (accepted only through the private test hook). */
#define FIXTURE_ITER   1000

#define STAFF_PIN      "73915604"
#define TECHNICIAN_PIN "58204719"
#define WRONG_PIN      "11112222"
/* Sample cards 4 and 5 (data/sample-cards.json), on data/sample-staff.json. */
#define STAFF_CARD      "810000199005120020"
#define TECHNICIAN_CARD "DEU310880315023"
#define RESIDENT_CARD   "310104198506151237"

/* Every log line the program wrote (the privacy test reads it). */
static GString *logged;

static GLogWriterOutput
capture_writer (GLogLevelFlags level, const GLogField *fields, gsize n, gpointer data)
{
  for (gsize i = 0; i < n; i++)
    if (g_str_equal (fields[i].key, "MESSAGE"))
      {
        if (fields[i].length < 0)
          g_string_append (logged, fields[i].value);
        else
          g_string_append_len (logged, fields[i].value, fields[i].length);
        g_string_append_c (logged, '\n');
      }
  return g_log_writer_default (level, fields, n, data);
}

/* ---- hashes ---- */

static void
test_known_pbkdf2_sha256_vector_verifies (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hb_staff_auth_validate_hash (VECTOR_HASH, &error));
  g_assert_no_error (error);
  g_assert_true (hb_staff_auth_verify_pin (VECTOR_PIN, VECTOR_HASH, &error));
  g_assert_no_error (error);
  g_assert_false (hb_staff_auth_verify_pin ("20261129", VECTOR_HASH, &error));
  g_assert_no_error (error);
  g_assert_false (hb_staff_auth_verify_pin ("2026112", VECTOR_HASH, &error));   /* too short */
  g_assert_no_error (error);
}

static void
test_hash_round_trips_with_a_fresh_salt (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = hb_staff_auth_hash_pin ("123456", 0, &error);
  g_autofree char *b = hb_staff_auth_hash_pin ("123456", HB_STAFF_PBKDF2_MIN_ITER, &error);
  g_auto(GStrv) parts = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (a);
  parts = g_strsplit (a, "$", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 4);
  g_assert_cmpstr (parts[0], ==, "pbkdf2-sha256");
  g_assert_cmpstr (parts[1], ==, G_STRINGIFY (HB_STAFF_PBKDF2_DEFAULT_ITER));
  g_assert_cmpuint (strlen (parts[2]), ==, 24);   /* 16 bytes */
  g_assert_cmpuint (strlen (parts[3]), ==, 44);   /* 32 bytes */
  g_assert_null (strstr (a, "123456"));
  g_assert_true (g_str_has_prefix (b, "pbkdf2-sha256$100000$"));
  g_assert_cmpstr (a, !=, b);
  g_assert_true (hb_staff_auth_validate_hash (a, NULL));
  g_assert_true (hb_staff_auth_verify_pin ("123456", a, NULL));
  g_assert_true (hb_staff_auth_verify_pin ("123456", b, NULL));
  g_assert_false (hb_staff_auth_verify_pin ("123457", b, NULL));
  g_assert_false (hb_staff_auth_verify_pin ("1234567", b, NULL));
}

static void
test_pins_that_are_not_6_to_12_digits_get_no_hash (void)
{
  const char *bad[] = { "", "12345", "1234567890123", "12345a", "12 3456", "１２３４５６", "-12345" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *h = hb_staff_auth_hash_pin (bad[i], 0, &error);
      g_assert_null (h);
      g_assert_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_INVALID);
    }
  g_autoptr(GError) error = NULL;
  g_autofree char *weak = hb_staff_auth_hash_pin ("123456", 1000, &error);
  g_assert_null (weak);
  g_assert_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_INVALID);
}

static void
test_malformed_hash_strings_are_rejected (void)
{
  const char *bad[] = {
    "", "123456", "pbkdf2-sha256", "pbkdf2-sha256$100000$AAECAwQFBgcICQoLDA0ODw==",
    "pbkdf2-sha1$100000$AAECAwQFBgcICQoLDA0ODw==$6+os/VMaVGOHiAOb36Vt9O7B4lSDH2kxF9+AwbasZaM=",
    "pbkdf2-sha256$99999$AAECAwQFBgcICQoLDA0ODw==$6+os/VMaVGOHiAOb36Vt9O7B4lSDH2kxF9+AwbasZaM=",
    "pbkdf2-sha256$10000001$AAECAwQFBgcICQoLDA0ODw==$6+os/VMaVGOHiAOb36Vt9O7B4lSDH2kxF9+AwbasZaM=",
    "pbkdf2-sha256$+100000$AAECAwQFBgcICQoLDA0ODw==$6+os/VMaVGOHiAOb36Vt9O7B4lSDH2kxF9+AwbasZaM=",
    "pbkdf2-sha256$1e5$AAECAwQFBgcICQoLDA0ODw==$6+os/VMaVGOHiAOb36Vt9O7B4lSDH2kxF9+AwbasZaM=",
    "pbkdf2-sha256$100000$AAECAwQFBgcICQoLDA0O$6+os/VMaVGOHiAOb36Vt9O7B4lSDH2kxF9+AwbasZaM=",
    "pbkdf2-sha256$100000$AAECAwQFBgcICQoLDA0OD*==$6+os/VMaVGOHiAOb36Vt9O7B4lSDH2kxF9+AwbasZaM=",
    "pbkdf2-sha256$100000$AAECAwQFBgcICQoLDA0ODw==$6+os/VMaVGOHiAOb36Vt9O7B4lSDH2kxF9+AwbasZa==",
    "pbkdf2-sha256$100000$AAECAwQFBgcICQoLDA0ODw==$6+os/VMaVGOHiAOb36Vt9O7B4lSDH2kxF9+AwbasZaM",
    "pbkdf2-sha256$100000$AAECAwQFBgcICQoLDA0ODw==$6+os/VMaVGOHiAOb36Vt9O7B4lSDH2kxF9+AwbasZaM=$",
    "pbkdf2-sha256$$AAECAwQFBgcICQoLDA0ODw==$6+os/VMaVGOHiAOb36Vt9O7B4lSDH2kxF9+AwbasZaM=",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      if (hb_staff_auth_validate_hash (bad[i], &error))
        g_error ("accepted hash %u", i);
      g_assert_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_INVALID);
      g_clear_error (&error);
      g_assert_false (hb_staff_auth_verify_pin (VECTOR_PIN, bad[i], &error));
      g_assert_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_INVALID);
    }
}

static char *staff_hash, *technician_hash;   /* made once, cheap: see FIXTURE_ITER */

static void
test_the_real_floor_refuses_cheap_hashes (void)
{
  g_autoptr(GError) error = NULL;
  g_assert_false (hb_staff_auth_validate_hash (staff_hash, &error));
  g_assert_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "100000"));
}

static void
test_config_refuses_a_pin_in_clear (void)
{
  g_autoptr(HbConfig) config = hb_config_new ();
  g_autoptr(GError) error = NULL;
  const char *clear = "[maintenance]\nstaff_pin_hash = 739156\n";
  g_autofree char *good = g_strdup_printf ("[maintenance]\ntechnician_pin_hash = %s\n",
                                           VECTOR_HASH);

  g_assert_false (hb_config_merge_data (config, clear, strlen (clear), "test.conf", &error));
  g_assert_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (error->message, "staff_pin_hash"));
  g_assert_null (strstr (error->message, "739156"));
  g_assert_null (hb_config_get_string (config, "maintenance", "staff_pin_hash"));
  g_clear_error (&error);
  g_assert_true (hb_config_merge_data (config, good, strlen (good), "test.conf", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hb_config_get_string (config, "maintenance", "technician_pin_hash"), ==,
                   VECTOR_HASH);
}

/* ---- the gate ---- */

typedef struct {
  char      *dir;
  char      *db, *key;
  HbConfig  *config;
  HbStore   *store;
  HbAudit   *audit;
  HbStaffAuth *auth;
  gint64     now;
} Fixture;


static gint64
fixture_clock (gpointer data)
{
  return ((Fixture *) data)->now;
}

static void
fixture_open (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  f->store = hb_store_open (f->db, f->key, &error);
  g_assert_no_error (error);
  f->audit = hb_audit_new (f->store);
  f->auth = hb_staff_auth_new (f->config, f->store, f->audit);
  hb_staff_auth_set_clock (f->auth, fixture_clock, f);
}

static void
fixture_close (Fixture *f)
{
  g_clear_object (&f->auth);
  g_clear_object (&f->audit);
  g_clear_object (&f->store);
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  f->dir = hb_test_mkdtemp ("staff-auth");
  f->db = g_build_filename (f->dir, "haoban.db", NULL);
  f->key = g_build_filename (f->dir, "store.key", NULL);
  f->config = hb_config_new ();
  f->now = 1800000000;
  hb_staff_auth_set_min_iterations (FIXTURE_ITER);
  g_assert_true (hb_config_set (f->config, "maintenance", "staff_pin_hash", staff_hash, &error));
  g_assert_true (hb_config_set (f->config, "maintenance", "technician_pin_hash", technician_hash,
                                &error));
  g_assert_no_error (error);
  fixture_open (f);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  fixture_close (f);
  hb_staff_auth_set_min_iterations (0);
  g_clear_object (&f->config);
  hb_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->key);
}

static void store_sample_list (Fixture *f);

static HbStaffRole
check_pin (Fixture *f, const char *pin, char **staff_id, gint64 *retry, GError **error)
{
  return hb_staff_auth_check_pin (f->auth, pin, staff_id, retry, error);
}

static void
fail_pin (Fixture *f, guint times)
{
  for (guint i = 0; i < times; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 retry = -1;
      g_assert_cmpint (check_pin (f, WRONG_PIN, NULL, &retry, &error), ==, HB_STAFF_ROLE_NONE);
      g_assert_nonnull (error);
      g_assert_true (error->domain == HB_STAFF_AUTH_ERROR);
    }
}

/* Failures without a PBKDF2 run each (the count is shared by PINs and cards, and PBKDF2
 * is slow by design — very slow under the sanitizers). */
static void
fail_card (Fixture *f, guint times)
{
  for (guint i = 0; i < times; i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_cmpint (hb_staff_auth_check_card (f->auth, RESIDENT_CARD, NULL, NULL, &error), ==,
                       HB_STAFF_ROLE_NONE);
      g_assert_true (g_error_matches (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_UNKNOWN_CARD)
                     || g_error_matches (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_LOCKED));
    }
}

static void
test_right_pin_gives_its_role (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL, *id2 = NULL;
  gint64 retry = -1;

  g_assert_cmpint (check_pin (f, STAFF_PIN, &id, &retry, &error), ==, HB_STAFF_ROLE_STAFF);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "pin");
  g_assert_cmpint (retry, ==, 0);
  g_assert_cmpint (check_pin (f, TECHNICIAN_PIN, &id2, NULL, &error), ==,
                   HB_STAFF_ROLE_TECHNICIAN);
  g_assert_no_error (error);
  g_assert_cmpuint (hb_staff_auth_attempts_left (f->auth), ==, HB_STAFF_MAX_FAILURES);
}

typedef struct {
  gboolean     done;
  HbStaffRole  role;
  char        *staff_id;
  gint64       retry;
  GError      *error;
} AsyncResult;

static void
pin_checked (GObject *source, GAsyncResult *result, gpointer data)
{
  AsyncResult *r = data;
  r->role = hb_staff_auth_check_pin_finish (HB_STAFF_AUTH (source), result, &r->staff_id,
                                            &r->retry, &r->error);
  r->done = TRUE;
}

static void
card_checked (GObject *source, GAsyncResult *result, gpointer data)
{
  AsyncResult *r = data;
  r->role = hb_staff_auth_check_card_finish (HB_STAFF_AUTH (source), result, &r->staff_id,
                                             &r->retry, &r->error);
  r->done = TRUE;
}

static gboolean
is_done (gpointer data)
{
  return ((AsyncResult *) data)->done;
}

static void
test_async_pin_check_runs_off_the_main_thread (Fixture *f, gconstpointer data)
{
  AsyncResult ok = { 0 }, bad = { 0 };

  hb_staff_auth_check_pin_async (f->auth, TECHNICIAN_PIN, NULL, pin_checked, &ok);
  g_assert_false (ok.done);   /* PBKDF2 is not done on the caller's thread */
  g_assert_true (hb_test_wait_until (is_done, &ok, 30000));
  g_assert_no_error (ok.error);
  g_assert_cmpint (ok.role, ==, HB_STAFF_ROLE_TECHNICIAN);
  g_assert_cmpstr (ok.staff_id, ==, "pin");
  g_free (ok.staff_id);

  hb_staff_auth_check_pin_async (f->auth, WRONG_PIN, NULL, pin_checked, &bad);
  g_assert_true (hb_test_wait_until (is_done, &bad, 30000));
  g_assert_error (bad.error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_WRONG);
  g_assert_cmpint (bad.role, ==, HB_STAFF_ROLE_NONE);
  g_assert_null (bad.staff_id);
  g_assert_cmpuint (hb_staff_auth_attempts_left (f->auth), ==, HB_STAFF_MAX_FAILURES - 1);
  g_clear_error (&bad.error);
}

static void
test_no_pin_configured_is_not_counted (Fixture *f, gconstpointer data)
{
  g_autoptr(HbConfig) bare = hb_config_new ();
  g_autoptr(HbStaffAuth) auth = hb_staff_auth_new (bare, f->store, NULL);

  for (guint i = 0; i < HB_STAFF_MAX_FAILURES + 1; i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_cmpint (hb_staff_auth_check_pin (auth, STAFF_PIN, NULL, NULL, &error), ==,
                       HB_STAFF_ROLE_NONE);
      g_assert_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_NOT_CONFIGURED);
    }
  g_assert_cmpint (hb_staff_auth_locked_for (auth), ==, 0);
  g_assert_cmpuint (hb_staff_auth_attempts_left (auth), ==, HB_STAFF_MAX_FAILURES);
}

static void
test_five_wrong_pins_lock_with_retry_after (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 retry = -1;

  for (guint i = 1; i < HB_STAFF_MAX_FAILURES; i++)
    {
      g_assert_cmpint (check_pin (f, i == 2 ? "12" : WRONG_PIN, NULL, &retry, &error), ==,
                       HB_STAFF_ROLE_NONE);
      g_assert_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_WRONG);
      g_assert_cmpint (retry, ==, 0);
      g_assert_cmpuint (hb_staff_auth_attempts_left (f->auth), ==, HB_STAFF_MAX_FAILURES - i);
      g_clear_error (&error);
    }
  g_assert_cmpint (check_pin (f, WRONG_PIN, NULL, &retry, &error), ==, HB_STAFF_ROLE_NONE);
  g_assert_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_LOCKED);
  g_assert_cmpint (retry, ==, HB_STAFF_LOCKOUT_FIRST_S);
  g_assert_cmpint (hb_staff_auth_locked_for (f->auth), ==, HB_STAFF_LOCKOUT_FIRST_S);
  g_assert_cmpuint (hb_staff_auth_attempts_left (f->auth), ==, 0);
  g_clear_error (&error);

  /* While locked even the right PIN is refused, and the count shrinks with time. */
  f->now += 20;
  g_assert_cmpint (check_pin (f, STAFF_PIN, NULL, &retry, &error), ==, HB_STAFF_ROLE_NONE);
  g_assert_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_LOCKED);
  g_assert_cmpint (retry, ==, HB_STAFF_LOCKOUT_FIRST_S - 20);
  g_clear_error (&error);

  /* Over: the right PIN opens. */
  f->now += HB_STAFF_LOCKOUT_FIRST_S;
  g_assert_cmpint (hb_staff_auth_locked_for (f->auth), ==, 0);
  g_assert_cmpuint (hb_staff_auth_attempts_left (f->auth), ==, HB_STAFF_MAX_FAILURES);
  g_assert_cmpint (check_pin (f, STAFF_PIN, NULL, &retry, &error), ==, HB_STAFF_ROLE_STAFF);
  g_assert_no_error (error);
}

static void
test_the_next_lockout_is_longer_and_a_success_resets (Fixture *f, gconstpointer data)
{
  gint64 expected[] = { 60, 120, 240 };

  store_sample_list (f);
  for (guint round = 0; round < G_N_ELEMENTS (expected); round++)
    {
      fail_card (f, HB_STAFF_MAX_FAILURES);
      g_assert_cmpint (hb_staff_auth_locked_for (f->auth), ==, expected[round]);
      f->now += expected[round];
    }
  g_assert_cmpint (check_pin (f, TECHNICIAN_PIN, NULL, NULL, NULL), ==, HB_STAFF_ROLE_TECHNICIAN);
  fail_card (f, HB_STAFF_MAX_FAILURES);
  g_assert_cmpint (hb_staff_auth_locked_for (f->auth), ==, HB_STAFF_LOCKOUT_FIRST_S);

  /* The growth stops at the cap. */
  for (guint i = 0; i < 12; i++)
    g_assert_cmpint (hb_staff_auth_lockout_delay (i), <=, HB_STAFF_LOCKOUT_CAP_S);
  g_assert_cmpint (hb_staff_auth_lockout_delay (5), ==, 1920);
  g_assert_cmpint (hb_staff_auth_lockout_delay (6), ==, HB_STAFF_LOCKOUT_CAP_S);
  g_assert_cmpint (hb_staff_auth_lockout_delay (200), ==, HB_STAFF_LOCKOUT_CAP_S);
}

static void
test_a_lockout_survives_reopening_the_store (Fixture *f, gconstpointer data)
{
  store_sample_list (f);
  fail_card (f, HB_STAFF_MAX_FAILURES - 2);
  fail_pin (f, 1);
  fixture_close (f);
  fixture_open (f);
  g_assert_cmpuint (hb_staff_auth_attempts_left (f->auth), ==, 1);
  fail_card (f, 1);
  fixture_close (f);
  fixture_open (f);
  g_assert_cmpint (hb_staff_auth_locked_for (f->auth), ==, HB_STAFF_LOCKOUT_FIRST_S);

  /* A second handle on the same file (haobanctl next to the kiosk) sees it too, and an
   * unlock there opens it here. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HbStore) other = hb_store_open (f->db, f->key, &error);
    g_autoptr(HbStaffAuth) ctl = NULL;
    g_assert_no_error (error);
    ctl = hb_staff_auth_new (f->config, other, NULL);
    hb_staff_auth_set_clock (ctl, fixture_clock, f);
    g_assert_cmpint (hb_staff_auth_locked_for (ctl), ==, HB_STAFF_LOCKOUT_FIRST_S);
    g_assert_true (hb_staff_auth_unlock (ctl, "haobanctl", &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (hb_staff_auth_locked_for (f->auth), ==, 0);
  g_assert_cmpint (check_pin (f, STAFF_PIN, NULL, NULL, NULL), ==, HB_STAFF_ROLE_STAFF);
}

/* A clock set far back must not hold the gate shut for longer than the cap. */
static void
test_a_clock_set_back_does_not_lengthen_a_lockout (Fixture *f, gconstpointer data)
{
  store_sample_list (f);
  fail_card (f, HB_STAFF_MAX_FAILURES);
  f->now -= 10 * 24 * 3600;
  g_assert_cmpint (hb_staff_auth_locked_for (f->auth), ==, HB_STAFF_LOCKOUT_CAP_S);
}

/* ---- cards ---- */

static HbStaffAllowlist *
sample_allowlist (void)
{
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "data", "sample-staff.json", NULL);
  gsize len = 0;
  g_autofree char *text = hb_test_read_file (path, &len);
  g_autoptr(GError) error = NULL;
  HbStaffAllowlist *list;

  g_assert_nonnull (text);
  list = hb_staff_allowlist_parse (text, len, &error);
  g_assert_no_error (error);
  return list;
}

static void
test_the_sample_allowlist_names_sample_cards_4_and_5 (void)
{
  g_autoptr(HbStaffAllowlist) list = sample_allowlist ();
  g_autofree char *staff = hb_staff_auth_card_digest (STAFF_CARD);
  g_autofree char *tech = hb_staff_auth_card_digest (TECHNICIAN_CARD);
  gboolean seen_staff = FALSE, seen_tech = FALSE;

  /* SM3 of "810000199005120020" (openssl dgst -sm3). */
  g_assert_cmpstr (staff, ==, "305a286d270f9e609c0a9dbb91dfbc383574c19668603192ff6143c1676b1cc6");
  for (guint i = 0; i < list->entries->len; i++)
    {
      HbStaffEntry *e = list->entries->pdata[i];
      seen_staff |= g_str_equal (e->id_number_sm3, staff) && e->role == HB_STAFF_ROLE_STAFF;
      seen_tech |= g_str_equal (e->id_number_sm3, tech) && e->role == HB_STAFF_ROLE_TECHNICIAN;
    }
  g_assert_true (seen_staff);
  g_assert_true (seen_tech);
}

static void
test_card_digest_normalises_and_refuses_junk (void)
{
  g_autofree char *lower = hb_staff_auth_card_digest ("83000020010830004x");
  g_autofree char *upper = hb_staff_auth_card_digest ("83000020010830004X");
  const char *bad[] = { NULL, "", "12345", "31010419850615123 ", "310104-19850615123",
                        "310104198506151237310104198506151" };

  g_assert_nonnull (lower);
  g_assert_cmpstr (lower, ==, upper);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_null (hb_staff_auth_card_digest (bad[i]));
}

static void
store_sample_list (Fixture *f)
{
  g_autoptr(HbStaffAllowlist) list = sample_allowlist ();
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_staff_auth_store_allowlist (f->auth, list, &error));
  g_assert_no_error (error);
}

static void
test_a_card_on_the_allowlist_gives_its_role (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL, *id2 = NULL, *version = NULL;
  AsyncResult r = { 0 };
  guint n = 0;
  gint64 at = 0;

  store_sample_list (f);
  hb_staff_auth_get_allowlist_info (f->auth, &version, &n, &at);
  g_assert_cmpstr (version, ==, "sample-2026-11");
  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpint (at, ==, f->now);

  g_assert_cmpint (hb_staff_auth_check_card (f->auth, STAFF_CARD, &id, NULL, &error), ==,
                   HB_STAFF_ROLE_STAFF);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "S0012");

  hb_staff_auth_check_card_async (f->auth, TECHNICIAN_CARD, NULL, card_checked, &r);
  g_assert_true (hb_test_wait_until (is_done, &r, 30000));
  g_assert_no_error (r.error);
  g_assert_cmpint (r.role, ==, HB_STAFF_ROLE_TECHNICIAN);
  g_assert_cmpstr (r.staff_id, ==, "T0003");
  g_free (r.staff_id);

  /* Survives a restart offline. */
  fixture_close (f);
  fixture_open (f);
  g_assert_cmpint (hb_staff_auth_check_card (f->auth, STAFF_CARD, &id2, NULL, &error), ==,
                   HB_STAFF_ROLE_STAFF);
  g_assert_no_error (error);
}

static void
test_a_card_off_the_allowlist_is_a_failure (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 retry = -1;

  store_sample_list (f);
  g_assert_cmpint (hb_staff_auth_check_card (f->auth, RESIDENT_CARD, NULL, &retry, &error), ==,
                   HB_STAFF_ROLE_NONE);
  g_assert_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_UNKNOWN_CARD);
  g_assert_cmpuint (hb_staff_auth_attempts_left (f->auth), ==, HB_STAFF_MAX_FAILURES - 1);
  g_clear_error (&error);
  /* Cards and PINs share one count. */
  fail_pin (f, 1);
  fail_card (f, HB_STAFF_MAX_FAILURES - 3);
  g_assert_cmpint (hb_staff_auth_check_card (f->auth, "not-a-card", NULL, &retry, &error), ==,
                   HB_STAFF_ROLE_NONE);
  g_assert_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_LOCKED);
  g_assert_cmpint (retry, ==, HB_STAFF_LOCKOUT_FIRST_S);
  g_clear_error (&error);
  g_assert_cmpint (hb_staff_auth_check_card (f->auth, STAFF_CARD, NULL, NULL, &error), ==,
                   HB_STAFF_ROLE_NONE);
  g_assert_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_LOCKED);
}

static void
test_without_an_allowlist_a_card_is_not_counted (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < HB_STAFF_MAX_FAILURES + 1; i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_cmpint (hb_staff_auth_check_card (f->auth, STAFF_CARD, NULL, NULL, &error), ==,
                       HB_STAFF_ROLE_NONE);
      g_assert_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_NOT_CONFIGURED);
    }
  g_assert_cmpint (hb_staff_auth_locked_for (f->auth), ==, 0);
}

static void
test_a_new_allowlist_replaces_the_old_one (Fixture *f, gconstpointer data)
{
  g_autofree char *digest = hb_staff_auth_card_digest (RESIDENT_CARD);
  g_autofree char *doc = g_strdup_printf ("{\"version\":\"v2\",\"staff\":[{\"id\":\"S9\","
                                          "\"role\":\"technician\",\"id_number_sm3\":\"%s\"}]}",
                                          digest);
  g_autoptr(HbStaffAllowlist) list = hb_staff_allowlist_parse (doc, strlen (doc), NULL);
  g_autofree char *version = NULL;
  guint n = 0;

  store_sample_list (f);
  g_assert_nonnull (list);
  g_assert_true (hb_staff_auth_store_allowlist (f->auth, list, NULL));
  hb_staff_auth_get_allowlist_info (f->auth, &version, &n, NULL);
  g_assert_cmpstr (version, ==, "v2");
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (hb_staff_auth_check_card (f->auth, RESIDENT_CARD, NULL, NULL, NULL), ==,
                   HB_STAFF_ROLE_TECHNICIAN);
  g_assert_cmpint (hb_staff_auth_check_card (f->auth, STAFF_CARD, NULL, NULL, NULL), ==,
                   HB_STAFF_ROLE_NONE);
}

static void
test_allowlist_documents_that_are_not_valid_are_refused (void)
{
  const char *d = "305a286d270f9e609c0a9dbb91dfbc383574c19668603192ff6143c1676b1cc6";
  g_autofree char *dup = g_strdup_printf ("{\"version\":\"1\",\"staff\":[{\"id\":\"a\",\"role\":"
                                          "\"staff\",\"id_number_sm3\":\"%s\"},{\"id\":\"b\","
                                          "\"role\":\"staff\",\"id_number_sm3\":\"%s\"}]}", d, d);
  g_autofree char *role = g_strdup_printf ("{\"version\":\"1\",\"staff\":[{\"id\":\"a\",\"role\":"
                                           "\"admin\",\"id_number_sm3\":\"%s\"}]}", d);
  g_autofree char *id = g_strdup_printf ("{\"version\":\"1\",\"staff\":[{\"id\":\"a b\",\"role\":"
                                         "\"staff\",\"id_number_sm3\":\"%s\"}]}", d);
  const char *bad[] = {
    "", "[]", "{}", "{\"version\":\"1\"}", "{\"version\":1,\"staff\":[]}",
    "{\"version\":\"\",\"staff\":[]}", "{\"version\":\"a b\",\"staff\":[]}",
    "{\"version\":\"1\",\"staff\":{}}", "{\"version\":\"1\",\"staff\":[1]}",
    "{\"version\":\"1\",\"staff\":[{\"id\":\"a\",\"role\":\"staff\",\"id_number_sm3\":\"abc\"}]}",
    "{\"version\":\"1\",\"staff\":[{\"id\":\"a\",\"role\":\"staff\",\"id_number\":\"310104198506151237\"}]}",
    dup, role, id,
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HbStaffAllowlist) list = hb_staff_allowlist_parse (bad[i], strlen (bad[i]), &error);
      if (list)
        g_error ("accepted document %u", i);
      g_assert_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_INVALID);
      g_assert_null (strstr (error->message, "310104198506151237"));
    }

  /* Too many entries. */
  g_autoptr(GString) many = g_string_new ("{\"version\":\"1\",\"staff\":[");
  for (guint i = 0; i <= HB_STAFF_ALLOWLIST_MAX; i++)
    g_string_append_printf (many, "%s{\"id\":\"s%u\",\"role\":\"staff\",\"id_number_sm3\":\"%064x\"}",
                            i ? "," : "", i, i);
  g_string_append (many, "]}");
  g_autoptr(HbStaffAllowlist) none = hb_staff_allowlist_parse (many->str, many->len, NULL);
  g_assert_null (none);

  /* Upper-case hex is accepted and kept lower-case. */
  g_autofree char *upper = g_ascii_strup (d, -1);
  g_autofree char *ok = g_strdup_printf ("{\"version\":\"1\",\"staff\":[{\"id\":\"S-1_x\",\"role\":"
                                         "\"technician\",\"id_number_sm3\":\"%s\",\"name\":\"x\"}]}",
                                         upper);
  g_autoptr(HbStaffAllowlist) list = hb_staff_allowlist_parse (ok, strlen (ok), NULL);
  g_assert_nonnull (list);
  g_assert_cmpstr (((HbStaffEntry *) list->entries->pdata[0])->id_number_sm3, ==, d);
}

/* ---- what a lockout leaves behind ---- */

static void
test_failures_and_lockouts_are_audited_and_reported (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(HbOutbox) outbox = hb_outbox_new (f->store);
  guint failed = 0, lockouts = 0, logins = 0;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *body;

  g_assert_cmpint (check_pin (f, STAFF_PIN, NULL, NULL, NULL), ==, HB_STAFF_ROLE_STAFF);
  store_sample_list (f);
  fail_pin (f, 1);
  fail_card (f, HB_STAFF_MAX_FAILURES - 1);
  records = hb_audit_list (f->audit, 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    {
      HbAuditRecord *r = records->pdata[i];
      if (g_str_equal (r->action, "maintenance.login"))
        {
          logins++;
          g_assert_cmpstr (r->actor, ==, "staff:pin");
        }
      if (g_str_equal (r->action, "maintenance.login-failed"))
        {
          g_assert_cmpstr (r->actor, ==, "system");
          g_assert_cmpstr (r->subject, ==, failed == 0 ? "pin" : "card");
          failed++;
        }
      if (g_str_equal (r->action, "maintenance.lockout"))
        {
          lockouts++;
          g_assert_nonnull (strstr (r->detail, "60 s"));
        }
    }
  g_assert_cmpuint (logins, ==, 1);
  g_assert_cmpuint (failed, ==, HB_STAFF_MAX_FAILURES);
  g_assert_cmpuint (lockouts, ==, 1);

  items = hb_outbox_list (outbox, HB_OUTBOX_PENDING, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  /* A list leaves bodies out: look the item up. */
  g_autoptr(HbOutboxItem) item = hb_outbox_lookup (outbox, ((HbOutboxItem *) items->pdata[0])->key,
                                                   &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->kind, ==, "security-event");
  g_assert_cmpstr (item->path, ==, "/v1/security-events");
  g_assert_true (json_parser_load_from_data (parser, item->body, -1, NULL));
  body = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (body, "terminal_id"), ==, "SH-DEMO-0001");
  g_assert_cmpstr (json_object_get_string_member (body, "kind"), ==, "maintenance-lockout");
  g_assert_cmpint (json_object_get_int_member (body, "failures"), ==, HB_STAFF_MAX_FAILURES);
  g_assert_cmpint (json_object_get_int_member (body, "locked_for_s"), ==, HB_STAFF_LOCKOUT_FIRST_S);
  g_assert_cmpstr (json_object_get_string_member (body, "at"), ==, "2027-01-15T08:00:00Z");
  g_assert_nonnull (json_object_get_string_member (body, "idempotency_key"));
}

static gboolean
file_holds (const char *path, const char *needle)
{
  gsize len = 0;
  g_autofree char *data = NULL;
  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  return memmem (data, len, needle, strlen (needle)) != NULL;
}

static void
test_no_pin_or_card_number_in_logs_audit_or_store (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) records = NULL;
  const char *secrets[] = { STAFF_PIN, TECHNICIAN_PIN, WRONG_PIN, STAFF_CARD, RESIDENT_CARD };

  store_sample_list (f);
  g_string_truncate (logged, 0);
  g_assert_cmpint (check_pin (f, STAFF_PIN, NULL, NULL, NULL), ==, HB_STAFF_ROLE_STAFF);
  g_assert_cmpint (check_pin (f, TECHNICIAN_PIN, NULL, NULL, NULL), ==, HB_STAFF_ROLE_TECHNICIAN);
  g_assert_cmpint (hb_staff_auth_check_card (f->auth, STAFF_CARD, NULL, NULL, NULL), ==,
                   HB_STAFF_ROLE_STAFF);
  g_assert_cmpint (hb_staff_auth_check_card (f->auth, RESIDENT_CARD, NULL, NULL, NULL), ==,
                   HB_STAFF_ROLE_NONE);
  fail_pin (f, 1);
  fail_card (f, HB_STAFF_MAX_FAILURES - 2);
  g_assert_cmpint (hb_staff_auth_locked_for (f->auth), >, 0);
  g_assert_true (hb_staff_auth_unlock (f->auth, "haobanctl", NULL));

  g_assert_nonnull (strstr (logged->str, "locked for 60 s"));   /* the capture works */
  records = hb_audit_list (f->audit, 0, 0, NULL);
  g_assert_nonnull (records);
  g_assert_cmpuint (records->len, >=, 9);
  fixture_close (f);   /* everything on disk */
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);
      g_assert_null (strstr (logged->str, secrets[i]));
      g_assert_false (file_holds (f->db, secrets[i]));
      g_assert_false (file_holds (wal, secrets[i]));
      for (guint j = 0; j < records->len; j++)
        {
          HbAuditRecord *r = records->pdata[j];
          g_assert_null (strstr (r->actor, secrets[i]));
          g_assert_null (r->subject ? strstr (r->subject, secrets[i]) : NULL);
          g_assert_null (r->detail ? strstr (r->detail, secrets[i]) : NULL);
        }
    }
  fixture_open (f);
}

int
main (int argc, char **argv)
{
  int rc;

  logged = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  hb_test_init (&argc, &argv);
  /* The gate's tests check many PINs: cheap hashes (the hashing tests use real ones). */
  hb_staff_auth_set_min_iterations (FIXTURE_ITER);
  staff_hash = hb_staff_auth_hash_pin (STAFF_PIN, FIXTURE_ITER, NULL);
  technician_hash = hb_staff_auth_hash_pin (TECHNICIAN_PIN, FIXTURE_ITER, NULL);
  hb_staff_auth_set_min_iterations (0);
  g_assert_nonnull (staff_hash);
  g_assert_nonnull (technician_hash);

  g_test_add_func ("/kiosk/staff-auth/hash/known-pbkdf2-sha256-vector-verifies",
                   test_known_pbkdf2_sha256_vector_verifies);
  g_test_add_func ("/kiosk/staff-auth/hash/round-trips-with-a-fresh-salt",
                   test_hash_round_trips_with_a_fresh_salt);
  g_test_add_func ("/kiosk/staff-auth/hash/pins-that-are-not-6-to-12-digits-get-no-hash",
                   test_pins_that_are_not_6_to_12_digits_get_no_hash);
  g_test_add_func ("/kiosk/staff-auth/hash/malformed-hash-strings-are-rejected",
                   test_malformed_hash_strings_are_rejected);
  g_test_add_func ("/kiosk/staff-auth/hash/the-real-floor-refuses-cheap-hashes",
                   test_the_real_floor_refuses_cheap_hashes);
  g_test_add_func ("/kiosk/staff-auth/hash/config-refuses-a-pin-in-clear",
                   test_config_refuses_a_pin_in_clear);
#define ADD(path, func) \
  g_test_add ("/kiosk/staff-auth/" path, Fixture, NULL, setup, func, teardown)
  ADD ("pin/right-pin-gives-its-role", test_right_pin_gives_its_role);
  ADD ("pin/async-check-runs-off-the-main-thread", test_async_pin_check_runs_off_the_main_thread);
  ADD ("pin/no-pin-configured-is-not-counted", test_no_pin_configured_is_not_counted);
  ADD ("lockout/five-wrong-pins-lock-with-retry-after", test_five_wrong_pins_lock_with_retry_after);
  ADD ("lockout/the-next-lockout-is-longer-and-a-success-resets",
       test_the_next_lockout_is_longer_and_a_success_resets);
  ADD ("lockout/survives-reopening-the-store", test_a_lockout_survives_reopening_the_store);
  ADD ("lockout/a-clock-set-back-does-not-lengthen-it",
       test_a_clock_set_back_does_not_lengthen_a_lockout);
  g_test_add_func ("/kiosk/staff-auth/card/the-sample-allowlist-names-sample-cards-4-and-5",
                   test_the_sample_allowlist_names_sample_cards_4_and_5);
  g_test_add_func ("/kiosk/staff-auth/card/digest-normalises-and-refuses-junk",
                   test_card_digest_normalises_and_refuses_junk);
  ADD ("card/on-the-allowlist-gives-its-role", test_a_card_on_the_allowlist_gives_its_role);
  ADD ("card/off-the-allowlist-is-a-failure", test_a_card_off_the_allowlist_is_a_failure);
  ADD ("card/without-an-allowlist-is-not-counted", test_without_an_allowlist_a_card_is_not_counted);
  ADD ("card/a-new-allowlist-replaces-the-old-one", test_a_new_allowlist_replaces_the_old_one);
  g_test_add_func ("/kiosk/staff-auth/allowlist/documents-that-are-not-valid-are-refused",
                   test_allowlist_documents_that_are_not_valid_are_refused);
  ADD ("lockout/failures-and-lockouts-are-audited-and-reported",
       test_failures_and_lockouts_are_audited_and_reported);
  ADD ("privacy/no-pin-or-card-number-in-logs-audit-or-store",
       test_no_pin_or_card_number_in_logs_audit_or_store);
#undef ADD
  rc = g_test_run ();
  g_free (staff_hash);
  g_free (technician_hash);
  g_string_free (logged, TRUE);
  return rc;
}
