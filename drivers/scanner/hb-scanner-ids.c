/* hb-scanner-ids.c — the known scanner VID:PIDs (usb.ids 2025.07.26 and the sources the
 * reference names). Newland encodes the personality in the PID: xx03 keyboard, xx06 CDC,
 * xx10 HID POS. Ids whose personality no source states are left out rather than guessed. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/scanner/hb-scanner-ids.h"

#define W HB_SCANNER_USB_WEDGE
#define P HB_SCANNER_USB_POS
#define C HB_SCANNER_USB_CDC

static const HbScannerId ids[] = {
  /* Newland 新大陆 */
  { 0x1eab, 0x0d03, W, "Newland EM2028 (keyboard)" },
  { 0x1eab, 0x0d06, C, "Newland EM2028 (CDC)" },
  { 0x1eab, 0x0d10, P, "Newland EM2028 (HID POS)" },
  { 0x1eab, 0x1303, W, "Newland EM30xx/EM20xx/HR3260/HR200C (keyboard)" },
  { 0x1eab, 0x1306, C, "Newland EM30xx/EM20xx/HR3260/HR200C (CDC)" },
  { 0x1eab, 0x1310, P, "Newland EM30xx/EM20xx/HR3260/HR200C (HID POS)" },
  { 0x1eab, 0x1c03, W, "Newland HR2150 (keyboard)" },
  { 0x1eab, 0x1c06, C, "Newland HR2150 (CDC)" },
  { 0x1eab, 0x1c10, P, "Newland HR2150 (HID POS)" },
  { 0x1eab, 0x1d03, W, "Newland FM430 (keyboard)" },
  { 0x1eab, 0x1d06, C, "Newland FM430 (CDC)" },
  { 0x1eab, 0x1d10, P, "Newland FM430 (HID POS)" },
  { 0x1eab, 0x1e03, W, "Newland HR42 (keyboard)" },
  { 0x1eab, 0x1e06, C, "Newland HR42 (CDC)" },
  { 0x1eab, 0x1e10, P, "Newland HR42 (HID POS)" },
  { 0x1eab, 0x2003, W, "Newland EM2037v2 (keyboard)" },
  { 0x1eab, 0x2006, C, "Newland EM2037v2 (CDC)" },
  { 0x1eab, 0x2010, P, "Newland EM2037v2 (HID POS)" },
  { 0x1eab, 0x8203, W, "Newland EM3080-01/EM3095/FR20/FM30 (keyboard)" },
  { 0x1eab, 0x8206, C, "Newland EM3080-01/EM3095/FR20/FM30 (CDC)" },
  /* Zebra / Motorola / Symbol */
  { 0x05e0, 0x1200, W, "Zebra/Symbol bar code scanner (keyboard)" },
  { 0x05e0, 0x1701, C, "Zebra/Symbol bar code scanner (CDC)" },
  { 0x05e0, 0x0600, C, "Zebra/Symbol simple COM port emulation" },
  /* Honeywell / Metrologic */
  { 0x0c2e, 0x0204, W, "Honeywell/Metrologic MS7120 (keyboard)" },
  { 0x0c2e, 0x1001, W, "Honeywell USB scanner (keyboard)" },
  { 0x0c2e, 0x0b8f, P, "Honeywell Voyager 1400g (HID POS)" },
  /* Opticon */
  { 0x065a, 0x0001, W, "Opticon (keyboard)" },
  { 0x065a, 0x0009, C, "Opticon (serial)" },
  /* Mindeo */
  { 0x27dd, 0x0002, C, "Mindeo (virtual COM)" },
};

#undef W
#undef P
#undef C

const char *
hb_scanner_usb_kind_to_string (HbScannerUsbKind kind)
{
  switch (kind)
    {
    case HB_SCANNER_USB_WEDGE: return "wedge";
    case HB_SCANNER_USB_POS:   return "pos";
    case HB_SCANNER_USB_CDC:   return "cdc";
    case HB_SCANNER_USB_UNKNOWN:
    default:                   return "unknown";
    }
}

const HbScannerId *
hb_scanner_ids_lookup (guint16 vid, guint16 pid)
{
  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    if (ids[i].vid == vid && ids[i].pid == pid)
      return &ids[i];
  return NULL;
}

const HbScannerId *
hb_scanner_ids_all (gsize *n)
{
  *n = G_N_ELEMENTS (ids);
  return ids;
}

const HbDeviceIdEntry *
hb_scanner_ids_usb_table (void)
{
  static HbDeviceIdEntry *table;

  if (g_once_init_enter (&table))
    {
      HbDeviceIdEntry *t = g_new0 (HbDeviceIdEntry, G_N_ELEMENTS (ids) + 1);
      gsize k = 0;

      for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
        if (ids[i].kind == HB_SCANNER_USB_WEDGE || ids[i].kind == HB_SCANNER_USB_POS)
          t[k++] = (HbDeviceIdEntry) { .vid = ids[i].vid, .pid = ids[i].pid,
                                       .driver_data = ids[i].kind };
      /* t[k] stays zeroed: the terminator. Lives for the process, like a static table. */
      g_once_init_leave (&table, t);
    }
  return table;
}
