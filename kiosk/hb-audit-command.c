/* hb-audit-command.c — `haobanctl audit`. */
#include "kiosk/hb-audit-command.h"
#include "offline-cache/hb-audit.h"
#include "common/hb-json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_DEFAULT 50

static int
usage (void)
{
  fprintf (stderr, "usage: haobanctl audit verify [--head SEQ:HASH] [--json]\n"
                   "       haobanctl audit list [--since SEQ] [--limit N] [--json]\n"
                   "       haobanctl audit head [--json]\n");
  return 2;
}

static int
fail (const char *what, const GError *error)
{
  fprintf (stderr, "haobanctl: audit %s: %s\n", what, error ? error->message : "failed");
  return 1;
}

static HbAudit *
open_audit (HbConfig *config, GError **error)
{
  g_autofree char *db = hb_config_dup_db_path (config);
  g_autofree char *key = hb_config_dup_key_path (config);
  g_autoptr(HbStore) store = hb_store_open (db, key, error);
  return store ? hb_audit_new (store) : NULL;
}

static void
print_json (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = hb_json_to_string (root);
  printf ("%s\n", text);
}

/* A number option value: digits only, within [min, max]. */
static gboolean
parse_number (const char *text, gint64 min, gint64 max, gint64 *out)
{
  guint64 v = 0;
  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, (guint64) min, (guint64) max, &v,
                                                   NULL))
    return FALSE;
  *out = (gint64) v;
  return TRUE;
}

static int
cmd_verify (HbConfig *config, int argc, char **argv)
{
  gboolean json = FALSE;
  gint64 head_seq = 0;
  char head_hash[HB_AUDIT_HASH_HEX + 1] = "";
  g_autoptr(HbAudit) audit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  HbAuditReport report;
  gboolean ok;

  for (int i = 0; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--json"))
        json = TRUE;
      else if (g_str_equal (argv[i], "--head") && i + 1 < argc && head_seq == 0
               && hb_audit_parse_head (argv[i + 1], strlen (argv[i + 1]), &head_seq, head_hash,
                                       NULL))
        i++;
      else
        return usage ();
    }
  audit = open_audit (config, &error);
  if (audit == NULL)
    return fail ("verify", error);
  ok = head_seq > 0 ? hb_audit_verify_against (audit, head_seq, head_hash, &report, &error)
                 : hb_audit_verify (audit, &report, &error);
  if (!ok)
    return fail ("verify", error);

  line = hb_audit_report_describe (&report);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "intact");
      json_builder_add_boolean_value (b, report.fault == HB_AUDIT_FAULT_NONE);
      json_builder_set_member_name (b, "fault");
      json_builder_add_string_value (b, hb_audit_fault_to_string (report.fault));
      json_builder_set_member_name (b, "seq");
      json_builder_add_int_value (b, report.seq);
      json_builder_set_member_name (b, "seq_last");
      json_builder_add_int_value (b, report.seq_last);
      if (report.moved_to > 0)
        {
          json_builder_set_member_name (b, "moved_to");
          json_builder_add_int_value (b, report.moved_to);
        }
      json_builder_set_member_name (b, "records");
      json_builder_add_int_value (b, (gint64) report.records);
      json_builder_set_member_name (b, "head");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "seq");
      json_builder_add_int_value (b, report.head_seq);
      json_builder_set_member_name (b, "hash");
      json_builder_add_string_value (b, report.head_hash);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "anchor_seq");
      json_builder_add_int_value (b, report.anchor_seq);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, line);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    printf ("%s\n", line);
  return report.fault == HB_AUDIT_FAULT_NONE ? 0 : 1;
}

