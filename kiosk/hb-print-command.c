/* hb-print-command.c — `haobanctl print`. */
#include "kiosk/hb-print-command.h"
#include "kiosk/hb-document.h"
#include "kiosk/hb-receipt-ticket.h"
#include "drivers/hb-device-manager.h"
#include "drivers/printer/hb-cups-printer.h"
#include "drivers/printer/hb-receipt-printer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX (64 * 1024)

typedef struct {
  gboolean done;
  guint    job;
  GError  *error;
} Wait;

static int
usage (void)
{
  fprintf (stderr, "usage: haobanctl print FILE|test --to doc|receipt [--printer NAME]\n"
                   "                      [--cups-server HOST:PORT] [--timeout SECONDS]\n");
  return 2;
}

static gboolean
wait_done (Wait *w, guint timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  while (!w->done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (10000), TRUE);
  return w->done;
}

static void
opened (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  hb_device_open_finish (HB_DEVICE (source), result, &w->error);
  w->done = TRUE;
}

static void
opened_closed (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  hb_device_close_finish (HB_DEVICE (source), result, &w->error);
  w->done = TRUE;
}

static void
printed_pdf (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->job = hb_printer_print_finish (HB_PRINTER (source), result, &w->error);
  w->done = TRUE;
}

static void
printed_ticket (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->job = hb_receipt_printer_print_ticket_finish (HB_RECEIPT_PRINTER (source), result,
                                                   &w->error);
  w->done = TRUE;
}

static int
failed (HbDevice *device, const char *what, const GError *error)
{
  const char *reasons = HB_IS_CUPS_PRINTER (device)
                        ? hb_cups_printer_get_reasons (HB_CUPS_PRINTER (device)) : NULL;
  fprintf (stderr, "haobanctl: %s failed: %s", what, error ? error->message : "timed out");
  fprintf (stderr, " (printer %s: %s%s%s)\n", hb_device_get_name (device),
           hb_device_status_to_string (hb_device_get_status (device)),
           reasons ? ", printer-state-reasons " : "", reasons ? reasons : "");
  return 1;
}

/* A4 test page: the receipt layout with what a technician checks (fonts, QR, margins). */
static GBytes *
test_page (HbConfig *config, GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *ref = g_date_time_format (now, "TEST-%Y%m%d-%H%M%S");
  const HbDocumentRow rows[] = {
    { "中文", "一网通办 好办 自助终端 打印测试" },
    { "English", "The quick brown fox jumps over the lazy dog 0123456789" },
    { "站点", hb_config_get_string (config, "terminal", "site") },
  };
  HbReceipt r = {
    .title = "打印测试页", .service_name = "好办 · 打印机检查", .reference = ref,
    .applicant = "—", .terminal_id = hb_config_get_string (config, "terminal", "id"),
    .submitted_at = now, .rows = rows, .n_rows = G_N_ELEMENTS (rows), .language = "zh_CN",
    .next_step = "请检查：文字清晰、二维码可扫、页边完整。",
  };
  return hb_document_render_receipt (&r, HB_PAPER_A4, error);
}

static HbTicket *
test_ticket (HbConfig *config, GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *ref = g_date_time_format (now, "TEST-%Y%m%d-%H%M%S");
  const HbDocumentRow rows[] = { { "中文", "一网通办 好办" }, { "English", "0123456789" } };
  HbReceipt r = {
    .title = "打印测试", .service_name = "好办 · 小票打印机检查", .reference = ref,
    .applicant = "—", .terminal_id = hb_config_get_string (config, "terminal", "id"),
    .submitted_at = now, .rows = rows, .n_rows = G_N_ELEMENTS (rows), .language = "zh_CN",
  };
  return hb_receipt_ticket_new (&r, error);
}

static HbTicket *
text_ticket (const char *data, gsize len, GError **error)
{
  g_autoptr(HbTicket) t = hb_ticket_new ();
  g_auto(GStrv) lines = NULL;

  if (!g_utf8_validate_len (data, len, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the file is not UTF-8 text");
      return NULL;
    }
  lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_strchomp (lines[i]);
      for (char *p = lines[i]; *p; p++)
        if ((guchar) *p < 0x20)
          *p = ' ';
      if (lines[i][0] == '\0' && lines[i + 1] == NULL)
        break;
      if (!hb_ticket_add_text (t, lines[i][0] ? lines[i] : " ", HB_TICKET_SIZE_NORMAL, FALSE,
                               HB_TICKET_ALIGN_LEFT, error))
        return NULL;
    }
  if (!hb_ticket_add_cut (t, error))
    return NULL;
  return g_steal_pointer (&t);
}

