/* hb-devices-command.c — `haobanctl devices test`: the configured devices, opened by
 * haobanctl itself (the kiosk stopped), each made to do its job once. */
#include "kiosk/hb-devices-command.h"
#include "kiosk/hb-doctor.h"
#include "kiosk/hb-document.h"
#include "kiosk/hb-person.h"
#include "kiosk/hb-receipt-ticket.h"
#include "drivers/hb-device-manager.h"
#include "drivers/printer/hb-receipt-printer.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_TIMEOUT_S  30
#define APPEAR_TIMEOUT_S   8     /* devices found and opened (USB probing, a SAM's answer) */
#define PRINT_MIN_S        60    /* a first page can take a while */
#define MASKED_MAX         64

typedef struct {
  gboolean done;
  guint    job;
  GError  *error;
  /* idcard / scanner */
  char     masked[MASKED_MAX];
  gsize    code_length;
} Wait;

typedef enum { RESULT_PASS, RESULT_FAIL, RESULT_SKIP } Result;

static int
usage (void)
{
  fprintf (stderr, "usage: haobanctl devices test [idcard|scanner|printer|receipt-printer|all] "
                   "[--timeout SECONDS]\n");
  return 2;
}

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterate the main context until *flag or the deadline (monotonic µs). */
static gboolean
wait_flag (const gboolean *flag, gint64 deadline)
{
  guint tick = g_timeout_add (50, wake, NULL);
  while (!*flag && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return *flag;
}

static void
report (Result r, HbDeviceKind kind, const char *what, const char *fix)
{
  printf ("%-4s  %-15s  %s\n", r == RESULT_PASS ? "PASS" : r == RESULT_SKIP ? "SKIP" : "FAIL",
          hb_device_kind_to_string (kind), what);
  if (r == RESULT_FAIL && fix)
    printf ("      fix: %s\n", fix);
  fflush (stdout);
}

/* What to do when a device is not ready or an action failed. */
static const char *
fix_for (HbDeviceKind kind, HbDeviceStatus status, const GError *error)
{
  gboolean printer = kind == HB_DEVICE_KIND_PRINTER || kind == HB_DEVICE_KIND_RECEIPT_PRINTER;

  if ((error && g_error_matches (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_USER)) ||
      status == HB_DEVICE_STATUS_USER_ERROR)
    return printer ? "load paper and close the cover, then test again"
                   : "take the card away / close the cover, then test again";
  if ((error && g_error_matches (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE)) ||
      status == HB_DEVICE_STATUS_NO_DEVICE)
    return kind == HB_DEVICE_KIND_PRINTER
             ? "check the printer is on and its CUPS queue exists (lpstat -p; haobanctl doctor)"
             : "check the cable and power (lsusb), and the device lines of the config "
               "(haobanctl doctor names what it looks for)";
  if ((error && g_error_matches (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_TIMEOUT)))
    return "the device did not answer in time: power-cycle it and test again";
  if (status == HB_DEVICE_STATUS_STARTING)
    return "the device did not finish opening: power-cycle it; haobanctl doctor checks its "
           "permissions";
  return "power-cycle the device and test again; if it fails again, replace it (the error "
         "above goes to the technician's report)";
}

/* The device of kind, open and ready, or NULL after reporting why not. */
static HbDevice *
ready_device (HbDeviceManager *devices, HbConfig *config, HbDeviceKind kind, gboolean all,
              Result *result)
{
  gint64 deadline = g_get_monotonic_time () + APPEAR_TIMEOUT_S * G_USEC_PER_SEC;
  HbDevice *d;
  gboolean never = FALSE;

  for (;;)
    {
      d = hb_device_manager_get_device (devices, kind);
      if (d && hb_device_get_status (d) != HB_DEVICE_STATUS_STARTING)
        break;
      if (g_get_monotonic_time () >= deadline)
        break;
      wait_flag (&never, MIN (deadline, g_get_monotonic_time () + 100000));
    }
  if (d == NULL)
    {
      gboolean optional =
        (kind == HB_DEVICE_KIND_PRINTER) ||
        (kind == HB_DEVICE_KIND_RECEIPT_PRINTER &&
         g_strcmp0 (hb_config_get_string (config, "devices", "receipt_paper"), "roll") != 0);
      *result = all && optional ? RESULT_SKIP : RESULT_FAIL;
      report (*result, kind, all && optional ? "not installed on this terminal"
                                             : "no device found",
              fix_for (kind, HB_DEVICE_STATUS_NO_DEVICE, NULL));
      return NULL;
    }
  if (hb_device_get_status (d) != HB_DEVICE_STATUS_ONLINE)
    {
      g_autofree char *what = g_strdup_printf ("%s is %s%s%s%s", hb_device_get_name (d),
                                               hb_device_status_to_string (hb_device_get_status (d)),
                                               hb_device_get_status_detail (d) ? " (" : "",
                                               hb_device_get_status_detail (d)
                                                 ? hb_device_get_status_detail (d) : "",
                                               hb_device_get_status_detail (d) ? ")" : "");
      *result = RESULT_FAIL;
      report (RESULT_FAIL, kind, what, fix_for (kind, hb_device_get_status (d), NULL));
      return NULL;
    }
  return d;
}

/* --- idcard and scanner ------------------------------------------------------------------ */

static void
on_card (HbCardReader *reader, const HbIdCard *card, Wait *w)
{
  /* Only the masked number leaves this handler; the reader wipes its card after. */
  g_autofree char *masked = hb_mask_id_number (card->id_number);
  g_strlcpy (w->masked, masked ? masked : "?", sizeof w->masked);
  w->done = TRUE;
}

static void
on_read_failed (HbCardReader *reader, const GError *error, Wait *w)
{
  g_clear_error (&w->error);
  w->error = g_error_copy (error);
  w->done = TRUE;
}

static Result
test_idcard (HbDevice *d, guint timeout_s, gboolean virtual_mode)
{
  Wait w = { 0 };
  gulong h1, h2;
  Result r;

  fprintf (stderr, "haobanctl: place an ID card on %s (waiting up to %u s)%s\n",
           hb_device_get_name (d), timeout_s,
           virtual_mode ? "; virtual: haobanctl sim card-insert" : "");
  h1 = g_signal_connect (d, "card-read", G_CALLBACK (on_card), &w);
  h2 = g_signal_connect (d, "read-failed", G_CALLBACK (on_read_failed), &w);
  wait_flag (&w.done, g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC);
  g_signal_handler_disconnect (d, h1);
  g_signal_handler_disconnect (d, h2);

  if (w.done && w.error == NULL)
    {
      g_autofree char *what = g_strdup_printf ("%s read a card: %s", hb_device_get_name (d),
                                               w.masked);
      report (r = RESULT_PASS, HB_DEVICE_KIND_IDCARD, what, NULL);
    }
  else if (w.error)
    {
      g_autofree char *what = g_strdup_printf ("a card is there but was not read: %s",
                                               w.error->message);
      report (r = RESULT_FAIL, HB_DEVICE_KIND_IDCARD, what,
              "place the card flat and hold it still; if no card reads, the reader's SAM "
              "module is faulty: replace the reader");
    }
  else
    {
      g_autofree char *what = g_strdup_printf ("no card read within %u s", timeout_s);
      report (r = RESULT_FAIL, HB_DEVICE_KIND_IDCARD, what,
              "place a card on the reader (take it away first if it lay there already); if "
              "its light does not react, check its cable");
    }
  g_clear_error (&w.error);
  return r;
}

static void
on_code (HbScanner *scanner, const char *text, Wait *w)
{
  /* A code may be a resident's 随申码: only its length is kept. */
  w->code_length = strlen (text);
  w->done = TRUE;
}

static Result
test_scanner (HbDevice *d, guint timeout_s, gboolean virtual_mode)
{
  Wait w = { 0 };
  gulong h;
  Result r;

  fprintf (stderr, "haobanctl: show a QR code to %s (waiting up to %u s)%s\n",
           hb_device_get_name (d), timeout_s,
           virtual_mode ? "; virtual: haobanctl sim scan TEXT" : "");
  h = g_signal_connect (d, "code-scanned", G_CALLBACK (on_code), &w);
  wait_flag (&w.done, g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC);
  g_signal_handler_disconnect (d, h);
  if (w.done)
    {
      g_autofree char *what = g_strdup_printf ("%s read a code of %" G_GSIZE_FORMAT " bytes",
                                               hb_device_get_name (d), w.code_length);
      report (r = RESULT_PASS, HB_DEVICE_KIND_SCANNER, what, NULL);
    }
  else
    {
      g_autofree char *what = g_strdup_printf ("no code read within %u s", timeout_s);
      report (r = RESULT_FAIL, HB_DEVICE_KIND_SCANNER, what,
              "hold a QR code 5–15 cm in front of the scanner; if its light stays off, check "
              "the cable; a keyboard-wedge scanner needs Haoban's udev rules");
    }
  return r;
}

/* --- printers ---------------------------------------------------------------------------- */

static void
printed (GObject *source, GAsyncResult *result, gpointer data)
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

static void
test_receipt (HbConfig *config, GDateTime *now, const char *ref, const HbDocumentRow *rows,
              gsize n_rows, HbReceipt *r)
{
  *r = (HbReceipt) {
    .title = "设备测试", .service_name = "好办 · haobanctl devices test", .reference = ref,
    .applicant = "—", .terminal_id = hb_config_get_string (config, "terminal", "id"),
    .submitted_at = now, .rows = rows, .n_rows = n_rows, .language = "zh_CN",
    .next_step = "请检查：中文与数字清晰、二维码可扫、切纸/页边完整。",
  };
}

static Result
test_printer (HbConfig *config, HbDevice *d, HbDeviceKind kind, guint timeout_s)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *ref = g_date_time_format (now, "TEST-%Y%m%d-%H%M%S");
  const HbDocumentRow rows[] = {
    { "中文", "一网通办 好办 设备测试" },
    { "English", "Haoban device test 0123456789" },
    { "站点", hb_config_get_string (config, "terminal", "site") },
  };
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64) MAX (timeout_s, PRINT_MIN_S) * G_USEC_PER_SEC;
  HbReceipt receipt;
  Wait w = { 0 };
  Result r;

  test_receipt (config, now, ref, rows, G_N_ELEMENTS (rows), &receipt);
  if (kind == HB_DEVICE_KIND_RECEIPT_PRINTER && HB_IS_RECEIPT_PRINTER (d))
    {
      g_autoptr(HbTicket) ticket = hb_receipt_ticket_new (&receipt, &error);
      if (ticket == NULL)
        {
          g_autofree char *what = g_strdup_printf ("cannot make the test ticket: %s", error->message);
          report (RESULT_FAIL, kind, what, "run haobanctl doctor (fonts)");
          return RESULT_FAIL;
        }
      hb_receipt_printer_print_ticket_async (HB_RECEIPT_PRINTER (d), ticket, NULL,
                                             printed_ticket, &w);
    }
  else
    {
      g_autoptr(GBytes) pdf = hb_document_render_receipt (&receipt, HB_PAPER_A4, &error);
      if (pdf == NULL)
        {
          g_autofree char *what = g_strdup_printf ("cannot make the test page: %s", error->message);
          report (RESULT_FAIL, kind, what, "run haobanctl doctor (fonts)");
          return RESULT_FAIL;
        }
      hb_printer_print_async (HB_PRINTER (d), pdf, "好办设备测试页", NULL, printed, &w);
    }
  if (!wait_flag (&w.done, deadline))
    {
      /* Cancel so the page cannot come out later; let the cancellation land. */
      hb_device_cancel (d);
      wait_flag (&w.done, g_get_monotonic_time () + 5 * G_USEC_PER_SEC);
      report (r = RESULT_FAIL, kind, "the printer did not confirm the page in time",
              fix_for (kind, hb_device_get_status (d), NULL));
    }
  else if (w.error)
    {
      g_autofree char *what = g_strdup_printf ("%s: %s", hb_device_get_name (d), w.error->message);
      report (r = RESULT_FAIL, kind, what, fix_for (kind, hb_device_get_status (d), w.error));
    }
  else
    {
      g_autofree char *what = g_strdup_printf ("%s printed a test %s (job %u): check it",
                                               hb_device_get_name (d),
                                               kind == HB_DEVICE_KIND_PRINTER ? "page" : "ticket",
                                               w.job);
      report (r = RESULT_PASS, kind, what, NULL);
    }
  g_clear_error (&w.error);
  return r;
}

