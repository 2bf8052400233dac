/* test-audit.c — offline-cache/hb-audit.c: the SM3 hash chain, its anchor, and
 * verification telling each kind of tampering (made with raw SQL on the store file) apart. */
#include "offline-cache/hb-audit.h"
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-audit-private.h"
#include "offline-cache/hb-store-private.h"
#include "tests/common/hb-test-util.h"
#include "tests/unit/offline-cache/outbox-fixture.h"

#include <sqlite3.h>
#include <string.h>

#define ID_NUMBER "310104198506151237"
#define PHONE     "13812345678"

typedef struct {
  char    *dir;
  char    *db;
  char    *key;
  HbStore *store;
  HbAudit *audit;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  outbox_fixture_paths ("audit", &f->dir, &f->db, &f->key);
  f->store = outbox_fixture_open_store (f->db, f->key);
  f->audit = hb_audit_new (f->store);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->audit);
  g_clear_object (&f->store);
  outbox_fixture_free_paths (f->dir, f->db, f->key);
}

static void
append (Fixture *f, const char *actor, const char *action, const char *subject,
        const char *detail)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_audit_append (f->audit, actor, action, subject, detail, &error));
  g_assert_no_error (error);
}

/* n records of the kinds the terminal writes. */
static void
append_n (Fixture *f, guint n)
{
  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *subject = g_strdup_printf ("key-%u", i);
      if (i % 3 == 0)
        append (f, "staff:S0042", "outbox.retry", subject, NULL);
      else
        append (f, "resident", "submission", subject, "310000-GA-JZZ-0003");
    }
}

static HbAuditReport
verify (Fixture *f)
{
  HbAuditReport report;
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_audit_verify (f->audit, &report, &error));
  g_assert_no_error (error);
  return report;
}

static void
assert_fault (Fixture *f, HbAuditFault fault, gint64 seq, gint64 seq_last)
{
  HbAuditReport r = verify (f);
  g_autofree char *line = hb_audit_report_describe (&r);
  g_test_message ("%s", line);
  g_assert_cmpstr (hb_audit_fault_to_string (r.fault), ==, hb_audit_fault_to_string (fault));
  g_assert_cmpint (r.seq, ==, seq);
  g_assert_cmpint (r.seq_last, ==, seq_last);
}

/* Raw SQL on the store file, as someone with sqlite3 and the file would do it. */
static void
tamper (Fixture *f, const char *sql)
{
  sqlite3 *db = NULL;
  char *msg = NULL;
  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("tamper: %s: %s", sql, msg);
  sqlite3_close (db);
}

/* A column of one record, read raw. */
static char *
raw_text (Fixture *f, const char *column, gint64 seq)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM audit_log WHERE seq = %" G_GINT64_FORMAT,
                                          column, seq);
  char *value = NULL;
  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* A record with valid hashes made outside HbAudit (someone who read docs/audit-log.md):
 * seq, prev and the SM3 computed, INSERTed raw. */
static void
forge (Fixture *f, gint64 seq, const char *prev)
{
  char hash[HB_AUDIT_HASH_HEX + 1];
  HbAuditRecord r = { .seq = seq, .time = 1767225600, .actor = "resident",
                      .action = "submission", .subject = "forged", .detail = NULL,
                      .prev_hash = (char *) prev, .hash = hash };
  g_autofree char *sql = NULL;
  g_assert_true (hb_audit_record_hash_at (&r, seq, hash, NULL));
  sql = g_strdup_printf ("DROP INDEX IF EXISTS audit_log_prev;"
                         "INSERT INTO audit_log VALUES (%" G_GINT64_FORMAT ", 1767225600, "
                         "'resident', 'submission', 'forged', NULL, '%s', '%s');",
                         seq, prev, hash);
  tamper (f, sql);
}

/* Shift records seq >= from up by one, leaving a hole at from. */
static void
shift_up (Fixture *f, gint64 from)
{
  g_autofree char *sql = g_strdup_printf (
    "UPDATE audit_log SET seq = -seq - 1 WHERE seq >= %" G_GINT64_FORMAT ";"
    "UPDATE audit_log SET seq = -seq WHERE seq < 0;", from);
  tamper (f, sql);
}

/* --- the hash --------------------------------------------------------------------------- */

