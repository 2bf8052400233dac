/* hb-samples.h — the sample identity cards and 随申码 shipped in share_dir/sample-cards.json,
 * for virtual devices (haobanctl sim, the 模拟设备 panel) and demos. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HB_SAMPLES_MAX_BYTES (1024 * 1024)

/* Number of entries in list "cards" or "codes"; 0 when the file is unreadable. */
guint  hb_samples_count (const char *share_dir, const char *list);
/* Card n (1-based) in the HbIdCard JSON form, without its "label". (transfer full) */
char  *hb_samples_card_json (const char *share_dir, guint n, GError **error);
/* Scanned text of code n (1-based). (transfer full) */
char  *hb_samples_code_text (const char *share_dir, guint n, GError **error);
/* What code n stands for: "person", "enterprise" or "place"; NULL when there is no such
 * code. */
const char *hb_samples_code_kind (const char *share_dir, guint n);
/* Human label of entry n of list. (transfer full) */
char  *hb_samples_label (const char *share_dir, const char *list, guint n);

G_END_DECLS
