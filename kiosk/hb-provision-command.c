/* hb-provision-command.c — `haobanctl provision`. */
#include "kiosk/hb-provision-command.h"
#include "kiosk/hb-provision.h"

#include <stdio.h>
#include <string.h>

#define TOKEN_LINE_MAX 256

static int
usage (void)
{
  fprintf (stderr,
           "usage: haobanctl provision --platform URL --token TOKEN|- [--terminal-id ID]\n"
           "                           [--ca FILE] [--tls-dir DIR] [--timeout SECONDS]\n");
  return 2;
}

/* One line from stdin, without its newline; NULL on EOF or an over-long line. */
static char *
read_token_line (void)
{
  char buf[TOKEN_LINE_MAX];
  char *token;
  gsize n;

  if (fgets (buf, sizeof buf, stdin) == NULL)
    return NULL;
  n = strcspn (buf, "\r\n");
  if (buf[n] == '\0' && n == sizeof buf - 1)
    {
      explicit_bzero (buf, sizeof buf);
      return NULL;
    }
  buf[n] = '\0';
  token = g_strdup (g_strstrip (buf));
  explicit_bzero (buf, sizeof buf);
  return token;
}

/* What the technician should do after each failure. */
static const char *
advice (const GError *error)
{
  if (error->domain != HB_PROVISION_ERROR)
    return NULL;
  switch ((HbProvisionError) error->code)
    {
    case HB_PROVISION_ERROR_BAD_TOKEN:
    case HB_PROVISION_ERROR_TOKEN_USED:
      return "get a new enrolment token for this terminal from the platform's operators";
    case HB_PROVISION_ERROR_UNREACHABLE:
      return "check the network and the URL (haobanctl doctor); for an https:// platform "
             "with its own CA, pass that CA with --ca FILE";
    case HB_PROVISION_ERROR_NOT_WRITABLE:
      return "run as root (sudo haobanctl provision …), or give --config a file you may write";
    case HB_PROVISION_ERROR_CHECK_FAILED:
      return "the identity is installed; run haobanctl doctor to see what is wrong with the "
             "connection";
    case HB_PROVISION_ERROR_INVALID_REPLY:
    case HB_PROVISION_ERROR_REJECTED:
      return "the platform's answer was not usable: tell the platform's operators";
    case HB_PROVISION_ERROR_INVALID_ARGUMENT:
      return NULL;
    }
  return NULL;
}

int
hb_provision_command_run (HbConfig *config, int argc, char **argv)
{
  HbProvisionOptions o = { 0 };
  g_auto(HbProvisionResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  const char *token_arg = NULL;
  guint64 timeout_s = 15;
  const char *fix;

  for (int i = 0; i < argc; i += 2)
    {
      const char *a = argv[i];
      const char *v = i + 1 < argc ? argv[i + 1] : NULL;
      if (v == NULL)
        return usage ();
      if (g_str_equal (a, "--platform"))
        o.platform_url = v;
      else if (g_str_equal (a, "--token"))
        token_arg = v;
      else if (g_str_equal (a, "--terminal-id"))
        o.terminal_id = v;
      else if (g_str_equal (a, "--ca"))
        o.bootstrap_ca = v;
      else if (g_str_equal (a, "--tls-dir"))
        o.tls_dir = v;
      else if (g_str_equal (a, "--timeout"))
        {
          if (!g_ascii_string_to_unsigned (v, 10, 1, 600, &timeout_s, NULL))
            return usage ();
        }
      else
        return usage ();
    }
  if (o.platform_url == NULL || token_arg == NULL)
    return usage ();
  token = g_str_equal (token_arg, "-") ? read_token_line () : g_strdup (token_arg);
  if (token == NULL)
    {
      fprintf (stderr, "haobanctl: provision: no token on stdin\n");
      return 2;
    }
  o.token = token;
  o.timeout_ms = (guint) timeout_s * 1000;
  o.config_path = hb_config_get_source (config) ? hb_config_get_source (config)
                                                : HB_CONFIG_SYSTEM_FILE;

  printf ("registering with %s …\n", o.platform_url);
  fflush (stdout);
  gboolean ok = hb_provision_run (&o, &result, &error);
  explicit_bzero (token, strlen (token));
  if (result.terminal_id)
    {
      printf ("terminal id: %s\n", result.terminal_id);
      printf ("platform: %s\n", result.platform_url);
      printf ("installed: %s (valid until %s)\n", result.cert_path, result.not_after);
      printf ("installed: %s (private key, 0600; made on this terminal)\n", result.key_path);
      printf ("installed: %s\n", result.ca_path);
      printf ("config: %s ([terminal] id, [platform] url, ca_file, client_cert, client_key)\n",
              o.config_path);
    }
  if (!ok)
    {
      fprintf (stderr, "haobanctl: provision: %s\n", error->message);
      if ((fix = advice (error)) != NULL)
        fprintf (stderr, "  fix: %s\n", fix);
      return 1;
    }
  printf ("check: GET /v1/keys answered HTTP %ld with the new identity: OK\n",
          result.check_status);
  printf ("restart the kiosk so it uses the new identity\n");
  return 0;
}
