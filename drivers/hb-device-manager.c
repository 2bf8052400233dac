/* hb-device-manager.c — finds the terminal's devices (virtual or USB) and owns them. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/hb-device-manager-private.h"
#include "drivers/virtual/hb-virtual-card-reader.h"
#include "drivers/virtual/hb-virtual-scanner.h"
#include "drivers/virtual/hb-virtual-printer.h"
#include "drivers/virtual/hb-virtual-receipt-printer.h"
#include "drivers/idcard/hb-sam-card-reader.h"
#include "drivers/idcard/hb-sam-frame.h"
#include "drivers/scanner/hb-usb-scanner.h"
#include "drivers/printer/hb-escpos-printer.h"
#include "drivers/scanner/hb-serial-scanner.h"
#include "drivers/scanner/hb-camera-scanner.h"
#include "drivers/printer/hb-cups-printer.h"
#include "drivers/transport/hb-usb-transport.h"
#include "drivers/transport/hb-serial-transport.h"
#include "common/hb-context.h"

#include <string.h>

/* libusb events are pumped in slices this long, so stop() never waits longer. */
#define USB_EVENT_SLICE_US 200000

/* The libusb context outlives the manager's USB thread as long as a transport still
 * holds a device of it: each holder keeps a reference, the last one calls libusb_exit. */
typedef struct
{
  gint            ref;
  libusb_context *ctx;
} UsbKeeper;

struct _HbDeviceManager
{
  GObject          parent_instance;

  HbDeviceMode     mode;
  char            *sim_socket;
  char            *spool_dir;
  gboolean         started;
  GMainContext    *context;       /* where devices live and signals are emitted */

  HbDevice        *devices[HB_DEVICE_N_KINDS];
  gulong           status_ids[HB_DEVICE_N_KINDS];
  guint            usb_locations[HB_DEVICE_N_KINDS]; /* real mode: bus << 8 | address, + 1 */

  HbSimServer     *sim;

  /* real mode: an ID reader behind a USB-serial bridge, by tty path */
  char            *idcard_serial;
  guint            idcard_baud;
  /* real mode: a CDC-ACM / virtual-COM scanner, by tty path */
  char            *scanner_serial;
  char            *camera;
  char            *cups_server;
  char            *cups_queue;
  gboolean         use_cups;
  guint            scanner_baud;

  /* real mode: libusb lives in usb_thread; the main context gets UsbEvents */
  HbUsbInitFunc    usb_init;
  GThread         *usb_thread;
  gint             usb_stop;      /* atomic */
  GMutex           usb_lock;      /* guards usb, for interrupting the thread */
  libusb_context  *usb;
  UsbKeeper       *usb_keeper;    /* the USB thread's own reference */
  guint            usb_generation;
  gboolean         usb_probed;    /* main thread: the init result has arrived */
  gboolean         usb_ok;
};

G_DEFINE_FINAL_TYPE (HbDeviceManager, hb_device_manager, G_TYPE_OBJECT)

enum {
  SIGNAL_DEVICE_ADDED,
  SIGNAL_DEVICE_REMOVED,
  SIGNAL_STATUS_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static UsbKeeper *
usb_keeper_ref (UsbKeeper *keeper)
{
  g_atomic_int_inc (&keeper->ref);
  return keeper;
}

static void
usb_keeper_unref (gpointer data)
{
  UsbKeeper *keeper = data;
  if (keeper != NULL && g_atomic_int_dec_and_test (&keeper->ref))
    {
      libusb_exit (keeper->ctx);
      g_free (keeper);
    }
}

/* Registered real driver types (process-wide, like libfprint's generated list). */
static GMutex  drivers_lock;
static GArray *driver_types;

gboolean
hb_device_mode_from_string (const char *s, HbDeviceMode *out)
{
  HbDeviceMode mode;

  if (g_strcmp0 (s, "virtual") == 0)
    mode = HB_DEVICE_MODE_VIRTUAL;
  else if (g_strcmp0 (s, "real") == 0)
    mode = HB_DEVICE_MODE_REAL;
  else
    return FALSE;
  if (out)
    *out = mode;
  return TRUE;
}

char *
hb_device_manager_default_sim_socket (void)
{
  return g_build_filename (g_get_user_runtime_dir (), "haoban", "sim.sock", NULL);
}

char *
hb_device_manager_default_spool_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "haoban", "virtual-printer", NULL);
}