static int
print_doc (HbConfig *config, const char *file, const char *queue, const char *server,
           guint timeout_s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(HbCupsPrinter) printer = NULL;
  Wait w = { 0 };

  if (g_str_equal (file, "test"))
    pdf = test_page (config, &error);
  else
    {
      char *data = NULL;
      gsize len = 0;
      if (!g_file_get_contents (file, &data, &len, &error))
        {
          fprintf (stderr, "haobanctl: %s\n", error->message);
          return 1;
        }
      pdf = g_bytes_new_take (data, len);
      if (len < 5 || len > HB_PRINTER_JOB_MAX || memcmp (data, "%PDF-", 5) != 0)
        {
          fprintf (stderr, "haobanctl: %s is not a PDF of at most %d bytes\n", file,
                   HB_PRINTER_JOB_MAX);
          return 2;
        }
    }
  if (pdf == NULL)
    {
      fprintf (stderr, "haobanctl: test page: %s\n", error->message);
      return 1;
    }

  printer = hb_cups_printer_new (server ? server : hb_config_get_string (config, "devices", "cups_server"),
                                 queue ? queue : hb_config_get_string (config, "devices", "cups_queue"));
  hb_device_open_async (HB_DEVICE (printer), NULL, opened, &w);
  if (!wait_done (&w, timeout_s) || w.error)
    return failed (HB_DEVICE (printer), "open", w.error);
  memset (&w, 0, sizeof w);
  hb_printer_print_async (HB_PRINTER (printer), pdf, g_str_equal (file, "test") ? "打印测试页" : file,
                          NULL, printed_pdf, &w);
  if (!wait_done (&w, timeout_s) || w.error)
    {
      int rc = failed (HB_DEVICE (printer), "print", w.error);
      g_clear_error (&w.error);
      return rc;
    }
  printf ("job %u completed on %s\n", w.job, hb_device_get_name (HB_DEVICE (printer)));
  memset (&w, 0, sizeof w);
  hb_device_close_async (HB_DEVICE (printer), NULL, opened_closed, &w);
  wait_done (&w, 10);
  g_clear_error (&w.error);
  return 0;
}

static gboolean
has_roll (gpointer data)
{
  HbDevice *d = hb_device_manager_get_device (data, HB_DEVICE_KIND_RECEIPT_PRINTER);
  return d != NULL && hb_device_get_status (d) != HB_DEVICE_STATUS_STARTING;
}

static int
print_receipt (HbConfig *config, const char *file, guint timeout_s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbTicket) ticket = NULL;
  g_autoptr(HbDeviceManager) devices = NULL;
  HbDevice *roll;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  Wait w = { 0 };

  if (g_str_equal (file, "test"))
    ticket = test_ticket (config, &error);
  else
    {
      g_autofree char *data = NULL;
      gsize len = 0;
      if (!g_file_get_contents (file, &data, &len, &error) || len > TEXT_MAX)
        {
          fprintf (stderr, "haobanctl: %s\n", error ? error->message : "file too large");
          return 1;
        }
      ticket = text_ticket (data, len, &error);
    }
  if (ticket == NULL)
    {
      fprintf (stderr, "haobanctl: ticket: %s\n", error->message);
      return 2;
    }

  /* The same discovery as the kiosk: the first ESC/POS printer on USB. */
  devices = hb_device_manager_new (HB_DEVICE_MODE_REAL, NULL, NULL);
  if (!hb_device_manager_start (devices, &error))
    {
      fprintf (stderr, "haobanctl: devices: %s\n", error->message);
      return 1;
    }
  while (!has_roll (devices) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (10000), TRUE);
  roll = hb_device_manager_get_device (devices, HB_DEVICE_KIND_RECEIPT_PRINTER);
  if (roll == NULL)
    {
      fprintf (stderr, "haobanctl: no receipt printer found on USB\n");
      hb_device_manager_stop (devices);
      return 1;
    }
  hb_receipt_printer_print_ticket_async (HB_RECEIPT_PRINTER (roll), ticket, NULL,
                                         printed_ticket, &w);
  if (!wait_done (&w, timeout_s) || w.error)
    {
      int rc = failed (roll, "print", w.error);
      g_clear_error (&w.error);
      hb_device_manager_stop (devices);
      return rc;
    }
  printf ("ticket %u printed on %s\n", w.job, hb_device_get_name (roll));
  hb_device_manager_stop (devices);
  return 0;
}

int
hb_print_command_run (HbConfig *config, int argc, char **argv)
{
  const char *file = NULL, *to = NULL, *printer = NULL, *server = NULL;
  guint timeout_s = 180;

  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      const char *v = i + 1 < argc ? argv[i + 1] : NULL;
      if (g_str_equal (a, "--to") && v)
        to = argv[++i];
      else if (g_str_equal (a, "--printer") && v)
        printer = argv[++i];
      else if (g_str_equal (a, "--cups-server") && v)
        server = argv[++i];
      else if (g_str_equal (a, "--timeout") && v)
        {
          char *end = NULL;
          guint64 t = g_ascii_strtoull (argv[++i], &end, 10);
          if (end == NULL || *end != '\0' || t == 0 || t > 3600)
            return usage ();
          timeout_s = (guint) t;
        }
      else if (a[0] != '-' && file == NULL)
        file = a;
      else
        return usage ();
    }
  if (file == NULL || to == NULL)
    return usage ();
  if (g_str_equal (to, "doc"))
    return print_doc (config, file, printer, server, timeout_s);
  if (g_str_equal (to, "receipt"))
    {
      if (printer && !g_str_equal (printer, "usb"))
        return usage ();
      return print_receipt (config, file, timeout_s);
    }
  return usage ();
}
