/* hb-maintenance-command.c — `haobanctl maintenance` (see the header). */
#include "kiosk/hb-maintenance-command.h"
#include "kiosk/hb-core.h"
#include "kiosk/hb-config-file.h"
#include "kiosk/hb-staff-auth.h"
#include "offline-cache/hb-audit.h"
#include "offline-cache/hb-store.h"
#include "common/hb-json.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define PIN_LINE_MAX     64
#define REFRESH_TIMEOUT_S 30

static int
usage (void)
{
  fprintf (stderr, "usage: haobanctl maintenance pin set [--role staff|technician]"
                   " [--iterations N]\n"
                   "                             | pin check | unlock | status [--json]\n"
                   "                             | staff refresh\n");
  return 2;
}

static int
fail (const char *what, const GError *error)
{
  fprintf (stderr, "haobanctl: maintenance %s: %s\n", what, error ? error->message : "failed");
  return 1;
}

typedef struct {
  HbStore     *store;
  HbAudit     *audit;
  HbStaffAuth *auth;
} Gate;

static void
gate_clear (Gate *g)
{
  g_clear_object (&g->auth);
  g_clear_object (&g->audit);
  g_clear_object (&g->store);
}

static gboolean
gate_open (HbConfig *config, Gate *g, GError **error)
{
  g_autofree char *db = hb_config_dup_db_path (config);
  g_autofree char *key = hb_config_dup_key_path (config);

  g->store = hb_store_open (db, key, error);
  if (g->store == NULL)
    return FALSE;
  g->audit = hb_audit_new (g->store);
  g->auth = hb_staff_auth_new (config, g->store, g->audit);
  return TRUE;
}

/* One line of stdin into buf (at most PIN_LINE_MAX - 1 bytes, newline removed); on a
 * terminal the prompt goes to stderr and nothing is echoed. FALSE at end of input. */
static gboolean
read_pin (const char *prompt, char buf[PIN_LINE_MAX])
{
  gboolean tty = isatty (STDIN_FILENO);
  struct termios saved, quiet;
  gboolean muted = FALSE;
  gboolean ok;
  gsize n;

  if (tty)
    {
      fprintf (stderr, "%s", prompt);
      fflush (stderr);
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          muted = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }
  ok = fgets (buf, PIN_LINE_MAX, stdin) != NULL;
  if (muted)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      fprintf (stderr, "\n");
    }
  if (!ok)
    {
      explicit_bzero (buf, PIN_LINE_MAX);
      return FALSE;
    }
  n = strlen (buf);
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
    buf[--n] = '\0';
  return TRUE;
}

/* Sets group.key in the config file, keeping its comments; the result must still load. */
static gboolean
write_config_key (const char *path, const char *group, const char *key, const char *value,
                  GError **error)
{
  const char *kv[] = { group, key, value, NULL };
  return hb_config_file_set_keys (path, kv, error);
}

static int
cmd_pin_set (HbConfig *config, const char *role_name, guint iterations)
{
  HbStaffRole role = hb_staff_role_from_string (role_name);
  const char *path = hb_config_get_source (config);
  const char *key = role == HB_STAFF_ROLE_TECHNICIAN ? "technician_pin_hash" : "staff_pin_hash";
  char first[PIN_LINE_MAX], second[PIN_LINE_MAX];
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  gboolean same;
  Gate g = { 0 };

  if (role == HB_STAFF_ROLE_NONE)
    return usage ();
  if (path == NULL)
    {
      fprintf (stderr, "haobanctl: maintenance pin set: no config file is in use (pass "
                       "--config FILE or set HAOBAN_CONFIG; the system file is %s)\n",
               HB_CONFIG_SYSTEM_FILE);
      return 1;
    }
  if (!read_pin ("New PIN (6-12 digits): ", first))
    {
      fprintf (stderr, "haobanctl: maintenance pin set: no PIN given\n");
      return 1;
    }
  if (!read_pin ("The same PIN again: ", second))
    {
      explicit_bzero (first, sizeof first);
      fprintf (stderr, "haobanctl: maintenance pin set: the PIN was not repeated\n");
      return 1;
    }
  same = strcmp (first, second) == 0;
  explicit_bzero (second, sizeof second);
  if (!same)
    {
      explicit_bzero (first, sizeof first);
      fprintf (stderr, "haobanctl: maintenance pin set: the two PINs differ; nothing changed\n");
      return 1;
    }
  hash = hb_staff_auth_hash_pin (first, iterations, &error);
  explicit_bzero (first, sizeof first);
  if (hash == NULL)
    return fail ("pin set", error);
  if (!write_config_key (path, "maintenance", key, hash, &error))
    return fail ("pin set", error);
  printf ("%s PIN set in %s\n", hb_staff_role_to_string (role), path);

  /* Audited when the store is reachable; the PIN is set either way. */
  if (gate_open (config, &g, &error)
      && hb_audit_append (g.audit, "haobanctl", "maintenance.pin-set",
                          hb_staff_role_to_string (role), NULL, &error))
    {
      gate_clear (&g);
      return 0;
    }
  fprintf (stderr, "haobanctl: maintenance pin set: not audited: %s\n", error->message);
  gate_clear (&g);
  return 0;
}

