/* bench-camera.c — camera-path QR decode rate on one core: ZBar (our HbQrDecoder, binary
 * mode) against zxing-cpp 1.4 (tests/bench/camera-zxing.cpp) on the same frames in the
 * same run, at 640×480 and 1280×720.
 *
 * Each size has a set of frames with codes, drawn by tests/support/hb-qr-image.c: clean,
 * rotated 15°, low contrast, noisy, an offline code (HB1.…, ~450 chars), two codes — and
 * an empty frame (what the camera sees most of the time), timed on its own. The two
 * decoders take turns in slices so that load drifts hit both. Also: ZBar at scan density
 * 2, and the whole camera scanner (thread, debounce, posting) at 640×480 over a looping
 * memory source. The process is pinned to one CPU. Every decoder result is checked byte
 * for byte; "found" counts frames whose codes were all found.
 * Prints one JSON object on stdout. Usage: bench-camera [SECONDS_PER_CASE (1.0)] */
#include "drivers/scanner/hb-camera-scanner.h"
#include "drivers/scanner/hb-qr-decoder.h"
#include "tests/support/hb-qr-image.h"
#include "tests/common/hb-test-util.h"

#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*HbZxingFound) (const char *bytes, size_t length, void *data);
int hb_zxing_decode (const uint8_t *y800, int width, int height, int stride, HbZxingFound found,
                     void *data);

#define MAX_CODES 2

typedef struct {
  const char *name;
  guint8     *pixels;
  const char *expect[MAX_CODES];
  guint       n_expect;
} Case;

typedef struct {
  guint  width, height;
  Case   cases[8];
  guint  n_cases;
  guint8 *empty;
} FrameSet;

static char *offline;   /* the HB1 code */

static char *
make_offline_code (void)
{
  GString *s = g_string_new ("HB1.");
  const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  guint32 x = 12345;

  for (guint i = 0; i < 340; i++)
    {
      x = x * 1103515245u + 12345u;
      g_string_append_c (s, alphabet[(x >> 16) % 64]);
    }
  g_string_append_c (s, '.');
  for (guint i = 0; i < 96; i++)
    {
      x = x * 1103515245u + 12345u;
      g_string_append_c (s, alphabet[(x >> 16) % 64]);
    }
  return g_string_free (s, FALSE);
}

static void
add_case (FrameSet *set, const char *name, const HbQrScene *scene, const HbQrPlacement *p, guint n)
{
  g_autoptr(GError) error = NULL;
  Case *c = &set->cases[set->n_cases++];

  c->name = name;
  c->pixels = hb_qr_image_render (scene, p, n, &error);
  g_assert_no_error (error);
  c->n_expect = n;
  for (guint i = 0; i < n; i++)
    c->expect[i] = p[i].data;
}

static void
build_set (FrameSet *set, guint w, guint h)
{
  /* Module sizes as a phone screen held ~15 cm from a kiosk camera gives them. */
  double m = w >= 1280 ? 8 : 5;
  double cx = w / 2.0, cy = h / 2.0;
  HbQrScene plain = { .width = w, .height = h, .noise = 2, .seed = 1 };
  HbQrScene low = { .width = w, .height = h, .light = 150, .dark = 110, .noise = 2, .seed = 2 };
  HbQrScene noisy = { .width = w, .height = h, .light = 210, .dark = 40, .noise = 6, .seed = 3 };
  HbQrPlacement shebao = { .data = "社保查询", .length = -1, .cx = cx, .cy = cy, .module_px = m };
  HbQrPlacement rotated = shebao, dim = shebao, grainy = shebao;
  HbQrPlacement off = { .data = offline, .length = -1, .cx = cx, .cy = cy,
                        .module_px = w >= 1280 ? 6 : 4 };
  HbQrPlacement two[] = {
    { .data = "社保查询", .length = -1, .cx = w * 0.3, .cy = cy, .module_px = m },
    { .data = "居住证办理|K001", .length = -1, .cx = w * 0.72, .cy = cy, .module_px = m * 0.8,
      .angle_deg = 20 },
  };

  rotated.angle_deg = 15;
  dim.angle_deg = 8;
  grainy.angle_deg = 12;
  set->width = w;
  set->height = h;
  add_case (set, "clean", &plain, &shebao, 1);
  add_case (set, "rotated-15", &plain, &rotated, 1);
  add_case (set, "low-contrast", &low, &dim, 1);
  add_case (set, "noisy", &noisy, &grainy, 1);
  add_case (set, "offline-code", &plain, &off, 1);
  add_case (set, "two-codes", &plain, two, 2);
  set->empty = hb_qr_image_render (&plain, NULL, 0, NULL);
}

/* --- correctness --------------------------------------------------------------------------- */

typedef struct { const Case *c; guint matched; } Match;

