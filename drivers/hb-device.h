/* hb-device.h — abstract base of every device (ID card reader, QR scanner, printer).
 *
 * Modelled on libfprint's FpDevice: a class struct with an id table and vfuncs, one action
 * at a time (GTask + GCancellable), and a status that follows CEN XFS4IoT's common model.
 * Per-kind media/supply state (card present, paper out…) lives on the kind's subclass.
 *
 * Threading: an HbDevice belongs to the thread-default main context it was created in;
 * signals are emitted there.  Drivers do blocking I/O in GTask worker threads only. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  HB_DEVICE_KIND_IDCARD,
  HB_DEVICE_KIND_SCANNER,
  HB_DEVICE_KIND_PRINTER,           /* the A4 document printer (CUPS) */
  HB_DEVICE_KIND_RECEIPT_PRINTER,   /* the 80 mm thermal ticket printer (ESC/POS) */
} HbDeviceKind;
#define HB_DEVICE_N_KINDS 4

/* XFS4IoT Common.Status "device" values. */
typedef enum {
  HB_DEVICE_STATUS_STARTING,
  HB_DEVICE_STATUS_ONLINE,
  HB_DEVICE_STATUS_OFFLINE,
  HB_DEVICE_STATUS_NO_DEVICE,
  HB_DEVICE_STATUS_HARDWARE_ERROR,
  HB_DEVICE_STATUS_USER_ERROR,
  HB_DEVICE_STATUS_BUSY,
} HbDeviceStatus;

GType hb_device_kind_get_type (void);
GType hb_device_status_get_type (void);
#define HB_TYPE_DEVICE_KIND   (hb_device_kind_get_type ())
#define HB_TYPE_DEVICE_STATUS (hb_device_status_get_type ())

/* "idcard" / "scanner" / "printer" / "receipt-printer"; NULL-safe parse returns FALSE on unknown names. */
const char *hb_device_kind_to_string (HbDeviceKind kind);
gboolean    hb_device_kind_from_string (const char *name, HbDeviceKind *out_kind);
/* "online", "offline", "no-device", "hardware-error", "user-error", "busy", "starting" */
const char *hb_device_status_to_string (HbDeviceStatus status);

#define HB_DEVICE_ERROR (hb_device_error_quark ())
GQuark hb_device_error_quark (void);
typedef enum {
  HB_DEVICE_ERROR_NOT_OPEN,       /* action on a closed device */
  HB_DEVICE_ERROR_BUSY,           /* another action is running */
  HB_DEVICE_ERROR_NO_DEVICE,      /* unplugged / not present */
  HB_DEVICE_ERROR_TIMEOUT,        /* the device did not answer in time */
  HB_DEVICE_ERROR_PROTOCOL,       /* malformed bytes from the device */
  HB_DEVICE_ERROR_HARDWARE,       /* the device reports a fault */
  HB_DEVICE_ERROR_USER,           /* fixable by a person: paper out, cover open, no card */
  HB_DEVICE_ERROR_NOT_SUPPORTED,
} HbDeviceError;

/* One entry of a driver's id table; terminated by an entry with vid == 0 && virtual_id == NULL. */
typedef struct {
  guint16     vid;
  guint16     pid;
  const char *virtual_id;   /* for virtual drivers: "virtual-idcard" … */
  guint64     driver_data;
} HbDeviceIdEntry;

#define HB_TYPE_DEVICE (hb_device_get_type ())
G_DECLARE_DERIVABLE_TYPE (HbDevice, hb_device, HB, DEVICE, GObject)

struct _HbDeviceClass
{
  GObjectClass parent_class;

  /*< public: filled in by drivers in class_init >*/
  const char            *driver_id;   /* "virtual-idcard", "sam-usb" … */
  const char            *full_name;   /* human name for maintenance screens */
  HbDeviceKind           kind;
  const HbDeviceIdEntry *id_table;

  /* open/close complete the GTask (g_task_return_boolean / _error). */
  void (*open)   (HbDevice *device, GTask *task);
  void (*close)  (HbDevice *device, GTask *task);
  /* Cancel the current action (the base class also cancels the action's GCancellable). */
  void (*cancel) (HbDevice *device);
  /* Add the kind's own members to hb_device_describe()'s object ("media", "paper"…). */
  void (*describe) (HbDevice *device, JsonBuilder *builder);

  gpointer padding[8];
};

HbDeviceKind   hb_device_get_kind        (HbDevice *self);
const char    *hb_device_get_driver_id   (HbDevice *self);
const char    *hb_device_get_name        (HbDevice *self);   /* instance display name */
HbDeviceStatus hb_device_get_status      (HbDevice *self);
gboolean       hb_device_is_open         (HbDevice *self);
/* Short reason for the current status ("paper out", "unplugged"); NULL when online. */
const char    *hb_device_get_status_detail (HbDevice *self);

void     hb_device_open_async   (HbDevice *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean hb_device_open_finish  (HbDevice *self, GAsyncResult *result, GError **error);
void     hb_device_close_async  (HbDevice *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean hb_device_close_finish (HbDevice *self, GAsyncResult *result, GError **error);
/* Cancel whatever the device is doing (idle timeout, visit end). Safe when idle. */
void     hb_device_cancel       (HbDevice *self);

/* Adds "kind", "driver", "name", "status", "detail" and the kind's own members to an
 * open JSON object builder (for haobanctl status and the heartbeat). */
void     hb_device_describe     (HbDevice *self, JsonBuilder *builder);

G_END_DECLS
