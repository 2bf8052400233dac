/* hb-fake-umockdev.c — run a test program under umockdev's preload library. */
#define G_LOG_DOMAIN "hb-fake"

#include "tests/support/hb-fake-sam.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Set in the re-executed child: if the preload still is not there, do not loop. */
#define REEXEC_MARK "HB_UMOCKDEV_REEXEC"

static gboolean
under_preload (void)
{
  const char *preload = g_getenv ("LD_PRELOAD");

  return g_getenv ("UMOCKDEV_DIR") != NULL ||
         (preload != NULL && strstr (preload, "libumockdev-preload") != NULL);
}

gboolean
hb_fake_reexec_under_umockdev (int argc, char **argv)
{
  g_autofree char *wrapper = NULL;
  g_autofree char *self = NULL;
  g_autofree char *asan = NULL;
  g_autoptr(GPtrArray) args = NULL;
  const char *asan_env;

  if (under_preload ())
    return TRUE;
  if (g_getenv (REEXEC_MARK) != NULL)
    return FALSE;
  /* umockdev-wrapper only sets LD_PRELOAD; the testbed (umockdev_testbed_new) sets
   * UMOCKDEV_DIR later, in the child. */
  wrapper = g_find_program_in_path ("umockdev-wrapper");
  self = g_file_read_link ("/proc/self/exe", NULL);
  if (wrapper == NULL || self == NULL)
    return FALSE;

  /* The preload library comes first in the link order, before ASan's runtime: tell ASan
   * that this is intended (harmless without sanitizers). */
  asan_env = g_getenv ("ASAN_OPTIONS");
  asan = g_strconcat (asan_env ? asan_env : "", asan_env && *asan_env ? ":" : "",
                      "verify_asan_link_order=0", NULL);
  g_setenv ("ASAN_OPTIONS", asan, TRUE);
  g_setenv (REEXEC_MARK, "1", TRUE);

  args = g_ptr_array_new ();
  g_ptr_array_add (args, wrapper);
  g_ptr_array_add (args, self);
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);

  fflush (stdout);
  fflush (stderr);
  execv (wrapper, (char **) args->pdata);

  g_printerr ("Cannot run %s under %s: %s\n", self, wrapper, g_strerror (errno));
  return FALSE;
}
