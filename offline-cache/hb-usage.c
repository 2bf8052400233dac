/* hb-usage.c — usage counters: an event table, written by one writer thread, summarized
 * on demand (docs/operations-report.md "Counters"). */
#include "offline-cache/hb-usage.h"
#include "offline-cache/hb-store-private.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (hb-usage-error-quark, hb_usage_error)

/* The writer prunes at most this often. */
#define PRUNE_EVERY_S 3600
/* A run of this many digits in a key looks like an ID or phone number. */
#define DIGIT_RUN_MAX 10

typedef struct {
  HbUsageKind kind;     /* HB_USAGE_N_KINDS: a delivery, key is the outbox key */
  gint64      at;
  char       *key;
  gint64      value;
} Event;

struct _HbUsage
{
  GObject   parent_instance;
  HbStore  *store;

  GMutex    lock;       /* queue, stopping, dropped, thread */
  GCond     cond;
  GArray   *queue;      /* Event */
  gboolean  stopping;
  guint     dropped;
  GThread  *thread;

  GMutex    write_lock; /* held from taking the queue to its commit (flush waits on it) */
  gint64    last_prune;
};

G_DEFINE_TYPE (HbUsage, hb_usage, G_TYPE_OBJECT)

static const char *const KIND_NAMES[HB_USAGE_N_KINDS] = {
  [HB_USAGE_VISIT_STARTED]   = "visit-started",
  [HB_USAGE_VISIT_COMPLETED] = "visit-completed",
  [HB_USAGE_VISIT_ABANDONED] = "visit-abandoned",
  [HB_USAGE_SERVICE_CHOSEN]  = "service-chosen",
  [HB_USAGE_SUBMITTED]       = "submitted",
  [HB_USAGE_REPORT]          = "report",
  [HB_USAGE_RATING]          = "rating",
  [HB_USAGE_DEVICE_STATUS]   = "device-status",
  [HB_USAGE_DELIVERY_DELAY]  = "delivery-delay",
};

const char *
hb_usage_kind_to_string (HbUsageKind kind)
{
  if ((guint) kind >= HB_USAGE_N_KINDS)
    return NULL;
  return KIND_NAMES[kind];
}

static void
event_clear (gpointer data)
{
  Event *e = data;
  g_clear_pointer (&e->key, g_free);
}

/* --- summaries -------------------------------------------------------------------------- */

void
hb_usage_summary_free (HbUsageSummary *s)
{
  if (s == NULL)
    return;
  g_clear_pointer (&s->first_day, g_date_time_unref);
  g_free (s->visits_per_day);
  for (guint i = 0; i < s->n_services; i++)
    g_free (s->services[i].key);
  g_free (s->services);
  for (guint i = 0; i < s->n_reasons; i++)
    g_free (s->reasons[i].key);
  g_free (s->reasons);
  for (guint i = 0; i < s->n_devices; i++)
    g_free (s->devices[i].kind);
  g_free (s->devices);
  g_free (s);
}

guint
hb_usage_counts_top (const HbUsageCount *counts, guint n_counts, guint n,
                     const char ***labels, double **values)
{
  guint k = MIN (n_counts, n);

  *labels = g_new0 (const char *, k + 1);
  *values = g_new0 (double, MAX (k, 1));
  for (guint i = 0; i < k; i++)
    {
      (*labels)[i] = counts[i].key;
      (*values)[i] = counts[i].count;
    }
  return k;
}

/* --- months ----------------------------------------------------------------------------- */

static gint64
local_month_start (int year, int month)
{
  g_autoptr(GDateTime) dt = g_date_time_new_local (year, month, 1, 0, 0, 0);
  return dt ? g_date_time_to_unix (dt) : 0;
}

void
hb_usage_month_bounds (gint64 at, gint64 *from, gint64 *to)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (at);
  int y = g_date_time_get_year (dt), m = g_date_time_get_month (dt);

  *from = local_month_start (y, m);
  *to = m == 12 ? local_month_start (y + 1, 1) : local_month_start (y, m + 1);
}

gboolean
hb_usage_parse_month (const char *month, gint64 *from, gint64 *to)
{
  int y, m;

  if (month == NULL || strlen (month) != 7 || month[4] != '-')
    return FALSE;
  for (int i = 0; i < 7; i++)
    if (i != 4 && !g_ascii_isdigit (month[i]))
      return FALSE;
  y = atoi (month);
  m = atoi (month + 5);
  if (y < 2000 || m < 1 || m > 12)
    return FALSE;
  *from = local_month_start (y, m);
  *to = m == 12 ? local_month_start (y + 1, 1) : local_month_start (y, m + 1);
  return *from > 0 && *to > *from;
}

