/* hb-code-slip-private.h — the slip drawn to pixels, so tests can scan what is printed. */
#pragma once

#include "kiosk/hb-code-slip.h"

#include <cairo.h>

G_BEGIN_DECLS

/* The slip's panel (not the whole A4 page) rendered at dpi as an RGB24 image surface
 * (white paper, black ink). */
cairo_surface_t *hb_code_slip_render_image (const HbCodeSlip *slip, double dpi,
                                            GError **error);

G_END_DECLS
