/* hb-keypad-nav.h — the whole kiosk from the 12-key tactile keypad (ADA 707.6).
 *
 * The keypad is a USB HID keyboard: it sends ordinary key events, which a capture-phase
 * GtkEventControllerKey on the window turns into moves of the focus (2/8 up/down, 4/6
 * previous/next), 5 = select, # = the page's primary action, * = back, 0 = 帮办,
 * 1/7 = first/last control, 3/9 = scroll. In a field that takes digits the digits type
 * and * erases. While the keypad is in use the window carries the CSS class
 * "keypad-active" (a thick focus ring) and a legend above the bottom bar.
 * docs/keypad.md is the mapping for technicians and the printed legend. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  HB_KEYPAD_KEY_NONE = -1,
  HB_KEYPAD_KEY_0 = 0,   /* HB_KEYPAD_KEY_0 + n is digit n */
  HB_KEYPAD_KEY_1, HB_KEYPAD_KEY_2, HB_KEYPAD_KEY_3, HB_KEYPAD_KEY_4,
  HB_KEYPAD_KEY_5, HB_KEYPAD_KEY_6, HB_KEYPAD_KEY_7, HB_KEYPAD_KEY_8, HB_KEYPAD_KEY_9,
  HB_KEYPAD_KEY_STAR,
  HB_KEYPAD_KEY_HASH,
} HbKeypadKey;

/* The keypad key a key event's keyval stands for (NumLock on or off), or NONE. */
HbKeypadKey hb_keypad_key_from_keyval (guint keyval);

#define HB_TYPE_KEYPAD_NAV (hb_keypad_nav_get_type ())
G_DECLARE_FINAL_TYPE (HbKeypadNav, hb_keypad_nav, HB, KEYPAD_NAV, GObject)

/* Install on the kiosk window: help_button is what 0 presses; the legend goes into
 * main_box just above its last child (the bottom bar). The window owns the result. */
HbKeypadNav *hb_keypad_nav_install (GtkWindow *window, GtkWidget *help_button,
                                    GtkBox *main_box);
/* The one installed on window, or NULL. */
HbKeypadNav *hb_keypad_nav_get (GtkWindow *window);

/* What the controller does with a key press (for callers that already have the key).
 * Returns TRUE if the key was used. */
gboolean     hb_keypad_nav_handle_key (HbKeypadNav *self, HbKeypadKey key);
/* A key was pressed since the last touch. */
gboolean     hb_keypad_nav_get_active (HbKeypadNav *self);

/* Signal "key-handled" (int key): after a keypad key was acted on (tests, voice). */

G_END_DECLS
