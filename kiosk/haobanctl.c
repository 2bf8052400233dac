/* haobanctl — the terminal without a display, for staff, technicians and tests.
 *
 *   haobanctl [--config FILE] status [--json]
 *   haobanctl sim card-insert [--sample N] | card-remove | scan TEXT | scan --sample N
 *                 | paper-out on|off | unplug KIND | plug KIND | status
 *   haobanctl catalog list [--json] | catalog search TEXT [--json] | catalog stats [--json]
 *   haobanctl outbox [list [--state S] [--json] | retry KEY|--all | park KEY [--reason T]]
 *   haobanctl sync [--once] [--timeout S]
 *   haobanctl selftest visits [--count N] [--timeout S]
 *   haobanctl doctor [--json] [--offline] | devices test [KIND|all] [--timeout S]
 *   haobanctl diagnostics export [DIR] [--offline]
 *   haobanctl audit verify [--head SEQ:HASH] [--json] | audit list [--since SEQ] [--limit N]
 *                 [--json] | audit head [--json]
 *   haobanctl maintenance pin set [--role R] | pin check | unlock | status [--json]
 *                 | staff refresh
 *   haobanctl report month [--month YYYY-MM] [--output FILE] [--upload] [--print]
 *   haobanctl code verify [--keys FILE] [--now UNIX] TEXT|-
 *   haobanctl provision --platform URL --token T|- [--terminal-id ID] [--ca FILE]
 *                 [--tls-dir DIR] [--timeout S]
 *   haobanctl config
 *
 * Exit status: 0 success, 1 the command failed, 2 usage error. */
#include "kiosk/hb-config.h"
#include "kiosk/hb-print-command.h"
#include "kiosk/hb-catalog-command.h"
#include "kiosk/hb-outbox-command.h"
#include "kiosk/hb-sync-command.h"
#include "kiosk/hb-selftest-command.h"
#include "kiosk/hb-audit-command.h"
#include "kiosk/hb-doctor-command.h"
#include "kiosk/hb-devices-command.h"
#include "kiosk/hb-diagnostics-command.h"
#include "kiosk/hb-maintenance-command.h"
#include "kiosk/hb-report-command.h"
#include "kiosk/hb-provision-command.h"
#include "kiosk/hb-i18n.h"
#include "kiosk/hb-samples.h"
#include "kiosk/hb-idcard-dump.h"
#include "kiosk/hb-person.h"
#include "kiosk/hb-offline-code.h"
#include "drivers/idcard/hb-sam-card-reader.h"
#include "drivers/idcard/hb-sam-sim.h"
#include "drivers/transport/hb-pipe-transport.h"
#include "drivers/transport/hb-serial-transport.h"
#include "drivers/transport/hb-usb-transport.h"
#include "drivers/hb-device.h"
#include "drivers/virtual/hb-sim-client.h"
#include "offline-cache/hb-store.h"
#include "offline-cache/hb-catalog.h"
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-sync.h"
#include "common/hb-json.h"

#include <curl/curl.h>
#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#define SIM_TIMEOUT_MS     5000
#define STATUS_MAX_BYTES   (256 * 1024)
#define PROBE_TIMEOUT_MS   3000

static HbConfig *config;