/* --- validation ------------------------------------------------------------------------- */

static gboolean
key_ok (const char *key)
{
  gsize n = strlen (key);
  guint digits = 0;

  if (n == 0 || n > HB_USAGE_KEY_MAX || !g_utf8_validate (key, n, NULL))
    return FALSE;
  for (const char *p = key; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_isdigit (c))
        {
          if (++digits > DIGIT_RUN_MAX)
            return FALSE;
          continue;
        }
      digits = 0;
      if (c < 0x80 ? !(g_ascii_isalpha (c) || strchr ("._:/-", (int) c) != NULL)
                   : !g_unichar_isalpha (c))
        return FALSE;
    }
  return TRUE;
}

static gboolean
validate (HbUsageKind kind, const char *key, gint64 value, GError **error)
{
  if ((guint) kind >= HB_USAGE_N_KINDS)
    {
      g_set_error (error, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID, "unknown usage kind %d",
                   (int) kind);
      return FALSE;
    }
  /* Never quote the key: a caller's mistake could have put something personal there. */
  if (key != NULL && !key_ok (key))
    {
      g_set_error (error, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID,
                   "%s: the key must be a short code (1-%d bytes of letters, digits, ._:/-; "
                   "no long digit runs)", KIND_NAMES[kind], HB_USAGE_KEY_MAX);
      return FALSE;
    }
  if ((kind == HB_USAGE_SERVICE_CHOSEN || kind == HB_USAGE_REPORT
       || kind == HB_USAGE_DEVICE_STATUS) && key == NULL)
    {
      g_set_error (error, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID, "%s needs a key",
                   KIND_NAMES[kind]);
      return FALSE;
    }
  if (kind == HB_USAGE_RATING && (value < 1 || value > 5))
    {
      g_set_error (error, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID,
                   "a rating level is 1..5, not %" G_GINT64_FORMAT, value);
      return FALSE;
    }
  if (kind == HB_USAGE_DEVICE_STATUS && value != 0 && value != 1)
    {
      g_set_error (error, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID,
                   "a device status is 0 or 1, not %" G_GINT64_FORMAT, value);
      return FALSE;
    }
  if (value < 0)
    {
      g_set_error (error, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID,
                   "%s: negative value", KIND_NAMES[kind]);
      return FALSE;
    }
  return TRUE;
}

/* --- the writer ------------------------------------------------------------------------- */

typedef struct {
  GArray *events;
  gint64  prune_before;   /* 0: no pruning this time */
  gint64  pruned;
} WriteJob;

