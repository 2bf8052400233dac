/* hb-usb-transport.h — vendor-specific bulk endpoints through libusb.
 *
 * The interface and endpoints come from the device's descriptors (first interface with
 * a bulk IN and a bulk OUT endpoint), never hard-coded. Some readers (精伦 iDR200,
 * 0400:C35A) split each frame: the 7-byte header on one OUT endpoint and the rest on a
 * second, and answer likewise on two IN endpoints — HB_USB_SPLIT_HEADER selects that
 * layout when the interface has two of each. The kernel driver, if any, is auto-detached
 * on claim and re-attached on release. A vanished device reads as
 * HB_DEVICE_ERROR_NO_DEVICE (and stays dead until closed and reopened); a stalled endpoint
 * is cleared once and reads as HB_DEVICE_ERROR_HARDWARE.
 *
 * The split layout frames by the SAM header: LEN is the big-endian 16 bits at header
 * offsets 5–6 and counts the bytes after the 7-byte header, so it is only for SAM frames
 * (header_len ≥ 7). Transfers use libusb's synchronous API in slices of at most 50 ms on
 * the device's own context; they coexist with the thread that pumps hotplug events. */
#pragma once

#include <libusb.h>
#include "drivers/transport/hb-transport.h"

G_BEGIN_DECLS

typedef enum {
  HB_USB_PLAIN        = 0,
  HB_USB_SPLIT_HEADER = 1 << 0,   /* header on the first OUT/IN pair, the rest on the second */
} HbUsbLayout;

#define HB_TYPE_USB_TRANSPORT (hb_usb_transport_get_type ())
G_DECLARE_FINAL_TYPE (HbUsbTransport, hb_usb_transport, HB, USB_TRANSPORT, HbTransport)

/* device: a ref is taken. header_len: bytes that go on the first endpoint pair in the
 * split layout (7 for SAM frames). */
HbUsbTransport *hb_usb_transport_new (libusb_device *device, HbUsbLayout layout,
                                      guint header_len);
libusb_device  *hb_usb_transport_get_device (HbUsbTransport *self);

/* The layout a device's descriptors show: two bulk OUT and two bulk IN endpoints on one
 * interface → HB_USB_SPLIT_HEADER, else HB_USB_PLAIN. Readers sharing an id (0400:C35A)
 * differ in this, so the id alone cannot tell. */
HbUsbLayout     hb_usb_transport_detect_layout (libusb_device *device);

G_END_DECLS
