/* test-context.c — hb_context_post: work handed to a main context runs on the thread
 * that iterates it, in order, even when nobody iterates it at the moment of posting. */
#include "common/hb-context.h"
#include "tests/common/hb-test-util.h"

typedef struct {
  GThread *ran_on;
  guint    order[8];
  guint    n;
  gboolean freed;
} Record;

typedef struct { Record *r; guint tag; } Item;

static gboolean
record (gpointer data)
{
  Item *item = data;
  item->r->ran_on = g_thread_self ();
  item->r->order[item->r->n++] = item->tag;
  return G_SOURCE_REMOVE;
}

static gpointer
post_three (gpointer data)
{
  Record *r = data;
  for (guint i = 1; i <= 3; i++)
    {
      Item *item = g_new0 (Item, 1);
      item->r = r;
      item->tag = i;
      hb_context_post (NULL, "test", record, item, g_free);
    }
  return NULL;
}

/* The main thread is parked in g_thread_join, holding nothing: this is exactly when
 * g_main_context_invoke would run the function on the worker. */
static void
test_runs_on_the_iterating_thread_in_order (void)
{
  Record r = { 0 };
  GThread *worker = g_thread_new ("poster", post_three, &r);

  g_thread_join (worker);
  g_assert_cmpuint (r.n, ==, 0);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (r.n, ==, 3);
  g_assert_true (r.ran_on == g_thread_self ());
  g_assert_cmpuint (r.order[0], ==, 1);
  g_assert_cmpuint (r.order[1], ==, 2);
  g_assert_cmpuint (r.order[2], ==, 3);
}

static gboolean
never (gpointer data)
{
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

static void
set_freed (gpointer data)
{
  ((Record *) data)->freed = TRUE;
}

static void
test_data_is_released_with_the_context (void)
{
  GMainContext *context = g_main_context_new ();
  Record r = { 0 };

  hb_context_post (context, "test", never, &r, set_freed);
  g_assert_false (r.freed);
  g_main_context_unref (context);
  g_assert_true (r.freed);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/common/context/post/runs-on-the-iterating-thread-in-order",
                   test_runs_on_the_iterating_thread_in_order);
  g_test_add_func ("/common/context/post/data-is-released-with-the-context",
                   test_data_is_released_with_the_context);
  return g_test_run ();
}
