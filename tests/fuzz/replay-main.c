/* replay-main.c — runs a libFuzzer target over its seed corpus without libFuzzer, so that
 * `make check` (gcc, optionally ASan) proves each target builds and survives its seeds.
 * Output is TAP: one test per corpus file, named after it.
 * Corpus: tests/fuzz/corpus/<target>/ under HB_SRCDIR. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

int
main (int argc, char **argv)
{
  const char *src = g_getenv ("HB_SRCDIR");
  g_autofree char *prog = g_path_get_basename (argv[0]);
  const char *target = g_str_has_prefix (prog, "replay-") ? prog + strlen ("replay-") : prog;
  g_autofree char *dir = g_build_filename (src ? src : ".", "tests", "fuzz", "corpus", target, NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (d && (name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  /* Always exercise the empty input too. */
  printf ("1..%u\n", names->len + 1);
  LLVMFuzzerTestOneInput ((const uint8_t *) "", 0);
  printf ("ok 1 /fuzz/%s/empty-input\n", target);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);
      g_autofree char *data = NULL;
      gsize len = 0;
      if (!g_file_get_contents (path, &data, &len, NULL))
        {
          printf ("not ok %u /fuzz/%s/%s # unreadable\n", i + 2, target, (char *) names->pdata[i]);
          continue;
        }
      LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
      printf ("ok %u /fuzz/%s/%s\n", i + 2, target, (char *) names->pdata[i]);
      fflush (stdout);
    }
  return 0;
}
