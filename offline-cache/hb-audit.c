/* hb-audit.c — the audit log: an SM3 hash chain in the store with a sealed head anchor. */
#include "offline-cache/hb-audit.h"
#include "offline-cache/hb-audit-private.h"
#include "offline-cache/hb-store-private.h"
#include "common/hb-scrub.h"

#include <openssl/evp.h>
#include <string.h>

struct _HbAudit
{
  GObject  parent_instance;
  HbStore *store;
};

G_DEFINE_TYPE (HbAudit, hb_audit, G_TYPE_OBJECT)

G_DEFINE_QUARK (hb-audit-error-quark, hb_audit_error)

/* How far verification follows prev links back to find where a displaced record belongs,
 * and how far ahead it tries a record renumbered after a removal. */
#define GENUINE_DEPTH   32
#define RENUMBER_WINDOW 16

#define ANCHOR_TEXT_MAX 512

#define COLUMNS "seq, time, actor, action, subject, detail, prev_hash, hash"

/* --- records -------------------------------------------------------------------------- */

void
hb_audit_record_free (HbAuditRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->actor);
  g_free (record->action);
  g_free (record->subject);
  g_free (record->detail);
  g_free (record->prev_hash);
  g_free (record->hash);
  g_free (record);
}

const char *
hb_audit_fault_to_string (HbAuditFault fault)
{
  switch (fault)
    {
    case HB_AUDIT_FAULT_NONE:      return "intact";
    case HB_AUDIT_FAULT_EDITED:    return "edited";
    case HB_AUDIT_FAULT_REMOVED:   return "removed";
    case HB_AUDIT_FAULT_TRUNCATED: return "truncated";
    case HB_AUDIT_FAULT_REORDERED: return "reordered";
    case HB_AUDIT_FAULT_INSERTED:  return "inserted";
    case HB_AUDIT_FAULT_REWRITTEN: return "rewritten";
    case HB_AUDIT_FAULT_ANCHOR:    return "anchor";
    default:                       return "unknown";
    }
}

gboolean
hb_audit_is_hash (const char *text, gsize length)
{
  if (text == NULL || length != HB_AUDIT_HASH_HEX)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f')))
      return FALSE;
  return TRUE;
}

static gboolean
text_ok (const char *text, gsize length, gsize max, gboolean required)
{
  if (text == NULL)
    return !required;
  if ((required && length == 0) || length > max || strlen (text) != length
      || !g_utf8_validate (text, length, NULL))
    return FALSE;
  /* Records are shown one per line: no control characters (detail has them replaced). */
  for (gsize i = 0; i < length; i++)
    if ((guchar) text[i] < 0x20 || text[i] == 0x7f)
      return FALSE;
  return TRUE;
}

gboolean
hb_audit_record_check (const HbAuditRecord *r, GError **error)
{
  const char *bad = NULL;

  if (r == NULL || r->seq <= 0)
    bad = "sequence number";
  else if (!text_ok (r->actor, r->actor ? strlen (r->actor) : 0, HB_AUDIT_ACTOR_MAX, TRUE))
    bad = "actor";
  else if (!text_ok (r->action, r->action ? strlen (r->action) : 0, HB_AUDIT_ACTION_MAX, TRUE))
    bad = "action";
  else if (!text_ok (r->subject, r->subject ? strlen (r->subject) : 0, HB_AUDIT_SUBJECT_MAX,
                     FALSE))
    bad = "subject";
  else if (!text_ok (r->detail, r->detail ? strlen (r->detail) : 0, HB_AUDIT_DETAIL_MAX, FALSE))
    bad = "detail";
  else if (!hb_audit_is_hash (r->prev_hash, r->prev_hash ? strlen (r->prev_hash) : 0))
    bad = "previous hash";
  else if (!hb_audit_is_hash (r->hash, r->hash ? strlen (r->hash) : 0))
    bad = "hash";
  if (bad == NULL)
    return TRUE;
  g_set_error (error, HB_AUDIT_ERROR, HB_AUDIT_ERROR_INVALID, "unreadable %s", bad);
  return FALSE;
}

HbAuditRecord *
hb_audit_record_from_columns (gint64 seq, gint64 time, const char *const texts[6],
                              const gsize lengths[6], GError **error)
{
  static const gsize max[6] = { HB_AUDIT_ACTOR_MAX, HB_AUDIT_ACTION_MAX, HB_AUDIT_SUBJECT_MAX,
                                HB_AUDIT_DETAIL_MAX, HB_AUDIT_HASH_HEX, HB_AUDIT_HASH_HEX };
  g_autoptr(HbAuditRecord) r = g_new0 (HbAuditRecord, 1);
  char *copies[6] = { NULL };

  for (guint i = 0; i < 6; i++)
    {
      /* Refuse before copying: a field edited to megabytes must not be duplicated. */
      if (texts[i] != NULL && lengths[i] > max[i])
        {
          for (guint j = 0; j < i; j++)
            g_free (copies[j]);
          g_set_error (error, HB_AUDIT_ERROR, HB_AUDIT_ERROR_INVALID, "overlong field");
          return NULL;
        }
      copies[i] = texts[i] ? g_strndup (texts[i], lengths[i]) : NULL;
      if (copies[i] != NULL && strlen (copies[i]) != lengths[i])
        {
          for (guint j = 0; j <= i; j++)
            g_free (copies[j]);
          g_set_error (error, HB_AUDIT_ERROR, HB_AUDIT_ERROR_INVALID, "field holds a NUL");
          return NULL;
        }
    }
  r->seq = seq;
  r->time = time;
  r->actor = copies[0];
  r->action = copies[1];
  r->subject = copies[2];
  r->detail = copies[3];
  r->prev_hash = copies[4];
  r->hash = copies[5];
  if (!hb_audit_record_check (r, error))
    return NULL;
  return g_steal_pointer (&r);
}

