/* test-profile-prefill.c — 智能预填 and 企业登录 through the whole core against
 * platform-sim: after a card is read the platform's profile pre-fills the phone and address
 * of a form (offline the form still works, from the card alone), and goes with the visit;
 * a resident logs in for a business with its 统一社会信用代码 → business services, forms
 * pre-filled from the enterprise and the resident, and the platform receives the
 * application for the enterprise with who acted for it. Each refusal has its own error. */
#include "visit-fixture.h"
#include "kiosk/hb-enterprise-login.h"

#define JZZ_APPLY  "310000-GA-JZZ-0001"   /* 居住证申领: phone, address, email from the profile */
#define VAT        "310000-SW-SB-0206"    /* 增值税及附加税费申报: a business service */
#define HB_DEMO    "91310104MA1HB0AB09"   /* 张伟 (card 1) is its agent */
#define WEIYE      "91310106MA1FY2LQ7E"   /* 张伟 is its legal representative */
#define XIAODONG   "92310110MA1G5H6T4T"   /* 张伟 may not act for it */
#define BEIJING    "91110108MA01HB0ABC"   /* valid, registered outside Shanghai */

/* How many requests of this endpoint the platform received (GET /_sim/requests). */
static gint64
requests (Visit *v, const char *endpoint)
{
  long status = 0;
  g_autofree char *body = hb_test_sim_request (v->sim, "GET", "/_sim/requests", NULL, &status);
  g_autoptr(JsonObject) o = hb_json_parse_object (body, -1, 1 << 20, 8, NULL);
  g_assert_cmpint (status, ==, 200);
  g_assert_nonnull (o);
  return json_object_get_int_member (o, endpoint);
}

/* Nothing of the profile or the login reaches the log. */
static void
assert_log_lacks (const char *const *secrets)
{
  g_autofree char *log = hb_test_read_file (hb_log_get_path (), NULL);
  g_assert_nonnull (log);
  for (guint i = 0; secrets[i]; i++)
    if (strstr (log, secrets[i]))
      g_error ("the log holds \"%s\"", secrets[i]);
}

static gboolean
profile_settled (gpointer core)
{
  return !hb_core_is_fetching_profile (core);
}

static HbSession *
identify (Visit *v, guint sample)
{
  g_autofree char *n = g_strdup_printf ("%u", sample);
  g_free (visit_ctl (v, NULL, "sim", "card-insert", "--sample", n, NULL));
  visit_wait_state (v, HB_SESSION_IDENTIFIED);
  g_assert_true (hb_test_wait_until (profile_settled, v->core, 15000));
  return hb_core_get_session (v->core);
}

static HbForm *
choose (Visit *v, const char *code)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_core_choose_service (v->core, code, &error));
  g_assert_no_error (error);
  return hb_session_get_form (hb_core_get_session (v->core));
}

static void
test_the_profile_prefills_phone_and_address (Visit *v, gconstpointer data)
{
  HbSession *s = identify (v, 1);
  const HbPrefill *prefill = hb_session_get_prefill (s);
  g_assert_nonnull (prefill->profile);
  g_assert_nonnull (prefill->history);

  HbForm *form = choose (v, JZZ_APPLY);
  g_assert_true (hb_form_is_prefilled (form, "phone"));
  g_assert_true (hb_form_is_prefilled (form, "address"));
  g_assert_true (hb_form_is_prefilled (form, "email"));
  g_assert_cmpstr (hb_form_get_value (form, "phone"), ==,
                   json_object_get_string_member (prefill->profile, "phone"));
  g_assert_cmpuint (strlen (hb_form_get_value (form, "phone")), ==, 11);
  g_assert_cmpstr (hb_form_get_value (form, "address"), ==,
                   json_object_get_string_member (prefill->profile, "address"));
  g_assert_cmpint (requests (v, "profile"), ==, 1);
  const char *secrets[] = { hb_form_get_value (form, "phone"), hb_form_get_value (form, "address"),
                            hb_form_get_value (form, "email"), SAMPLE_ID, NULL };
  g_auto(GStrv) copies = g_strdupv ((char **) secrets);   /* the form goes with the visit */
  hb_session_wipe (hb_core_get_session (v->core), HB_WIPE_CANCELLED);
  assert_log_lacks ((const char *const *) copies);
}

