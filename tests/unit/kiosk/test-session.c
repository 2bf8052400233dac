/* Tests for kiosk/hb-session.c: the visit state machine and its idle timeout. */
#include "kiosk/hb-session.h"
#include "kiosk-test-data.h"

typedef struct {
  HbSession *session;
  HbPerson  *person;
  HbService *service;
  GArray    *states;      /* HbSessionState sequence seen */
  guint      warnings;
  guint      extended;
  int        wiped_reason;
} Fixture;

static void
on_state (HbSession *s, HbSessionState old, HbSessionState state, Fixture *fx)
{
  g_array_append_val (fx->states, state);
}

static void
on_warning (HbSession *s, guint left, Fixture *fx)
{
  fx->warnings++;
}

static void
on_extended (HbSession *s, Fixture *fx)
{
  fx->extended++;
}

static void
on_wiped (HbSession *s, int reason, Fixture *fx)
{
  fx->wiped_reason = reason;
}

static void
setup (Fixture *fx, gconstpointer data)
{
  fx->session = hb_session_new (90, 30);
  fx->person = kt_person (1);
  fx->service = kt_service (JZZ_CODE);
  fx->states = g_array_new (FALSE, FALSE, sizeof (HbSessionState));
  fx->wiped_reason = -1;
  g_signal_connect (fx->session, "state-changed", G_CALLBACK (on_state), fx);
  g_signal_connect (fx->session, "idle-warning", G_CALLBACK (on_warning), fx);
  g_signal_connect (fx->session, "idle-extended", G_CALLBACK (on_extended), fx);
  g_signal_connect (fx->session, "wiped", G_CALLBACK (on_wiped), fx);
}

static void
teardown (Fixture *fx, gconstpointer data)
{
  g_clear_object (&fx->session);
  g_clear_object (&fx->person);
  g_clear_object (&fx->service);
  g_array_unref (fx->states);
}

static HbSessionState
last_state (Fixture *fx)
{
  return fx->states->len ? g_array_index (fx->states, HbSessionState, fx->states->len - 1)
                         : HB_SESSION_ATTRACT;
}

static void
test_full_visit (Fixture *fx, gconstpointer data)
{
  HbSessionState expected[] = {
    HB_SESSION_IDENTIFIED, HB_SESSION_IN_SERVICE, HB_SESSION_DONE, HB_SESSION_RATING,
    HB_SESSION_WIPED, HB_SESSION_ATTRACT,
  };
  g_assert_true (hb_session_identify (fx->session, fx->person));
  g_assert_true (hb_session_get_person (fx->session) == fx->person);
  g_assert_true (hb_session_begin_service (fx->session, fx->service));
  g_assert_nonnull (hb_session_get_form (fx->session));
  g_assert_true (hb_session_complete (fx->session, hb_submission_new ("k", "SH1", NULL)));
  g_assert_cmpstr (hb_session_get_submission (fx->session)->reference, ==, "SH1");
  g_assert_true (hb_session_begin_rating (fx->session));
  g_assert_true (hb_session_finish (fx->session));

  g_assert_cmpuint (fx->states->len, ==, G_N_ELEMENTS (expected));
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpint (g_array_index (fx->states, HbSessionState, i), ==, expected[i]);
  g_assert_cmpint (fx->wiped_reason, ==, HB_WIPE_FINISHED);
  g_assert_null (hb_session_get_person (fx->session));
  g_assert_null (hb_session_get_form (fx->session));
  g_assert_null (hb_session_get_submission (fx->session));
  /* The session wiped the person it held, not only dropped it. */
  g_assert_true (hb_person_is_wiped (fx->person));
}

static void
test_transitions_out_of_order_are_refused (Fixture *fx, gconstpointer data)
{
  g_assert_false (hb_session_begin_service (fx->session, fx->service));
  g_assert_false (hb_session_complete (fx->session, hb_submission_new ("k", NULL, "Q")));
  g_assert_false (hb_session_begin_rating (fx->session));
  g_assert_false (hb_session_finish (fx->session));
  g_assert_false (hb_session_abandon (fx->session));
  g_assert_true (hb_session_identify (fx->session, fx->person));
  g_assert_false (hb_session_identify (fx->session, fx->person));   /* one person per visit */
  g_assert_false (hb_session_begin_rating (fx->session));
  g_assert_cmpint (hb_session_get_state (fx->session), ==, HB_SESSION_IDENTIFIED);
}

