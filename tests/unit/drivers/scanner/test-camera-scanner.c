/* Tests for drivers/scanner/hb-camera-scanner.c: frames from a memory source through the
 * real decoder thread — debounce (one scan per appearance, again after the code left the
 * view or after repeat_ms, by frame time), several codes, bad payloads, status from the
 * source's failures and recovery, and close/dispose while a frame is being decoded. */
#include "drivers/scanner/hb-camera-scanner.h"
#include "tests/support/hb-qr-image.h"
#include "tests/unit/drivers/scanner/scanner-test.h"

#include <string.h>

#define MS 1000
#define T0 (1000 * 1000)      /* frame times start at 1 s (0 would mean "stamp it now") */

typedef struct {
  HbMemoryFrameSource *source;
  HbCameraScanner     *scanner;
  GPtrArray           *scans;        /* char* copies, in order */
  GThread             *main_thread;
  gboolean             wrong_thread;
  guint                frames_pushed;
  HbFrame             *shebao, *juzhu, *both, *empty, *gbk;
} Fixture;

static HbFrame *
frame_of (const HbQrPlacement *p, guint n)
{
  g_autoptr(GError) error = NULL;
  HbQrScene scene = { .width = 640, .height = 480, .noise = 3, .seed = 11 };
  HbFrame *frame = hb_qr_image_frame (&scene, p, n, &error);
  g_assert_no_error (error);
  return frame;
}

static void
on_code (HbScanner *scanner, const char *text, Fixture *f)
{
  if (g_thread_self () != f->main_thread)
    f->wrong_thread = TRUE;
  g_ptr_array_add (f->scans, g_strdup (text));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  HbQrPlacement a = { .data = "社保查询", .length = -1, .cx = 200, .cy = 240, .module_px = 6 };
  HbQrPlacement b = { .data = "居住证办理", .length = -1, .cx = 460, .cy = 240, .module_px = 5,
                      .angle_deg = 30 };
  HbQrPlacement ab[] = { a, b };
  HbQrPlacement g = { .data = "\xc9\xe7\xb1\xa3", .length = 4, .cx = 320, .cy = 240, .module_px = 6 };
  HbCameraTiming timing;

  f->main_thread = g_thread_self ();
  f->scans = g_ptr_array_new_with_free_func (g_free);
  f->shebao = frame_of (&a, 1);
  f->juzhu = frame_of (&b, 1);
  f->both = frame_of (ab, 2);
  f->empty = frame_of (NULL, 0);
  f->gbk = frame_of (&g, 1);
  f->source = hb_memory_frame_source_new ();
  f->scanner = hb_camera_scanner_new (HB_FRAME_SOURCE (f->source));
  hb_camera_timing_init (&timing);
  timing.restart_ms = 20;
  timing.frame_timeout_ms = 5000;   /* tests feed frames when they like */
  hb_camera_scanner_set_timing (f->scanner, &timing);
  g_signal_connect (f->scanner, "code-scanned", G_CALLBACK (on_code), f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->scanner);
  g_clear_object (&f->source);
  g_ptr_array_unref (f->scans);
  hb_frame_unref (f->shebao);
  hb_frame_unref (f->juzhu);
  hb_frame_unref (f->both);
  hb_frame_unref (f->empty);
  hb_frame_unref (f->gbk);
}

typedef struct { Fixture *f; guint64 frames; } FramesWait;

static gboolean
frames_done (gpointer data)
{
  FramesWait *w = data;
  HbCameraStats stats;
  hb_camera_scanner_get_stats (w->f->scanner, &stats);
  return stats.frames >= w->frames;
}

/* Feeds frames with the given frame times (ms after T0) and waits until the scanner has
 * decoded them all and its events have reached this thread. */
