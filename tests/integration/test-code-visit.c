/* test-code-visit.c — visits that start with a 随申码: the offline code checked on the
 * terminal (also with the platform down), a business's code (法人) opening business
 * services, a place code showing the place, and a new offline code printed for a
 * resident. A whole terminal (HbCore, virtual devices, `haobanctl sim`) against
 * haoban-platform-sim on loopback. */
#include "visit-fixture.h"
#include "kiosk/hb-offline-code.h"

#define ENTERPRISE_SAMPLE "3"
#define PLACE_SAMPLE      "4"
#define DWCB_CODE         "310000-RS-DWCB-0021"

static gboolean
keys_synced (gpointer data)
{
  Visit *v = data;
  return hb_keyring_get_n_keys (hb_sync_get_keyring (hb_core_get_sync (v->core))) > 0;
}

/* The platform (sim test API) issues an offline code; body members as JSON text. */
static char *
mint (Visit *v, const char *members)
{
  long status = 0;
  g_autofree char *json = g_strdup_printf ("{%s}", members);
  g_autofree char *body = hb_test_sim_request (v->sim, "POST", "/_sim/codes/offline", json,
                                               &status);
  g_autoptr(JsonObject) obj = NULL;

  g_assert_cmpint (status, ==, 200);
  obj = hb_json_parse_object (body, -1, 64 * 1024, 8, NULL);
  g_assert_nonnull (obj);
  return g_strdup (json_object_get_string_member (obj, "code"));
}

static gboolean
revocations_synced (gpointer data)
{
  Visit *v = data;
  return hb_keyring_get_n_revoked (hb_sync_get_keyring (hb_core_get_sync (v->core))) > 0;
}

static gboolean
identify_failed (gpointer data)
{
  return ((Visit *) data)->identify_failed != NULL;
}

static void
test_offline_code_identifies_with_the_platform_down (Visit *v, gconstpointer data)
{
  g_autofree char *code = NULL;
  HbPerson *p;
  HbForm *form;
  g_autoptr(GError) error = NULL;

  g_assert_true (hb_test_wait_until (keys_synced, v, 15000));
  code = mint (v, "\"kind\":\"person\",\"sub\":\"P-7Q2M9X\",\"name\":\"张*\"");
  hb_test_sim_kill (v->sim);

  g_free (visit_ctl (v, NULL, "sim", "scan", code, NULL));
  visit_wait_state (v, HB_SESSION_IDENTIFIED);
  p = hb_session_get_person (hb_core_get_session (v->core));
  g_assert_cmpint (hb_person_get_source (p), ==, HB_IDENTITY_OFFLINE_CODE);
  g_assert_cmpint (hb_person_get_principal (p), ==, HB_PRINCIPAL_PERSON);
  g_assert_cmpstr (hb_person_get_subject (p), ==, "P-7Q2M9X");
  g_assert_false (hb_person_has_card_data (p));
  g_assert_null (v->identify_failed);

  /* The form leaves what only the card would know to the platform. */
  g_assert_true (hb_core_choose_service (v->core, JZZ_CODE, &error));
  g_assert_no_error (error);
  form = hb_session_get_form (hb_core_get_session (v->core));
  g_assert_true (hb_form_is_filled_by_platform (form, "id_number"));
  g_assert_true (hb_form_is_filled_by_platform (form, "name"));
}