/* --- command ----------------------------------------------------------------------------- */

static HbDeviceManager *
start_devices (HbConfig *c, GError **error)
{
  HbDeviceMode mode = HB_DEVICE_MODE_VIRTUAL;
  g_autofree char *socket = hb_config_dup_sim_socket (c);
  g_autofree char *spool = hb_config_dup_spool_dir (c);
  g_autoptr(HbDeviceManager) devices = NULL;

  /* Exactly as the kiosk sets them up (kiosk/hb-core.c finish_start). */
  hb_device_mode_from_string (hb_config_get_string (c, "devices", "mode"), &mode);
  if (g_mkdir_with_parents (spool, 0700) != 0)
    g_message ("devices: cannot create %s", spool);
  devices = hb_device_manager_new (mode, socket, spool);
  if (hb_config_get_string (c, "devices", "idcard_serial"))
    hb_device_manager_set_idcard_serial (devices, hb_config_get_string (c, "devices", "idcard_serial"),
                                         (guint) hb_config_get_int (c, "devices", "idcard_baud"));
  if (hb_config_get_string (c, "devices", "scanner_serial"))
    hb_device_manager_set_scanner_serial (devices, hb_config_get_string (c, "devices", "scanner_serial"),
                                          (guint) hb_config_get_int (c, "devices", "scanner_baud"));
  if (hb_config_get_string (c, "devices", "camera"))
    hb_device_manager_set_camera (devices, hb_config_get_string (c, "devices", "camera"));
  if (hb_config_get_string (c, "devices", "cups_queue") ||
      hb_config_get_string (c, "devices", "cups_server"))
    hb_device_manager_set_cups (devices, hb_config_get_string (c, "devices", "cups_server"),
                                hb_config_get_string (c, "devices", "cups_queue"));
  if (!hb_device_manager_start (devices, error))
    return NULL;
  return g_steal_pointer (&devices);
}

