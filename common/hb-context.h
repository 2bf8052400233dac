/* hb-context.h — hand work from a worker thread to the thread that runs a main context.
 *
 * g_main_context_invoke_full() is not that: when nobody holds the target context at the
 * moment of the call (the main thread sleeping between iterations, blocked in a join, or
 * not yet in its loop), it acquires the context and runs the function right there, on the
 * worker thread — signals then reach UI and session code on the wrong thread. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Run func(data) from an idle source attached to context (NULL: the global default) at
 * default priority, never on the calling thread unless that thread runs the context.
 * Calls made from one thread are dispatched in the order they were made. destroy(data)
 * runs after func, or when the context is destroyed first. Any thread. */
void hb_context_post (GMainContext *context, const char *name, GSourceFunc func,
                      gpointer data, GDestroyNotify destroy);

G_END_DECLS