void
hb_device_manager_register_driver (GType driver_type)
{
  g_return_if_fail (g_type_is_a (driver_type, HB_TYPE_DEVICE));
  g_return_if_fail (!G_TYPE_IS_ABSTRACT (driver_type));

  g_mutex_lock (&drivers_lock);
  if (driver_types == NULL)
    driver_types = g_array_new (FALSE, FALSE, sizeof (GType));
  for (guint i = 0; i < driver_types->len; i++)
    if (g_array_index (driver_types, GType, i) == driver_type)
      {
        g_mutex_unlock (&drivers_lock);
        return;
      }
  g_array_append_val (driver_types, driver_type);
  g_mutex_unlock (&drivers_lock);
}

/* The registered driver type whose id table lists vid:pid, or G_TYPE_INVALID; *data gets
 * the entry's driver_data. */
static GType
match_driver (guint16 vid, guint16 pid, guint64 *data)
{
  GType found = G_TYPE_INVALID;

  g_mutex_lock (&drivers_lock);
  for (guint i = 0; driver_types && i < driver_types->len && !found; i++)
    {
      GType type = g_array_index (driver_types, GType, i);
      HbDeviceClass *klass = g_type_class_ref (type);

      for (const HbDeviceIdEntry *e = klass->id_table;
           e && (e->vid != 0 || e->virtual_id != NULL); e++)
        if (e->vid != 0 && e->vid == vid && e->pid == pid)
          {
            found = type;
            *data = e->driver_data;
            break;
          }
      g_type_class_unref (klass);
    }
  g_mutex_unlock (&drivers_lock);
  return found;
}

/* --- owning devices ----------------------------------------------------------------- */

static void
on_device_status_changed (HbDevice *device, gpointer user_data)
{
  g_signal_emit (HB_DEVICE_MANAGER (user_data), signals[SIGNAL_STATUS_CHANGED], 0, device);
}

/* Set on a device the manager let go of while its open was still running. */
#define REMOVED_KEY "hb-device-manager-removed"

static void
on_device_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HbDevice *device = HB_DEVICE (source);
  g_autoptr(GError) error = NULL;

  if (hb_device_open_finish (device, result, &error))
    {
      if (g_object_get_data (source, REMOVED_KEY))
        hb_device_close_async (device, NULL, NULL, NULL);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Cannot open %s: %s", hb_device_get_driver_id (device), error->message);
}

static void
add_device (HbDeviceManager *self, HbDevice *device)
{
  HbDeviceKind kind = hb_device_get_kind (device);

  g_return_if_fail (kind < HB_DEVICE_N_KINDS && self->devices[kind] == NULL);

  self->devices[kind] = g_object_ref (device);
  self->status_ids[kind] = g_signal_connect (device, "status-changed",
                                             G_CALLBACK (on_device_status_changed), self);
  g_signal_emit (self, signals[SIGNAL_DEVICE_ADDED], 0, device);
  hb_device_open_async (device, NULL, on_device_opened, NULL);
}

/* Closing a device we let go of: its running action was just cancelled, so a BUSY close
 * is retried briefly until that action has wound down. */
#define CLOSE_RETRY_MS      50
#define CLOSE_RETRY_ATTEMPTS 100

typedef struct
{
  HbDevice *device;
  guint     attempt;
} CloseRetry;

static void close_removed (HbDevice *device, guint attempt);

static void
close_retry_free (gpointer data)
{
  CloseRetry *retry = data;

  g_object_unref (retry->device);
  g_free (retry);
}

static gboolean
close_retry (gpointer data)
{
  CloseRetry *retry = data;

  close_removed (retry->device, retry->attempt);
  return G_SOURCE_REMOVE;
}

static void
on_removed_closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  guint attempt = GPOINTER_TO_UINT (user_data);
  g_autoptr(GError) error = NULL;

  if (!hb_device_close_finish (HB_DEVICE (source), result, &error) &&
      g_error_matches (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_BUSY) &&
      attempt < CLOSE_RETRY_ATTEMPTS)
    {
      CloseRetry *retry = g_new0 (CloseRetry, 1);

      retry->device = g_object_ref (HB_DEVICE (source));
      retry->attempt = attempt + 1;
      g_timeout_add_full (G_PRIORITY_DEFAULT, CLOSE_RETRY_MS, close_retry, retry,
                          close_retry_free);
    }
}

