/* test-sim-server.c — the simulator socket end to end: a real Unix socket, the real
 * client in another thread, the virtual devices behind a device manager. */
#include "drivers/hb-device-manager-private.h"
#include "drivers/virtual/hb-sim-client.h"
#include "drivers/virtual/hb-sim-protocol.h"
#include "drivers/virtual/hb-sim-server.h"
#include "tests/common/hb-test-util.h"

#include <string.h>
#include <sys/stat.h>
#include <gio/gunixsocketaddress.h>

static const char *CARD =
  "{\"type\":\"resident\",\"name\":\"马晓东\",\"sex\":\"male\",\"nation\":\"回\","
  "\"birth_date\":\"19930921\",\"address\":\"上海市浦东新区世纪大道2001号3号楼801室\","
  "\"id_number\":\"310115199309210051\",\"issuer\":\"上海市公安局浦东分局\","
  "\"valid_from\":\"20210518\",\"valid_to\":\"20310518\"}";

typedef struct
{
  char            *dir;
  char            *socket_path;
  HbDeviceManager *manager;
  GPtrArray       *card_ids;     /* id numbers seen in card-read */
  guint            removals;
  GPtrArray       *codes;
} Fixture;

static void
on_card_read (HbCardReader *reader, HbIdCard *card, gpointer user_data)
{
  g_ptr_array_add (((Fixture *) user_data)->card_ids, g_strdup (card->id_number));
}

static void
on_card_removed (HbCardReader *reader, gpointer user_data)
{
  ((Fixture *) user_data)->removals++;
}

static void
on_code (HbScanner *scanner, const char *text, gpointer user_data)
{
  g_ptr_array_add (((Fixture *) user_data)->codes, g_strdup (text));
}

static gboolean
all_online (gpointer data)
{
  HbDeviceManager *manager = data;

  for (guint k = 0; k < HB_DEVICE_N_KINDS; k++)
    {
      HbDevice *device = hb_device_manager_get_device (manager, k);
      if (device == NULL || !hb_device_is_open (device) ||
          hb_device_get_status (device) != HB_DEVICE_STATUS_ONLINE)
        return FALSE;
    }
  return TRUE;
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *spool = NULL;

  f->dir = hb_test_mkdtemp ("sim");
  f->socket_path = g_build_filename (f->dir, "run", "sim.sock", NULL);
  spool = g_build_filename (f->dir, "spool", NULL);
  f->card_ids = g_ptr_array_new_with_free_func (g_free);
  f->codes = g_ptr_array_new_with_free_func (g_free);
  f->manager = hb_device_manager_new (HB_DEVICE_MODE_VIRTUAL, f->socket_path, spool);
  if (data != NULL)
    return;   /* the test starts it */

  g_assert_true (hb_device_manager_start (f->manager, &error));
  g_assert_no_error (error);
  g_assert_true (hb_test_wait_until (all_online, f->manager, 5000));
  g_signal_connect (hb_device_manager_get_card_reader (f->manager), "card-read",
                    G_CALLBACK (on_card_read), f);
  g_signal_connect (hb_device_manager_get_card_reader (f->manager), "card-removed",
                    G_CALLBACK (on_card_removed), f);
  g_signal_connect (hb_device_manager_get_scanner (f->manager), "code-scanned",
                    G_CALLBACK (on_code), f);
}

static gboolean
nothing_pending (gpointer data)
{
  return !g_main_context_pending (NULL);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  hb_device_manager_stop (f->manager);
  /* Let the devices' close tasks finish before the objects go. */
  hb_test_wait_until (nothing_pending, NULL, 1000);
  g_clear_object (&f->manager);
  hb_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->socket_path);
  g_ptr_array_unref (f->card_ids);
  g_ptr_array_unref (f->codes);
}

/* --- the client, in a thread ----------------------------------------------------------- */

typedef struct
{
  const char *path;
  const char *line;
  guint       timeout_ms;
  char       *reply;
  GError     *error;
  gint        done;
} Send;

static gpointer
send_thread (gpointer data)
{
  Send *s = data;

  s->reply = hb_sim_client_send (s->path, s->line, s->timeout_ms, &s->error);
  g_atomic_int_set (&s->done, 1);
  return NULL;
}

static gboolean
send_done (gpointer data)
{
  return g_atomic_int_get (&((Send *) data)->done);
}