/* --- encoding and SM3 ------------------------------------------------------------------ */

static void
put_u64 (GByteArray *b, guint64 v)
{
  guint8 bytes[8];
  for (int i = 7; i >= 0; i--, v >>= 8)
    bytes[i] = (guint8) (v & 0xff);
  g_byte_array_append (b, bytes, 8);
}

static void
put_text (GByteArray *b, const char *text)
{
  guint8 present = text != NULL;
  guint32 n = text ? (guint32) strlen (text) : 0;
  guint8 len[4] = { n >> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff };

  g_byte_array_append (b, &present, 1);
  if (text == NULL)
    return;
  g_byte_array_append (b, len, 4);
  g_byte_array_append (b, (const guint8 *) text, n);
}

static int
hex_value (char c)
{
  return c <= '9' ? c - '0' : c - 'a' + 10;
}

GBytes *
hb_audit_record_encode (const HbAuditRecord *r, GError **error)
{
  GByteArray *b;
  guint8 prev[HB_AUDIT_HASH_HEX / 2];

  if (!hb_audit_is_hash (r->prev_hash, r->prev_hash ? strlen (r->prev_hash) : 0))
    {
      g_set_error (error, HB_AUDIT_ERROR, HB_AUDIT_ERROR_INVALID, "unreadable previous hash");
      return NULL;
    }
  for (guint i = 0; i < sizeof prev; i++)
    prev[i] = (guint8) (hex_value (r->prev_hash[2 * i]) << 4 | hex_value (r->prev_hash[2 * i + 1]));
  b = g_byte_array_sized_new (128);
  g_byte_array_append (b, (const guint8 *) HB_AUDIT_ENCODING_TAG, strlen (HB_AUDIT_ENCODING_TAG));
  put_u64 (b, (guint64) r->seq);
  put_u64 (b, (guint64) r->time);
  put_text (b, r->actor);
  put_text (b, r->action);
  put_text (b, r->subject);
  put_text (b, r->detail);
  g_byte_array_append (b, prev, sizeof prev);
  return g_byte_array_free_to_bytes (b);
}

static EVP_MD *
sm3_md (void)
{
  static gsize once;
  static EVP_MD *md;

  if (g_once_init_enter (&once))
    {
      md = EVP_MD_fetch (NULL, "SM3", NULL);
      g_once_init_leave (&once, 1);
    }
  return md;
}

gboolean
hb_audit_sm3_hex (const void *data, gsize length, char out[HB_AUDIT_HASH_HEX + 1],
                  GError **error)
{
  static const char hex[] = "0123456789abcdef";
  EVP_MD *md = sm3_md ();
  guint8 digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;

  if (md == NULL || !EVP_Digest (data, length, digest, &n, md, NULL) || n != 32)
    {
      g_set_error (error, HB_AUDIT_ERROR, HB_AUDIT_ERROR_CRYPTO, "SM3 is not available");
      return FALSE;
    }
  for (guint i = 0; i < 32; i++)
    {
      out[2 * i] = hex[digest[i] >> 4];
      out[2 * i + 1] = hex[digest[i] & 0xf];
    }
  out[HB_AUDIT_HASH_HEX] = '\0';
  return TRUE;
}

static gboolean
sm3_available (GError **error)
{
  if (sm3_md () != NULL)
    return TRUE;
  g_set_error (error, HB_AUDIT_ERROR, HB_AUDIT_ERROR_CRYPTO, "SM3 is not available");
  return FALSE;
}

gboolean
hb_audit_record_hash_at (const HbAuditRecord *record, gint64 seq,
                         char out[HB_AUDIT_HASH_HEX + 1], GError **error)
{
  HbAuditRecord at = *record;
  g_autoptr(GBytes) bytes = NULL;
  gsize n;
  const void *data;

  at.seq = seq;
  bytes = hb_audit_record_encode (&at, error);
  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &n);
  return hb_audit_sm3_hex (data, n, out, error);
}

/* Does record hash to its stored hash when taken at seq? */
static gboolean
hashes_at (const HbAuditRecord *record, gint64 seq)
{
  char h[HB_AUDIT_HASH_HEX + 1];
  return seq > 0 && hb_audit_record_hash_at (record, seq, h, NULL)
         && g_strcmp0 (h, record->hash) == 0;
}

/* --- head ------------------------------------------------------------------------------ */