static void
close_removed (HbDevice *device, guint attempt)
{
  hb_device_close_async (device, NULL, on_removed_closed, GUINT_TO_POINTER (attempt));
}

static void
remove_device (HbDeviceManager *self, HbDeviceKind kind)
{
  g_autoptr(HbDevice) device = g_steal_pointer (&self->devices[kind]);

  if (device == NULL)
    return;
  g_clear_signal_handler (&self->status_ids[kind], device);
  self->usb_locations[kind] = 0;
  g_object_set_data (G_OBJECT (device), REMOVED_KEY, GINT_TO_POINTER (TRUE));
  hb_device_cancel (device);
  /* The close task keeps the device alive until it is done. */
  close_removed (device, 0);
  g_signal_emit (self, signals[SIGNAL_DEVICE_REMOVED], 0, device);
  g_signal_emit (self, signals[SIGNAL_STATUS_CHANGED], 0, device);
}

/* --- real mode: libusb -------------------------------------------------------------- */

/* Everything libusb does (init, enumeration, hotplug, events) happens in the manager's
 * own "hb-usb" thread; the main context only receives plain ids. No libusb object crosses
 * threads, so none can outlive the context it belongs to. */

typedef enum {
  USB_EVENT_PROBED,     /* init finished with .result; enumeration follows */
  USB_EVENT_ARRIVED,
  USB_EVENT_LEFT,
} UsbEventType;

typedef struct
{
  GWeakRef      manager;
  guint         generation;
  UsbEventType  type;
  int           result;
  guint16       vid, pid;
  guint         location;     /* bus << 8 | address, + 1 */
  libusb_device *device;      /* ARRIVED: a reference, kept alive with the keeper */
  UsbKeeper     *keeper;
} UsbEvent;

static void
usb_event_free (gpointer data)
{
  UsbEvent *event = data;

  g_weak_ref_clear (&event->manager);
  if (event->device)
    libusb_unref_device (event->device);
  usb_keeper_unref (event->keeper);
  g_free (event);
}

/* Drivers that take the libusb_device itself (property "usb-device": HID scanners) get it,
 * and the id table's driver_data as "usb-driver-data" if they have that; drivers that
 * speak through a transport get one for their device. The keeper rides along on the
 * driver or the transport, so libusb stays up while the device is used. Returns NULL
 * when the driver needs a device the event does not carry. */
static HbDevice *
new_usb_driver (GType type, guint64 driver_data, UsbEvent *event)
{
  GObjectClass *klass = g_type_class_ref (type);
  gboolean wants_device = g_object_class_find_property (klass, "usb-device") != NULL;
  gboolean wants_data = g_object_class_find_property (klass, "usb-driver-data") != NULL;
  gboolean wants_transport = g_object_class_find_property (klass, "transport") != NULL;
  g_autoptr(HbUsbTransport) transport = NULL;
  HbDevice *device;

  g_type_class_unref (klass);
  if (wants_device)
    {
      if (event->device == NULL)
        return NULL;
      device = wants_data ? g_object_new (type, "usb-device", event->device,
                                          "usb-driver-data", driver_data, NULL)
                          : g_object_new (type, "usb-device", event->device, NULL);
      g_object_set_data_full (G_OBJECT (device), "hb-usb-keeper",
                              usb_keeper_ref (event->keeper), usb_keeper_unref);
      return device;
    }
  if (!wants_transport || event->device == NULL)
    return g_object_new (type, NULL);
  transport = hb_usb_transport_new (event->device,
                                    driver_data ? (HbUsbLayout) driver_data
                                                : hb_usb_transport_detect_layout (event->device),
                                    HB_SAM_HEADER_LEN);
  g_object_set_data_full (G_OBJECT (transport), "hb-usb-keeper", usb_keeper_ref (event->keeper),
                          usb_keeper_unref);
  return g_object_new (type, "transport", transport, NULL);
}

static void
usb_device_arrived (HbDeviceManager *self, UsbEvent *event)
{
  guint64 driver_data = 0;
  GType type = match_driver (event->vid, event->pid, &driver_data);
  guint location = event->location;
  g_autoptr(HbDevice) device = NULL;
  HbDeviceKind kind;

  if (type == G_TYPE_INVALID)
    return;
  device = new_usb_driver (type, driver_data, event);
  if (device == NULL)
    return;
  kind = hb_device_get_kind (device);
  /* One device per kind: the first one found serves. */
  if (kind >= HB_DEVICE_N_KINDS || self->devices[kind] != NULL)
    return;
  self->usb_locations[kind] = location;
  add_device (self, device);
}

