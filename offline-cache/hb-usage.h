/* hb-usage.h — the terminal's usage counters (for the dashboard charts and the monthly
 * operations report, docs/operations-report.md).
 *
 * One row per event in the store (table usage_event, migration 5): its kind, when, a short
 * code (service code, 办不成事 reason as the platform API names it, e.g. "材料不全", device
 * kind) and a number (rating level, seconds). Nothing personal is ever recorded: callers
 * pass codes from fixed sets only, and as a second line a key with spaces or control
 * characters, longer than HB_USAGE_KEY_MAX bytes, or looking like an ID or phone number
 * (a run of 11 or more digits) is refused.
 *
 * Recording never blocks the caller on the disk: hb_usage_record checks the event and
 * queues it in memory; a worker thread writes the queue in one transaction (at most
 * HB_USAGE_QUEUE_MAX events are held; past that the oldest are dropped and counted).
 * hb_usage_flush writes the queue now (summaries flush first, so they see everything
 * recorded before them). Rows older than HB_USAGE_RETENTION_DAYS are pruned by the writer
 * (at most once an hour) and by hb_usage_prune. */
#pragma once

#include "offline-cache/hb-store.h"

G_BEGIN_DECLS

#define HB_USAGE_RETENTION_DAYS 400
#define HB_USAGE_KEY_MAX        64      /* bytes */
#define HB_USAGE_QUEUE_MAX      4096    /* events waiting for the writer */
/* A summary covers at most this many days (the per-day array is sized by it). */
#define HB_USAGE_SUMMARY_MAX_DAYS 400

typedef enum {
  HB_USAGE_VISIT_STARTED,    /* a resident identified; key NULL */
  HB_USAGE_VISIT_COMPLETED,  /* the visit ended with at least one submission; value: seconds */
  HB_USAGE_VISIT_ABANDONED,  /* wiped without a submission (incl. idle timeout); value: s */
  HB_USAGE_SERVICE_CHOSEN,   /* key: service code */
  HB_USAGE_SUBMITTED,        /* key: service code (may be NULL) */
  HB_USAGE_REPORT,           /* 办不成事 report; key: reason code */
  HB_USAGE_RATING,           /* value: level 1..5; key: service code or NULL */
  HB_USAGE_DEVICE_STATUS,    /* key: device kind ("printer", "idcard", …);
                              * value: 1 usable, 0 not (offline, fault, paper out …) */
  HB_USAGE_DELIVERY_DELAY,   /* an outbox item was delivered; value: seconds since queued;
                              * key: its kind ("application", "rating", …) */
  HB_USAGE_N_KINDS
} HbUsageKind;

/* Stable names used in the table and in JSON: "visit-started", "visit-completed",
 * "visit-abandoned", "service-chosen", "submitted", "report", "rating", "device-status",
 * "delivery-delay". NULL for an unknown kind. */
const char *hb_usage_kind_to_string (HbUsageKind kind);

#define HB_USAGE_ERROR (hb_usage_error_quark ())
GQuark hb_usage_error_quark (void);
typedef enum {
  HB_USAGE_ERROR_INVALID,    /* bad kind, key, value or period */
} HbUsageError;

typedef struct {
  char  *key;     /* service / reason code, or device kind */
  guint  count;
} HbUsageCount;

typedef struct {
  char   *kind;          /* device kind */
  double  availability;  /* fraction 0..1 of the observed time it was usable */
  gint64  observed_s;    /* seconds of the period whose state is known */
  gint64  usable_s;
  guint   outages;       /* transitions usable → not usable in the period */
} HbUsageDevice;