int
hb_devices_command_run (HbConfig *config, int argc, char **argv)
{
  const char *which = "all";
  guint timeout_s = DEFAULT_TIMEOUT_S;
  gboolean all, kinds[HB_DEVICE_N_KINDS] = { FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(HbDeviceManager) devices = NULL;
  gint64 pid = 0;
  guint failed = 0, passed = 0;
  gboolean virtual_mode;

  if (argc < 1 || !g_str_equal (argv[0], "test"))
    return usage ();
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--timeout") && i + 1 < argc)
        {
          guint64 t = 0;
          if (!g_ascii_string_to_unsigned (argv[++i], 10, 1, 600, &t, NULL))
            return usage ();
          timeout_s = (guint) t;
        }
      else if (argv[i][0] != '-' && i == 1)
        which = argv[i];
      else
        return usage ();
    }
  all = g_str_equal (which, "all");
  if (all)
    for (int k = 0; k < HB_DEVICE_N_KINDS; k++)
      kinds[k] = TRUE;
  else
    {
      HbDeviceKind kind;
      if (!hb_device_kind_from_string (which, &kind))
        return usage ();
      kinds[kind] = TRUE;
    }

  if (hb_doctor_kiosk_running (config, &pid))
    {
      fprintf (stderr,
               "haobanctl: the kiosk is running (pid %" G_GINT64_FORMAT ") and owns the devices.\n"
               "  Test them on its maintenance dashboard (staff entry, 设备: 测试读卡 / 测试扫码 /\n"
               "  测试打印), or stop"
               " the kiosk (systemctl stop haoban-kiosk) and run haobanctl devices test again.\n",
               pid);
      return 1;
    }

  devices = start_devices (config, &error);
  if (devices == NULL)
    {
      fprintf (stderr, "haobanctl: devices: %s\n", error->message);
      return 1;
    }
  virtual_mode = hb_device_manager_get_mode (devices) == HB_DEVICE_MODE_VIRTUAL;

  for (int k = 0; k < HB_DEVICE_N_KINDS; k++)
    {
      Result r = RESULT_FAIL;
      HbDevice *d;
      if (!kinds[k])
        continue;
      d = ready_device (devices, config, k, all, &r);
      if (d != NULL)
        {
          switch (k)
            {
            case HB_DEVICE_KIND_IDCARD:
              r = test_idcard (d, timeout_s, virtual_mode);
              break;
            case HB_DEVICE_KIND_SCANNER:
              r = test_scanner (d, timeout_s, virtual_mode);
              break;
            default:
              r = test_printer (config, d, k, timeout_s);
              break;
            }
        }
      if (r == RESULT_FAIL)
        failed++;
      else if (r == RESULT_PASS)
        passed++;
    }
  hb_device_manager_stop (devices);
  printf ("devices test: %u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