gboolean
hb_audit_parse_head (const char *text, gsize length, gint64 *seq,
                     char hash[HB_AUDIT_HASH_HEX + 1], GError **error)
{
  gsize digits = 0;
  guint64 v = 0;

  while (digits < length && digits < 19 && text[digits] >= '0' && text[digits] <= '9')
    v = v * 10 + (guint64) (text[digits++] - '0');
  /* Canonical only (no leading zero): one head, one spelling. */
  if (digits == 0 || digits >= length || text[digits] != ':' || v == 0 || text[0] == '0'
      || v > G_MAXINT64
      || !hb_audit_is_hash (text + digits + 1, length - digits - 1))
    {
      g_set_error (error, HB_AUDIT_ERROR, HB_AUDIT_ERROR_INVALID,
                   "a head is SEQ:HASH (a positive number and 64 lowercase hex digits)");
      return FALSE;
    }
  *seq = (gint64) v;
  memcpy (hash, text + digits + 1, HB_AUDIT_HASH_HEX);
  hash[HB_AUDIT_HASH_HEX] = '\0';
  return TRUE;
}

char *
hb_audit_format_head (gint64 seq, const char *hash)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%s", seq, hash);
}

/* --- the object ------------------------------------------------------------------------ */

static void
hb_audit_finalize (GObject *object)
{
  HbAudit *self = HB_AUDIT (object);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (hb_audit_parent_class)->finalize (object);
}

static void
hb_audit_class_init (HbAuditClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hb_audit_finalize;
}

static void
hb_audit_init (HbAudit *self)
{
}

HbAudit *
hb_audit_new (HbStore *store)
{
  HbAudit *self;

  g_return_val_if_fail (HB_IS_STORE (store), NULL);
  self = g_object_new (HB_TYPE_AUDIT, NULL);
  self->store = g_object_ref (store);
  return self;
}

/* Reads the current row of stmt (COLUMNS order). strict: refuse anything malformed (for
 * verification); otherwise repair it for display (for listing). */
static HbAuditRecord *
read_row (sqlite3_stmt *stmt, gboolean strict, GError **error)
{
  const char *texts[6];
  gsize lengths[6];
  HbAuditRecord *r;

  for (int i = 0; i < 6; i++)
    {
      texts[i] = (const char *) sqlite3_column_text (stmt, 2 + i);
      lengths[i] = (gsize) sqlite3_column_bytes (stmt, 2 + i);
    }
  r = hb_audit_record_from_columns (sqlite3_column_int64 (stmt, 0),
                                    sqlite3_column_int64 (stmt, 1), texts, lengths,
                                    strict ? error : NULL);
  if (r != NULL || strict)
    return r;

  /* Shown as it is, made printable and bounded: the viewer must still see the row. */
  r = g_new0 (HbAuditRecord, 1);
  r->seq = sqlite3_column_int64 (stmt, 0);
  r->time = sqlite3_column_int64 (stmt, 1);
  {
    char **fields[6] = { &r->actor, &r->action, &r->subject, &r->detail, &r->prev_hash,
                         &r->hash };
    for (int i = 0; i < 6; i++)
      {
        g_autofree char *cut = NULL;
        if (texts[i] == NULL)
          {
            *fields[i] = i == 2 || i == 3 ? NULL : g_strdup ("");
            continue;
          }
        cut = g_strndup (texts[i], MIN (lengths[i], (gsize) HB_AUDIT_DETAIL_MAX));
        *fields[i] = g_utf8_make_valid (cut, -1);
      }
  }
  return r;
}

/* The sealed anchor: TRUE with *seq = 0 when there is none; FALSE when it is damaged. */
static gboolean
read_anchor (HbAudit *self, gint64 *seq, char hash[HB_AUDIT_HASH_HEX + 1], gboolean *present)
{
  g_autofree char *value = hb_store_dup_meta (self->store, HB_AUDIT_ANCHOR_KEY);
  g_autofree guchar *sealed = NULL;
  char *plain;
  gsize n = 0, plain_len = 0;
  gboolean ok;

  *seq = 0;
  hash[0] = '\0';
  *present = value != NULL;
  if (value == NULL)
    return TRUE;
  /* A sealed "SEQ:HASH" is about 150 base64 characters: anything much longer is not ours. */
  if (strlen (value) > ANCHOR_TEXT_MAX)
    return FALSE;
  sealed = g_base64_decode (value, &n);
  plain = hb_store_unseal (self->store, HB_AUDIT_ANCHOR_KEY, sealed, n, &plain_len, NULL);
  if (plain == NULL)
    return FALSE;
  ok = hb_audit_parse_head (plain, plain_len, seq, hash, NULL);
  hb_store_wipe_free (plain);
  return ok;
}

static gboolean
write_anchor (HbAudit *self, gint64 seq, const char *hash, GError **error)
{
  g_autofree char *plain = hb_audit_format_head (seq, hash);
  g_autoptr(GBytes) sealed = hb_store_seal (self->store, HB_AUDIT_ANCHOR_KEY, plain,
                                            strlen (plain), error);
  g_autofree char *text = NULL;
  gsize n;
  const guchar *data;

  if (sealed == NULL)
    return FALSE;
  data = g_bytes_get_data (sealed, &n);
  text = g_base64_encode (data, n);
  return hb_store_set_meta (self->store, HB_AUDIT_ANCHOR_KEY, text, error);
}