static void
test_offline_code_application_names_the_subject (Visit *v, gconstpointer data)
{
  g_autofree char *code = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) apps = NULL;
  JsonObject *applicant;
  HbForm *form;

  g_assert_true (hb_test_wait_until (keys_synced, v, 15000));
  code = mint (v, "\"kind\":\"person\",\"sub\":\"P-7Q2M9X\",\"name\":\"张*\"");
  g_free (visit_ctl (v, NULL, "sim", "scan", code, NULL));
  visit_wait_state (v, HB_SESSION_IDENTIFIED);
  g_assert_true (hb_core_choose_service (v->core, JZZ_CODE, &error));
  form = hb_session_get_form (hb_core_get_session (v->core));
  g_assert_true (hb_form_set_value (form, "residence_address", "上海市徐汇区南宁路1号"));
  g_assert_true (hb_form_set_value (form, "phone", "13812345678"));
  visit_submit (v);
  g_assert_true (visit_wait_platform (v, "/_sim/applications", 1, 15000));

  apps = visit_platform_list (v, "/_sim/applications");
  applicant = json_object_get_object_member (
      json_object_get_object_member (json_array_get_object_element (apps, 0), "body"),
      "applicant");
  g_assert_cmpstr (json_object_get_string_member (applicant, "subject"), ==, "P-7Q2M9X");
  g_assert_cmpstr (json_object_get_string_member (applicant, "identified_by"), ==,
                   "offline_code");
  g_assert_false (json_object_has_member (applicant, "id_number"));
}

static void
test_expired_offline_code_is_explained (Visit *v, gconstpointer data)
{
  g_autofree char *code = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *members = g_strdup_printf (
      "\"kind\":\"person\",\"sub\":\"P-1\",\"name\":\"李*\",\"iat\":%" G_GINT64_FORMAT
      ",\"exp\":%" G_GINT64_FORMAT, now - 86400 * 200, now - 86400 * 35);

  g_assert_true (hb_test_wait_until (keys_synced, v, 15000));
  code = mint (v, members);
  g_free (visit_ctl (v, NULL, "sim", "scan", code, NULL));
  g_assert_true (hb_test_wait_until (identify_failed, v, 10000));
  g_assert_nonnull (strstr (v->identify_failed, "过期"));
  g_assert_cmpint (hb_session_get_state (hb_core_get_session (v->core)), ==, HB_SESSION_ATTRACT);
}

static void
test_tampered_offline_code_is_refused (Visit *v, gconstpointer data)
{
  g_autofree char *code = NULL;
  char *payload;

  g_assert_true (hb_test_wait_until (keys_synced, v, 15000));
  code = mint (v, "\"kind\":\"person\",\"sub\":\"P-1\",\"name\":\"李*\"");
  /* One character of the payload changed: the signature no longer matches. */
  payload = code + strlen (HB_OFFLINE_CODE_PREFIX) + 5;
  *payload = *payload == 'A' ? 'B' : 'A';
  g_free (visit_ctl (v, NULL, "sim", "scan", code, NULL));
  g_assert_true (hb_test_wait_until (identify_failed, v, 10000));
  g_assert_nonnull (strstr (v->identify_failed, "无法识别"));
  g_assert_cmpint (hb_session_get_state (hb_core_get_session (v->core)), ==, HB_SESSION_ATTRACT);
}

static void
test_revoked_offline_code_is_refused_after_the_next_sync (Visit *v, gconstpointer data)
{
  g_autofree char *code = NULL;
  long status = 0;
  g_autofree char *body = NULL;

  g_assert_true (hb_test_wait_until (keys_synced, v, 15000));
  code = mint (v, "\"kind\":\"person\",\"sub\":\"P-LOST\",\"name\":\"王*\"");
  body = hb_test_sim_request (v->sim, "POST", "/_sim/keys/revoke", "{\"sub\":\"P-LOST\"}",
                              &status);
  g_assert_cmpint (status, ==, 200);
  /* A restart pulls the keys (with the revocation) at once. */
  hb_core_stop (v->core);
  g_clear_object (&v->core);
  v->core = hb_core_new (v->config);
  g_signal_connect (v->core, "identify-failed", G_CALLBACK (on_identify_failed), v);
  g_assert_true (hb_core_start (v->core, NULL));
  g_assert_true (hb_test_wait_until (revocations_synced, v, 15000));

  g_free (visit_ctl (v, NULL, "sim", "scan", code, NULL));
  g_assert_true (hb_test_wait_until (identify_failed, v, 10000));
  g_assert_nonnull (strstr (v->identify_failed, "作废"));
}