static gboolean
write_txn (HbStore *store, gpointer data, GError **error)
{
  WriteJob *job = data;
  sqlite3_stmt *ins = NULL, *dlv = NULL;
  gboolean ok = FALSE;

  ins = hb_store_prepare (store,
                          "INSERT INTO usage_event (kind, at, key, value) VALUES (?1, ?2, ?3, ?4)",
                          error);
  dlv = ins ? hb_store_prepare (store,
                                "INSERT INTO usage_event (kind, at, key, value)"
                                "  SELECT 'delivery-delay', ?1, kind, max (0, ?1 - created_at)"
                                "  FROM outbox WHERE idempotency_key = ?2",
                                error)
            : NULL;
  if (dlv == NULL)
    goto out;
  for (guint i = 0; i < job->events->len; i++)
    {
      Event *e = &g_array_index (job->events, Event, i);
      sqlite3_stmt *st = e->kind == HB_USAGE_N_KINDS ? dlv : ins;

      sqlite3_reset (st);
      sqlite3_clear_bindings (st);
      if (st == dlv)
        {
          sqlite3_bind_int64 (st, 1, e->at);
          sqlite3_bind_text (st, 2, e->key, -1, SQLITE_STATIC);
        }
      else
        {
          sqlite3_bind_text (st, 1, KIND_NAMES[e->kind], -1, SQLITE_STATIC);
          sqlite3_bind_int64 (st, 2, e->at);
          if (e->key)
            sqlite3_bind_text (st, 3, e->key, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (st, 4, e->value);
        }
      if (sqlite3_step (st) != SQLITE_DONE)
        {
          hb_store_set_error_from_db (store, error, "recording usage");
          goto out;
        }
    }
  if (job->prune_before > 0)
    {
      sqlite3_stmt *pr = hb_store_prepare (store, "DELETE FROM usage_event WHERE at < ?1",
                                           error);
      if (pr == NULL)
        goto out;
      sqlite3_bind_int64 (pr, 1, job->prune_before);
      if (sqlite3_step (pr) != SQLITE_DONE)
        {
          hb_store_set_error_from_db (store, error, "pruning usage");
          sqlite3_finalize (pr);
          goto out;
        }
      job->pruned = sqlite3_changes (hb_store_get_db (store));
      sqlite3_finalize (pr);
    }
  ok = TRUE;
out:
  sqlite3_finalize (ins);
  sqlite3_finalize (dlv);
  return ok;
}

/* Takes the queue and commits it (and prunes when due). Errors drop the events (counted):
 * counters are statistics, and a full disk must not make them pile up in memory. */
static gboolean
write_queue (HbUsage *self, gboolean force_prune, gint64 prune_now, gint64 *pruned,
             GError **error)
{
  WriteJob job = { 0 };
  gboolean ok;
  gint64 now = prune_now > 0 ? prune_now : g_get_real_time () / G_USEC_PER_SEC;

  g_mutex_lock (&self->write_lock);
  g_mutex_lock (&self->lock);
  job.events = self->queue;
  self->queue = g_array_new (FALSE, FALSE, sizeof (Event));
  g_array_set_clear_func (self->queue, event_clear);
  g_mutex_unlock (&self->lock);

  if (force_prune || now - self->last_prune >= PRUNE_EVERY_S)
    job.prune_before = now - (gint64) HB_USAGE_RETENTION_DAYS * 86400;
  if (job.events->len == 0 && job.prune_before == 0)
    ok = TRUE;
  else
    ok = hb_store_transaction (self->store, write_txn, &job, error);
  if (ok && job.prune_before > 0)
    self->last_prune = now;
  if (!ok)
    {
      g_mutex_lock (&self->lock);
      self->dropped += job.events->len;
      g_mutex_unlock (&self->lock);
    }
  g_mutex_unlock (&self->write_lock);
  if (pruned)
    *pruned = job.pruned;
  g_array_unref (job.events);
  return ok;
}

static gpointer
writer_thread (gpointer data)
{
  HbUsage *self = data;

  for (;;)
    {
      gboolean stop;
      g_autoptr(GError) error = NULL;

      g_mutex_lock (&self->lock);
      while (self->queue->len == 0 && !self->stopping)
        g_cond_wait (&self->cond, &self->lock);
      stop = self->stopping;
      g_mutex_unlock (&self->lock);

      if (!write_queue (self, FALSE, 0, NULL, &error))
        g_warning ("usage: could not record events: %s", error->message);
      if (stop)
        return NULL;
    }
}

/* Queue e (taking its key); the oldest event goes when the queue is full. */
static gboolean
enqueue (HbUsage *self, Event *e, GError **error)
{
  g_mutex_lock (&self->lock);
  if (self->stopping)
    {
      g_mutex_unlock (&self->lock);
      g_free (e->key);
      g_set_error (error, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID, "usage counters stopped");
      return FALSE;
    }
  if (self->queue->len >= HB_USAGE_QUEUE_MAX)
    {
      g_array_remove_index (self->queue, 0);
      self->dropped++;
    }
  g_array_append_val (self->queue, *e);
  if (self->thread == NULL)
    self->thread = g_thread_new ("hb-usage", writer_thread, self);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

gboolean
hb_usage_record (HbUsage *self, HbUsageKind kind, gint64 at, const char *key, gint64 value,
                 GError **error)
{
  Event e;

  g_return_val_if_fail (HB_IS_USAGE (self), FALSE);
  if (!validate (kind, key, value, error))
    return FALSE;
  e.kind = kind;
  e.at = at > 0 ? at : g_get_real_time () / G_USEC_PER_SEC;
  e.key = g_strdup (key);
  e.value = value;
  return enqueue (self, &e, error);
}

gboolean
hb_usage_record_delivery (HbUsage *self, const char *outbox_key, gint64 at, GError **error)
{
  Event e;
  gsize n = outbox_key ? strlen (outbox_key) : 0;
  gboolean ok = n > 0 && n <= 64;

  g_return_val_if_fail (HB_IS_USAGE (self), FALSE);
  for (gsize i = 0; ok && i < n; i++)
    ok = g_ascii_isalnum (outbox_key[i]) || outbox_key[i] == '-' || outbox_key[i] == '_';
  if (!ok)
    {
      g_set_error (error, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID, "bad outbox key");
      return FALSE;
    }
  e.kind = HB_USAGE_N_KINDS;
  e.at = at > 0 ? at : g_get_real_time () / G_USEC_PER_SEC;
  e.key = g_strdup (outbox_key);
  e.value = 0;
  return enqueue (self, &e, error);
}

gboolean
hb_usage_flush (HbUsage *self, GError **error)
{
  g_return_val_if_fail (HB_IS_USAGE (self), FALSE);
  return write_queue (self, FALSE, 0, NULL, error);
}

guint
hb_usage_get_dropped (HbUsage *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->dropped;
  g_mutex_unlock (&self->lock);
  return n;
}

gint64
hb_usage_prune (HbUsage *self, gint64 now, GError **error)
{
  gint64 pruned = 0;

  g_return_val_if_fail (HB_IS_USAGE (self), -1);
  if (!write_queue (self, TRUE, now, &pruned, error))
    return -1;
  return pruned;
}

/* --- summarize -------------------------------------------------------------------------- */

static int
cmp_int64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* Median (mean of the two middle values when even, rounded) and nearest-rank p95 of
 * values (sorted here). */
static void
order_stats (GArray *values, gint64 *median, gint64 *p95, gint64 *max)
{
  guint n = values->len;
  gint64 *v = (gint64 *) (gpointer) values->data;

  *median = 0;
  if (p95)
    *p95 = 0;
  if (max)
    *max = 0;
  if (n == 0)
    return;
  g_array_sort (values, cmp_int64);
  *median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2] + 1) / 2;
  if (p95)
    *p95 = v[(guint) ceil (0.95 * n) - 1];
  if (max)
    *max = v[n - 1];
}

