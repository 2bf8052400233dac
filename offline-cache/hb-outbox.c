/* hb-outbox.c — the durable, encrypted queue of what residents submitted. */
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-store-private.h"

#include <string.h>

struct _HbOutbox
{
  GObject  parent_instance;
  HbStore *store;
};

G_DEFINE_TYPE (HbOutbox, hb_outbox, G_TYPE_OBJECT)

#define KEY_MAX        64
#define KIND_MAX       32
#define PATH_MAX_BYTES 256
#define LAST_ERROR_MAX 256

const char *
hb_outbox_state_to_string (HbOutboxState state)
{
  switch (state)
    {
    case HB_OUTBOX_PENDING: return "pending";
    case HB_OUTBOX_SENT:    return "sent";
    case HB_OUTBOX_DEAD:    return "dead";
    case HB_OUTBOX_PARKED:  return "parked";
    default:                return "unknown";
    }
}

static HbOutboxState
state_from_string (const char *s)
{
  if (g_strcmp0 (s, "sent") == 0)
    return HB_OUTBOX_SENT;
  if (g_strcmp0 (s, "dead") == 0)
    return HB_OUTBOX_DEAD;
  if (g_strcmp0 (s, "parked") == 0)
    return HB_OUTBOX_PARKED;
  return HB_OUTBOX_PENDING;
}

void
hb_outbox_item_free (HbOutboxItem *item)
{
  if (item == NULL)
    return;
  g_free (item->key);
  g_free (item->kind);
  g_free (item->path);
  hb_store_wipe_free (item->body);
  g_free (item->last_error);
  g_free (item->response);
  g_free (item);
}

HbOutbox *
hb_outbox_new (HbStore *store)
{
  g_return_val_if_fail (HB_IS_STORE (store), NULL);
  HbOutbox *self = g_object_new (HB_TYPE_OUTBOX, NULL);
  self->store = g_object_ref (store);
  return self;
}

/* --- validation ------------------------------------------------------------------------ */

static gboolean
chars_in (const char *s, gsize max, const char *extra)
{
  gsize n = s ? strlen (s) : 0;
  if (n == 0 || n > max)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (s[i]) && strchr (extra, s[i]) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
validate (const char *key, const char *kind, const char *path, const char *body,
          GError **error)
{
  gsize body_len;
  const char *first, *last;

  if (!chars_in (key, KEY_MAX, "-_"))
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "idempotency key must be 1-%d letters, digits, '-' or '_'", KEY_MAX);
      return FALSE;
    }
  if (!chars_in (kind, KIND_MAX, "-_"))
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "outbox kind must be 1-%d letters, digits, '-' or '_'", KIND_MAX);
      return FALSE;
    }
  if (!chars_in (path, PATH_MAX_BYTES, "/-_.") || !g_str_has_prefix (path, "/v1/")
      || strstr (path, "..") != NULL)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "outbox path must be a plain platform path under /v1/");
      return FALSE;
    }
  body_len = body ? strlen (body) : 0;
  if (body_len > HB_OUTBOX_BODY_MAX)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "outbox body is larger than %d bytes", HB_OUTBOX_BODY_MAX);
      return FALSE;
    }
  /* A shape check only: a full parse would scatter unwipeable copies of the personal data
   * it holds over the heap, and the platform rejects bad JSON anyway (→ dead, for staff).
   * Never quote the body in an error. */
  first = body;
  while (first && g_ascii_isspace (*first))
    first++;
  last = body_len > 0 ? body + body_len - 1 : NULL;
  while (last && last > first && g_ascii_isspace (*last))
    last--;
  if (first == NULL || *first != '{' || last == NULL || last == first || *last != '}'
      || !g_utf8_validate (body, (gssize) body_len, NULL))
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "outbox body is not a JSON object");
      return FALSE;
    }
  return TRUE;
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* --- enqueue --------------------------------------------------------------------------- */

gboolean
hb_outbox_enqueue_with_key (HbOutbox *self, const char *key, const char *kind,
                            const char *path, const char *body_json, GError **error)
{
  return hb_outbox_enqueue_in_visit (self, key, NULL, kind, path, body_json, error);
}