static int
usage (void)
{
  fprintf (stderr,
           "usage: haobanctl [--config FILE] COMMAND\n"
           "  status [--json]              terminal health: devices, catalog, outbox, platform\n"
           "  sim card-insert [--sample N] place sample card N (default 1) on the virtual reader\n"
           "  sim card-remove              take the card away\n"
           "  sim scan TEXT | --sample N   the virtual scanner reads TEXT / sample code N\n"
           "  sim paper-out on|off [KIND]  the virtual printer (or receipt-printer) runs out of /\n"
           "                               gets paper\n"
           "  sim unplug KIND | plug KIND  KIND: idcard, scanner, printer, receipt-printer\n"
           "  sim status                   the virtual devices as JSON\n"
           "  idcard parse [--reveal] FILE|-      decode raw reader response frames (binary or hex)\n"
           "  idcard read [--device D] [--reveal] [--timeout S]\n"
           "                               read the card on a reader; D: usb[:VID:PID],\n"
           "                               serial:PATH[@BAUD], sim[:N] (simulated, sample card N)\n"
           "  catalog list [--json] | catalog search TEXT [--json] | catalog stats [--json]\n"
           "                               cached services; search ranks like the kiosk\n"
           "  outbox                       queued submissions: pending, parked, dead, sent\n"
           "  outbox list [--state pending|parked|dead|sent] [--json]\n"
           "                               items (key, kind, state, attempts, age, last error;\n"
           "                               never bodies)\n"
           "  outbox retry KEY|--all       parked item(s) back in the queue\n"
           "  outbox park KEY [--reason TEXT]  stop retrying a pending item\n"
           "  sync [--once] [--timeout S]  sync with the platform now (catalog, outbox,\n"
           "                               heartbeat); --once: one round and a report;\n"
           "                               exit 1 when the platform is unreachable\n"
           "  selftest visits [--count N] [--timeout S]\n"
           "                               N whole visits with virtual devices in a private\n"
           "                               data dir against the configured platform; prints\n"
           "                               queued/delivered KEY; exit 0 if all delivered once\n"
           "  code verify [--keys FILE] [--now UNIX] TEXT|-\n"
           "                               check an offline 随申码 (HB1.…); FILE: a /v1/keys\n"
           "                               document (default: the keys synced into the store);\n"
           "                               exit 0 valid, 1 not\n"
           "  print FILE|test --to doc|receipt [--printer NAME] [--cups-server HOST:PORT]\n"
           "        [--timeout S]          print a PDF on the CUPS queue (doc) or a text file on\n"
           "                               the USB receipt printer; waits for the final job state:\n"
           "                               exit 0 printed, 1 not (with the printer's reasons)\n"
           "  doctor [--json] [--offline]  what is wrong and how to fix it: config, disk, store,\n"
           "                               outbox, platform, clock, TLS, devices, fonts, kiosk;\n"
           "                               exit 1 when a check FAILs\n"
           "  devices test [idcard|scanner|printer|receipt-printer|all] [--timeout S]\n"
           "                               with the kiosk stopped: read a card, a scan, a test\n"
           "                               page on each printer; PASS/FAIL with what to do\n"
           "  diagnostics export [DIR] [--offline]\n"
           "                               logs (masked), config (no secrets), status, outbox,\n"
           "                               doctor's report as DIR/haoban-diag-*.tar.gz\n"
           "  audit verify [--head SEQ:HASH] [--json]\n"
           "                               check the audit log's SM3 chain and anchor (and a\n"
           "                               head held by the platform): exit 0 intact, 1 not\n"
           "  audit list [--since SEQ] [--limit N] [--json] | audit head [--json]\n"
           "                               audit records (newest N, or after SEQ); the head\n"
           "  maintenance pin set [--role staff|technician] | pin check | unlock\n"
           "        | status [--json] | staff refresh\n"
           "                               staff entry: set a PIN (read twice from stdin), check\n"
           "                               one, clear a lockout, the lockout and staff allow-list\n"
           "  report month [--month YYYY-MM] [--output FILE] [--upload] [--print]\n"
           "        [--printer NAME] [--cups-server HOST:PORT] [--timeout S]\n"
           "                               the monthly operations report (运营报告) PDF from this\n"
           "                               terminal's counters; upload to the platform (queued\n"
           "                               when offline) and/or print it on the A4 printer\n"
           "  provision --platform URL --token T|- [--terminal-id ID] [--ca FILE]\n"
           "        [--tls-dir DIR] [--timeout S]\n"
           "                               register this terminal: key pair and CSR made here,\n"
           "                               certificate installed, config updated, connection\n"
           "                               checked (T -: read the token from stdin)\n"
           "  config                       every setting and where it came from\n");
  return 2;
}

static int
fail (const char *what, const GError *error)
{
  fprintf (stderr, "haobanctl: %s: %s\n", what, error ? error->message : "failed");
  return 1;
}

/* --- sim ------------------------------------------------------------------------- */

static guint
parse_sample_option (int argc, char **argv, int *i)
{
  if (*i + 1 < argc && g_str_equal (argv[*i], "--sample"))
    {
      guint64 n = 0;
      if (!g_ascii_string_to_unsigned (argv[*i + 1], 10, 1, 1000, &n, NULL))
        return 0;
      *i += 2;
      return (guint) n;
    }
  return 1;
}

