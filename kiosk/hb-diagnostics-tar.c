/* hb-diagnostics-tar.c — a minimal ustar writer (POSIX.1-1988 headers, regular files). */
#include "kiosk/hb-diagnostics-private.h"

#include <stdio.h>
#include <string.h>

#define BLOCK 512

struct _HbTarWriter
{
  GOutputStream *out;
  gsize          max;
  gsize          size;
  gint64         mtime;
};

HbTarWriter *
hb_tar_writer_new (GOutputStream *out, gsize max_bytes, gint64 mtime)
{
  HbTarWriter *self = g_new0 (HbTarWriter, 1);
  self->out = out;
  self->max = max_bytes;
  self->mtime = mtime;
  return self;
}

void
hb_tar_writer_free (HbTarWriter *self)
{
  g_free (self);
}

gsize
hb_tar_writer_get_size (HbTarWriter *self)
{
  return self->size;
}

static gsize
padded (gsize n)
{
  return (n + BLOCK - 1) / BLOCK * BLOCK;
}

gboolean
hb_tar_writer_fits (HbTarWriter *self, gsize size, gsize reserve)
{
  gsize need = BLOCK + padded (size) + 2 * BLOCK + reserve;
  return size <= self->max && need <= self->max && self->size <= self->max - need;
}

/* value as zero-padded octal of width-1 digits and a NUL. */
static gboolean
octal (char *field, gsize width, guint64 value)
{
  char buf[32];
  int n = g_snprintf (buf, sizeof buf, "%0*" G_GINT64_MODIFIER "o", (int) (width - 1), value);
  if (n < 0 || (gsize) n != width - 1)
    return FALSE;
  memcpy (field, buf, width);
  return TRUE;
}

gboolean
hb_tar_writer_add (HbTarWriter *self, const char *name, const void *data, gsize length,
                   GCancellable *cancellable, GError **error)
{
  guint8 h[BLOCK] = { 0 };
  static const guint8 zeros[BLOCK] = { 0 };
  gsize name_len = strlen (name), pad;
  const char *base = name, *split = NULL;
  guint sum = 0;

  if (!hb_tar_writer_fits (self, length, 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s does not fit in the bundle", name);
      return FALSE;
    }
  if (name_len > 100)
    {
      /* ustar: prefix (155) "/" name (100), split at a slash. */
      /* The first slash that leaves at most 100 bytes after it. */
      for (const char *p = name + name_len - 101; p < name + name_len && split == NULL; p++)
        if (*p == '/' && (gsize) (p - name) <= 155)
          split = p;
      if (split == NULL || strlen (split + 1) > 100 || split[1] == '\0')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "file name too long for ustar: %s", name);
          return FALSE;
        }
      memcpy (h + 345, name, (gsize) (split - name));
      base = split + 1;
    }
  memcpy (h, base, strlen (base));
  octal ((char *) h + 100, 8, 0644);
  octal ((char *) h + 108, 8, 0);
  octal ((char *) h + 116, 8, 0);
  if (!octal ((char *) h + 124, 12, length) ||
      !octal ((char *) h + 136, 12, (guint64) MAX (self->mtime, 0)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s: size out of range",
                   name);
      return FALSE;
    }
  h[156] = '0';
  memcpy (h + 257, "ustar", 6);   /* magic "ustar\0" */
  memcpy (h + 263, "00", 2);      /* version */
  memcpy (h + 265, "haoban", 6);  /* uname */
  memcpy (h + 297, "haoban", 6);  /* gname */
  memset (h + 148, ' ', 8);
  for (gsize i = 0; i < BLOCK; i++)
    sum += h[i];
  g_snprintf ((char *) h + 148, 8, "%06o", sum);   /* six digits, NUL, then the space */
  h[155] = ' ';

  pad = padded (length) - length;
  if (!g_output_stream_write_all (self->out, h, BLOCK, NULL, cancellable, error) ||
      (length && !g_output_stream_write_all (self->out, data, length, NULL, cancellable, error)) ||
      (pad && !g_output_stream_write_all (self->out, zeros, pad, NULL, cancellable, error)))
    return FALSE;
  self->size += BLOCK + length + pad;
  return TRUE;
}

gboolean
hb_tar_writer_finish (HbTarWriter *self, GCancellable *cancellable, GError **error)
{
  static const guint8 zeros[2 * BLOCK] = { 0 };
  if (!g_output_stream_write_all (self->out, zeros, sizeof zeros, NULL, cancellable, error))
    return FALSE;
  self->size += sizeof zeros;
  return TRUE;
}