static void
test_offline_the_form_is_made_from_the_card_alone (Visit *v, gconstpointer data)
{
  hb_test_sim_kill (v->sim);
  HbSession *s = identify (v, 1);
  g_assert_null (hb_session_get_prefill (s)->profile);
  HbForm *form = choose (v, JZZ_APPLY);
  g_assert_true (hb_form_is_prefilled (form, "name"));
  g_assert_false (hb_form_is_prefilled (form, "phone"));
  g_assert_null (hb_form_get_value (form, "phone"));
  /* the resident types it, and the form is fine */
  g_assert_true (hb_form_set_value (form, "phone", "13812345678"));
  g_autofree char *problem = hb_form_validate_field (form, "phone");
  g_assert_null (problem);
}

static void
test_a_profile_arriving_late_refills_an_untouched_form (Visit *v, gconstpointer data)
{
  /* The platform is slow: the service is chosen before the profile is there. */
  visit_fault (v, "{\"delay_ms\": 1500, \"times\": 3}");
  g_free (visit_ctl (v, NULL, "sim", "card-insert", "--sample", "1", NULL));
  StateWait w = { hb_core_get_session (v->core), HB_SESSION_IDENTIFIED };
  g_assert_true (hb_test_wait_until (state_reached, &w, 15000));
  g_assert_true (hb_core_is_fetching_profile (v->core));
  HbForm *early = choose (v, JZZ_APPLY);
  g_assert_false (hb_form_is_prefilled (early, "phone"));
  g_object_ref (early);   /* as a page showing it would */
  g_assert_true (hb_test_wait_until (profile_settled, v->core, 15000));

  HbForm *late = hb_session_get_form (hb_core_get_session (v->core));
  g_assert_true (late != early);
  g_assert_true (hb_form_is_prefilled (late, "phone"));
  g_assert_true (hb_form_is_prefilled (late, "name"));
  /* the old one still works for whoever holds it */
  g_assert_true (hb_form_is_prefilled (early, "name"));
  g_object_unref (early);
  g_assert_true (hb_session_get_form (hb_core_get_session (v->core)) == late);
  g_assert_true (hb_test_wait_until (licences_settled, v->core, 15000));
}

static void
test_a_form_being_edited_is_never_replaced (Visit *v, gconstpointer data)
{
  visit_fault (v, "{\"delay_ms\": 1500, \"times\": 3}");
  g_free (visit_ctl (v, NULL, "sim", "card-insert", "--sample", "1", NULL));
  StateWait w = { hb_core_get_session (v->core), HB_SESSION_IDENTIFIED };
  g_assert_true (hb_test_wait_until (state_reached, &w, 15000));
  HbForm *form = choose (v, JZZ_APPLY);
  g_assert_true (hb_form_set_value (form, "phone", "13900000000"));
  g_assert_true (hb_test_wait_until (profile_settled, v->core, 15000));
  g_assert_true (hb_session_get_form (hb_core_get_session (v->core)) == form);
  g_assert_cmpstr (hb_form_get_value (form, "phone"), ==, "13900000000");
  g_assert_true (hb_test_wait_until (licences_settled, v->core, 15000));
}

static void
test_the_profile_is_gone_after_the_visit (Visit *v, gconstpointer data)
{
  HbSession *s = identify (v, 1);
  g_assert_nonnull (hb_session_get_prefill (s)->profile);
  hb_session_wipe (s, HB_WIPE_CANCELLED);
  g_assert_null (hb_session_get_prefill (s)->profile);
  g_assert_null (hb_session_get_prefill (s)->history);
  g_assert_null (hb_session_get_prefill (s)->enterprise);
  g_assert_null (hb_session_get_agent (s));
  g_free (visit_ctl (v, NULL, "sim", "card-remove", NULL));

  /* A profile still on its way when the visit ends is not kept for the next one. */
  visit_fault (v, "{\"delay_ms\": 1000, \"times\": 3}");
  g_free (visit_ctl (v, NULL, "sim", "card-insert", "--sample", "2", NULL));
  StateWait w = { s, HB_SESSION_IDENTIFIED };
  g_assert_true (hb_test_wait_until (state_reached, &w, 15000));
  g_assert_true (hb_core_is_fetching_profile (v->core));
  hb_session_wipe (s, HB_WIPE_TIMEOUT);
  g_assert_false (hb_core_is_fetching_profile (v->core));
  hb_test_spin (1500);
  g_assert_null (hb_session_get_prefill (s)->profile);
}

/* --- 企业登录 --------------------------------------------------------------------- */

static void
logged_in_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Visit *v = data;
  v->ok = hb_core_login_enterprise_finish (HB_CORE (source), result, &v->error);
  v->done = TRUE;
}

static gboolean
login (Visit *v, const char *uscc)
{
  visit_reset_async (v);
  hb_core_login_enterprise_async (v->core, uscc, NULL, logged_in_cb, v);
  g_assert_true (hb_test_wait_until (async_done, v, 15000));
  return v->ok;
}

