/* test-virtual-scanner.c — HbVirtualScanner (and HbScanner's code validation). */
#include "drivers/virtual/hb-virtual-scanner.h"
#include "drivers/virtual/hb-virtual-device.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

typedef struct
{
  HbVirtualScanner *scanner;
  GPtrArray        *codes;
} Fixture;

static void
on_code (HbScanner *scanner, const char *text, gpointer user_data)
{
  g_ptr_array_add (((Fixture *) user_data)->codes, g_strdup (text));
}

static gboolean
is_online (gpointer data)
{
  return hb_device_is_open (HB_DEVICE (data)) &&
         hb_device_get_status (HB_DEVICE (data)) == HB_DEVICE_STATUS_ONLINE;
}

static gboolean
is_closed (gpointer data)
{
  return !hb_device_is_open (HB_DEVICE (data));
}

static void
setup (Fixture *f, gconstpointer data)
{
  f->codes = g_ptr_array_new_with_free_func (g_free);
  f->scanner = hb_virtual_scanner_new ();
  g_signal_connect (f->scanner, "code-scanned", G_CALLBACK (on_code), f);
  hb_device_open_async (HB_DEVICE (f->scanner), NULL, NULL, NULL);
  g_assert_true (hb_test_wait_until (is_online, f->scanner, 5000));
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->scanner);
  g_clear_pointer (&f->codes, g_ptr_array_unref);
}

static void
test_identity (Fixture *f, gconstpointer data)
{
  HbDeviceClass *klass = HB_DEVICE_GET_CLASS (f->scanner);

  g_assert_cmpint (hb_device_get_kind (HB_DEVICE (f->scanner)), ==, HB_DEVICE_KIND_SCANNER);
  g_assert_cmpstr (klass->id_table[0].virtual_id, ==, "virtual-scanner");
  g_assert_cmpstr (hb_device_get_driver_id (HB_DEVICE (f->scanner)), ==, "virtual-scanner");
}

static void
test_scan_emits_the_code (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *code = "SSM1:DEMO:7F3A9C21E5B04D18";

  g_assert_true (hb_virtual_scanner_scan (f->scanner, code, strlen (code), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->codes->len, ==, 1);
  g_assert_cmpstr (f->codes->pdata[0], ==, code);

  /* Only @length bytes count, even without a terminating NUL. */
  g_assert_true (hb_virtual_scanner_scan (f->scanner, "ABCDEF", 3, &error));
  g_assert_cmpstr (f->codes->pdata[1], ==, "ABC");
}

static void
test_scan_rejects_bad_codes (Fixture *f, gconstpointer data)
{
  g_autofree char *longest = g_strnfill (HB_SCANNER_CODE_MAX, 'q');
  g_autofree char *too_long = g_strnfill (HB_SCANNER_CODE_MAX + 1, 'q');
  struct { const char *text; gsize len; } bad[] = {
    { "", 0 },
    { too_long, HB_SCANNER_CODE_MAX + 1 },
    { "abc\xff", 4 },
    { "ab\0c", 4 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (hb_virtual_scanner_scan (f->scanner, bad[i].text, bad[i].len, &error));
      g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL);
      g_assert_null (strstr (error->message, "qqqq"));
    }
  g_assert_cmpuint (f->codes->len, ==, 0);

  {
    g_autoptr(GError) error = NULL;
    g_assert_true (hb_virtual_scanner_scan (f->scanner, longest, HB_SCANNER_CODE_MAX, &error));
    g_assert_cmpuint (f->codes->len, ==, 1);
  }
}

static void
test_emit_code_drops_bad_input_with_a_warning (Fixture *f, gconstpointer data)
{
  /* Drivers calling emit_code directly get a warning that never quotes the text. */
  g_test_expect_message ("hb-drivers", G_LOG_LEVEL_WARNING,
                         "virtual-scanner: dropped a code: Scanned code of 11 bytes is not valid UTF-8");
  g_assert_false (hb_scanner_emit_code (HB_SCANNER (f->scanner), "PRIVATE\xff\xfe\xfd\xfc", 11));
  g_test_assert_expected_messages ();

  g_test_expect_message ("hb-drivers", G_LOG_LEVEL_WARNING, "*is empty*");
  g_assert_false (hb_scanner_emit_code (HB_SCANNER (f->scanner), "", 0));
  g_test_assert_expected_messages ();

  g_assert_cmpuint (f->codes->len, ==, 0);
  g_assert_true (hb_scanner_emit_code (HB_SCANNER (f->scanner), "ok", 2));
  g_assert_cmpuint (f->codes->len, ==, 1);
}

static void
test_unplugged_scanner_scans_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  hb_virtual_device_set_plugged (HB_DEVICE (f->scanner), FALSE);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->scanner)), ==, HB_DEVICE_STATUS_NO_DEVICE);
  g_assert_false (hb_virtual_scanner_scan (f->scanner, "x", 1, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  g_assert_cmpuint (f->codes->len, ==, 0);

  hb_virtual_device_set_plugged (HB_DEVICE (f->scanner), TRUE);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->scanner)), ==, HB_DEVICE_STATUS_ONLINE);
  g_clear_error (&error);
  g_assert_true (hb_virtual_scanner_scan (f->scanner, "x", 1, &error));
  g_assert_cmpuint (f->codes->len, ==, 1);
}

static void
test_close_makes_it_offline (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  hb_device_close_async (HB_DEVICE (f->scanner), NULL, NULL, NULL);
  g_assert_true (hb_test_wait_until (is_closed, f->scanner, 5000));
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->scanner)), ==, HB_DEVICE_STATUS_OFFLINE);
  g_assert_false (hb_virtual_scanner_scan (f->scanner, "x", 1, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_OPEN);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add ("/drivers/virtual/scanner/" path, Fixture, NULL, setup, fn, teardown)
  ADD ("is-the-virtual-scanner-driver", test_identity);
  ADD ("scan-emits-code-scanned", test_scan_emits_the_code);
  ADD ("rejects-empty-too-long-and-bad-utf8", test_scan_rejects_bad_codes);
  ADD ("emit-code-drops-bad-input-with-a-warning-without-the-text", test_emit_code_drops_bad_input_with_a_warning);
  ADD ("unplugged-scanner-scans-nothing", test_unplugged_scanner_scans_nothing);
  ADD ("close-makes-it-offline", test_close_makes_it_offline);
#undef ADD

  return g_test_run ();
}
