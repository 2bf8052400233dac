/* hb-fake-umockdev.c — run a test program under umockdev's preload library, and the
 * usbdevfs plumbing the fake USB devices share. */
#define G_LOG_DOMAIN "hb-fake"

#include "tests/support/hb-fake-sam.h"
#include "tests/support/hb-fake-umockdev.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Set in the re-executed child: if the preload still is not there, do not loop. */
#define REEXEC_MARK "HB_UMOCKDEV_REEXEC"

static gboolean
under_preload (void)
{
  const char *preload = g_getenv ("LD_PRELOAD");

  return g_getenv ("UMOCKDEV_DIR") != NULL ||
         (preload != NULL && strstr (preload, "libumockdev-preload") != NULL);
}

gboolean
hb_fake_reexec_under_umockdev (int argc, char **argv)
{
  g_autofree char *wrapper = NULL;
  g_autofree char *self = NULL;
  g_autofree char *asan = NULL;
  g_autoptr(GPtrArray) args = NULL;
  const char *asan_env;

  if (under_preload ())
    return TRUE;
  if (g_getenv (REEXEC_MARK) != NULL)
    return FALSE;
  /* umockdev-wrapper only sets LD_PRELOAD; the testbed (umockdev_testbed_new) sets
   * UMOCKDEV_DIR later, in the child. */
  wrapper = g_find_program_in_path ("umockdev-wrapper");
  self = g_file_read_link ("/proc/self/exe", NULL);
  if (wrapper == NULL || self == NULL)
    return FALSE;

  /* The preload library comes first in the link order, before ASan's runtime: tell ASan
   * that this is intended (harmless without sanitizers). */
  asan_env = g_getenv ("ASAN_OPTIONS");
  asan = g_strconcat (asan_env ? asan_env : "", asan_env && *asan_env ? ":" : "",
                      "verify_asan_link_order=0", NULL);
  g_setenv ("ASAN_OPTIONS", asan, TRUE);
  g_setenv (REEXEC_MARK, "1", TRUE);

  args = g_ptr_array_new ();
  g_ptr_array_add (args, wrapper);
  g_ptr_array_add (args, self);
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);

  fflush (stdout);
  fflush (stderr);
  execv (wrapper, (char **) args->pdata);

  g_printerr ("Cannot run %s under %s: %s\n", self, wrapper, g_strerror (errno));
  return FALSE;
}

/* --- usbdevfs devices ------------------------------------------------------------------ */

struct usbdevfs_urb *
hb_fake_usbfs_urb (UMockdevIoctlData *urb)
{
  return (struct usbdevfs_urb *) urb->data;
}

guint8 *
hb_fake_usbfs_urb_buffer (UMockdevIoctlData *urb)
{
  UMockdevIoctlData *buf = g_object_get_data (G_OBJECT (urb), "buf");

  return (guint8 *) buf->data;
}

void
hb_fake_usbfs_complete (HbFakeUsbfs *usb, UMockdevIoctlData *urb, int status, int actual)
{
  hb_fake_usbfs_urb (urb)->status = status;
  hb_fake_usbfs_urb (urb)->actual_length = actual;
  g_queue_push_tail (&usb->done, urb);
}

static void
submit_urb (HbFakeUsbfs *usb, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  g_autoptr(GError) error = NULL;
  /* resolve() hands out new references (transfer full): ours end with this call; the
   * queues take their own. */
  g_autoptr(UMockdevIoctlData) urb = umockdev_ioctl_data_resolve (arg, 0,
                                                                  sizeof (struct usbdevfs_urb),
                                                                  &error);
  g_autoptr(UMockdevIoctlData) buf = NULL;

  if (urb == NULL)
    {
      g_warning ("fake USB device: cannot resolve URB: %s", error->message);
      umockdev_ioctl_client_complete (client, -1, EFAULT);
      return;
    }
  buf = umockdev_ioctl_data_resolve (urb, offsetof (struct usbdevfs_urb, buffer),
                                     (gsize) MAX (hb_fake_usbfs_urb (urb)->buffer_length, 0),
                                     &error);
  if (buf == NULL)
    {
      g_warning ("fake USB device: cannot resolve URB buffer: %s", error->message);
      umockdev_ioctl_client_complete (client, -1, EFAULT);
      return;
    }
  /* The queues hold the URB (one reference, dropped when it is reaped); its buffer with it. */
  g_object_set_data_full (G_OBJECT (urb), "buf", g_object_ref (buf), g_object_unref);
  usb->klass->submit (usb->fake, g_object_ref (urb));
  umockdev_ioctl_client_complete (client, 0, 0);
}

