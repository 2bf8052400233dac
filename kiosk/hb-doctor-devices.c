/* hb-doctor-devices.c — the doctor's device checks: is what the configuration names there
 * and usable by this user (a USB id the drivers know in sysfs, a tty that exists and opens,
 * a CUPS queue that cupsd knows), and — when the kiosk runs — what the kiosk says of it.
 * Nothing here opens a device: the kiosk may own it (haobanctl devices test does that). */
#include "kiosk/hb-doctor-private.h"
#include "drivers/hb-device-manager.h"
#include "drivers/idcard/hb-sam-card-reader.h"
#include "drivers/scanner/hb-usb-scanner.h"
#include "drivers/printer/hb-escpos-printer.h"

#include <cups/cups.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define CUPS_TIMEOUT_MS 3000
#define SYSFS_MAX_ENTRIES 512

typedef struct {
  HbDoctorLevel level;
  char         *what;
  char         *fix;
} Finding;

static void
finding_set (Finding *f, HbDoctorLevel level, const char *fix, char *what /* owned */)
{
  g_free (f->what);
  g_free (f->fix);
  f->level = level;
  f->what = what;
  f->fix = g_strdup (fix);
}

static char *
read_small (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &data, &len, NULL) || len > 64)
    return NULL;
  return g_strstrip (g_steal_pointer (&data));
}

/* The first USB device in sysfs whose id is in the driver's table: "VID:PID at NAME"
 * (transfer full), or NULL. *node gets its /dev/bus/usb path when sysfs names one. */
static char *
find_usb (const char *sys_dir, GType driver, char **node)
{
  HbDeviceClass *klass = g_type_class_ref (driver);
  g_autoptr(GDir) dir = g_dir_open (sys_dir, 0, NULL);
  const char *name;
  char *found = NULL;
  guint n = 0;

  *node = NULL;
  while (dir && found == NULL && (name = g_dir_read_name (dir)) != NULL && n++ < SYSFS_MAX_ENTRIES)
    {
      g_autofree char *path = g_build_filename (sys_dir, name, NULL);
      g_autofree char *vid_s = read_small (path, "idVendor");
      g_autofree char *pid_s = read_small (path, "idProduct");
      guint64 vid, pid;

      if (vid_s == NULL || pid_s == NULL ||
          !g_ascii_string_to_unsigned (vid_s, 16, 0, 0xffff, &vid, NULL) ||
          !g_ascii_string_to_unsigned (pid_s, 16, 0, 0xffff, &pid, NULL))
        continue;
      for (const HbDeviceIdEntry *e = klass->id_table;
           e && (e->vid != 0 || e->virtual_id != NULL); e++)
        if (e->vid != 0 && e->vid == vid && e->pid == pid)
          {
            g_autofree char *bus = read_small (path, "busnum");
            g_autofree char *dev = read_small (path, "devnum");
            guint64 b, d;
            found = g_strdup_printf ("USB %04x:%04x at %s", (guint) vid, (guint) pid, name);
            if (bus && dev && g_ascii_string_to_unsigned (bus, 10, 1, 999, &b, NULL) &&
                g_ascii_string_to_unsigned (dev, 10, 1, 999, &d, NULL))
              *node = g_strdup_printf ("/dev/bus/usb/%03u/%03u", (guint) b, (guint) d);
            break;
          }
    }
  g_type_class_unref (klass);
  return found;
}

static const char *
kind_label (HbDeviceKind kind)
{
  switch (kind)
    {
    case HB_DEVICE_KIND_IDCARD:          return "ID card reader";
    case HB_DEVICE_KIND_SCANNER:         return "QR scanner";
    case HB_DEVICE_KIND_PRINTER:         return "A4 printer";
    case HB_DEVICE_KIND_RECEIPT_PRINTER:
    default:                             return "receipt printer";
    }
}

