/* hb-selftest-command.c — `haobanctl selftest visits`. */
#include "kiosk/hb-selftest-command.h"
#include "kiosk/hb-core.h"
#include "kiosk/hb-form.h"
#include "kiosk/hb-log.h"
#include "kiosk/hb-samples.h"
#include "kiosk/hb-service.h"
#include "drivers/virtual/hb-virtual-card-reader.h"
#include "common/hb-json.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_TIMEOUT_S  120
#define MAX_COUNT          1000
#define REPLY_PARSE_MAX    (64 * 1024)
#define SAMPLE_TEXT        "自检"
#define SAMPLE_PHONE       "13800138000"

/* What the selftest copies from the terminal's configuration: where the platform is and
 * how to talk to it. Nothing else (devices, paths, data) is the kiosk's. */
static const char *const copied[][2] = {
  { "terminal", "id" },
  { "paths", "share_dir" },
  { "platform", "url" },
  { "platform", "catalog_interval" },
  { "platform", "retry_base_ms" },
  { "platform", "retry_cap_ms" },
  { "platform", "connect_timeout_ms" },
  { "platform", "request_timeout_ms" },
  { "platform", "heartbeat_interval" },
  { "platform", "park_after_failures" },
  { "platform", "park_after_hours" },
  { "platform", "ca_file" },
  { "platform", "pin_sha256" },
  { "platform", "client_cert" },
  { "platform", "client_key" },
  { "devices", "receipt_paper" },
};

typedef struct {
  HbCore     *core;
  gint64      deadline;      /* monotonic µs */
  gboolean    catalog_checked;
  GHashTable *apps;          /* key → case number ("" until delivered): our applications */
  GHashTable *deliveries;    /* key → GUINT count of "delivered" for any item */
  GHashTable *early;         /* key → case number: delivered before we printed "queued" */
  guint       rejected;
  guint       parked;
  /* the async step in flight */
  gboolean    done;
  gboolean    ok;
  GError     *error;
  char       *identify_failed;
} Selftest;

static int
usage (void)
{
  fprintf (stderr, "usage: haobanctl selftest visits [--count N] [--timeout SECONDS]\n");
  return 2;
}

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;   /* wakes the loop so the deadline is seen */
}

typedef gboolean (*Cond) (Selftest *t, gpointer data);

static gboolean
wait_until (Selftest *t, Cond cond, gpointer data)
{
  while (!cond (t, data) && g_get_monotonic_time () < t->deadline)
    g_main_context_iteration (NULL, TRUE);
  return cond (t, data);
}

static gboolean
step_done (Selftest *t, gpointer data)
{
  return t->done;
}

static void
step_reset (Selftest *t)
{
  t->done = FALSE;
  t->ok = FALSE;
  g_clear_error (&t->error);
}

static char *
case_number_of (const char *response_json)
{
  g_autoptr(JsonObject) o = response_json
    ? hb_json_parse_object (response_json, -1, REPLY_PARSE_MAX, HB_JSON_DEFAULT_MAX_DEPTH, NULL)
    : NULL;
  const char *cn = o ? json_object_get_string_member_with_default (o, "case_number", NULL) : NULL;
  return g_strdup (cn ? cn : "-");
}

static void
on_delivered (HbSync *sync, const char *key, const char *response, Selftest *t)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (t->deliveries, key)) + 1;
  g_hash_table_insert (t->deliveries, g_strdup (key), GUINT_TO_POINTER (n));
  if (n > 1)
    return;   /* counted; a second delivery fails the selftest at the end */
  if (g_hash_table_contains (t->apps, key))
    {
      g_autofree char *cn = case_number_of (response);
      g_hash_table_insert (t->apps, g_strdup (key), g_strdup (cn));
      printf ("delivered %s %s\n", key, cn);
      fflush (stdout);
    }
  else
    g_hash_table_insert (t->early, g_strdup (key), case_number_of (response));
}

static void
on_rejected (HbSync *sync, const char *key, const char *why, Selftest *t)
{
  t->rejected++;
  fprintf (stderr, "haobanctl: selftest: the platform rejected %s: %s\n", key, why ? why : "");
}

static void
on_parked (HbSync *sync, const char *key, const char *why, Selftest *t)
{
  t->parked++;
  fprintf (stderr, "haobanctl: selftest: %s parked: %s\n", key, why ? why : "");
}

static void
on_catalog_checked (HbSync *sync, guint status, Selftest *t)
{
  t->catalog_checked = TRUE;
}

static void
on_identify_failed (HbCore *core, const char *message, Selftest *t)
{
  g_free (t->identify_failed);
  t->identify_failed = g_strdup (message);
}

