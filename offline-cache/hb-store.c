/* hb-store.c — the terminal's one SQLite database: open, check, quarantine, migrate, key. */
#include "offline-cache/hb-store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

G_DEFINE_QUARK (hb-store-error-quark, hb_store_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_CIPHER_CTX, EVP_CIPHER_CTX_free)

struct _HbStore
{
  GObject    parent_instance;

  char      *path;
  sqlite3   *db;
  GRecMutex  lock;
  guint8     key[HB_STORE_KEY_BYTES];
  gboolean   rebuilt;
  guint      salvaged, unreadable;  /* outbox rows carried over / unreadable in the quarantine */
  int        schema_version;
};

G_DEFINE_TYPE (HbStore, hb_store, G_TYPE_OBJECT)

/* --- migrations ------------------------------------------------------------------------ */

/* Index i holds the step from version i to i + 1. Never edit a released step: add one. */
static const char *const migrations[] = {
  /* 1: meta, catalog (+ trigram index), outbox */
  "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ") STRICT;"

  "CREATE TABLE catalog_service ("
  "  position INTEGER PRIMARY KEY,"      /* catalog order; also the rowid in catalog_fts */
  "  code     TEXT NOT NULL UNIQUE,"
  "  name     TEXT NOT NULL,"
  "  name_en  TEXT,"
  "  category TEXT,"
  "  summary  TEXT,"
  "  json     TEXT NOT NULL"             /* the full service object as the platform sent it */
  ") STRICT;"

  /* trigram: any substring of >= 3 characters, CJK included (shorter queries use LIKE). */
  "CREATE VIRTUAL TABLE catalog_fts USING fts5 ("
  "  name, summary, name_en, keywords, tokenize = 'trigram');"

  "CREATE TABLE outbox ("
  "  id              INTEGER PRIMARY KEY AUTOINCREMENT,"   /* delivery order */
  "  idempotency_key TEXT NOT NULL UNIQUE,"
  "  kind            TEXT NOT NULL,"
  "  path            TEXT NOT NULL,"
  "  body            BLOB,"              /* AES-256-GCM sealed JSON; NULL once sent */
  "  created_at      INTEGER NOT NULL,"
  "  attempts        INTEGER NOT NULL DEFAULT 0,"
  "  next_try_at     INTEGER NOT NULL DEFAULT 0,"
  "  last_error      TEXT,"
  "  state           TEXT NOT NULL DEFAULT 'pending'"
  "                  CHECK (state IN ('pending', 'sent', 'dead')),"
  "  response        TEXT,"
  "  sent_at         INTEGER,"
  "  CHECK (state <> 'pending' OR body IS NOT NULL)"
  ") STRICT;"
  "CREATE INDEX outbox_by_state_kind ON outbox (state, kind, id);",

  /* 2: catalog search (issue 6; hb-catalog-search.c fills these in the transaction that
   * applies a catalog). One row per service: folded name, pinyin, popularity + local uses. */
  "CREATE TABLE catalog_search ("
  "  position   INTEGER PRIMARY KEY,"    /* = catalog_service.position */
  "  name_key   TEXT NOT NULL,"          /* name, lower-cased */
  "  initials   TEXT NOT NULL,"          /* pinyin initials of the name, variants by ' ' */
  "  pinyin     TEXT NOT NULL,"          /* full toneless pinyin of the name */
  "  popularity INTEGER NOT NULL DEFAULT 0 CHECK (popularity >= 0),"
  "  score      INTEGER NOT NULL DEFAULT 0,"  /* popularity + local uses: ranking */
  "  audience   INTEGER NOT NULL DEFAULT 1"   /* HbAudience bits (no JSON parse per hit) */
  ") STRICT;"
  /* Every 1- and 2-character gram (lower-cased, no blanks) of name, its pinyin initials,
   * summary, name_en and keywords, one row per (gram, service). quality: 3 whole name,
   * 2 name prefix, 1 in the name, 0 other fields (the best per service); score as in
   * catalog_search. The key is the result order, so a 1–2 character query reads its first
   * 100 rows off the index: no scan, no sort. */
  "CREATE TABLE catalog_gram ("
  "  gram     TEXT NOT NULL,"
  "  quality  INTEGER NOT NULL,"
  "  score    INTEGER NOT NULL,"
  "  position INTEGER NOT NULL,"
  "  PRIMARY KEY (gram, quality DESC, score DESC, position)"
  ") STRICT, WITHOUT ROWID;"
  /* ≥ 3-letter pinyin queries (initials or full pinyin, any substring). */
  "CREATE VIRTUAL TABLE catalog_pinyin_fts USING fts5 ("
  "  initials, pinyin, tokenize = 'trigram');"
  /* Per-terminal use counts by service code: they outlive catalog replacements. */
  "CREATE TABLE catalog_use ("
  "  code TEXT PRIMARY KEY,"
  "  uses INTEGER NOT NULL CHECK (uses >= 0)"
  ") STRICT, WITHOUT ROWID;"
  /* A catalog applied under schema 1 has no grams yet: hb_catalog_new rebuilds them once. */
  "INSERT INTO meta (key, value)"
  "  SELECT 'catalog.search_reindex', '1' WHERE EXISTS (SELECT 1 FROM catalog_service);",

  /* 3: sync: parked outbox items, catalog assets (issue 6). SQLite cannot change a CHECK,
   * so the outbox is rebuilt: same ids and columns, plus 'parked', parked_at and failures
   * (tries the platform answered with a failure; only those lead to parking). The
   * AUTOINCREMENT high-water mark is carried over so an id is never handed out twice. */
  "CREATE TABLE outbox_new ("
  "  id              INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  idempotency_key TEXT NOT NULL UNIQUE,"
  "  kind            TEXT NOT NULL,"
  "  path            TEXT NOT NULL,"
  "  body            BLOB,"
  "  created_at      INTEGER NOT NULL,"
  "  attempts        INTEGER NOT NULL DEFAULT 0,"
  "  next_try_at     INTEGER NOT NULL DEFAULT 0,"
  "  last_error      TEXT,"
  "  state           TEXT NOT NULL DEFAULT 'pending'"
  "                  CHECK (state IN ('pending', 'sent', 'dead', 'parked')),"
  "  response        TEXT,"
  "  sent_at         INTEGER,"
  "  failures        INTEGER NOT NULL DEFAULT 0,"
  "  parked_at       INTEGER,"
  "  visit           TEXT,"                /* items of one visit go out in order */
  "  CHECK (state NOT IN ('pending', 'parked') OR body IS NOT NULL)"
  ") STRICT;"
  "INSERT INTO outbox_new (id, idempotency_key, kind, path, body, created_at, attempts,"
  "                        next_try_at, last_error, state, response, sent_at)"
  "  SELECT id, idempotency_key, kind, path, body, created_at, attempts, next_try_at,"
  "         last_error, state, response, sent_at FROM outbox ORDER BY id;"
  "DELETE FROM sqlite_sequence WHERE name = 'outbox_new';"
  "INSERT INTO sqlite_sequence (name, seq)"
  "  SELECT 'outbox_new', max (seq) FROM ("
  "    SELECT seq FROM sqlite_sequence WHERE name = 'outbox'"
  "    UNION ALL SELECT max (id) FROM outbox_new UNION ALL SELECT 0);"
  "DROP TABLE outbox;"
  "ALTER TABLE outbox_new RENAME TO outbox;"
  "CREATE INDEX outbox_by_state_kind ON outbox (state, kind, id);"
  "CREATE INDEX outbox_by_visit ON outbox (visit, id) WHERE visit IS NOT NULL;"
  /* The next due item is found in id order among pending ones: without this a drain of
   * N items costs N² (every pick scans and sorts the whole queue). */
  "CREATE INDEX outbox_by_state_id ON outbox (state, id);"

  /* Guide images and other files services reference, as verified on this terminal: the
   * file is <assets dir>/<sha256>; a row changes only after the new file was verified. */
  "CREATE TABLE catalog_asset ("
  "  id        TEXT PRIMARY KEY,"         /* the catalog's name for it, e.g. 'jzz-guide-1' */
  "  sha256    TEXT NOT NULL,"            /* lowercase hex of the verified file */
  "  bytes     INTEGER NOT NULL,"
  "  stored_at INTEGER NOT NULL"
  ") STRICT;",

  /* 4: audit log (issue 9, H27; offline-cache/hb-audit.c, docs/audit-log.md). An SM3 hash
   * chain: hash covers the record and prev_hash. The unique prev_hash index makes a fork
   * (two records after one head) impossible to write, whatever the callers do. */
  "CREATE TABLE audit_log ("
  "  seq       INTEGER PRIMARY KEY,"
  "  time      INTEGER NOT NULL,"
  "  actor     TEXT NOT NULL,"
  "  action    TEXT NOT NULL,"
  "  subject   TEXT,"
  "  detail    TEXT,"
  "  prev_hash TEXT NOT NULL,"
  "  hash      TEXT NOT NULL"
  ") STRICT;"
  "CREATE UNIQUE INDEX audit_log_prev ON audit_log (prev_hash);"
  "CREATE INDEX audit_log_hash ON audit_log (hash);"
  "CREATE INDEX audit_log_subject ON audit_log (subject, action);",

  /* 5: usage counters (issue 9, H29; offline-cache/hb-usage.c, docs/operations-report.md).
   * One row per event; codes and numbers only, never personal data. Pruned after 400 days. */
  "CREATE TABLE usage_event ("
  "  id    INTEGER PRIMARY KEY,"
  "  kind  TEXT NOT NULL,"               /* hb_usage_kind_to_string () */
  "  at    INTEGER NOT NULL,"            /* unix seconds */
  "  key   TEXT,"                        /* service / reason code, device kind */
  "  value INTEGER NOT NULL DEFAULT 0"   /* rating level, seconds, 0/1 device usable */
  ") STRICT;"
  "CREATE INDEX usage_event_by_kind_at ON usage_event (kind, at);"
  "CREATE INDEX usage_event_by_at ON usage_event (at);",

  /* 6: staff allow-list and PIN lockout (issue 9, H28; offline-cache/hb-staff-store.c).
   * Staff cards are known only by the SM3 digest of their ID number; the lockout is one
   * row, shared by every process that opens the store. */
  "CREATE TABLE staff_allowlist ("
  "  id_number_sm3 TEXT PRIMARY KEY CHECK (length (id_number_sm3) = 64),"
  "  staff_id      TEXT NOT NULL,"
  "  role          TEXT NOT NULL CHECK (role IN ('staff', 'technician'))"
  ") STRICT, WITHOUT ROWID;"
  "CREATE TABLE staff_lockout ("
  "  one          INTEGER PRIMARY KEY CHECK (one = 1),"
  "  failures     INTEGER NOT NULL CHECK (failures >= 0),"   /* consecutive, since the last lockout or success */
  "  lockouts     INTEGER NOT NULL CHECK (lockouts >= 0),"   /* since the last success */
  "  locked_until INTEGER NOT NULL"                          /* unix seconds; 0: open */
  ") STRICT;",
};

