/* hb-fake-hid-scanner.h — a USB HID barcode scanner on a umockdev testbed, driven through
 * the real libusb: a keyboard-wedge scanner (1eab:1303, boot keyboard, 8-byte interrupt
 * IN reports on 0x81) or a HID POS scanner (1eab:1310, usage page 0x8C, 64-byte reports
 * on 0x81). A "handle-ioctl" handler implements the usbdevfs ioctls libusb makes.
 *
 * It models the kernel side that matters for injection: at plug-in the kernel's usbhid is
 * bound to the interface, and while it is, a scan is typed into the system (counted in
 * typed_by_kernel) instead of reaching libusb. USBDEVFS_GETDRIVER reports "usbhid" while
 * bound and "usbfs" while claimed; the detach ioctls (USBDEVFS_IOCTL/DISCONNECT and
 * DISCONNECT_CLAIM) unbind it; a claim fails with EBUSY while usbhid is bound or another
 * handle holds the interface (or while block_claim is set: another program has it).
 * Interfaces are claimed per device, not per file descriptor (umockdev does not tell).
 *
 * Scans queue reports; each interrupt IN URB is answered with one report. Pending IN
 * URBs complete with -ESHUTDOWN on unplug, like the SAM fake (hb-fake-sam.h). */
#pragma once

#include <libusb.h>
#include <umockdev.h>

G_BEGIN_DECLS

typedef enum {
  HB_FAKE_HID_WEDGE,
  HB_FAKE_HID_POS,
} HbFakeHidKind;

typedef struct
{
  guint   claims;             /* successful claims (CLAIMINTERFACE, DISCONNECT_CLAIM) */
  guint   refused_claims;     /* claims answered EBUSY */
  guint   releases;
  guint   detaches;           /* times usbhid was unbound */
  guint   attaches;           /* times usbhid was bound again (USBDEVFS_CONNECT) */
  guint   in_urbs;            /* interrupt IN URBs submitted */
  guint   discards;
  guint   halts_cleared;
  guint   stalls;
  guint   hid_requests;       /* class control requests (SET_IDLE, SET_PROTOCOL) */
  guint   reports_sent;       /* reports that reached libusb */
  guint   typed_by_kernel;    /* reports usbhid turned into key presses */
} HbFakeHidStats;

typedef struct _HbFakeHidScanner HbFakeHidScanner;

/* testbed: NULL for one of its own. Fails unless under umockdev's preload (see
 * hb_fake_reexec_under_umockdev in hb-fake-sam.h). Plugged in at once, usbhid bound. */
HbFakeHidScanner *hb_fake_hid_scanner_new  (UMockdevTestbed *testbed, HbFakeHidKind kind,
                                            GError **error);
void              hb_fake_hid_scanner_free (HbFakeHidScanner *fake);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbFakeHidScanner, hb_fake_hid_scanner_free)

UMockdevTestbed  *hb_fake_hid_scanner_get_testbed (HbFakeHidScanner *fake);
guint16           hb_fake_hid_scanner_get_pid (HbFakeHidScanner *fake);
/* The libusb_device of the fake in ctx (a new reference), or NULL (unplugged). */
libusb_device    *hb_fake_hid_scanner_find_device (HbFakeHidScanner *fake, libusb_context *ctx);

/* Scan text: the reports a scanner of this kind sends for it — wedge: press/release per
 * character (US layout, ASCII only) and Enter; POS: 56-byte chunks plus a CR suffix.
 * Returns FALSE (nothing queued) for text the kind cannot send. Any thread. */
gboolean          hb_fake_hid_scanner_scan (HbFakeHidScanner *fake, const char *text, gsize len);
/* Queue raw reports (len a multiple of the report size) — partial codes, garbage. */
void              hb_fake_hid_scanner_send_reports (HbFakeHidScanner *fake, const guint8 *data,
                                                    gsize len);
/* Reports queued that have not reached the host (or the kernel) yet. */
guint             hb_fake_hid_scanner_get_queued (HbFakeHidScanner *fake);

/* The next IN URB that would carry a report completes with a stall instead (the report
 * is kept). */
void              hb_fake_hid_scanner_stall_next_in (HbFakeHidScanner *fake);
/* Every IN URB stalls while set. */
void              hb_fake_hid_scanner_set_stalled (HbFakeHidScanner *fake, gboolean stalled);
/* Another program holds the interface: every claim is refused with EBUSY, and scans
 * while it holds it go to that program. */
void              hb_fake_hid_scanner_set_block_claim (HbFakeHidScanner *fake, gboolean block);
/* Unplug / replug at the same address (usbhid bound again, as on a real plug-in). */
void              hb_fake_hid_scanner_unplug (HbFakeHidScanner *fake);
void              hb_fake_hid_scanner_replug (HbFakeHidScanner *fake);
gboolean          hb_fake_hid_scanner_kernel_driver_bound (HbFakeHidScanner *fake);
gboolean          hb_fake_hid_scanner_is_claimed (HbFakeHidScanner *fake);
void              hb_fake_hid_scanner_get_stats (HbFakeHidScanner *fake, HbFakeHidStats *stats);

G_END_DECLS