static void
test_sm3_vectors (void)
{
  char out[HB_AUDIT_HASH_HEX + 1];
  g_autofree char *abcd = NULL;
  g_autoptr(GError) error = NULL;

  /* GB/T 32905-2016 appendix A, examples 1 and 2. */
  g_assert_true (hb_audit_sm3_hex ("abc", 3, out, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  abcd = g_strnfill (64, 'x');
  for (int i = 0; i < 64; i++)
    abcd[i] = "abcd"[i % 4];
  g_assert_true (hb_audit_sm3_hex (abcd, 64, out, &error));
  g_assert_cmpstr (out, ==, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
}

static char *
hash_of (const char *actor, const char *action, const char *subject, const char *detail)
{
  char out[HB_AUDIT_HASH_HEX + 1];
  HbAuditRecord r = { .seq = 7, .time = 1767225600, .actor = (char *) actor,
                      .action = (char *) action, .subject = (char *) subject,
                      .detail = (char *) detail, .prev_hash = HB_AUDIT_GENESIS };
  g_assert_true (hb_audit_record_hash_at (&r, 7, out, NULL));
  return g_strdup (out);
}

static void
test_encoding_is_unambiguous (void)
{
  g_autofree char *a = hash_of ("ab", "c", NULL, NULL);
  g_autofree char *b = hash_of ("a", "bc", NULL, NULL);
  g_autofree char *c = hash_of ("ab", "c", "", NULL);
  g_autofree char *d = hash_of ("ab", "c", NULL, "");
  g_autofree char *e = hash_of ("ab", "c", NULL, NULL);
  char at8[HB_AUDIT_HASH_HEX + 1];
  HbAuditRecord r = { .seq = 7, .time = 1767225600, .actor = "ab", .action = "c",
                      .prev_hash = HB_AUDIT_GENESIS };

  g_assert_cmpstr (a, !=, b);   /* moving bytes between fields changes the hash */
  g_assert_cmpstr (a, !=, c);   /* an empty subject is not a missing one */
  g_assert_cmpstr (c, !=, d);   /* …and it matters which field is empty */
  g_assert_cmpstr (a, ==, e);   /* deterministic */
  g_assert_true (hb_audit_record_hash_at (&r, 8, at8, NULL));
  g_assert_cmpstr (a, !=, at8); /* the position is hashed */
}

/* --- the chain -------------------------------------------------------------------------- */

static void
test_empty_log_is_intact (Fixture *f, gconstpointer data)
{
  HbAuditReport r = verify (f);
  g_autofree char *line = hb_audit_report_describe (&r);
  gint64 seq = -1;
  g_autofree char *hash = NULL;

  g_assert_cmpint (r.fault, ==, HB_AUDIT_FAULT_NONE);
  g_assert_cmpuint (r.records, ==, 0);
  g_assert_cmpstr (line, ==, "audit: intact, the log is empty");
  g_assert_true (hb_audit_get_head (f->audit, &seq, &hash, NULL));
  g_assert_cmpint (seq, ==, 0);
  g_assert_cmpstr (hash, ==, "");
}

static void
test_appends_chain_records (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *head_hash = NULL;
  gint64 head = 0, seq = 0;
  HbAuditReport r;
  g_autoptr(GError) error = NULL;

  append (f, "staff:S0042", "maintenance.login", NULL, NULL);
  append (f, "resident", "submission", "6f1d2c3a-0000-4000-8000-000000000001",
          "310000-GA-JZZ-0003");
  g_assert_true (hb_audit_append_full (f->audit, "haobanctl", "outbox.park", "k", "by hand",
                                       &seq, &error));
  g_assert_no_error (error);
  g_assert_cmpint (seq, ==, 3);

  all = hb_audit_list (f->audit, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 3);
  for (guint i = 0; i < all->len; i++)
    {
      HbAuditRecord *rec = all->pdata[i];
      g_assert_cmpint (rec->seq, ==, i + 1);
      g_assert_cmpstr (rec->prev_hash, ==,
                       i == 0 ? HB_AUDIT_GENESIS : ((HbAuditRecord *) all->pdata[i - 1])->hash);
      g_assert_cmpint (ABS (rec->time - g_get_real_time () / G_USEC_PER_SEC), <, 3600);
    }
  g_assert_cmpstr (((HbAuditRecord *) all->pdata[0])->action, ==, "maintenance.login");
  g_assert_null (((HbAuditRecord *) all->pdata[0])->subject);
  g_assert_cmpstr (((HbAuditRecord *) all->pdata[1])->detail, ==, "310000-GA-JZZ-0003");

  g_assert_true (hb_audit_get_head (f->audit, &head, &head_hash, NULL));
  g_assert_cmpint (head, ==, 3);
  g_assert_cmpstr (head_hash, ==, ((HbAuditRecord *) all->pdata[2])->hash);

  r = verify (f);
  g_assert_cmpint (r.fault, ==, HB_AUDIT_FAULT_NONE);
  g_assert_cmpuint (r.records, ==, 3);
  g_assert_cmpint (r.head_seq, ==, 3);
  g_assert_cmpint (r.anchor_seq, ==, 3);
  g_assert_cmpstr (r.head_hash, ==, head_hash);
}

static void
test_survives_reopen (Fixture *f, gconstpointer data)
{
  append_n (f, 4);
  g_clear_object (&f->audit);
  g_clear_object (&f->store);
  f->store = outbox_fixture_open_store (f->db, f->key);
  f->audit = hb_audit_new (f->store);
  append_n (f, 2);
  assert_fault (f, HB_AUDIT_FAULT_NONE, 0, 0);
  g_assert_cmpuint (verify (f).records, ==, 6);
}

static void
test_list_since_limit_and_recent (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) recent = NULL;

  append_n (f, 12);
  page = hb_audit_list (f->audit, 5, 3, NULL);
  g_assert_cmpuint (page->len, ==, 3);
  g_assert_cmpint (((HbAuditRecord *) page->pdata[0])->seq, ==, 6);
  g_assert_cmpint (((HbAuditRecord *) page->pdata[2])->seq, ==, 8);
  recent = hb_audit_list_recent (f->audit, 4, NULL);
  g_assert_cmpuint (recent->len, ==, 4);
  g_assert_cmpint (((HbAuditRecord *) recent->pdata[0])->seq, ==, 12);
  g_assert_cmpint (((HbAuditRecord *) recent->pdata[3])->seq, ==, 9);
}

static void
on_appended (GObject *source, GAsyncResult *result, gpointer data)
{
  int *state = data;
  g_autoptr(GError) error = NULL;
  *state = hb_audit_append_finish (HB_AUDIT (source), result, &error) ? 1 : 2;
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(int *) data != 0;
}

static void
test_append_async (Fixture *f, gconstpointer data)
{
  int state = 0;
  g_autoptr(GPtrArray) all = NULL;

  hb_audit_append_async (f->audit, "staff:S0042", "print.test", "receipt", NULL, NULL,
                         on_appended, &state);
  g_assert_true (hb_test_wait_until (is_set, &state, 10000));
  g_assert_cmpint (state, ==, 1);
  all = hb_audit_list (f->audit, 0, 0, NULL);
  g_assert_cmpuint (all->len, ==, 1);
  g_assert_cmpstr (((HbAuditRecord *) all->pdata[0])->action, ==, "print.test");
}

static void
test_refuses_bad_arguments (Fixture *f, gconstpointer data)
{
  g_autofree char *long_subject = g_strnfill (HB_AUDIT_SUBJECT_MAX + 1, 'k');
  struct { const char *actor, *action, *subject; } bad[] = {
    { NULL, "submission", NULL },
    { "", "submission", NULL },
    { "resident", NULL, NULL },
    { "resident", "audit.anchor-reset", NULL },    /* reserved for the log itself */
    { "resident", "submission", long_subject },
    { "resident", "sub\nmission", NULL },
    { "resident", "submission", "\xff\xfe" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (hb_audit_append (f->audit, bad[i].actor, bad[i].action, bad[i].subject,
                                       NULL, &error));
      g_assert_error (error, HB_AUDIT_ERROR, HB_AUDIT_ERROR_INVALID);
    }
  assert_fault (f, HB_AUDIT_FAULT_NONE, 0, 0);
  g_assert_cmpuint (verify (f).records, ==, 0);
}

static void
test_long_detail_is_cut_and_printable (Fixture *f, gconstpointer data)
{
  g_autoptr(GString) detail = g_string_new ("line one\nline two\t");
  g_autoptr(GPtrArray) all = NULL;
  const char *stored;

  while (detail->len < 2 * HB_AUDIT_DETAIL_MAX)
    g_string_append (detail, "打印机缺纸");
  append (f, "system", "print.test", "receipt", detail->str);
  all = hb_audit_list (f->audit, 0, 0, NULL);
  stored = ((HbAuditRecord *) all->pdata[0])->detail;
  g_assert_cmpuint (strlen (stored), <=, HB_AUDIT_DETAIL_MAX);
  g_assert_cmpuint (strlen (stored), >, HB_AUDIT_DETAIL_MAX - 4);
  g_assert_true (g_utf8_validate (stored, -1, NULL));
  g_assert_true (g_str_has_prefix (stored, "line one line two "));
  assert_fault (f, HB_AUDIT_FAULT_NONE, 0, 0);
}

static void
test_personal_data_is_masked (Fixture *f, gconstpointer data)
{
  g_autofree char *detail = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *actor = NULL;
  g_autofree char *file = NULL;
  gsize n = 0;

  append (f, "staff:" ID_NUMBER, "maintenance.login-failed", "card " ID_NUMBER,
          "ID " ID_NUMBER ", mobile " PHONE);
  actor = raw_text (f, "actor", 1);
  subject = raw_text (f, "subject", 1);
  detail = raw_text (f, "detail", 1);
  g_assert_cmpstr (actor, ==, "staff:310***********1237");
  g_assert_cmpstr (subject, ==, "card 310***********1237");
  g_assert_cmpstr (detail, ==, "ID 310***********1237, mobile 138****5678");
  assert_fault (f, HB_AUDIT_FAULT_NONE, 0, 0);

  /* Nowhere in the files either (the WAL holds the new pages until a checkpoint). */
  g_clear_object (&f->audit);
  g_clear_object (&f->store);
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *path = g_strconcat (f->db, i ? "-wal" : "", NULL);
      g_free (file);
      file = hb_test_read_file (path, &n);
      if (file == NULL)
        continue;
      g_assert_null (memmem (file, n, ID_NUMBER, strlen (ID_NUMBER)));
      g_assert_null (memmem (file, n, PHONE, strlen (PHONE)));
    }
  f->store = outbox_fixture_open_store (f->db, f->key);
  f->audit = hb_audit_new (f->store);
}

/* --- tampering -------------------------------------------------------------------------- */

static void
test_edited_field_is_found (Fixture *f, gconstpointer data)
{
  const char *column = data;
  g_autofree char *sql = NULL;

  append_n (f, 10);
  assert_fault (f, HB_AUDIT_FAULT_NONE, 0, 0);
  if (g_str_equal (column, "time"))
    sql = g_strdup ("UPDATE audit_log SET time = time - 86400 WHERE seq = 5");
  else if (g_str_equal (column, "hash") || g_str_equal (column, "prev_hash"))
    sql = g_strdup_printf ("UPDATE audit_log SET %s = '%s' WHERE seq = 5", column,
                           "1111111111111111111111111111111111111111111111111111111111111111");
  else if (g_str_equal (column, "subject"))
    sql = g_strdup ("UPDATE audit_log SET subject = NULL WHERE seq = 5");
  else
    sql = g_strdup_printf ("UPDATE audit_log SET %s = %s || 'x' WHERE seq = 5", column, column);
  tamper (f, sql);
  assert_fault (f, HB_AUDIT_FAULT_EDITED, 5, 5);
}

static void
test_edited_message (Fixture *f, gconstpointer data)
{
  HbAuditReport r;
  g_autofree char *line = NULL;

  append_n (f, 20);
  tamper (f, "UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 17");
  r = verify (f);
  line = hb_audit_report_describe (&r);
  g_assert_cmpstr (line, ==, "audit: record 17 was edited (hash mismatch)");
}

static void
test_edited_unreadable_field_is_found (Fixture *f, gconstpointer data)
{
  append_n (f, 6);
  tamper (f, "UPDATE audit_log SET hash = 'not a hash' WHERE seq = 3");
  assert_fault (f, HB_AUDIT_FAULT_EDITED, 3, 3);
}

static void
test_edited_and_rehashed_is_found (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) all = NULL;
  HbAuditRecord *rec;
  char hash[HB_AUDIT_HASH_HEX + 1];
  g_autofree char *sql = NULL;

  append_n (f, 10);
  all = hb_audit_list (f->audit, 0, 0, NULL);
  rec = all->pdata[4];
  g_free (rec->detail);
  rec->detail = g_strdup ("310000-XX-OTHER");
  g_assert_true (hb_audit_record_hash_at (rec, 5, hash, NULL));
  sql = g_strdup_printf ("UPDATE audit_log SET detail = '310000-XX-OTHER', hash = '%s' "
                         "WHERE seq = 5", hash);
  tamper (f, sql);
  assert_fault (f, HB_AUDIT_FAULT_EDITED, 5, 5);
}

static void
test_last_edited_and_rehashed_is_found (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) all = NULL;
  HbAuditRecord *rec;
  char hash[HB_AUDIT_HASH_HEX + 1];
  g_autofree char *sql = NULL;

  append_n (f, 10);
  all = hb_audit_list (f->audit, 0, 0, NULL);
  rec = all->pdata[9];
  g_free (rec->actor);
  rec->actor = g_strdup ("system");
  g_assert_true (hb_audit_record_hash_at (rec, 10, hash, NULL));
  sql = g_strdup_printf ("UPDATE audit_log SET actor = 'system', hash = '%s' WHERE seq = 10",
                         hash);
  tamper (f, sql);
  /* The chain alone is consistent: only the anchor sees it. */
  assert_fault (f, HB_AUDIT_FAULT_REWRITTEN, 10, 10);
}