static void
check_usb (HbDoctorRun *run, HbDeviceKind kind, GType driver, Finding *f, HbDoctorLevel absent)
{
  g_autofree char *node = NULL;
  g_autofree char *found = find_usb (run->opts->sys_usb_dir, driver, &node);

  if (found == NULL)
    {
      g_autofree char *fix = g_strdup_printf (
        "check the %s's USB cable and power, then lsusb: its VID:PID must be one the drivers "
        "know (docs/device-status.md, the drivers' id tables)%s", kind_label (kind),
        kind == HB_DEVICE_KIND_IDCARD ? "; a reader behind a USB-serial bridge needs "
                                        "[devices] idcard_serial" : "");
      finding_set (f, absent, fix, g_strdup_printf ("no known %s on USB", kind_label (kind)));
      return;
    }
  if (node && g_file_test (node, G_FILE_TEST_EXISTS) && g_access (node, R_OK | W_OK) != 0)
    {
      g_autofree char *fix = g_strdup_printf ("install Haoban's udev rules (they give the "
                                              "haoban user its devices), then unplug and "
                                              "replug it; ls -l %s", node);
      finding_set (f, HB_DOCTOR_FAIL, fix,
                   g_strdup_printf ("%s: %s is not accessible by this user", found, node));
      return;
    }
  finding_set (f, HB_DOCTOR_OK, NULL, g_strdup_printf ("%s present", found));
}

/* A tty or a V4L2 node named by the config. */
static void
check_path (HbDoctorRun *run, HbDeviceKind kind, const char *key, const char *path, Finding *f)
{
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *fix = g_strdup_printf ("plug the %s in (check its cable and power), or "
                                              "correct [devices] %s: ls -l /dev/serial/by-id/ "
                                              "/dev/v4l/by-id/ list what is there",
                                              kind_label (kind), key);
      finding_set (f, HB_DOCTOR_FAIL, fix,
                   g_strdup_printf ("%s (devices.%s) does not exist", path, key));
      return;
    }
  if (g_access (path, R_OK | W_OK) != 0)
    {
      int saved = errno;
      g_autofree char *fix = g_strdup_printf ("give the kiosk's user the device: install "
                                              "Haoban's udev rules (or add the user to group "
                                              "%s), then replug; ls -l %s",
                                              g_str_equal (key, "camera") ? "video" : "dialout",
                                              path);
      finding_set (f, HB_DOCTOR_FAIL, fix,
                   g_strdup_printf ("%s (devices.%s) is not accessible: %s", path, key,
                                    g_strerror (saved)));
      return;
    }
  finding_set (f, HB_DOCTOR_OK, NULL, g_strdup_printf ("%s (devices.%s) present", path, key));
}

