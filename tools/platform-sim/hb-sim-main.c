/* hb-sim-main.c — haoban-platform-sim: the reference central platform for the demo and
 * the tests (docs/platform-sim.md). Never linked into the kiosk.
 *
 *   haoban-platform-sim --port P --data DIR [--state FILE] [--config FILE]
 *                       [--tls-cert FILE --tls-key FILE [--client-ca FILE]]
 *                       [--wrong-ca-cert FILE --wrong-ca-key FILE [--wrong-ca-port P]]
 *                       [--terminal-ca-cert FILE --terminal-ca-key FILE] [--terminal-tokens FILE]
 *
 * The first line on stdout announces the address ("listening on http(s)://127.0.0.1:P");
 * with a wrong-CA listener a second line announces it ("wrong-CA listener on
 * https://127.0.0.1:Q"). Nothing else is ever written there (tests read those lines, then
 * close the pipe); the request log goes to stderr. */
#include "tools/platform-sim/hb-sim-catalog.h"
#include "tools/platform-sim/hb-sim-codes.h"
#include "tools/platform-sim/hb-sim-keys.h"
#include "tools/platform-sim/hb-sim-platform.h"
#include "tools/platform-sim/hb-sim-services.h"
#include "tools/platform-sim/hb-sim-store.h"
#include "tools/platform-sim/hb-sim-terminals.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>

#ifndef HB_SOURCE_DATADIR
#define HB_SOURCE_DATADIR "data"
#endif

#define CONFIG_GROUP "platform-sim"
#define PORT_UNSET   G_MININT

typedef struct {
  gint   port;    /* PORT_UNSET: not given */
  char  *data;
  char  *state;
  char  *config;
  /* H10: TLS (docs/platform-sim.md "HTTPS") */
  char  *tls_cert;
  char  *tls_key;
  char  *client_ca;
  char  *wrong_ca_cert;
  char  *wrong_ca_key;
  gint   wrong_ca_port;
  /* H33: terminal registration (hb-sim-terminals.h) */
  char  *terminal_ca_cert;
  char  *terminal_ca_key;
  char  *terminal_tokens;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->data);
  g_free (o->state);
  g_free (o->config);
  g_free (o->tls_cert);
  g_free (o->tls_key);
  g_free (o->client_ca);
  g_free (o->wrong_ca_cert);
  g_free (o->wrong_ca_key);
  g_free (o->terminal_ca_cert);
  g_free (o->terminal_ca_key);
  g_free (o->terminal_tokens);
}

/* A path from the config file is relative to the file's folder. */
static char *
config_path (GKeyFile *kf, const char *key, const char *config_dir, GError **error)
{
  g_autofree char *value = g_key_file_get_string (kf, CONFIG_GROUP, key, error);
  if (value == NULL)
    return NULL;
  if (g_path_is_absolute (value))
    return g_steal_pointer (&value);
  return g_build_filename (config_dir, value, NULL);
}

/* Where a path key of the [platform-sim] group goes; NULL: not a path key. */
static char **
path_slot (Options *o, const char *key)
{
  const struct { const char *key; char **slot; } paths[] = {
    { "data", &o->data }, { "state", &o->state },
    { "tls_cert", &o->tls_cert }, { "tls_key", &o->tls_key }, { "client_ca", &o->client_ca },
    { "wrong_ca_cert", &o->wrong_ca_cert }, { "wrong_ca_key", &o->wrong_ca_key },
    { "terminal_ca_cert", &o->terminal_ca_cert }, { "terminal_ca_key", &o->terminal_ca_key },
    { "terminal_tokens", &o->terminal_tokens },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    if (g_str_equal (key, paths[i].key))
      return paths[i].slot;
  return NULL;
}

/* Fills what the command line left unset from the [platform-sim] group. */
static gboolean
apply_config (Options *o, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;

  if (!g_key_file_load_from_file (kf, o->config, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "config %s: %s", o->config,
                   local->message);
      return FALSE;
    }
  if (!g_key_file_has_group (kf, CONFIG_GROUP))
    return TRUE;

  g_autofree char *dir = g_path_get_dirname (o->config);
  g_auto(GStrv) keys = g_key_file_get_keys (kf, CONFIG_GROUP, NULL, NULL);
  for (char **k = keys; k && *k; k++)
    {
      if (g_str_equal (*k, "port"))
        {
          gint port = g_key_file_get_integer (kf, CONFIG_GROUP, "port", &local);
          if (local != NULL || port < 0 || port > 65535)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "config %s: port must be 0..65535", o->config);
              return FALSE;
            }
          if (o->port == PORT_UNSET)
            o->port = port;
        }
      else if (path_slot (o, *k) != NULL)
        {
          char **slot = path_slot (o, *k);
          char *path = config_path (kf, *k, dir, &local);
          if (path == NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          if (*slot == NULL)
            *slot = path;
          else
            g_free (path);
        }
      else
        g_printerr ("haoban-platform-sim: config %s: ignoring unknown key %s\n", o->config, *k);
    }
  return TRUE;
}