static void
test_removed_from_the_middle_is_found (Fixture *f, gconstpointer data)
{
  append_n (f, 10);
  tamper (f, "DELETE FROM audit_log WHERE seq = 5");
  assert_fault (f, HB_AUDIT_FAULT_REMOVED, 5, 5);
}

static void
test_removed_run_is_found (Fixture *f, gconstpointer data)
{
  append_n (f, 10);
  tamper (f, "DELETE FROM audit_log WHERE seq BETWEEN 4 AND 6");
  assert_fault (f, HB_AUDIT_FAULT_REMOVED, 4, 6);
}

static void
test_removed_and_renumbered_is_found (Fixture *f, gconstpointer data)
{
  append_n (f, 10);
  tamper (f, "DELETE FROM audit_log WHERE seq = 5;"
             "UPDATE audit_log SET seq = seq - 1 WHERE seq > 5;");
  assert_fault (f, HB_AUDIT_FAULT_REMOVED, 5, 5);
}

static void
test_removed_first_is_found (Fixture *f, gconstpointer data)
{
  append_n (f, 5);
  tamper (f, "DELETE FROM audit_log WHERE seq = 1");
  assert_fault (f, HB_AUDIT_FAULT_REMOVED, 1, 1);
}

static void
test_removed_from_the_tail_is_found (Fixture *f, gconstpointer data)
{
  append_n (f, 10);
  tamper (f, "DELETE FROM audit_log WHERE seq >= 8");
  assert_fault (f, HB_AUDIT_FAULT_TRUNCATED, 8, 10);
}