static int
sim_send (const char *line)
{
  g_autofree char *socket = hb_config_dup_sim_socket (config);
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = hb_sim_client_send (socket, line, SIM_TIMEOUT_MS, &error);
  if (reply == NULL)
    return fail (socket, error);
  if (*reply)
    printf ("%s\n", reply);
  return 0;
}

static int
cmd_sim (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  const char *what;
  int i = 1;

  if (argc < 1)
    return usage ();
  what = argv[0];

  if (g_str_equal (what, "card-insert"))
    {
      guint n = parse_sample_option (argc, argv, &i);
      g_autofree char *json = NULL;
      if (n == 0 || i != argc)
        return usage ();
      json = hb_samples_card_json (hb_config_get_share_dir (config), n, &error);
      if (json == NULL)
        return fail ("card-insert", error);
      g_autofree char *line = g_strconcat ("CARD-INSERT ", json, NULL);
      return sim_send (line);
    }
  if (g_str_equal (what, "card-remove") && argc == 1)
    return sim_send ("CARD-REMOVE");
  if (g_str_equal (what, "scan") && argc >= 2)
    {
      g_autofree char *text = NULL;
      if (g_str_equal (argv[1], "--sample"))
        {
          guint n = parse_sample_option (argc, argv, &i);
          if (n == 0 || i != argc)
            return usage ();
          text = hb_samples_code_text (hb_config_get_share_dir (config), n, &error);
          if (text == NULL)
            return fail ("scan", error);
        }
      else if (argc == 2)
        text = g_strdup (argv[1]);
      else
        return usage ();
      g_autofree char *line = g_strconcat ("SCAN ", text, NULL);
      return sim_send (line);
    }
  if (g_str_equal (what, "paper-out") && (argc == 2 || argc == 3) &&
      (g_str_equal (argv[1], "on") || g_str_equal (argv[1], "off")) &&
      (argc == 2 || g_str_equal (argv[2], "printer") || g_str_equal (argv[2], "receipt-printer")))
    {
      g_autofree char *line = g_strconcat ("PAPER-OUT ", argv[1], argc == 3 ? " " : "",
                                           argc == 3 ? argv[2] : "", NULL);
      return sim_send (line);
    }
  if ((g_str_equal (what, "unplug") || g_str_equal (what, "plug")) && argc == 2)
    {
      HbDeviceKind kind;
      if (!hb_device_kind_from_string (argv[1], &kind))
        {
          fprintf (stderr, "haobanctl: unknown device kind '%s' (idcard, scanner, printer, receipt-printer)\n", argv[1]);
          return 2;
        }
      g_autofree char *verb = g_ascii_strup (what, -1);
      g_autofree char *line = g_strconcat (verb, " ", argv[1], NULL);
      return sim_send (line);
    }
  if (g_str_equal (what, "status") && argc == 1)
    return sim_send ("STATUS");
  return usage ();
}

/* --- idcard ------------------------------------------------------------------------- */

static int
print_cards (GPtrArray *cards, gboolean reveal)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; i < cards->len; i++)
    json_builder_add_value (b, hb_idcard_dump_to_json (cards->pdata[i], reveal));
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
  if (reveal)
    explicit_bzero (text, strlen (text));
  return 0;
}

static int
cmd_idcard_parse (const char *path, gboolean reveal)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  if (g_str_equal (path, "-"))
    {
      /* Bounded read of stdin. */
      GString *in = g_string_new (NULL);
      char buf[65536];
      size_t n;
      while ((n = fread (buf, 1, sizeof buf, stdin)) > 0 && in->len <= HB_IDCARD_DUMP_MAX)
        g_string_append_len (in, buf, (gssize) n);
      length = in->len;
      data = g_string_free (in, FALSE);
    }
  else if (!g_file_get_contents (path, &data, &length, &error))
    return fail (path, error);

  cards = hb_idcard_dump_parse ((const guint8 *) data, length, &error);
  explicit_bzero (data, length);
  if (cards == NULL)
    return fail (g_str_equal (path, "-") ? "stdin" : path, error);
  return print_cards (cards, reveal);
}

static GBytes *
sim_peer (const guint8 *data, gsize len, gpointer user_data)
{
  return hb_sam_sim_process (user_data, data, len);
}

