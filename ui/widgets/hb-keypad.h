/* hb-keypad.h — an on-screen digit pad for numeric fields (phone numbers), since a
 * kiosk has no keyboard. Types into its target GtkEditable. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HB_TYPE_KEYPAD (hb_keypad_get_type ())
G_DECLARE_FINAL_TYPE (HbKeypad, hb_keypad, HB, KEYPAD, GtkWidget)

GtkWidget *hb_keypad_new (GtkEditable *target, guint max_digits);

G_END_DECLS