static void
feed (Fixture *f, HbFrame *const *frames, const guint *at_ms, guint n)
{
  FramesWait w = { f, 0 };
  HbCameraStats stats;

  hb_camera_scanner_get_stats (f->scanner, &stats);
  w.frames = stats.frames + n;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HbFrame) stamped = hb_frame_restamp (frames[i], 0, T0 + (gint64) at_ms[i] * MS);
      hb_memory_frame_source_push (f->source, stamped);
    }
  g_assert_true (hb_test_wait_until (frames_done, &w, 20000));
  /* The scanner posts its events before it counts the frame: they are queued now. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
assert_scans (Fixture *f, const char *const *expected, guint n)
{
  g_assert_cmpuint (f->scans->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (f->scans->pdata[i], ==, expected[i]);
  g_assert_false (f->wrong_thread);
}

static void
test_consecutive_frames_are_one_scan (Fixture *f, gconstpointer data)
{
  HbFrame *frames[] = { f->empty, f->shebao, f->shebao, f->shebao, f->shebao, f->shebao };
  const guint at[] = { 0, 100, 200, 300, 400, 500 };
  const char *expected[] = { "社保查询" };

  scanner_test_open (f->scanner);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->scanner)), ==, HB_DEVICE_STATUS_STARTING);
  feed (f, frames, at, G_N_ELEMENTS (frames));
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->scanner)), ==, HB_DEVICE_STATUS_ONLINE);
  assert_scans (f, expected, 1);
  scanner_test_close (f->scanner);
}

static void
test_again_after_leaving_the_view (Fixture *f, gconstpointer data)
{
  /* A flicker (one or two frames without it) is not leaving; three frames are. */
  HbFrame *frames[] = { f->shebao, f->empty, f->shebao, f->empty, f->empty, f->shebao,
                        f->empty, f->empty, f->empty, f->shebao, f->shebao };
  const guint at[] = { 0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000 };
  const char *expected[] = { "社保查询", "社保查询" };

  scanner_test_open (f->scanner);
  feed (f, frames, at, G_N_ELEMENTS (frames));
  assert_scans (f, expected, 2);
  scanner_test_close (f->scanner);
}

static void
test_held_in_view_repeats_after_repeat_ms (Fixture *f, gconstpointer data)
{
  HbFrame *frames[] = { f->shebao, f->shebao, f->shebao, f->shebao, f->shebao, f->shebao,
                        f->shebao };
  /* Frame times, not wall time: the rule holds however fast frames are decoded. */
  const guint at[] = { 0, 1000, 2000, 4999, 5000, 6000, 9999 };
  const char *expected[] = { "社保查询", "社保查询" };

  scanner_test_open (f->scanner);
  feed (f, frames, at, G_N_ELEMENTS (frames));
  assert_scans (f, expected, 2);
  scanner_test_close (f->scanner);
}

static void
test_repeat_off_means_once_per_appearance (Fixture *f, gconstpointer data)
{
  HbFrame *frames[] = { f->shebao, f->shebao, f->shebao };
  const guint at[] = { 0, 60000, 120000 };
  const char *expected[] = { "社保查询" };
  HbCameraTiming timing;

  hb_camera_timing_init (&timing);
  timing.repeat_ms = 0;
  hb_camera_scanner_set_timing (f->scanner, &timing);
  scanner_test_open (f->scanner);
  feed (f, frames, at, G_N_ELEMENTS (frames));
  assert_scans (f, expected, 1);
  scanner_test_close (f->scanner);
}