static void
test_removed_everything_is_found (Fixture *f, gconstpointer data)
{
  append_n (f, 10);
  tamper (f, "DELETE FROM audit_log");
  assert_fault (f, HB_AUDIT_FAULT_TRUNCATED, 1, 10);
}

static void
test_append_after_truncation_keeps_the_gap (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) all = NULL;

  append_n (f, 10);
  tamper (f, "DELETE FROM audit_log WHERE seq >= 8");
  append (f, "system", "app.start", NULL, NULL);
  all = hb_audit_list_recent (f->audit, 1, NULL);
  g_assert_cmpint (((HbAuditRecord *) all->pdata[0])->seq, ==, 11);
  assert_fault (f, HB_AUDIT_FAULT_REMOVED, 8, 10);
}

static void
test_swapped_records_are_found (Fixture *f, gconstpointer data)
{
  HbAuditReport r;
  g_autofree char *line = NULL;

  append_n (f, 10);
  tamper (f, "UPDATE audit_log SET seq = -5 WHERE seq = 5;"
             "UPDATE audit_log SET seq = 5 WHERE seq = 6;"
             "UPDATE audit_log SET seq = 6 WHERE seq = -5;");
  assert_fault (f, HB_AUDIT_FAULT_REORDERED, 5, 5);
  r = verify (f);
  g_assert_cmpint (r.moved_to, ==, 6);
  line = hb_audit_report_describe (&r);
  g_assert_cmpstr (line, ==, "audit: record 5 was reordered (out of order: it sits at position 6)");
}