static void
zxing_found (const char *bytes, size_t length, void *data)
{
  Match *m = data;
  for (guint i = 0; i < m->c->n_expect; i++)
    if (strlen (m->c->expect[i]) == length && memcmp (m->c->expect[i], bytes, length) == 0)
      m->matched |= 1u << i;
}

static gboolean
zbar_finds_all (HbQrDecoder *decoder, const FrameSet *set, const Case *c)
{
  g_autoptr(GPtrArray) codes = hb_qr_decoder_decode (decoder, c->pixels, (gsize) set->width * set->height,
                                                     set->width, set->height, set->width, NULL);
  Match m = { c, 0 };
  for (guint i = 0; codes && i < codes->len; i++)
    zxing_found (((HbQrSymbol *) codes->pdata[i])->text, ((HbQrSymbol *) codes->pdata[i])->length, &m);
  return m.matched == (1u << c->n_expect) - 1;
}

static gboolean
zxing_finds_all (const FrameSet *set, const Case *c)
{
  Match m = { c, 0 };
  hb_zxing_decode (c->pixels, (int) set->width, (int) set->height, (int) set->width, zxing_found, &m);
  return m.matched == (1u << c->n_expect) - 1;
}

/* --- timing ----------------------------------------------------------------------------------- */

typedef struct { guint64 frames; gint64 us; } Tally;

static void
run_zbar (HbQrDecoder *decoder, const FrameSet *set, guint8 *const *frames, guint n,
          double seconds, Tally *t)
{
  gint64 start = g_get_monotonic_time (), end = start + (gint64) (seconds * 1e6);
  guint i = 0;
  do
    {
      g_autoptr(GPtrArray) codes = hb_qr_decoder_decode (decoder, frames[i % n],
                                                         (gsize) set->width * set->height,
                                                         set->width, set->height, set->width, NULL);
      t->frames++;
      i++;
    }
  while (i % n != 0 || g_get_monotonic_time () < end);
  t->us += g_get_monotonic_time () - start;
}

static void
run_zxing (const FrameSet *set, guint8 *const *frames, guint n, double seconds, Tally *t)
{
  gint64 start = g_get_monotonic_time (), end = start + (gint64) (seconds * 1e6);
  guint i = 0;
  do
    {
      hb_zxing_decode (frames[i % n], (int) set->width, (int) set->height, (int) set->width, NULL, NULL);
      t->frames++;
      i++;
    }
  while (i % n != 0 || g_get_monotonic_time () < end);
  t->us += g_get_monotonic_time () - start;
}

static double
fps (const Tally *t)
{
  return t->us > 0 ? t->frames * 1e6 / t->us : 0;
}

#define SLICES 4

static void
bench_size (GString *json, guint w, guint h, double seconds)
{
  FrameSet set = { 0 };
  g_autoptr(HbQrDecoder) zbar = hb_qr_decoder_new ();
  g_autoptr(HbQrDecoder) sparse = hb_qr_decoder_new ();
  guint8 *frames[8];
  guint zbar_found = 0, zxing_found_n = 0, sparse_found = 0;
  Tally zb = { 0 }, zx = { 0 }, zbe = { 0 }, zxe = { 0 }, zbs = { 0 };

  build_set (&set, w, h);
  hb_qr_decoder_set_density (sparse, 2);
  g_string_append_printf (json, "{\"width\": %u, \"height\": %u, \"cases\": [", w, h);
  for (guint i = 0; i < set.n_cases; i++)
    {
      gboolean a = zbar_finds_all (zbar, &set, &set.cases[i]);
      gboolean b = zxing_finds_all (&set, &set.cases[i]);
      gboolean c = zbar_finds_all (sparse, &set, &set.cases[i]);
      frames[i] = set.cases[i].pixels;
      zbar_found += a;
      zxing_found_n += b;
      sparse_found += c;
      g_string_append_printf (json, "%s{\"name\": \"%s\", \"zbar\": %s, \"zxing\": %s, \"zbar_density2\": %s}",
                              i ? ", " : "", set.cases[i].name, a ? "true" : "false",
                              b ? "true" : "false", c ? "true" : "false");
    }
  g_string_append (json, "], ");

  /* Taking turns in slices: a load spike lands on both. */
  for (guint s = 0; s < SLICES; s++)
    {
      run_zbar (zbar, &set, frames, set.n_cases, seconds / SLICES, &zb);
      run_zxing (&set, frames, set.n_cases, seconds / SLICES, &zx);
      run_zbar (zbar, &set, &set.empty, 1, seconds / SLICES / 2, &zbe);
      run_zxing (&set, &set.empty, 1, seconds / SLICES / 2, &zxe);
      run_zbar (sparse, &set, frames, set.n_cases, seconds / SLICES / 2, &zbs);
    }
  g_string_append_printf (json,
    "\"frames_in_set\": %u, "
    "\"zbar\": {\"fps\": %.1f, \"ms_per_frame\": %.3f, \"found\": %u, \"empty_fps\": %.1f, \"empty_ms\": %.3f}, "
    "\"zxing\": {\"fps\": %.1f, \"ms_per_frame\": %.3f, \"found\": %u, \"empty_fps\": %.1f, \"empty_ms\": %.3f}, "
    "\"zbar_density2\": {\"fps\": %.1f, \"found\": %u}, "
    "\"ratio_zbar_to_zxing\": %.3f, \"empty_ratio_zbar_to_zxing\": %.3f}",
    set.n_cases,
    fps (&zb), 1000 / fps (&zb), zbar_found, fps (&zbe), 1000 / fps (&zbe),
    fps (&zx), 1000 / fps (&zx), zxing_found_n, fps (&zxe), 1000 / fps (&zxe),
    fps (&zbs), sparse_found,
    fps (&zb) / fps (&zx), fps (&zbe) / fps (&zxe));

  for (guint i = 0; i < set.n_cases; i++)
    g_free (set.cases[i].pixels);
  g_free (set.empty);
}

