/* hb-fake-sam.h — fake SAM ID-card readers for driver tests: a USB reader on a umockdev
 * testbed and a serial reader on a pty. Both run the real transports (libusb, termios)
 * against a device model given as a peer function — normally an HbSamSim through
 * hb_fake_sam_sim_peer — and add the faults that live below the protocol: stalls, a
 * device that never answers, unplug/replug and hangup.
 *
 * A peer is called on the fake's own thread (umockdev's ioctl thread, the pty thread)
 * with the bytes the host wrote, in order and in whatever chunks they arrived, and
 * returns the device's answer (or NULL). It must be thread-safe with respect to the test
 * (HbSamSim is). See docs/transports.md for a walk-through. */
#pragma once

#include <termios.h>
#include <libusb.h>
#include <umockdev.h>

#include "drivers/transport/hb-pipe-transport.h"
#include "drivers/transport/hb-usb-transport.h"

G_BEGIN_DECLS

/* --- running under umockdev -------------------------------------------------------- */

/* Call first thing in main(), before g_test_init. If the process is not under umockdev's
 * preload (neither LD_PRELOAD naming libumockdev-preload nor UMOCKDEV_DIR is set), it
 * re-executes itself through `umockdev-wrapper` (from PATH) with the same arguments —
 * the call then only returns in the re-executed process. Under SANITIZE=1 the child gets
 * ASAN_OPTIONS with verify_asan_link_order=0, since the preload library is loaded before
 * ASan's runtime. Returns TRUE when the process runs under the preload; FALSE when it
 * cannot (umockdev-wrapper is missing, or the preload did not take): skip USB tests. */
gboolean hb_fake_reexec_under_umockdev (int argc, char **argv);

/* --- USB reader (umockdev) ----------------------------------------------------------- */

/* A vendor-class reader, 0400:C35A, full speed, 64-byte bulk packets.
 *   HB_USB_PLAIN:        one interface, bulk OUT 0x02 and IN 0x81.
 *   HB_USB_SPLIT_HEADER: the iDR200 layout, OUT 0x02/0x06 and IN 0x81/0x85 (descriptor
 *                        order 02 06 81 85): the 7-byte frame header travels on 02/81,
 *                        the rest of the frame on 06/85. The fake frames the peer's answer
 *                        by its LEN (bytes 5–6, big-endian), so the split layout only
 *                        suits 7-byte-header SAM frames.
 * OUT bytes from every OUT endpoint go to the peer in arrival order. Each IN URB is
 * answered with at most one 64-byte packet of the pending answer, so a frame reaches the
 * host in several transfers. */
typedef struct _HbFakeUsbSam HbFakeUsbSam;

typedef struct
{
  guint   claims;            /* USBDEVFS_CLAIMINTERFACE */
  guint   releases;          /* USBDEVFS_RELEASEINTERFACE */
  guint   discards;          /* USBDEVFS_DISCARDURB of a pending IN URB (timeout, cancel) */
  guint   halts_cleared;     /* USBDEVFS_CLEAR_HALT */
  guint   stalls;            /* IN URBs answered with a stall */
  guint64 bytes_out[2];      /* received per OUT endpoint (0x02, 0x06) */
  guint64 bytes_in[2];       /* sent per IN endpoint (0x81, 0x85) */
} HbFakeUsbStats;

/* testbed: the umockdev testbed to add the device to, or NULL for one of its own (which
 * sets $UMOCKDEV_DIR; create the libusb context afterwards). Fails when the process is not
 * under umockdev (see hb_fake_reexec_under_umockdev). The device is plugged in at once. */
HbFakeUsbSam *hb_fake_usb_sam_new  (UMockdevTestbed *testbed, HbUsbLayout layout,
                                    HbPipePeerFunc peer, gpointer peer_data, GError **error);
void          hb_fake_usb_sam_free (HbFakeUsbSam *fake);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbFakeUsbSam, hb_fake_usb_sam_free)

