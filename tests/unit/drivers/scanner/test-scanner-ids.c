/* test-scanner-ids.c — the known scanner ids and the libusb driver's id table. */
#include "drivers/scanner/hb-scanner-ids.h"
#include "tests/common/hb-test-util.h"

static void
test_newland_pid_encodes_the_personality (void)
{
  gsize n;
  const HbScannerId *all = hb_scanner_ids_all (&n);

  g_assert_cmpuint (n, >, 20);
  for (gsize i = 0; i < n; i++)
    {
      if (all[i].vid != 0x1eab)
        continue;
      switch (all[i].pid & 0xff)
        {
        case 0x03: g_assert_cmpint (all[i].kind, ==, HB_SCANNER_USB_WEDGE); break;
        case 0x06: g_assert_cmpint (all[i].kind, ==, HB_SCANNER_USB_CDC); break;
        case 0x10: g_assert_cmpint (all[i].kind, ==, HB_SCANNER_USB_POS); break;
        default: g_assert_not_reached ();
        }
    }
}

static void
test_lookup_finds_known_ids_only (void)
{
  const HbScannerId *id = hb_scanner_ids_lookup (0x1eab, 0x1303);

  g_assert_nonnull (id);
  g_assert_cmpint (id->kind, ==, HB_SCANNER_USB_WEDGE);
  g_assert_cmpstr (hb_scanner_usb_kind_to_string (id->kind), ==, "wedge");
  g_assert_cmpint (hb_scanner_ids_lookup (0x05e0, 0x1701)->kind, ==, HB_SCANNER_USB_CDC);
  g_assert_cmpint (hb_scanner_ids_lookup (0x0c2e, 0x0b8f)->kind, ==, HB_SCANNER_USB_POS);
  g_assert_null (hb_scanner_ids_lookup (0x0400, 0xc35a));   /* the ID reader */
  g_assert_null (hb_scanner_ids_lookup (0x1eab, 0x1304));
  g_assert_cmpstr (hb_scanner_usb_kind_to_string (HB_SCANNER_USB_POS), ==, "pos");
  g_assert_cmpstr (hb_scanner_usb_kind_to_string (HB_SCANNER_USB_CDC), ==, "cdc");
  g_assert_cmpstr (hb_scanner_usb_kind_to_string (42), ==, "unknown");
}

static void
test_usb_table_holds_hid_ids_and_no_cdc (void)
{
  const HbDeviceIdEntry *t = hb_scanner_ids_usb_table ();
  gsize n_all, hid = 0, count = 0;
  const HbScannerId *all = hb_scanner_ids_all (&n_all);

  for (gsize i = 0; i < n_all; i++)
    if (all[i].kind != HB_SCANNER_USB_CDC)
      hid++;
  for (; t->vid != 0 || t->virtual_id != NULL; t++, count++)
    {
      const HbScannerId *id = hb_scanner_ids_lookup (t->vid, t->pid);
      g_assert_nonnull (id);
      g_assert_cmpint (id->kind, !=, HB_SCANNER_USB_CDC);
      g_assert_cmpuint (t->driver_data, ==, id->kind);
    }
  g_assert_cmpuint (count, ==, hid);
  g_assert_true (hb_scanner_ids_usb_table () == hb_scanner_ids_usb_table ());
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/drivers/scanner/ids/newland-pid-encodes-the-personality", test_newland_pid_encodes_the_personality);
  g_test_add_func ("/drivers/scanner/ids/lookup-finds-known-ids-only", test_lookup_finds_known_ids_only);
  g_test_add_func ("/drivers/scanner/ids/usb-table-holds-hid-ids-and-no-cdc", test_usb_table_holds_hid_ids_and_no_cdc);
  return g_test_run ();
}