static void
test_swapped_contents_are_found (Fixture *f, gconstpointer data)
{
  /* The same with every column but seq swapped (the rows keep their places). */
  append_n (f, 10);
  tamper (f, "DROP INDEX audit_log_prev;"
             "CREATE TEMP TABLE t AS SELECT * FROM audit_log WHERE seq IN (3, 4);"
             "UPDATE audit_log SET (time, actor, action, subject, detail, prev_hash, hash) = "
             " (SELECT time, actor, action, subject, detail, prev_hash, hash FROM t "
             "  WHERE t.seq = 7 - audit_log.seq) WHERE seq IN (3, 4);");
  assert_fault (f, HB_AUDIT_FAULT_REORDERED, 3, 3);
}

static void
test_moved_record_is_found (Fixture *f, gconstpointer data)
{
  append_n (f, 10);
  tamper (f, "UPDATE audit_log SET seq = 100 WHERE seq = 5");
  assert_fault (f, HB_AUDIT_FAULT_REORDERED, 5, 5);
  g_assert_cmpint (verify (f).moved_to, ==, 100);
}

static void
test_inserted_garbage_is_found (Fixture *f, gconstpointer data)
{
  append_n (f, 10);
  shift_up (f, 5);
  tamper (f, "INSERT INTO audit_log VALUES (5, 1767225600, 'resident', 'submission', 'x', "
             "NULL, '2222222222222222222222222222222222222222222222222222222222222222',"
             "'3333333333333333333333333333333333333333333333333333333333333333')");
  assert_fault (f, HB_AUDIT_FAULT_INSERTED, 5, 5);
}

static void
test_inserted_forged_record_is_found (Fixture *f, gconstpointer data)
{
  g_autofree char *prev = NULL;

  append_n (f, 10);
  prev = raw_text (f, "hash", 4);
  shift_up (f, 5);
  forge (f, 5, prev);   /* hashes right and links to record 4 */
  assert_fault (f, HB_AUDIT_FAULT_INSERTED, 5, 5);
}

static void
test_inserted_at_the_end_is_found (Fixture *f, gconstpointer data)
{
  g_autofree char *prev = NULL;

  append_n (f, 10);
  prev = raw_text (f, "hash", 10);
  forge (f, 11, prev);
  assert_fault (f, HB_AUDIT_FAULT_INSERTED, 11, 11);
}

static void
test_inserted_garbage_at_the_end_is_found (Fixture *f, gconstpointer data)
{
  append_n (f, 10);
  tamper (f, "INSERT INTO audit_log VALUES (11, 1767225600, 'resident', 'submission', 'x', "
             "NULL, '2222222222222222222222222222222222222222222222222222222222222222',"
             "'3333333333333333333333333333333333333333333333333333333333333333')");
  assert_fault (f, HB_AUDIT_FAULT_INSERTED, 11, 11);
}

static void
test_anchor_removed_is_found (Fixture *f, gconstpointer data)
{
  append_n (f, 4);
  tamper (f, "DELETE FROM meta WHERE key = 'audit.head'");
  assert_fault (f, HB_AUDIT_FAULT_ANCHOR, 4, 4);
}