static void
test_enterprise_code_opens_business_services (Visit *v, gconstpointer data)
{
  HbPerson *p;
  g_autoptr(GPtrArray) services = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) apps = NULL;
  JsonObject *applicant;
  HbForm *form;
  gboolean has_dwcb = FALSE;

  g_free (visit_ctl (v, NULL, "sim", "scan", "--sample", ENTERPRISE_SAMPLE, NULL));
  visit_wait_state (v, HB_SESSION_IDENTIFIED);
  p = hb_session_get_person (hb_core_get_session (v->core));
  g_assert_cmpint (hb_person_get_principal (p), ==, HB_PRINCIPAL_ENTERPRISE);
  g_assert_cmpstr (hb_person_get_enterprise_name (p), ==, "上海好办示范科技有限公司");

  /* Business services only: a resident's service is not offered to a company. */
  services = hb_core_list_services (v->core);
  g_assert_cmpuint (services->len, >, 0);
  for (guint i = 0; i < services->len; i++)
    {
      HbCatalogEntry *e = services->pdata[i];
      g_assert_true (e->audience & HB_AUDIENCE_ENTERPRISE);
      g_assert_cmpstr (e->code, !=, JZZ_CODE);
      has_dwcb |= g_str_equal (e->code, DWCB_CODE);
    }
  g_assert_true (has_dwcb);
  g_assert_false (hb_core_choose_service (v->core, JZZ_CODE, NULL));

  g_assert_true (hb_core_choose_service (v->core, DWCB_CODE, &error));
  g_assert_no_error (error);
  form = hb_session_get_form (hb_core_get_session (v->core));
  g_assert_cmpstr (hb_form_get_value (form, "org_name"), ==, "上海好办示范科技有限公司");
  g_assert_cmpstr (hb_form_get_value (form, "uscc"), ==, "91310104MA1HB0AB09");
  g_assert_true (hb_form_set_value (form, "phone", "13812345678"));
  visit_submit (v);
  g_assert_true (visit_wait_platform (v, "/_sim/applications", 1, 15000));
  apps = visit_platform_list (v, "/_sim/applications");
  applicant = json_object_get_object_member (
      json_object_get_object_member (json_array_get_object_element (apps, 0), "body"),
      "applicant");
  g_assert_cmpstr (json_object_get_string_member (applicant, "kind"), ==, "enterprise");
  g_assert_cmpstr (json_object_get_string_member (applicant, "uscc"), ==, "91310104MA1HB0AB09");
}

static void
test_residents_do_not_see_business_services (Visit *v, gconstpointer data)
{
  g_autoptr(GPtrArray) services = NULL;

  g_free (visit_ctl (v, NULL, "sim", "card-insert", "--sample", "1", NULL));
  visit_wait_state (v, HB_SESSION_IDENTIFIED);
  services = hb_core_list_services (v->core);
  g_assert_cmpuint (services->len, >, 0);
  for (guint i = 0; i < services->len; i++)
    g_assert_cmpstr (((HbCatalogEntry *) services->pdata[i])->code, !=, DWCB_CODE);
  g_assert_false (hb_core_choose_service (v->core, DWCB_CODE, NULL));
}

static void
on_place (HbCore *core, const HbPlace *place, HbPlace **out)
{
  hb_place_free (*out);
  *out = hb_place_copy (place);
}

static gboolean
place_seen (gpointer data)
{
  return *(HbPlace **) data != NULL;
}

static void
test_place_code_shows_the_place_without_a_visit (Visit *v, gconstpointer data)
{
  g_autoptr(HbPlace) place = NULL;

  g_signal_connect (v->core, "place-scanned", G_CALLBACK (on_place), &place);
  g_free (visit_ctl (v, NULL, "sim", "scan", "--sample", PLACE_SAMPLE, NULL));
  g_assert_true (hb_test_wait_until (place_seen, &place, 10000));
  g_assert_cmpstr (place->name, ==, "徐汇区行政服务中心");
  g_assert_nonnull (place->address);
  g_assert_nonnull (place->hours);
  g_assert_cmpint (hb_session_get_state (hb_core_get_session (v->core)), ==, HB_SESSION_ATTRACT);
  g_assert_null (v->identify_failed);
}