static sqlite3_stmt *
period_query (HbStore *store, const char *sql, const char *kind, gint64 from, gint64 to,
              GError **error)
{
  sqlite3_stmt *st = hb_store_prepare (store, sql, error);

  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, from);
  sqlite3_bind_int64 (st, 3, to);
  return st;
}

static gboolean
step_done (HbStore *store, sqlite3_stmt *st, int rc, GError **error)
{
  if (rc != SQLITE_DONE)
    {
      hb_store_set_error_from_db (store, error, "summarizing usage");
      sqlite3_finalize (st);
      return FALSE;
    }
  sqlite3_finalize (st);
  return TRUE;
}

static gboolean
count_by_key (HbStore *store, const char *kind, gint64 from, gint64 to,
              HbUsageCount **out, guint *n_out, guint *total, GError **error)
{
  sqlite3_stmt *st = period_query (store,
                                   "SELECT key, count (*) AS n FROM usage_event"
                                   "  WHERE kind = ?1 AND at >= ?2 AND at < ?3"
                                   "    AND key IS NOT NULL"
                                   "  GROUP BY key ORDER BY n DESC, key",
                                   kind, from, to, error);
  g_autoptr(GArray) counts = g_array_new (FALSE, TRUE, sizeof (HbUsageCount));
  int rc;

  if (st == NULL)
    return FALSE;
  *total = 0;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      HbUsageCount c = { g_strdup ((const char *) sqlite3_column_text (st, 0)),
                         (guint) sqlite3_column_int64 (st, 1) };
      *total += c.count;
      g_array_append_val (counts, c);
    }
  *n_out = counts->len;
  *out = (HbUsageCount *) (gpointer) g_array_free (g_steal_pointer (&counts), FALSE);
  return step_done (store, st, rc, error);
}

static guint
count_kind (HbStore *store, const char *kind, gint64 from, gint64 to, GError **error,
            gboolean *ok)
{
  sqlite3_stmt *st = period_query (store,
                                   "SELECT count (*) FROM usage_event"
                                   "  WHERE kind = ?1 AND at >= ?2 AND at < ?3",
                                   kind, from, to, error);
  guint n = 0;

  *ok = FALSE;
  if (st == NULL)
    return 0;
  if (sqlite3_step (st) == SQLITE_ROW)
    n = (guint) sqlite3_column_int64 (st, 0);
  *ok = step_done (store, st, SQLITE_DONE, error);
  return n;
}

