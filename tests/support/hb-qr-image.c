/* hb-qr-image.c — QR codes drawn into grey frames the way a camera would see them. */
#include "tests/support/hb-qr-image.h"

#include <math.h>
#include <qrencode.h>
#include <string.h>

#define SUPERSAMPLE 3

static QRecLevel
level_of (int ec)
{
  switch (ec)
    {
    case HB_QR_EC_L: return QR_ECLEVEL_L;
    case HB_QR_EC_Q: return QR_ECLEVEL_Q;
    case HB_QR_EC_H: return QR_ECLEVEL_H;
    default:         return QR_ECLEVEL_M;
    }
}

static QRcode *
encode (const HbQrPlacement *p, GError **error)
{
  gsize length = p->length < 0 ? strlen (p->data) : (gsize) p->length;
  QRcode *q = NULL;

  /* 8-bit mode keeps the exact bytes (UTF-8 Chinese, or deliberately broken bytes). */
  if (length > 0 && length < G_MAXINT)
    q = QRcode_encodeData ((int) length, (const unsigned char *) p->data, 0, level_of (p->ec_level));
  if (q == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "cannot encode %" G_GSIZE_FORMAT " bytes as a QR symbol", length);
  return q;
}

guint
hb_qr_image_symbol_width (const char *data, gssize length, int ec_level)
{
  HbQrPlacement p = { .data = data, .length = length, .ec_level = ec_level };
  QRcode *q = encode (&p, NULL);
  guint w = q ? (guint) q->width : 0;
  QRcode_free (q);
  return w;
}

/* Dark coverage (0..1) of the frame pixel (x, y) by one symbol. */
static double
coverage (const QRcode *q, const HbQrPlacement *p, double c, double s, int x, int y)
{
  double half = q->width / 2.0;
  int dark = 0;

  for (int sy = 0; sy < SUPERSAMPLE; sy++)
    for (int sx = 0; sx < SUPERSAMPLE; sx++)
      {
        double px = x + (sx + 0.5) / SUPERSAMPLE - p->cx;
        double py = y + (sy + 0.5) / SUPERSAMPLE - p->cy;
        /* Frame → symbol: rotate back by the angle (y grows downwards on screen). */
        double u = (c * px - s * py) / p->module_px + half;
        double v = (s * px + c * py) / p->module_px + half;
        int mu = (int) floor (u), mv = (int) floor (v);
        if (mu >= 0 && mv >= 0 && mu < q->width && mv < q->width &&
            (q->data[mv * q->width + mu] & 1))
          dark++;
      }
  return dark / (double) (SUPERSAMPLE * SUPERSAMPLE);
}

static void
draw (guint8 *pixels, const HbQrScene *scene, const QRcode *q, const HbQrPlacement *p,
      guint8 light, guint8 dark)
{
  double a = p->angle_deg * G_PI / 180.0;
  double c = cos (a), s = sin (a);
  guint quiet = p->quiet_modules ? p->quiet_modules : 4;
  /* Half the diagonal of the symbol and its quiet zone bounds what it can touch. */
  double reach = (q->width / 2.0 + quiet) * p->module_px * G_SQRT2 + 2;
  int x0 = MAX (0, (int) floor (p->cx - reach)), x1 = MIN ((int) scene->width, (int) ceil (p->cx + reach));
  int y0 = MAX (0, (int) floor (p->cy - reach)), y1 = MIN ((int) scene->height, (int) ceil (p->cy + reach));
  double half_quiet = q->width / 2.0 + quiet;

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        double px = x + 0.5 - p->cx, py = y + 0.5 - p->cy;
        double u = (c * px - s * py) / p->module_px, v = (s * px + c * py) / p->module_px;
        double k;
        if (fabs (u) > half_quiet || fabs (v) > half_quiet)
          continue;     /* outside the quiet zone: leave the scene as it is */
        k = coverage (q, p, c, s, x, y);
        pixels[(gsize) y * scene->width + x] = (guint8) lround (light + (dark - light) * k);
      }
}

guint8 *
hb_qr_image_render (const HbQrScene *scene, const HbQrPlacement *codes, guint n_codes,
                    GError **error)
{
  guint8 light = scene->light || scene->dark ? scene->light : 255;
  guint8 dark = scene->light || scene->dark ? scene->dark : 0;
  g_autofree guint8 *pixels = NULL;
  gsize n;

  if (scene->width == 0 || scene->height == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "empty frame");
      return NULL;
    }
  n = (gsize) scene->width * scene->height;
  pixels = g_malloc (n);
  memset (pixels, light, n);

  for (guint i = 0; i < n_codes; i++)
    {
      QRcode *q = encode (&codes[i], error);
      if (q == NULL)
        return NULL;
      draw (pixels, scene, q, &codes[i], light, dark);
      QRcode_free (q);
    }

  if (scene->noise > 0)
    {
      GRand *rand = g_rand_new_with_seed (scene->seed ? scene->seed : 1);
      for (gsize i = 0; i < n; i++)
        {
          /* Box–Muller: Gaussian sensor noise. */
          double u1 = g_rand_double_range (rand, 1e-12, 1.0), u2 = g_rand_double (rand);
          double g = sqrt (-2.0 * log (u1)) * cos (2 * G_PI * u2);
          long v = lround (pixels[i] + g * scene->noise);
          pixels[i] = (guint8) CLAMP (v, 0, 255);
        }
      g_rand_free (rand);
    }
  return g_steal_pointer (&pixels);
}

HbFrame *
hb_qr_image_frame (const HbQrScene *scene, const HbQrPlacement *codes, guint n_codes,
                   GError **error)
{
  guint8 *pixels = hb_qr_image_render (scene, codes, n_codes, error);
  g_autoptr(GBytes) bytes = NULL;

  if (pixels == NULL)
    return NULL;
  bytes = g_bytes_new_take (pixels, (gsize) scene->width * scene->height);
  return hb_frame_new (scene->width, scene->height, scene->width, bytes, 0);
}

gboolean
hb_qr_image_write_pgm (const char *path, const guint8 *pixels, guint width, guint height,
                       GError **error)
{
  g_autofree char *header = g_strdup_printf ("P5\n%u %u\n255\n", width, height);
  gsize hl = strlen (header), n = (gsize) width * height;
  g_autofree guint8 *all = g_malloc (hl + n);

  memcpy (all, header, hl);
  memcpy (all + hl, pixels, n);
  return g_file_set_contents (path, (const char *) all, (gssize) (hl + n), error);
}
