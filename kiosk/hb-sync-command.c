/* hb-sync-command.c — `haobanctl sync`. */
#include "kiosk/hb-sync-command.h"
#include "kiosk/hb-core.h"
#include "offline-cache/hb-store.h"
#include "offline-cache/hb-catalog.h"
#include "offline-cache/hb-outbox.h"
#include "common/hb-json.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#define ONCE_TIMEOUT_S    60
#define REPLY_PARSE_MAX   (64 * 1024)

typedef struct {
  gboolean once;
  gboolean probed;          /* the probe request finished */
  gboolean answered;        /* … with an HTTP answer */
  guint    probe_status;
  GError  *probe_error;
  gboolean round_done;      /* heartbeat answered: the round's last exchange */
  gboolean stop;            /* signal or timeout */
  guint    catalog_status;  /* 200/304 once the catalog pull got an answer */
  char    *catalog_version; /* set by catalog-updated */
  guint    delivered, rejected, parked;
} Run;

static int
usage (void)
{
  fprintf (stderr, "usage: haobanctl sync [--once] [--timeout SECONDS]\n");
  return 2;
}

/* The case number in a platform reply, or NULL. (transfer full) */
static char *
case_number_of (const char *response_json)
{
  g_autoptr(JsonObject) o = NULL;
  if (response_json == NULL)
    return NULL;
  o = hb_json_parse_object (response_json, -1, REPLY_PARSE_MAX, HB_JSON_DEFAULT_MAX_DEPTH,
                            NULL);
  if (o == NULL)
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (o, "case_number", NULL));
}

static void
on_delivered (HbSync *sync, const char *key, const char *response, Run *run)
{
  g_autofree char *cn = case_number_of (response);
  run->delivered++;
  printf ("delivered %s %s\n", key, cn ? cn : "-");
  fflush (stdout);
}

static void
on_rejected (HbSync *sync, const char *key, const char *why, Run *run)
{
  run->rejected++;
  printf ("rejected %s %s\n", key, why ? why : "-");
  fflush (stdout);
}

static void
on_parked (HbSync *sync, const char *key, const char *why, Run *run)
{
  run->parked++;
  printf ("parked %s %s\n", key, why ? why : "-");
  fflush (stdout);
}

static void
on_catalog_updated (HbSync *sync, const char *version, Run *run)
{
  g_free (run->catalog_version);
  run->catalog_version = g_strdup (version);
  if (!run->once)
    {
      printf ("catalog %s updated\n", version);
      fflush (stdout);
    }
}

static void
on_catalog_checked (HbSync *sync, guint status, Run *run)
{
  run->catalog_status = status;
}

static void
on_heartbeat (HbSync *sync, guint status, Run *run)
{
  run->round_done = TRUE;
}

static void
probed (GObject *source, GAsyncResult *result, gpointer data)
{
  Run *run = data;
  g_autofree char *body = hb_sync_request_finish (HB_SYNC (source), result, &run->probe_status,
                                                  &run->probe_error);
  run->answered = body != NULL;
  run->probed = TRUE;
}

static gboolean
on_stop_signal (gpointer data)
{
  ((Run *) data)->stop = TRUE;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_tick (gpointer data)
{
  return G_SOURCE_CONTINUE;   /* only wakes the loop so deadlines are checked */
}

/* Iterate the main context until *flag or the deadline (monotonic µs; 0: none) or a stop. */
static gboolean
wait_for (Run *run, const gboolean *flag, gint64 deadline)
{
  while (!*flag && !run->stop && (deadline == 0 || g_get_monotonic_time () < deadline))
    g_main_context_iteration (NULL, TRUE);
  return *flag;
}

static void
report_round (HbConfig *config, Run *run)
{
  g_autofree char *db = hb_config_dup_db_path (config);
  g_autofree char *key = hb_config_dup_key_path (config);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbStore) store = hb_store_open (db, key, &error);
  g_autoptr(HbCatalog) catalog = NULL;
  g_autoptr(HbOutbox) outbox = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autofree char *version = NULL;

  if (store == NULL)
    {
      fprintf (stderr, "haobanctl: store: %s\n", error->message);
      return;
    }
  catalog = hb_catalog_new (store);
  outbox = hb_outbox_new (store);
  version = hb_catalog_dup_version (catalog);
  if (run->catalog_status == 200 || run->catalog_status == 304)
    printf ("catalog %s %s\n", version ? version : "(none)",
            run->catalog_version ? "updated" : "unchanged");
  else
    printf ("catalog not checked (still %s)\n", version ? version : "(none)");
  pending = hb_outbox_list (outbox, HB_OUTBOX_PENDING, 0, &error);
  printf ("%u delivered, %u rejected, %u parked, %u pending\n", run->delivered, run->rejected,
          run->parked, pending ? pending->len : 0);
  for (guint i = 0; pending && i < pending->len; i++)
    {
      const HbOutboxItem *it = pending->pdata[i];
      printf ("pending %s %s attempts %u: %s\n", it->key, it->kind, it->attempts,
              it->last_error ? it->last_error : "not tried yet");
    }
}

