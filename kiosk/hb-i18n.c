/* hb-i18n.c — run-time language switching over gettext. */
#include "kiosk/hb-i18n.h"

#include <glib/gi18n.h>
#include <locale.h>

/* glibc's catalogue generation counter: bumping it makes gettext drop cached
 * translations after LANGUAGE changes (documented in the gettext manual, "Being a
 * gettext grok"). */
extern int _nl_msg_cat_cntr;

static char current[8] = "zh_CN";

void
hb_i18n_init (const char *localedir)
{
  const char *loc = setlocale (LC_ALL, "");
  if (loc == NULL || g_str_equal (loc, "C") || g_str_equal (loc, "POSIX"))
    setlocale (LC_ALL, "C.UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  hb_i18n_set_language (current);
}

void
hb_i18n_set_language (const char *language)
{
  const char *lang = g_strcmp0 (language, "en") == 0 ? "en" : "zh_CN";
  g_strlcpy (current, lang, sizeof current);
  g_setenv ("LANGUAGE", lang, TRUE);
  ++_nl_msg_cat_cntr;
}

const char *
hb_i18n_get_language (void)
{
  return current;
}

gboolean
hb_i18n_is_english (void)
{
  return current[0] == 'e';
}

const char *
hb_i18n_pick (const char *zh, const char *en)
{
  if (hb_i18n_is_english () && en != NULL && *en != '\0')
    return en;
  return zh;
}