/* Call with the store lock held. An existing key is left as it is. */
static gboolean
insert_item (HbOutbox *self, const HbOutboxEntry *e, const char *visit, GBytes *sealed,
             GError **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;
  gsize sealed_len;
  gconstpointer sealed_data = g_bytes_get_data (sealed, &sealed_len);

  stmt = hb_store_prepare (self->store,
                           "INSERT INTO outbox (idempotency_key, kind, path, body, created_at,"
                           "  visit) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                           " ON CONFLICT (idempotency_key) DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, e->key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, e->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, e->path, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 4, sealed_data, (int) sealed_len, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, now_s ());
  if (visit != NULL)
    sqlite3_bind_text (stmt, 6, visit, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 6);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    hb_store_set_error_from_db (self->store, error, "enqueue");
  else if (sqlite3_changes (hb_store_get_db (self->store)) == 0)
    g_debug ("outbox: key %s already queued", e->key);
  else
    g_debug ("outbox: queued %s %s key %s", e->kind, e->path, e->key);
  sqlite3_finalize (stmt);
  return ok;
}

gboolean
hb_outbox_enqueue_in_visit (HbOutbox *self, const char *key, const char *visit,
                            const char *kind, const char *path, const char *body_json,
                            GError **error)
{
  HbOutboxEntry e = { key, kind, path, body_json };
  g_autoptr(GBytes) sealed = NULL;
  gboolean ok;

  g_return_val_if_fail (HB_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!validate (key, kind, path, body_json, error))
    return FALSE;
  sealed = hb_store_seal (self->store, key, body_json, strlen (body_json), error);
  if (sealed == NULL)
    return FALSE;
  hb_store_lock (self->store);
  /* One statement in autocommit mode is its own transaction; with synchronous=FULL the row
   * is on disk when this returns. */
  ok = insert_item (self, &e, visit, sealed, error);
  hb_store_unlock (self->store);
  return ok;
}

typedef struct {
  HbOutbox            *outbox;
  const HbOutboxEntry *entries;
  guint                n;
  const char          *visit;
  GBytes             **sealed;
} Batch;

static gboolean
insert_batch (HbStore *store, gpointer data, GError **error)
{
  Batch *b = data;
  for (guint i = 0; i < b->n; i++)
    if (!insert_item (b->outbox, &b->entries[i], b->visit, b->sealed[i], error))
      return FALSE;
  return TRUE;
}

gboolean
hb_outbox_enqueue_batch (HbOutbox *self, const char *visit, const HbOutboxEntry *entries,
                         guint n, GError **error)
{
  g_autofree GBytes **sealed = g_new0 (GBytes *, n + 1);
  Batch b = { self, entries, n, visit, sealed };
  gboolean ok = TRUE;

  g_return_val_if_fail (HB_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < n && ok; i++)
    ok = validate (entries[i].key, entries[i].kind, entries[i].path, entries[i].body_json,
                   error) &&
         (sealed[i] = hb_store_seal (self->store, entries[i].key, entries[i].body_json,
                                     strlen (entries[i].body_json), error)) != NULL;
  /* All or nothing: a 一件事 never reaches the platform in part. */
  if (ok)
    ok = hb_store_transaction (self->store, insert_batch, &b, error);
  for (guint i = 0; i < n; i++)
    g_clear_pointer (&sealed[i], g_bytes_unref);
  return ok;
}

/* {"idempotency_key":"<key>", …the caller's members…}: the platform wants the key in the
 * body as well as in the header. Textual, so the personal data is copied exactly once (into
 * a buffer we wipe) instead of through a JSON tree. NULL when body is not {…}-shaped. */