static gboolean
usb_event_in_main (gpointer data)
{
  UsbEvent *event = data;
  g_autoptr(HbDeviceManager) self = g_weak_ref_get (&event->manager);

  /* Events from a previous start() are stale. */
  if (self == NULL || !self->started || event->generation != self->usb_generation)
    return G_SOURCE_REMOVE;

  switch (event->type)
    {
    case USB_EVENT_PROBED:
      self->usb_probed = TRUE;
      self->usb_ok = event->result == LIBUSB_SUCCESS;
      if (!self->usb_ok)
        g_warning ("USB is not available (%s): every device kind reads no-device",
                   libusb_error_name (event->result));
      break;
    case USB_EVENT_ARRIVED:
      usb_device_arrived (self, event);
      break;
    case USB_EVENT_LEFT:
      for (guint k = 0; k < HB_DEVICE_N_KINDS; k++)
        if (self->usb_locations[k] == event->location)
          remove_device (self, (HbDeviceKind) k);
      break;
    default:
      break;
    }
  return G_SOURCE_REMOVE;
}

static void
post_usb_event (HbDeviceManager *self, UsbEventType type, int result, libusb_device *device,
                UsbKeeper *keeper)
{
  UsbEvent *event = g_new0 (UsbEvent, 1);

  g_weak_ref_init (&event->manager, self);
  event->generation = self->usb_generation;
  event->type = type;
  event->result = result;
  if (device != NULL)
    {
      struct libusb_device_descriptor desc;

      if (libusb_get_device_descriptor (device, &desc) == 0)
        {
          event->vid = desc.idVendor;
          event->pid = desc.idProduct;
        }
      event->location = ((guint) libusb_get_bus_number (device) << 8 |
                         libusb_get_device_address (device)) + 1;
      if (type == USB_EVENT_ARRIVED && keeper != NULL)
        {
          event->device = libusb_ref_device (device);
          event->keeper = usb_keeper_ref (keeper);
        }
    }
  hb_context_post (self->context, "[haoban] usb event", usb_event_in_main, event,
                   usb_event_free);
}

/* Runs in the USB thread, inside libusb_handle_events. */
static int
on_hotplug (libusb_context *ctx, libusb_device *device, libusb_hotplug_event what,
            void *user_data)
{
  HbDeviceManager *self = user_data;
  /* The manager is alive: stop() joins this thread before it can go. */
  post_usb_event (self, what == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED ? USB_EVENT_ARRIVED
                                                                   : USB_EVENT_LEFT,
                  0, device, self->usb_keeper);
  return 0;   /* stay registered */
}

static gpointer
usb_thread (gpointer data)
{
  HbDeviceManager *self = data;
  libusb_context *ctx = NULL;
  libusb_hotplug_callback_handle handle;
  gboolean hotplug = FALSE;
  libusb_device **list = NULL;
  ssize_t n;
  int r;

  r = self->usb_init (&ctx);
  post_usb_event (self, USB_EVENT_PROBED, r, NULL, NULL);
  if (r != LIBUSB_SUCCESS)
    return NULL;
  self->usb_keeper = g_new0 (UsbKeeper, 1);
  self->usb_keeper->ref = 1;
  self->usb_keeper->ctx = ctx;

  g_mutex_lock (&self->usb_lock);
  self->usb = ctx;
  g_mutex_unlock (&self->usb_lock);

  n = libusb_get_device_list (ctx, &list);
  if (n < 0)
    g_debug ("Cannot list USB devices: %s", libusb_error_name ((int) n));
  for (ssize_t i = 0; i < n; i++)
    post_usb_event (self, USB_EVENT_ARRIVED, 0, list[i], self->usb_keeper);
  if (list)
    libusb_free_device_list (list, 1);

  if (libusb_has_capability (LIBUSB_CAP_HAS_HOTPLUG))
    {
      r = libusb_hotplug_register_callback (ctx,
                                            LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
                                            LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
                                            LIBUSB_HOTPLUG_NO_FLAGS, LIBUSB_HOTPLUG_MATCH_ANY,
                                            LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
                                            on_hotplug, self, &handle);
      hotplug = r == LIBUSB_SUCCESS;
      if (!hotplug)
        g_debug ("No USB hotplug: %s", libusb_error_name (r));
    }

  while (!g_atomic_int_get (&self->usb_stop))
    {
      /* Bounded, so a stop request is seen even if an interrupt is missed. */
      struct timeval tv = { 0, USB_EVENT_SLICE_US };

      r = libusb_handle_events_timeout_completed (ctx, &tv, NULL);
      if (r < 0 && r != LIBUSB_ERROR_INTERRUPTED && r != LIBUSB_ERROR_TIMEOUT)
        g_usleep (USB_EVENT_SLICE_US);   /* do not spin on a persistent failure */
    }

  if (hotplug)
    libusb_hotplug_deregister_callback (ctx, handle);
  g_mutex_lock (&self->usb_lock);
  self->usb = NULL;
  g_mutex_unlock (&self->usb_lock);
  /* libusb_exit once the last transport lets go of its device. */
  usb_keeper_unref (g_steal_pointer (&self->usb_keeper));
  return NULL;
}