/* TLS switches come in pairs; a lone one is a mistake, not a plain-HTTP sim. */
static gboolean
check_tls_options (Options *o, GError **error)
{
  const char *bad = NULL;

  if ((o->tls_cert == NULL) != (o->tls_key == NULL))
    bad = "--tls-cert and --tls-key go together";
  else if (o->client_ca && o->tls_cert == NULL)
    bad = "--client-ca needs --tls-cert and --tls-key";
  else if ((o->wrong_ca_cert == NULL) != (o->wrong_ca_key == NULL))
    bad = "--wrong-ca-cert and --wrong-ca-key go together";
  else if (o->wrong_ca_port != 0 && o->wrong_ca_cert == NULL)
    bad = "--wrong-ca-port needs --wrong-ca-cert and --wrong-ca-key";
  else if (o->wrong_ca_port < 0 || o->wrong_ca_port > 65535)
    bad = "--wrong-ca-port must be 0..65535";
  if (bad)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, bad);
      return FALSE;
    }
  return TRUE;
}

/* A certificate and its key from PEM files; GIO's TLS comes from glib-networking. */
static GTlsCertificate *
load_certificate (const char *cert, const char *key, GError **error)
{
  g_autoptr(GError) local = NULL;
  GTlsCertificate *c;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "TLS is not available to GIO (install glib-networking)");
      return NULL;
    }
  c = g_tls_certificate_new_from_files (cert, key, &local);
  if (c == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "certificate %s / key %s: %s",
                 cert, key, local->message);
  return c;
}

/* Sets up HTTPS on the main listener and the wrong-CA listener, as asked. */
static gboolean
setup_tls (HbSimPlatform *platform, Options *o, GError **error)
{
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GTlsCertificate) wrong = NULL;
  g_autoptr(GTlsDatabase) client_ca = NULL;

  if (o->client_ca)
    {
      g_autoptr(GError) local = NULL;
      /* GIO wants an absolute anchor file name. */
      g_autofree char *ca = g_canonicalize_filename (o->client_ca, NULL);
      client_ca = g_tls_file_database_new (ca, &local);
      if (client_ca == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "client CA %s: %s",
                       o->client_ca, local->message);
          return FALSE;
        }
    }
  if (o->tls_cert)
    {
      if ((cert = load_certificate (o->tls_cert, o->tls_key, error)) == NULL)
        return FALSE;
      hb_sim_platform_set_tls (platform, cert, client_ca);
    }
  if (o->wrong_ca_cert)
    {
      if ((wrong = load_certificate (o->wrong_ca_cert, o->wrong_ca_key, error)) == NULL)
        return FALSE;
      if (!hb_sim_platform_listen_second (platform, (guint16) o->wrong_ca_port, wrong,
                                          client_ca, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_options (int *argc, char ***argv, Options *o, GError **error)
{
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &o->port, "Port on 127.0.0.1 (0: any free port)", "P" },
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &o->data, "Folder with catalog.json and sample-cards.json", "DIR" },
    { "state", 's', 0, G_OPTION_ARG_FILENAME, &o->state, "Keep accepted records in FILE across restarts", "FILE" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &o->config, "Defaults from the [platform-sim] group of FILE", "FILE" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &o->tls_cert, "Serve HTTPS with this PEM certificate (chain)", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &o->tls_key, "The PEM key of --tls-cert", "FILE" },
    { "client-ca", 0, 0, G_OPTION_ARG_FILENAME, &o->client_ca, "Require client certificates issued by these PEM CAs (mutual TLS)", "FILE" },
    { "wrong-ca-cert", 0, 0, G_OPTION_ARG_FILENAME, &o->wrong_ca_cert, "Second HTTPS listener, same API, with this certificate from another CA", "FILE" },
    { "wrong-ca-key", 0, 0, G_OPTION_ARG_FILENAME, &o->wrong_ca_key, "The PEM key of --wrong-ca-cert", "FILE" },
    { "wrong-ca-port", 0, 0, G_OPTION_ARG_INT, &o->wrong_ca_port, "Port of the second listener (default 0: any free port)", "P" },
    { "terminal-ca-cert", 0, 0, G_OPTION_ARG_FILENAME, &o->terminal_ca_cert, "CA (PEM) that signs registered terminals' certificates (default: one made in memory)", "FILE" },
    { "terminal-ca-key", 0, 0, G_OPTION_ARG_FILENAME, &o->terminal_ca_key, "The PEM key of --terminal-ca-cert", "FILE" },
    { "terminal-tokens", 0, 0, G_OPTION_ARG_FILENAME, &o->terminal_tokens, "One-time enrolment tokens, one per line (default: " HB_SIM_DEMO_TOKEN ")", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- Haoban reference central platform");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;
  if (*argc > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "unexpected argument %s", (*argv)[1]);
      return FALSE;
    }
  if (o->port != PORT_UNSET && (o->port < 0 || o->port > 65535))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--port must be 0..65535");
      return FALSE;
    }
  if (o->config && !apply_config (o, error))
    return FALSE;
  if (!check_tls_options (o, error))
    return FALSE;
  if (o->port == PORT_UNSET)
    o->port = 0;
  if (o->data == NULL)
    o->data = g_strdup (HB_SOURCE_DATADIR);
  return TRUE;
}