static void
test_anchor_forged_is_found (Fixture *f, gconstpointer data)
{
  g_autofree char *last = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *b64 = NULL;

  append_n (f, 10);
  /* Truncate and write a plain (unsealed) anchor for the new end. */
  last = raw_text (f, "hash", 7);
  plain = g_strdup_printf ("7:%s", last);
  b64 = g_base64_encode ((const guchar *) plain, strlen (plain));
  sql = g_strdup_printf ("DELETE FROM audit_log WHERE seq > 7;"
                         "UPDATE meta SET value = '%s' WHERE key = 'audit.head'", b64);
  tamper (f, sql);
  assert_fault (f, HB_AUDIT_FAULT_ANCHOR, 7, 7);
}

static void
test_anchor_overlong_is_found (Fixture *f, gconstpointer data)
{
  append_n (f, 3);
  tamper (f, "UPDATE meta SET value = hex (randomblob (500000)) WHERE key = 'audit.head'");
  assert_fault (f, HB_AUDIT_FAULT_ANCHOR, 3, 3);
}

static void
test_append_after_anchor_removed_records_it (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) recent = NULL;
  HbAuditRecord *reset;

  append_n (f, 4);
  tamper (f, "DELETE FROM audit_log WHERE seq > 2; DELETE FROM meta WHERE key = 'audit.head'");
  append (f, "system", "app.start", NULL, NULL);
  recent = hb_audit_list_recent (f->audit, 2, NULL);
  reset = recent->pdata[1];
  g_assert_cmpstr (reset->action, ==, HB_AUDIT_ACTION_RESET);
  g_assert_cmpint (reset->seq, ==, 3);
  /* Whatever comes after, the log says the anchor had to be re-made. */
  append (f, "system", "app.start", NULL, NULL);
  assert_fault (f, HB_AUDIT_FAULT_ANCHOR, 3, 3);
}