static void
test_several_codes_each_once (Fixture *f, gconstpointer data)
{
  HbFrame *frames[] = { f->both, f->both, f->juzhu, f->both };
  const guint at[] = { 0, 100, 200, 300 };

  scanner_test_open (f->scanner);
  feed (f, frames, at, G_N_ELEMENTS (frames));
  /* Both codes once: the one that stayed is not repeated, nor the one that flickered. */
  g_assert_cmpuint (f->scans->len, ==, 2);
  g_assert_true (g_ptr_array_find_with_equal_func (f->scans, "社保查询", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (f->scans, "居住证办理", g_str_equal, NULL));
  g_assert_false (f->wrong_thread);
  scanner_test_close (f->scanner);
}

static void
test_bad_payload_never_emitted (Fixture *f, gconstpointer data)
{
  HbFrame *frames[] = { f->gbk, f->gbk, f->shebao };
  const guint at[] = { 0, 100, 200 };
  const char *expected[] = { "社保查询" };
  HbCameraStats stats;

  scanner_test_open (f->scanner);
  feed (f, frames, at, G_N_ELEMENTS (frames));
  assert_scans (f, expected, 1);
  hb_camera_scanner_get_stats (f->scanner, &stats);
  g_assert_cmpuint (stats.rejected, ==, 2);
  g_assert_cmpuint (stats.codes_emitted, ==, 1);

  /* Status reports counts, never a code. */
  {
    g_autoptr(JsonBuilder) builder = json_builder_new ();
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *text = NULL;
    JsonObject *camera;

    json_builder_begin_object (builder);
    hb_device_describe (HB_DEVICE (f->scanner), builder);
    json_builder_end_object (builder);
    node = json_builder_get_root (builder);
    camera = json_object_get_object_member (json_node_get_object (node), "camera");
    g_assert_nonnull (camera);
    g_assert_cmpint (json_object_get_int_member (camera, "frames"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (camera, "scans"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (camera, "rejected"), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "driver"), ==, "camera");
    text = json_to_string (node, FALSE);
    g_assert_null (strstr (text, "社保"));
  }
  scanner_test_close (f->scanner);
}

typedef struct { HbDevice *device; HbDeviceStatus status; const char *detail; } StatusWait;

static gboolean
status_is (gpointer data)
{
  StatusWait *w = data;
  return hb_device_get_status (w->device) == w->status &&
         (w->detail == NULL || g_strcmp0 (hb_device_get_status_detail (w->device), w->detail) == 0);
}

static void
wait_status (Fixture *f, HbDeviceStatus status, const char *detail)
{
  StatusWait w = { HB_DEVICE (f->scanner), status, detail };
  g_assert_true (hb_test_wait_until (status_is, &w, 10000));
}

static void
test_source_errors_set_status (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) gone = g_error_new_literal (HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE, "unplugged");
  g_autoptr(GError) broken = g_error_new_literal (HB_DEVICE_ERROR, HB_DEVICE_ERROR_HARDWARE, "EIO");
  HbFrame *frames[] = { f->shebao };
  const guint at[] = { 0 };
  const guint at2[] = { 10000 };
  const char *expected[] = { "社保查询", "社保查询" };
  HbCameraStats stats;

  /* Not there at open: open still succeeds, and says so. */
  hb_memory_frame_source_set_error (f->source, gone);
  scanner_test_open (f->scanner);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->scanner)), ==, HB_DEVICE_STATUS_NO_DEVICE);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (f->scanner)), ==, "not connected");

  /* Plugged in: started again, online with the first frame, scans flow. */
  hb_memory_frame_source_set_error (f->source, NULL);
  feed (f, frames, at, 1);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->scanner)), ==, HB_DEVICE_STATUS_ONLINE);
  assert_scans (f, expected, 1);

  /* A fault while streaming, then unplugged: status follows each. */
  hb_memory_frame_source_set_error (f->source, broken);
  wait_status (f, HB_DEVICE_STATUS_HARDWARE_ERROR, "camera fault");
  hb_memory_frame_source_set_error (f->source, gone);
  wait_status (f, HB_DEVICE_STATUS_NO_DEVICE, NULL);
  hb_memory_frame_source_set_error (f->source, NULL);
  /* Back: the same code is a new scan (it was gone). */
  feed (f, frames, at2, 1);
  wait_status (f, HB_DEVICE_STATUS_ONLINE, NULL);
  hb_camera_scanner_get_stats (f->scanner, &stats);
  g_assert_cmpuint (stats.source_starts, >=, 2);
  g_assert_cmpuint (hb_memory_frame_source_get_starts (f->source), ==, stats.source_starts);
  assert_scans (f, expected, 2);
  scanner_test_close (f->scanner);
}

static void
test_no_frames_is_a_fault (Fixture *f, gconstpointer data)
{
  HbCameraTiming timing;
  HbFrame *frames[] = { f->empty };
  const guint at[] = { 0 };

  hb_camera_timing_init (&timing);
  timing.frame_timeout_ms = 100;
  timing.restart_ms = 10;
  hb_camera_scanner_set_timing (f->scanner, &timing);
  scanner_test_open (f->scanner);
  /* A camera that streams nothing: open completes (bounded), then "no frames". */
  wait_status (f, HB_DEVICE_STATUS_HARDWARE_ERROR, "no frames");
  /* Frames again: online. */
  feed (f, frames, at, 1);
  wait_status (f, HB_DEVICE_STATUS_ONLINE, NULL);
  scanner_test_close (f->scanner);
}

