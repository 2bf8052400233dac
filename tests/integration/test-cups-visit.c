/* test-cups-visit.c — a visit whose receipt goes to an A4 printer behind a real cupsd
 * (private, on loopback, an IPP Everywhere printer behind it): printed only when CUPS says
 * the job completed; a printer out of paper fails the print plainly, prints nothing later
 * for the next person, and shows in the status for staff. Proofs and e-licence copies come
 * from the platform for the identified resident and print the same way, masked. */
#include "visit-fixture.h"
#include "tests/support/hb-test-cupsd.h"

typedef struct {
  Visit        v;
  HbTestCupsd *cupsd;
} CupsVisit;

static void
setup (CupsVisit *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->cupsd = hb_test_cupsd_start (&error);
  if (f->cupsd == NULL)
    {
      g_test_skip_printf ("no private cupsd here: %s", error->message);
      return;
    }
  visit_setup_full (&f->v, 4000, FALSE);
  visit_config_set (&f->v, "devices", "cups_server", hb_test_cupsd_get_server (f->cupsd));
  visit_config_set (&f->v, "devices", "cups_queue", hb_test_cupsd_get_queue (f->cupsd));
  g_assert_true (hb_core_start (f->v.core, &error));
  g_assert_no_error (error);
}

static void
teardown (CupsVisit *f, gconstpointer data)
{
  if (f->v.dir)
    visit_teardown (&f->v, data);
  g_clear_pointer (&f->cupsd, hb_test_cupsd_free);
}

static gboolean
printer_online (gpointer data)
{
  HbPrinter *p = hb_device_manager_get_printer (hb_core_get_devices (data));
  return p && hb_device_get_status (HB_DEVICE (p)) == HB_DEVICE_STATUS_ONLINE;
}