static gboolean
summarize_visits (HbStore *store, HbUsageSummary *s, GError **error)
{
  sqlite3_stmt *st;
  g_autoptr(GArray) durations = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 first = g_date_time_to_unix (s->first_day);
  int rc;

  st = period_query (store,
                     "SELECT at FROM usage_event WHERE kind = ?1 AND at >= ?2 AND at < ?3",
                     KIND_NAMES[HB_USAGE_VISIT_STARTED], s->from, s->to, error);
  if (st == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 at = sqlite3_column_int64 (st, 0);
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (at);
      g_autoptr(GDateTime) day = g_date_time_new_local (g_date_time_get_year (dt),
                                                        g_date_time_get_month (dt),
                                                        g_date_time_get_day_of_month (dt),
                                                        0, 0, 0);
      /* Whole days from the first (a local day may be 23 or 25 hours: round). */
      gint64 d = (g_date_time_to_unix (day) - first + 43200) / 86400;

      s->visits++;
      s->visits_per_hour[g_date_time_get_hour (dt)]++;
      if (d >= 0 && d < s->n_days)
        s->visits_per_day[d]++;
    }
  if (!step_done (store, st, rc, error))
    return FALSE;

  st = hb_store_prepare (store,
                         "SELECT kind, value FROM usage_event"
                         "  WHERE kind IN (?1, ?4) AND at >= ?2 AND at < ?3", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, KIND_NAMES[HB_USAGE_VISIT_COMPLETED], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, s->from);
  sqlite3_bind_int64 (st, 3, s->to);
  sqlite3_bind_text (st, 4, KIND_NAMES[HB_USAGE_VISIT_ABANDONED], -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 v = sqlite3_column_int64 (st, 1);
      if (g_strcmp0 ((const char *) sqlite3_column_text (st, 0),
                     KIND_NAMES[HB_USAGE_VISIT_COMPLETED]) == 0)
        s->completed++;
      else
        s->abandoned++;
      g_array_append_val (durations, v);
    }
  if (!step_done (store, st, rc, error))
    return FALSE;
  if (s->completed + s->abandoned > 0)
    {
      s->completion_rate = (double) s->completed / (s->completed + s->abandoned);
      s->abandon_rate = (double) s->abandoned / (s->completed + s->abandoned);
    }
  order_stats (durations, &s->visit_median_s, NULL, NULL);
  return TRUE;
}

static gboolean
summarize_ratings (HbStore *store, HbUsageSummary *s, GError **error)
{
  sqlite3_stmt *st = period_query (store,
                                   "SELECT value, count (*) FROM usage_event"
                                   "  WHERE kind = ?1 AND at >= ?2 AND at < ?3 GROUP BY value",
                                   KIND_NAMES[HB_USAGE_RATING], s->from, s->to, error);
  double sum = 0;
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 level = sqlite3_column_int64 (st, 0);
      guint n = (guint) sqlite3_column_int64 (st, 1);
      if (level < 1 || level > 5)
        continue;
      s->ratings[level - 1] += n;
      s->n_ratings += n;
      sum += (double) level * n;
    }
  if (s->n_ratings > 0)
    s->rating_mean = sum / s->n_ratings;
  return step_done (store, st, rc, error);
}

/* Availability per device kind: the state at `from` is the last event before it; time
 * before the first known state is not observed; the period ends at min (to, now). */
