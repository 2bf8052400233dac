/* printer-test.h — what the virtual printer tests share: a fixture with a spool-folder
 * printer opened and its job events written down as text, and waiting for the result of
 * an async print. */
#pragma once

#include "drivers/printer/hb-printer.h"
#include "tests/common/hb-test-util.h"

typedef struct
{
  char         *spool;      /* not created: the printer makes it */
  gpointer      printer;    /* the driver under test */
  GString      *events;     /* "1:queued 1:printing 1:completed " */
  GAsyncResult *result;
} PrinterTestFixture;

static inline void
printer_test_on_job (HbPrinter *printer, guint id, HbPrintJobState state, const char *reason,
                     gpointer user_data)
{
  PrinterTestFixture *f = user_data;

  g_string_append_printf (f->events, "%u:%s%s%s ", id, hb_print_job_state_to_string (state),
                          reason ? "/" : "", reason ? reason : "");
}

static inline gboolean
printer_test_is_ready (gpointer data)
{
  return hb_device_is_open (HB_DEVICE (data)) &&
         hb_device_get_status (HB_DEVICE (data)) == HB_DEVICE_STATUS_ONLINE;
}

/* A spool path in a fresh folder named after `what`; it does not exist yet. */
static inline char *
printer_test_spool (const char *what)
{
  g_autofree char *dir = hb_test_mkdtemp (what);

  return g_build_filename (dir, "spool", NULL);
}

/* After f->spool and f->printer are set: records job events, opens, waits for ONLINE. */
static inline void
printer_test_open (PrinterTestFixture *f)
{
  f->events = g_string_new (NULL);
  g_signal_connect (f->printer, "job-changed", G_CALLBACK (printer_test_on_job), f);
  hb_device_open_async (HB_DEVICE (f->printer), NULL, NULL, NULL);
  g_assert_true (hb_test_wait_until (printer_test_is_ready, f->printer, 5000));
}

static inline void
printer_test_teardown (PrinterTestFixture *f, gconstpointer data)
{
  g_autofree char *dir = g_path_get_dirname (f->spool);

  g_clear_object (&f->printer);
  g_clear_object (&f->result);
  hb_test_rmdir (dir);
  g_free (f->spool);
  g_string_free (f->events, TRUE);
}

/* user_data: the PrinterTestFixture whose result is set. */
static inline void
printer_test_got_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PrinterTestFixture *f = user_data;
  g_set_object (&f->result, result);
}

static inline gboolean
printer_test_has_result (gpointer data)
{
  return ((PrinterTestFixture *) data)->result != NULL;
}
