/* Integration: whole visits through HbCore with virtual devices (driven by haobanctl)
 * against haoban-platform-sim — online, offline, and with the platform dying mid-visit.
 * The promise under test: every submission reaches the platform exactly once. */
#include "visit-fixture.h"

#include "kiosk/hb-samples.h"

#include <glib/gstdio.h>

static void
test_online_visit (Visit *v, gconstpointer data)
{
  const HbSubmission *s;
  g_autoptr(JsonArray) apps = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *spool = NULL, *pdf = NULL;
  g_autofree char *pdf_data = NULL;
  gsize pdf_len = 0;
  JsonObject *app;
  guint job;

  visit_identify_and_fill (v, 1);
  s = visit_submit (v);
  g_assert_false (s->queued);
  g_assert_nonnull (s->case_number);
  g_assert_true (g_str_has_prefix (s->case_number, "SH"));
  g_assert_cmpstr (s->reference, ==, s->case_number);
  g_assert_cmpint (hb_session_get_state (hb_core_get_session (v->core)), ==, HB_SESSION_DONE);

  /* The platform has exactly this application, with the answers. */
  apps = visit_platform_list (v, "/_sim/applications");
  g_assert_cmpuint (json_array_get_length (apps), ==, 1);
  app = json_array_get_object_element (apps, 0);
  g_assert_cmpstr (json_object_get_string_member (app, "case_number"), ==, s->case_number);
  g_assert_cmpstr (json_object_get_string_member (app, "idempotency_key"), ==, s->idempotency_key);
  g_assert_cmpstr (json_object_get_string_member (app, "service_code"), ==, JZZ_CODE);
  {
    JsonObject *body = json_object_get_object_member (app, "body");
    JsonObject *form = json_object_get_object_member (body, "form");
    JsonObject *applicant = json_object_get_object_member (body, "applicant");
    g_assert_cmpstr (json_object_get_string_member (form, "phone"), ==, "13812345678");
    g_assert_cmpstr (json_object_get_string_member (applicant, "id_number"), ==, SAMPLE_ID);
    g_assert_cmpstr (json_object_get_string_member (applicant, "name"), ==, "张伟");
  }

  /* The receipt reaches the (virtual) printer as a PDF. */
  job = visit_print (v, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (job, >, 0);
  spool = hb_config_dup_spool_dir (v->config);
  pdf = g_strdup_printf ("%s/job-%u.pdf", spool, job);
  g_assert_true (g_file_get_contents (pdf, &pdf_data, &pdf_len, NULL));
  g_assert_true (g_str_has_prefix (pdf_data, "%PDF-"));

  visit_rate_and_finish (v, 5);
  g_assert_true (visit_wait_platform (v, "/_sim/ratings", 1, 15000));
  {
    g_autoptr(JsonArray) ratings = visit_platform_list (v, "/_sim/ratings");
    JsonObject *r = json_object_get_object_member (json_array_get_object_element (ratings, 0), "body");
    g_assert_cmpint (json_object_get_int_member (r, "level"), ==, 5);
    g_assert_cmpstr (json_object_get_string_member (r, "case_number"), ==, json_object_get_string_member (app, "case_number"));
  }
}

static void
test_offline_visit_is_queued_then_delivered_once (Visit *v, gconstpointer data)
{
  const HbSubmission *s;
  g_autofree char *key = NULL, *reference = NULL;
  g_autoptr(JsonArray) apps = NULL;
  HbOutboxStats stats;

  visit_fault (v, "{\"status\":503}");
  visit_identify_and_fill (v, 1);
  s = visit_submit (v);
  g_assert_true (s->queued);
  g_assert_null (s->case_number);
  g_assert_true (g_str_has_prefix (s->reference, "HB"));
  key = g_strdup (s->idempotency_key);
  reference = g_strdup (s->reference);
  g_assert_true (hb_outbox_get_stats (hb_core_get_outbox (v->core), g_get_real_time () / G_USEC_PER_SEC, &stats, NULL));
  g_assert_cmpuint (stats.pending, ==, 1);
  g_assert_cmpint (hb_test_sim_count (v->sim, "/_sim/applications"), ==, 0);
  g_assert_false (hb_sync_get_reachable (hb_core_get_sync (v->core)));
  visit_rate_and_finish (v, 4);

  /* The platform comes back: the application (and the rating) arrive, once. */
  visit_fault (v, "{}");
  g_assert_true (visit_wait_platform (v, "/_sim/applications", 1, 20000));
  g_assert_true (visit_wait_platform (v, "/_sim/ratings", 1, 20000));
  hb_test_spin (1500);   /* further retries would show up as duplicates */
  apps = visit_platform_list (v, "/_sim/applications");
  g_assert_cmpuint (json_array_get_length (apps), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (apps, 0), "idempotency_key"), ==, key);
  g_assert_true (hb_outbox_get_stats (hb_core_get_outbox (v->core), g_get_real_time () / G_USEC_PER_SEC, &stats, NULL));
  g_assert_cmpuint (stats.pending, ==, 0);
  g_assert_cmpuint (stats.dead, ==, 0);
  g_assert_true (hb_sync_get_reachable (hb_core_get_sync (v->core)));
}