/* The platform answered the catalog pull, and the devices a visit needs are up. */
static gboolean
ready (Selftest *t, gpointer data)
{
  HbDeviceManager *m = hb_core_get_devices (t->core);
  const char *paper = hb_config_get_string (hb_core_get_config (t->core), "devices",
                                            "receipt_paper");
  HbDeviceKind printer = g_strcmp0 (paper, "roll") == 0 ? HB_DEVICE_KIND_RECEIPT_PRINTER
                                                        : HB_DEVICE_KIND_PRINTER;
  return t->catalog_checked
         && hb_device_manager_get_kind_status (m, HB_DEVICE_KIND_IDCARD) == HB_DEVICE_STATUS_ONLINE
         && hb_device_manager_get_kind_status (m, printer) == HB_DEVICE_STATUS_ONLINE;
}

static gboolean
identified (Selftest *t, gpointer data)
{
  return t->identify_failed != NULL
         || hb_session_get_state (hb_core_get_session (t->core)) == HB_SESSION_IDENTIFIED;
}

static gboolean
card_gone (Selftest *t, gpointer data)
{
  return hb_card_reader_get_media (data) != HB_CARD_MEDIA_PRESENT;
}

static gboolean
all_delivered (Selftest *t, gpointer data)
{
  GHashTableIter it;
  gpointer cn;
  HbOutboxStats stats = { 0 };

  g_hash_table_iter_init (&it, t->apps);
  while (g_hash_table_iter_next (&it, NULL, &cn))
    if (*(const char *) cn == '\0')
      return FALSE;
  /* The ratings too: the data dir goes away with whatever is still queued in it. */
  if (!hb_outbox_get_stats (hb_core_get_outbox (t->core), g_get_real_time () / G_USEC_PER_SEC,
                            &stats, NULL))
    return FALSE;
  return stats.pending == 0 && stats.parked == 0;
}

static void
submitted (GObject *source, GAsyncResult *result, gpointer data)
{
  Selftest *t = data;
  t->ok = hb_core_submit_finish (HB_CORE (source), result, &t->error);
  t->done = TRUE;
}

static void
printed (GObject *source, GAsyncResult *result, gpointer data)
{
  Selftest *t = data;
  t->ok = hb_core_print_receipt_finish (HB_CORE (source), result, &t->error) > 0;
  t->done = TRUE;
}

static void
rated (GObject *source, GAsyncResult *result, gpointer data)
{
  Selftest *t = data;
  t->ok = hb_core_rate_finish (HB_CORE (source), result, &t->error);
  t->done = TRUE;
}

/* The first service a resident can do here that has a form. (transfer full) */
static char *
pick_service (HbCore *core)
{
  g_autoptr(GPtrArray) list = hb_core_list_services (core);
  for (guint i = 0; list && i < list->len; i++)
    {
      const HbCatalogEntry *e = list->pdata[i];
      g_autoptr(HbService) s = hb_core_get_service (core, e->code, NULL);
      if (s && hb_service_is_available (s) && hb_service_get_fields (s)->len > 0
          && !hb_service_needs_hardware (s, "camera"))
        return g_strdup (e->code);
    }
  return NULL;
}

/* Required fields the pre-fill left empty get a plausible sample value. */
static gboolean
fill_form (HbForm *form, GError **error)
{
  GPtrArray *fields = hb_service_get_fields (hb_form_get_service (form));
  g_autoptr(GPtrArray) problems = NULL;

  for (guint i = 0; i < fields->len; i++)
    {
      const HbFormField *f = fields->pdata[i];
      const char *v = hb_form_get_value (form, f->id);
      const char *sample = NULL;
      if (!f->required || f->readonly || (v && *v))
        continue;
      switch (f->type)
        {
        case HB_FIELD_PHONE:
          sample = SAMPLE_PHONE;
          break;
        case HB_FIELD_CHOICE:
          if (f->options && f->options->len > 0)
            sample = ((HbFieldOption *) f->options->pdata[0])->value;
          break;
        case HB_FIELD_TEXT:
          sample = f->default_value ? f->default_value : SAMPLE_TEXT;
          break;
        case HB_FIELD_ID_NUMBER:
        default:
          break;   /* only the card can give one; validation names it below */
        }
      if (sample)
        hb_form_set_value (form, f->id, sample);
    }
  problems = hb_form_validate (form);
  if (problems && problems->len > 0)
    {
      g_autoptr(GString) ids = g_string_new (NULL);
      for (guint i = 0; i < problems->len; i++)
        g_string_append_printf (ids, "%s%s", i ? ", " : "",
                                ((HbFormProblem *) problems->pdata[i])->field->id);
      g_set_error (error, HB_CORE_ERROR, HB_CORE_ERROR_INVALID,
                   "the form cannot be completed automatically (fields: %s)", ids->str);
      return FALSE;
    }
  return TRUE;
}