static void
test_unavailable_service_cannot_start (Fixture *fx, gconstpointer data)
{
  g_autoptr(HbService) guide_only =
    hb_service_new_from_json ("{\"code\":\"c\",\"name\":\"仅指南\"}", -1, NULL);
  hb_session_identify (fx->session, fx->person);
  g_assert_false (hb_session_begin_service (fx->session, guide_only));
}

static void
test_leave_service_goes_back (Fixture *fx, gconstpointer data)
{
  hb_session_identify (fx->session, fx->person);
  hb_session_begin_service (fx->session, fx->service);
  g_assert_true (hb_session_leave_service (fx->session));
  g_assert_cmpint (hb_session_get_state (fx->session), ==, HB_SESSION_IDENTIFIED);
  g_assert_null (hb_session_get_form (fx->session));
  g_assert_nonnull (hb_session_get_person (fx->session));
}

static void
test_abandon_then_rating_then_wipe (Fixture *fx, gconstpointer data)
{
  hb_session_identify (fx->session, fx->person);
  hb_session_begin_service (fx->session, fx->service);
  g_assert_true (hb_session_abandon (fx->session));
  g_assert_cmpint (hb_session_get_state (fx->session), ==, HB_SESSION_ABANDONED);
  g_assert_true (hb_session_begin_rating (fx->session));
  g_assert_true (hb_session_finish (fx->session));
  g_assert_cmpint (last_state (fx), ==, HB_SESSION_ATTRACT);
  g_assert_true (hb_person_is_wiped (fx->person));
}

static gboolean
is_attract (gpointer data)
{
  return hb_session_get_state (((Fixture *) data)->session) == HB_SESSION_ATTRACT;
}

static gboolean
warned (gpointer data)
{
  return ((Fixture *) data)->warnings > 0;
}

static void
test_idle_warns_then_wipes (Fixture *fx, gconstpointer data)
{
  hb_session_set_timeouts (fx->session, 50, 1200);
  hb_session_identify (fx->session, fx->person);
  hb_session_begin_service (fx->session, fx->service);
  g_assert_true (hb_test_wait_until (warned, fx, 5000));
  g_assert_true (hb_session_is_warning (fx->session));
  g_assert_cmpint (hb_session_get_state (fx->session), ==, HB_SESSION_IN_SERVICE);
  g_assert_true (hb_test_wait_until (is_attract, fx, 10000));
  g_assert_cmpint (fx->wiped_reason, ==, HB_WIPE_TIMEOUT);
  g_assert_true (hb_person_is_wiped (fx->person));
  g_assert_false (hb_session_is_warning (fx->session));
}

static void
test_extend_cancels_the_warning (Fixture *fx, gconstpointer data)
{
  hb_session_set_timeouts (fx->session, 50, 60000);
  hb_session_identify (fx->session, fx->person);
  g_assert_true (hb_test_wait_until (warned, fx, 5000));
  hb_session_extend (fx->session);
  g_assert_cmpuint (fx->extended, ==, 1);
  g_assert_false (hb_session_is_warning (fx->session));
  /* The clock runs again from zero: a new warning comes, the visit is still there. */
  fx->warnings = 0;
  g_assert_true (hb_test_wait_until (warned, fx, 5000));
  g_assert_cmpint (hb_session_get_state (fx->session), ==, HB_SESSION_IDENTIFIED);
  g_assert_nonnull (hb_session_get_person (fx->session));
}

static void
test_touch_keeps_the_visit_alive (Fixture *fx, gconstpointer data)
{
  hb_session_set_timeouts (fx->session, 300, 100);
  hb_session_identify (fx->session, fx->person);
  for (int i = 0; i < 10; i++)
    {
      hb_test_spin (60);
      hb_session_touch (fx->session);
    }
  /* 600 ms of activity with a 300 ms idle limit: never warned. */
  g_assert_cmpuint (fx->warnings, ==, 0);
  g_assert_cmpint (hb_session_get_state (fx->session), ==, HB_SESSION_IDENTIFIED);
}