static char *
body_with_key (const char *body, const char *key)
{
  static const char head[] = "{\"idempotency_key\":\"";
  const char *rest, *p;
  gsize key_len, rest_len, len;
  gboolean empty;
  char *out, *w;

  if (body == NULL)
    return NULL;
  p = body;
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '{')
    return NULL;
  rest = p + 1;
  for (p = rest; g_ascii_isspace (*p); p++)
    ;
  empty = *p == '}';
  key_len = strlen (key);
  rest_len = strlen (rest);
  len = strlen (head) + key_len + 1 + (empty ? 0 : 1) + rest_len;
  out = w = g_malloc (len + 1);
  memcpy (w, head, strlen (head));
  w += strlen (head);
  memcpy (w, key, key_len);
  w += key_len;
  *w++ = '"';
  if (!empty)
    *w++ = ',';
  memcpy (w, rest, rest_len);
  w[rest_len] = '\0';
  return out;
}

char *
hb_outbox_enqueue (HbOutbox *self, const char *kind, const char *path, const char *body_json,
                   GError **error)
{
  g_autofree char *key = g_uuid_string_random ();
  char *body;
  gboolean ok;

  g_return_val_if_fail (HB_IS_OUTBOX (self), NULL);
  body = body_with_key (body_json, key);
  ok = hb_outbox_enqueue_with_key (self, key, kind, path, body ? body : body_json, error);
  hb_store_wipe_free (body);
  if (!ok)
    return NULL;
  return g_steal_pointer (&key);
}

/* --- reading --------------------------------------------------------------------------- */

#define ITEM_COLUMNS \
  "id, idempotency_key, kind, path, body, state, created_at, attempts, next_try_at," \
  " last_error, response, failures, parked_at"

static char *
dup_text (sqlite3_stmt *stmt, int col)
{
  const unsigned char *t = sqlite3_column_text (stmt, col);
  return t ? g_strdup ((const char *) t) : NULL;
}

/* Builds an item from the current row; decrypts the body (FALSE + CRYPTO error if it does
 * not authenticate, with the item still returned in *out for its id and key). */
static gboolean
item_from_row (HbOutbox *self, sqlite3_stmt *stmt, HbOutboxItem **out, GError **error)
{
  HbOutboxItem *item = g_new0 (HbOutboxItem, 1);
  const void *blob;
  int blob_len;

  item->id = sqlite3_column_int64 (stmt, 0);
  item->key = dup_text (stmt, 1);
  item->kind = dup_text (stmt, 2);
  item->path = dup_text (stmt, 3);
  item->state = state_from_string ((const char *) sqlite3_column_text (stmt, 5));
  item->created_at = sqlite3_column_int64 (stmt, 6);
  item->attempts = (guint) CLAMP (sqlite3_column_int64 (stmt, 7), 0, G_MAXUINT);
  item->next_try_at = sqlite3_column_int64 (stmt, 8);
  item->last_error = dup_text (stmt, 9);
  item->response = dup_text (stmt, 10);
  item->failures = (guint) CLAMP (sqlite3_column_int64 (stmt, 11), 0, G_MAXUINT);
  item->parked_at = sqlite3_column_int64 (stmt, 12);
  *out = item;

  blob = sqlite3_column_blob (stmt, 4);
  blob_len = sqlite3_column_bytes (stmt, 4);
  if (sqlite3_column_type (stmt, 4) == SQLITE_NULL)
    return TRUE;
  item->body = hb_store_unseal (self->store, item->key, blob, (gsize) blob_len, NULL, error);
  if (item->body == NULL)
    {
      g_prefix_error (error, "outbox item %s: ", item->key);
      return FALSE;
    }
  return TRUE;
}

/* Which items may go now. Items of a visit go out in the order they were enqueued: a
 * rating or a delivery request waits for its own application, also while that one is
 * parked for staff (nothing is lost; once unparked the visit's items follow it), and one
 * visit's trouble never holds up another's. Items without a visit keep one queue per
 * kind, in id order, without letting one kind block the others. */
#define HEADS_ONLY \
  " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.id < o.id AND" \
  "   ((o.visit IS NULL AND p.visit IS NULL AND p.state = 'pending' AND p.kind = o.kind)" \
  "    OR (o.visit IS NOT NULL AND p.visit = o.visit AND p.state IN ('pending', 'parked'))))"

