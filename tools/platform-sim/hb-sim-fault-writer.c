/* hb-sim-fault-writer.c — sends an answer broken on purpose: garbled, trickled or cut off. */
#include "tools/platform-sim/hb-sim-fault-writer.h"

#include "tools/platform-sim/hb-sim-http.h"

#include <string.h>

/* A slow body goes out in one chunk per tick. */
#define TICK_MS 100u
/* Writes are blocking (small, on loopback they never wait); a client that stops reading
 * holds the sim at most this long. */
#define WRITE_TIMEOUT_S 5u

struct _HbSimFaultWriters
{
  GHashTable *active;   /* Writer* set, owns */
};

typedef struct {
  HbSimFaultWriters *owner;
  GIOStream         *stream;
  GBytes            *data;    /* status line, headers, body (wiped when freed) */
  gsize              limit;   /* bytes of data to send before closing */
  gsize              sent;
  gsize              chunk;   /* per tick */
  guint              source;
} Writer;

static void
writer_free (gpointer data)
{
  Writer *w = data;
  g_clear_handle_id (&w->source, g_source_remove);
  g_io_stream_close (w->stream, NULL, NULL);
  g_object_unref (w->stream);
  g_bytes_unref (w->data);
  g_free (w);
}

HbSimFaultWriters *
hb_sim_fault_writers_new (void)
{
  HbSimFaultWriters *writers = g_new0 (HbSimFaultWriters, 1);
  writers->active = g_hash_table_new_full (g_direct_hash, g_direct_equal, writer_free, NULL);
  return writers;
}

void
hb_sim_fault_writers_free (HbSimFaultWriters *writers)
{
  if (writers == NULL)
    return;
  g_hash_table_unref (writers->active);
  g_free (writers);
}

/* Sends up to n more bytes; FALSE when the client went away (or stopped reading). */
static gboolean
write_some (Writer *w, gsize n)
{
  GOutputStream *out = g_io_stream_get_output_stream (w->stream);
  gsize len = 0, written = 0;
  const guint8 *data = g_bytes_get_data (w->data, &len);
  n = MIN (n, w->limit - w->sent);
  if (n == 0)
    return TRUE;
  gboolean ok = g_output_stream_write_all (out, data + w->sent, n, &written, NULL, NULL)
                && g_output_stream_flush (out, NULL, NULL);
  w->sent += written;
  return ok;
}

static gboolean
on_tick (gpointer data)
{
  Writer *w = data;
  if (write_some (w, w->chunk) && w->sent < w->limit)
    return G_SOURCE_CONTINUE;
  w->source = 0;
  g_hash_table_remove (w->owner->active, w);   /* closes the connection */
  return G_SOURCE_REMOVE;
}

static gboolean
skip_header (const char *name)
{
  return g_ascii_strcasecmp (name, "Content-Length") == 0
         || g_ascii_strcasecmp (name, "Connection") == 0
         || g_ascii_strcasecmp (name, "Transfer-Encoding") == 0
         || g_ascii_strcasecmp (name, "Keep-Alive") == 0;
}

gboolean
hb_sim_fault_writers_send (HbSimFaultWriters *writers, SoupServerMessage *msg,
                           const HbSimFaultPlan *plan, HbSimStats *stats)
{
  guint status = soup_server_message_get_status (msg);
  if (!hb_sim_fault_plan_shapes_body (plan)
      || g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_HEAD)
      || status == SOUP_STATUS_NO_CONTENT || status == SOUP_STATUS_NOT_MODIFIED)
    return FALSE;
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  gsize body_len = g_bytes_get_size (body);
  if (body_len == 0)
    return FALSE;

  /* Status line and headers as libsoup would send them, but with our framing. */
  g_autoptr(GString) head = g_string_new (NULL);
  const char *reason = soup_server_message_get_reason_phrase (msg);
  g_string_append_printf (head, "HTTP/1.1 %u %s\r\n", status,
                          reason ? reason : soup_status_get_phrase (status));
  SoupMessageHeadersIter iter;
  const char *name, *value;
  soup_message_headers_iter_init (&iter, soup_server_message_get_response_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (!skip_header (name))
      g_string_append_printf (head, "%s: %s\r\n", name, value);
  g_string_append_printf (head, "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                          body_len);

  /* One buffer (wiped when freed: answers may carry personal data). */
  gsize total = head->len + body_len;
  g_autofree guint8 *plain = g_malloc (total);
  memcpy (plain, head->str, head->len);
  memcpy (plain + head->len, g_bytes_get_data (body, NULL), body_len);
  if (plan->garble)
    hb_sim_faults_garble (plain + head->len, body_len, plan->noise);
  GBytes *data = hb_sim_bytes_new_wiped (plain, total);
  explicit_bzero (plain, total);

  GSocket *socket = soup_server_message_get_socket (msg);
  if (socket)
    g_socket_set_timeout (socket, WRITE_TIMEOUT_S);
  GIOStream *stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    {
      g_bytes_unref (data);
      return FALSE;
    }

  /* One request counts once in faulted: an error answer was counted already. */
  const char *note = hb_sim_get_note (msg);
  if ((plan->truncate || plan->garble) && !(note && strstr (note, "fault=")))
    stats->faulted++;
  if (plan->garble)
    {
      stats->garbled++;
      hb_sim_note (msg, "garbled");
    }
  if (plan->truncate)
    {
      stats->truncated++;
      hb_sim_note (msg, "truncated");
    }
  if (plan->slow_bytes_per_s)
    {
      stats->slowed++;
      hb_sim_note (msg, "slow");
    }

  Writer *w = g_new0 (Writer, 1);
  w->owner = writers;
  w->stream = stream;
  w->data = data;
  w->limit = head->len + (plan->truncate ? hb_sim_faults_truncated_length (body_len) : body_len);
  g_hash_table_add (writers->active, w);
  if (plan->slow_bytes_per_s == 0)
    {
      write_some (w, w->limit);
      g_hash_table_remove (writers->active, w);
      return TRUE;
    }
  /* Headers at once, then the body a chunk per tick. */
  w->chunk = MAX (1u, (gsize) plan->slow_bytes_per_s * TICK_MS / 1000u);
  if (!write_some (w, head->len))
    {
      g_hash_table_remove (writers->active, w);
      return TRUE;
    }
  w->source = g_timeout_add (TICK_MS, on_tick, w);
  return TRUE;
}