static void
reap_urb (HbFakeUsbfs *usb, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  g_autoptr(GError) error = NULL;
  UMockdevIoctlData *urb = g_queue_pop_head (&usb->done);
  g_autoptr(UMockdevIoctlData) ptr = NULL;

  if (urb == NULL)
    {
      /* Like usbfs: completed URBs can be reaped after a disconnect, then ENODEV. */
      umockdev_ioctl_client_complete (client, -1, usb->plugged ? EAGAIN : ENODEV);
      return;
    }
  ptr = umockdev_ioctl_data_resolve (arg, 0, sizeof (gpointer), &error);
  if (ptr == NULL)
    {
      g_warning ("fake USB device: cannot resolve reap pointer: %s", error->message);
      g_queue_push_head (&usb->done, urb);
      umockdev_ioctl_client_complete (client, -1, EFAULT);
      return;
    }
  /* *arg becomes the client's own address of that URB. */
  umockdev_ioctl_data_set_ptr (ptr, 0, urb);
  umockdev_ioctl_client_complete (client, 0, 0);
  g_object_unref (urb);
}

static void
discard_urb (HbFakeUsbfs *usb, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  gulong addr = *(gulong *) arg->data;

  for (int k = 0; k < HB_FAKE_USBFS_IN_QUEUES; k++)
    for (GList *l = usb->pending_in[k].head; l; l = l->next)
      {
        UMockdevIoctlData *urb = l->data;

        if (urb->client_addr != addr)
          continue;
        g_queue_delete_link (&usb->pending_in[k], l);
        usb->discards++;
        hb_fake_usbfs_complete (usb, urb, -ENOENT, 0);
        umockdev_ioctl_client_complete (client, 0, 0);
        return;
      }
  /* Already completed (it raced with the answer): the kernel says EINVAL too. */
  umockdev_ioctl_client_complete (client, -1, EINVAL);
}

static void
get_capabilities (UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UMockdevIoctlData) caps = umockdev_ioctl_data_resolve (arg, 0, sizeof (guint32),
                                                                   &error);

  if (caps == NULL)
    {
      umockdev_ioctl_client_complete (client, -1, EFAULT);
      return;
    }
  *(guint32 *) caps->data = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_BULK_CONTINUATION |
                            USBDEVFS_CAP_NO_PACKET_SIZE_LIM;
  umockdev_ioctl_client_complete (client, 0, 0);
}

static gboolean
on_ioctl (UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer user_data)
{
  HbFakeUsbfs *usb = user_data;
  gulong request = umockdev_ioctl_client_get_request (client);
  UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg (client);

  g_mutex_lock (&usb->lock);
  if (!usb->plugged && request != USBDEVFS_REAPURB && request != USBDEVFS_REAPURBNDELAY)
    umockdev_ioctl_client_complete (client, -1, ENODEV);
  else if (request == USBDEVFS_GET_CAPABILITIES)
    get_capabilities (client, arg);
  else if (request == USBDEVFS_CLEAR_HALT)
    {
      usb->halts_cleared++;
      umockdev_ioctl_client_complete (client, 0, 0);
    }
  else if (request == USBDEVFS_SETCONFIGURATION || request == USBDEVFS_RESET ||
           request == USBDEVFS_SETINTERFACE)
    umockdev_ioctl_client_complete (client, 0, 0);
  else if (request == USBDEVFS_SUBMITURB)
    submit_urb (usb, client, arg);
  else if (request == USBDEVFS_REAPURB || request == USBDEVFS_REAPURBNDELAY)
    reap_urb (usb, client, arg);
  else if (request == USBDEVFS_DISCARDURB)
    discard_urb (usb, client, arg);
  else if (!usb->klass->ioctl (usb->fake, request, client, arg))
    {
      g_debug ("fake USB device %s: unhandled ioctl 0x%lx", usb->devnode, request);
      umockdev_ioctl_client_complete (client, -1, ENOTTY);
    }
  g_mutex_unlock (&usb->lock);
  return TRUE;
}

static void
drop_urbs_locked (HbFakeUsbfs *usb)
{
  g_queue_clear_full (&usb->done, g_object_unref);
  for (int k = 0; k < HB_FAKE_USBFS_IN_QUEUES; k++)
    g_queue_clear_full (&usb->pending_in[k], g_object_unref);
}

/* The last of the fake goes once umockdev can no longer call the handler: when the
 * handler's closure is finalized, after any emission still running on umockdev's thread. */
static void
release (gpointer data, GClosure *closure)
{
  HbFakeUsbfs *usb = data;

  drop_urbs_locked (usb);
  g_free (usb->syspath);
  g_free (usb->devnode);
  g_free (usb->record);
  g_mutex_clear (&usb->lock);
  usb->klass->finalize (usb->fake);
}

void
hb_fake_usbfs_init (HbFakeUsbfs *usb, const HbFakeUsbfsClass *klass, gpointer fake)
{
  g_mutex_init (&usb->lock);
  usb->klass = klass;
  usb->fake = fake;
}