HbOutboxItem *
hb_outbox_next_due (HbOutbox *self, gint64 now, GError **error)
{
  HbOutboxItem *item = NULL;
  gboolean unreadable = FALSE;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (HB_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  hb_store_lock (self->store);
  stmt = hb_store_prepare (self->store,
                           "SELECT " ITEM_COLUMNS " FROM outbox o"
                           " WHERE state = 'pending' AND next_try_at <= ?1" HEADS_ONLY
                           " ORDER BY id LIMIT 1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, now);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        unreadable = !item_from_row (self, stmt, &item, error);
      else if (rc != SQLITE_DONE)
        hb_store_set_error_from_db (self->store, error, "read outbox");
      sqlite3_finalize (stmt);
    }
  if (unreadable)
    {
      /* It can never be sent; keep it for staff and let the queue move on. */
      g_message ("outbox: item %s cannot be decrypted; marked dead", item->key);
      hb_outbox_mark_dead (self, item->id, "stored body cannot be decrypted", NULL);
      g_clear_pointer (&item, hb_outbox_item_free);
    }
  hb_store_unlock (self->store);
  return item;
}

gint64
hb_outbox_next_due_time (HbOutbox *self)
{
  gint64 t = G_MAXINT64;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (HB_IS_OUTBOX (self), G_MAXINT64);
  hb_store_lock (self->store);
  stmt = hb_store_prepare (self->store,
                           "SELECT min (next_try_at) FROM outbox o"
                           " WHERE state = 'pending'" HEADS_ONLY, NULL);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW
      && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    t = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  hb_store_unlock (self->store);
  return t;
}

HbOutboxItem *
hb_outbox_lookup (HbOutbox *self, const char *key, GError **error)
{
  HbOutboxItem *item = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (HB_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  hb_store_lock (self->store);
  stmt = hb_store_prepare (self->store,
                           "SELECT " ITEM_COLUMNS " FROM outbox WHERE idempotency_key = ?1",
                           error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          if (!item_from_row (self, stmt, &item, error))
            g_clear_pointer (&item, hb_outbox_item_free);
        }
      else if (rc == SQLITE_DONE)
        g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND,
                     "no outbox item with key %.64s", key);
      else
        hb_store_set_error_from_db (self->store, error, "read outbox");
      sqlite3_finalize (stmt);
    }
  hb_store_unlock (self->store);
  return item;
}

/* --- state changes --------------------------------------------------------------------- */

/* last_error is ours (statuses, error codes, curl messages), but bound it anyway. */
static char *
bounded_error (const char *text)
{
  const char *end = NULL;
  if (text == NULL)
    return NULL;
  if (!g_utf8_validate (text, -1, &end))
    return g_strndup (text, MIN ((gsize) (end - text), LAST_ERROR_MAX));
  if (strlen (text) <= LAST_ERROR_MAX)
    return g_strdup (text);
  end = g_utf8_find_prev_char (text, text + LAST_ERROR_MAX + 1);
  return g_strndup (text, end ? (gsize) (end - text) : 0);
}

/* Runs an UPDATE on one pending row; ?1 is bound to id, text to ?2, i64 to ?3 (if used). */
static gboolean
update_pending (HbOutbox *self, const char *sql, gint64 id, const char *text, gint64 i64,
                GError **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  hb_store_lock (self->store);
  stmt = hb_store_prepare (self->store, sql, error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      if (text)
        sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (stmt, 2);
      if (sqlite3_bind_parameter_count (stmt) >= 3)
        sqlite3_bind_int64 (stmt, 3, i64);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        hb_store_set_error_from_db (self->store, error, "update outbox");
      else if (sqlite3_changes (hb_store_get_db (self->store)) == 0)
        g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND,
                     "no pending outbox item %" G_GINT64_FORMAT, id);
      else
        ok = TRUE;
      sqlite3_finalize (stmt);
    }
  hb_store_unlock (self->store);
  return ok;
}

