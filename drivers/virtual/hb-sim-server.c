/* hb-sim-server.c — Unix socket server for the simulator line protocol. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/virtual/hb-sim-server.h"
#include "drivers/virtual/hb-sim-protocol.h"
#include "drivers/virtual/hb-virtual-device-private.h"
#include "drivers/virtual/hb-virtual-receipt-printer.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <gio/gunixsocketaddress.h>

typedef struct _Client Client;

struct _HbSimServer
{
  GObject           parent_instance;

  HbDeviceManager  *manager;      /* weak */
  char             *socket_path;
  GSocketService   *service;
  gboolean          created_socket;
  guint             idle_timeout_ms;
  GList            *clients;      /* Client*, each holding one reference for the list */
};

G_DEFINE_FINAL_TYPE (HbSimServer, hb_sim_server, G_TYPE_OBJECT)

/* One connection. Reference-counted: the server's list and each outstanding async
 * operation hold one, so a callback never sees a freed client. */
struct _Client
{
  HbSimServer       *server;      /* NULL once closed */
  GSocketConnection *connection;
  GCancellable      *cancellable;
  GByteArray        *buffer;      /* received bytes not yet executed */
  guint8             chunk[4096];
  GSource           *idle_source;
  char              *reply;       /* being written */
  gboolean           close_after_reply;
  gboolean           eof;
};

static void client_close (Client *client);
static void client_process (Client *client);

static void
wipe_bytes (GByteArray *buffer)
{
  if (buffer == NULL)
    return;
  explicit_bzero (buffer->data, buffer->len);
  g_byte_array_unref (buffer);
}

static void
client_clear (Client *client)
{
  /* Lines may hold a whole identity card. */
  wipe_bytes (client->buffer);
  g_clear_object (&client->connection);
  g_clear_object (&client->cancellable);
  g_free (client->reply);
}

static Client *
client_ref (Client *client)
{
  return g_rc_box_acquire (client);
}

static void
client_unref (Client *client)
{
  g_rc_box_release_full (client, (GDestroyNotify) client_clear);
}

/* --- dispatch ----------------------------------------------------------------------- */

static char *
reply_error (const char *message)
{
  char *reply = g_strconcat ("ERR ", message, NULL);

  /* A reply is exactly one line. */
  g_strdelimit (reply, "\r\n", ' ');
  return reply;
}

static char *
status_json (HbDeviceManager *manager)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  hb_device_manager_describe (manager, builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, FALSE);
  return json_generator_to_data (generator, NULL);
}

