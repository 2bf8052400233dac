/* hb-sim-file.h — bounded reads of data files, and noticing when they change on disk. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Identity of one version of a file: a rewrite (in place or by rename) changes it. */
typedef struct {
  guint64 dev, ino, size;
  gint64  mtime_ns, ctime_ns;
} HbSimFileStamp;

/* Reads path (at most max_size bytes, else an error) and records its stamp. */
gboolean hb_sim_file_read (const char *path, gsize max_size, char **data, gsize *length,
                           HbSimFileStamp *stamp, GError **error);
/* The current stamp of path (all zero when it does not exist). */
void     hb_sim_file_stamp (const char *path, HbSimFileStamp *stamp);
/* TRUE when path no longer matches stamp (changed, replaced or removed). */
gboolean hb_sim_file_changed (const char *path, const HbSimFileStamp *stamp);

G_END_DECLS
