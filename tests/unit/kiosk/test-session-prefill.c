/* Tests for kiosk/hb-session.c's pre-fill sources and 企业登录 (hb_session_set_prefill,
 * hb_session_act_for_enterprise): copies held for the visit and wiped with it, a form made
 * again when the profile comes late but never while it is being edited, and a resident
 * acting for a business. */
#include "kiosk/hb-session.h"
#include "kiosk/hb-profile.h"
#include "kiosk-test-data.h"

#define JZZ_APPLY "310000-GA-JZZ-0001"   /* phone and address from the profile */
#define VAT       "310000-SW-SB-0206"    /* a business service */

typedef struct {
  HbSession *session;
  HbPerson  *person;
} Fixture;

static void
setup (Fixture *fx, gconstpointer data)
{
  fx->session = hb_session_new (600, 30);
  fx->person = kt_person (1);
}

static void
teardown (Fixture *fx, gconstpointer data)
{
  g_clear_object (&fx->session);
  g_clear_object (&fx->person);
}

static JsonObject *
profile (const char *phone)
{
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "phone", phone);
  json_object_set_string_member (o, "address", "上海市徐汇区漕溪北路88号");
  json_object_set_null_member (o, "employer");
  return o;
}

static void
test_sources_are_copied_and_go_with_the_visit (Fixture *fx, gconstpointer data)
{
  g_autoptr(JsonObject) mine = profile ("13812345678");
  HbPrefill sources = { mine, NULL, NULL };

  /* No visit: nothing is kept. */
  hb_session_set_prefill (fx->session, &sources);
  g_assert_null (hb_session_get_prefill (fx->session)->profile);

  g_assert_true (hb_session_identify (fx->session, fx->person));
  hb_session_set_prefill (fx->session, &sources);
  /* The caller wipes its own: the session's copy is unharmed. */
  hb_json_object_wipe (mine);
  JsonObject *kept = hb_session_get_prefill (fx->session)->profile;
  g_assert_cmpstr (json_object_get_string_member (kept, "phone"), ==, "13812345678");
  g_assert_false (json_object_has_member (kept, "employer"));
  g_assert_null (hb_session_get_prefill (fx->session)->history);

  /* NULL members keep what is there. */
  g_autoptr(JsonObject) history = json_object_new ();
  json_object_set_string_member (history, "pickup", "print");
  HbPrefill more = { NULL, history, NULL };
  hb_session_set_prefill (fx->session, &more);
  g_assert_nonnull (hb_session_get_prefill (fx->session)->profile);
  g_assert_nonnull (hb_session_get_prefill (fx->session)->history);

  hb_session_wipe (fx->session, HB_WIPE_TIMEOUT);
  g_assert_null (hb_session_get_prefill (fx->session)->profile);
  g_assert_null (hb_session_get_prefill (fx->session)->history);
}

static void
test_a_late_profile_remakes_an_untouched_form (Fixture *fx, gconstpointer data)
{
  g_autoptr(HbService) service = kt_service (JZZ_APPLY);
  g_autoptr(JsonObject) p = profile ("13812345678");
  HbPrefill sources = { p, NULL, NULL };

  g_assert_true (hb_session_identify (fx->session, fx->person));
  g_assert_true (hb_session_begin_service (fx->session, service));
  HbForm *first = hb_session_get_form (fx->session);
  g_assert_false (hb_form_is_prefilled (first, "phone"));
  g_assert_true (hb_session_get_form (fx->session) == first);   /* nothing new: same form */

  hb_session_set_prefill (fx->session, &sources);
  HbForm *second = hb_session_get_form (fx->session);
  g_assert_true (second != first);
  g_assert_cmpstr (hb_form_get_value (second, "phone"), ==, "13812345678");
  g_assert_true (hb_form_is_prefilled (second, "phone"));
  g_assert_true (hb_form_is_prefilled (second, "name"));

  /* Edited: a newer profile leaves it alone. */
  g_assert_true (hb_form_set_value (second, "phone", "13900000000"));
  g_autoptr(JsonObject) newer = profile ("13700000000");
  HbPrefill again = { newer, NULL, NULL };
  hb_session_set_prefill (fx->session, &again);
  g_assert_true (hb_session_get_form (fx->session) == second);
  g_assert_cmpstr (hb_form_get_value (second, "phone"), ==, "13900000000");
}