char *
hb_sim_server_execute (HbSimServer *self, const char *line, gsize length)
{
  g_autoptr(HbSimCommand) cmd = NULL;
  g_autoptr(GError) error = NULL;
  HbDeviceManager *manager;
  HbDevice *device;
  gboolean ok = FALSE;

  g_return_val_if_fail (HB_IS_SIM_SERVER (self), NULL);

  cmd = hb_sim_command_parse (line, length, &error);
  if (cmd == NULL)
    return reply_error (error->message);

  manager = self->manager;
  if (manager == NULL)
    return reply_error ("The devices are gone");

  switch (cmd->type)
    {
    case HB_SIM_CMD_STATUS:
      {
        g_autofree char *json = status_json (manager);
        return g_strconcat ("OK ", json, NULL);
      }

    case HB_SIM_CMD_CARD_INSERT:
    case HB_SIM_CMD_CARD_REMOVE:
      device = hb_device_manager_get_device (manager, HB_DEVICE_KIND_IDCARD);
      if (!HB_IS_VIRTUAL_CARD_READER (device))
        return reply_error ("There is no virtual card reader");
      if (cmd->type == HB_SIM_CMD_CARD_INSERT)
        ok = hb_virtual_card_reader_insert (HB_VIRTUAL_CARD_READER (device), cmd->argument,
                                            strlen (cmd->argument), &error);
      else
        ok = hb_virtual_card_reader_remove (HB_VIRTUAL_CARD_READER (device), &error);
      break;

    case HB_SIM_CMD_SCAN:
      device = hb_device_manager_get_device (manager, HB_DEVICE_KIND_SCANNER);
      if (!HB_IS_VIRTUAL_SCANNER (device))
        return reply_error ("There is no virtual scanner");
      ok = hb_virtual_scanner_scan (HB_VIRTUAL_SCANNER (device), cmd->argument,
                                    strlen (cmd->argument), &error);
      break;

    case HB_SIM_CMD_PAPER_OUT:
      device = hb_device_manager_get_device (manager, cmd->kind);
      if (cmd->kind == HB_DEVICE_KIND_RECEIPT_PRINTER)
        {
          if (!HB_IS_VIRTUAL_RECEIPT_PRINTER (device))
            return reply_error ("There is no virtual receipt printer");
          hb_virtual_receipt_printer_set_paper_out (HB_VIRTUAL_RECEIPT_PRINTER (device), cmd->on);
        }
      else
        {
          if (!HB_IS_VIRTUAL_PRINTER (device))
            return reply_error ("There is no virtual printer");
          hb_virtual_printer_set_paper_out (HB_VIRTUAL_PRINTER (device), cmd->on);
        }
      ok = TRUE;
      break;

    case HB_SIM_CMD_UNPLUG:
    case HB_SIM_CMD_PLUG:
      device = hb_device_manager_get_device (manager, cmd->kind);
      if (device == NULL || !hb_virtual_device_is_virtual (device))
        {
          g_autofree char *msg = g_strdup_printf ("There is no virtual %s",
                                                  hb_device_kind_to_string (cmd->kind));
          return reply_error (msg);
        }
      hb_virtual_device_set_plugged (device, cmd->type == HB_SIM_CMD_PLUG);
      ok = TRUE;
      break;

    default:
      return reply_error ("Unsupported command");
    }

  return ok ? g_strdup ("OK") : reply_error (error->message);
}

/* --- connections -------------------------------------------------------------------- */

static void
client_close (Client *client)
{
  HbSimServer *server = client->server;
  GList *link;

  if (server == NULL)
    return;
  client->server = NULL;

  g_cancellable_cancel (client->cancellable);
  if (client->idle_source)
    {
      g_source_destroy (client->idle_source);
      g_clear_pointer (&client->idle_source, g_source_unref);
    }
  /* A socket close does not block. */
  g_io_stream_close (G_IO_STREAM (client->connection), NULL, NULL);

  link = g_list_find (server->clients, client);
  if (link)
    {
      server->clients = g_list_delete_link (server->clients, link);
      client_unref (client);
    }
}

static gboolean
on_idle_timeout (gpointer user_data)
{
  Client *client = user_data;

  g_clear_pointer (&client->idle_source, g_source_unref);
  g_debug ("Simulator client dropped: no complete command in time");
  client_close (client);
  return G_SOURCE_REMOVE;
}

static void
client_restart_idle_timer (Client *client)
{
  if (client->idle_source)
    {
      g_source_destroy (client->idle_source);
      g_clear_pointer (&client->idle_source, g_source_unref);
    }
  client->idle_source = g_timeout_source_new (client->server->idle_timeout_ms);
  /* The source holds no reference: client_close() destroys it first. */
  g_source_set_callback (client->idle_source, on_idle_timeout, client, NULL);
  g_source_attach (client->idle_source, g_main_context_get_thread_default ());
}

static void
on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Client *client = user_data;
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error);
  g_clear_pointer (&client->reply, g_free);
  if (client->server != NULL)
    {
      if (error != NULL || client->close_after_reply)
        client_close (client);
      else
        client_process (client);
    }
  client_unref (client);
}

static void
client_reply (Client *client, char *reply, gboolean close_after)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (client->connection));
  gsize len = strlen (reply);

  client->reply = g_realloc (reply, len + 2);
  client->reply[len] = '\n';
  client->reply[len + 1] = '\0';
  client->close_after_reply = close_after;
  g_output_stream_write_all_async (out, client->reply, len + 1, G_PRIORITY_DEFAULT,
                                   client->cancellable, on_written, client_ref (client));
}

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Client *client = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (client->server != NULL)
    {
      if (n < 0)
        client_close (client);
      else
        {
          if (n == 0)
            client->eof = TRUE;
          else
            g_byte_array_append (client->buffer, client->chunk, (guint) n);
          explicit_bzero (client->chunk, sizeof client->chunk);
          client_process (client);
        }
    }
  client_unref (client);
}