static void
check_cups (HbDoctorRun *run, Finding *f)
{
  const char *server = hb_config_get_string (run->config, "devices", "cups_server");
  const char *queue = hb_config_get_string (run->config, "devices", "cups_queue");
  g_autofree char *where = NULL;
  http_t *http;
  cups_dest_t *dest;

  /* Per thread in libcups: only this thread's server changes. */
  cupsSetServer (server);
  where = g_strdup (cupsServer ());
  http = httpConnect2 (cupsServer (), ippPort (), NULL, AF_UNSPEC, cupsEncryption (), 1,
                       CUPS_TIMEOUT_MS, NULL);
  if (http == NULL)
    {
      finding_set (f, HB_DOCTOR_FAIL,
                   "start CUPS (systemctl start cups) or correct [devices] cups_server",
                   g_strdup_printf ("cupsd does not answer at %s", where));
      cupsSetServer (NULL);
      return;
    }
  httpSetTimeout (http, CUPS_TIMEOUT_MS / 1000.0, NULL, NULL);
  dest = cupsGetNamedDest (http, queue, NULL);
  if (dest == NULL)
    {
      g_autofree char *fix = g_strdup_printf (
        "add the printer to CUPS (lpadmin -p %s -E -v URI -m everywhere; lpinfo -v lists "
        "URIs) or correct [devices] cups_queue; lpstat -p lists the queues",
        queue ? queue : "NAME");
      finding_set (f, HB_DOCTOR_FAIL, fix,
                   g_strdup_printf ("no CUPS queue %s on %s", queue ? queue : "(default)",
                                    where));
    }
  else
    {
      const char *state = cupsGetOption ("printer-state", dest->num_options, dest->options);
      const char *reasons = cupsGetOption ("printer-state-reasons", dest->num_options,
                                           dest->options);
      gboolean stopped = g_strcmp0 (state, "5") == 0;
      gboolean has_reasons = reasons && *reasons && !g_str_equal (reasons, "none");
      if (stopped)
        {
          g_autofree char *fix = g_strdup_printf ("fix what the reasons say, then cupsenable %s",
                                                  dest->name);
          finding_set (f, HB_DOCTOR_FAIL, fix,
                       g_strdup_printf ("CUPS queue %s on %s is stopped (%s)", dest->name,
                                        where, has_reasons ? reasons : "no reason given"));
        }
      else if (has_reasons)
        finding_set (f, HB_DOCTOR_WARN,
                     "look at the printer (paper, toner, cover); lpstat -l -p shows the queue",
                     g_strdup_printf ("CUPS queue %s on %s: %s", dest->name, where, reasons));
      else
        finding_set (f, HB_DOCTOR_OK, NULL,
                     g_strdup_printf ("CUPS queue %s on %s is ready", dest->name, where));
      cupsFreeDests (1, dest);
    }
  httpClose (http);
  cupsSetServer (NULL);
}

/* What the running kiosk reports for kind, or NULL. */
static JsonObject *
kiosk_device (HbDoctorRun *run, HbDeviceKind kind)
{
  JsonArray *devs;
  if (run->kiosk == NULL || !json_object_has_member (run->kiosk, "devices") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (run->kiosk, "devices")))
    return NULL;
  devs = json_object_get_array_member (run->kiosk, "devices");
  for (guint i = 0; i < json_array_get_length (devs); i++)
    {
      JsonNode *n = json_array_get_element (devs, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      if (o && g_strcmp0 (hb_doctor_member_string (o, "kind", NULL),
                          hb_device_kind_to_string (kind)) == 0)
        return o;
    }
  return NULL;
}

/* Fold the kiosk's view into f (f says the device is there). */
static void
apply_kiosk_status (HbDoctorRun *run, HbDeviceKind kind, Finding *f)
{
  JsonObject *d = kiosk_device (run, kind);
  const char *status, *detail, *paper;
  g_autofree char *seen = NULL;

  if (d == NULL)
    return;
  status = hb_doctor_member_string (d, "status", "?");
  detail = hb_doctor_member_string (d, "detail", NULL);
  paper = hb_doctor_member_string (d, "paper", NULL);
  seen = g_strdup_printf ("%s; the kiosk reports %s%s%s%s%s", f->what, status,
                          detail ? " (" : "", detail ? detail : "", detail ? ")" : "",
                          g_strcmp0 (paper, "low") == 0 ? ", paper low" : "");

  if (g_str_equal (status, "user-error"))
    finding_set (f, HB_DOCTOR_WARN,
                 kind == HB_DEVICE_KIND_IDCARD || kind == HB_DEVICE_KIND_SCANNER
                   ? "look at the device (a card left on it, a cover open); it recovers by itself"
                   : "load paper / close the cover; the status returns to online by itself",
                 g_steal_pointer (&seen));
  else if (g_str_equal (status, "no-device"))
    finding_set (f, HB_DOCTOR_FAIL,
                 "check the cable and power (lsusb); the kiosk picks the device up when it is "
                 "plugged in",
                 g_steal_pointer (&seen));
  else if (g_str_equal (status, "hardware-error"))
    finding_set (f, HB_DOCTOR_FAIL,
                 "power-cycle the device; if it stays, replace it — the kiosk log "
                 "(data_dir/logs/haoban.log) says what failed",
                 g_steal_pointer (&seen));
  else if (g_str_equal (status, "offline"))
    finding_set (f, HB_DOCTOR_WARN, "restart the kiosk (systemctl restart haoban-kiosk)",
                 g_steal_pointer (&seen));
  else if (g_strcmp0 (paper, "low") == 0)
    finding_set (f, HB_DOCTOR_WARN, "refill the paper soon", g_steal_pointer (&seen));
  else
    {
      g_free (f->what);
      f->what = g_steal_pointer (&seen);
    }
}