/* A transport for --device. */
static HbTransport *
open_device_transport (const char *spec, GError **error)
{
  if (g_str_has_prefix (spec, "serial:"))
    {
      g_autofree char *path = g_strdup (spec + strlen ("serial:"));
      char *at = strrchr (path, '@');
      guint64 baud = (guint64) hb_config_get_int (config, "devices", "idcard_baud");
      if (at)
        {
          *at = '\0';
          if (!g_ascii_string_to_unsigned (at + 1, 10, 300, 4000000, &baud, error))
            return NULL;
        }
      return HB_TRANSPORT (hb_serial_transport_new (path, (guint) baud));
    }
  if (g_str_has_prefix (spec, "sim"))
    {
      guint64 n = 1;
      g_autofree char *json = NULL;
      g_autoptr(HbIdCard) card = NULL;
      HbSamSim *sim;
      if (spec[3] == ':' && !g_ascii_string_to_unsigned (spec + 4, 10, 1, 1000, &n, error))
        return NULL;
      json = hb_samples_card_json (hb_config_get_share_dir (config), (guint) n, error);
      if (json == NULL)
        return NULL;
      card = hb_idcard_new_from_json_data (json, -1, error);
      hb_secure_free (g_steal_pointer (&json));
      if (card == NULL)
        return NULL;
      sim = hb_sam_sim_new ();
      hb_sam_sim_set_card (sim, card, card->address_appended);
      return HB_TRANSPORT (hb_pipe_transport_new (sim_peer, sim, (GDestroyNotify) hb_sam_sim_free));
    }
  if (g_str_has_prefix (spec, "usb"))
    {
      /* First device whose id matches: the given VID:PID, else the driver's id table. */
      static libusb_context *ctx;
      libusb_device **list = NULL;
      ssize_t count;
      guint vid = 0, pid = 0;
      HbTransport *transport = NULL;
      HbDeviceClass *klass = g_type_class_ref (HB_TYPE_SAM_CARD_READER);

      if (spec[3] == ':' && sscanf (spec + 4, "%x:%x", &vid, &pid) != 2)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "usb device: expected usb:VID:PID in hex, e.g. usb:0400:c35a");
          g_type_class_unref (klass);
          return NULL;
        }
      if (ctx == NULL && libusb_init (&ctx) != 0)
        {
          g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE, "USB is not available");
          g_type_class_unref (klass);
          return NULL;
        }
      count = libusb_get_device_list (ctx, &list);
      for (ssize_t i = 0; i < count && transport == NULL; i++)
        {
          struct libusb_device_descriptor d;
          if (libusb_get_device_descriptor (list[i], &d) != 0)
            continue;
          for (const HbDeviceIdEntry *e = klass->id_table; e->vid != 0 && transport == NULL; e++)
            if ((vid ? d.idVendor == vid && d.idProduct == pid
                     : d.idVendor == e->vid && d.idProduct == e->pid))
              transport = HB_TRANSPORT (hb_usb_transport_new (list[i],
                                                              hb_usb_transport_detect_layout (list[i]),
                                                              HB_SAM_HEADER_LEN));
        }
      if (list)
        libusb_free_device_list (list, 1);
      g_type_class_unref (klass);
      if (transport == NULL)
        g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE,
                     "no ID card reader found on USB");
      return transport;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "unknown device \"%s\" (usb[:VID:PID], serial:PATH[@BAUD], sim[:N])", spec);
  return NULL;
}

static int
cmd_idcard_read (const char *spec, gboolean reveal, guint timeout_s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbTransport) transport = NULL;
  g_autoptr(HbSamLink) link = NULL;
  g_autoptr(GPtrArray) cards = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_idcard_free);
  HbSamTiming timing;
  HbSamResponse r;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  HbIdCard *card = NULL;

  g_autofree char *configured = NULL;

  if (spec == NULL)
    {
      /* A reader behind a USB-serial bridge is configured by its tty; else look on USB. */
      const char *serial = hb_config_get_string (config, "devices", "idcard_serial");
      configured = serial ? g_strconcat ("serial:", serial, NULL) : g_strdup ("usb");
      spec = configured;
    }
  transport = open_device_transport (spec, &error);
  if (transport == NULL || !hb_transport_open (transport, &error))
    return fail ("idcard read", error);

  hb_sam_timing_init (&timing);
  link = hb_sam_link_new (transport, timing.retries);
  if (!hb_sam_link_expect (link, HB_SAM_CMD_STATUS, HB_SAM_SW3_OK, timing.command_timeout_ms,
                           NULL, &r, &error))
    return fail ("SAM status", error);

  fprintf (stderr, "haobanctl: waiting up to %u s for a card on %s…\n", timeout_s,
           hb_transport_get_description (transport));
  while (card == NULL)
    {
      if (!hb_sam_link_command (link, HB_SAM_CMD_FIND, NULL, 0, timing.command_timeout_ms,
                                NULL, &r, &error))
        return fail ("find card", error);
      if (r.sw3 == HB_SAM_SW3_FIND_OK)
        {
          card = hb_sam_read_card (link, &timing, NULL, &error);
          if (card == NULL)
            return fail ("read card", error);
          break;
        }
      if (g_get_monotonic_time () >= deadline)
        {
          fprintf (stderr, "haobanctl: no card within %u s\n", timeout_s);
          return 1;
        }
      g_usleep ((gulong) timing.poll_ms * 1000);
    }
  g_ptr_array_add (cards, card);
  return print_cards (cards, reveal);
}