/* meta key of the last accepted /v1/keys document (no migration needed: meta exists). */
#define META_KEYS_DOCUMENT "keys.document"

/* --- small helpers --------------------------------------------------------------------- */

void
hb_store_wipe_free (char *text)
{
  if (text == NULL)
    return;
  explicit_bzero (text, strlen (text));
  g_free (text);
}

static void
set_error_rc (GError **error, int rc, const char *what, const char *detail)
{
  int primary = rc & 0xff;
  int code = (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) ? HB_STORE_ERROR_CORRUPT
             : primary == SQLITE_FULL ? HB_STORE_ERROR_FULL : HB_STORE_ERROR_SQL;
  g_set_error (error, HB_STORE_ERROR, code, "%s: %s", what,
               detail ? detail : sqlite3_errstr (rc));
}

void
hb_store_set_error_from_db (HbStore *self, GError **error, const char *what)
{
  set_error_rc (error, sqlite3_extended_errcode (self->db), what, sqlite3_errmsg (self->db));
}

sqlite3 *
hb_store_get_db (HbStore *self)
{
  g_return_val_if_fail (HB_IS_STORE (self), NULL);
  return self->db;
}

void
hb_store_lock (HbStore *self)
{
  g_rec_mutex_lock (&self->lock);
}

void
hb_store_unlock (HbStore *self)
{
  g_rec_mutex_unlock (&self->lock);
}