int
hb_sync_command_run (HbConfig *config, int argc, char **argv)
{
  g_autoptr(HbSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0 };
  guint64 timeout_s = 0;
  gint64 deadline = 0;
  guint sigint_id, sigterm_id, tick_id;
  const char *url = hb_config_get_string (config, "platform", "url");
  int rc = 0;

  for (int i = 0; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--once"))
        run.once = TRUE;
      else if (g_str_equal (argv[i], "--timeout") && i + 1 < argc)
        {
          if (!g_ascii_string_to_unsigned (argv[++i], 10, 1, 86400, &timeout_s, NULL))
            return usage ();
        }
      else
        return usage ();
    }
  if (run.once && timeout_s == 0)
    timeout_s = ONCE_TIMEOUT_S;
  if (timeout_s)
    deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;

  sync = hb_core_new_sync (config);
  g_signal_connect (sync, "delivered", G_CALLBACK (on_delivered), &run);
  g_signal_connect (sync, "rejected", G_CALLBACK (on_rejected), &run);
  g_signal_connect (sync, "parked", G_CALLBACK (on_parked), &run);
  g_signal_connect (sync, "catalog-updated", G_CALLBACK (on_catalog_updated), &run);
  g_signal_connect (sync, "catalog-checked", G_CALLBACK (on_catalog_checked), &run);
  g_signal_connect (sync, "heartbeat-sent", G_CALLBACK (on_heartbeat), &run);
  sigint_id = g_unix_signal_add (SIGINT, on_stop_signal, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, on_stop_signal, &run);
  tick_id = g_timeout_add (200, on_tick, NULL);

  /* One small request first: an unreachable platform is one clear message, not a round
   * that only ends at the timeout (a failed exchange emits nothing). */
  hb_sync_request_async (sync, "GET", "/v1/keys", NULL, NULL, probed, &run);
  wait_for (&run, &run.probed, 0);
  if (!run.answered)
    {
      fprintf (stderr, "haobanctl: sync: %s: %s\n", url,
               run.probe_error ? run.probe_error->message : "no answer");
      rc = 1;
      goto out;
    }
  printf ("platform %s answered (HTTP %u)\n", url, run.probe_status);
  fflush (stdout);

  if (!hb_sync_start (sync, &error))
    {
      fprintf (stderr, "haobanctl: sync: %s\n", error->message);
      rc = 1;
      goto out;
    }
  if (run.once)
    {
      if (!wait_for (&run, &run.round_done, deadline))
        {
          fprintf (stderr, "haobanctl: sync: %s\n", run.stop ? "interrupted"
                   : "the round did not end in time (platform too slow or gone)");
          rc = 1;
        }
      hb_sync_stop (sync);
      report_round (config, &run);
    }
  else
    {
      gboolean never = FALSE;
      wait_for (&run, &never, deadline);
      hb_sync_stop (sync);
      printf ("%u delivered, %u rejected, %u parked\n", run.delivered, run.rejected, run.parked);
    }

out:
  /* The stop above delivered the engine's last emissions; drain them before freeing run. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_signal_handlers_disconnect_by_data (sync, &run);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_source_remove (tick_id);
  g_clear_error (&run.probe_error);
  g_free (run.catalog_version);
  return rc;
}