static gboolean
summarize_devices (HbStore *store, HbUsageSummary *s, gint64 now, GError **error)
{
  sqlite3_stmt *st;
  g_autoptr(GPtrArray) kinds = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) devices = g_array_new (FALSE, TRUE, sizeof (HbUsageDevice));
  gint64 end = MIN (s->to, now);
  int rc;

  st = hb_store_prepare (store,
                         "SELECT DISTINCT key FROM usage_event"
                         "  WHERE kind = ?1 AND at < ?2 AND key IS NOT NULL ORDER BY key",
                         error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, KIND_NAMES[HB_USAGE_DEVICE_STATUS], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, s->to);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (kinds, g_strdup ((const char *) sqlite3_column_text (st, 0)));
  if (!step_done (store, st, rc, error))
    return FALSE;

  for (guint i = 0; i < kinds->len; i++)
    {
      HbUsageDevice d = { g_strdup (kinds->pdata[i]), 0, 0, 0, 0 };
      gint64 t = s->from;
      int state = -1;   /* unknown */

      st = hb_store_prepare (store,
                             "SELECT value FROM usage_event WHERE kind = ?1 AND key = ?2"
                             "  AND at < ?3 ORDER BY at DESC, id DESC LIMIT 1", error);
      if (st == NULL)
        goto fail;
      sqlite3_bind_text (st, 1, KIND_NAMES[HB_USAGE_DEVICE_STATUS], -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 2, d.kind, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 3, s->from);
      rc = sqlite3_step (st);
      if (rc == SQLITE_ROW)
        {
          state = sqlite3_column_int64 (st, 0) ? 1 : 0;
          rc = SQLITE_DONE;
        }
      if (!step_done (store, st, rc, error))
        goto fail;

      st = hb_store_prepare (store,
                             "SELECT at, value FROM usage_event WHERE kind = ?1 AND key = ?2"
                             "  AND at >= ?3 AND at < ?4 ORDER BY at, id", error);
      if (st == NULL)
        goto fail;
      sqlite3_bind_text (st, 1, KIND_NAMES[HB_USAGE_DEVICE_STATUS], -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 2, d.kind, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 3, s->from);
      sqlite3_bind_int64 (st, 4, s->to);
      while ((rc = sqlite3_step (st)) == SQLITE_ROW)
        {
          gint64 at = MIN (sqlite3_column_int64 (st, 0), end);
          int next = sqlite3_column_int64 (st, 1) ? 1 : 0;

          if (state >= 0 && at > t)
            {
              d.observed_s += at - t;
              if (state == 1)
                d.usable_s += at - t;
            }
          if (state == 1 && next == 0)
            d.outages++;
          state = next;
          t = MAX (t, at);
        }
      if (!step_done (store, st, rc, error))
        goto fail;
      if (state >= 0 && end > t)
        {
          d.observed_s += end - t;
          if (state == 1)
            d.usable_s += end - t;
        }
      d.availability = d.observed_s > 0 ? (double) d.usable_s / d.observed_s : 0;
      g_array_append_val (devices, d);
      continue;
fail:
      g_free (d.kind);
      for (guint j = 0; j < devices->len; j++)
        g_free (g_array_index (devices, HbUsageDevice, j).kind);
      return FALSE;
    }
  s->n_devices = devices->len;
  s->devices = (HbUsageDevice *) (gpointer) g_array_free (g_steal_pointer (&devices), FALSE);
  return TRUE;
}

static gboolean
summarize_delays (HbStore *store, HbUsageSummary *s, GError **error)
{
  sqlite3_stmt *st = period_query (store,
                                   "SELECT value FROM usage_event"
                                   "  WHERE kind = ?1 AND at >= ?2 AND at < ?3",
                                   KIND_NAMES[HB_USAGE_DELIVERY_DELAY], s->from, s->to, error);
  g_autoptr(GArray) delays = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 v = sqlite3_column_int64 (st, 0);
      g_array_append_val (delays, v);
    }
  if (!step_done (store, st, rc, error))
    return FALSE;
  s->deliveries = delays->len;
  order_stats (delays, &s->delay_median_s, &s->delay_p95_s, &s->delay_max_s);
  return TRUE;
}

