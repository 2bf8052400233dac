/* hb-sim-client.c — blocking, time-bounded client of the simulator socket. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/virtual/hb-sim-client.h"
#include "drivers/virtual/hb-sim-protocol.h"

#include <string.h>
#include <gio/gunixsocketaddress.h>

/* STATUS replies are a few hundred bytes; anything near this is not our server. */
#define HB_SIM_REPLY_MAX (256 * 1024)

/* Waits for @condition until @deadline (monotonic µs). */
static gboolean
wait_for (GSocket *socket, GIOCondition condition, gint64 deadline, guint timeout_ms,
          GError **error)
{
  g_autoptr(GError) local = NULL;
  gint64 remaining = deadline - g_get_monotonic_time ();

  if (remaining > 0 &&
      g_socket_condition_timed_wait (socket, condition, remaining, NULL, &local))
    return TRUE;
  if (local == NULL || g_error_matches (local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                 "The simulator did not answer within %u ms", timeout_ms);
  else
    g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

static gboolean
send_all (GSocket *socket, const char *data, gsize len, gint64 deadline, guint timeout_ms,
          GError **error)
{
  gsize sent = 0;

  while (sent < len)
    {
      g_autoptr(GError) local = NULL;
      gssize n;

      if (!wait_for (socket, G_IO_OUT, deadline, timeout_ms, error))
        return FALSE;
      n = g_socket_send (socket, data + sent, len - sent, NULL, &local);
      if (n < 0)
        {
          if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            continue;
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      sent += (gsize) n;
    }
  return TRUE;
}

static GString *
receive_line (GSocket *socket, gint64 deadline, guint timeout_ms, GError **error)
{
  g_autoptr(GString) reply = g_string_new (NULL);
  char chunk[4096];

  while (memchr (reply->str, '\n', reply->len) == NULL)
    {
      g_autoptr(GError) local = NULL;
      gssize n;

      if (reply->len > HB_SIM_REPLY_MAX)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       "The simulator's reply is longer than %d bytes", HB_SIM_REPLY_MAX);
          return NULL;
        }
      if (!wait_for (socket, G_IO_IN, deadline, timeout_ms, error))
        return NULL;
      n = g_socket_receive (socket, chunk, sizeof chunk, NULL, &local);
      if (n < 0)
        {
          if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            continue;
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      if (n == 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                               "The simulator closed the connection without a reply");
          return NULL;
        }
      g_string_append_len (reply, chunk, n);
    }
  g_string_truncate (reply, (gsize) ((char *) memchr (reply->str, '\n', reply->len) - reply->str));
  if (reply->len > 0 && reply->str[reply->len - 1] == '\r')
    g_string_truncate (reply, reply->len - 1);
  return g_steal_pointer (&reply);
}

char *
hb_sim_client_send (const char *socket_path, const char *line, guint timeout_ms,
                    GError **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GString) reply = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  char *framed;
  gsize len;
  gboolean sent;

  g_return_val_if_fail (socket_path != NULL, NULL);
  g_return_val_if_fail (line != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  len = strlen (line);
  if (len + 1 > HB_SIM_LINE_MAX)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Command is longer than %d bytes", HB_SIM_LINE_MAX - 1);
      return NULL;
    }
  if (strpbrk (line, "\r\n") != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "Command contains a line break");
      return NULL;
    }

  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_DEFAULT, error);
  if (socket == NULL)
    return NULL;
  g_socket_set_blocking (socket, FALSE);
  address = g_unix_socket_address_new (socket_path);
  while (!g_socket_connect (socket, address, NULL, &local))
    {
      /* A Unix socket whose backlog is full says EAGAIN: retry until the deadline. */
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK) &&
          g_get_monotonic_time () < deadline)
        {
          g_clear_error (&local);
          g_usleep (10 * 1000);
          continue;
        }
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_PENDING))
        {
          g_clear_error (&local);
          if (!wait_for (socket, G_IO_OUT, deadline, timeout_ms, error) ||
              !g_socket_check_connect_result (socket, error))
            return NULL;
          break;
        }
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "The simulator did not accept the connection within %u ms", timeout_ms);
          return NULL;
        }
      g_propagate_prefixed_error (error, g_steal_pointer (&local),
                                  "Cannot reach the simulator at %s: ", socket_path);
      return NULL;
    }

  /* The line may carry an identity card: wipe our framed copy. */
  framed = g_strconcat (line, "\n", NULL);
  sent = send_all (socket, framed, len + 1, deadline, timeout_ms, error);
  explicit_bzero (framed, len + 1);
  g_free (framed);
  if (!sent)
    return NULL;

  reply = receive_line (socket, deadline, timeout_ms, error);
  g_socket_close (socket, NULL);
  if (reply == NULL)
    return NULL;

  if (g_str_equal (reply->str, "OK"))
    return g_strdup ("");
  if (g_str_has_prefix (reply->str, "OK "))
    return g_strdup (reply->str + 3);
  if (g_str_equal (reply->str, "ERR") || g_str_has_prefix (reply->str, "ERR "))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           reply->len > 4 ? reply->str + 4 : "The simulator refused the command");
      return NULL;
    }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "The simulator's reply is not OK or ERR");
  return NULL;
}