static gboolean
exec_db (sqlite3 *db, const char *sql, GError **error)
{
  char *msg = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK)
    {
      set_error_rc (error, rc, "SQL", msg);
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

gboolean
hb_store_exec (HbStore *self, const char *sql, GError **error)
{
  gboolean ok;
  hb_store_lock (self);
  ok = exec_db (self->db, sql, error);
  hb_store_unlock (self);
  return ok;
}

sqlite3_stmt *
hb_store_prepare (HbStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      hb_store_set_error_from_db (self, error, "prepare");
      return NULL;
    }
  return stmt;
}

gboolean
hb_store_transaction (HbStore *self, HbStoreTxnFunc func, gpointer user_data, GError **error)
{
  gboolean ok;

  hb_store_lock (self);
  /* IMMEDIATE: take the write lock now (waiting up to busy_timeout), so the transaction
   * cannot fail half-way with SQLITE_BUSY on its first write. */
  ok = exec_db (self->db, "BEGIN IMMEDIATE", error);
  if (ok)
    {
      ok = func (self, user_data, error) && exec_db (self->db, "COMMIT", error);
      if (!ok && !sqlite3_get_autocommit (self->db))
        exec_db (self->db, "ROLLBACK", NULL);
    }
  hb_store_unlock (self);
  return ok;
}