static int
cmd_idcard (int argc, char **argv)
{
  gboolean reveal = FALSE;
  const char *device = NULL, *file = NULL;
  guint64 timeout_s = 30;

  if (argc < 1)
    return usage ();
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--reveal"))
        reveal = TRUE;
      else if (g_str_equal (argv[i], "--device") && i + 1 < argc)
        device = argv[++i];
      else if (g_str_equal (argv[i], "--timeout") && i + 1 < argc)
        {
          if (!g_ascii_string_to_unsigned (argv[++i], 10, 1, 3600, &timeout_s, NULL))
            return usage ();
        }
      else if (file == NULL && !g_str_has_prefix (argv[i], "--"))
        file = argv[i];
      else if (file == NULL && g_str_equal (argv[i], "-"))
        file = argv[i];
      else
        return usage ();
    }
  if (g_str_equal (argv[0], "parse") && file != NULL && device == NULL)
    return cmd_idcard_parse (file, reveal);
  if (g_str_equal (argv[0], "read") && file == NULL)
    return cmd_idcard_read (device, reveal, (guint) timeout_s);
  return usage ();
}

/* --- status ------------------------------------------------------------------------ */

static size_t
discard (char *ptr, size_t size, size_t nmemb, void *user)
{
  return size * nmemb;
}

/* Is the platform there? A conditional catalog request is the cheapest real call. */
static gboolean
probe_platform (const char *url, const char *etag, long *http_status, double *seconds)
{
  g_autofree char *full = g_strconcat (url, "/v1/catalog", NULL);
  g_autofree char *tid = g_strconcat ("X-Terminal-Id: ",
                                      hb_config_get_string (config, "terminal", "id"), NULL);
  g_autofree char *inm = etag ? g_strconcat ("If-None-Match: ", etag, NULL) : NULL;
  struct curl_slist *h = NULL;
  CURL *c = curl_easy_init ();
  CURLcode rc;

  h = curl_slist_append (h, tid);
  if (inm)
    h = curl_slist_append (h, inm);
  curl_easy_setopt (c, CURLOPT_URL, full);
  curl_easy_setopt (c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT_MS, (long) PROBE_TIMEOUT_MS);
  curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, (long) PROBE_TIMEOUT_MS);
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, discard);
  rc = curl_easy_perform (c);
  *http_status = 0;
  *seconds = 0;
  if (rc == CURLE_OK)
    {
      curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, http_status);
      curl_easy_getinfo (c, CURLINFO_TOTAL_TIME, seconds);
    }
  curl_slist_free_all (h);
  curl_easy_cleanup (c);
  return rc == CURLE_OK && *http_status > 0 && *http_status < 500;
}

/* The running kiosk's last published status, if a kiosk is alive. */
static JsonObject *
read_kiosk_status (gint64 *age_s)
{
  g_autofree char *path = hb_config_dup_data_path (config, "status.json");
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr(JsonObject) o = NULL;
  GStatBuf st;
  gint64 pid;

  if (!g_file_get_contents (path, &data, &length, NULL) || g_stat (path, &st) != 0)
    return NULL;
  o = hb_json_parse_object (data, (gssize) length, STATUS_MAX_BYTES, HB_JSON_DEFAULT_MAX_DEPTH, NULL);
  if (o == NULL)
    return NULL;
  pid = json_object_get_int_member_with_default (o, "pid", 0);
  if (pid <= 0 || kill ((pid_t) pid, 0) != 0)
    return NULL;
  *age_s = g_get_real_time () / G_USEC_PER_SEC - st.st_mtime;
  return g_steal_pointer (&o);
}