static HbUsageSummary *
summarize_locked (HbStore *store, gint64 from, gint64 to, GError **error)
{
  g_autoptr(HbUsageSummary) s = g_new0 (HbUsageSummary, 1);
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (from);
  g_autoptr(GDateTime) last = g_date_time_new_from_unix_local (to - 1);
  g_autoptr(GDateTime) last_day = NULL;
  gboolean ok;

  s->from = from;
  s->to = to;
  s->first_day = g_date_time_new_local (g_date_time_get_year (dt), g_date_time_get_month (dt),
                                        g_date_time_get_day_of_month (dt), 0, 0, 0);
  last_day = g_date_time_new_local (g_date_time_get_year (last), g_date_time_get_month (last),
                                    g_date_time_get_day_of_month (last), 0, 0, 0);
  s->n_days = (guint) ((g_date_time_to_unix (last_day) - g_date_time_to_unix (s->first_day)
                        + 43200) / 86400) + 1;
  if (s->n_days > HB_USAGE_SUMMARY_MAX_DAYS)
    {
      g_set_error (error, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID,
                   "a usage summary covers at most %d days", HB_USAGE_SUMMARY_MAX_DAYS);
      return NULL;
    }
  s->visits_per_day = g_new0 (guint, s->n_days);

  if (!summarize_visits (store, s, error))
    return NULL;
  s->submissions = count_kind (store, KIND_NAMES[HB_USAGE_SUBMITTED], from, to, error, &ok);
  if (!ok)
    return NULL;
  {
    guint chosen;
    if (!count_by_key (store, KIND_NAMES[HB_USAGE_SERVICE_CHOSEN], from, to, &s->services,
                       &s->n_services, &chosen, error))
      return NULL;
  }
  if (!count_by_key (store, KIND_NAMES[HB_USAGE_REPORT], from, to, &s->reasons,
                     &s->n_reasons, &s->reports, error))
    return NULL;
  if (!summarize_ratings (store, s, error)
      || !summarize_devices (store, s, g_get_real_time () / G_USEC_PER_SEC, error)
      || !summarize_delays (store, s, error))
    return NULL;
  return g_steal_pointer (&s);
}

HbUsageSummary *
hb_usage_summarize (HbUsage *self, gint64 from, gint64 to, GError **error)
{
  HbUsageSummary *s;

  g_return_val_if_fail (HB_IS_USAGE (self), NULL);
  if (from <= 0 || to <= from)
    {
      g_set_error (error, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID,
                   "a usage period needs 0 < from < to");
      return NULL;
    }
  if (to - from > (gint64) (HB_USAGE_SUMMARY_MAX_DAYS - 1) * 86400)
    {
      g_set_error (error, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID,
                   "a usage summary covers at most %d days", HB_USAGE_SUMMARY_MAX_DAYS);
      return NULL;
    }
  if (!hb_usage_flush (self, error))
    return NULL;
  /* One read transaction: a consistent snapshot while the writer goes on. */
  hb_store_lock (self->store);
  if (!hb_store_exec (self->store, "BEGIN", error))
    {
      hb_store_unlock (self->store);
      return NULL;
    }
  s = summarize_locked (self->store, from, to, error);
  hb_store_exec (self->store, "COMMIT", NULL);
  hb_store_unlock (self->store);
  return s;
}

typedef struct {
  gint64 from, to;
} Period;

static void
summarize_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Period *p = data;
  GError *error = NULL;
  HbUsageSummary *s = hb_usage_summarize (source, p->from, p->to, &error);

  if (s == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, s, (GDestroyNotify) hb_usage_summary_free);
}

void
hb_usage_summarize_async (HbUsage *self, gint64 from, gint64 to, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Period *p = g_new (Period, 1);

  p->from = from;
  p->to = to;
  g_task_set_source_tag (task, hb_usage_summarize_async);
  g_task_set_task_data (task, p, g_free);
  g_task_run_in_thread (task, summarize_thread);
}

HbUsageSummary *
hb_usage_summarize_finish (HbUsage *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- object ----------------------------------------------------------------------------- */

HbUsage *
hb_usage_new (HbStore *store)
{
  g_return_val_if_fail (HB_IS_STORE (store), NULL);
  HbUsage *self = g_object_new (HB_TYPE_USAGE, NULL);
  self->store = g_object_ref (store);
  return self;
}

static void
hb_usage_dispose (GObject *object)
{
  HbUsage *self = HB_USAGE (object);
  GThread *thread;

  /* The writer commits what is queued, then ends. */
  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  thread = g_steal_pointer (&self->thread);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  if (thread)
    g_thread_join (thread);
  else if (self->store && self->queue->len > 0)
    write_queue (self, FALSE, 0, NULL, NULL);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (hb_usage_parent_class)->dispose (object);
}

static void
hb_usage_finalize (GObject *object)
{
  HbUsage *self = HB_USAGE (object);

  g_array_unref (self->queue);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->write_lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (hb_usage_parent_class)->finalize (object);
}

static void
hb_usage_class_init (HbUsageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hb_usage_dispose;
  G_OBJECT_CLASS (klass)->finalize = hb_usage_finalize;
}

static void
hb_usage_init (HbUsage *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->write_lock);
  g_cond_init (&self->cond);
  self->queue = g_array_new (FALSE, FALSE, sizeof (Event));
  g_array_set_clear_func (self->queue, event_clear);
}