/* Sends @line while the main loop serves it; returns the reply or NULL + error. */
static char *
sim_send (Fixture *f, const char *line, GError **error)
{
  Send s = { .path = f->socket_path, .line = line, .timeout_ms = 5000 };
  GThread *thread = g_thread_new ("sim-client", send_thread, &s);

  g_assert_true (hb_test_wait_until (send_done, &s, 10000));
  g_thread_join (thread);
  if (s.error)
    g_propagate_error (error, s.error);
  return s.reply;
}

static void
sim_ok (Fixture *f, const char *line)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = sim_send (f, line, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (reply, ==, "");
}

/* A raw connection: sends @data (then half-closes if asked) and collects everything the
 * server says until it closes. */
typedef struct
{
  const char *path;
  const char *data;
  gsize       len;
  gboolean    shutdown_write;
  GString    *received;
  gboolean    closed_by_server;
  gint        done;
} Raw;

static gpointer
raw_thread (gpointer data)
{
  Raw *r = data;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_DEFAULT, NULL);
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (r->path);
  gsize sent = 0;
  char buf[1024];

  g_socket_set_timeout (socket, 10);
  if (!g_socket_connect (socket, address, NULL, NULL))
    goto out;
  while (sent < r->len)
    {
      gssize n = g_socket_send (socket, r->data + sent, r->len - sent, NULL, NULL);
      if (n <= 0)
        break;
      sent += (gsize) n;
    }
  if (r->shutdown_write)
    g_socket_shutdown (socket, FALSE, TRUE, NULL);
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (socket, buf, sizeof buf, NULL, &error);
      /* EOF, or a reset when the server closed with our unread bytes still queued. */
      if (n == 0 || (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)))
        r->closed_by_server = TRUE;
      if (n <= 0)
        break;
      g_string_append_len (r->received, buf, n);
    }
out:
  g_atomic_int_set (&r->done, 1);
  return NULL;
}

static gboolean
raw_done (gpointer data)
{
  return g_atomic_int_get (&((Raw *) data)->done);
}

static char *
raw_exchange (Fixture *f, const char *data, gsize len, gboolean shutdown_write,
              gboolean *closed_by_server)
{
  Raw r = { .path = f->socket_path, .data = data, .len = len,
            .shutdown_write = shutdown_write, .received = g_string_new (NULL) };
  GThread *thread = g_thread_new ("sim-raw", raw_thread, &r);

  g_assert_true (hb_test_wait_until (raw_done, &r, 15000));
  g_thread_join (thread);
  if (closed_by_server)
    *closed_by_server = r.closed_by_server;
  return g_string_free (r.received, FALSE);
}

/* --- tests ----------------------------------------------------------------------------- */

static JsonArray *
status_array (Fixture *f, JsonParser *parser)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = sim_send (f, "STATUS", &error);

  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, reply, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  return json_node_get_array (json_parser_get_root (parser));
}

static JsonObject *
status_of (JsonArray *array, const char *kind)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      if (g_strcmp0 (json_object_get_string_member (o, "kind"), kind) == 0)
        return o;
    }
  g_assert_not_reached ();
}

static void
test_status_returns_the_device_array (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *array = status_array (f, parser);
  const char *kinds[] = { "idcard", "scanner", "printer", "receipt-printer" };
  const char *drivers[] = { "virtual-idcard", "virtual-scanner", "virtual-printer",
                            "virtual-receipt-printer" };

  G_STATIC_ASSERT (G_N_ELEMENTS (kinds) == HB_DEVICE_N_KINDS);
  g_assert_cmpuint (json_array_get_length (array), ==, HB_DEVICE_N_KINDS);
  for (guint i = 0; i < HB_DEVICE_N_KINDS; i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, kinds[i]);
      g_assert_cmpstr (json_object_get_string_member (o, "driver"), ==, drivers[i]);
      g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "online");
    }
  g_assert_cmpstr (json_object_get_string_member (status_of (array, "idcard"), "media"), ==, "not-present");
  g_assert_cmpstr (json_object_get_string_member (status_of (array, "printer"), "paper"), ==, "full");
  g_assert_cmpstr (json_object_get_string_member (status_of (array, "receipt-printer"), "paper"),
                   ==, "full");
}