static void
add_member (JsonBuilder *b, JsonObject *from, const char *name)
{
  JsonNode *n = from ? json_object_get_member (from, name) : NULL;
  json_builder_set_member_name (b, name);
  if (n)
    json_builder_add_value (b, json_node_copy (n));
  else
    json_builder_add_null_value (b);
}

static int
cmd_status (gboolean as_json)
{
  g_autofree char *db = hb_config_dup_db_path (config);
  g_autofree char *key = hb_config_dup_key_path (config);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbStore) store = NULL;
  g_autoptr(HbCatalog) catalog = NULL;
  g_autoptr(HbOutbox) outbox = NULL;
  g_autofree char *version = NULL, *etag = NULL;
  HbOutboxStats stats = { 0 };
  gint64 age = 0;
  g_autoptr(JsonObject) kiosk = read_kiosk_status (&age);
  long http = 0;
  double secs = 0;
  const char *url = hb_config_get_string (config, "platform", "url");
  gboolean reachable;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  store = hb_store_open (db, key, &error);
  if (store == NULL)
    return fail ("store", error);
  catalog = hb_catalog_new (store);
  outbox = hb_outbox_new (store);
  version = hb_catalog_dup_version (catalog);
  etag = hb_catalog_dup_etag (catalog);
  if (!hb_outbox_get_stats (outbox, g_get_real_time () / G_USEC_PER_SEC, &stats, &error))
    return fail ("outbox", error);
  reachable = probe_platform (url, etag, &http, &secs);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "terminal_id");
  json_builder_add_string_value (b, hb_config_get_string (config, "terminal", "id"));
  json_builder_set_member_name (b, "kiosk");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "running");
  json_builder_add_boolean_value (b, kiosk != NULL);
  if (kiosk)
    {
      add_member (b, kiosk, "pid");
      json_builder_set_member_name (b, "status_age_s");
      json_builder_add_int_value (b, age);
    }
  json_builder_end_object (b);
  add_member (b, kiosk, "session");

  json_builder_set_member_name (b, "devices");
  if (kiosk && json_object_has_member (kiosk, "devices"))
    json_builder_add_value (b, json_node_copy (json_object_get_member (kiosk, "devices")));
  else
    {
      /* Devices belong to the running kiosk; without it nobody is driving them. */
      json_builder_begin_array (b);
      for (int k = 0; k < HB_DEVICE_N_KINDS; k++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "kind");
          json_builder_add_string_value (b, hb_device_kind_to_string (k));
          json_builder_set_member_name (b, "status");
          json_builder_add_string_value (b, hb_device_status_to_string (HB_DEVICE_STATUS_OFFLINE));
          json_builder_set_member_name (b, "detail");
          json_builder_add_string_value (b, "kiosk not running");
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }

  json_builder_set_member_name (b, "catalog");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  if (version)
    json_builder_add_string_value (b, version);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "services");
  json_builder_add_int_value (b, hb_catalog_count (catalog));
  json_builder_end_object (b);

  json_builder_set_member_name (b, "outbox");
  hb_outbox_stats_build_json (&stats, b);

  json_builder_set_member_name (b, "platform");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "url");
  json_builder_add_string_value (b, url);
  json_builder_set_member_name (b, "reachable");
  json_builder_add_boolean_value (b, reachable);
  json_builder_set_member_name (b, "http_status");
  json_builder_add_int_value (b, http);
  json_builder_set_member_name (b, "probe_ms");
  json_builder_add_int_value (b, (gint64) (secs * 1000));
  if (kiosk && json_object_has_member (kiosk, "platform"))
    {
      JsonObject *p = json_object_get_object_member (kiosk, "platform");
      add_member (b, p, "last_contact");
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);

  if (as_json)
    {
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      g_autofree char *text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
      return 0;
    }

  printf ("terminal   %s (%s)\n", hb_config_get_string (config, "terminal", "id"),
          kiosk ? "kiosk running" : "kiosk not running");
  JsonArray *devs = json_object_get_array_member (json_node_get_object (root), "devices");
  for (guint i = 0; i < json_array_get_length (devs); i++)
    {
      JsonObject *d = json_array_get_object_element (devs, i);
      const char *detail = json_object_get_string_member_with_default (d, "detail", NULL);
      printf ("%-10s %s%s%s\n", json_object_get_string_member_with_default (d, "kind", "?"),
              json_object_get_string_member_with_default (d, "status", "?"),
              detail ? " — " : "", detail ? detail : "");
    }
  printf ("catalog    %s, %u services\n", version ? version : "(none)", hb_catalog_count (catalog));
  printf ("outbox     %u pending (oldest %" G_GINT64_FORMAT " s), %u dead, %u sent\n",
          stats.pending, stats.oldest_pending_age, stats.dead, stats.sent);
  printf ("platform   %s %s", url, reachable ? "reachable" : "NOT reachable");
  if (http)
    printf (" (HTTP %ld, %.0f ms)", http, secs * 1000);
  printf ("\n");
  return 0;
}

