/* hb-audit-private.h — the audit log's canonical encoding and its checks of records read
 * back from disk (outside bytes: anyone may have edited the file). Pure, so the unit tests
 * and tests/fuzz/fuzz-audit-record.c can drive them. */
#pragma once

#include "offline-cache/hb-audit.h"

G_BEGIN_DECLS

/* prev_hash of record 1. */
#define HB_AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
/* meta key of the sealed head anchor; the reserved action of an anchor re-made on append. */
#define HB_AUDIT_ANCHOR_KEY    "audit.head"
#define HB_AUDIT_ACTION_RESET  "audit.anchor-reset"
/* Encoding: this tag, seq (u64 BE), time (i64 BE), then actor, action, subject, detail each
 * as a presence byte (0 NULL, 1 present) + length (u32 BE) + bytes, then prev_hash as 32
 * raw bytes. Length prefixes make it unambiguous ("ab"+"c" differs from "a"+"bc"). */
#define HB_AUDIT_ENCODING_TAG  "HB-AUDIT-1"

/* The canonical bytes of record (its seq, time, four texts and prev_hash; record->hash is
 * not read). NULL + HB_AUDIT_ERROR_INVALID when prev_hash is not 64 lowercase hex. */
GBytes  *hb_audit_record_encode (const HbAuditRecord *record, GError **error);
/* SM3 of the encoding of record taken at sequence number seq (seq overrides record->seq,
 * so a record can be tried at another position). */
gboolean hb_audit_record_hash_at (const HbAuditRecord *record, gint64 seq,
                                  char out[HB_AUDIT_HASH_HEX + 1], GError **error);

/* Strict check of a record read back: seq > 0, actor and action present, every text within
 * its limit and valid UTF-8 without NUL, both hashes 64 lowercase hex. */
gboolean hb_audit_record_check (const HbAuditRecord *record, GError **error);

/* Builds a record from column values as SQLite returns them (bytes + lengths; a NULL value
 * has text NULL). Strict: FALSE + HB_AUDIT_ERROR_INVALID on anything hb_audit_record_check
 * refuses, embedded NULs or overlong texts. (transfer full) */
HbAuditRecord *hb_audit_record_from_columns (gint64 seq, gint64 time,
                                             const char *const texts[6], const gsize lengths[6],
                                             GError **error);

/* "SEQ:HASH", the anchor's plaintext (hb_audit_parse_head is public). */
char    *hb_audit_format_head (gint64 seq, const char *hash);

/* 64 lowercase hex digits? */
gboolean hb_audit_is_hash (const char *text, gsize length);

G_END_DECLS