gboolean
hb_fake_usbfs_plug_in (HbFakeUsbfs *usb, UMockdevTestbed *testbed, const HbFakeUsbfsInfo *info,
                       GError **error)
{
  guint port, minor;

  usb->testbed = testbed ? g_object_ref (testbed) : umockdev_testbed_new ();
  /* Meaningful only once a testbed exists: it stats the redirected /sys. */
  if (!umockdev_in_mock_environment ())
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Not running under umockdev's preload (see hb_fake_reexec_under_umockdev)");
      return FALSE;
    }

  usb->busnum = info->busnum;
  usb->devnum = info->devnum;
  port = info->devnum;
  minor = (info->busnum - 1u) * 128 + info->devnum - 1u;
  usb->syspath = g_strdup_printf ("/sys/devices/pci0000:00/0000:00:14.0/usb%u/%u-%u",
                                  info->busnum, info->busnum, port);
  usb->devnode = g_strdup_printf ("/dev/bus/usb/%03u/%03u", info->busnum, info->devnum);
  usb->record = g_strdup_printf (
    "P: /devices/pci0000:00/0000:00:14.0/usb%u/%u-%u\n"
    "N: bus/usb/%03u/%03u\n"
    "E: DEVNAME=/dev/bus/usb/%03u/%03u\n"
    "E: DEVTYPE=usb_device\n"
    "E: DRIVER=usb\n"
    "E: PRODUCT=%x/%x/100\n"
    "E: TYPE=0/0/0\n"
    "E: BUSNUM=%03u\n"
    "E: DEVNUM=%03u\n"
    "E: MAJOR=189\n"
    "E: MINOR=%u\n"
    "E: SUBSYSTEM=usb\n"
    "E: ID_VENDOR_ID=%04x\n"
    "E: ID_MODEL_ID=%04x\n"
    "E: ID_BUS=usb\n"
    "A: bConfigurationValue=1\n"
    "A: bDeviceClass=00\n"
    "A: bNumConfigurations=1\n"
    "A: bNumInterfaces= 1\n"
    "A: busnum=%u\n"
    "A: devnum=%u\n"
    "A: devpath=%u\n"
    "A: dev=189:%u\n"
    "A: idVendor=%04x\n"
    "A: idProduct=%04x\n"
    "A: speed=12\n"
    "A: manufacturer=Fake\n"
    "A: product=%s\n"
    "H: descriptors=%s\n",
    info->busnum, info->busnum, port, info->busnum, info->devnum, info->busnum, info->devnum,
    info->vid, info->pid, info->busnum, info->devnum, minor, info->vid, info->pid,
    info->busnum, info->devnum, port, minor, info->vid, info->pid, info->product,
    info->descriptors);

  if (!umockdev_testbed_add_from_string (usb->testbed, usb->record, error))
    return FALSE;
  usb->added = TRUE;
  usb->handler = umockdev_ioctl_base_new ();
  g_signal_connect_data (usb->handler, "handle-ioctl", G_CALLBACK (on_ioctl), usb, release, 0);
  if (!umockdev_testbed_attach_ioctl (usb->testbed, usb->devnode, usb->handler, error))
    return FALSE;
  usb->plugged = TRUE;
  return TRUE;
}

void
hb_fake_usbfs_free (HbFakeUsbfs *usb)
{
  UMockdevIoctlBase *handler = g_steal_pointer (&usb->handler);

  if (handler)
    umockdev_testbed_detach_ioctl (usb->testbed, usb->devnode, NULL);
  if (usb->plugged && usb->added)
    umockdev_testbed_remove_device (usb->testbed, usb->syspath);
  g_clear_object (&usb->testbed);
  if (handler)
    {
      g_signal_handlers_disconnect_by_data (handler, usb);
      g_object_unref (handler);
    }
  else
    release (usb, NULL);
}

libusb_device *
hb_fake_usbfs_find_device (HbFakeUsbfs *usb, libusb_context *ctx)
{
  libusb_device **list = NULL;
  libusb_device *found = NULL;
  ssize_t n = libusb_get_device_list (ctx, &list);

  for (ssize_t i = 0; i < n; i++)
    if (libusb_get_bus_number (list[i]) == usb->busnum &&
        libusb_get_device_address (list[i]) == usb->devnum)
      {
        found = libusb_ref_device (list[i]);
        break;
      }
  if (n >= 0)
    libusb_free_device_list (list, 1);
  return found;
}

