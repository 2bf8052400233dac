/* fuzz-audit-record.c — what verification reads back from the audit table and the anchor
 * (outside bytes: anyone may have edited the file). The input is a row: 16 bytes of seq and
 * time, then up to six texts (actor, action, subject, detail, prev_hash, hash) separated by
 * 0x1f, each as SQLite hands it over (bytes + length, NULs included). Whatever the bytes:
 * the reader either refuses them with an error or yields a record that passes the strict
 * check, hashes deterministically and (only if its hash says so) verifies; the head parser
 * accepts only SEQ:HASH. */
#include "offline-cache/hb-audit.h"
#include "offline-cache/hb-audit-private.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static gint64
read_i64 (const uint8_t *p)
{
  guint64 v = 0;
  for (int i = 0; i < 8; i++)
    v = v << 8 | p[i];
  return (gint64) v;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *texts[6] = { NULL };
  gsize lengths[6] = { 0 };
  g_autoptr(HbAuditRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  gint64 seq = 0;
  char hash[HB_AUDIT_HASH_HEX + 1];

  /* The whole input as a head. */
  if (hb_audit_parse_head ((const char *) data, size, &seq, hash, NULL))
    {
      g_autofree char *again = hb_audit_format_head (seq, hash);
      g_assert_cmpint (seq, >, 0);
      g_assert_true (hb_audit_is_hash (hash, strlen (hash)));
      g_assert_cmpuint (strlen (again), ==, size);
      g_assert_true (memcmp (again, data, size) == 0);
    }

  if (size < 16)
    return 0;
  {
    const char *p = (const char *) data + 16, *end = (const char *) data + size;
    for (guint i = 0; i < 6 && p <= end; i++)
      {
        const char *sep = memchr (p, 0x1f, end - p);
        texts[i] = p;
        lengths[i] = (sep ? sep : end) - p;
        if (lengths[i] == 1 && *p == '-')
          texts[i] = NULL;   /* "-" stands for SQL NULL */
        if (sep == NULL)
          break;
        p = sep + 1;
      }
  }
  record = hb_audit_record_from_columns (read_i64 (data), read_i64 (data + 8), texts, lengths,
                                         &error);
  if (record == NULL)
    {
      g_assert_error (error, HB_AUDIT_ERROR, HB_AUDIT_ERROR_INVALID);
      return 0;
    }
  g_assert_true (hb_audit_record_check (record, NULL));
  {
    char a[HB_AUDIT_HASH_HEX + 1], b[HB_AUDIT_HASH_HEX + 1];
    g_assert_true (hb_audit_record_hash_at (record, record->seq, a, NULL));
    g_assert_true (hb_audit_record_hash_at (record, record->seq, b, NULL));
    g_assert_cmpstr (a, ==, b);
    g_assert_true (hb_audit_is_hash (a, strlen (a)));
  }
  return 0;
}