static void
test_close_and_dispose_while_decoding (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbQrScene scene = { .width = 1920, .height = 1080, .noise = 6, .seed = 4 };
  HbQrPlacement p = { .data = "社保查询", .length = -1, .cx = 900, .cy = 500, .module_px = 9,
                      .angle_deg = 20 };
  g_autoptr(HbFrame) big = hb_qr_image_frame (&scene, &p, 1, &error);
  FramesWait w = { f, 3 };
  HbCameraStats stats;
  HbCameraTiming timing;

  g_assert_no_error (error);
  /* Looped frames are stamped with the real clock: no repeats, however slow the run. */
  hb_camera_timing_init (&timing);
  timing.repeat_ms = 0;
  hb_camera_scanner_set_timing (f->scanner, &timing);
  hb_memory_frame_source_set_loop (f->source, TRUE);
  hb_memory_frame_source_push (f->source, big);
  scanner_test_open (f->scanner);
  g_assert_true (hb_test_wait_until (frames_done, &w, 20000));
  /* Close lands while a frame is being decoded (the loop never waits for frames). */
  scanner_test_close (f->scanner);
  g_assert_false (hb_device_is_open (HB_DEVICE (f->scanner)));
  hb_camera_scanner_get_stats (f->scanner, &stats);
  {
    HbCameraStats later;
    /* The thread is gone: nothing is decoded after close returned. */
    hb_memory_frame_source_push (f->source, big);
    hb_test_spin (50);
    hb_camera_scanner_get_stats (f->scanner, &later);
    g_assert_cmpuint (later.frames, ==, stats.frames);
  }
  g_assert_cmpuint (f->scans->len, ==, 1);

  /* Opened again, and this time dropped while decoding: dispose joins the thread. */
  scanner_test_open (f->scanner);
  w.frames = stats.frames + 2;
  g_assert_true (hb_test_wait_until (frames_done, &w, 20000));
  g_clear_object (&f->scanner);
  /* Events it posted before going find no scanner and are dropped. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (f->wrong_thread);
}

static void
test_v4l2_constructor_missing_camera (void)
{
  g_autoptr(HbCameraScanner) scanner = hb_camera_scanner_new_v4l2 ("/nonexistent/video9");
  Fixture f = { .scanner = scanner };
  HbCameraTiming timing;

  hb_camera_timing_init (&timing);
  timing.restart_ms = 50;
  hb_camera_scanner_set_timing (scanner, &timing);
  g_assert_cmpstr (hb_device_get_driver_id (HB_DEVICE (scanner)), ==, "camera");
  g_assert_cmpint (hb_device_get_kind (HB_DEVICE (scanner)), ==, HB_DEVICE_KIND_SCANNER);
  g_assert_cmpstr (hb_device_get_name (HB_DEVICE (scanner)), ==, "/nonexistent/video9");
  scanner_test_open (f.scanner);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (scanner)), ==, HB_DEVICE_STATUS_NO_DEVICE);
  scanner_test_close (f.scanner);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/drivers/scanner/camera/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("code-in-consecutive-frames-is-one-scan", test_consecutive_frames_are_one_scan);
  ADD ("same-code-again-after-it-left-the-view", test_again_after_leaving_the_view);
  ADD ("code-held-in-view-repeats-after-repeat-ms", test_held_in_view_repeats_after_repeat_ms);
  ADD ("repeat-off-means-once-per-appearance", test_repeat_off_means_once_per_appearance);
  ADD ("several-codes-in-view-are-each-scanned-once", test_several_codes_each_once);
  ADD ("non-utf8-code-is-never-emitted", test_bad_payload_never_emitted);
  ADD ("source-errors-set-the-device-status-and-recover", test_source_errors_set_status);
  ADD ("no-frames-in-time-is-a-hardware-error", test_no_frames_is_a_fault);
  ADD ("close-and-dispose-while-decoding", test_close_and_dispose_while_decoding);
#undef ADD
  g_test_add_func ("/drivers/scanner/camera/v4l2-scanner-without-camera-is-no-device",
                   test_v4l2_constructor_missing_camera);
  return g_test_run ();
}