static gboolean
one_visit (Selftest *t, const char *share_dir, guint sample, const char *service,
           GError **error)
{
  HbCardReader *reader = hb_device_manager_get_card_reader (hb_core_get_devices (t->core));
  HbSession *session = hb_core_get_session (t->core);
  g_autofree char *card = NULL;
  const HbSubmission *s;
  const char *early;
  gboolean inserted;

  if (reader == NULL || !HB_IS_VIRTUAL_CARD_READER (reader))
    {
      g_set_error (error, HB_CORE_ERROR, HB_CORE_ERROR_STATE, "no virtual card reader");
      return FALSE;
    }
  card = hb_samples_card_json (share_dir, sample, error);
  if (card == NULL)
    return FALSE;
  g_clear_pointer (&t->identify_failed, g_free);
  inserted = hb_virtual_card_reader_insert (HB_VIRTUAL_CARD_READER (reader), card,
                                            strlen (card), error);
  explicit_bzero (card, strlen (card));   /* a (sample) identity */
  if (!inserted)
    return FALSE;
  if (!wait_until (t, identified, NULL) || t->identify_failed)
    {
      g_set_error (error, HB_CORE_ERROR, HB_CORE_ERROR_STATE, "the card was not read: %s",
                   t->identify_failed ? t->identify_failed : "timed out");
      return FALSE;
    }
  if (!hb_core_choose_service (t->core, service, error)
      || !fill_form (hb_session_get_form (session), error))
    return FALSE;

  step_reset (t);
  hb_core_submit_async (t->core, NULL, submitted, t);
  if (!wait_until (t, step_done, NULL) || !t->ok)
    goto step_failed;
  s = hb_session_get_submission (session);
  g_hash_table_insert (t->apps, g_strdup (s->idempotency_key), g_strdup (""));
  printf ("queued %s\n", s->idempotency_key);
  fflush (stdout);
  early = g_hash_table_lookup (t->early, s->idempotency_key);
  if (early)
    {
      g_hash_table_insert (t->apps, g_strdup (s->idempotency_key), g_strdup (early));
      printf ("delivered %s %s\n", s->idempotency_key, early);
      fflush (stdout);
    }

  step_reset (t);
  hb_core_print_receipt_async (t->core, NULL, printed, t);
  if (!wait_until (t, step_done, NULL) || !t->ok)
    goto step_failed;

  if (!hb_session_begin_rating (session))
    {
      g_set_error (error, HB_CORE_ERROR, HB_CORE_ERROR_STATE, "cannot rate the visit");
      return FALSE;
    }
  step_reset (t);
  hb_core_rate_async (t->core, 5, NULL, NULL, rated, t);
  if (!wait_until (t, step_done, NULL) || !t->ok)
    goto step_failed;
  hb_session_finish (session);

  if (!hb_virtual_card_reader_remove (HB_VIRTUAL_CARD_READER (reader), error))
    return FALSE;
  if (!wait_until (t, card_gone, reader))
    {
      g_set_error (error, HB_CORE_ERROR, HB_CORE_ERROR_STATE, "the card was not taken away");
      return FALSE;
    }
  return TRUE;

step_failed:
  if (t->error)
    g_propagate_error (error, g_steal_pointer (&t->error));
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "timed out");
  return FALSE;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static HbConfig *
selftest_config (HbConfig *config, const char *dir, GError **error)
{
  g_autoptr(HbConfig) c = hb_config_new ();

  for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
    {
      const char *v = hb_config_get_string (config, copied[i][0], copied[i][1]);
      if (v && !hb_config_set (c, copied[i][0], copied[i][1], v, error))
        return NULL;
    }
  if (!hb_config_set (c, "paths", "data_dir", dir, error)
      || !hb_config_set (c, "devices", "mode", "virtual", error)
      /* "queued" is printed the moment the application is durable, not after delivery. */
      || !hb_config_set (c, "session", "submit_wait_ms", "0", error)
      || !hb_config_set (c, "session", "idle_timeout", "3600", error))
    return NULL;
  return g_steal_pointer (&c);
}

