/* hb-usb-claim.c — exclusive libusb interface claim shared by the USB drivers. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/transport/hb-usb-claim.h"

static gboolean
fail (HbUsbClaim *claim, HbUsbClaimStep step)
{
  claim->failed = step;
  if (claim->handle != NULL)
    libusb_close (claim->handle);
  claim->handle = NULL;
  return FALSE;
}

gboolean
hb_usb_claim_open (libusb_device *device, int iface, gboolean verify, const char *who,
                   HbUsbClaim *claim)
{
  int rc;

  *claim = (HbUsbClaim) { 0 };
  rc = claim->rc = libusb_open (device, &claim->handle);
  if (rc != 0)
    {
      claim->handle = NULL;
      return fail (claim, HB_USB_CLAIM_OPEN);
    }
  /* Claim with DISCONNECT_CLAIM where the platform has it. */
  rc = libusb_set_auto_detach_kernel_driver (claim->handle, 1);
  if (rc != 0 && rc != LIBUSB_ERROR_NOT_SUPPORTED)
    g_debug ("%s: no kernel driver auto-detach: %s", who, libusb_error_name (rc));
  /* Explicit detach as well: the kernel driver must be gone even without auto-detach. */
  rc = claim->rc = libusb_kernel_driver_active (claim->handle, iface);
  if (rc == 1)
    {
      rc = claim->rc = libusb_detach_kernel_driver (claim->handle, iface);
      if (rc != 0 && rc != LIBUSB_ERROR_NOT_FOUND)
        return fail (claim, HB_USB_CLAIM_DETACH);
      claim->detached = TRUE;
    }
  rc = claim->rc = libusb_claim_interface (claim->handle, iface);
  if (rc != 0)
    return fail (claim, HB_USB_CLAIM_CLAIM);
  if (verify)
    {
      /* Belt and braces: nothing but us may own the interface now. */
      rc = claim->rc = libusb_kernel_driver_active (claim->handle, iface);
      if (rc == 1)
        {
          libusb_set_auto_detach_kernel_driver (claim->handle, 0);
          libusb_release_interface (claim->handle, iface);
          return fail (claim, HB_USB_CLAIM_STILL_BOUND);
        }
    }
  return TRUE;
}

void
hb_usb_claim_release (libusb_device_handle **handle, int iface)
{
  if (*handle == NULL)
    return;
  libusb_set_auto_detach_kernel_driver (*handle, 0);
  libusb_release_interface (*handle, iface);
  libusb_close (*handle);
  *handle = NULL;
}
