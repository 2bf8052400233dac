/* hb-device-manager.h — finds and owns the terminal's devices.
 *
 * mode "virtual": creates one virtual device of each kind and a simulator socket that
 * drives them (drivers/virtual/, docs/virtual-devices.md).
 * mode "real": enumerates USB devices with libusb (and watches hotplug where the platform
 * has it), matches them against the id tables of the registered driver types, and opens
 * the first device of each kind. A kind with no device reads as status "no-device". */
#pragma once

#include "drivers/hb-device.h"
#include "drivers/idcard/hb-card-reader.h"
#include "drivers/scanner/hb-scanner.h"
#include "drivers/printer/hb-printer.h"

G_BEGIN_DECLS

typedef enum {
  HB_DEVICE_MODE_VIRTUAL,
  HB_DEVICE_MODE_REAL,
} HbDeviceMode;

gboolean hb_device_mode_from_string (const char *s, HbDeviceMode *out);

#define HB_TYPE_DEVICE_MANAGER (hb_device_manager_get_type ())
G_DECLARE_FINAL_TYPE (HbDeviceManager, hb_device_manager, HB, DEVICE_MANAGER, GObject)

/* sim_socket: path of the simulator's Unix socket (virtual mode only; may be NULL in real
 * mode). spool_dir: where the virtual printer writes each job's PDF (virtual mode only). */
HbDeviceManager *hb_device_manager_new (HbDeviceMode mode, const char *sim_socket,
                                        const char *spool_dir);

/* Real mode: the ID card reader is behind a USB-serial bridge at this tty (e.g.
 * /dev/serial/by-id/usb-1a86_USB_Serial-if00-port0), at baud (0 = 115200). Before start. */
void       hb_device_manager_set_idcard_serial (HbDeviceManager *self, const char *path,
                                                guint baud);

/* Real mode: the QR scanner is a CDC-ACM / virtual-COM port at this tty (e.g.
 * /dev/serial/by-id/usb-Newland_…-if00), at baud (0 = 115200; CDC ignores it). It then
 * serves as the scanner and USB HID scanners are left alone. Before start. */
void       hb_device_manager_set_scanner_serial (HbDeviceManager *self, const char *path,
                                                 guint baud);

/* Real mode: QR codes are read by a V4L2 camera at this device (e.g.
 * /dev/v4l/by-id/usb-…-video-index0) with ZBar (drivers/scanner/hb-camera-scanner.h). Used
 * only when no scanner_serial is set; USB HID scanners are then left alone. Before start. */
void       hb_device_manager_set_camera (HbDeviceManager *self, const char *path);

/* The A4 document printer is this CUPS queue — in real mode, and in virtual mode instead
 * of the virtual printer (queue NULL: the server's default destination; server NULL:
 * libcups' default). Before start. */
void       hb_device_manager_set_cups (HbDeviceManager *self, const char *server,
                                       const char *queue);

/* Creates/discovers the devices, opens them, and (virtual mode) starts listening on the
 * simulator socket. Does no blocking I/O on the calling thread beyond creating the
 * socket. Emits "device-added" for each device. */
gboolean   hb_device_manager_start (HbDeviceManager *self, GError **error);
void       hb_device_manager_stop  (HbDeviceManager *self);

HbDeviceMode hb_device_manager_get_mode (HbDeviceManager *self);
/* The device of a kind, or NULL when none is present. (transfer none) */
HbDevice  *hb_device_manager_get_device (HbDeviceManager *self, HbDeviceKind kind);
HbCardReader *hb_device_manager_get_card_reader (HbDeviceManager *self);
HbScanner    *hb_device_manager_get_scanner     (HbDeviceManager *self);
HbPrinter    *hb_device_manager_get_printer     (HbDeviceManager *self);
/* Status of a kind: the device's status, or NO_DEVICE when there is none. */
HbDeviceStatus hb_device_manager_get_kind_status (HbDeviceManager *self, HbDeviceKind kind);

/* Cancels the current action of every device (the visit ended). */
void       hb_device_manager_cancel_all (HbDeviceManager *self);

/* Writes a JSON array describing every kind (present or not) to builder. */
void       hb_device_manager_describe (HbDeviceManager *self, JsonBuilder *builder);

/* Signals: "device-added" (HbDevice*), "device-removed" (HbDevice*),
 *          "status-changed" (HbDevice*) — any device's status changed. */

/* Register a real driver type (a subclass of a kind with an id_table). Built-in drivers
 * register themselves; call before start(). */
void       hb_device_manager_register_driver (GType driver_type);

G_END_DECLS