typedef struct {
  gint64  from, to;                 /* the period, [from, to) unix seconds */
  /* Visits */
  guint   visits;                   /* started in the period */
  guint   completed, abandoned;     /* ended in the period */
  double  completion_rate;          /* completed / (completed + abandoned); 0 when none */
  double  abandon_rate;             /* abandoned / (completed + abandoned); 0 when none */
  gint64  visit_median_s;           /* duration of ended visits; 0 when none */
  guint   visits_per_hour[24];      /* started visits by local hour of day */
  GDateTime *first_day;             /* local midnight of the day holding `from` */
  guint   n_days;                   /* local days touched by the period */
  guint  *visits_per_day;           /* n_days counts, first_day first */
  /* Services and submissions */
  guint   submissions;
  HbUsageCount *services;           /* chosen services, most chosen first (ties: code) */
  guint   n_services;
  /* 办不成事 */
  guint   reports;
  HbUsageCount *reasons;            /* most frequent first (ties: code) */
  guint   n_reasons;
  /* Ratings */
  guint   ratings[5];               /* ratings[i]: count of level i + 1 */
  guint   n_ratings;
  double  rating_mean;              /* 0 when none */
  /* Devices */
  HbUsageDevice *devices;           /* sorted by kind */
  guint   n_devices;
  /* Outbox delivery delays */
  guint   deliveries;
  gint64  delay_median_s, delay_p95_s, delay_max_s;
} HbUsageSummary;

void hb_usage_summary_free (HbUsageSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbUsageSummary, hb_usage_summary_free)

/* The n most frequent entries of counts (services, reasons) as parallel arrays for a
 * chart: labels (transfer container: the strings belong to the summary) and values
 * (transfer full). Returns how many (≤ n). */
guint hb_usage_counts_top (const HbUsageCount *counts, guint n_counts, guint n,
                           const char ***labels, double **values);

#define HB_TYPE_USAGE (hb_usage_get_type ())
G_DECLARE_FINAL_TYPE (HbUsage, hb_usage, HB, USAGE, GObject)

HbUsage *hb_usage_new (HbStore *store);

/* Queue one event (at: unix seconds; 0 = now). Fails (HB_USAGE_ERROR_INVALID, nothing
 * queued) on an unknown kind, a key that is not 1..HB_USAGE_KEY_MAX bytes of UTF-8
 * letters, digits and [._:/-] or holds 11+ consecutive digits, a rating outside 1..5, a
 * negative duration or status other than 0/1. Thread-safe; never touches the disk itself. */
gboolean hb_usage_record (HbUsage *self, HbUsageKind kind, gint64 at, const char *key,
                          gint64 value, GError **error);
/* An outbox item was delivered at `at` (0 = now): the writer records a
 * HB_USAGE_DELIVERY_DELAY event from the item's row (its kind, at - created_at). An
 * unknown key records nothing. */
gboolean hb_usage_record_delivery (HbUsage *self, const char *outbox_key, gint64 at,
                                   GError **error);

/* Write the queued events now (blocking; not on the UI thread in production). */
gboolean hb_usage_flush (HbUsage *self, GError **error);
/* Events dropped because the queue was full or a write failed (for diagnostics). */
guint    hb_usage_get_dropped (HbUsage *self);

/* Delete events older than now - HB_USAGE_RETENTION_DAYS (now: unix seconds; 0 = now).
 * Returns the number deleted, or -1 + error. */
gint64   hb_usage_prune (HbUsage *self, gint64 now, GError **error);

/* Aggregate [from, to) (unix seconds; hours and days in local time; at most
 * HB_USAGE_SUMMARY_MAX_DAYS days). Flushes first. Blocking: the UI uses the async form. */
HbUsageSummary *hb_usage_summarize (HbUsage *self, gint64 from, gint64 to, GError **error);
void            hb_usage_summarize_async  (HbUsage *self, gint64 from, gint64 to,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
HbUsageSummary *hb_usage_summarize_finish (HbUsage *self, GAsyncResult *result,
                                           GError **error);

/* [from, to) of the local calendar month holding `at` (unix seconds), and of the month
 * "YYYY-MM" (FALSE when malformed). */
void     hb_usage_month_bounds (gint64 at, gint64 *from, gint64 *to);
gboolean hb_usage_parse_month  (const char *month, gint64 *from, gint64 *to);

G_END_DECLS