/* The virtual reader is the real SAM driver: a card laid on is read at its next poll. */
static gboolean
cards_seen (gpointer data)
{
  return ((Fixture *) data)->card_ids->len >= 1;
}

static gboolean
card_removed (gpointer data)
{
  return ((Fixture *) data)->removals >= 1;
}

typedef struct { HbDeviceManager *m; HbDeviceStatus s; } KindWait;

static gboolean
idcard_status_is (gpointer data)
{
  KindWait *w = data;
  return hb_device_manager_get_kind_status (w->m, HB_DEVICE_KIND_IDCARD) == w->s;
}

static void
wait_idcard_status (Fixture *f, HbDeviceStatus status)
{
  KindWait w = { f->manager, status };
  g_assert_true (hb_test_wait_until (idcard_status_is, &w, 5000));
}

static void
test_card_insert_emits_card_read (Fixture *f, gconstpointer data)
{
  g_autofree char *line = g_strconcat ("CARD-INSERT ", CARD, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  sim_ok (f, line);
  g_assert_true (hb_test_wait_until (cards_seen, f, 5000));
  g_assert_cmpuint (f->card_ids->len, ==, 1);
  g_assert_cmpstr (f->card_ids->pdata[0], ==, "310115199309210051");
  g_assert_cmpstr (json_object_get_string_member (status_of (status_array (f, parser), "idcard"), "media"),
                   ==, "present");

  sim_ok (f, "CARD-REMOVE");
  g_assert_true (hb_test_wait_until (card_removed, f, 5000));
  g_assert_cmpuint (f->removals, ==, 1);
}

static void
test_bad_card_replies_err_naming_the_problem (Fixture *f, gconstpointer data)
{
  g_autofree char *bad_card = g_strdup (CARD);
  g_autofree char *line = NULL;
  g_autofree char *reply = NULL;
  g_autoptr(GError) error = NULL;

  memcpy (strstr (bad_card, "19930921\","), "19930931", 8);   /* 31 September */
  line = g_strconcat ("CARD-INSERT ", bad_card, NULL);
  reply = sim_send (f, line, &error);
  g_assert_null (reply);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "birth_date"));
  g_assert_null (strstr (error->message, "1993"));
  g_assert_cmpuint (f->card_ids->len, ==, 0);
  g_clear_error (&error);

  g_free (reply);
  reply = sim_send (f, "CARD-INSERT {\"type\":", &error);
  g_assert_null (reply);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "JSON"));
}

static void
test_scan_emits_code_scanned (Fixture *f, gconstpointer data)
{
  sim_ok (f, "SCAN SSM1:DEMO:2B6E0A94C1D37F55");
  g_assert_cmpuint (f->codes->len, ==, 1);
  g_assert_cmpstr (f->codes->pdata[0], ==, "SSM1:DEMO:2B6E0A94C1D37F55");
}

static void
test_paper_out_shows_in_status (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonParser) p1 = json_parser_new (), p2 = json_parser_new ();
  JsonObject *printer;

  sim_ok (f, "PAPER-OUT on");
  printer = status_of (status_array (f, p1), "printer");
  g_assert_cmpstr (json_object_get_string_member (printer, "status"), ==, "user-error");
  g_assert_cmpstr (json_object_get_string_member (printer, "detail"), ==, "paper out");
  g_assert_cmpstr (json_object_get_string_member (printer, "paper"), ==, "out");

  sim_ok (f, "PAPER-OUT off");
  printer = status_of (status_array (f, p2), "printer");
  g_assert_cmpstr (json_object_get_string_member (printer, "status"), ==, "online");
  g_assert_cmpint (hb_device_manager_get_kind_status (f->manager, HB_DEVICE_KIND_PRINTER), ==,
                   HB_DEVICE_STATUS_ONLINE);
}

