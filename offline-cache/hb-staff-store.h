/* hb-staff-store.h — what staff entry keeps in the store (schema step 6): the platform's
 * allow-list of staff cards (by SM3 digest of the ID number only) and the one lockout row
 * the kiosk and haobanctl share. Policy (how many failures lock, for how long) is the
 * caller's (kiosk/hb-staff-auth.c); this file only makes each change atomic across
 * processes (BEGIN IMMEDIATE). Nothing here ever sees a PIN or an ID number. */
#pragma once

#include "offline-cache/hb-store.h"

G_BEGIN_DECLS

typedef struct {
  guint  failures;       /* consecutive failures since the last lockout or success */
  guint  lockouts;       /* lockouts since the last success (the next delay grows with it) */
  gint64 locked_until;   /* unix seconds; 0 (or past): open */
} HbStaffLockout;

/* Changes *state in place (called inside the transaction). */
typedef void (*HbStaffLockoutFunc) (HbStaffLockout *state, gpointer user_data);

/* The lockout row (all zero when none was ever written). */
gboolean hb_staff_store_get_lockout (HbStore *store, HbStaffLockout *out, GError **error);
/* Read, func, write — one IMMEDIATE transaction, so two processes never lose a failure.
 * out (may be NULL) receives the state written. */
gboolean hb_staff_store_update_lockout (HbStore *store, HbStaffLockoutFunc func,
                                        gpointer user_data, HbStaffLockout *out,
                                        GError **error);

typedef struct {
  const char *staff_id;
  const char *role;            /* "staff" | "technician" */
  const char *id_number_sm3;   /* 64 lowercase hex */
} HbStaffRow;

/* Replaces the whole list, its version and its time in one transaction (all or nothing). */
gboolean hb_staff_store_replace_allowlist (HbStore *store, const char *version,
                                           const HbStaffRow *rows, guint n, gint64 now,
                                           GError **error);
/* The entry of a digest: TRUE with *staff_id and *role (transfer full), or FALSE with
 * HB_STORE_ERROR_NOT_FOUND when absent (other codes: the store failed). */
gboolean hb_staff_store_lookup (HbStore *store, const char *id_number_sm3, char **staff_id,
                                char **role, GError **error);
/* version: NULL when no list was ever stored (transfer full); stored_at 0 then. */
gboolean hb_staff_store_get_allowlist_info (HbStore *store, char **version, guint *n_entries,
                                            gint64 *stored_at, GError **error);

G_END_DECLS