static gboolean
offers (Visit *v, const char *code)
{
  g_autoptr(GPtrArray) list = hb_core_list_services (v->core);
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (((HbCatalogEntry *) list->pdata[i])->code, code))
      return TRUE;
  return FALSE;
}

static void
test_a_resident_logs_in_for_a_business (Visit *v, gconstpointer data)
{
  HbSession *s = identify (v, 1);
  g_assert_true (offers (v, JZZ_APPLY));
  g_assert_false (offers (v, VAT));

  g_assert_true (login (v, HB_DEMO));
  g_assert_no_error (v->error);
  HbPerson *person = hb_session_get_person (s);
  g_assert_cmpint (hb_person_get_principal (person), ==, HB_PRINCIPAL_ENTERPRISE);
  g_assert_cmpstr (hb_person_get_enterprise_uscc (person), ==, HB_DEMO);
  g_assert_cmpstr (hb_person_get_enterprise_name (person), ==, "上海好办示范科技有限公司");
  g_assert_cmpstr (hb_session_get_agent_role (s), ==, "agent");
  g_assert_cmpstr (hb_person_get_id_number (hb_session_get_agent (s)), ==, SAMPLE_ID);
  /* the business's services now, not the resident's */
  g_assert_true (offers (v, VAT));
  g_assert_false (offers (v, JZZ_APPLY));
  /* a second login in the same visit is refused */
  g_assert_false (login (v, WEIYE));
  g_assert_error (v->error, HB_CORE_ERROR, HB_CORE_ERROR_STATE);

  HbForm *form = choose (v, VAT);
  g_assert_cmpstr (hb_form_get_value (form, "org_name"), ==, "上海好办示范科技有限公司");
  g_assert_cmpstr (hb_form_get_value (form, "uscc"), ==, HB_DEMO);
  g_assert_cmpstr (hb_form_get_value (form, "legal_rep"), ==, "王晓明");
  g_assert_cmpstr (hb_form_get_value (form, "contact_name"), ==, "张伟");   /* the agent */
  g_assert_true (hb_form_is_prefilled (form, "org_name"));
  g_assert_true (hb_form_is_prefilled (form, "contact_phone"));              /* their profile */
  g_assert_true (hb_form_set_value (form, "start_date", "2026-10-01"));
  g_assert_true (hb_form_set_value (form, "end_date", "2026-10-31"));

  const HbSubmission *sub = visit_submit (v);
  g_assert_nonnull (sub->case_number);
  g_autoptr(JsonArray) apps = visit_platform_list (v, "/_sim/applications");
  g_assert_cmpuint (json_array_get_length (apps), ==, 1);
  JsonObject *body = json_object_get_object_member (json_array_get_object_element (apps, 0), "body");
  JsonObject *applicant = json_object_get_object_member (body, "applicant");
  JsonObject *agent = json_object_get_object_member (body, "agent");
  g_assert_cmpstr (json_object_get_string_member (body, "service_code"), ==, VAT);
  g_assert_cmpstr (json_object_get_string_member (applicant, "kind"), ==, "enterprise");
  g_assert_cmpstr (json_object_get_string_member (applicant, "uscc"), ==, HB_DEMO);
  g_assert_cmpstr (json_object_get_string_member (applicant, "name"), ==, "上海好办示范科技有限公司");
  g_assert_cmpstr (json_object_get_string_member (agent, "role"), ==, "agent");
  g_assert_cmpstr (json_object_get_string_member (agent, "id_number"), ==, SAMPLE_ID);
  g_assert_cmpstr (json_object_get_string_member (agent, "name"), ==, "张伟");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (body, "form"),
                                                  "org_name"), ==, "上海好办示范科技有限公司");

  visit_rate_and_finish (v, 5);
  const char *secrets[] = { SAMPLE_ID, "张伟", "王晓明", "漕溪北路88号9楼", NULL };
  assert_log_lacks (secrets);
  g_assert_null (hb_session_get_agent (s));
  g_assert_null (hb_session_get_prefill (s)->enterprise);
}

static void
test_the_legal_representative_logs_in_as_such (Visit *v, gconstpointer data)
{
  identify (v, 1);
  g_assert_true (login (v, WEIYE));
  g_assert_cmpstr (hb_session_get_agent_role (hb_core_get_session (v->core)), ==, "legal_rep");
}