char *
hb_store_dup_meta (HbStore *self, const char *key)
{
  char *value = NULL;
  sqlite3_stmt *stmt;

  hb_store_lock (self);
  stmt = hb_store_prepare (self, "SELECT value FROM meta WHERE key = ?1", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
    }
  hb_store_unlock (self);
  return value;
}

gboolean
hb_store_set_meta (HbStore *self, const char *key, const char *value, GError **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  hb_store_lock (self);
  stmt = hb_store_prepare (self,
                           value ? "INSERT INTO meta (key, value) VALUES (?1, ?2)"
                                   " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                                 : "DELETE FROM meta WHERE key = ?1",
                           error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (value)
        sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
      ok = sqlite3_step (stmt) == SQLITE_DONE;
      if (!ok)
        hb_store_set_error_from_db (self, error, "meta");
      sqlite3_finalize (stmt);
    }
  hb_store_unlock (self);
  return ok;
}

/* --- encryption at rest ---------------------------------------------------------------- */

GBytes *
hb_store_seal (HbStore *self, const char *ad, const void *plain, gsize length, GError **error)
{
  g_autoptr(EVP_CIPHER_CTX) ctx = NULL;
  const guint8 format = HB_STORE_SEAL_FORMAT;
  guint8 *out, *nonce, *ct;
  int n = 0, fin = 0;

  g_return_val_if_fail (HB_IS_STORE (self), NULL);
  if (length > INT_MAX - HB_STORE_SEAL_OVERHEAD)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO, "data too large to seal");
      return NULL;
    }

  out = g_malloc (length + HB_STORE_SEAL_OVERHEAD);
  out[0] = format;
  nonce = out + 1;
  ct = nonce + HB_STORE_SEAL_NONCE;
  ctx = EVP_CIPHER_CTX_new ();
  if (ctx == NULL
      || RAND_bytes (nonce, HB_STORE_SEAL_NONCE) != 1
      || EVP_EncryptInit_ex2 (ctx, EVP_aes_256_gcm (), self->key, nonce, NULL) != 1
      /* The format byte and the caller's ad are authenticated, not stored twice. */
      || EVP_EncryptUpdate (ctx, NULL, &n, &format, 1) != 1
      || (ad != NULL && *ad != '\0'
          && EVP_EncryptUpdate (ctx, NULL, &n, (const guint8 *) ad, (int) strlen (ad)) != 1)
      || EVP_EncryptUpdate (ctx, ct, &n, plain, (int) length) != 1
      || EVP_EncryptFinal_ex (ctx, ct + n, &fin) != 1
      || (gsize) (n + fin) != length
      || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, HB_STORE_SEAL_TAG, ct + length) != 1)
    {
      g_free (out);
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO, "encryption failed");
      return NULL;
    }
  return g_bytes_new_take (out, length + HB_STORE_SEAL_OVERHEAD);
}