static void
test_receipt_prints_through_cups (CupsVisit *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbPrinter *printer;

  if (f->cupsd == NULL)
    return;
  printer = hb_device_manager_get_printer (hb_core_get_devices (f->v.core));
  g_assert_cmpstr (hb_device_get_driver_id (HB_DEVICE (printer)), ==, "cups");
  g_assert_true (hb_test_wait_until (printer_online, f->v.core, 20000));
  visit_identify_and_fill (&f->v, 1);
  visit_submit (&f->v);
  g_assert_cmpuint (visit_print (&f->v, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (hb_test_cupsd_count_printed (f->cupsd), ==, 1);
  visit_rate_and_finish (&f->v, 5);
}

static void
test_paper_out_fails_plainly_and_shows_for_staff (CupsVisit *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) status = NULL;
  JsonObject *attention;

  if (f->cupsd == NULL)
    return;
  g_assert_true (hb_test_wait_until (printer_online, f->v.core, 20000));
  visit_identify_and_fill (&f->v, 1);
  visit_submit (&f->v);
  hb_test_cupsd_set_fault (f->cupsd, "media-empty");
  g_assert_cmpuint (visit_print (&f->v, &error), ==, 0);
  g_assert_nonnull (error);
  g_assert_true (error->domain == HB_DEVICE_ERROR);
  g_assert_nonnull (strstr (error->message, "纸"));   /* a plain message: out of paper */

  status = hb_core_describe (f->v.core);
  attention = json_object_get_object_member (json_node_get_object (status), "attention");
  g_assert_cmpint (json_object_get_int_member (attention, "print_failures"), ==, 1);

  /* Nothing prints later by itself: the failed job was cancelled, not left queued. */
  {
    guint printed = hb_test_cupsd_count_printed (f->cupsd);
    hb_test_cupsd_set_fault (f->cupsd, NULL);
    hb_test_spin (3000);
    g_assert_cmpuint (hb_test_cupsd_count_printed (f->cupsd), ==, printed);
  }
}

/* Squashed pdftotext of the one document cupsd printed. */
static char *
printed_text (CupsVisit *f)
{
  g_autofree char *out_dir = g_build_filename (hb_test_cupsd_get_dir (f->cupsd), "out", NULL);
  g_autoptr(GDir) d = g_dir_open (out_dir, 0, NULL);
  const char *name = d ? g_dir_read_name (d) : NULL;
  g_assert_nonnull (name);
  g_autofree char *path = g_build_filename (out_dir, name, NULL);
  return hb_test_pdf_text (path, 0);
}

/* POST /v1/proofs the platform received (GET /_sim/requests). */
static gint64
proof_requests (CupsVisit *f)
{
  long status = 0;
  g_autofree char *body = hb_test_sim_request (f->v.sim, "GET", "/_sim/requests", NULL, &status);
  g_autoptr(JsonObject) stats = hb_json_parse_object (body, -1, 1 << 16, 4, NULL);
  g_assert_cmpint (status, ==, 200);
  g_assert_nonnull (stats);
  return json_object_get_int_member (stats, "proofs");
}

static void
identify (CupsVisit *f)
{
  g_free (visit_ctl (&f->v, NULL, "sim", "card-insert", "--sample", "1", NULL));
  visit_wait_state (&f->v, HB_SESSION_IDENTIFIED);
  g_assert_true (hb_test_wait_until (printer_online, f->v.core, 20000));
}

static void
test_proof_from_the_platform_prints_masked (CupsVisit *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  if (f->cupsd == NULL)
    return;
  identify (f);
  g_assert_cmpuint (visit_print_proof (&f->v, "social-insurance-payment", NULL, NULL, &error),
                    >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (proof_requests (f), ==, 1);
  g_assert_cmpuint (hb_test_cupsd_count_printed (f->cupsd), ==, 1);
  g_autofree char *text = printed_text (f);
  g_assert_nonnull (strstr (text, "上海市社会保险个人缴费证明"));
  g_assert_nonnull (strstr (text, "上海市社会保险事业管理中心"));
  g_assert_nonnull (strstr (text, "第1页/共"));
  /* The ID number is masked on paper; the full one never prints. */
  g_assert_null (strstr (text, SAMPLE_ID));
  g_assert_nonnull (strstr (text, "310***********1237"));
}

static void
test_licence_copy_prints_its_purpose_and_trust_level (CupsVisit *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  if (f->cupsd == NULL)
    return;
  identify (f);
  g_assert_cmpuint (visit_print_proof (&f->v, "licence-copy", "household-register",
                                       "办理入学手续", &error), >, 0);
  g_assert_no_error (error);
  g_autofree char *text = printed_text (f);
  g_assert_nonnull (strstr (text, "居民户口簿（电子证照复印件）"));
  g_assert_nonnull (strstr (text, "仅供办理入学手续使用，再次复印无效·可信等级A"));
}

static void
test_proof_without_record_or_network_prints_nothing (CupsVisit *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  if (f->cupsd == NULL)
    return;
  identify (f);
  /* The platform has nothing for this resident: said so, nothing printed. */
  visit_fault (&f->v, "{\"status\": 404, \"times\": 1}");
  g_assert_cmpuint (visit_print_proof (&f->v, "property-registration", NULL, NULL, &error),
                    ==, 0);
  g_assert_error (error, HB_CORE_ERROR, HB_CORE_ERROR_NO_RECORD);
  g_clear_error (&error);
  /* The platform unreachable: a network error, nothing printed, nothing queued. */
  visit_fault (&f->v, "{\"drop\": true}");
  g_assert_cmpuint (visit_print_proof (&f->v, "property-registration", NULL, NULL, &error),
                    ==, 0);
  g_assert_true (error->domain == G_IO_ERROR);
  g_clear_error (&error);
  visit_fault (&f->v, "{}");
  hb_test_spin (500);
  g_assert_cmpuint (hb_test_cupsd_count_printed (f->cupsd), ==, 0);
}

#define ADD(path, fn) g_test_add (path, CupsVisit, NULL, setup, fn, teardown)

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  ADD ("/integration/cups-visit/receipt-prints-through-cups", test_receipt_prints_through_cups);
  ADD ("/integration/cups-visit/paper-out-fails-plainly-and-shows-for-staff",
       test_paper_out_fails_plainly_and_shows_for_staff);
  ADD ("/integration/cups-visit/proof-from-the-platform-prints-masked",
       test_proof_from_the_platform_prints_masked);
  ADD ("/integration/cups-visit/licence-copy-prints-its-purpose-and-trust-level",
       test_licence_copy_prints_its_purpose_and_trust_level);
  ADD ("/integration/cups-visit/proof-without-record-or-network-prints-nothing",
       test_proof_without_record_or_network_prints_nothing);
  return g_test_run ();
}