static void
test_platform_head_checks (Fixture *f, gconstpointer data)
{
  g_autofree char *h5 = NULL;
  HbAuditReport r;
  g_autoptr(GError) error = NULL;

  append_n (f, 10);
  h5 = raw_text (f, "hash", 5);
  g_assert_true (hb_audit_verify_against (f->audit, 5, h5, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.fault, ==, HB_AUDIT_FAULT_NONE);

  g_assert_true (hb_audit_verify_against (f->audit, 12, h5, &r, NULL));
  g_assert_cmpint (r.fault, ==, HB_AUDIT_FAULT_TRUNCATED);
  g_assert_cmpint (r.seq, ==, 11);
  g_assert_cmpint (r.seq_last, ==, 12);

  g_assert_true (hb_audit_verify_against (f->audit, 6, h5, &r, NULL));
  g_assert_cmpint (r.fault, ==, HB_AUDIT_FAULT_REWRITTEN);
  g_assert_cmpint (r.seq, ==, 6);

  g_assert_false (hb_audit_verify_against (f->audit, 6, "abc", &r, &error));
  g_assert_error (error, HB_AUDIT_ERROR, HB_AUDIT_ERROR_INVALID);
}

/* --- catching up after a crash ---------------------------------------------------------- */

static guint
submission_records (Fixture *f, const char *key)
{
  g_autoptr(GPtrArray) all = hb_audit_list (f->audit, 0, 0, NULL);
  guint n = 0;
  for (guint i = 0; i < all->len; i++)
    {
      HbAuditRecord *r = all->pdata[i];
      n += g_str_equal (r->action, "submission") && g_strcmp0 (r->subject, key) == 0;
    }
  return n;
}

static void
test_missing_submissions_are_recorded (Fixture *f, gconstpointer data)
{
  g_autoptr(HbOutbox) outbox = hb_outbox_new (f->store);
  g_autofree char *a = outbox_fixture_enqueue (outbox, "application", "/v1/applications",
                                               "{\"service_code\":\"310000-GA-JZZ-0003\"}");
  g_autofree char *b = outbox_fixture_enqueue (outbox, "application", "/v1/applications",
                                               "{\"service_code\":\"310000-GA-JZZ-0003\"}");
  g_autofree char *r = outbox_fixture_enqueue (outbox, "rating", "/v1/ratings", "{\"level\":5}");
  g_autoptr(GError) error = NULL;
  guint added = 99;

  /* a got its record; the process died before b's. */
  append (f, "resident", "submission", a, "310000-GA-JZZ-0003");
  g_assert_true (hb_audit_record_missing_submissions (f->audit, &added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 1);
  g_assert_cmpuint (submission_records (f, a), ==, 1);
  g_assert_cmpuint (submission_records (f, b), ==, 1);
  g_assert_cmpuint (submission_records (f, r), ==, 0);   /* a rating is not a submission */

  g_assert_true (hb_audit_record_missing_submissions (f->audit, &added, NULL));
  g_assert_cmpuint (added, ==, 0);
  assert_fault (f, HB_AUDIT_FAULT_NONE, 0, 0);
}

/* --- two writers ------------------------------------------------------------------------ */

typedef struct {
  HbAudit *audit;
  guint    n;
  guint    failed;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;
  for (guint i = 0; i < w->n; i++)
    if (!hb_audit_append (w->audit, "haobanctl", "outbox.retry", "k", NULL, NULL))
      w->failed++;
  return NULL;
}

static void
test_concurrent_appends_keep_one_chain (Fixture *f, gconstpointer data)
{
  /* Two connections, as the kiosk and haobanctl have. */
  g_autoptr(HbStore) other_store = outbox_fixture_open_store (f->db, f->key);
  g_autoptr(HbAudit) other = hb_audit_new (other_store);
  Writer a = { f->audit, 60, 0 }, b = { other, 60, 0 };
  GThread *ta = g_thread_new ("audit-a", writer_thread, &a);
  GThread *tb = g_thread_new ("audit-b", writer_thread, &b);
  HbAuditReport r;

  g_thread_join (ta);
  g_thread_join (tb);
  g_assert_cmpuint (a.failed + b.failed, ==, 0);
  r = verify (f);
  g_assert_cmpint (r.fault, ==, HB_AUDIT_FAULT_NONE);
  g_assert_cmpuint (r.records, ==, 120);
  g_assert_cmpint (r.head_seq, ==, 120);
  g_assert_true (hb_audit_verify (other, &r, NULL));
  g_assert_cmpint (r.fault, ==, HB_AUDIT_FAULT_NONE);
}

/* The kiosk and haobanctl are two processes: this program again, appending in a child. */
static const char *self_path;

#define CHILD_APPENDS 40

static int
child_main (const char *db, const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbStore) store = hb_store_open (db, key, &error);
  g_autoptr(HbAudit) audit = NULL;

  if (store == NULL)
    return 1;
  audit = hb_audit_new (store);
  for (guint i = 0; i < CHILD_APPENDS; i++)
    if (!hb_audit_append (audit, "haobanctl", "outbox.park", "k", "child", &error))
      {
        g_printerr ("child append: %s\n", error->message);
        return 1;
      }
  return 0;
}

static void
test_concurrent_appends_from_three_processes (Fixture *f, gconstpointer data)
{
  GSubprocess *children[2];
  Writer w = { f->audit, CHILD_APPENDS, 0 };
  GThread *t;
  HbAuditReport r;

  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      g_autoptr(GError) error = NULL;
      children[i] = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, self_path,
                                      "--append-child", f->db, f->key, NULL);
      g_assert_no_error (error);
    }
  t = g_thread_new ("audit-parent", writer_thread, &w);
  g_thread_join (t);
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_true (g_subprocess_wait_check (children[i], NULL, &error));
      g_assert_no_error (error);
      g_object_unref (children[i]);
    }
  g_assert_cmpuint (w.failed, ==, 0);
  r = verify (f);
  g_assert_cmpint (r.fault, ==, HB_AUDIT_FAULT_NONE);
  g_assert_cmpuint (r.records, ==, 3 * CHILD_APPENDS);
  g_assert_cmpint (r.head_seq, ==, 3 * CHILD_APPENDS);
}

/* --- the record reader ------------------------------------------------------------------ */

static void
test_reader_refuses_bad_rows (void)
{
  const char *texts[6] = { "resident", "submission", NULL, NULL, HB_AUDIT_GENESIS,
                           HB_AUDIT_GENESIS };
  gsize lengths[6] = { 8, 10, 0, 0, 64, 64 };
  g_autoptr(HbAuditRecord) ok = hb_audit_record_from_columns (1, 0, texts, lengths, NULL);
  g_autoptr(GError) error = NULL;
  gint64 seq = 0;
  char hash[HB_AUDIT_HASH_HEX + 1];
  g_autofree char *head = NULL;

  g_assert_nonnull (ok);
  g_assert_null (hb_audit_record_from_columns (0, 0, texts, lengths, NULL));
  lengths[0] = 9;          /* "resident\0": a NUL inside */
  g_assert_null (hb_audit_record_from_columns (1, 0, texts, lengths, &error));
  g_assert_error (error, HB_AUDIT_ERROR, HB_AUDIT_ERROR_INVALID);
  lengths[0] = 8;
  texts[5] = "ABCD";       /* not a hash */
  lengths[5] = 4;
  g_assert_null (hb_audit_record_from_columns (1, 0, texts, lengths, NULL));

  head = hb_audit_format_head (42, HB_AUDIT_GENESIS);
  g_assert_true (hb_audit_parse_head (head, strlen (head), &seq, hash, NULL));
  g_assert_cmpint (seq, ==, 42);
  g_assert_cmpstr (hash, ==, HB_AUDIT_GENESIS);
  g_assert_false (hb_audit_parse_head ("0:" HB_AUDIT_GENESIS, 66, &seq, hash, NULL));
  g_assert_false (hb_audit_parse_head ("42:" HB_AUDIT_GENESIS "0", 68, &seq, hash, NULL));
  g_assert_false (hb_audit_parse_head ("42", 2, &seq, hash, NULL));
  g_assert_false (hb_audit_parse_head ("99999999999999999999:" HB_AUDIT_GENESIS, 85, &seq,
                                       hash, NULL));
}

