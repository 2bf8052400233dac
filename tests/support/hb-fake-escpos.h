/* hb-fake-escpos.h — an ESC/POS receipt printer (0416:5011, printer class 7/1/2, bulk OUT
 * 0x02, bulk IN 0x81: shared/reference/examples/escpos.umockdev) on a umockdev testbed,
 * driven through the real libusb on HbFakeUsbfs.
 *
 * The kernel's usblp is bound at plug-in (GETDRIVER "usblp"); DISCONNECT_CLAIM and the
 * USBDEVFS_DISCONNECT ioctl unbind it; a claim fails with EBUSY while it is bound.
 *
 * Bulk OUT: a transfer made only of DLE EOT n commands (10 04 n, n = 1..4) is a status
 * request — each command queues its one-byte reply for bulk IN, from the scripted state;
 * every other transfer is print data, appended to the transcript. Bulk IN URBs are
 * answered with the queued reply bytes. A silent printer queues no replies (no status:
 * the driver must time out). */
#pragma once

#include <libusb.h>
#include <umockdev.h>

G_BEGIN_DECLS

typedef struct
{
  guint claims;
  guint refused_claims;
  guint detaches;          /* usblp unbound */
  guint status_requests;   /* DLE EOT commands answered (or ignored when silent) */
  guint data_transfers;    /* bulk OUT transfers of print data */
} HbFakeEscposStats;

typedef struct _HbFakeEscpos HbFakeEscpos;

/* testbed: NULL for one of its own. Fails unless under umockdev's preload. */
HbFakeEscpos  *hb_fake_escpos_new  (UMockdevTestbed *testbed, GError **error);
void           hb_fake_escpos_free (HbFakeEscpos *fake);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbFakeEscpos, hb_fake_escpos_free)

libusb_device *hb_fake_escpos_find_device (HbFakeEscpos *fake, libusb_context *ctx);

/* The four replies to DLE EOT 1..4 from now on ({ 0x12, 0x12, 0x12, 0x12 } at plug-in). */
void     hb_fake_escpos_set_status (HbFakeEscpos *fake, const guint8 status[4]);
/* The replies once the next print data has arrived (paper runs out during the job). */
void     hb_fake_escpos_set_status_after_data (HbFakeEscpos *fake, const guint8 status[4]);
/* No status replies at all while set. */
void     hb_fake_escpos_set_silent (HbFakeEscpos *fake, gboolean silent);
/* The next print data transfer fails as on an unplugged device (-ESHUTDOWN, nothing
 * recorded), and so does every transfer after it; call hb_fake_escpos_unplug to remove
 * the device node too. */
void     hb_fake_escpos_unplug_on_data (HbFakeEscpos *fake);
/* The print data received so far (status requests excluded). */
GBytes  *hb_fake_escpos_get_data (HbFakeEscpos *fake);
void     hb_fake_escpos_unplug (HbFakeEscpos *fake);
void     hb_fake_escpos_replug (HbFakeEscpos *fake);
gboolean hb_fake_escpos_kernel_driver_bound (HbFakeEscpos *fake);
void     hb_fake_escpos_get_stats (HbFakeEscpos *fake, HbFakeEscposStats *stats);

G_END_DECLS
