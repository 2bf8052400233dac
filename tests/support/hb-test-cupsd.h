/* hb-test-cupsd.h — a private cupsd with one IPP Everywhere queue for driver tests.
 *
 * Starts cupsd (-f, own config, spool, logs in a temp dir, loopback ports picked free) and
 * ippeveprinter behind it (queue "kiosk", its print command a shell script that copies each
 * document to out/ and can simulate faults), both as our own children, stopped by PID.
 * The queue's ipp backend is wrapped (own ServerBin) so that a document the printer fails
 * always ends canceled in CUPS (CUPS 2.4's backend sometimes says "completed": see the .c).
 * Start checks that the cupsd and the printer on its ports are its own (a unique token in
 * the printer's name and the queue's location) and moves to other ports if not.
 * Never touches the system cupsd. Needs root (cupsd drops filters to lp) and a C compiler
 * (a tiny LD_PRELOAD stub lets ippeveprinter run without avahi/D-Bus): without them start
 * fails with G_IO_ERROR_NOT_SUPPORTED and the test should g_test_skip. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HbTestCupsd HbTestCupsd;

HbTestCupsd *hb_test_cupsd_start (GError **error);
/* Releases a held document, stops both daemons (SIGTERM, then SIGKILL), removes the dir. */
void         hb_test_cupsd_free  (HbTestCupsd *cupsd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbTestCupsd, hb_test_cupsd_free)

const char  *hb_test_cupsd_get_server (HbTestCupsd *cupsd);   /* "127.0.0.1:PORT" */
const char  *hb_test_cupsd_get_queue  (HbTestCupsd *cupsd);   /* "kiosk" */
const char  *hb_test_cupsd_get_dir    (HbTestCupsd *cupsd);

/* The next document fails at the printer with this printer-state-reasons keyword
 * ("media-empty", "cover-open", "media-jam"…): the printer reports it (idle: "-report")
 * and CUPS ends the job canceled. NULL clears it (the next good document clears the
 * printer's reasons too). */
void         hb_test_cupsd_set_fault  (HbTestCupsd *cupsd, const char *keyword);
/* While held, a document stays "printing" at the printer (to test cancel and timeouts). */
void         hb_test_cupsd_set_hold   (HbTestCupsd *cupsd, gboolean hold);
/* Paper in the printer's main tray (ippeveprinter's web form): with none, a document waits
 * at the printer "processing" and the queue reports media-empty/media-needed warnings. */
gboolean     hb_test_cupsd_set_paper  (HbTestCupsd *cupsd, gboolean loaded);
/* Documents that reached the printer's output (completed or not). */
guint        hb_test_cupsd_count_printed (HbTestCupsd *cupsd);
/* Jobs cupsd knows for the queue, in any state (-1 when cupsd cannot be asked). */
int          hb_test_cupsd_count_jobs (HbTestCupsd *cupsd);
/* Stop only cupsd (the print service goes down); the printer stays. */
void         hb_test_cupsd_kill_cupsd (HbTestCupsd *cupsd);

G_END_DECLS