static void
expect_refusal (Visit *v, const char *uscc, GQuark domain, int code)
{
  g_assert_false (login (v, uscc));
  g_assert_error (v->error, domain, code);
  /* the visit goes on for the resident */
  HbSession *s = hb_core_get_session (v->core);
  g_assert_cmpint (hb_session_get_state (s), ==, HB_SESSION_IDENTIFIED);
  g_assert_cmpint (hb_person_get_principal (hb_session_get_person (s)), ==, HB_PRINCIPAL_PERSON);
  g_assert_null (hb_session_get_agent (s));
}

static void
test_each_refusal_has_its_own_error (Visit *v, gconstpointer data)
{
  identify (v, 1);
  /* a wrong check character never leaves the terminal */
  expect_refusal (v, "91310104MA1HB0AB08", HB_ENTERPRISE_LOGIN_ERROR,
                  HB_ENTERPRISE_LOGIN_ERROR_INVALID_USCC);
  expect_refusal (v, "91310104MA1HB0AB", HB_ENTERPRISE_LOGIN_ERROR,
                  HB_ENTERPRISE_LOGIN_ERROR_INVALID_USCC);
  g_assert_cmpint (requests (v, "enterprises_login"), ==, 0);
  expect_refusal (v, BEIJING, HB_ENTERPRISE_LOGIN_ERROR, HB_ENTERPRISE_LOGIN_ERROR_UNKNOWN);
  expect_refusal (v, XIAODONG, HB_ENTERPRISE_LOGIN_ERROR, HB_ENTERPRISE_LOGIN_ERROR_NOT_AUTHORISED);
  visit_fault (v, "{\"status\": 500, \"times\": 1}");
  expect_refusal (v, HB_DEMO, HB_ENTERPRISE_LOGIN_ERROR, HB_ENTERPRISE_LOGIN_ERROR_FAILED);
  hb_test_sim_kill (v->sim);
  g_assert_false (login (v, HB_DEMO));
  g_assert_true (v->error->domain == G_IO_ERROR);
  g_assert_null (hb_session_get_agent (hb_core_get_session (v->core)));
}

static void
test_a_login_left_half_way_changes_nothing (Visit *v, gconstpointer data)
{
  HbSession *s = identify (v, 1);
  g_autoptr(GCancellable) cancel = g_cancellable_new ();

  /* The resident leaves the business page while the platform is slow to answer. */
  visit_fault (v, "{\"delay_ms\": 800, \"times\": 1}");
  visit_reset_async (v);
  hb_core_login_enterprise_async (v->core, HB_DEMO, cancel, logged_in_cb, v);
  g_cancellable_cancel (cancel);
  g_assert_true (hb_test_wait_until (async_done, v, 15000));
  g_assert_error (v->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  hb_test_spin (1200);   /* the platform's late answer changes nothing either */
  g_assert_null (hb_session_get_agent (s));
  g_assert_cmpint (hb_person_get_principal (hb_session_get_person (s)), ==, HB_PRINCIPAL_PERSON);

  /* and the resident may try again */
  g_assert_true (login (v, HB_DEMO));
  g_assert_nonnull (hb_session_get_agent (s));
}

static void
test_a_business_login_needs_an_identified_resident (Visit *v, gconstpointer data)
{
  /* nobody identified */
  g_assert_false (login (v, HB_DEMO));
  g_assert_error (v->error, HB_CORE_ERROR, HB_CORE_ERROR_STATE);
  /* in a service already */
  identify (v, 1);
  choose (v, JZZ_APPLY);
  g_assert_false (login (v, HB_DEMO));
  g_assert_error (v->error, HB_CORE_ERROR, HB_CORE_ERROR_STATE);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/integration/profile-prefill/" path, Visit, NULL, visit_setup, fn, visit_teardown)
  ADD ("the-profile-prefills-phone-and-address", test_the_profile_prefills_phone_and_address);
  ADD ("offline-the-form-is-made-from-the-card-alone", test_offline_the_form_is_made_from_the_card_alone);
  ADD ("a-profile-arriving-late-refills-an-untouched-form", test_a_profile_arriving_late_refills_an_untouched_form);
  ADD ("a-form-being-edited-is-never-replaced", test_a_form_being_edited_is_never_replaced);
  ADD ("the-profile-is-gone-after-the-visit", test_the_profile_is_gone_after_the_visit);
  ADD ("a-resident-logs-in-for-a-business", test_a_resident_logs_in_for_a_business);
  ADD ("the-legal-representative-logs-in-as-such", test_the_legal_representative_logs_in_as_such);
  ADD ("each-refusal-has-its-own-error", test_each_refusal_has_its_own_error);
  ADD ("a-login-left-half-way-changes-nothing", test_a_login_left_half_way_changes_nothing);
  ADD ("a-business-login-needs-an-identified-resident", test_a_business_login_needs_an_identified_resident);
  return g_test_run ();
}
