/* test-kiosk-conf.c — the shipped /etc/haoban/kiosk.conf (packaging/kiosk.conf) parses and
 * documents every key of kiosk/hb-config.c's table, so a key added there and not to the
 * file fails here. The key list comes from hb_config_dump (the table itself), not a copy. */
#include "kiosk/hb-config.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

typedef struct {
  char *group, *key, *value;   /* value: the compiled default, NULL when unset */
  gboolean derived;            /* the default depends on the machine (data_dir, share_dir) */
} TableKey;

static void
table_key_free (gpointer p)
{
  TableKey *k = p;
  g_free (k->group);
  g_free (k->key);
  g_free (k->value);
  g_free (k);
}

/* Every key of the table with its compiled default, from "group.key = value (origin)". */
static GPtrArray *
table_keys (void)
{
  g_autoptr(HbConfig) config = hb_config_new ();
  g_autofree char *dump = hb_config_dump (config);
  g_auto(GStrv) lines = g_strsplit (dump, "\n", -1);
  GPtrArray *keys = g_ptr_array_new_with_free_func (table_key_free);

  for (char **l = lines; *l; l++)
    {
      const char *eq, *dot, *origin;
      TableKey *k;
      if (**l == '\0')
        continue;
      eq = strstr (*l, " = ");
      dot = strchr (*l, '.');
      origin = g_strrstr (*l, " (");
      g_assert_nonnull (eq);
      g_assert_nonnull (dot);
      g_assert_nonnull (origin);
      g_assert_true (dot < eq && eq < origin);
      k = g_new0 (TableKey, 1);
      k->group = g_strndup (*l, dot - *l);
      k->key = g_strndup (dot + 1, eq - dot - 1);
      if (!g_str_has_prefix (eq + 3, "(unset)"))
        k->value = g_strndup (eq + 3, origin - eq - 3);
      k->derived = g_str_equal (k->group, "paths");
      g_ptr_array_add (keys, k);
    }
  return keys;
}

/* "key =" or "#key =" at the start of a line: the name, else NULL. Prose comments start
 * with "# ", so they never look like keys. */
static char *
key_line (const char *line, gboolean *commented, char **value)
{
  const char *p = line;
  const char *start, *eq;
  *commented = (*p == '#');
  if (*commented)
    p++;
  start = p;
  while (g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_')
    p++;
  if (p == start)
    return NULL;
  eq = p;
  while (*eq == ' ')
    eq++;
  if (*eq != '=')
    return NULL;
  *value = g_strstrip (g_strdup (eq + 1));
  return g_strndup (start, p - start);
}

/* What is wrong with how the file documents the table, one line per problem ("" = fine).
 * A key must appear once, in its [group], as "key = …" or "#key = …", right under a
 * comment; a commented-out key shows the compiled default; no key line names a key the
 * table does not have. */
static char *
check_documented (const char *text, GPtrArray *keys)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GString *problems = g_string_new (NULL);
  g_autofree char *group = NULL;

  for (guint i = 0; lines[i]; i++)
    {
      const char *line = lines[i];
      gboolean commented;
      g_autofree char *value = NULL;
      g_autofree char *name = NULL;
      g_autofree char *full = NULL;
      TableKey *spec = NULL;

      if (line[0] == '[')
        {
          const char *end = strchr (line, ']');
          g_free (group);
          group = end ? g_strndup (line + 1, end - line - 1) : g_strdup ("");
          continue;
        }
      name = key_line (line, &commented, &value);
      if (name == NULL)
        continue;
      full = g_strdup_printf ("[%s] %s", group ? group : "", name);
      for (guint k = 0; k < keys->len; k++)
        {
          TableKey *t = keys->pdata[k];
          if (group && g_str_equal (t->group, group) && g_str_equal (t->key, name))
            spec = t;
        }
      if (spec == NULL)
        {
          g_string_append_printf (problems, "%s: not a key of hb-config.c\n", full);
          continue;
        }
      if (g_hash_table_contains (seen, full))
        g_string_append_printf (problems, "%s: listed twice\n", full);
      g_hash_table_add (seen, g_strdup (full));
      if (i == 0 || !g_str_has_prefix (lines[i - 1], "# "))
        g_string_append_printf (problems, "%s: no comment right above it\n", full);
      if (commented && !spec->derived && g_strcmp0 (value, spec->value ? spec->value : "") != 0)
        g_string_append_printf (problems, "%s: shown as \"%s\", the compiled default is \"%s\"\n",
                                full, value, spec->value ? spec->value : "");
    }

  for (guint k = 0; k < keys->len; k++)
    {
      TableKey *t = keys->pdata[k];
      g_autofree char *full = g_strdup_printf ("[%s] %s", t->group, t->key);
      if (!g_hash_table_contains (seen, full))
        g_string_append_printf (problems, "%s: missing\n", full);
    }
  return g_string_free (problems, FALSE);
}