gboolean
hb_outbox_mark_sent (HbOutbox *self, gint64 id, const char *response_json, GError **error)
{
  g_return_val_if_fail (HB_IS_OUTBOX (self), FALSE);
  if (response_json != NULL
      && (strlen (response_json) > HB_OUTBOX_RESPONSE_MAX
          || !g_utf8_validate (response_json, -1, NULL)))
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "platform response is larger than %d bytes or not UTF-8",
                   HB_OUTBOX_RESPONSE_MAX);
      return FALSE;
    }
  /* The body goes: the platform has it now, and secure_delete zeroes the freed space. */
  return update_pending (self,
                         "UPDATE outbox SET state = 'sent', body = NULL, response = ?2,"
                         " last_error = NULL, sent_at = ?3 WHERE id = ?1 AND state = 'pending'",
                         id, response_json, now_s (), error);
}

gboolean
hb_outbox_mark_retry (HbOutbox *self, gint64 id, gint64 next_try_at, const char *last_error,
                      GError **error)
{
  g_autofree char *bounded = bounded_error (last_error);
  g_return_val_if_fail (HB_IS_OUTBOX (self), FALSE);
  return update_pending (self,
                         "UPDATE outbox SET attempts = attempts + 1, last_error = ?2,"
                         " next_try_at = ?3 WHERE id = ?1 AND state = 'pending'",
                         id, bounded, next_try_at, error);
}

gboolean
hb_outbox_mark_dead (HbOutbox *self, gint64 id, const char *last_error, GError **error)
{
  g_autofree char *bounded = bounded_error (last_error);
  g_return_val_if_fail (HB_IS_OUTBOX (self), FALSE);
  /* The (encrypted) body stays: staff may need to redo the application by hand. */
  return update_pending (self,
                         "UPDATE outbox SET state = 'dead', last_error = ?2"
                         " WHERE id = ?1 AND state = 'pending'",
                         id, bounded, 0, error);
}

gboolean
hb_outbox_mark_failed (HbOutbox *self, gint64 id, gint64 next_try_at, const char *last_error,
                       guint park_after_failures, gint64 park_after_s, gboolean *parked,
                       GError **error)
{
  g_autofree char *bounded = bounded_error (last_error);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  gint64 now = now_s ();

  g_return_val_if_fail (HB_IS_OUTBOX (self), FALSE);
  if (parked)
    *parked = FALSE;
  if (park_after_failures == 0)
    park_after_failures = HB_OUTBOX_PARK_AFTER_FAILURES;
  if (park_after_s <= 0)
    park_after_s = HB_OUTBOX_PARK_AFTER_S;

  /* One statement: the count and the decision cannot drift apart. */
  hb_store_lock (self->store);
  stmt = hb_store_prepare (self->store,
                           "UPDATE outbox SET attempts = attempts + 1, failures = failures + 1,"
                           " last_error = ?2, next_try_at = ?3,"
                           " state = CASE WHEN failures + 1 >= ?4"
                           "                OR (?5 - created_at >= ?6 AND failures + 1 >= ?7)"
                           "              THEN 'parked' ELSE 'pending' END,"
                           " parked_at = CASE WHEN failures + 1 >= ?4"
                           "                OR (?5 - created_at >= ?6 AND failures + 1 >= ?7)"
                           "              THEN ?5 ELSE NULL END"
                           " WHERE id = ?1 AND state = 'pending' RETURNING state", error);
  if (stmt != NULL)
    {
      int rc;
      sqlite3_bind_int64 (stmt, 1, id);
      if (bounded)
        sqlite3_bind_text (stmt, 2, bounded, -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (stmt, 2);
      sqlite3_bind_int64 (stmt, 3, next_try_at);
      sqlite3_bind_int64 (stmt, 4, park_after_failures);
      sqlite3_bind_int64 (stmt, 5, now);
      sqlite3_bind_int64 (stmt, 6, park_after_s);
      sqlite3_bind_int64 (stmt, 7, HB_OUTBOX_PARK_MIN_FAILURES);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          gboolean p = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "parked") == 0;
          if (parked)
            *parked = p;
          rc = sqlite3_step (stmt);
        }
      else if (rc == SQLITE_DONE)
        {
          g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND,
                       "no pending outbox item %" G_GINT64_FORMAT, id);
          rc = -1;
        }
      if (rc == SQLITE_DONE)
        ok = TRUE;
      else if (rc != -1)
        hb_store_set_error_from_db (self->store, error, "update outbox");
      sqlite3_finalize (stmt);
    }
  hb_store_unlock (self->store);
  return ok;
}