static void
test_resident_prints_a_new_offline_code (Visit *v, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *spool = NULL;
  g_autofree char *pdf_path = NULL;
  g_autofree char *pdf = NULL;
  gsize len = 0;

  g_free (visit_ctl (v, NULL, "sim", "card-insert", "--sample", "1", NULL));
  visit_wait_state (v, HB_SESSION_IDENTIFIED);
  g_assert_cmpuint (visit_print_offline_code (v, &error), >, 0);
  g_assert_no_error (error);

  spool = hb_config_dup_spool_dir (v->config);
  pdf_path = g_strdup_printf ("%s/job-%u.pdf", spool, v->job);
  g_assert_true (g_file_get_contents (pdf_path, &pdf, &len, NULL));
  g_assert_true (len > 4 && memcmp (pdf, "%PDF", 4) == 0);
  /* The session is still the resident's: printing does not end the visit. */
  g_assert_cmpint (hb_session_get_state (hb_core_get_session (v->core)), ==,
                   HB_SESSION_IDENTIFIED);
}

static void
test_offline_code_cannot_be_printed_offline (Visit *v, gconstpointer data)
{
  g_free (visit_ctl (v, NULL, "sim", "card-insert", "--sample", "1", NULL));
  visit_wait_state (v, HB_SESSION_IDENTIFIED);
  hb_test_sim_kill (v->sim);
  {
    g_autoptr(GError) error = NULL;
    g_assert_cmpuint (visit_print_offline_code (v, &error), ==, 0);
    g_assert_nonnull (error);
    g_assert_true (error->domain == G_IO_ERROR);
  }
}

static void
test_business_gets_no_offline_code (Visit *v, gconstpointer data)
{
  g_free (visit_ctl (v, NULL, "sim", "scan", "--sample", ENTERPRISE_SAMPLE, NULL));
  visit_wait_state (v, HB_SESSION_IDENTIFIED);
  {
    g_autoptr(GError) error = NULL;
    g_assert_cmpuint (visit_print_offline_code (v, &error), ==, 0);
    g_assert_error (error, HB_CORE_ERROR, HB_CORE_ERROR_STATE);
  }
}

#define ADD(path, fn) g_test_add (path, Visit, NULL, visit_setup, fn, visit_teardown)

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  ADD ("/integration/code-visit/offline-code-identifies-with-the-platform-down",
       test_offline_code_identifies_with_the_platform_down);
  ADD ("/integration/code-visit/offline-code-application-names-the-subject",
       test_offline_code_application_names_the_subject);
  ADD ("/integration/code-visit/expired-offline-code-is-explained",
       test_expired_offline_code_is_explained);
  ADD ("/integration/code-visit/tampered-offline-code-is-refused",
       test_tampered_offline_code_is_refused);
  ADD ("/integration/code-visit/revoked-offline-code-is-refused-after-the-next-sync",
       test_revoked_offline_code_is_refused_after_the_next_sync);
  ADD ("/integration/code-visit/enterprise-code-opens-business-services",
       test_enterprise_code_opens_business_services);
  ADD ("/integration/code-visit/residents-do-not-see-business-services",
       test_residents_do_not_see_business_services);
  ADD ("/integration/code-visit/place-code-shows-the-place-without-a-visit",
       test_place_code_shows_the_place_without_a_visit);
  ADD ("/integration/code-visit/resident-prints-a-new-offline-code",
       test_resident_prints_a_new_offline_code);
  ADD ("/integration/code-visit/offline-code-cannot-be-printed-offline",
       test_offline_code_cannot_be_printed_offline);
  ADD ("/integration/code-visit/business-gets-no-offline-code",
       test_business_gets_no_offline_code);
  return g_test_run ();
}