/* The last row's seq and hash; seq 0 and the genesis hash when the table is empty. */
static gboolean
read_last (HbAudit *self, gint64 *seq, char hash[HB_AUDIT_HASH_HEX + 1], GError **error)
{
  sqlite3_stmt *stmt = hb_store_prepare (self->store,
                                         "SELECT seq, hash FROM audit_log ORDER BY seq DESC "
                                         "LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  *seq = 0;
  g_strlcpy (hash, HB_AUDIT_GENESIS, HB_AUDIT_HASH_HEX + 1);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *h = (const char *) sqlite3_column_text (stmt, 1);
      *seq = sqlite3_column_int64 (stmt, 0);
      /* A damaged last hash still chains (verification reports it): keep what is there. */
      g_strlcpy (hash, h && hb_audit_is_hash (h, strlen (h)) ? h : HB_AUDIT_GENESIS,
                 HB_AUDIT_HASH_HEX + 1);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      hb_store_set_error_from_db (self->store, error, "audit head");
      return FALSE;
    }
  return TRUE;
}

/* --- append ---------------------------------------------------------------------------- */

typedef struct {
  HbAudit    *self;
  const char *actor, *action, *subject, *detail;
  gint64      seq;
} AppendJob;

static gboolean
insert_record (HbAudit *self, HbAuditRecord *r, GError **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  if (!hb_audit_record_hash_at (r, r->seq, r->hash, error))
    return FALSE;
  stmt = hb_store_prepare (self->store,
                           "INSERT INTO audit_log (" COLUMNS ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, r->seq);
  sqlite3_bind_int64 (stmt, 2, r->time);
  sqlite3_bind_text (stmt, 3, r->actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, r->action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, r->subject, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, r->detail, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, r->prev_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, r->hash, -1, SQLITE_STATIC);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    hb_store_set_error_from_db (self->store, error, "audit append");
  sqlite3_finalize (stmt);
  return ok;
}

/* Appends one record after (seq, prev) and moves *seq / prev on to it. */
static gboolean
append_one (HbAudit *self, gint64 *seq, char prev[HB_AUDIT_HASH_HEX + 1], const char *actor,
            const char *action, const char *subject, const char *detail, GError **error)
{
  char hash[HB_AUDIT_HASH_HEX + 1];
  HbAuditRecord r = {
    .seq = *seq + 1, .time = g_get_real_time () / G_USEC_PER_SEC,
    .actor = (char *) actor, .action = (char *) action, .subject = (char *) subject,
    .detail = (char *) detail, .prev_hash = prev, .hash = hash,
  };

  if (!insert_record (self, &r, error))
    return FALSE;
  *seq = r.seq;
  memcpy (prev, hash, sizeof hash);
  return TRUE;
}

static gboolean
append_txn (HbStore *store, gpointer data, GError **error)
{
  AppendJob *job = data;
  HbAudit *self = job->self;
  gint64 last, anchor;
  char prev[HB_AUDIT_HASH_HEX + 1], anchor_hash[HB_AUDIT_HASH_HEX + 1];
  gboolean present, readable;
  g_autofree char *reset = NULL;

  if (!read_last (self, &last, prev, error))
    return FALSE;
  readable = read_anchor (self, &anchor, anchor_hash, &present);

  /* The anchor and the table disagree only when someone edited one of them. Never let
   * an append paper over that: */
  if (readable && anchor > last)
    {
      /* Tail removed: continue after the anchored head, so the gap stays visible. */
      last = anchor;
      memcpy (prev, anchor_hash, sizeof prev);
    }
  else if (!readable)
    reset = g_strdup_printf ("anchor damaged; log head %" G_GINT64_FORMAT, last);
  else if (!present && last > 0)
    reset = g_strdup_printf ("anchor missing; log head %" G_GINT64_FORMAT, last);
  else if (present && anchor < last)
    reset = g_strdup_printf ("anchor %" G_GINT64_FORMAT " behind log head %" G_GINT64_FORMAT,
                             anchor, last);
  else if (present && strcmp (anchor_hash, prev) != 0)
    reset = g_strdup_printf ("anchor %" G_GINT64_FORMAT " hash differs from the log",
                             anchor);
  /* …and record that the anchor had to be re-made; verification reports it for good. */
  if (reset != NULL
      && !append_one (self, &last, prev, "system", HB_AUDIT_ACTION_RESET, NULL, reset, error))
    return FALSE;

  if (!append_one (self, &last, prev, job->actor, job->action, job->subject, job->detail,
                   error))
    return FALSE;
  job->seq = last;
  return write_anchor (self, last, prev, error);
}

