/* hb-fake-umockdev.h — the usbdevfs plumbing shared by the fake USB devices
 * (hb-fake-usb-sam.c, hb-fake-hid-scanner.c, hb-fake-escpos.c): a device record on a umockdev testbed, a
 * "handle-ioctl" handler that answers what libusb asks of every device (capabilities,
 * configuration, clear-halt, URB submit/reap/discard) and unplug/replug. A fake embeds an
 * HbFakeUsbfs and supplies what makes it that device in an HbFakeUsbfsClass.
 *
 * Everything runs under usb->lock: the handler on umockdev's thread, the knobs on the
 * test's. Callbacks are called with it held. */
#pragma once

#include <libusb.h>
#include <umockdev.h>
#include <sys/ioctl.h>
#include <linux/usbdevice_fs.h>   /* after sys/ioctl.h, or the USBDEVFS_* macros break */

G_BEGIN_DECLS

typedef struct
{
  /* A submitted URB, resolved and referenced (the reference passes to whichever queue
   * takes it); its buffer is hb_fake_usbfs_urb_buffer (urb). Complete it or queue it on
   * pending_in, then answer pending IN URBs if it made that possible. */
  void     (*submit)    (gpointer fake, UMockdevIoctlData *urb);
  /* Requests the common handler does not answer (claims, kernel drivers): complete the
   * client and return TRUE, or FALSE for ENOTTY. */
  gboolean (*ioctl)     (gpointer fake, gulong request, UMockdevIoctlClient *client,
                         UMockdevIoctlData *arg);
  /* After the pending IN URBs completed with -ESHUTDOWN: forget what was on the wire. */
  void     (*unplugged) (gpointer fake);
  /* Before the device comes back: reset to a fresh plug-in. */
  void     (*replugged) (gpointer fake);
  /* Free the fake itself (once umockdev can no longer call the handler). */
  void     (*finalize)  (gpointer fake);
} HbFakeUsbfsClass;

typedef struct
{
  guint8      busnum;
  guint8      devnum;
  guint16     vid;
  guint16     pid;
  const char *product;       /* the product string */
  const char *descriptors;   /* hex: device and configuration descriptors */
} HbFakeUsbfsInfo;

#define HB_FAKE_USBFS_IN_QUEUES 2

typedef struct
{
  const HbFakeUsbfsClass *klass;
  gpointer           fake;
  UMockdevTestbed   *testbed;
  UMockdevIoctlBase *handler;
  guint8             busnum;
  guint8             devnum;
  char              *syspath;      /* /sys/devices/… */
  char              *devnode;      /* /dev/bus/usb/BBB/DDD */
  char              *record;       /* the umockdev description, for replug */

  GMutex             lock;         /* what follows, and the fake's own state */
  GQueue             done;         /* UMockdevIoctlData* (URBs), ready to reap */
  GQueue             pending_in[HB_FAKE_USBFS_IN_QUEUES];   /* per IN endpoint */
  gboolean           plugged;
  gboolean           added;        /* in the testbed at least once */
  guint              discards;     /* USBDEVFS_DISCARDURB of a pending IN URB */
  guint              halts_cleared;
} HbFakeUsbfs;

/* Before anything can fail: the fake's free path is hb_fake_usbfs_free. */
void     hb_fake_usbfs_init (HbFakeUsbfs *usb, const HbFakeUsbfsClass *klass, gpointer fake);
/* testbed: NULL for one of its own (which sets $UMOCKDEV_DIR). Adds the device, attaches
 * the handler and plugs it in. Fails unless under umockdev's preload. */
gboolean hb_fake_usbfs_plug_in (HbFakeUsbfs *usb, UMockdevTestbed *testbed,
                                const HbFakeUsbfsInfo *info, GError **error);
/* Detaches and removes the device; the fake is finalized when umockdev lets go. */
void     hb_fake_usbfs_free (HbFakeUsbfs *usb);

/* The libusb_device of the fake in ctx (a new reference), or NULL (unplugged). */
libusb_device *hb_fake_usbfs_find_device (HbFakeUsbfs *usb, libusb_context *ctx);
void     hb_fake_usbfs_unplug (HbFakeUsbfs *usb);
void     hb_fake_usbfs_replug (HbFakeUsbfs *usb);
gboolean hb_fake_usbfs_is_plugged (HbFakeUsbfs *usb);

/* For the callbacks (lock held). */
struct usbdevfs_urb *hb_fake_usbfs_urb (UMockdevIoctlData *urb);
guint8  *hb_fake_usbfs_urb_buffer (UMockdevIoctlData *urb);
/* Moves the URB to the reap queue with this status and length. */
void     hb_fake_usbfs_complete (HbFakeUsbfs *usb, UMockdevIoctlData *urb, int status,
                                 int actual);

/* The kernel driver bound to a fake's interface, and usbfs claims of it (lock held). A
 * claim fails with EBUSY while the driver is bound, the interface is claimed, or
 * block_claim is set (another program has it); DISCONNECT_CLAIM and the USBDEVFS_IOCTL
 * DISCONNECT unbind the driver, CONNECT binds it again unless claimed. GETDRIVER says
 * "usbfs" while claimed, `name` while bound. */
typedef struct
{
  const char *name;          /* "usblp", "usbhid" */
  gboolean    bound;
  gboolean    claimed;
  gboolean    block_claim;
  guint       claims;
  guint       refused_claims;
  guint       releases;      /* of a claimed interface */
  guint       detaches;
  guint       attaches;
} HbFakeUsbDriver;

/* Answers CLAIMINTERFACE, DISCONNECT_CLAIM, RELEASEINTERFACE, GETDRIVER and USBDEVFS_IOCTL
 * and returns TRUE; FALSE for any other request (an HbFakeUsbfsClass.ioctl helper). */
gboolean hb_fake_usb_driver_ioctl (HbFakeUsbDriver *driver, gulong request,
                                   UMockdevIoctlClient *client, UMockdevIoctlData *arg);

G_END_DECLS