static gboolean
on_quit_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

static gboolean
run (Options *o, GError **error)
{
  g_autofree char *catalog_path = g_build_filename (o->data, "catalog.json", NULL);
  g_autofree char *cards_path = g_build_filename (o->data, "sample-cards.json", NULL);

  /* Resident services read sample-cards.json and sample-enterprises.json there, and keep
   * their records next to the state file (<state>.services) (H19). */
  hb_sim_services_set_data_dir (o->data);
  g_autofree char *services_path = o->state ? g_strconcat (o->state, ".services", NULL) : NULL;
  hb_sim_services_set_state_path (services_path);

  g_autoptr(HbSimCatalog) catalog = hb_sim_catalog_new (catalog_path, error);
  if (catalog == NULL)
    return FALSE;
  g_autoptr(HbSimCodes) codes = hb_sim_codes_new (cards_path, error);
  if (codes == NULL)
    return FALSE;
  g_autoptr(HbSimStore) store = hb_sim_store_new (o->state, error);
  if (store == NULL)
    return FALSE;

  /* Signing keys live next to the state file (<state>.keys), or in memory without one. */
  g_autofree char *keys_path = o->state ? g_strconcat (o->state, ".keys", NULL) : NULL;
  g_autoptr(HbSimKeys) keys = hb_sim_keys_new (keys_path, error);
  if (keys == NULL)
    return FALSE;

  if (!hb_sim_terminals_configure (o->terminal_ca_cert, o->terminal_ca_key, o->terminal_tokens,
                                   error))
    return FALSE;
  g_autoptr(HbSimPlatform) platform = hb_sim_platform_new (catalog, codes, store, keys);
  if (!setup_tls (platform, o, error))
    return FALSE;
  if (!hb_sim_platform_listen (platform, (guint16) o->port, error))
    return FALSE;

  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  guint term = g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  guint intr = g_unix_signal_add (SIGINT, on_quit_signal, loop);

  printf ("haoban-platform-sim: listening on %s://127.0.0.1:%u\n",
          hb_sim_platform_get_tls (platform) ? "https" : "http",
          hb_sim_platform_get_port (platform));
  if (o->wrong_ca_cert)
    printf ("haoban-platform-sim: wrong-CA listener on https://127.0.0.1:%u\n",
            hb_sim_platform_get_second_port (platform));
  fflush (stdout);
  if (o->state)
    g_printerr ("haoban-platform-sim: state in %s (%u applications, %u ratings)\n", o->state,
                hb_sim_store_count (store, HB_SIM_KIND_APPLICATION),
                hb_sim_store_count (store, HB_SIM_KIND_RATING));

  g_main_loop_run (loop);

  g_source_remove (term);
  g_source_remove (intr);
  g_printerr ("haoban-platform-sim: stopping\n");
  return TRUE;
}

int
main (int argc, char **argv)
{
  Options o = { .port = PORT_UNSET };
  g_autoptr(GError) error = NULL;

  /* Writes to a client (or to a stdout whose reader went away) that closed must fail
   * with EPIPE, not kill the sim. */
  signal (SIGPIPE, SIG_IGN);

  if (!parse_options (&argc, &argv, &o, &error) || !run (&o, &error))
    {
      g_printerr ("haoban-platform-sim: %s\n", error->message);
      options_clear (&o);
      return 1;
    }
  options_clear (&o);
  return 0;
}
