/* hb-outbox-command.c — `haobanctl outbox`. */
#include "kiosk/hb-outbox-command.h"
#include "offline-cache/hb-outbox.h"
#include "kiosk/hb-audit-command.h"
#include "common/hb-json.h"

#include <stdio.h>
#include <string.h>

#define REASON_MAX_CHARS 256

static int
usage (void)
{
  fprintf (stderr, "usage: haobanctl outbox [list [--state pending|parked|dead|sent] [--json]\n"
                   "                        | retry KEY|--all | park KEY [--reason TEXT]]\n");
  return 2;
}

static int
fail (const char *what, const GError *error)
{
  fprintf (stderr, "haobanctl: outbox %s: %s\n", what, error ? error->message : "failed");
  return 1;
}

static HbOutbox *
open_outbox (HbConfig *config, GError **error)
{
  g_autofree char *db = hb_config_dup_db_path (config);
  g_autofree char *key = hb_config_dup_key_path (config);
  g_autoptr(HbStore) store = hb_store_open (db, key, error);
  return store ? hb_outbox_new (store) : NULL;
}

static gboolean
state_from_string (const char *s, HbOutboxState *state)
{
  static const HbOutboxState all[] = { HB_OUTBOX_PENDING, HB_OUTBOX_PARKED, HB_OUTBOX_DEAD,
                                       HB_OUTBOX_SENT };
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (g_str_equal (s, hb_outbox_state_to_string (all[i])))
      {
        *state = all[i];
        return TRUE;
      }
  return FALSE;
}

static int
cmd_summary (HbOutbox *outbox)
{
  g_autoptr(GError) error = NULL;
  HbOutboxStats stats = { 0 };

  if (!hb_outbox_get_stats (outbox, g_get_real_time () / G_USEC_PER_SEC, &stats, &error))
    return fail ("stats", error);
  printf ("pending %u\noldest_pending_age_s %" G_GINT64_FORMAT "\ndead %u\nsent %u\n"
          "parked %u\noldest_parked_age_s %" G_GINT64_FORMAT "\n",
          stats.pending, stats.oldest_pending_age, stats.dead, stats.sent, stats.parked,
          stats.oldest_parked_age);
  return 0;
}

static void
add_item_json (JsonBuilder *b, const HbOutboxItem *item, gint64 now)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, item->key);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, item->kind);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, hb_outbox_state_to_string (item->state));
  json_builder_set_member_name (b, "attempts");
  json_builder_add_int_value (b, item->attempts);
  json_builder_set_member_name (b, "failures");
  json_builder_add_int_value (b, item->failures);
  json_builder_set_member_name (b, "age_s");
  json_builder_add_int_value (b, MAX (0, now - item->created_at));
  json_builder_set_member_name (b, "next_try_in_s");
  json_builder_add_int_value (b, item->state == HB_OUTBOX_PENDING
                                 ? MAX (0, item->next_try_at - now) : 0);
  json_builder_set_member_name (b, "last_error");
  if (item->last_error)
    json_builder_add_string_value (b, item->last_error);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

static int
cmd_list (HbOutbox *outbox, int argc, char **argv)
{
  gboolean as_json = FALSE, have_state = FALSE;
  HbOutboxState only = HB_OUTBOX_PENDING;
  static const HbOutboxState defaults[] = { HB_OUTBOX_PENDING, HB_OUTBOX_PARKED,
                                            HB_OUTBOX_DEAD };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_outbox_item_free);

  for (int i = 0; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--json"))
        as_json = TRUE;
      else if (g_str_equal (argv[i], "--state") && i + 1 < argc && !have_state)
        {
          if (!state_from_string (argv[++i], &only))
            return usage ();
          have_state = TRUE;
        }
      else
        return usage ();
    }

  for (guint s = 0; s < (have_state ? 1 : G_N_ELEMENTS (defaults)); s++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) list = hb_outbox_list (outbox, have_state ? only : defaults[s], 0,
                                                  &error);
      if (list == NULL)
        return fail ("list", error);
      for (guint i = 0; i < list->len; i++)
        g_ptr_array_add (items, g_steal_pointer (&list->pdata[i]));
    }

  if (as_json)
    {
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;
      json_builder_begin_array (b);
      for (guint i = 0; i < items->len; i++)
        add_item_json (b, items->pdata[i], now);
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      text = hb_json_to_string (root);
      printf ("%s\n", text);
      return 0;
    }
  printf ("%-36s  %-12s %-8s %8s %8s %8s  %s\n", "KEY", "KIND", "STATE", "ATTEMPTS",
          "FAILURES", "AGE_S", "LAST_ERROR");
  for (guint i = 0; i < items->len; i++)
    {
      const HbOutboxItem *it = items->pdata[i];
      printf ("%-36s  %-12s %-8s %8u %8u %8" G_GINT64_FORMAT "  %s\n", it->key, it->kind,
              hb_outbox_state_to_string (it->state), it->attempts, it->failures,
              MAX (0, now - it->created_at), it->last_error ? it->last_error : "-");
    }
  return 0;
}

static int
cmd_retry (HbConfig *config, HbOutbox *outbox, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  if (argc != 1)
    return usage ();
  if (g_str_equal (argv[0], "--all"))
    {
      if (!hb_outbox_unpark_all (outbox, &n, &error))
        return fail ("retry", error);
      printf ("%u item%s back in the queue\n", n, n == 1 ? "" : "s");
      if (n > 0)
        {
          g_autofree char *count = g_strdup_printf ("%u items", n);
          hb_audit_command_record (config, "outbox.retry", "--all", count);
        }
      return 0;
    }
  if (g_str_has_prefix (argv[0], "--"))
    return usage ();
  if (!hb_outbox_unpark (outbox, argv[0], &error))
    return fail ("retry", error);
  /* The kiosk's sync picks it up on its next wake-up; `haobanctl sync --once` sends now. */
  printf ("%s back in the queue\n", argv[0]);
  hb_audit_command_record (config, "outbox.retry", argv[0], NULL);
  return 0;
}

static int
cmd_park (HbConfig *config, HbOutbox *outbox, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  const char *key = NULL, *reason = "parked by staff";

  for (int i = 0; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--reason") && i + 1 < argc)
        reason = argv[++i];
      else if (key == NULL && !g_str_has_prefix (argv[i], "--"))
        key = argv[i];
      else
        return usage ();
    }
  if (key == NULL || !g_utf8_validate (reason, -1, NULL)
      || g_utf8_strlen (reason, -1) > REASON_MAX_CHARS)
    return usage ();
  if (!hb_outbox_park (outbox, key, reason, &error))
    return fail ("park", error);
  printf ("%s parked\n", key);
  hb_audit_command_record (config, "outbox.park", key, reason);
  return 0;
}

int
hb_outbox_command_run (HbConfig *config, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbOutbox) outbox = NULL;

  if (argc > 0 && !g_str_equal (argv[0], "list") && !g_str_equal (argv[0], "retry")
      && !g_str_equal (argv[0], "park"))
    return usage ();
  outbox = open_outbox (config, &error);
  if (outbox == NULL)
    return fail ("store", error);
  if (argc == 0)
    return cmd_summary (outbox);
  if (g_str_equal (argv[0], "list"))
    return cmd_list (outbox, argc - 1, argv + 1);
  if (g_str_equal (argv[0], "retry"))
    return cmd_retry (config, outbox, argc - 1, argv + 1);
  return cmd_park (config, outbox, argc - 1, argv + 1);
}