static int
cmd_pin_check (HbConfig *config)
{
  char pin[PIN_LINE_MAX];
  g_autoptr(GError) error = NULL;
  g_autofree char *staff_id = NULL;
  gint64 retry = 0;
  HbStaffRole role;
  Gate g = { 0 };

  if (!gate_open (config, &g, &error))
    return fail ("pin check", error);
  if (!read_pin ("PIN: ", pin))
    {
      gate_clear (&g);
      fprintf (stderr, "haobanctl: maintenance pin check: no PIN given\n");
      return 1;
    }
  role = hb_staff_auth_check_pin (g.auth, pin, &staff_id, &retry, &error);
  explicit_bzero (pin, sizeof pin);
  if (role == HB_STAFF_ROLE_NONE)
    {
      if (g_error_matches (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_WRONG))
        printf ("refused: wrong PIN, %u tries left\n", hb_staff_auth_attempts_left (g.auth));
      else if (g_error_matches (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_LOCKED))
        printf ("refused: locked for %" G_GINT64_FORMAT " s\n", retry);
      else
        printf ("refused: %s\n", error->message);
      gate_clear (&g);
      return 1;
    }
  printf ("accepted: %s\n", hb_staff_role_to_string (role));
  gate_clear (&g);
  return 0;
}

static int
cmd_unlock (HbConfig *config)
{
  g_autoptr(GError) error = NULL;
  gint64 left;
  Gate g = { 0 };

  if (!gate_open (config, &g, &error))
    return fail ("unlock", error);
  left = hb_staff_auth_locked_for (g.auth);
  if (!hb_staff_auth_unlock (g.auth, "haobanctl", &error))
    {
      gate_clear (&g);
      return fail ("unlock", error);
    }
  if (left > 0)
    printf ("unlocked (%" G_GINT64_FORMAT " s were left)\n", left);
  else
    printf ("unlocked (it was not locked; the failure count is cleared)\n");
  gate_clear (&g);
  return 0;
}

static char *
format_time (gint64 unix_s)
{
  g_autoptr(GDateTime) t = unix_s > 0 ? g_date_time_new_from_unix_utc (unix_s) : NULL;
  return t ? g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("-");
}

static int
cmd_status (HbConfig *config, gboolean json)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL, *stored = NULL;
  gboolean staff_pin = hb_config_get_string (config, "maintenance", "staff_pin_hash") != NULL;
  gboolean tech_pin = hb_config_get_string (config, "maintenance", "technician_pin_hash") != NULL;
  guint n = 0, left;
  gint64 at = 0, locked;
  Gate g = { 0 };

  if (!gate_open (config, &g, &error))
    return fail ("status", error);
  locked = hb_staff_auth_locked_for (g.auth);
  left = hb_staff_auth_attempts_left (g.auth);
  hb_staff_auth_get_allowlist_info (g.auth, &version, &n, &at);
  stored = format_time (at);
  gate_clear (&g);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "locked");
      json_builder_add_boolean_value (b, locked > 0);
      json_builder_set_member_name (b, "locked_for_s");
      json_builder_add_int_value (b, locked);
      json_builder_set_member_name (b, "attempts_left");
      json_builder_add_int_value (b, left);
      json_builder_set_member_name (b, "staff_pin_set");
      json_builder_add_boolean_value (b, staff_pin);
      json_builder_set_member_name (b, "technician_pin_set");
      json_builder_add_boolean_value (b, tech_pin);
      json_builder_set_member_name (b, "allowlist");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "version");
      if (version)
        json_builder_add_string_value (b, version);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "entries");
      json_builder_add_int_value (b, n);
      json_builder_set_member_name (b, "stored_at");
      json_builder_add_int_value (b, at);
      json_builder_end_object (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      text = hb_json_to_string (root);
      printf ("%s\n", text);
      return 0;
    }
  if (locked > 0)
    printf ("entry           locked for %" G_GINT64_FORMAT " s\n", locked);
  else
    printf ("entry           open\n");
  printf ("tries left      %u\n", left);
  printf ("staff PIN       %s\n", staff_pin ? "set" : "not set");
  printf ("technician PIN  %s\n", tech_pin ? "set" : "not set");
  if (version)
    printf ("allow-list      %s, %u entries, stored %s\n", version, n, stored);
  else
    printf ("allow-list      none (never fetched from the platform)\n");
  return 0;
}