static void
start_usb (HbDeviceManager *self)
{
  self->usb_probed = FALSE;
  self->usb_ok = FALSE;
  g_atomic_int_set (&self->usb_stop, 0);
  self->usb_thread = g_thread_new ("hb-usb", usb_thread, self);
}

static void
stop_usb (HbDeviceManager *self)
{
  if (self->usb_thread == NULL)
    return;

  g_atomic_int_set (&self->usb_stop, 1);
  g_mutex_lock (&self->usb_lock);
  if (self->usb != NULL)
    libusb_interrupt_event_handler (self->usb);
  g_mutex_unlock (&self->usb_lock);
  g_thread_join (g_steal_pointer (&self->usb_thread));

  self->usb_generation++;
  self->usb_probed = FALSE;
  self->usb_ok = FALSE;
  memset (self->usb_locations, 0, sizeof self->usb_locations);
}

/* --- lifecycle ---------------------------------------------------------------------- */

static void
hb_device_manager_dispose (GObject *object)
{
  hb_device_manager_stop (HB_DEVICE_MANAGER (object));
  G_OBJECT_CLASS (hb_device_manager_parent_class)->dispose (object);
}

static void
hb_device_manager_finalize (GObject *object)
{
  HbDeviceManager *self = HB_DEVICE_MANAGER (object);

  g_free (self->sim_socket);
  g_free (self->spool_dir);
  g_free (self->idcard_serial);
  g_free (self->scanner_serial);
  g_free (self->camera);
  g_free (self->cups_server);
  g_free (self->cups_queue);
  g_mutex_clear (&self->usb_lock);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (hb_device_manager_parent_class)->finalize (object);
}