char *
hb_store_unseal (HbStore *self, const char *ad, const void *sealed, gsize length,
                 gsize *out_length, GError **error)
{
  g_autoptr(EVP_CIPHER_CTX) ctx = NULL;
  const guint8 *in = sealed;
  const guint8 *nonce, *ct;
  guint8 tag[HB_STORE_SEAL_TAG];
  gsize ct_len;
  char *plain;
  int n = 0, fin = 0;

  g_return_val_if_fail (HB_IS_STORE (self), NULL);
  if (in == NULL || length < HB_STORE_SEAL_OVERHEAD || length > INT_MAX
      || in[0] != HB_STORE_SEAL_FORMAT)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO,
                   "sealed data is damaged (bad length or format)");
      return NULL;
    }
  nonce = in + 1;
  ct = nonce + HB_STORE_SEAL_NONCE;
  ct_len = length - HB_STORE_SEAL_OVERHEAD;
  memcpy (tag, ct + ct_len, sizeof tag);

  plain = g_malloc (ct_len + 1);
  ctx = EVP_CIPHER_CTX_new ();
  if (ctx == NULL
      || EVP_DecryptInit_ex2 (ctx, EVP_aes_256_gcm (), self->key, nonce, NULL) != 1
      || EVP_DecryptUpdate (ctx, NULL, &n, in, 1) != 1
      || (ad != NULL && *ad != '\0'
          && EVP_DecryptUpdate (ctx, NULL, &n, (const guint8 *) ad, (int) strlen (ad)) != 1)
      || EVP_DecryptUpdate (ctx, (guint8 *) plain, &n, ct, (int) ct_len) != 1
      || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, HB_STORE_SEAL_TAG, tag) != 1
      || EVP_DecryptFinal_ex (ctx, (guint8 *) plain + n, &fin) != 1
      || (gsize) (n + fin) != ct_len)
    {
      explicit_bzero (plain, ct_len + 1);
      g_free (plain);
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO,
                   "sealed data failed authentication (tampered, moved or another key)");
      return NULL;
    }
  plain[ct_len] = '\0';
  if (out_length)
    *out_length = ct_len;
  return plain;
}

/* --- key file -------------------------------------------------------------------------- */

static gboolean
fsync_dir (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return FALSE;
  gboolean ok = fsync (fd) == 0;
  close (fd);
  return ok;
}

static gboolean
ensure_private_dir (const char *file_path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (file_path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int e = errno;
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_OPEN,
                   "cannot create directory %s: %s", dir, g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_key (int fd, const char *key_path, guint8 key[HB_STORE_KEY_BYTES], GError **error)
{
  struct stat st;
  gsize got = 0;
  guint8 extra;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO,
                   "key file %s is not a regular file", key_path);
      return FALSE;
    }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO,
                   "key file %s is accessible to group or others (mode %04o); "
                   "refusing it (chmod 600)", key_path, (unsigned) (st.st_mode & 07777));
      return FALSE;
    }
  if (st.st_size != HB_STORE_KEY_BYTES)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO,
                   "key file %s has %" G_GINT64_FORMAT " bytes, expected %d",
                   key_path, (gint64) st.st_size, HB_STORE_KEY_BYTES);
      return FALSE;
    }
  while (got < HB_STORE_KEY_BYTES)
    {
      ssize_t r = read (fd, key + got, HB_STORE_KEY_BYTES - got);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;
      got += (gsize) r;
    }
  if (got != HB_STORE_KEY_BYTES || read (fd, &extra, 1) != 0)
    {
      explicit_bzero (key, HB_STORE_KEY_BYTES);
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO,
                   "cannot read %d bytes from key file %s", HB_STORE_KEY_BYTES, key_path);
      return FALSE;
    }
  return TRUE;
}

/* Writes a new random key to a temporary file and links it into place: link() never
 * replaces, so two connections opening at once agree on one key. *raced is set when another
 * process or thread won. */
