/* hb-fake-serial-scanner.h — a CDC-ACM (virtual COM) barcode scanner on a pty, for
 * HbSerialScanner tests: the test "scans" and the fake writes the code and its suffix to
 * the pty master, as the scanner's firmware would on bulk IN.
 *
 * The host opens get_path(), a symlink in a private folder that points at the current pty
 * slave — like /dev/serial/by-id/… pointing at /dev/ttyACM0 — so unplug (the master
 * closes: the host's reads fail with a hangup) and replug (a new pty, the link re-pointed)
 * keep the path the driver was configured with. The fake keeps a slave fd of its own
 * open, so bytes written before the host opens the line wait in the tty. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HbFakeSerialScanner HbFakeSerialScanner;

HbFakeSerialScanner *hb_fake_serial_scanner_new  (GError **error);
void                 hb_fake_serial_scanner_free (HbFakeSerialScanner *fake);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbFakeSerialScanner, hb_fake_serial_scanner_free)

/* The stable path to configure (a symlink to the current /dev/pts/N). */
const char *hb_fake_serial_scanner_get_path (HbFakeSerialScanner *fake);

/* Writes text and then suffix (e.g. "\r\n"; NULL for none). FALSE when unplugged or the
 * write failed. Call from one thread at a time. */
gboolean    hb_fake_serial_scanner_scan  (HbFakeSerialScanner *fake, const char *text, gsize len,
                                          const char *suffix);
/* Raw bytes, as they come: partial lines, garbage. */
gboolean    hb_fake_serial_scanner_write (HbFakeSerialScanner *fake, const guint8 *data, gsize len);

/* Pull the cable: the master closes and the link is removed. */
void        hb_fake_serial_scanner_unplug (HbFakeSerialScanner *fake);
/* Plug it back: a new pty behind the same path. */
gboolean    hb_fake_serial_scanner_replug (HbFakeSerialScanner *fake, GError **error);

G_END_DECLS