/* A field for a terminal: a tampered record may hold escape sequences. */
static char *
printable (const char *text)
{
  char *out = g_strdup (text ? text : "-");
  for (char *p = out; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = '?';
  return out;
}

static void
add_text (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static int
cmd_list (HbConfig *config, int argc, char **argv)
{
  gboolean json = FALSE;
  gint64 since = -1, limit = LIST_DEFAULT;
  g_autoptr(HbAudit) audit = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;

  for (int i = 0; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--json"))
        json = TRUE;
      else if (g_str_equal (argv[i], "--since") && i + 1 < argc
               && parse_number (argv[i + 1], 0, G_MAXINT64, &since))
        i++;
      else if (g_str_equal (argv[i], "--limit") && i + 1 < argc
               && parse_number (argv[i + 1], 1, HB_AUDIT_LIST_MAX, &limit))
        i++;
      else
        return usage ();
    }
  audit = open_audit (config, &error);
  if (audit == NULL)
    return fail ("list", error);
  if (since >= 0)
    records = hb_audit_list (audit, since, (guint) limit, &error);
  else
    {
      /* The newest, shown oldest first like --since. */
      records = hb_audit_list_recent (audit, (guint) limit, &error);
      if (records != NULL)
        for (guint i = 0, j = records->len ? records->len - 1 : 0; i < j; i++, j--)
          {
            gpointer t = records->pdata[i];
            records->pdata[i] = records->pdata[j];
            records->pdata[j] = t;
          }
    }
  if (records == NULL)
    return fail ("list", error);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < records->len; i++)
        {
          const HbAuditRecord *r = records->pdata[i];
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "seq");
          json_builder_add_int_value (b, r->seq);
          json_builder_set_member_name (b, "time");
          json_builder_add_int_value (b, r->time);
          add_text (b, "actor", r->actor);
          add_text (b, "action", r->action);
          add_text (b, "subject", r->subject);
          add_text (b, "detail", r->detail);
          add_text (b, "prev_hash", r->prev_hash);
          add_text (b, "hash", r->hash);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      print_json (b);
      return 0;
    }
  for (guint i = 0; i < records->len; i++)
    {
      const HbAuditRecord *r = records->pdata[i];
      g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (r->time);
      g_autofree char *when = t ? g_date_time_format (t, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
      g_autofree char *actor = printable (r->actor);
      g_autofree char *action = printable (r->action);
      g_autofree char *subject = printable (r->subject);
      g_autofree char *detail = printable (r->detail);
      printf ("%6" G_GINT64_FORMAT "  %s  %-20s %-26s %s  %s\n", r->seq, when, actor, action,
              subject, detail);
    }
  return 0;
}

static int
cmd_head (HbConfig *config, int argc, char **argv)
{
  g_autoptr(HbAudit) audit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  gint64 seq = 0;

  if (argc > 1 || (argc == 1 && !g_str_equal (argv[0], "--json")))
    return usage ();
  audit = open_audit (config, &error);
  if (audit == NULL || !hb_audit_get_head (audit, &seq, &hash, &error))
    return fail ("head", error);
  if (argc == 1)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "seq");
      json_builder_add_int_value (b, seq);
      json_builder_set_member_name (b, "hash");
      json_builder_add_string_value (b, hash);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    printf ("%" G_GINT64_FORMAT ":%s\n", seq, hash);
  return 0;
}

int
hb_audit_command_run (HbConfig *config, int argc, char **argv)
{
  if (argc < 1)
    return usage ();
  if (g_str_equal (argv[0], "verify"))
    return cmd_verify (config, argc - 1, argv + 1);
  if (g_str_equal (argv[0], "list"))
    return cmd_list (config, argc - 1, argv + 1);
  if (g_str_equal (argv[0], "head"))
    return cmd_head (config, argc - 1, argv + 1);
  return usage ();
}

gboolean
hb_audit_command_record (HbConfig *config, const char *action, const char *subject,
                         const char *detail)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbAudit) audit = open_audit (config, &error);

  if (audit == NULL || !hb_audit_append (audit, "haobanctl", action, subject, detail, &error))
    {
      fprintf (stderr, "haobanctl: audit: cannot record %s: %s\n", action,
               error ? error->message : "failed");
      return FALSE;
    }
  return TRUE;
}