static gboolean
create_key (const char *key_path, gboolean *raced, GError **error)
{
  g_autofree char *tmp = g_strdup_printf ("%s.new-XXXXXX", key_path);
  g_autofree char *dir = g_path_get_dirname (key_path);
  guint8 key[HB_STORE_KEY_BYTES];
  gsize done = 0;
  int fd, e = 0;

  *raced = FALSE;
  if (!ensure_private_dir (key_path, error))
    return FALSE;
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      e = errno;
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO,
                   "cannot create key file in %s: %s", dir, g_strerror (e));
      return FALSE;
    }
  if (RAND_bytes (key, sizeof key) != 1)
    e = EIO;
  while (e == 0 && done < sizeof key)
    {
      ssize_t w = write (fd, key + done, sizeof key - done);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        e = w < 0 ? errno : EIO;
      else
        done += (gsize) w;
    }
  explicit_bzero (key, sizeof key);
  if (e == 0 && fsync (fd) != 0)
    e = errno;
  close (fd);
  if (e == 0 && link (tmp, key_path) != 0)
    {
      e = errno;
      if (e == EEXIST)
        {
          *raced = TRUE;
          e = 0;
        }
    }
  g_unlink (tmp);
  if (e != 0)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO,
                   "cannot create key file %s: %s", key_path, g_strerror (e));
      return FALSE;
    }
  fsync_dir (dir);
  if (!*raced)
    g_message ("store: created a new encryption key file %s", key_path);
  return TRUE;
}

static gboolean
load_key (const char *key_path, guint8 key[HB_STORE_KEY_BYTES], GError **error)
{
  for (int attempt = 0; attempt < 3; attempt++)
    {
      int fd = open (key_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
      if (fd >= 0)
        {
          gboolean ok = read_key (fd, key_path, key, error);
          close (fd);
          return ok;
        }
      if (errno != ENOENT)
        {
          int e = errno;
          g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO,
                       "cannot open key file %s: %s", key_path, g_strerror (e));
          return FALSE;
        }
      gboolean raced;
      if (!create_key (key_path, &raced, error))
        return FALSE;
    }
  g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO,
               "key file %s keeps disappearing", key_path);
  return FALSE;
}

/* --- opening --------------------------------------------------------------------------- */

static sqlite3 *
open_connection (const char *path, GError **error)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (path, &db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                            NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_OPEN, "cannot open database %s: %s",
                   path, db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, HB_STORE_BUSY_TIMEOUT_MS);
  return db;
}

typedef enum { CHECK_OK, CHECK_CORRUPT, CHECK_ERROR } CheckResult;

static gboolean
rc_means_corrupt (int rc)
{
  int primary = rc & 0xff;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

static CheckResult
quick_check (sqlite3 *db, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL);
  CheckResult result;

  if (rc != SQLITE_OK)
    {
      if (rc_means_corrupt (sqlite3_extended_errcode (db)))
        return CHECK_CORRUPT;
      set_error_rc (error, rc, "integrity check", sqlite3_errmsg (db));
      return CHECK_ERROR;
    }
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    result = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0
               ? CHECK_OK : CHECK_CORRUPT;
  else if (rc_means_corrupt (rc))
    result = CHECK_CORRUPT;
  else
    {
      /* BUSY, IOERR, …: not evidence of corruption, so never a reason to move the file. */
      set_error_rc (error, rc, "integrity check", sqlite3_errmsg (db));
      result = CHECK_ERROR;
    }
  sqlite3_finalize (stmt);
  return result;
}

/* Moves <path> and its -wal/-shm aside as <path>.corrupt-<time>[-wal|-shm], which keeps the
 * three together (SQLite can still open the quarantined copy for recovery). The WAL goes
 * first: a stale WAL must never sit next to the fresh database. */
static gboolean
quarantine (const char *path, char **out_target, GError **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *target = g_strdup_printf ("%s.corrupt-%" G_GINT64_FORMAT, path, now);
  g_autofree char *dir = g_path_get_dirname (path);
  static const char *const suffixes[] = { "-wal", "-shm" };

  for (guint n = 1; g_file_test (target, G_FILE_TEST_EXISTS); n++)
    {
      g_free (target);
      target = g_strdup_printf ("%s.corrupt-%" G_GINT64_FORMAT "-%u", path, now, n);
    }
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (target, suffixes[i], NULL);
      if (g_rename (from, to) != 0 && errno != ENOENT)
        {
          int e = errno;
          g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CORRUPT,
                       "database %s is corrupt and %s cannot be moved aside: %s",
                       path, from, g_strerror (e));
          return FALSE;
        }
    }
  if (g_rename (path, target) != 0)
    {
      int e = errno;
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CORRUPT,
                   "database %s is corrupt and cannot be moved aside: %s", path, g_strerror (e));
      return FALSE;
    }
  fsync_dir (dir);
  *out_target = g_steal_pointer (&target);
  return TRUE;
}