static void
test_paper_out_names_the_receipt_printer (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonParser) p1 = json_parser_new (), p2 = json_parser_new ();
  JsonArray *array;
  JsonObject *receipt;

  /* The kind argument picks the receipt printer; the A4 printer keeps its paper. */
  sim_ok (f, "PAPER-OUT on receipt-printer");
  array = status_array (f, p1);
  receipt = status_of (array, "receipt-printer");
  g_assert_cmpstr (json_object_get_string_member (receipt, "status"), ==, "user-error");
  g_assert_cmpstr (json_object_get_string_member (receipt, "detail"), ==, "paper out");
  g_assert_cmpstr (json_object_get_string_member (receipt, "paper"), ==, "out");
  g_assert_cmpstr (json_object_get_string_member (status_of (array, "printer"), "paper"), ==, "full");

  sim_ok (f, "PAPER-OUT off receipt-printer");
  receipt = status_of (status_array (f, p2), "receipt-printer");
  g_assert_cmpstr (json_object_get_string_member (receipt, "status"), ==, "online");
  g_assert_cmpint (hb_device_manager_get_kind_status (f->manager, HB_DEVICE_KIND_RECEIPT_PRINTER),
                   ==, HB_DEVICE_STATUS_ONLINE);
}

static void
test_unplug_and_plug (Fixture *f, gconstpointer data)
{
  g_autofree char *line = g_strconcat ("CARD-INSERT ", CARD, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  sim_ok (f, "UNPLUG idcard");
  wait_idcard_status (f, HB_DEVICE_STATUS_NO_DEVICE);
  g_assert_cmpstr (json_object_get_string_member (status_of (status_array (f, parser), "idcard"), "status"),
                   ==, "no-device");

  reply = sim_send (f, line, &error);
  g_assert_null (reply);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "unplugged"));
  g_assert_cmpuint (f->card_ids->len, ==, 0);

  sim_ok (f, "PLUG idcard");
  wait_idcard_status (f, HB_DEVICE_STATUS_ONLINE);
  sim_ok (f, line);
  g_assert_true (hb_test_wait_until (cards_seen, f, 5000));
  g_assert_cmpuint (f->card_ids->len, ==, 1);

  sim_ok (f, "UNPLUG scanner");
  sim_ok (f, "UNPLUG printer");
  sim_ok (f, "UNPLUG receipt-printer");
  g_assert_cmpint (hb_device_manager_get_kind_status (f->manager, HB_DEVICE_KIND_SCANNER), ==,
                   HB_DEVICE_STATUS_NO_DEVICE);
  g_assert_cmpint (hb_device_manager_get_kind_status (f->manager, HB_DEVICE_KIND_PRINTER), ==,
                   HB_DEVICE_STATUS_NO_DEVICE);
  g_assert_cmpint (hb_device_manager_get_kind_status (f->manager, HB_DEVICE_KIND_RECEIPT_PRINTER),
                   ==, HB_DEVICE_STATUS_NO_DEVICE);
  sim_ok (f, "PLUG scanner");
  sim_ok (f, "PLUG printer");
  sim_ok (f, "PLUG receipt-printer");
  g_assert_true (all_online (f->manager));
}

static void
test_unknown_command_replies_err (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = sim_send (f, "EJECT card", &error);

  g_assert_null (reply);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "Unknown command"));
}