static void
test_hold_stops_the_clock (Fixture *fx, gconstpointer data)
{
  hb_session_set_timeouts (fx->session, 30, 30);
  hb_session_identify (fx->session, fx->person);
  hb_session_hold_idle (fx->session);
  hb_test_spin (300);
  g_assert_cmpuint (fx->warnings, ==, 0);
  hb_session_release_idle (fx->session);
  g_assert_true (hb_test_wait_until (is_attract, fx, 5000));
}

static void
test_no_timer_at_attract (Fixture *fx, gconstpointer data)
{
  hb_session_set_timeouts (fx->session, 10, 10);
  hb_session_touch (fx->session);
  hb_test_spin (100);
  g_assert_cmpuint (fx->warnings, ==, 0);
  g_assert_cmpuint (fx->states->len, ==, 0);
}

static void
test_wipe_from_anywhere (Fixture *fx, gconstpointer data)
{
  hb_session_identify (fx->session, fx->person);
  hb_session_begin_service (fx->session, fx->service);
  hb_form_set_value (hb_session_get_form (fx->session), "phone", "13812345678");
  hb_session_wipe (fx->session, HB_WIPE_CANCELLED);
  g_assert_cmpint (hb_session_get_state (fx->session), ==, HB_SESSION_ATTRACT);
  g_assert_cmpint (fx->wiped_reason, ==, HB_WIPE_CANCELLED);
  g_assert_null (hb_session_get_form (fx->session));
  g_assert_true (hb_person_is_wiped (fx->person));
  /* Wiping an empty session does not invent a visit. */
  fx->wiped_reason = -1;
  hb_session_wipe (fx->session, HB_WIPE_CANCELLED);
  g_assert_cmpint (fx->wiped_reason, ==, -1);
}

static void
test_visit_numbers_count (Fixture *fx, gconstpointer data)
{
  g_autoptr(HbPerson) second = kt_person (2);
  hb_session_identify (fx->session, fx->person);
  hb_session_wipe (fx->session, HB_WIPE_CANCELLED);
  hb_session_identify (fx->session, second);
  g_assert_cmpuint (hb_session_get_visit_number (fx->session), ==, 2);
}

static void
test_queued_submission (Fixture *fx, gconstpointer data)
{
  g_autoptr(HbSubmission) s = hb_submission_new ("key", NULL, "HB20261127-ABCD");
  g_assert_true (s->queued);
  g_assert_cmpstr (s->reference, ==, "HB20261127-ABCD");
  g_assert_null (s->case_number);
}

#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  ADD ("/kiosk/session/full-visit-passes-every-state-and-wipes", test_full_visit);
  ADD ("/kiosk/session/transitions-out-of-order-are-refused", test_transitions_out_of_order_are_refused);
  ADD ("/kiosk/session/unavailable-service-cannot-start", test_unavailable_service_cannot_start);
  ADD ("/kiosk/session/leaving-a-service-goes-back-to-the-catalog", test_leave_service_goes_back);
  ADD ("/kiosk/session/abandon-then-rating-then-wipe", test_abandon_then_rating_then_wipe);
  ADD ("/kiosk/session/idle-warns-then-wipes", test_idle_warns_then_wipes);
  ADD ("/kiosk/session/extend-cancels-the-warning", test_extend_cancels_the_warning);
  ADD ("/kiosk/session/touch-keeps-the-visit-alive", test_touch_keeps_the_visit_alive);
  ADD ("/kiosk/session/hold-stops-the-idle-clock", test_hold_stops_the_clock);
  ADD ("/kiosk/session/no-timer-at-attract", test_no_timer_at_attract);
  ADD ("/kiosk/session/wipe-from-anywhere-clears-the-visit", test_wipe_from_anywhere);
  ADD ("/kiosk/session/visit-numbers-count", test_visit_numbers_count);
  ADD ("/kiosk/session/queued-submission-keeps-the-local-reference", test_queued_submission);
  return g_test_run ();
}
