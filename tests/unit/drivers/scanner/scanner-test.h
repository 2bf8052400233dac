/* scanner-test.h — what the scanner driver tests share: open and close a driver and wait
 * for it, collect its "code-scanned" texts, wait for a number of codes or a status. */
#pragma once

#include "drivers/hb-device-private.h"
#include "drivers/scanner/hb-scanner.h"
#include "tests/common/hb-test-util.h"

static inline void
scanner_test_on_code (HbScanner *scanner, const char *text, GPtrArray *codes)
{
  g_ptr_array_add (codes, g_strdup (text));
}

/* Every code the scanner emits is appended (a copy) to codes. */
static inline void
scanner_test_collect (gpointer scanner, GPtrArray *codes)
{
  g_signal_connect (scanner, "code-scanned", G_CALLBACK (scanner_test_on_code), codes);
}

static inline gboolean
scanner_test_is_true (gpointer data)
{
  return *(gboolean *) data;
}

static inline void
scanner_test_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hb_device_open_finish (HB_DEVICE (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static inline void
scanner_test_closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_assert_true (hb_device_close_finish (HB_DEVICE (source), result, NULL));
  *(gboolean *) user_data = TRUE;
}

/* Open succeeds (a missing scanner opens too, reading no-device). */
static inline void
scanner_test_open (gpointer device)
{
  gboolean done = FALSE;

  hb_device_open_async (HB_DEVICE (device), NULL, scanner_test_opened, &done);
  g_assert_true (hb_test_wait_until (scanner_test_is_true, &done, 10000));
}

static inline void
scanner_test_close (gpointer device)
{
  gboolean done = FALSE;

  hb_device_close_async (HB_DEVICE (device), NULL, scanner_test_closed, &done);
  g_assert_true (hb_test_wait_until (scanner_test_is_true, &done, 10000));
}

typedef struct { GPtrArray *codes; guint n; } ScannerTestCount;

static inline gboolean
scanner_test_codes_reach (gpointer data)
{
  ScannerTestCount *c = data;

  return c->codes->len >= c->n;
}

static inline void
scanner_test_wait_codes (GPtrArray *codes, guint n)
{
  ScannerTestCount c = { codes, n };

  if (!hb_test_wait_until (scanner_test_codes_reach, &c, 20000))
    g_error ("expected %u code(s), got %u", n, codes->len);
}

typedef struct { HbDevice *device; HbDeviceStatus status; } ScannerTestStatus;

static inline gboolean
scanner_test_status_is (gpointer data)
{
  ScannerTestStatus *s = data;

  return hb_device_get_status (s->device) == s->status;
}

static inline void
scanner_test_wait_status (gpointer device, HbDeviceStatus status)
{
  ScannerTestStatus s = { HB_DEVICE (device), status };

  if (!hb_test_wait_until (scanner_test_status_is, &s, 10000))
    g_error ("expected %s, the scanner reads %s", hb_device_status_to_string (status),
             hb_device_status_to_string (hb_device_get_status (HB_DEVICE (device))));
}