static void
test_platform_killed_mid_visit (Visit *v, gconstpointer data)
{
  const HbSubmission *s;
  g_autoptr(GError) error = NULL;

  visit_identify_and_fill (v, 1);
  hb_test_sim_kill (v->sim);            /* the platform vanishes while the resident types */
  s = visit_submit (v);
  g_assert_true (s->queued);
  visit_rate_and_finish (v, 5);

  /* A second resident while it is still down. */
  visit_identify_and_fill (v, 2);
  s = visit_submit (v);
  g_assert_true (s->queued);
  visit_rate_and_finish (v, 3);

  g_assert_true (hb_test_sim_restart (v->sim, &error));
  g_assert_no_error (error);
  g_assert_true (visit_wait_platform (v, "/_sim/applications", 2, 30000));
  hb_test_spin (1500);
  g_assert_cmpint (hb_test_sim_count (v->sim, "/_sim/applications"), ==, 2);
  g_assert_true (visit_wait_platform (v, "/_sim/ratings", 2, 20000));
  {
    g_autoptr(JsonArray) apps = visit_platform_list (v, "/_sim/applications");
    const char *k0 = json_object_get_string_member (json_array_get_object_element (apps, 0), "idempotency_key");
    const char *k1 = json_object_get_string_member (json_array_get_object_element (apps, 1), "idempotency_key");
    g_assert_cmpstr (k0, !=, k1);
  }
}

static void
test_lost_answer_is_not_a_duplicate (Visit *v, gconstpointer data)
{
  /* The platform records the application but the answer is lost (503): the terminal
   * retries, the platform replays, and there is still one application. */
  const HbSubmission *s;
  visit_fault (v, "{\"fail_after_commit\":true,\"times\":1}");
  visit_identify_and_fill (v, 1);
  s = visit_submit (v);
  g_assert_cmpint (hb_test_sim_count (v->sim, "/_sim/applications"), ==, 1);
  if (!s->queued)
    g_assert_true (g_str_has_prefix (s->case_number, "SH"));
  visit_rate_and_finish (v, 5);
  hb_test_spin (1000);
  g_assert_cmpint (hb_test_sim_count (v->sim, "/_sim/applications"), ==, 1);
}

static void
test_paper_out_fails_the_print (Visit *v, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *spool = hb_config_dup_spool_dir (v->config);
  guint job;

  visit_identify_and_fill (v, 1);
  visit_submit (v);
  g_free (visit_ctl (v, NULL, "sim", "paper-out", "on", NULL));
  job = visit_print (v, &error);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_USER);
  g_assert_cmpuint (job, ==, 0);
  {
    g_autoptr(GDir) d = g_dir_open (spool, 0, NULL);
    g_assert_null (d ? g_dir_read_name (d) : NULL);   /* nothing pretended to print */
  }
  g_clear_error (&error);
  g_free (visit_ctl (v, NULL, "sim", "paper-out", "off", NULL));
  job = visit_print (v, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (job, >, 0);
}

static void
test_code_identifies_online (Visit *v, gconstpointer data)
{
  HbPerson *p;
  g_free (visit_ctl (v, NULL, "sim", "scan", "--sample", "1", NULL));
  visit_wait_state (v, HB_SESSION_IDENTIFIED);
  p = hb_session_get_person (hb_core_get_session (v->core));
  g_assert_cmpint (hb_person_get_source (p), ==, HB_IDENTITY_CODE);
  g_assert_cmpstr (hb_person_get_id_number (p), ==, SAMPLE_ID);
}