static gboolean
configure (sqlite3 *db, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean wal = FALSE;
  gint64 deadline = g_get_monotonic_time () + (gint64) HB_STORE_BUSY_TIMEOUT_MS * 1000;

  /* Switching a fresh database to WAL takes an exclusive lock and SQLite answers BUSY at
   * once, without the busy handler, when another connection opens it at the same moment
   * (the UI's and the sync thread's on first start): retry, bounded, with jitter. */
  for (guint attempt = 0; !wal; attempt++)
    {
      int rc = SQLITE_ERROR;
      if (sqlite3_prepare_v2 (db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) == SQLITE_OK)
        rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
      sqlite3_finalize (stmt);
      stmt = NULL;
      if (wal || (rc & 0xff) != SQLITE_BUSY || g_get_monotonic_time () >= deadline)
        break;
      g_usleep (MIN (1000u << MIN (attempt, 6u), 50000u) + g_random_int_range (0, 1000));
    }
  if (!wal)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_OPEN,
                   "cannot switch the database to WAL mode: %s", sqlite3_errmsg (db));
      return FALSE;
    }
  /* FULL: a COMMIT that returned OK survives power loss (outbox rows). secure_delete:
   * freed pages (old catalog rows, cleared bodies) are zeroed, not left lying around. */
  return exec_db (db,
                  "PRAGMA synchronous = FULL;"
                  "PRAGMA foreign_keys = ON;"
                  "PRAGMA secure_delete = ON;",
                  error);
}

static int
read_user_version (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  int v = -1;
  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    v = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return v;
}

static gboolean
migrate (HbStore *self, GError **error)
{
  const int target = (int) G_N_ELEMENTS (migrations);
  int current;
  gboolean ok = TRUE;

  G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == HB_STORE_SCHEMA_VERSION);

  /* BEGIN IMMEDIATE serialises two connections migrating at once (main + sync). */
  if (!exec_db (self->db, "BEGIN IMMEDIATE", error))
    return FALSE;
  current = read_user_version (self->db);
  if (current < 0)
    {
      hb_store_set_error_from_db (self, error, "read schema version");
      ok = FALSE;
    }
  else if (current > target)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_MIGRATION,
                   "database %s has schema %d, newer than this software (%d)",
                   self->path, current, target);
      ok = FALSE;
    }
  for (int v = current; ok && v < target; v++)
    {
      g_autoptr(GError) local = NULL;
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", v + 1);
      if (!exec_db (self->db, migrations[v], &local) || !exec_db (self->db, bump, &local))
        {
          g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_MIGRATION,
                       "migration %d of %s failed: %s", v + 1, self->path, local->message);
          ok = FALSE;
        }
      else
        g_message ("store: %s migrated to schema %d", self->path, v + 1);
    }
  if (ok && !exec_db (self->db, "COMMIT", error))
    ok = FALSE;
  if (!ok && !sqlite3_get_autocommit (self->db))
    exec_db (self->db, "ROLLBACK", NULL);
  if (ok)
    self->schema_version = MAX (current, target);
  return ok;
}

/* The first open stores a sealed constant; later opens must be able to open it. So a wrong
 * or re-created key file stops the store from opening, instead of every queued application
 * later failing authentication one by one (and going dead). */
#define KEY_CHECK_META  "store.key_check"
#define KEY_CHECK_PLAIN "haoban-store-key-check-v1"