/* UPDATE … WHERE idempotency_key = ?1 expecting one row; text bound to ?2 if used. */
static gboolean
update_by_key (HbOutbox *self, const char *sql, const char *key, const char *text,
               const char *expected_state, GError **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  if (key == NULL)
    {
      g_set_error_literal (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID, "no key given");
      return FALSE;
    }
  hb_store_lock (self->store);
  stmt = hb_store_prepare (self->store, sql, error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_bind_parameter_count (stmt) >= 2)
        sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
      if (sqlite3_bind_parameter_count (stmt) >= 3)
        sqlite3_bind_int64 (stmt, 3, now_s ());
      if (sqlite3_step (stmt) != SQLITE_DONE)
        hb_store_set_error_from_db (self->store, error, "update outbox");
      else if (sqlite3_changes (hb_store_get_db (self->store)) == 0)
        g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND,
                     "no %s outbox item with key %.64s", expected_state, key);
      else
        ok = TRUE;
      sqlite3_finalize (stmt);
    }
  hb_store_unlock (self->store);
  return ok;
}

gboolean
hb_outbox_park (HbOutbox *self, const char *key, const char *reason, GError **error)
{
  g_autofree char *bounded = bounded_error (reason ? reason : "parked by staff");
  g_return_val_if_fail (HB_IS_OUTBOX (self), FALSE);
  if (!update_by_key (self,
                      "UPDATE outbox SET state = 'parked', last_error = ?2, parked_at = ?3"
                      " WHERE idempotency_key = ?1 AND state = 'pending'",
                      key, bounded, "pending", error))
    return FALSE;
  g_message ("outbox: item %s parked by staff", key);
  return TRUE;
}

gboolean
hb_outbox_unpark (HbOutbox *self, const char *key, GError **error)
{
  g_return_val_if_fail (HB_IS_OUTBOX (self), FALSE);
  /* Due at once; failures restart so it gets a full set of tries before parking again. */
  if (!update_by_key (self,
                      "UPDATE outbox SET state = 'pending', next_try_at = 0, failures = 0,"
                      " parked_at = NULL WHERE idempotency_key = ?1 AND state = 'parked'",
                      key, NULL, "parked", error))
    return FALSE;
  g_message ("outbox: item %s back in the queue", key);
  return TRUE;
}

gboolean
hb_outbox_unpark_all (HbOutbox *self, guint *n_unparked, GError **error)
{
  gboolean ok;
  guint n = 0;

  g_return_val_if_fail (HB_IS_OUTBOX (self), FALSE);
  hb_store_lock (self->store);
  ok = hb_store_exec (self->store,
                      "UPDATE outbox SET state = 'pending', next_try_at = 0, failures = 0,"
                      " parked_at = NULL WHERE state = 'parked'", error);
  if (ok)
    n = (guint) sqlite3_changes (hb_store_get_db (self->store));
  hb_store_unlock (self->store);
  if (n_unparked)
    *n_unparked = n;
  if (ok && n > 0)
    g_message ("outbox: %u parked items back in the queue", n);
  return ok;
}

