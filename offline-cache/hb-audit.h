/* hb-audit.h — the terminal's audit log: every staff action and every submission, as an
 * SM3 hash chain in the store (docs/audit-log.md).
 *
 * Each record is (seq, time, actor, action, subject, detail, prev_hash, hash) where
 * hash = SM3 over a length-prefixed encoding of the record and prev_hash (the first
 * record's prev_hash is 64 zeros). The head (seq, hash) is anchored twice where someone
 * editing the audit table does not also trivially fix it: sealed with the store key in the
 * store's meta, and sent to the platform with each heartbeat ("audit_head").
 * Appends read the head and insert in one IMMEDIATE transaction, so the kiosk and
 * haobanctl appending at once never fork the chain. */
#pragma once

#include "offline-cache/hb-store.h"

G_BEGIN_DECLS

#define HB_AUDIT_ERROR (hb_audit_error_quark ())
GQuark hb_audit_error_quark (void);
typedef enum {
  HB_AUDIT_ERROR_INVALID,    /* an argument is missing, too long, or not UTF-8 */
  HB_AUDIT_ERROR_CRYPTO,     /* SM3 unavailable in this OpenSSL */
} HbAuditError;

/* Field limits in bytes. A longer actor, action or subject is refused (a caller's bug);
 * a longer detail is cut at a character boundary (it is free text, e.g. an error message:
 * losing its end is better than losing the record). Control characters in detail become
 * spaces. Actions starting with "audit." are reserved for the log itself. */
#define HB_AUDIT_ACTOR_MAX    64
#define HB_AUDIT_ACTION_MAX   64
#define HB_AUDIT_SUBJECT_MAX  256
#define HB_AUDIT_DETAIL_MAX   1024
#define HB_AUDIT_HASH_HEX     64
/* Most records hb_audit_list() / hb_audit_list_recent() return in one call. */
#define HB_AUDIT_LIST_MAX     10000

typedef struct {
  gint64 seq;          /* 1, 2, 3, … */
  gint64 time;         /* unix seconds */
  char  *actor;        /* "resident", "staff:<id>", "technician:<id>", "system", "haobanctl" */
  char  *action;       /* dotted name, e.g. "submission", "maintenance.login" */
  char  *subject;      /* may be NULL */
  char  *detail;       /* may be NULL */
  char  *prev_hash;    /* 64 lowercase hex */
  char  *hash;         /* 64 lowercase hex */
} HbAuditRecord;

void hb_audit_record_free (HbAuditRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbAuditRecord, hb_audit_record_free)

/* The kinds of fault verification tells apart. */
typedef enum {
  HB_AUDIT_FAULT_NONE,        /* intact */
  HB_AUDIT_FAULT_EDITED,      /* a field (or the stored hash) of a record was changed */
  HB_AUDIT_FAULT_REMOVED,     /* records are missing from the middle */
  HB_AUDIT_FAULT_TRUNCATED,   /* records are missing from the end (the anchor is ahead) */
  HB_AUDIT_FAULT_REORDERED,   /* a genuine record sits at another position */
  HB_AUDIT_FAULT_INSERTED,    /* a record that was never appended through HbAudit */
  HB_AUDIT_FAULT_REWRITTEN,   /* the chain is consistent but its head is not the anchored one */
  HB_AUDIT_FAULT_ANCHOR,      /* the anchor in the store is missing or damaged */
} HbAuditFault;

/* "intact", "edited", "removed", "truncated", "reordered", "inserted", "rewritten", "anchor" */
const char *hb_audit_fault_to_string (HbAuditFault fault);

typedef struct {
  HbAuditFault fault;         /* HB_AUDIT_FAULT_NONE when intact */
  gint64       seq;           /* first bad sequence number; 0 when intact */
  gint64       seq_last;      /* last one of a removed/truncated/inserted run (else = seq) */
  gint64       moved_to;      /* REORDERED: where the genuine record <seq> sits now (0: unknown) */
  guint64      records;       /* rows in the log */
  gint64       head_seq;      /* last record's seq (0 when empty) */
  char         head_hash[HB_AUDIT_HASH_HEX + 1];   /* its hash ("" when empty) */
  gint64       anchor_seq;    /* the head anchored in the store (0 when none) */
  char         why[128];      /* short reason, e.g. "hash mismatch"; never record contents */
} HbAuditReport;

