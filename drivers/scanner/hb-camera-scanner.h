/* hb-camera-scanner.h — a QR scanner made of a camera: frames from an HbFrameSource (a
 * V4L2 camera, or memory in tests), decoded with ZBar on the scanner's own thread.
 *
 *   open:     starts the source on the thread and completes once it started (status
 *             "starting" until the first frame, then "online") or failed to; it succeeds
 *             even without a camera: the status says no-device and the source is retried
 *             every restart_ms.
 *   frames:   each one is decoded (hb-qr-decoder.h: binary mode, UTF-8 checked). A code is
 *             one scan however many frames show it: "code-scanned" fires when it appears,
 *             again only after it was missing from absent_frames frames in a row (it left
 *             the view) or, while it stays in view, after repeat_ms (0: never). Times are
 *             the frames' own timestamps, so the rule does not depend on decode speed.
 *   faults:   a source error sets the status (no-device for HB_DEVICE_ERROR_NO_DEVICE,
 *             else hardware-error; "no frames" when none came in frame_timeout_ms), the
 *             source is stopped and restarted every restart_ms until it works again.
 *   close / dispose: stop the thread (a frame being decoded is finished first: ZBar
 *             cannot be interrupted; a wait for a frame is cancelled) and the source.
 * "code-scanned" and status changes reach the main context the scanner was created in
 * through hb_context_post. Decoded texts are wiped once emitted. hb_device_describe adds
 * "camera": {frames, scans, rejected, decode_ms_avg}. */
#pragma once

#include "drivers/scanner/hb-scanner.h"
#include "drivers/scanner/hb-frame-source.h"

G_BEGIN_DECLS

typedef struct {
  guint frame_timeout_ms;   /* longest wait for a frame before "no frames" (2000) */
  guint absent_frames;      /* frames in a row without a code: it left the view (3) */
  guint repeat_ms;          /* a code held in view is reported again after (5000; 0 never) */
  guint restart_ms;         /* a failed or missing source is restarted every (2000) */
  guint density;            /* ZBar scan density, 1..8 (1) */
} HbCameraTiming;

void hb_camera_timing_init (HbCameraTiming *timing);

#define HB_TYPE_CAMERA_SCANNER (hb_camera_scanner_get_type ())
G_DECLARE_FINAL_TYPE (HbCameraScanner, hb_camera_scanner, HB, CAMERA_SCANNER, HbScanner)

/* Property "source" (construct-only). */
HbCameraScanner *hb_camera_scanner_new      (HbFrameSource *source);
/* A V4L2 camera (hb-v4l2-source.h) at its default size. */
HbCameraScanner *hb_camera_scanner_new_v4l2 (const char *device_path);
HbFrameSource   *hb_camera_scanner_get_source (HbCameraScanner *self);
/* Before open; copies. */
void             hb_camera_scanner_set_timing (HbCameraScanner *self, const HbCameraTiming *timing);

typedef struct {
  guint64 frames;           /* frames decoded since creation */
  guint64 codes_emitted;    /* scans handed to the main context */
  guint64 rejected;         /* codes dropped: not UTF-8, NUL, too long */
  guint64 bad_frames;       /* frames the decoder refused */
  guint   source_starts;    /* successful starts of the source */
  gint64  last_decode_us;
  gint64  total_decode_us;
} HbCameraStats;
/* Any thread. */
void             hb_camera_scanner_get_stats (HbCameraScanner *self, HbCameraStats *stats);

G_END_DECLS