#define ADD(path, fn) \
  g_test_add ("/offline-cache/audit/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)

int
main (int argc, char **argv)
{
  static const char *const columns[] = { "actor", "action", "subject", "detail", "time",
                                         "hash", "prev_hash" };

  if (argc == 4 && g_str_equal (argv[1], "--append-child"))
    return child_main (argv[2], argv[3]);
  self_path = argv[0];
  hb_test_init (&argc, &argv);
  g_test_add_func ("/offline-cache/audit/sm3-matches-the-gb-t-32905-examples", test_sm3_vectors);
  g_test_add_func ("/offline-cache/audit/encoding-is-length-prefixed-and-positional",
                   test_encoding_is_unambiguous);
  g_test_add_func ("/offline-cache/audit/reader-refuses-malformed-rows-and-heads",
                   test_reader_refuses_bad_rows);
  ADD ("empty-log-is-intact", test_empty_log_is_intact);
  ADD ("appends-chain-each-record-to-the-previous-one", test_appends_chain_records);
  ADD ("chain-continues-after-reopening-the-store", test_survives_reopen);
  ADD ("lists-from-a-sequence-number-and-the-most-recent", test_list_since_limit_and_recent);
  ADD ("appends-on-a-worker-thread", test_append_async);
  ADD ("refuses-missing-overlong-or-reserved-fields", test_refuses_bad_arguments);
  ADD ("long-detail-is-cut-at-a-character-and-made-printable",
       test_long_detail_is_cut_and_printable);
  ADD ("personal-data-is-stored-masked", test_personal_data_is_masked);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autofree char *path = g_strdup_printf ("/offline-cache/audit/edited-%s-is-reported-"
                                               "as-edited-at-its-record", columns[i]);
      g_test_add (path, Fixture, columns[i], fixture_setup, test_edited_field_is_found,
                  fixture_teardown);
    }
  ADD ("edited-record-is-named-in-one-line", test_edited_message);
  ADD ("edited-to-an-unreadable-value-is-reported-as-edited",
       test_edited_unreadable_field_is_found);
  ADD ("edited-and-rehashed-record-is-reported-as-edited", test_edited_and_rehashed_is_found);
  ADD ("edited-and-rehashed-last-record-is-caught-by-the-anchor",
       test_last_edited_and_rehashed_is_found);
  ADD ("removed-from-the-middle-is-reported-as-removed", test_removed_from_the_middle_is_found);
  ADD ("removed-run-is-reported-with-its-range", test_removed_run_is_found);
  ADD ("removed-and-later-records-renumbered-is-reported-as-removed",
       test_removed_and_renumbered_is_found);
  ADD ("removed-first-record-is-reported-as-removed", test_removed_first_is_found);
  ADD ("removed-from-the-tail-is-reported-as-truncated", test_removed_from_the_tail_is_found);
  ADD ("removed-everything-is-reported-as-truncated", test_removed_everything_is_found);
  ADD ("append-after-truncation-keeps-the-gap-visible",
       test_append_after_truncation_keeps_the_gap);
  ADD ("swapped-records-are-reported-as-reordered", test_swapped_records_are_found);
  ADD ("swapped-contents-are-reported-as-reordered", test_swapped_contents_are_found);
  ADD ("moved-record-is-reported-as-reordered", test_moved_record_is_found);
  ADD ("inserted-garbage-record-is-reported-as-inserted", test_inserted_garbage_is_found);
  ADD ("inserted-forged-record-is-reported-as-inserted", test_inserted_forged_record_is_found);
  ADD ("inserted-forged-record-at-the-end-is-reported-as-inserted",
       test_inserted_at_the_end_is_found);
  ADD ("inserted-garbage-at-the-end-is-reported-as-inserted",
       test_inserted_garbage_at_the_end_is_found);
  ADD ("anchor-removed-is-reported", test_anchor_removed_is_found);
  ADD ("anchor-forged-without-the-store-key-is-reported", test_anchor_forged_is_found);
  ADD ("anchor-overlong-is-reported", test_anchor_overlong_is_found);
  ADD ("append-after-the-anchor-was-removed-records-the-reset-for-good",
       test_append_after_anchor_removed_records_it);
  ADD ("head-held-by-the-platform-catches-truncation-and-rewrites", test_platform_head_checks);
  ADD ("submissions-without-a-record-after-a-crash-are-recorded-at-start",
       test_missing_submissions_are_recorded);
  ADD ("concurrent-appends-from-two-connections-keep-one-chain",
       test_concurrent_appends_keep_one_chain);
  ADD ("concurrent-appends-from-three-processes-keep-one-chain",
       test_concurrent_appends_from_three_processes);
  return g_test_run ();
}