GPtrArray *
hb_outbox_list (HbOutbox *self, HbOutboxState state, guint limit, GError **error)
{
  g_autoptr(GPtrArray) out = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (HB_IS_OUTBOX (self), NULL);
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_outbox_item_free);
  hb_store_lock (self->store);
  /* NULL in place of the body: listing never decrypts. */
  stmt = hb_store_prepare (self->store,
                           "SELECT id, idempotency_key, kind, path, NULL, state, created_at,"
                           " attempts, next_try_at, last_error, response, failures, parked_at"
                           " FROM outbox WHERE state = ?1 ORDER BY id LIMIT ?2", error);
  if (stmt == NULL)
    {
      hb_store_unlock (self->store);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, hb_outbox_state_to_string (state), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, limit ? limit : 1000);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HbOutboxItem *item = NULL;
      item_from_row (self, stmt, &item, NULL);
      g_ptr_array_add (out, item);
    }
  if (rc != SQLITE_DONE)
    hb_store_set_error_from_db (self->store, error, "list outbox");
  sqlite3_finalize (stmt);
  hb_store_unlock (self->store);
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

gboolean
hb_outbox_get_stats (HbOutbox *self, gint64 now, HbOutboxStats *stats, GError **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (HB_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);
  memset (stats, 0, sizeof *stats);

  hb_store_lock (self->store);
  stmt = hb_store_prepare (self->store,
                           "SELECT state, count (*), min (created_at) FROM outbox GROUP BY state",
                           error);
  if (stmt != NULL)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          guint n = (guint) sqlite3_column_int64 (stmt, 1);
          switch (state_from_string ((const char *) sqlite3_column_text (stmt, 0)))
            {
            case HB_OUTBOX_PENDING:
              stats->pending = n;
              stats->oldest_pending_age = MAX (0, now - sqlite3_column_int64 (stmt, 2));
              break;
            case HB_OUTBOX_SENT:
              stats->sent = n;
              break;
            case HB_OUTBOX_PARKED:
              stats->parked = n;
              stats->oldest_parked_age = MAX (0, now - sqlite3_column_int64 (stmt, 2));
              break;
            case HB_OUTBOX_DEAD:
            default:
              stats->dead = n;
              break;
            }
        }
      ok = rc == SQLITE_DONE;
      if (!ok)
        hb_store_set_error_from_db (self->store, error, "outbox stats");
      sqlite3_finalize (stmt);
    }
  hb_store_unlock (self->store);
  return ok;
}

gboolean
hb_outbox_purge_sent (HbOutbox *self, gint64 older_than, guint *n_deleted, GError **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  g_return_val_if_fail (HB_IS_OUTBOX (self), FALSE);
  if (n_deleted)
    *n_deleted = 0;
  hb_store_lock (self->store);
  stmt = hb_store_prepare (self->store,
                           "DELETE FROM outbox WHERE state = 'sent' AND sent_at < ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, older_than);
      ok = sqlite3_step (stmt) == SQLITE_DONE;
      if (!ok)
        hb_store_set_error_from_db (self->store, error, "purge outbox");
      else if (n_deleted)
        *n_deleted = (guint) sqlite3_changes (hb_store_get_db (self->store));
      sqlite3_finalize (stmt);
    }
  hb_store_unlock (self->store);
  return ok;
}

static void
hb_outbox_finalize (GObject *object)
{
  HbOutbox *self = HB_OUTBOX (object);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (hb_outbox_parent_class)->finalize (object);
}

static void
hb_outbox_class_init (HbOutboxClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hb_outbox_finalize;
}

static void
hb_outbox_init (HbOutbox *self)
{
}

void
hb_outbox_stats_build_json (const HbOutboxStats *stats, JsonBuilder *b)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "pending");
  json_builder_add_int_value (b, stats ? (gint64) stats->pending : -1);
  json_builder_set_member_name (b, "oldest_pending_age_s");
  json_builder_add_int_value (b, stats ? stats->oldest_pending_age : -1);
  json_builder_set_member_name (b, "dead");
  json_builder_add_int_value (b, stats ? (gint64) stats->dead : -1);
  json_builder_set_member_name (b, "sent");
  json_builder_add_int_value (b, stats ? (gint64) stats->sent : -1);
  json_builder_set_member_name (b, "parked");
  json_builder_add_int_value (b, stats ? (gint64) stats->parked : -1);
  json_builder_set_member_name (b, "oldest_parked_age_s");
  json_builder_add_int_value (b, stats ? stats->oldest_parked_age : -1);
  json_builder_end_object (b);
}
