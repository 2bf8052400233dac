/* hb-diagnostics-private.h — the bundle's ustar writer (no libarchive: a 512-byte header
 * per file is all ustar needs) and test hooks. */
#pragma once

#include "kiosk/hb-diagnostics.h"

G_BEGIN_DECLS

typedef struct _HbTarWriter HbTarWriter;

/* Writes a tar stream into out (not owned; the caller closes it), at most max_bytes of tar
 * in total (headers, padding and the end blocks included). mtime: every entry's. */
HbTarWriter *hb_tar_writer_new    (GOutputStream *out, gsize max_bytes, gint64 mtime);
/* Would a file of size bytes still fit (leaving room for the end blocks and reserve)? */
gboolean     hb_tar_writer_fits   (HbTarWriter *self, gsize size, gsize reserve);
/* One regular file (mode 0644). name: relative, at most 255 bytes, split at a '/' when
 * longer than 100. G_IO_ERROR_INVALID_ARGUMENT for a name that cannot be stored or a file
 * that does not fit. */
gboolean     hb_tar_writer_add    (HbTarWriter *self, const char *name, const void *data,
                                   gsize length, GCancellable *cancellable, GError **error);
/* The two zero blocks that end the archive. */
gboolean     hb_tar_writer_finish (HbTarWriter *self, GCancellable *cancellable, GError **error);
gsize        hb_tar_writer_get_size (HbTarWriter *self);
void         hb_tar_writer_free   (HbTarWriter *self);

/* The newest at most max bytes of a log file, starting at a line, made valid UTF-8 and
 * scrubbed (hb_log_scrub). NULL + error when it cannot be read. */
char        *hb_diagnostics_read_log (const char *path, gsize max, GError **error);

G_END_DECLS