typedef struct {
  gboolean done;
  gboolean ok;
  guint    n;
  GError  *error;
} Refresh;

static void
refreshed (GObject *source, GAsyncResult *result, gpointer data)
{
  Refresh *r = data;
  r->ok = hb_staff_auth_refresh_finish (HB_STAFF_AUTH (source), result, &r->n, &r->error);
  r->done = TRUE;
}

static int
cmd_staff_refresh (HbConfig *config)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbSync) sync = hb_core_new_sync (config);
  g_autofree char *version = NULL;
  Refresh r = { 0 };
  gint64 deadline = g_get_monotonic_time () + REFRESH_TIMEOUT_S * G_USEC_PER_SEC;
  Gate g = { 0 };
  int rc = 0;

  if (!gate_open (config, &g, &error))
    return fail ("staff refresh", error);
  hb_staff_auth_refresh_async (g.auth, sync, NULL, refreshed, &r);
  /* The request has its own timeouts; the deadline only bounds this loop. */
  while (!r.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (!r.done)
    {
      fprintf (stderr, "haobanctl: maintenance staff refresh: no answer within %d s\n",
               REFRESH_TIMEOUT_S);
      rc = 1;
    }
  else if (!r.ok)
    {
      rc = fail ("staff refresh", r.error);
      g_clear_error (&r.error);
    }
  else
    {
      hb_staff_auth_get_allowlist_info (g.auth, &version, NULL, NULL);
      printf ("allow-list %s stored, %u entries\n", version ? version : "?", r.n);
    }
  /* A task still running holds its own references. */
  gate_clear (&g);
  return rc;
}

int
hb_maintenance_command_run (HbConfig *config, int argc, char **argv)
{
  if (argc >= 2 && g_str_equal (argv[0], "pin") && g_str_equal (argv[1], "set"))
    {
      const char *role = "staff";
      guint64 iterations = 0;
      for (int i = 2; i < argc; i++)
        {
          if (g_str_equal (argv[i], "--role") && i + 1 < argc)
            role = argv[++i];
          else if (g_str_has_prefix (argv[i], "--role="))
            role = argv[i] + strlen ("--role=");
          else if (g_str_equal (argv[i], "--iterations") && i + 1 < argc)
            {
              if (!g_ascii_string_to_unsigned (argv[++i], 10, HB_STAFF_PBKDF2_MIN_ITER,
                                               HB_STAFF_PBKDF2_MAX_ITER, &iterations, NULL))
                return usage ();
            }
          else
            return usage ();
        }
      return cmd_pin_set (config, role, (guint) iterations);
    }
  if (argc == 2 && g_str_equal (argv[0], "pin") && g_str_equal (argv[1], "check"))
    return cmd_pin_check (config);
  if (argc == 1 && g_str_equal (argv[0], "unlock"))
    return cmd_unlock (config);
  if (argc >= 1 && g_str_equal (argv[0], "status"))
    {
      if (argc == 1)
        return cmd_status (config, FALSE);
      if (argc == 2 && g_str_equal (argv[1], "--json"))
        return cmd_status (config, TRUE);
      return usage ();
    }
  if (argc == 2 && g_str_equal (argv[0], "staff") && g_str_equal (argv[1], "refresh"))
    return cmd_staff_refresh (config);
  return usage ();
}