/* Removes the first @n bytes of the buffer, wiping what they leave behind. */
static void
buffer_consume (GByteArray *buffer, gsize n)
{
  gsize rest = buffer->len - n;

  memmove (buffer->data, buffer->data + n, rest);
  explicit_bzero (buffer->data + rest, n);
  g_byte_array_set_size (buffer, (guint) rest);
}

/* Executes the next complete line, or reads more. Called with no write outstanding. */
static void
client_process (Client *client)
{
  GByteArray *buffer = client->buffer;
  guint8 *newline = memchr (buffer->data, '\n', buffer->len);
  gsize line_len;
  char *reply;

  if (newline == NULL && buffer->len >= HB_SIM_LINE_MAX)
    {
      /* Without a newline in the first HB_SIM_LINE_MAX bytes the line is too long,
       * whatever follows; the rest of it cannot be told from a next command. */
      reply = g_strdup_printf ("ERR Line is longer than %d bytes", HB_SIM_LINE_MAX);
      client_reply (client, reply, TRUE);
      return;
    }
  if (newline == NULL && !client->eof)
    {
      g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (client->connection)),
                                 client->chunk, sizeof client->chunk, G_PRIORITY_DEFAULT,
                                 client->cancellable, on_read, client_ref (client));
      return;
    }
  if (newline == NULL && buffer->len == 0)
    {
      client_close (client);   /* clean end of the conversation */
      return;
    }

  /* A complete line, or the unterminated last one at end of input. */
  line_len = newline ? (gsize) (newline - buffer->data) + 1 : buffer->len;
  if (line_len > HB_SIM_LINE_MAX)
    {
      /* Same answer however the bytes were split into reads. */
      reply = g_strdup_printf ("ERR Line is longer than %d bytes", HB_SIM_LINE_MAX);
      client_reply (client, reply, TRUE);
      return;
    }
  reply = hb_sim_server_execute (client->server, (const char *) buffer->data, line_len);
  buffer_consume (buffer, line_len);
  if (client->server == NULL)
    {
      /* The command stopped the server (or the manager) under us. */
      g_free (reply);
      return;
    }
  client_restart_idle_timer (client);
  client_reply (client, reply, newline == NULL);
}

static gboolean
on_incoming (GSocketService *service, GSocketConnection *connection, GObject *source,
             gpointer user_data)
{
  HbSimServer *self = HB_SIM_SERVER (user_data);
  Client *client = g_rc_box_new0 (Client);

  client->server = self;
  client->connection = g_object_ref (connection);
  client->cancellable = g_cancellable_new ();
  client->buffer = g_byte_array_sized_new (256);
  self->clients = g_list_prepend (self->clients, client);

  if (g_list_length (self->clients) > HB_SIM_SERVER_MAX_CLIENTS)
    {
      client_reply (client, g_strdup ("ERR Too many simulator clients"), TRUE);
      return TRUE;
    }
  client_restart_idle_timer (client);
  client_process (client);
  return TRUE;
}

/* --- lifecycle ---------------------------------------------------------------------- */

static void
hb_sim_server_dispose (GObject *object)
{
  HbSimServer *self = HB_SIM_SERVER (object);

  hb_sim_server_stop (self);
  if (self->manager)
    g_object_remove_weak_pointer (G_OBJECT (self->manager), (gpointer *) &self->manager);
  self->manager = NULL;
  G_OBJECT_CLASS (hb_sim_server_parent_class)->dispose (object);
}

static void
hb_sim_server_finalize (GObject *object)
{
  g_free (HB_SIM_SERVER (object)->socket_path);
  G_OBJECT_CLASS (hb_sim_server_parent_class)->finalize (object);
}

static void
hb_sim_server_class_init (HbSimServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hb_sim_server_dispose;
  object_class->finalize = hb_sim_server_finalize;
}