/* --- the whole camera scanner ------------------------------------------------------------- */

static void
opened (GObject *source, GAsyncResult *result, gpointer data)
{
  *(gboolean *) data = hb_device_open_finish (HB_DEVICE (source), result, NULL);
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static double
bench_scanner (double seconds, guint64 *scans)
{
  g_autoptr(HbMemoryFrameSource) source = hb_memory_frame_source_new ();
  g_autoptr(HbCameraScanner) scanner = NULL;
  FrameSet set = { 0 };
  HbCameraStats before, after;
  gboolean open = FALSE;
  gint64 t0, t1;

  build_set (&set, 640, 480);
  for (guint i = 0; i < set.n_cases; i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_take (set.cases[i].pixels, 640 * 480);
      g_autoptr(HbFrame) frame = hb_frame_new (640, 480, 640, bytes, 0);
      hb_memory_frame_source_push (source, frame);
    }
  g_free (set.empty);
  hb_memory_frame_source_set_loop (source, TRUE);
  scanner = hb_camera_scanner_new (HB_FRAME_SOURCE (source));
  hb_device_open_async (HB_DEVICE (scanner), NULL, opened, &open);
  g_assert_true (hb_test_wait_until (is_true, &open, 10000));
  hb_test_spin (100);
  hb_camera_scanner_get_stats (scanner, &before);
  t0 = g_get_monotonic_time ();
  hb_test_spin ((guint) (seconds * 1000));
  hb_camera_scanner_get_stats (scanner, &after);
  t1 = g_get_monotonic_time ();
  *scans = after.codes_emitted;
  g_clear_object (&scanner);
  return (after.frames - before.frames) * 1e6 / (t1 - t0);
}

static int
pin_to_one_cpu (void)
{
  cpu_set_t set;
  int cpu = sched_getcpu ();

  if (cpu < 0)
    cpu = 0;
  CPU_ZERO (&set);
  CPU_SET (cpu, &set);
  return sched_setaffinity (0, sizeof set, &set) == 0 ? cpu : -1;
}

int
main (int argc, char **argv)
{
  double seconds = argc > 1 ? g_ascii_strtod (argv[1], NULL) : 1.0;
  g_autoptr(GString) json = g_string_new ("{");
  g_autofree char *cpuinfo = hb_test_read_file ("/proc/cpuinfo", NULL);
  g_autofree char *model = NULL;
  guint64 scans = 0;
  double scanner_fps;
  int cpu;

  if (seconds <= 0)
    seconds = 1.0;
  offline = make_offline_code ();
  cpu = pin_to_one_cpu ();
  if (cpuinfo)
    {
      const char *m = strstr (cpuinfo, "model name");
      const char *colon = m ? strchr (m, ':') : NULL;
      if (colon)
        model = g_strstrip (g_strndup (colon + 1, strcspn (colon + 1, "\n")));
    }
  g_string_append_printf (json, "\"cpu\": \"%s\", \"pinned_cpu\": %d, \"seconds_per_case\": %.2f, "
                          "\"offline_code_chars\": %zu, \"sizes\": [",
                          model ? model : "?", cpu, seconds, strlen (offline));
  bench_size (json, 640, 480, seconds);
  g_string_append (json, ", ");
  bench_size (json, 1280, 720, seconds);
  scanner_fps = bench_scanner (seconds, &scans);
  g_string_append_printf (json, "], \"scanner_thread_640x480\": {\"fps\": %.1f, \"scans\": %" G_GUINT64_FORMAT "}}",
                          scanner_fps, scans);
  puts (json->str);
  g_free (offline);
  return 0;
}