static HbPerson *
enterprise (void)
{
  return hb_person_new_enterprise (NULL, "上海好办示范科技有限公司", "91310104MA1HB0AB09", "王*明",
                                   HB_IDENTITY_ID_CARD);
}

static void
test_a_resident_acts_for_a_business (Fixture *fx, gconstpointer data)
{
  g_autoptr(HbPerson) company = enterprise ();
  g_autoptr(HbService) vat = kt_service (VAT);
  g_autoptr(JsonObject) e = json_object_new ();
  json_object_set_string_member (e, "name", "上海好办示范科技有限公司");
  json_object_set_string_member (e, "uscc", "91310104MA1HB0AB09");
  json_object_set_string_member (e, "legal_rep", "王晓明");
  HbPrefill sources = { profile ("15600000000"), NULL, e };

  /* Not before identification. */
  g_assert_false (hb_session_act_for_enterprise (fx->session, company, "agent"));
  g_assert_true (hb_session_identify (fx->session, fx->person));
  hb_session_set_prefill (fx->session, &sources);
  json_object_unref (sources.profile);
  g_assert_true (hb_session_act_for_enterprise (fx->session, company, "agent"));
  g_assert_true (hb_session_get_person (fx->session) == company);
  g_assert_true (hb_session_get_agent (fx->session) == fx->person);
  g_assert_cmpstr (hb_session_get_agent_role (fx->session), ==, "agent");
  /* once per visit */
  g_autoptr(HbPerson) other = enterprise ();
  g_assert_false (hb_session_act_for_enterprise (fx->session, other, "legal_rep"));

  /* The form takes the enterprise, and the resident as 经办人 with their own phone. */
  g_assert_true (hb_session_begin_service (fx->session, vat));
  HbForm *form = hb_session_get_form (fx->session);
  g_assert_cmpstr (hb_form_get_value (form, "org_name"), ==, "上海好办示范科技有限公司");
  g_assert_cmpstr (hb_form_get_value (form, "legal_rep"), ==, "王晓明");
  g_assert_cmpstr (hb_form_get_value (form, "contact_name"), ==, "张伟");
  g_assert_cmpstr (hb_form_get_value (form, "contact_phone"), ==, "15600000000");

  /* Out of the visit: the resident and the enterprise's details are wiped. */
  hb_session_wipe (fx->session, HB_WIPE_CANCELLED);
  g_assert_null (hb_session_get_agent (fx->session));
  g_assert_null (hb_session_get_agent_role (fx->session));
  g_assert_null (hb_session_get_prefill (fx->session)->enterprise);
  g_assert_true (hb_person_is_wiped (fx->person));
}

static void
test_only_a_resident_in_the_catalog_may_act_for_a_business (Fixture *fx, gconstpointer data)
{
  g_autoptr(HbPerson) company = enterprise ();
  g_autoptr(HbPerson) another = enterprise ();
  g_autoptr(HbService) service = kt_service (JZZ_CODE);

  /* a business identified by its own code acts for no one */
  g_assert_true (hb_session_identify (fx->session, company));
  g_assert_false (hb_session_act_for_enterprise (fx->session, another, "agent"));
  hb_session_wipe (fx->session, HB_WIPE_CANCELLED);

  /* a resident already in a service */
  g_assert_true (hb_session_identify (fx->session, fx->person));
  g_assert_true (hb_session_begin_service (fx->session, service));
  g_assert_false (hb_session_act_for_enterprise (fx->session, another, "agent"));
  /* a person is not a business */
  g_assert_true (hb_session_leave_service (fx->session));
  g_assert_false (hb_session_act_for_enterprise (fx->session, fx->person, "agent"));
  g_assert_null (hb_session_get_agent (fx->session));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/kiosk/session/" path, Fixture, NULL, setup, fn, teardown)
  ADD ("prefill/sources-are-copied-and-go-with-the-visit", test_sources_are_copied_and_go_with_the_visit);
  ADD ("prefill/a-late-profile-remakes-an-untouched-form", test_a_late_profile_remakes_an_untouched_form);
  ADD ("enterprise/a-resident-acts-for-a-business", test_a_resident_acts_for_a_business);
  ADD ("enterprise/only-a-resident-in-the-catalog-may-act-for-a-business",
       test_only_a_resident_in_the_catalog_may_act_for_a_business);
  return g_test_run ();
}