#define HB_TYPE_AUDIT (hb_audit_get_type ())
G_DECLARE_FINAL_TYPE (HbAudit, hb_audit, HB, AUDIT, GObject)

HbAudit *hb_audit_new (HbStore *store);

/* Appends one record, durable when it returns (blocks for a commit: not on the UI thread;
 * use hb_audit_append_async there). actor and action are required; subject and detail may
 * be NULL. No personal data in any of them (the caller's duty); as defence in depth every
 * field is scrubbed (hb_scrub_personal: ID-number and mobile-number shapes masked) before
 * it is hashed and stored. On success *out_seq (may be NULL) is the new record's seq. */
gboolean hb_audit_append      (HbAudit *self, const char *actor, const char *action,
                               const char *subject, const char *detail, GError **error);
gboolean hb_audit_append_full (HbAudit *self, const char *actor, const char *action,
                               const char *subject, const char *detail, gint64 *out_seq,
                               GError **error);
/* The same on a worker thread (the strings are copied). */
void     hb_audit_append_async  (HbAudit *self, const char *actor, const char *action,
                                 const char *subject, const char *detail,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean hb_audit_append_finish (HbAudit *self, GAsyncResult *result, GError **error);

/* Appends a "submission" record (actor "resident", detail "recorded at start") for every
 * application in the outbox that has none: the record is written after the outbox commit,
 * so a crash between the two would otherwise lose it. The core runs it when it opens the
 * store. *recorded (may be NULL): how many were added. */
gboolean hb_audit_record_missing_submissions (HbAudit *self, guint *recorded, GError **error);

/* Checks the whole log against its chain and its anchor. Returns FALSE + error only when
 * the log cannot be read at all; tampering is TRUE with out->fault != HB_AUDIT_FAULT_NONE
 * (the first fault found, with its sequence number). */
gboolean hb_audit_verify (HbAudit *self, HbAuditReport *out, GError **error);
/* The same, also checking the chain against a head held elsewhere (e.g. the platform's copy
 * from the heartbeats): record head_seq must exist with hash head_hash. */
gboolean hb_audit_verify_against (HbAudit *self, gint64 head_seq, const char *head_hash,
                                  HbAuditReport *out, GError **error);
/* One line for people and logs, e.g. "audit: record 17 was edited (hash mismatch)" or
 * "audit: intact, 42 records, head 42 3f2a…". */
char    *hb_audit_report_describe (const HbAuditReport *report);

/* Records with seq > since_seq in ascending order, at most limit (0 or more than
 * HB_AUDIT_LIST_MAX: HB_AUDIT_LIST_MAX). Element type HbAuditRecord. */
GPtrArray *hb_audit_list        (HbAudit *self, gint64 since_seq, guint limit, GError **error);
/* The newest limit records, newest first (the maintenance screen). */
GPtrArray *hb_audit_list_recent (HbAudit *self, guint limit, GError **error);

/* The current head: seq 0 and hash "" (transfer full) when the log is empty. */
gboolean hb_audit_get_head (HbAudit *self, gint64 *seq, char **hash, GError **error);

/* Parses a head written "SEQ:HASH" (`haobanctl audit head`, `audit verify --head`): a
 * positive number, a colon, 64 lowercase hex digits; length bytes of text. */
gboolean hb_audit_parse_head (const char *text, gsize length, gint64 *seq,
                              char hash[HB_AUDIT_HASH_HEX + 1], GError **error);

/* SM3 of data as 64 lowercase hex into out (GB/T 32905). FALSE + HB_AUDIT_ERROR_CRYPTO
 * when OpenSSL has no SM3. */
gboolean hb_audit_sm3_hex (const void *data, gsize length, char out[HB_AUDIT_HASH_HEX + 1],
                           GError **error);

G_END_DECLS