static int
run_visits (HbConfig *config, guint count, guint timeout_s)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("haoban-selftest-XXXXXX", &error);
  g_autoptr(HbConfig) c = NULL;
  g_autofree char *logs = NULL, *service = NULL, *version = NULL;
  Selftest t = { 0 };
  guint n_cards, tick_id, exactly_once = 0;
  gboolean ok = FALSE;
  HbSync *sync;

  if (dir == NULL)
    {
      fprintf (stderr, "haobanctl: selftest: %s\n", error->message);
      return 1;
    }
  c = selftest_config (config, dir, &error);
  if (c == NULL)
    {
      fprintf (stderr, "haobanctl: selftest: config: %s\n", error->message);
      remove_tree (dir);
      return 1;
    }
  n_cards = hb_samples_count (hb_config_get_share_dir (c), "cards");
  if (n_cards == 0)
    {
      fprintf (stderr, "haobanctl: selftest: no sample cards in %s\n",
               hb_config_get_share_dir (c));
      remove_tree (dir);
      return 1;
    }
  /* The core's messages go to the selftest's own log, not between the result lines. */
  logs = hb_config_dup_log_dir (c);
  if (!hb_log_init (logs, "info", 10 * 1024 * 1024, &error))
    g_clear_error (&error);

  t.deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  t.apps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  t.deliveries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  t.early = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  tick_id = g_timeout_add (100, tick, NULL);
  t.core = hb_core_new (c);
  g_signal_connect (t.core, "identify-failed", G_CALLBACK (on_identify_failed), &t);
  if (!hb_core_start (t.core, &error))
    {
      fprintf (stderr, "haobanctl: selftest: start: %s\n", error->message);
      goto out;
    }
  sync = hb_core_get_sync (t.core);
  g_signal_connect (sync, "delivered", G_CALLBACK (on_delivered), &t);
  g_signal_connect (sync, "rejected", G_CALLBACK (on_rejected), &t);
  g_signal_connect (sync, "parked", G_CALLBACK (on_parked), &t);
  g_signal_connect (sync, "catalog-checked", G_CALLBACK (on_catalog_checked), &t);

  if (!wait_until (&t, ready, NULL))
    {
      fprintf (stderr, "haobanctl: selftest: %s\n", t.catalog_checked
               ? "the virtual devices did not come up"
               : "the platform did not answer the catalog pull");
      goto out;
    }
  version = hb_catalog_dup_version (hb_core_get_catalog (t.core));
  printf ("platform %s answered, catalog %s\n", hb_config_get_string (c, "platform", "url"),
          version ? version : "(none)");
  fflush (stdout);
  service = pick_service (t.core);
  if (service == NULL)
    {
      fprintf (stderr, "haobanctl: selftest: the catalog has no available service with a form\n");
      goto out;
    }

  for (guint i = 0; i < count; i++)
    if (!one_visit (&t, hb_config_get_share_dir (c), i % n_cards + 1, service, &error))
      {
        fprintf (stderr, "haobanctl: selftest: visit %u (service %s): %s\n", i + 1, service,
                 error->message);
        goto out;
      }

  if (!wait_until (&t, all_delivered, NULL))
    fprintf (stderr, "haobanctl: selftest: not everything was delivered in time\n");
  {
    GHashTableIter it;
    gpointer key, cn;
    g_hash_table_iter_init (&it, t.apps);
    while (g_hash_table_iter_next (&it, &key, &cn))
      if (*(const char *) cn && GPOINTER_TO_UINT (g_hash_table_lookup (t.deliveries, key)) == 1)
        exactly_once++;
      else if (*(const char *) cn)
        fprintf (stderr, "haobanctl: selftest: %s was delivered more than once\n",
                 (const char *) key);
  }
  ok = exactly_once == count && t.rejected == 0 && t.parked == 0;
  printf ("selftest: %u/%u visits delivered exactly once\n", exactly_once, count);

out:
  if (t.core)
    hb_core_stop (t.core);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&t.core);
  g_source_remove (tick_id);
  hb_log_shutdown ();
  g_hash_table_unref (t.apps);
  g_hash_table_unref (t.deliveries);
  g_hash_table_unref (t.early);
  g_clear_error (&t.error);
  g_free (t.identify_failed);
  if (ok)
    remove_tree (dir);
  else
    fprintf (stderr, "haobanctl: selftest: FAILED; its data and logs are kept in %s\n", dir);
  fflush (stdout);
  return ok ? 0 : 1;
}

int
hb_selftest_command_run (HbConfig *config, int argc, char **argv)
{
  guint64 count = 1, timeout_s = DEFAULT_TIMEOUT_S;

  if (argc < 1 || !g_str_equal (argv[0], "visits"))
    return usage ();
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--count") && i + 1 < argc)
        {
          if (!g_ascii_string_to_unsigned (argv[++i], 10, 1, MAX_COUNT, &count, NULL))
            return usage ();
        }
      else if (g_str_equal (argv[i], "--timeout") && i + 1 < argc)
        {
          if (!g_ascii_string_to_unsigned (argv[++i], 10, 1, 86400, &timeout_s, NULL))
            return usage ();
        }
      else
        return usage ();
    }
  return run_visits (config, (guint) count, (guint) timeout_s);
}