static char *
shipped_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "packaging", "kiosk.conf", NULL);
}

static char *
shipped_text (void)
{
  g_autofree char *path = shipped_path ();
  g_autoptr(GError) error = NULL;
  char *text = NULL;
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
test_parses (void)
{
  g_autofree char *path = shipped_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HbConfig) config = hb_config_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (config);
  g_assert_cmpstr (hb_config_get_source (config), ==, path);
  /* What a packaged terminal needs that the compiled defaults (a developer's tree) lack. */
  g_assert_cmpstr (hb_config_get_string (config, "paths", "data_dir"), ==, "/var/lib/haoban");
  g_assert_cmpstr (hb_config_get_share_dir (config), ==, "/usr/share/haoban");
  g_assert_cmpstr (hb_config_get_string (config, "devices", "mode"), ==, "real");
}

static void
test_documents_every_key (void)
{
  g_autoptr(GPtrArray) keys = table_keys ();
  g_autofree char *text = shipped_text ();
  g_autofree char *problems = check_documented (text, keys);

  g_assert_cmpuint (keys->len, >, 40);
  if (*problems)
    g_test_message ("packaging/kiosk.conf vs kiosk/hb-config.c:\n%s", problems);
  g_assert_cmpstr (problems, ==, "");
}

static char *
replace_once (const char *text, const char *from, const char *to)
{
  const char *at = strstr (text, from);
  g_assert_nonnull (at);
  return g_strdup_printf ("%.*s%s%s", (int) (at - text), text, to, at + strlen (from));
}

/* The check above can fail: each kind of drift is caught and names the key. */
static void
test_check_catches_drift (void)
{
  g_autoptr(GPtrArray) keys = table_keys ();
  g_autofree char *text = shipped_text ();
  g_autofree char *missing = replace_once (text, "#rate = 150\n", "");
  g_autofree char *wrong_default = replace_once (text, "#rate = 150\n", "#rate = 151\n");
  g_autofree char *no_comment = replace_once (text, "# Speaking rate, words per minute. Range 80–300. Default: 150.\n", "");
  g_autofree char *stale = replace_once (text, "#rate = 150\n", "#rate = 150\n# Old.\n#pitch = 50\n");
  g_autofree char *p1 = check_documented (missing, keys);
  g_autofree char *p2 = check_documented (wrong_default, keys);
  g_autofree char *p3 = check_documented (no_comment, keys);
  g_autofree char *p4 = check_documented (stale, keys);

  g_assert_cmpstr (p1, ==, "[voice] rate: missing\n");
  g_assert_cmpstr (p2, ==, "[voice] rate: shown as \"151\", the compiled default is \"150\"\n");
  g_assert_cmpstr (p3, ==, "[voice] rate: no comment right above it\n");
  g_assert_cmpstr (p4, ==, "[voice] pitch: not a key of hb-config.c\n");
}

/* An uncommented bad value is not only documentation: the kiosk would refuse the file. */
static void
test_bad_value_refused (void)
{
  g_autofree char *text = shipped_text ();
  g_autofree char *bad = replace_once (text, "mode = real\n", "mode = usb\n");
  g_autoptr(HbConfig) config = hb_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (hb_config_merge_data (config, bad, strlen (bad), "kiosk.conf", &error));
  g_assert_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (error->message, "[devices] mode"));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/packaging/kiosk-conf/parses-with-the-packaged-paths", test_parses);
  g_test_add_func ("/packaging/kiosk-conf/documents-every-key-of-the-config-table",
                   test_documents_every_key);
  g_test_add_func ("/packaging/kiosk-conf/check-names-a-missing-undocumented-or-stale-key",
                   test_check_catches_drift);
  g_test_add_func ("/packaging/kiosk-conf/a-bad-value-in-the-file-is-refused", test_bad_value_refused);
  return g_test_run ();
}
