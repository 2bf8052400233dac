/* hb-serial-transport.h — a tty (USB-serial bridge: CH340, PL2303, CP210x, CDC-ACM) in
 * raw mode through termios: 8N1, no flow control, configurable baud (115200 default). */
#pragma once

#include "drivers/transport/hb-transport.h"

G_BEGIN_DECLS

#define HB_TYPE_SERIAL_TRANSPORT (hb_serial_transport_get_type ())
G_DECLARE_FINAL_TYPE (HbSerialTransport, hb_serial_transport, HB, SERIAL_TRANSPORT, HbTransport)

/* path: /dev/ttyUSB0, /dev/serial/by-id/…, or a pty slave in tests. baud: 9600, 19200,
 * 38400, 57600, 115200, 230400; anything else fails open with G_IO_ERROR_INVALID_ARGUMENT. */
HbSerialTransport *hb_serial_transport_new (const char *path, guint baud);

G_END_DECLS