static gboolean
identify_failed (gpointer data)
{
  return ((Visit *) data)->identify_failed != NULL;
}

static void
test_unknown_code_is_explained (Visit *v, gconstpointer data)
{
  g_free (visit_ctl (v, NULL, "sim", "scan", "SSM1:DEMO:NOSUCHCODE", NULL));
  g_assert_true (hb_test_wait_until (identify_failed, v, 10000));
  g_assert_nonnull (strstr (v->identify_failed, "无法识别"));
  g_assert_cmpint (hb_session_get_state (hb_core_get_session (v->core)), ==, HB_SESSION_ATTRACT);
}

static void
test_code_offline_points_to_the_id_card (Visit *v, gconstpointer data)
{
  hb_test_sim_kill (v->sim);
  g_free (visit_ctl (v, NULL, "sim", "scan", "--sample", "1", NULL));
  g_assert_true (hb_test_wait_until (identify_failed, v, 15000));
  g_assert_nonnull (strstr (v->identify_failed, "身份证"));
  g_assert_cmpint (hb_session_get_state (hb_core_get_session (v->core)), ==, HB_SESSION_ATTRACT);
}

static void
test_card_during_a_visit_is_ignored (Visit *v, gconstpointer data)
{
  visit_identify_and_fill (v, 1);
  g_free (visit_ctl (v, NULL, "sim", "card-insert", "--sample", "2", NULL));
  hb_test_spin (300);
  g_assert_cmpstr (hb_person_get_name (hb_session_get_person (hb_core_get_session (v->core))), ==, "张伟");
  g_assert_cmpint (hb_session_get_state (hb_core_get_session (v->core)), ==, HB_SESSION_IN_SERVICE);
}

/* Every kind of card goes through the real SAM engine of the virtual reader (encode in
 * the simulated module, frames over the paced pipe, decode) and identifies its holder. */
static void
test_every_sample_card_identifies_its_holder (Visit *v, gconstpointer data)
{
  const char *share = hb_config_get_share_dir (v->config);
  HbSession *session = hb_core_get_session (v->core);
  guint n = hb_samples_count (share, "cards");
  gboolean seen[HB_IDCARD_TYPE_FOREIGN_PERMANENT_2023 + 1] = { FALSE };

  g_assert_cmpuint (n, >=, 6);
  for (guint i = 1; i <= n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *arg = g_strdup_printf ("%u", i);
      g_autofree char *json = hb_samples_card_json (share, i, &error);
      g_autoptr(HbIdCard) want = NULL;
      HbPerson *person;

      g_assert_no_error (error);
      want = hb_idcard_new_from_json_data (json, -1, &error);
      g_assert_no_error (error);
      g_free (visit_ctl (v, NULL, "sim", "card-insert", "--sample", arg, NULL));
      visit_wait_state (v, HB_SESSION_IDENTIFIED);
      person = hb_session_get_person (session);
      g_assert_cmpint (hb_person_get_source (person), ==, HB_IDENTITY_ID_CARD);
      g_assert_cmpint (hb_person_get_card_type (person), ==, want->type);
      g_assert_cmpstr (hb_person_get_id_number (person), ==, want->id_number);
      g_assert_cmpstr (hb_person_get_name (person), ==, want->name);
      g_assert_cmpstr (hb_person_get_birth_date (person), ==, want->birth_date);
      seen[want->type] = TRUE;

      g_free (visit_ctl (v, NULL, "sim", "card-remove", NULL));
      hb_session_wipe (session, HB_WIPE_FINISHED);
      visit_wait_state (v, HB_SESSION_ATTRACT);
    }
  g_assert_true (seen[HB_IDCARD_TYPE_RESIDENT]);
  g_assert_true (seen[HB_IDCARD_TYPE_HMT_RESIDENCE]);
  g_assert_true (seen[HB_IDCARD_TYPE_FOREIGN_PERMANENT]);
  g_assert_true (seen[HB_IDCARD_TYPE_FOREIGN_PERMANENT_2023]);
}