static void
hb_device_manager_class_init (HbDeviceManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hb_device_manager_dispose;
  object_class->finalize = hb_device_manager_finalize;

  signals[SIGNAL_DEVICE_ADDED] =
    g_signal_new ("device-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, HB_TYPE_DEVICE);
  signals[SIGNAL_DEVICE_REMOVED] =
    g_signal_new ("device-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, HB_TYPE_DEVICE);
  signals[SIGNAL_STATUS_CHANGED] =
    g_signal_new ("status-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, HB_TYPE_DEVICE);
}

static void
hb_device_manager_init (HbDeviceManager *self)
{
  self->usb_init = libusb_init;
  g_mutex_init (&self->usb_lock);
}

HbDeviceManager *
hb_device_manager_new (HbDeviceMode mode, const char *sim_socket, const char *spool_dir)
{
  HbDeviceManager *self = g_object_new (HB_TYPE_DEVICE_MANAGER, NULL);

  self->mode = mode;
  self->sim_socket = sim_socket ? g_strdup (sim_socket) : hb_device_manager_default_sim_socket ();
  self->spool_dir = spool_dir ? g_strdup (spool_dir) : hb_device_manager_default_spool_dir ();
  return self;
}

void
hb_device_manager_set_usb_init_func (HbDeviceManager *self, HbUsbInitFunc func)
{
  g_return_if_fail (HB_IS_DEVICE_MANAGER (self));
  g_return_if_fail (!self->started);
  self->usb_init = func ? func : libusb_init;
}

gboolean
hb_device_manager_usb_probed (HbDeviceManager *self)
{
  g_return_val_if_fail (HB_IS_DEVICE_MANAGER (self), FALSE);
  return self->usb_probed;
}

gboolean
hb_device_manager_has_usb (HbDeviceManager *self)
{
  g_return_val_if_fail (HB_IS_DEVICE_MANAGER (self), FALSE);
  return self->usb_ok;
}

HbSimServer *
hb_device_manager_get_sim_server (HbDeviceManager *self)
{
  g_return_val_if_fail (HB_IS_DEVICE_MANAGER (self), NULL);
  return self->sim;
}

gboolean
hb_device_manager_start (HbDeviceManager *self, GError **error)
{
  g_return_val_if_fail (HB_IS_DEVICE_MANAGER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->started)
    return TRUE;

  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();

  if (self->mode == HB_DEVICE_MODE_VIRTUAL)
    {
      g_autoptr(HbSimServer) sim = hb_sim_server_new (self, self->sim_socket);
      g_autoptr(HbVirtualCardReader) reader = NULL;
      g_autoptr(HbVirtualScanner) scanner = NULL;
      g_autoptr(HbVirtualPrinter) printer = NULL;
      g_autoptr(HbVirtualReceiptPrinter) receipt = NULL;

      if (!hb_sim_server_start (sim, error))
        return FALSE;
      self->sim = g_steal_pointer (&sim);
      self->started = TRUE;

      reader = hb_virtual_card_reader_new ();
      scanner = hb_virtual_scanner_new ();
      add_device (self, HB_DEVICE (reader));
      add_device (self, HB_DEVICE (scanner));
      if (self->use_cups)
        {
          /* A demo or test terminal with a real (or private) cupsd behind the A4 slot. */
          g_autoptr(HbCupsPrinter) cups = hb_cups_printer_new (self->cups_server,
                                                               self->cups_queue);
          add_device (self, HB_DEVICE (cups));
        }
      else
        {
          printer = hb_virtual_printer_new (self->spool_dir);
          add_device (self, HB_DEVICE (printer));
        }
      /* The receipt printer spools next to the A4 one (receipt-N.bin beside job-N.pdf). */
      receipt = hb_virtual_receipt_printer_new (self->spool_dir);
      add_device (self, HB_DEVICE (receipt));
    }
  else
    {
      self->started = TRUE;
      hb_device_manager_register_driver (HB_TYPE_SAM_CARD_READER);
      hb_device_manager_register_driver (HB_TYPE_USB_SCANNER);
      /* Receipt printers are the kiosk's alone (no CUPS queue): see hb-escpos-printer.h. */
      hb_device_manager_register_driver (HB_TYPE_ESCPOS_PRINTER);
      if (self->idcard_serial)
        {
          /* A reader behind a USB-serial bridge: the kernel owns the USB side; the driver
           * opens the tty, and reads no-device (retrying) while it is not there. */
          g_autoptr(HbSerialTransport) serial =
            hb_serial_transport_new (self->idcard_serial, self->idcard_baud);
          g_autoptr(HbSamCardReader) reader = hb_sam_card_reader_new (HB_TRANSPORT (serial));
          add_device (self, HB_DEVICE (reader));
        }
      if (self->use_cups)
        {
          /* The A4 printer belongs to CUPS: the kiosk follows it through the queue and
           * never opens its USB device (one owner per printer). */
          g_autoptr(HbCupsPrinter) printer = hb_cups_printer_new (self->cups_server,
                                                                  self->cups_queue);
          add_device (self, HB_DEVICE (printer));
        }
      if (self->scanner_serial)
        {
          /* A CDC-ACM scanner: cdc_acm owns the USB side and it types nothing, so it is
           * read at its tty; it takes the scanner slot, a USB HID scanner is not used. */
          g_autoptr(HbSerialTransport) serial =
            hb_serial_transport_new (self->scanner_serial, self->scanner_baud);
          g_autoptr(HbSerialScanner) scanner = hb_serial_scanner_new (HB_TRANSPORT (serial));
          add_device (self, HB_DEVICE (scanner));
        }
      else if (self->camera)
        {
          /* A terminal that reads phone screens with a camera: it takes the scanner slot.
           * It opens on its own thread and waits (retrying) for a camera that is not
           * there yet. */
          g_autoptr(HbCameraScanner) scanner = hb_camera_scanner_new_v4l2 (self->camera);
          add_device (self, HB_DEVICE (scanner));
        }
      start_usb (self);
    }
  return TRUE;
}

void
hb_device_manager_set_idcard_serial (HbDeviceManager *self, const char *path, guint baud)
{
  g_return_if_fail (HB_IS_DEVICE_MANAGER (self));
  g_return_if_fail (!self->started);
  g_free (self->idcard_serial);
  self->idcard_serial = g_strdup (path);
  self->idcard_baud = baud ? baud : 115200;
}

void
hb_device_manager_set_scanner_serial (HbDeviceManager *self, const char *path, guint baud)
{
  g_return_if_fail (HB_IS_DEVICE_MANAGER (self));
  g_return_if_fail (!self->started);
  g_free (self->scanner_serial);
  self->scanner_serial = g_strdup (path);
  self->scanner_baud = baud ? baud : 115200;
}

void
hb_device_manager_set_cups (HbDeviceManager *self, const char *server, const char *queue)
{
  g_return_if_fail (HB_IS_DEVICE_MANAGER (self));
  g_return_if_fail (!self->started);
  g_free (self->cups_server);
  g_free (self->cups_queue);
  self->cups_server = g_strdup (server);
  self->cups_queue = g_strdup (queue);
  self->use_cups = TRUE;
}

void
hb_device_manager_set_camera (HbDeviceManager *self, const char *path)
{
  g_return_if_fail (HB_IS_DEVICE_MANAGER (self));
  g_return_if_fail (!self->started);
  g_free (self->camera);
  self->camera = g_strdup (path);
}

void
hb_device_manager_stop (HbDeviceManager *self)
{
  g_return_if_fail (HB_IS_DEVICE_MANAGER (self));

  if (!self->started)
    return;
  self->started = FALSE;

  if (self->sim)
    {
      hb_sim_server_stop (self->sim);
      g_clear_object (&self->sim);
    }
  for (guint k = 0; k < HB_DEVICE_N_KINDS; k++)
    remove_device (self, (HbDeviceKind) k);
  stop_usb (self);
}

HbDeviceMode
hb_device_manager_get_mode (HbDeviceManager *self)
{
  g_return_val_if_fail (HB_IS_DEVICE_MANAGER (self), HB_DEVICE_MODE_VIRTUAL);
  return self->mode;
}

HbDevice *
hb_device_manager_get_device (HbDeviceManager *self, HbDeviceKind kind)
{
  g_return_val_if_fail (HB_IS_DEVICE_MANAGER (self), NULL);
  g_return_val_if_fail (kind < HB_DEVICE_N_KINDS, NULL);
  return self->devices[kind];
}

HbCardReader *
hb_device_manager_get_card_reader (HbDeviceManager *self)
{
  HbDevice *device = hb_device_manager_get_device (self, HB_DEVICE_KIND_IDCARD);
  return device ? HB_CARD_READER (device) : NULL;
}

HbScanner *
hb_device_manager_get_scanner (HbDeviceManager *self)
{
  HbDevice *device = hb_device_manager_get_device (self, HB_DEVICE_KIND_SCANNER);
  return device ? HB_SCANNER (device) : NULL;
}

HbPrinter *
hb_device_manager_get_printer (HbDeviceManager *self)
{
  HbDevice *device = hb_device_manager_get_device (self, HB_DEVICE_KIND_PRINTER);
  return device ? HB_PRINTER (device) : NULL;
}

HbDeviceStatus
hb_device_manager_get_kind_status (HbDeviceManager *self, HbDeviceKind kind)
{
  HbDevice *device = hb_device_manager_get_device (self, kind);
  return device ? hb_device_get_status (device) : HB_DEVICE_STATUS_NO_DEVICE;
}

void
hb_device_manager_cancel_all (HbDeviceManager *self)
{
  g_return_if_fail (HB_IS_DEVICE_MANAGER (self));
  for (guint k = 0; k < HB_DEVICE_N_KINDS; k++)
    if (self->devices[k])
      hb_device_cancel (self->devices[k]);
}

void
hb_device_manager_describe (HbDeviceManager *self, JsonBuilder *builder)
{
  g_return_if_fail (HB_IS_DEVICE_MANAGER (self));
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_begin_array (builder);
  for (guint k = 0; k < HB_DEVICE_N_KINDS; k++)
    {
      json_builder_begin_object (builder);
      if (self->devices[k])
        hb_device_describe (self->devices[k], builder);
      else
        {
          json_builder_set_member_name (builder, "kind");
          json_builder_add_string_value (builder, hb_device_kind_to_string ((HbDeviceKind) k));
          json_builder_set_member_name (builder, "status");
          json_builder_add_string_value (builder,
                                         hb_device_status_to_string (HB_DEVICE_STATUS_NO_DEVICE));
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}