/* Scrubbed copy of text; detail is also made printable and cut to its limit. */
static char *
clean_text (const char *text, gboolean is_detail)
{
  g_autofree char *valid = NULL;
  char *clean;

  if (text == NULL)
    return NULL;
  if (!is_detail)
    return hb_scrub_personal (text);
  valid = g_utf8_make_valid (text, -1);
  for (char *p = valid; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  clean = hb_scrub_personal (valid);
  if (strlen (clean) > HB_AUDIT_DETAIL_MAX)
    {
      const char *end = clean + HB_AUDIT_DETAIL_MAX;
      /* Back to the start of the character that does not fit whole. */
      while (end > clean && ((guchar) *end & 0xc0) == 0x80)
        end--;
      clean[end - clean] = '\0';
    }
  return clean;
}

gboolean
hb_audit_append_full (HbAudit *self, const char *actor, const char *action,
                      const char *subject, const char *detail, gint64 *out_seq,
                      GError **error)
{
  g_autofree char *c_actor = clean_text (actor, FALSE);
  g_autofree char *c_action = clean_text (action, FALSE);
  g_autofree char *c_subject = clean_text (subject, FALSE);
  g_autofree char *c_detail = clean_text (detail, TRUE);
  AppendJob job = { self, c_actor, c_action, c_subject, c_detail, 0 };
  const char *bad = NULL;
  gboolean ok;

  g_return_val_if_fail (HB_IS_AUDIT (self), FALSE);
  if (!text_ok (c_actor, c_actor ? strlen (c_actor) : 0, HB_AUDIT_ACTOR_MAX, TRUE))
    bad = "actor";
  else if (!text_ok (c_action, c_action ? strlen (c_action) : 0, HB_AUDIT_ACTION_MAX, TRUE))
    bad = "action";
  else if (g_str_has_prefix (c_action, "audit."))
    bad = "action (\"audit.\" is reserved)";
  else if (!text_ok (c_subject, c_subject ? strlen (c_subject) : 0, HB_AUDIT_SUBJECT_MAX,
                     FALSE))
    bad = "subject";
  if (bad != NULL)
    {
      /* Name the field only: the value may be what should not have been passed. */
      g_set_error (error, HB_AUDIT_ERROR, HB_AUDIT_ERROR_INVALID,
                   "audit record refused: missing, overlong or invalid %s", bad);
      return FALSE;
    }
  if (!sm3_available (error))
    return FALSE;

  /* Reading the head and inserting after it in one IMMEDIATE transaction: another
   * connection (haobanctl, the writer thread) cannot append in between. */
  ok = hb_store_transaction (self->store, append_txn, &job, error);
  if (ok && out_seq != NULL)
    *out_seq = job.seq;
  return ok;
}

gboolean
hb_audit_append (HbAudit *self, const char *actor, const char *action, const char *subject,
                 const char *detail, GError **error)
{
  return hb_audit_append_full (self, actor, action, subject, detail, NULL, error);
}

typedef struct {
  char *actor, *action, *subject, *detail;
} AsyncJob;

static void
async_job_free (AsyncJob *job)
{
  g_free (job->actor);
  g_free (job->action);
  g_free (job->subject);
  g_free (job->detail);
  g_free (job);
}

static void
append_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  AsyncJob *job = data;
  GError *error = NULL;

  if (hb_audit_append (source, job->actor, job->action, job->subject, job->detail, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
hb_audit_append_async (HbAudit *self, const char *actor, const char *action,
                       const char *subject, const char *detail, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  AsyncJob *job;

  g_return_if_fail (HB_IS_AUDIT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hb_audit_append_async);
  job = g_new0 (AsyncJob, 1);
  job->actor = g_strdup (actor);
  job->action = g_strdup (action);
  job->subject = g_strdup (subject);
  job->detail = g_strdup (detail);
  g_task_set_task_data (task, job, (GDestroyNotify) async_job_free);
  /* Once started the record is written even if cancelled: it is a fact, not a wish. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, append_thread);
}

gboolean
hb_audit_append_finish (HbAudit *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- catching up after a crash --------------------------------------------------------- */

#define CATCH_UP_BATCH 256

gboolean
hb_audit_record_missing_submissions (HbAudit *self, guint *recorded, GError **error)
{
  guint total = 0;

  g_return_val_if_fail (HB_IS_AUDIT (self), FALSE);
  for (;;)
    {
      g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
      sqlite3_stmt *stmt;
      int rc;

      hb_store_lock (self->store);
      stmt = hb_store_prepare (self->store,
                               "SELECT idempotency_key FROM outbox o WHERE kind = 'application' "
                               "AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.subject = "
                               "o.idempotency_key AND a.action = 'submission') ORDER BY id "
                               "LIMIT ?1", error);
      if (stmt == NULL)
        {
          hb_store_unlock (self->store);
          return FALSE;
        }
      sqlite3_bind_int (stmt, 1, CATCH_UP_BATCH);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (keys, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      if (rc != SQLITE_DONE)
        hb_store_set_error_from_db (self->store, error, "audit catch-up");
      sqlite3_finalize (stmt);
      hb_store_unlock (self->store);
      if (rc != SQLITE_DONE)
        return FALSE;

      for (guint i = 0; i < keys->len; i++)
        {
          if (!hb_audit_append (self, "resident", "submission", keys->pdata[i],
                                "recorded at start", error))
            return FALSE;
          total++;
        }
      if (keys->len < CATCH_UP_BATCH)
        break;
    }
  if (recorded != NULL)
    *recorded = total;
  return TRUE;
}

/* --- list ------------------------------------------------------------------------------ */

static GPtrArray *
list_query (HbAudit *self, const char *sql, gint64 arg, guint limit, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_audit_record_free);
  sqlite3_stmt *stmt;
  int rc;

  if (limit == 0 || limit > HB_AUDIT_LIST_MAX)
    limit = HB_AUDIT_LIST_MAX;
  hb_store_lock (self->store);
  stmt = hb_store_prepare (self->store, sql, error);
  if (stmt == NULL)
    {
      hb_store_unlock (self->store);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, arg);
  sqlite3_bind_int64 (stmt, 2, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, read_row (stmt, FALSE, NULL));
  if (rc != SQLITE_DONE)
    hb_store_set_error_from_db (self->store, error, "audit list");
  sqlite3_finalize (stmt);
  hb_store_unlock (self->store);
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

GPtrArray *
hb_audit_list (HbAudit *self, gint64 since_seq, guint limit, GError **error)
{
  g_return_val_if_fail (HB_IS_AUDIT (self), NULL);
  return list_query (self, "SELECT " COLUMNS " FROM audit_log WHERE seq > ?1 ORDER BY seq "
                     "LIMIT ?2", since_seq, limit, error);
}

GPtrArray *
hb_audit_list_recent (HbAudit *self, guint limit, GError **error)
{
  g_return_val_if_fail (HB_IS_AUDIT (self), NULL);
  return list_query (self, "SELECT " COLUMNS " FROM audit_log WHERE ?1 = ?1 "
                     "ORDER BY seq DESC LIMIT ?2", 0, limit, error);
}

gboolean
hb_audit_get_head (HbAudit *self, gint64 *seq, char **hash, GError **error)
{
  char h[HB_AUDIT_HASH_HEX + 1];
  gint64 s;
  gboolean ok;

  g_return_val_if_fail (HB_IS_AUDIT (self), FALSE);
  hb_store_lock (self->store);
  ok = read_last (self, &s, h, error);
  hb_store_unlock (self->store);
  if (!ok)
    return FALSE;
  if (seq != NULL)
    *seq = s;
  if (hash != NULL)
    *hash = g_strdup (s > 0 ? h : "");
  return TRUE;
}

/* --- verification ---------------------------------------------------------------------- */

static void
set_fault (HbAuditReport *out, HbAuditFault fault, gint64 seq, gint64 seq_last,
           const char *why)
{
  out->fault = fault;
  out->seq = seq;
  out->seq_last = MAX (seq, seq_last);
  g_strlcpy (out->why, why ? why : "", sizeof out->why);
}

/* One strictly read record by a WHERE clause with one text argument (NULL when none or
 * unreadable). Candidates are few: prev_hash is unique, hash nearly so. */
static GPtrArray *
find_rows (HbAudit *self, const char *column, const char *value, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT " COLUMNS " FROM audit_log WHERE %s = ?1 "
                                          "ORDER BY seq LIMIT 8", column);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_audit_record_free);
  sqlite3_stmt *stmt = hb_store_prepare (self->store, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HbAuditRecord *r = read_row (stmt, TRUE, NULL);
      if (r != NULL)
        g_ptr_array_add (out, r);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      hb_store_set_error_from_db (self->store, error, "audit verify");
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* Where record r genuinely belongs: the seq at which it hashes to its own hash, found
 * through its prev link (its predecessor's genuine place + 1). 0 when nowhere. */
static gint64
genuine_seq (HbAudit *self, const HbAuditRecord *r, guint depth)
{
  g_autoptr(GPtrArray) owners = NULL;

  if (hashes_at (r, r->seq))
    return r->seq;
  if (strcmp (r->prev_hash, HB_AUDIT_GENESIS) == 0)
    return hashes_at (r, 1) ? 1 : 0;
  if (depth == 0)
    return 0;
  owners = find_rows (self, "hash", r->prev_hash, NULL);
  for (guint i = 0; owners != NULL && i < owners->len; i++)
    {
      gint64 p = genuine_seq (self, owners->pdata[i], depth - 1);
      if (p > 0 && hashes_at (r, p + 1))
        return p + 1;
    }
  return 0;
}

/* The first fault is at position i: every record before it is genuine and in place, the
 * last of them has hash last; r is the row at the first seq >= i (it failed the checks;
 * NULL when it could not be read, then r_seq is its seq). Tells which kind of tampering
 * explains what is there. */
static gboolean
classify (HbAudit *self, gint64 i, const char *last, const HbAuditRecord *r, gint64 r_seq,
          HbAuditReport *out, GError **error)
{
  g_autoptr(GPtrArray) next = find_rows (self, "prev_hash", last, error);
  const HbAuditRecord *x = NULL;
  gint64 g;

  if (next == NULL)
    return FALSE;
  /* x: the genuine record i, wherever it sits now. */
  for (guint k = 0; k < next->len && x == NULL; k++)
    if (hashes_at (next->pdata[k], i))
      x = next->pdata[k];

  if (x != NULL)
    {
      if (r_seq == i && (r == NULL || r->seq != x->seq))
        {
          g = r != NULL ? genuine_seq (self, r, GENUINE_DEPTH) : 0;
          if (g > 0 && g != i)
            {
              set_fault (out, HB_AUDIT_FAULT_REORDERED, i, i, "out of order");
              out->moved_to = x->seq;
            }
          else
            set_fault (out, HB_AUDIT_FAULT_INSERTED, i, x->seq - 1,
                       "not part of the chain; the genuine record follows it");
          return TRUE;
        }
      set_fault (out, HB_AUDIT_FAULT_REORDERED, i, i, "moved");
      out->moved_to = x->seq;
      return TRUE;
    }

  if (r_seq > i)
    {
      set_fault (out, HB_AUDIT_FAULT_REMOVED, i, r_seq - 1, "gap in the sequence");
      return TRUE;
    }
  if (r == NULL)
    {
      set_fault (out, HB_AUDIT_FAULT_EDITED, i, i, "unreadable field");
      return TRUE;
    }
  if (strcmp (r->prev_hash, last) == 0)
    {
      set_fault (out, HB_AUDIT_FAULT_EDITED, i, i, "hash mismatch");
      return TRUE;
    }
  if (hashes_at (r, i))
    {
      /* r is whole but names another predecessor: the predecessor was changed and its
       * hash recomputed to match. */
      set_fault (out, HB_AUDIT_FAULT_EDITED, MAX (1, i - 1), MAX (1, i - 1),
                 "hash recomputed; the next record names another");
      return TRUE;
    }
  g = genuine_seq (self, r, GENUINE_DEPTH);
  for (gint64 k = i + 1; g == 0 && k <= i + RENUMBER_WINDOW; k++)
    if (hashes_at (r, k))
      g = k;
  if (g > 0 && g < i)
    set_fault (out, HB_AUDIT_FAULT_INSERTED, g, i - 1,
               "not part of the chain; the genuine record follows it");
  else if (g > i)
    set_fault (out, HB_AUDIT_FAULT_REMOVED, i, g - 1, "later records renumbered");
  else
    set_fault (out, HB_AUDIT_FAULT_EDITED, i, i, "previous hash changed");
  return TRUE;
}

/* Walks the chain in seq order; stops at the first fault. */
static gboolean
verify_chain (HbAudit *self, gint64 anchor, gboolean anchor_ok, HbAuditReport *out,
              GError **error)
{
  sqlite3_stmt *stmt = hb_store_prepare (self->store,
                                         "SELECT " COLUMNS " FROM audit_log ORDER BY seq",
                                         error);
  char last[HB_AUDIT_HASH_HEX + 1] = HB_AUDIT_GENESIS;
  gint64 expect = 1;
  gboolean ok = TRUE;
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(HbAuditRecord) r = read_row (stmt, TRUE, NULL);
      gint64 seq = sqlite3_column_int64 (stmt, 0);

      if (r != NULL && seq == expect && strcmp (r->prev_hash, last) == 0
          && hashes_at (r, seq))
        {
          if (strcmp (r->action, HB_AUDIT_ACTION_RESET) == 0)
            {
              set_fault (out, HB_AUDIT_FAULT_ANCHOR, seq, seq,
                         "the anchor was re-made here: earlier records may be missing");
              break;
            }
          memcpy (last, r->hash, sizeof last);
          expect++;
          continue;
        }
      if (anchor_ok && anchor > 0 && expect > anchor)
        /* Beyond the anchored head: nothing the log itself appended. */
        set_fault (out, HB_AUDIT_FAULT_INSERTED, expect, out->head_seq,
                   "beyond the anchored head");
      else
        ok = classify (self, expect, last, r, seq, out, error);
      break;
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      hb_store_set_error_from_db (self->store, error, "audit verify");
      ok = FALSE;
    }
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
verify_locked (HbAudit *self, gint64 ext_seq, const char *ext_hash, HbAuditReport *out,
               GError **error)
{
  char anchor_hash[HB_AUDIT_HASH_HEX + 1];
  gint64 anchor;
  gboolean present, anchor_ok;
  sqlite3_stmt *stmt;

  /* Head and count. */
  stmt = hb_store_prepare (self->store, "SELECT count (*), max (seq) FROM audit_log", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      hb_store_set_error_from_db (self->store, error, "audit verify");
      return FALSE;
    }
  out->records = (guint64) sqlite3_column_int64 (stmt, 0);
  out->head_seq = sqlite3_column_int64 (stmt, 1);
  sqlite3_finalize (stmt);
  if (out->head_seq > 0)
    {
      char h[HB_AUDIT_HASH_HEX + 1];
      gint64 s;
      if (!read_last (self, &s, h, error))
        return FALSE;
      g_strlcpy (out->head_hash, h, sizeof out->head_hash);
    }

  anchor_ok = read_anchor (self, &anchor, anchor_hash, &present);
  out->anchor_seq = anchor_ok ? anchor : 0;

  if (!verify_chain (self, anchor, anchor_ok, out, error))
    return FALSE;
  if (out->fault != HB_AUDIT_FAULT_NONE)
    return TRUE;

  /* The chain is whole from 1 to head_seq: does it end where the anchor says? */
  if (!anchor_ok)
    set_fault (out, HB_AUDIT_FAULT_ANCHOR, MAX (1, out->head_seq), out->head_seq,
               "the anchor is damaged");
  else if (!present && out->head_seq > 0)
    set_fault (out, HB_AUDIT_FAULT_ANCHOR, out->head_seq, out->head_seq,
               "the anchor is missing");
  else if (anchor > out->head_seq)
    set_fault (out, HB_AUDIT_FAULT_TRUNCATED, out->head_seq + 1, anchor,
               "the log ends before the anchored head");
  else if (present && anchor < out->head_seq)
    set_fault (out, HB_AUDIT_FAULT_INSERTED, anchor + 1, out->head_seq,
               "beyond the anchored head");
  else if (present && strcmp (anchor_hash, out->head_hash) != 0)
    set_fault (out, HB_AUDIT_FAULT_REWRITTEN, anchor, anchor,
               "the head's hash differs from the anchored one");
  if (out->fault != HB_AUDIT_FAULT_NONE || ext_hash == NULL)
    return TRUE;

  /* A head held elsewhere (the platform's): that record must still be there, unchanged. */
  if (ext_seq > out->head_seq)
    set_fault (out, HB_AUDIT_FAULT_TRUNCATED, out->head_seq + 1, ext_seq,
               "the log ends before the head held by the platform");
  else
    {
      g_autoptr(GPtrArray) rows = find_rows (self, "hash", ext_hash, error);
      gboolean found = FALSE;
      if (rows == NULL)
        return FALSE;
      for (guint k = 0; k < rows->len; k++)
        found |= ((HbAuditRecord *) rows->pdata[k])->seq == ext_seq;
      if (!found)
        set_fault (out, HB_AUDIT_FAULT_REWRITTEN, ext_seq, ext_seq,
                   "the record differs from the head held by the platform");
    }
  return TRUE;
}

static gboolean
verify (HbAudit *self, gint64 ext_seq, const char *ext_hash, HbAuditReport *out,
        GError **error)
{
  gboolean ok;

  memset (out, 0, sizeof *out);
  if (!sm3_available (error))
    return FALSE;
  /* One read transaction: the table and the anchor from the same moment, whatever another
   * process appends meanwhile. */
  hb_store_lock (self->store);
  ok = hb_store_exec (self->store, "BEGIN", error);
  if (ok)
    {
      ok = verify_locked (self, ext_seq, ext_hash, out, error);
      hb_store_exec (self->store, "COMMIT", NULL);
    }
  hb_store_unlock (self->store);
  return ok;
}

gboolean
hb_audit_verify (HbAudit *self, HbAuditReport *out, GError **error)
{
  g_return_val_if_fail (HB_IS_AUDIT (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  return verify (self, 0, NULL, out, error);
}

gboolean
hb_audit_verify_against (HbAudit *self, gint64 head_seq, const char *head_hash,
                         HbAuditReport *out, GError **error)
{
  g_return_val_if_fail (HB_IS_AUDIT (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  if (head_seq <= 0 || head_hash == NULL || !hb_audit_is_hash (head_hash, strlen (head_hash)))
    {
      g_set_error (error, HB_AUDIT_ERROR, HB_AUDIT_ERROR_INVALID,
                   "a head is a positive sequence number and 64 lowercase hex digits");
      return FALSE;
    }
  return verify (self, head_seq, head_hash, out, error);
}

char *
hb_audit_report_describe (const HbAuditReport *r)
{
  g_autofree char *range = r->seq_last > r->seq
    ? g_strdup_printf ("records %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT, r->seq, r->seq_last)
    : g_strdup_printf ("record %" G_GINT64_FORMAT, r->seq);
  gboolean many = r->seq_last > r->seq;

  switch (r->fault)
    {
    case HB_AUDIT_FAULT_NONE:
      if (r->records == 0)
        return g_strdup ("audit: intact, the log is empty");
      return g_strdup_printf ("audit: intact, %" G_GUINT64_FORMAT " records, head %"
                              G_GINT64_FORMAT " %.16s", r->records, r->head_seq, r->head_hash);
    case HB_AUDIT_FAULT_EDITED:
      return g_strdup_printf ("audit: %s was edited (%s)", range, r->why);
    case HB_AUDIT_FAULT_REMOVED:
      return g_strdup_printf ("audit: %s %s removed (%s)", range, many ? "were" : "was", r->why);
    case HB_AUDIT_FAULT_TRUNCATED:
      return g_strdup_printf ("audit: %s %s removed from the end (%s)", range,
                              many ? "were" : "was", r->why);
    case HB_AUDIT_FAULT_REORDERED:
      if (r->moved_to > 0)
        return g_strdup_printf ("audit: record %" G_GINT64_FORMAT " was reordered (%s: it "
                                "sits at position %" G_GINT64_FORMAT ")", r->seq, r->why,
                                r->moved_to);
      return g_strdup_printf ("audit: record %" G_GINT64_FORMAT " was reordered (%s)", r->seq,
                              r->why);
    case HB_AUDIT_FAULT_INSERTED:
      return g_strdup_printf ("audit: %s %s inserted (%s)", range, many ? "were" : "was",
                              r->why);
    case HB_AUDIT_FAULT_REWRITTEN:
      return g_strdup_printf ("audit: the log was rewritten up to record %" G_GINT64_FORMAT
                              " (%s)", r->seq, r->why);
    case HB_AUDIT_FAULT_ANCHOR:
    default:
      return g_strdup_printf ("audit: anchor fault at record %" G_GINT64_FORMAT " (%s)",
                              r->seq, r->why);
    }
}