static gboolean
check_key (HbStore *self, const char *key_path, GError **error)
{
  g_autofree char *stored = hb_store_dup_meta (self, KEY_CHECK_META);
  g_autoptr(GBytes) sealed = NULL;
  g_autofree guint8 *blob = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *encoded = NULL;
  gsize len = 0;

  if (stored == NULL)
    {
      sealed = hb_store_seal (self, KEY_CHECK_META, KEY_CHECK_PLAIN, strlen (KEY_CHECK_PLAIN),
                              error);
      if (sealed == NULL)
        return FALSE;
      encoded = g_base64_encode (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
      return hb_store_set_meta (self, KEY_CHECK_META, encoded, error);
    }
  blob = g_base64_decode (stored, &len);
  plain = hb_store_unseal (self, KEY_CHECK_META, blob, len, NULL, NULL);
  if (plain == NULL || strcmp (plain, KEY_CHECK_PLAIN) != 0)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO,
                   "key file %s does not belong to database %s (restore the original key "
                   "file; the encrypted outbox cannot be read without it)", key_path, self->path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
store_init (HbStore *self, const char *key_path, GError **error)
{
  CheckResult check;
  g_autofree char *moved = NULL;

  if (!ensure_private_dir (self->path, error) || !load_key (key_path, self->key, error))
    return FALSE;

  self->db = open_connection (self->path, error);
  if (self->db == NULL)
    return FALSE;

  check = quick_check (self->db, error);
  if (check == CHECK_ERROR)
    return FALSE;
  if (check == CHECK_CORRUPT)
    {
      /* Move the files while the connection still holds them: closing first would let
       * SQLite delete the -wal, which belongs in the quarantine too. */
      gboolean ok = quarantine (self->path, &moved, error);
      sqlite3_close (self->db);
      self->db = NULL;
      if (!ok)
        return FALSE;
      /* Not a warning: the terminal carries on; the maintenance screen shows it. */
      g_message ("store: %s failed its integrity check; moved to %s and starting afresh",
                 self->path, moved);
      self->rebuilt = TRUE;
      self->db = open_connection (self->path, error);
      if (self->db == NULL)
        return FALSE;
    }

  if (!configure (self->db, error) || !migrate (self, error) || !check_key (self, key_path, error))
    return FALSE;
  if (moved != NULL)
    {
      /* What residents submitted and the platform has not confirmed must not be lost with
       * the damaged file; a failed salvage must not stop the terminal either. */
      g_autoptr(GError) local = NULL;
      if (!hb_store_salvage_outbox (self, moved, &self->salvaged, &self->unreadable, &local))
        g_message ("store: nothing salvaged from %s: %s", moved, local->message);
      g_message ("store: %u outbox items carried over from %s, %u rows unreadable",
                 self->salvaged, moved, self->unreadable);
    }
  return TRUE;
}

HbStore *
hb_store_open (const char *path, const char *key_path, GError **error)
{
  g_autoptr(HbStore) self = NULL;

  g_return_val_if_fail (path != NULL && *path != '\0', NULL);
  g_return_val_if_fail (key_path != NULL && *key_path != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (HB_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  if (!store_init (self, key_path, error))
    return NULL;
  g_debug ("store: opened %s (schema %d)", path, self->schema_version);
  return g_steal_pointer (&self);
}

const char *
hb_store_get_path (HbStore *self)
{
  g_return_val_if_fail (HB_IS_STORE (self), NULL);
  return self->path;
}

int
hb_store_get_schema_version (HbStore *self)
{
  g_return_val_if_fail (HB_IS_STORE (self), -1);
  return self->schema_version;
}

char *
hb_store_dup_keys_document (HbStore *self, gsize *length)
{
  char *doc;
  g_return_val_if_fail (HB_IS_STORE (self), NULL);
  doc = hb_store_dup_meta (self, META_KEYS_DOCUMENT);
  if (length)
    *length = doc ? strlen (doc) : 0;
  return doc;
}

gboolean
hb_store_set_keys_document (HbStore *self, const char *data, gsize length, GError **error)
{
  g_autofree char *text = NULL;
  g_return_val_if_fail (HB_IS_STORE (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID, "keys document holds a NUL byte");
      return FALSE;
    }
  text = g_strndup (data, length);
  return hb_store_set_meta (self, META_KEYS_DOCUMENT, text, error);
}

gboolean
hb_store_was_rebuilt (HbStore *self)
{
  g_return_val_if_fail (HB_IS_STORE (self), FALSE);
  return self->rebuilt;
}

void
hb_store_get_salvage (HbStore *self, guint *salvaged, guint *unreadable)
{
  g_return_if_fail (HB_IS_STORE (self));
  if (salvaged)
    *salvaged = self->salvaged;
  if (unreadable)
    *unreadable = self->unreadable;
}

static void
hb_store_finalize (GObject *object)
{
  HbStore *self = HB_STORE (object);

  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  explicit_bzero (self->key, sizeof self->key);
  g_free (self->path);
  g_rec_mutex_clear (&self->lock);
  G_OBJECT_CLASS (hb_store_parent_class)->finalize (object);
}

static void
hb_store_class_init (HbStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hb_store_finalize;
}

static void
hb_store_init (HbStore *self)
{
  g_rec_mutex_init (&self->lock);
}