static void
hb_sim_server_init (HbSimServer *self)
{
  self->idle_timeout_ms = HB_SIM_SERVER_IDLE_TIMEOUT_MS;
}

HbSimServer *
hb_sim_server_new (HbDeviceManager *manager, const char *socket_path)
{
  HbSimServer *self;

  g_return_val_if_fail (HB_IS_DEVICE_MANAGER (manager), NULL);
  g_return_val_if_fail (socket_path != NULL, NULL);

  self = g_object_new (HB_TYPE_SIM_SERVER, NULL);
  self->manager = manager;
  g_object_add_weak_pointer (G_OBJECT (manager), (gpointer *) &self->manager);
  self->socket_path = g_strdup (socket_path);
  return self;
}

const char *
hb_sim_server_get_socket_path (HbSimServer *self)
{
  g_return_val_if_fail (HB_IS_SIM_SERVER (self), NULL);
  return self->socket_path;
}

void
hb_sim_server_set_idle_timeout (HbSimServer *self, guint timeout_ms)
{
  g_return_if_fail (HB_IS_SIM_SERVER (self));
  self->idle_timeout_ms = MAX (timeout_ms, 1);
}

guint
hb_sim_server_get_n_clients (HbSimServer *self)
{
  g_return_val_if_fail (HB_IS_SIM_SERVER (self), 0);
  return g_list_length (self->clients);
}

static gboolean
replace_stale_socket (const char *path, GError **error)
{
  struct stat st;

  if (lstat (path, &st) != 0)
    {
      if (errno == ENOENT)
        return TRUE;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "Cannot inspect simulator socket %s: %s", path, g_strerror (errno));
      return FALSE;
    }
  /* Only ever remove a socket: never a file someone put there by mistake. */
  if (!S_ISSOCK (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "%s exists and is not a socket", path);
      return FALSE;
    }
  if (unlink (path) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "Cannot replace stale simulator socket %s: %s", path, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
hb_sim_server_start (HbSimServer *self, GError **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *dir = NULL;
  struct sockaddr_un sun;

  g_return_val_if_fail (HB_IS_SIM_SERVER (self), FALSE);
  if (self->service != NULL)
    return TRUE;

  if (strlen (self->socket_path) >= sizeof sun.sun_path)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG,
                   "Simulator socket path is longer than %zu bytes", sizeof sun.sun_path - 1);
      return FALSE;
    }
  dir = g_path_get_dirname (self->socket_path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "Cannot create %s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  if (!replace_stale_socket (self->socket_path, error))
    return FALSE;

  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_DEFAULT, error);
  if (socket == NULL)
    return FALSE;
  address = g_unix_socket_address_new (self->socket_path);
  if (!g_socket_bind (socket, address, FALSE, error))
    return FALSE;
  self->created_socket = TRUE;
  /* Tighten before listen(): until then nobody can connect, whatever the umask. */
  if (chmod (self->socket_path, 0600) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "Cannot restrict simulator socket: %s", g_strerror (errno));
      unlink (self->socket_path);
      self->created_socket = FALSE;
      return FALSE;
    }
  g_socket_set_listen_backlog (socket, HB_SIM_SERVER_MAX_CLIENTS);
  if (!g_socket_listen (socket, error))
    {
      unlink (self->socket_path);
      self->created_socket = FALSE;
      return FALSE;
    }

  self->service = g_socket_service_new ();
  if (!g_socket_listener_add_socket (G_SOCKET_LISTENER (self->service), socket, NULL, error))
    {
      g_clear_object (&self->service);
      unlink (self->socket_path);
      self->created_socket = FALSE;
      return FALSE;
    }
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  g_socket_service_start (self->service);
  return TRUE;
}

void
hb_sim_server_stop (HbSimServer *self)
{
  g_return_if_fail (HB_IS_SIM_SERVER (self));

  while (self->clients != NULL)
    client_close (self->clients->data);
  if (self->service != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->service, self);
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_clear_object (&self->service);
    }
  if (self->created_socket)
    {
      unlink (self->socket_path);
      self->created_socket = FALSE;
    }
}