static void
check_kind (HbDoctorRun *run, HbDeviceKind kind, gboolean real)
{
  HbConfig *c = run->config;
  g_autofree char *id = g_strconcat ("device-", hb_device_kind_to_string (kind), NULL);
  gboolean cups = hb_config_get_string (c, "devices", "cups_queue") != NULL ||
                  hb_config_get_string (c, "devices", "cups_server") != NULL;
  Finding f = { HB_DOCTOR_OK, g_strdup ("virtual device (devices.mode = virtual)"), NULL };

  if (run->opts->skip_devices)
    finding_set (&f, HB_DOCTOR_OK, NULL, g_strdup ("not checked"));
  else if (kind == HB_DEVICE_KIND_PRINTER && cups)
    check_cups (run, &f);
  else if (!real)
    ;
  else if (kind == HB_DEVICE_KIND_IDCARD)
    {
      const char *tty = hb_config_get_string (c, "devices", "idcard_serial");
      if (tty)
        check_path (run, kind, "idcard_serial", tty, &f);
      else
        check_usb (run, kind, HB_TYPE_SAM_CARD_READER, &f, HB_DOCTOR_FAIL);
    }
  else if (kind == HB_DEVICE_KIND_SCANNER)
    {
      const char *tty = hb_config_get_string (c, "devices", "scanner_serial");
      const char *camera = hb_config_get_string (c, "devices", "camera");
      if (tty)
        check_path (run, kind, "scanner_serial", tty, &f);
      else if (camera)
        check_path (run, kind, "camera", camera, &f);
      else
        /* Without a scanner residents still identify with the ID card. */
        check_usb (run, kind, HB_TYPE_USB_SCANNER, &f, HB_DOCTOR_WARN);
    }
  else if (kind == HB_DEVICE_KIND_PRINTER)
    finding_set (&f, HB_DOCTOR_WARN,
                 "add the A4 printer to CUPS and set [devices] cups_queue (docs/configuration.md)",
                 g_strdup ("no A4 printer configured: certificates and A4 receipts cannot print"));
  else
    {
      gboolean roll = g_strcmp0 (hb_config_get_string (c, "devices", "receipt_paper"), "roll") == 0;
      check_usb (run, kind, HB_TYPE_ESCPOS_PRINTER, &f, roll ? HB_DOCTOR_FAIL : HB_DOCTOR_WARN);
    }

  if (!run->opts->skip_devices && f.level != HB_DOCTOR_FAIL)
    apply_kiosk_status (run, kind, &f);
  /* Through hb_doctor_add: the kiosk's detail text is outside bytes (one line, bounded). */
  hb_doctor_add (run, id, f.level, f.fix, "%s", f.what);
  g_free (f.what);
  g_free (f.fix);
}

void
hb_doctor_check_devices (HbDoctorRun *run)
{
  HbDeviceMode mode = HB_DEVICE_MODE_VIRTUAL;

  hb_device_mode_from_string (hb_config_get_string (run->config, "devices", "mode"), &mode);
  for (int kind = 0; kind < HB_DEVICE_N_KINDS; kind++)
    check_kind (run, kind, mode == HB_DEVICE_MODE_REAL);
}
