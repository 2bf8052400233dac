/* hb-context.c — always-deferred hand-over to a main context (see the header for why). */
#include "common/hb-context.h"

void
hb_context_post (GMainContext *context, const char *name, GSourceFunc func, gpointer data,
                 GDestroyNotify destroy)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  if (name)
    g_source_set_static_name (source, name);
  g_source_attach (source, context);
  g_source_unref (source);
}