/* --- store (for code verify) ----------------------------------------------------------- */

static HbStore *
open_store (GError **error)
{
  g_autofree char *db = hb_config_dup_db_path (config);
  g_autofree char *key = hb_config_dup_key_path (config);
  return hb_store_open (db, key, error);
}

/* --- code verify ----------------------------------------------------------------------- */

/* Reads at most max bytes of path ("-": stdin); more is an error. */
static char *
read_bounded (const char *path, gsize max, gsize *length, GError **error)
{
  FILE *f = g_str_equal (path, "-") ? stdin : g_fopen (path, "rb");
  g_autofree char *buf = NULL;
  gsize n;

  if (f == NULL)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot open %s: %s",
                   path, g_strerror (saved));
      return NULL;
    }
  buf = g_malloc (max + 2);
  n = fread (buf, 1, max + 1, f);
  if (f != stdin)
    fclose (f);
  if (n > max)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE, "%s is larger than %"
                   G_GSIZE_FORMAT " bytes", path, max);
      return NULL;
    }
  buf[n] = '\0';
  *length = n;
  return g_steal_pointer (&buf);
}

static gboolean
load_keys (HbKeyring *keyring, const char *keys_file, GError **error)
{
  g_autofree char *doc = NULL;
  gsize len = 0;

  if (keys_file != NULL)
    {
      doc = read_bounded (keys_file, HB_KEYRING_MAX_BYTES, &len, error);
      if (doc == NULL)
        return FALSE;
    }
  else
    {
      /* The keys sync last accepted. None yet: an empty keyring (every code unknown-key). */
      g_autoptr(HbStore) store = open_store (error);
      if (store == NULL)
        return FALSE;
      doc = hb_store_dup_keys_document (store, &len);
      if (doc == NULL)
        return TRUE;
    }
  return hb_keyring_load_json (keyring, doc, len, error);
}

static int
cmd_code (int argc, char **argv)
{
  const char *keys_file = NULL, *text_arg = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;
  g_autoptr(HbKeyring) keyring = hb_keyring_new ();
  g_autoptr(HbOfflineClaims) claims = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL, *out = NULL;
  gsize len = 0;
  HbCodeVerdict verdict;

  if (argc < 1 || !g_str_equal (argv[0], "verify"))
    return usage ();
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--keys") && i + 1 < argc && keys_file == NULL)
        keys_file = argv[++i];
      else if (g_str_equal (argv[i], "--now") && i + 1 < argc)
        {
          guint64 t = 0;
          if (!g_ascii_string_to_unsigned (argv[++i], 10, 0, G_MAXINT64 / 2, &t, NULL))
            return usage ();
          now = (gint64) t;
        }
      else if (text_arg == NULL && (g_str_equal (argv[i], "-") || !g_str_has_prefix (argv[i], "--")))
        text_arg = argv[i];
      else
        return usage ();
    }
  if (text_arg == NULL)
    return usage ();

  if (!load_keys (keyring, keys_file, &error))
    return fail ("keys", error);
  if (g_str_equal (text_arg, "-"))
    {
      /* Bounded read; a longer input is simply over the limit: verify says too-long. */
      text = read_bounded ("-", HB_OFFLINE_CODE_MAX_CHARS + 2, &len, &error);
      if (text == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
        return fail ("code", error);
      if (text == NULL)
        {
          len = HB_OFFLINE_CODE_MAX_CHARS + 1;
          text = g_strnfill (len, '.');
        }
      while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        text[--len] = '\0';
    }
  else
    {
      text = g_strdup (text_arg);
      len = strlen (text);
    }

  verdict = hb_offline_code_verify (keyring, text, len, now, &claims);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "valid");
  json_builder_add_boolean_value (b, verdict == HB_CODE_VERDICT_OK);
  json_builder_set_member_name (b, "kind");
  if (claims)
    json_builder_add_string_value (b, hb_offline_kind_to_string (claims->kind));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "reason");
  json_builder_add_string_value (b, hb_code_verdict_to_string (verdict));
  json_builder_set_member_name (b, "exp");
  if (claims)
    json_builder_add_int_value (b, claims->exp);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  out = hb_json_to_string (root);
  printf ("%s\n", out);
  return verdict == HB_CODE_VERDICT_OK ? 0 : 1;
}

