/* hb-qr-image.h — synthetic camera frames with QR codes in them (libqrencode → Y800),
 * for the camera decoder tests and benchmark: any frame size (640×480, 1280×720 …), any
 * module size, position and rotation angle, a quiet zone, low contrast, sensor-like
 * noise, and several codes in one frame. Deterministic for a given seed. */
#pragma once

#include "drivers/scanner/hb-frame-source.h"

G_BEGIN_DECLS

typedef struct {
  const char *data;        /* payload bytes (any bytes: non-UTF-8 too) */
  gssize      length;      /* -1: strlen (data) */
  double      cx, cy;      /* centre in the frame, pixels */
  double      module_px;   /* side of one module, pixels (≥ 1) */
  double      angle_deg;   /* rotation about the centre, degrees */
  int         ec_level;    /* 0 L, 1 M (a zero-initialised struct), 2 Q, 3 H; see below */
  guint       quiet_modules; /* quiet zone around the symbol, modules (0: the standard 4) */
} HbQrPlacement;

typedef struct {
  guint   width, height;
  guint8  light, dark;     /* background/light modules and dark modules (0, 0: 255 and 0) */
  double  noise;           /* standard deviation of added noise, grey levels */
  guint32 seed;
} HbQrScene;

/* ec_level as given is offset: 0 means M so that a zero struct is the common choice;
 * use HB_QR_EC_L / HB_QR_EC_Q / HB_QR_EC_H for the others. */
#define HB_QR_EC_M 0
#define HB_QR_EC_L 1
#define HB_QR_EC_Q 2
#define HB_QR_EC_H 3

/* The frame (stride = width), or NULL with an error when a payload cannot be encoded
 * (too long for a QR symbol) or a size is 0. Pixels are supersampled 3×3, so rotated
 * edges are grey as a camera would see them. */
guint8  *hb_qr_image_render (const HbQrScene *scene, const HbQrPlacement *codes,
                             guint n_codes, GError **error);
/* The same as an HbFrame (timestamp 0: stamped when a memory source hands it out). */
HbFrame *hb_qr_image_frame  (const HbQrScene *scene, const HbQrPlacement *codes,
                             guint n_codes, GError **error);
/* Modules on a side of the symbol that would encode data (0 if it cannot). */
guint    hb_qr_image_symbol_width (const char *data, gssize length, int ec_level);
/* Writes a binary PGM (for looking at a failing frame). */
gboolean hb_qr_image_write_pgm (const char *path, const guint8 *pixels, guint width,
                                guint height, GError **error);

G_END_DECLS
