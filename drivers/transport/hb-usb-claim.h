/* hb-usb-claim.h — open a libusb device and take one interface away from the kernel for
 * good (the ESC/POS receipt printer; meant for the HID scanner too): the drivers own the
 * thread and the status. */
#pragma once

#include <glib.h>
#include <libusb.h>

G_BEGIN_DECLS

/* The step that failed. */
typedef enum {
  HB_USB_CLAIM_OPEN,         /* libusb_open */
  HB_USB_CLAIM_DETACH,       /* the kernel driver would not let go */
  HB_USB_CLAIM_CLAIM,        /* libusb_claim_interface (BUSY: another program) */
  HB_USB_CLAIM_STILL_BOUND,  /* verify: a kernel driver is bound after the claim */
} HbUsbClaimStep;

typedef struct {
  libusb_device_handle *handle;    /* set when claimed, else NULL */
  HbUsbClaimStep        failed;    /* when not claimed */
  int                   rc;        /* libusb result of the last call */
  gboolean              detached;  /* an explicit detach took a kernel driver away */
} HbUsbClaim;

/* Opens `device`, detaches the kernel driver (auto-detach where the platform has it, and
 * explicitly) and claims `iface`; with `verify`, also fails if a kernel driver is still
 * bound after the claim. On failure no handle is kept. `who` prefixes debug lines. */
gboolean hb_usb_claim_open    (libusb_device *device, int iface, gboolean verify,
                               const char *who, HbUsbClaim *claim);
/* Lets go of the interface WITHOUT giving it back to the kernel driver; NULLs *handle. */
void     hb_usb_claim_release (libusb_device_handle **handle, int iface);

G_END_DECLS