int
main (int argc, char **argv)
{
  g_autofree char *config_path = NULL;
  g_autoptr(GError) error = NULL;
  int i = 1;

  hb_i18n_init (HB_LOCALEDIR);
  if (i + 1 < argc && g_str_equal (argv[i], "--config"))
    {
      config_path = g_strdup (argv[i + 1]);
      i += 2;
    }
  else if (i < argc && g_str_has_prefix (argv[i], "--config="))
    config_path = g_strdup (argv[i++] + strlen ("--config="));
  if (i >= argc)
    return usage ();

  config = hb_config_load (config_path, &error);
  if (config == NULL && g_str_equal (argv[i], "doctor"))
    return hb_doctor_command_run (NULL, error, argc - i - 1, argv + i + 1);   /* FAIL config */
  if (config == NULL)
    return fail ("config", error);
  curl_global_init (CURL_GLOBAL_DEFAULT);

  const char *cmd = argv[i];
  int rest = argc - i - 1;
  char **rargv = argv + i + 1;
  int rc;

  if (g_str_equal (cmd, "status"))
    rc = rest == 0 ? cmd_status (FALSE)
       : (rest == 1 && g_str_equal (rargv[0], "--json")) ? cmd_status (TRUE) : usage ();
  else if (g_str_equal (cmd, "sim"))
    rc = cmd_sim (rest, rargv);
  else if (g_str_equal (cmd, "catalog"))
    rc = hb_catalog_command_run (config, rest, rargv);
  else if (g_str_equal (cmd, "idcard"))
    rc = cmd_idcard (rest, rargv);
  else if (g_str_equal (cmd, "code"))
    rc = cmd_code (rest, rargv);
  else if (g_str_equal (cmd, "print"))
    rc = hb_print_command_run (config, rest + 1, argv + i);
  else if (g_str_equal (cmd, "outbox"))
    rc = hb_outbox_command_run (config, rest, rargv);
  else if (g_str_equal (cmd, "sync"))
    rc = hb_sync_command_run (config, rest, rargv);
  else if (g_str_equal (cmd, "selftest"))
    rc = hb_selftest_command_run (config, rest, rargv);
  else if (g_str_equal (cmd, "audit"))
    rc = hb_audit_command_run (config, rest, rargv);
  else if (g_str_equal (cmd, "doctor"))
    rc = hb_doctor_command_run (config, NULL, rest, rargv);
  else if (g_str_equal (cmd, "devices"))
    rc = hb_devices_command_run (config, rest, rargv);
  else if (g_str_equal (cmd, "diagnostics"))
    rc = hb_diagnostics_command_run (config, rest, rargv);
  else if (g_str_equal (cmd, "maintenance"))
    rc = hb_maintenance_command_run (config, rest, rargv);
  else if (g_str_equal (cmd, "report"))
    rc = hb_report_command_run (config, rest, rargv);
  else if (g_str_equal (cmd, "provision"))
    rc = hb_provision_command_run (config, rest, rargv);
  else if (g_str_equal (cmd, "config") && rest == 0)
    {
      g_autofree char *dump = hb_config_dump (config);
      printf ("# source: %s\n%s", hb_config_get_source (config) ? hb_config_get_source (config)
                                                                : "(compiled defaults)", dump);
      rc = 0;
    }
  else if (g_str_equal (cmd, "--help") || g_str_equal (cmd, "help"))
    {
      usage ();
      rc = 0;
    }
  else
    rc = usage ();

  g_clear_object (&config);
  curl_global_cleanup ();
  return rc;
}