static void
test_line_too_long_replies_err_and_closes (Fixture *f, gconstpointer data)
{
  gsize len = HB_SIM_LINE_MAX + 100;
  g_autofree char *line = g_malloc (len);
  g_autofree char *received = NULL;
  g_autofree char *expected = g_strdup_printf ("ERR Line is longer than %d bytes\n", HB_SIM_LINE_MAX);
  gboolean closed = FALSE;

  memcpy (line, "SCAN ", 5);
  memset (line + 5, 'A', len - 6);
  line[len - 1] = '\n';
  received = raw_exchange (f, line, len, FALSE, &closed);
  g_assert_cmpstr (received, ==, expected);
  g_assert_true (closed);
  g_assert_cmpuint (f->codes->len, ==, 0);

  /* The client refuses to send such a line at all. */
  {
    g_autoptr(GError) error = NULL;
    line[len - 1] = '\0';
    g_assert_null (hb_sim_client_send (f->socket_path, line, 1000, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
}

static gboolean
no_clients (gpointer data)
{
  return hb_sim_server_get_n_clients (data) == 0;
}

static void
test_idle_client_is_dropped (Fixture *f, gconstpointer data)
{
  HbSimServer *server = hb_device_manager_get_sim_server (f->manager);
  g_autofree char *received = NULL;
  gboolean closed = FALSE;

  g_assert_nonnull (server);
  hb_sim_server_set_idle_timeout (server, 200);
  received = raw_exchange (f, "", 0, FALSE, &closed);
  g_assert_cmpstr (received, ==, "");
  g_assert_true (closed);
  g_assert_true (hb_test_wait_until (no_clients, server, 5000));

  /* A half line does not keep the connection alive either. */
  g_free (received);
  received = raw_exchange (f, "STAT", 4, FALSE, &closed);
  g_assert_cmpstr (received, ==, "");
  g_assert_true (closed);
}

static void
test_several_commands_on_one_connection (Fixture *f, gconstpointer data)
{
  const char *script = "SCAN one\r\nSCAN two\nBOGUS\nPAPER-OUT on\n";
  g_autofree char *received = raw_exchange (f, script, strlen (script), TRUE, NULL);
  g_auto(GStrv) lines = g_strsplit (received, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  g_assert_cmpstr (lines[0], ==, "OK");
  g_assert_cmpstr (lines[1], ==, "OK");
  g_assert_true (g_str_has_prefix (lines[2], "ERR "));
  g_assert_cmpstr (lines[3], ==, "OK");
  g_assert_cmpstr (lines[4], ==, "");
  g_assert_cmpuint (f->codes->len, ==, 2);
  g_assert_cmpstr (f->codes->pdata[1], ==, "two");
  g_assert_cmpint (hb_device_manager_get_kind_status (f->manager, HB_DEVICE_KIND_PRINTER), ==,
                   HB_DEVICE_STATUS_USER_ERROR);
}

static void
test_unterminated_last_line_is_executed (Fixture *f, gconstpointer data)
{
  gboolean closed = FALSE;
  g_autofree char *received = raw_exchange (f, "SCAN tail", 9, TRUE, &closed);

  g_assert_cmpstr (received, ==, "OK\n");
  g_assert_true (closed);
  g_assert_cmpuint (f->codes->len, ==, 1);
  g_assert_cmpstr (f->codes->pdata[0], ==, "tail");
}

static void
test_socket_is_private_and_replaces_a_stale_one (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *run = g_path_get_dirname (f->socket_path);
  struct stat st;

  /* A socket file left behind by a crashed kiosk. */
  {
    g_autoptr(GSocket) stale = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                                             G_SOCKET_PROTOCOL_DEFAULT, NULL);
    g_autoptr(GSocketAddress) address = g_unix_socket_address_new (f->socket_path);
    g_assert_cmpint (g_mkdir_with_parents (run, 0700), ==, 0);
    g_assert_true (g_socket_bind (stale, address, FALSE, &error));
    g_socket_close (stale, NULL);
  }
  g_assert_true (g_file_test (f->socket_path, G_FILE_TEST_EXISTS));

  g_assert_true (hb_device_manager_start (f->manager, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lstat (f->socket_path, &st), ==, 0);
  g_assert_true (S_ISSOCK (st.st_mode));
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (hb_test_wait_until (all_online, f->manager, 5000));
  {
    g_autofree char *reply = sim_send (f, "STATUS", &error);
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (reply, "["));
  }

  /* Stopping removes it. */
  hb_device_manager_stop (f->manager);
  g_assert_false (g_file_test (f->socket_path, G_FILE_TEST_EXISTS));
}

static void
test_refuses_to_replace_a_regular_file (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *run = g_path_get_dirname (f->socket_path);
  g_autofree char *contents = NULL;

  g_assert_cmpint (g_mkdir_with_parents (run, 0700), ==, 0);
  g_assert_true (g_file_set_contents (f->socket_path, "keep me", -1, NULL));
  g_assert_false (hb_device_manager_start (f->manager, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_assert_true (g_file_get_contents (f->socket_path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep me");
  g_assert_null (hb_device_manager_get_device (f->manager, HB_DEVICE_KIND_IDCARD));
}

static void
test_client_reports_unreachable_and_silent_servers (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *silent_path = g_build_filename (f->dir, "silent.sock", NULL);
  g_autoptr(GSocket) silent = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_DEFAULT, NULL);
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (silent_path);

  /* Nobody there. */
  {
    g_autofree char *nobody = g_build_filename (f->dir, "nobody.sock", NULL);
    g_assert_null (hb_sim_client_send (nobody, "STATUS", 1000, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "nobody.sock"));
    g_clear_error (&error);
  }

  /* Someone listening who never answers: the client gives up at its deadline. */
  g_assert_true (g_socket_bind (silent, address, FALSE, &error));
  g_assert_true (g_socket_listen (silent, &error));
  g_assert_null (hb_sim_client_send (silent_path, "STATUS", 200, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&error);

  g_assert_null (hb_sim_client_send (silent_path, "SCAN a\nSTATUS", 200, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static gboolean
all_sent (gpointer data)
{
  Send *sends = data;

  for (guint i = 0; i < 12; i++)
    if (!g_atomic_int_get (&sends[i].done))
      return FALSE;
  return TRUE;
}

static void
test_concurrent_clients_each_get_one_reply (Fixture *f, gconstpointer data)
{
  Send sends[12] = { 0 };
  GThread *threads[12];
  char *lines[12];
  guint ok = 0;

  for (guint i = 0; i < 12; i++)
    {
      lines[i] = g_strdup_printf ("SCAN code-%u", i);
      sends[i] = (Send) { .path = f->socket_path, .line = lines[i], .timeout_ms = 5000 };
      threads[i] = g_thread_new ("sim-client", send_thread, &sends[i]);
    }
  g_assert_true (hb_test_wait_until (all_sent, sends, 15000));
  for (guint i = 0; i < 12; i++)
    {
      g_thread_join (threads[i]);
      if (sends[i].reply != NULL)
        {
          g_assert_cmpstr (sends[i].reply, ==, "");
          ok++;
        }
      else
        {
          /* Beyond HB_SIM_SERVER_MAX_CLIENTS at once a client is turned away, clearly. */
          g_assert_error (sends[i].error, G_IO_ERROR, G_IO_ERROR_FAILED);
          g_assert_cmpstr (sends[i].error->message, ==, "Too many simulator clients");
          g_clear_error (&sends[i].error);
        }
      g_free (sends[i].reply);
      g_free (lines[i]);
    }
  g_assert_cmpuint (ok, >=, 1);
  g_assert_cmpuint (f->codes->len, ==, ok);
}

static void
test_execute_without_a_socket (Fixture *f, gconstpointer data)
{
  HbSimServer *server = hb_device_manager_get_sim_server (f->manager);
  g_autofree char *ok = hb_sim_server_execute (server, "PAPER-OUT on\n", 13);
  g_autofree char *err = hb_sim_server_execute (server, "PAPER-OUT sideways", 18);

  g_assert_cmpstr (ok, ==, "OK");
  g_assert_true (g_str_has_prefix (err, "ERR PAPER-OUT"));
  g_assert_null (strchr (err, '\n'));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add ("/drivers/virtual/sim-server/" path, Fixture, NULL, setup, fn, teardown)
  ADD ("status-returns-the-device-array", test_status_returns_the_device_array);
  ADD ("card-insert-emits-card-read", test_card_insert_emits_card_read);
  ADD ("bad-card-replies-err-naming-the-problem", test_bad_card_replies_err_naming_the_problem);
  ADD ("scan-emits-code-scanned", test_scan_emits_code_scanned);
  ADD ("paper-out-shows-in-status", test_paper_out_shows_in_status);
  ADD ("paper-out-names-the-receipt-printer", test_paper_out_names_the_receipt_printer);
  ADD ("unplug-and-plug-each-kind", test_unplug_and_plug);
  ADD ("unknown-command-replies-err", test_unknown_command_replies_err);
  ADD ("line-too-long-replies-err-and-closes", test_line_too_long_replies_err_and_closes);
  ADD ("idle-client-is-dropped", test_idle_client_is_dropped);
  ADD ("several-commands-on-one-connection", test_several_commands_on_one_connection);
  ADD ("unterminated-last-line-is-executed", test_unterminated_last_line_is_executed);
  ADD ("client-reports-unreachable-and-silent-servers", test_client_reports_unreachable_and_silent_servers);
  ADD ("concurrent-clients-each-get-one-reply", test_concurrent_clients_each_get_one_reply);
  ADD ("execute-replies-one-line", test_execute_without_a_socket);
#undef ADD
  g_test_add ("/drivers/virtual/sim-server/socket-is-private-and-replaces-a-stale-one", Fixture,
              "manual", setup, test_socket_is_private_and_replaces_a_stale_one, teardown);
  g_test_add ("/drivers/virtual/sim-server/refuses-to-replace-a-regular-file", Fixture,
              "manual", setup, test_refuses_to_replace_a_regular_file, teardown);

  return g_test_run ();
}