UMockdevTestbed *hb_fake_usb_sam_get_testbed (HbFakeUsbSam *fake);
guint8        hb_fake_usb_sam_get_bus_number (HbFakeUsbSam *fake);
guint8        hb_fake_usb_sam_get_device_address (HbFakeUsbSam *fake);
/* The libusb_device of the fake in ctx (a new reference), or NULL while unplugged or not
 * yet enumerated. Enumerates afresh, so it sees a replug. */
libusb_device *hb_fake_usb_sam_find_device (HbFakeUsbSam *fake, libusb_context *ctx);

/* Knobs; any thread. */
/* The next IN URB that would carry answer bytes completes with a stall (-EPIPE) instead,
 * and that answer is dropped (the device gave up on it). The host must clear the halt. */
void          hb_fake_usb_sam_stall_next_in (HbFakeUsbSam *fake);
/* While mute, OUT bytes are swallowed (the peer does not see them) and IN URBs stay
 * pending until the host gives up and discards them. */
void          hb_fake_usb_sam_set_mute (HbFakeUsbSam *fake, gboolean mute);
/* Unplug: pending IN URBs complete with -ESHUTDOWN, every later ioctl fails with ENODEV,
 * a "remove" uevent goes out and the device leaves the testbed. Replug adds it back
 * (with an "add" uevent) at the same bus address, with no answer pending. */
void          hb_fake_usb_sam_unplug (HbFakeUsbSam *fake);
void          hb_fake_usb_sam_replug (HbFakeUsbSam *fake);
gboolean      hb_fake_usb_sam_is_plugged (HbFakeUsbSam *fake);
void          hb_fake_usb_sam_get_stats (HbFakeUsbSam *fake, HbFakeUsbStats *stats);

/* --- serial reader (pty) ------------------------------------------------------------- */

/* A thread owns the pty master: bytes the host writes to the slave go to the peer, its
 * answers are written back paced at `baud` (10 bits per byte, each byte due at an
 * absolute time counted from when the line became free; 0 = no pacing). The answer
 * starts once the request would have crossed the line at that rate. The fake keeps a
 * slave fd of its own open, so the host can close and reopen the path. */
typedef struct _HbFakeSerialSam HbFakeSerialSam;

HbFakeSerialSam *hb_fake_serial_sam_new  (guint baud, HbPipePeerFunc peer, gpointer peer_data,
                                          GError **error);
void             hb_fake_serial_sam_free (HbFakeSerialSam *fake);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbFakeSerialSam, hb_fake_serial_sam_free)

/* /dev/pts/N: give it to HbSerialTransport. */
const char      *hb_fake_serial_sam_get_path (HbFakeSerialSam *fake);
/* The line settings the host left on the tty (termios belongs to the tty, not the fd). */
gboolean         hb_fake_serial_sam_get_termios (HbFakeSerialSam *fake, struct termios *out);
/* Knobs; any thread. Mute: requests are swallowed, nothing is answered. */
void             hb_fake_serial_sam_set_mute (HbFakeSerialSam *fake, gboolean mute);
/* Hang up: the master closes, so the host's reads and writes fail (EIO / POLLHUP), as
 * when a USB-serial adapter is pulled. Final: make a new fake to "replug". */
void             hb_fake_serial_sam_hang_up (HbFakeSerialSam *fake);
/* Bytes received from and sent to the host. */
guint64          hb_fake_serial_sam_get_bytes_in  (HbFakeSerialSam *fake);
guint64          hb_fake_serial_sam_get_bytes_out (HbFakeSerialSam *fake);
/* Bytes that reached the tty and wait for the host to read them. */
gsize            hb_fake_serial_sam_get_unread (HbFakeSerialSam *fake);

/* --- HbSamSim as the peer ------------------------------------------------------------ */

/* An HbPipePeerFunc feeding an HbSamSim (peer_data: the HbSamSim, not owned). Works for
 * HbPipeTransport too. */
GBytes *hb_fake_sam_sim_peer (const guint8 *data, gsize len, gpointer sim);

G_END_DECLS