static void
test_invalid_form_is_not_submitted (Visit *v, gconstpointer data)
{
  visit_identify_and_fill (v, 1);
  hb_form_set_value (hb_session_get_form (hb_core_get_session (v->core)), "phone", "123");
  visit_reset_async (v);
  hb_core_submit_async (v->core, NULL, submitted_cb, v);
  g_assert_true (hb_test_wait_until (async_done, v, 5000));
  g_assert_error (v->error, HB_CORE_ERROR, HB_CORE_ERROR_INVALID);
  g_assert_cmpint (hb_session_get_state (hb_core_get_session (v->core)), ==, HB_SESSION_IN_SERVICE);
  hb_test_spin (300);
  g_assert_cmpint (hb_test_sim_count (v->sim, "/_sim/applications"), ==, 0);
}

static void
test_status_json_tells_the_truth (Visit *v, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonObject) o = NULL;
  JsonArray *devices;
  JsonObject *outbox, *platform, *catalog;
  int status = -1;

  visit_fault (v, "{\"status\":503}");
  visit_identify_and_fill (v, 1);
  visit_submit (v);                           /* queued: one pending */
  visit_rate_and_finish (v, 5);               /* and a pending rating */
  g_free (visit_ctl (v, NULL, "sim", "unplug", "scanner", NULL));
  hb_test_spin (600);                         /* status.json is written debounced */
  out = visit_ctl (v, &status, "status", "--json", NULL);
  g_assert_cmpint (status, ==, 0);
  o = hb_json_parse_object (out, -1, 1 << 20, 32, NULL);
  g_assert_nonnull (o);
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (o, "kiosk"), "running"));
  devices = json_object_get_array_member (o, "devices");
  g_assert_cmpuint (json_array_get_length (devices), ==, 4);   /* … and the receipt printer */
  for (guint i = 0; i < 4; i++)
    {
      JsonObject *d = json_array_get_object_element (devices, i);
      const char *kind = json_object_get_string_member (d, "kind");
      const char *st = json_object_get_string_member (d, "status");
      g_assert_cmpstr (st, ==, g_str_equal (kind, "scanner") ? "no-device" : "online");
    }
  catalog = json_object_get_object_member (o, "catalog");
  g_assert_cmpstr (json_object_get_string_member (catalog, "version"), ==, "2026.11.27-2");
  outbox = json_object_get_object_member (o, "outbox");
  g_assert_cmpint (json_object_get_int_member (outbox, "pending"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (outbox, "oldest_pending_age_s"), >=, 0);
  platform = json_object_get_object_member (o, "platform");
  g_assert_false (json_object_get_boolean_member (platform, "reachable"));
  g_assert_cmpint (json_object_get_int_member (platform, "http_status"), ==, 503);

  visit_fault (v, "{}");
  g_assert_true (visit_wait_platform (v, "/_sim/applications", 1, 20000));
  g_free (out);
  out = visit_ctl (v, &status, "status", "--json", NULL);
  g_clear_pointer (&o, json_object_unref);
  o = hb_json_parse_object (out, -1, 1 << 20, 32, NULL);
  platform = json_object_get_object_member (o, "platform");
  g_assert_true (json_object_get_boolean_member (platform, "reachable"));
}

#define ADD(path, fn) g_test_add (path, Visit, NULL, visit_setup, fn, visit_teardown)

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  ADD ("/integration/visit/online-visit-gets-a-case-number-receipt-and-rating", test_online_visit);
  ADD ("/integration/visit/offline-visit-is-queued-then-delivered-exactly-once", test_offline_visit_is_queued_then_delivered_once);
  ADD ("/integration/visit/platform-killed-mid-visit-delivers-each-visit-once", test_platform_killed_mid_visit);
  ADD ("/integration/visit/lost-answer-is-retried-without-a-duplicate", test_lost_answer_is_not_a_duplicate);
  ADD ("/integration/visit/paper-out-fails-the-print-and-prints-nothing", test_paper_out_fails_the_print);
  ADD ("/integration/visit/suishenma-identifies-online", test_code_identifies_online);
  ADD ("/integration/visit/unknown-code-is-explained", test_unknown_code_is_explained);
  ADD ("/integration/visit/code-offline-points-to-the-id-card", test_code_offline_points_to_the_id_card);
  ADD ("/integration/visit/card-during-a-visit-is-ignored", test_card_during_a_visit_is_ignored);
  ADD ("/integration/visit/every-sample-card-identifies-its-holder", test_every_sample_card_identifies_its_holder);
  ADD ("/integration/visit/invalid-form-is-not-submitted", test_invalid_form_is_not_submitted);
  ADD ("/integration/visit/haobanctl-status-json-tells-the-truth", test_status_json_tells_the_truth);
  return g_test_run ();
}