void
hb_fake_usbfs_unplug (HbFakeUsbfs *usb)
{
  g_mutex_lock (&usb->lock);
  if (!usb->plugged)
    {
      g_mutex_unlock (&usb->lock);
      return;
    }
  usb->plugged = FALSE;
  for (int k = 0; k < HB_FAKE_USBFS_IN_QUEUES; k++)
    {
      UMockdevIoctlData *urb;

      while ((urb = g_queue_pop_head (&usb->pending_in[k])))
        hb_fake_usbfs_complete (usb, urb, -ESHUTDOWN, 0);
    }
  usb->klass->unplugged (usb->fake);
  g_mutex_unlock (&usb->lock);

  umockdev_testbed_uevent (usb->testbed, usb->syspath, "remove");
  umockdev_testbed_remove_device (usb->testbed, usb->syspath);
}

void
hb_fake_usbfs_replug (HbFakeUsbfs *usb)
{
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&usb->lock);
  if (usb->plugged)
    {
      g_mutex_unlock (&usb->lock);
      return;
    }
  /* URBs of the old connection that nobody reaped are gone with it. */
  drop_urbs_locked (usb);
  usb->klass->replugged (usb->fake);
  usb->plugged = TRUE;
  g_mutex_unlock (&usb->lock);

  /* Adding a device sends its "add" uevent. */
  if (!umockdev_testbed_add_from_string (usb->testbed, usb->record, &error))
    g_error ("fake USB device %s: cannot replug: %s", usb->devnode, error->message);
}

gboolean
hb_fake_usbfs_is_plugged (HbFakeUsbfs *usb)
{
  gboolean plugged;

  g_mutex_lock (&usb->lock);
  plugged = usb->plugged;
  g_mutex_unlock (&usb->lock);
  return plugged;
}

/* --- kernel driver and claims ------------------------------------------------------------ */

static void
driver_claim (HbFakeUsbDriver *d, UMockdevIoctlClient *client, gboolean disconnect)
{
  if (disconnect && d->bound && !d->block_claim && !d->claimed)
    {
      d->bound = FALSE;
      d->detaches++;
    }
  if (d->bound || d->claimed || d->block_claim)
    {
      d->refused_claims++;
      umockdev_ioctl_client_complete (client, -1, EBUSY);
      return;
    }
  d->claimed = TRUE;
  d->claims++;
  umockdev_ioctl_client_complete (client, 0, 0);
}

static void
driver_get (HbFakeUsbDriver *d, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UMockdevIoctlData) gd = NULL;
  const char *name = d->claimed ? "usbfs" : d->bound ? d->name : NULL;

  if (name == NULL)
    {
      umockdev_ioctl_client_complete (client, -1, ENODATA);
      return;
    }
  gd = umockdev_ioctl_data_resolve (arg, 0, sizeof (struct usbdevfs_getdriver), &error);
  if (gd == NULL)
    {
      umockdev_ioctl_client_complete (client, -1, EFAULT);
      return;
    }
  g_strlcpy (((struct usbdevfs_getdriver *) gd->data)->driver, name, USBDEVFS_MAXDRIVERNAME + 1);
  umockdev_ioctl_client_complete (client, 0, 0);
}

/* USBDEVFS_IOCTL: the kernel-driver requests libusb makes (disconnect, connect). */
static void
driver_request (HbFakeUsbDriver *d, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UMockdevIoctlData) cmd =
    umockdev_ioctl_data_resolve (arg, 0, sizeof (struct usbdevfs_ioctl), &error);
  int code;

  if (cmd == NULL)
    {
      umockdev_ioctl_client_complete (client, -1, EFAULT);
      return;
    }
  code = ((struct usbdevfs_ioctl *) cmd->data)->ioctl_code;
  if (code == (int) USBDEVFS_DISCONNECT)
    {
      if (!d->bound)
        {
          umockdev_ioctl_client_complete (client, -1, ENODATA);
          return;
        }
      d->bound = FALSE;
      d->detaches++;
      umockdev_ioctl_client_complete (client, 0, 0);
    }
  else if (code == (int) USBDEVFS_CONNECT)
    {
      if (!d->claimed && !d->bound)
        {
          d->bound = TRUE;
          d->attaches++;
        }
      umockdev_ioctl_client_complete (client, 0, 0);
    }
  else
    umockdev_ioctl_client_complete (client, -1, ENOTTY);
}

gboolean
hb_fake_usb_driver_ioctl (HbFakeUsbDriver *driver, gulong request,
                          UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  if (request == USBDEVFS_CLAIMINTERFACE)
    driver_claim (driver, client, FALSE);
  else if (request == USBDEVFS_DISCONNECT_CLAIM)
    driver_claim (driver, client, TRUE);
  else if (request == USBDEVFS_RELEASEINTERFACE)
    {
      if (driver->claimed)
        {
          driver->claimed = FALSE;
          driver->releases++;
        }
      umockdev_ioctl_client_complete (client, 0, 0);
    }
  else if (request == USBDEVFS_GETDRIVER)
    driver_get (driver, client, arg);
  else if (request == USBDEVFS_IOCTL)
    driver_request (driver, client, arg);
  else
    return FALSE;
  return TRUE;
}
