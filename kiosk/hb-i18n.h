/* hb-i18n.h — the UI language, switchable at run time for each resident.
 *
 * Source strings are Chinese (zh_CN); po/en.po translates them. Switching sets the
 * gettext LANGUAGE and invalidates gettext's cache, so strings looked up afterwards come
 * in the new language; the UI rebuilds its pages to pick them up. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* setlocale (falling back to C.UTF-8 where the environment has no usable locale, since
 * gettext ignores LANGUAGE under the "C" locale), bind the text domain to localedir. */
void        hb_i18n_init (const char *localedir);
/* "zh_CN" or "en"; anything else is treated as "zh_CN". Main thread only. */
void        hb_i18n_set_language (const char *language);
const char *hb_i18n_get_language (void);
gboolean    hb_i18n_is_english (void);

/* Pick between a Chinese text and its English sibling for the current language
 * (catalog data carries "x" and "x_en"); falls back to Chinese when en is NULL/empty. */
const char *hb_i18n_pick (const char *zh, const char *en);

G_END_DECLS
