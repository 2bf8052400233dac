/* test-benefits.c — 免申即享 and 两个免于提交 through the whole core against platform-sim:
 * after the card is read, the benefits the resident gets without applying are listed, and
 * one tap confirms one as a case — a second tap is the same confirmation, never a second
 * grant; the resident's electronic licences arrive by themselves and go with the visit. */
#include "visit-fixture.h"
#include "kiosk/hb-benefits.h"

static void
identify (Visit *v, guint sample)
{
  g_autofree char *n = g_strdup_printf ("%u", sample);
  g_free (visit_ctl (v, NULL, "sim", "card-insert", "--sample", n, NULL));
  visit_wait_state (v, HB_SESSION_IDENTIFIED);
}

static void
listed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Visit *v = data;
  GPtrArray *list = hb_core_list_benefits_finish (HB_CORE (source), result, &v->error);
  v->ok = list != NULL;
  g_object_set_data_full (G_OBJECT (source), "test-benefits", list,
                          list ? (GDestroyNotify) g_ptr_array_unref : NULL);
  v->done = TRUE;
}

static GPtrArray *
list_benefits (Visit *v)
{
  visit_reset_async (v);
  hb_core_list_benefits_async (v->core, NULL, listed_cb, v);
  g_assert_true (hb_test_wait_until (async_done, v, 15000));
  return v->ok ? g_object_get_data (G_OBJECT (v->core), "test-benefits") : NULL;
}

static void
confirmed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Visit *v = data;
  char *case_number = hb_core_confirm_benefit_finish (HB_CORE (source), result, &v->error);
  v->ok = case_number != NULL;
  g_object_set_data_full (G_OBJECT (source), "test-case", case_number, g_free);
  v->done = TRUE;
}

static char *
confirm (Visit *v, const char *id)
{
  visit_reset_async (v);
  hb_core_confirm_benefit_async (v->core, id, NULL, confirmed_cb, v);
  g_assert_true (hb_test_wait_until (async_done, v, 15000));
  return g_strdup (g_object_get_data (G_OBJECT (v->core), "test-case"));
}

static void
test_an_elderly_resident_confirms_with_one_tap (Visit *v, gconstpointer data)
{
  identify (v, 2);   /* 李秀英, 74 */
  GPtrArray *list = list_benefits (v);
  g_assert_no_error (v->error);
  g_assert_nonnull (list);
  g_assert_cmpuint (list->len, >=, 1);
  HbBenefit *b = list->pdata[0];
  g_assert_cmpstr (b->id, ==, "elderly-nutrition");
  g_assert_cmpint (b->amount_fen, >, 0);
  g_autofree char *id = g_strdup (b->id);

  g_autofree char *first = confirm (v, id);
  g_assert_no_error (v->error);
  g_assert_nonnull (first);
  /* A second tap, same visit: the same case. */
  g_autofree char *again = confirm (v, id);
  g_assert_cmpstr (again, ==, first);
  /* The benefit now carries its case. */
  list = list_benefits (v);
  g_assert_cmpstr (((HbBenefit *) list->pdata[0])->case_number, ==, first);
}

static void
test_nothing_to_grant_is_an_empty_list_and_no_card_no_lookup (Visit *v, gconstpointer data)
{
  identify (v, 1);   /* 张伟, 41: nothing */
  GPtrArray *list = list_benefits (v);
  g_assert_no_error (v->error);
  g_assert_cmpuint (list->len, ==, 0);
  g_autofree char *none = confirm (v, "elderly-nutrition");
  g_assert_null (none);
  g_assert_error (v->error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);   /* not eligible */
  g_clear_error (&v->error);
}

static void
test_offline_the_list_fails_plainly (Visit *v, gconstpointer data)
{
  identify (v, 2);
  hb_test_sim_kill (v->sim);
  g_assert_null (list_benefits (v));
  g_assert_nonnull (v->error);
  g_clear_error (&v->error);
}

static gboolean
licences_known (gpointer data)
{
  return hb_core_get_licences (((Visit *) data)->core) != NULL;
}

static void
test_licences_arrive_after_identification_and_go_with_the_visit (Visit *v, gconstpointer data)
{
  g_assert_null (hb_core_get_licences (v->core));
  identify (v, 1);
  g_assert_true (hb_test_wait_until (licences_known, v, 10000));
  g_assert_true (g_strv_contains (hb_core_get_licences (v->core), "id_card"));
  hb_session_wipe (hb_core_get_session (v->core), HB_WIPE_CANCELLED);
  g_assert_null (hb_core_get_licences (v->core));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/integration/benefits/" path, Visit, NULL, \
                                  visit_setup, fn, visit_teardown)
  ADD ("an-elderly-resident-confirms-with-one-tap", test_an_elderly_resident_confirms_with_one_tap);
  ADD ("nothing-to-grant-is-an-empty-list-and-a-confirm-is-refused",
       test_nothing_to_grant_is_an_empty_list_and_no_card_no_lookup);
  ADD ("offline-the-list-fails-plainly", test_offline_the_list_fails_plainly);
  ADD ("licences-arrive-after-identification-and-go-with-the-visit",
       test_licences_arrive_after_identification_and_go_with_the_visit);
  return g_test_run ();
}
