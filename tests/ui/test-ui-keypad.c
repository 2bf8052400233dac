/* UI: the kiosk from the 12-key tactile keypad only (ui/hb-keypad-nav.c, docs/keypad.md).
 *
 * Keys are real X key events: XTest (libXtst, loaded at run time: the Makefile links no
 * X library) presses them on the Xvfb server, so each one travels the path a USB keypad's
 * does — X server → GDK → the window's capture-phase key controller → the focused
 * control. No widget is pressed directly; the identity card is put on the virtual reader
 * through its socket, as a resident puts it on the real one. Digits are sent both as
 * keypad keys with NumLock off (KP_Down for 2 …) and as the top-row digits.
 * A PNG of every page with its focus ring lands in build/test-output/test-ui-keypad/. */
#include "ui-fixture.h"
#include "ui/hb-keypad-nav.h"
#include "drivers/virtual/hb-sim-client.h"
#include "kiosk/hb-samples.h"

#include <dlfcn.h>
#include <gdk/x11/gdkx.h>
#include <X11/keysym.h>

/* --- XTest ------------------------------------------------------------------------- */

typedef struct {
  Display *dpy;
  int     (*fake_key) (Display *, unsigned int, int, unsigned long);
  KeyCode (*to_keycode) (Display *, KeySym);
  KeySym  (*to_keysym) (Display *, unsigned int, int, int);
  int     (*flush) (Display *);
} XKeys;

static XKeys xk;
static guint keys_handled;

static gboolean
xtest_load (void)
{
  void *x11 = dlopen ("libX11.so.6", RTLD_NOW | RTLD_GLOBAL);
  void *xtst = dlopen ("libXtst.so.6", RTLD_NOW | RTLD_GLOBAL);
  GdkDisplay *display = gdk_display_get_default ();

  if (x11 == NULL || xtst == NULL || !GDK_IS_X11_DISPLAY (display))
    return FALSE;
  xk.dpy = gdk_x11_display_get_xdisplay (display);
  xk.fake_key = (int (*) (Display *, unsigned int, int, unsigned long)) dlsym (xtst, "XTestFakeKeyEvent");
  xk.to_keycode = (KeyCode (*) (Display *, KeySym)) dlsym (x11, "XKeysymToKeycode");
  xk.to_keysym = (KeySym (*) (Display *, unsigned int, int, int)) dlsym (x11, "XkbKeycodeToKeysym");
  xk.flush = (int (*) (Display *)) dlsym (x11, "XFlush");
  return xk.fake_key && xk.to_keycode && xk.to_keysym && xk.flush;
}

static gboolean
key_was_handled (gpointer data)
{
  return keys_handled > GPOINTER_TO_UINT (data);
}

/* Press and release one key (with Shift if the keysym needs it, as # does), then wait
 * until the keypad navigation has acted on it. */
static void
key_sym (Ui *ui, KeySym sym)
{
  KeyCode code = xk.to_keycode (xk.dpy, sym);
  KeyCode shift = xk.to_keycode (xk.dpy, XK_Shift_L);
  gboolean shifted = xk.to_keysym (xk.dpy, code, 0, 0) != sym;
  guint before = keys_handled;

  g_assert_cmpuint (code, !=, 0);
  if (shifted)
    xk.fake_key (xk.dpy, shift, True, 0);
  xk.fake_key (xk.dpy, code, True, 0);
  xk.fake_key (xk.dpy, code, False, 0);
  if (shifted)
    xk.fake_key (xk.dpy, shift, False, 0);
  xk.flush (xk.dpy);
  if (!hb_test_wait_until (key_was_handled, GUINT_TO_POINTER (before), 5000))
    g_error ("key 0x%lx never reached the keypad navigation", (unsigned long) sym);
  /* A pressed button shows its press for a moment before "clicked": let it land. */
  hb_test_spin (350);
}

/* A keypad key as the keypad sends it with NumLock off: 2 is KP_Down, 5 KP_Begin… */
static void
key (Ui *ui, char k)
{
  static const KeySym kp[] = { XK_KP_Insert, XK_KP_End, XK_KP_Down, XK_KP_Page_Down,
                               XK_KP_Left, XK_KP_Begin, XK_KP_Right, XK_KP_Home, XK_KP_Up,
                               XK_KP_Page_Up };
  if (k >= '0' && k <= '9')
    key_sym (ui, kp[k - '0']);
  else if (k == '*')
    key_sym (ui, XK_KP_Multiply);
  else if (k == '#')
    key_sym (ui, XK_numbersign);
  else
    g_assert_not_reached ();
}

/* Digits typed into a field: the top-row digit keys (what a keypad sends with NumLock on
 * arrives the same way). */
static void
type_digits (Ui *ui, const char *digits)
{
  for (const char *d = digits; *d; d++)
    key_sym (ui, XK_0 + (*d - '0'));
}

static void
on_key_handled (HbKeypadNav *nav, int k, gpointer data)
{
  keys_handled++;
}

static void
keypad_setup_with (Ui *ui, const char *idle, const char *warning)
{
  ui_setup_with (ui, idle, warning);
  if (!xtest_load ())
    {
      g_test_skip ("no X server with XTest");
      return;
    }
  keys_handled = 0;
  g_signal_connect (hb_keypad_nav_get (GTK_WINDOW (ui->window)), "key-handled",
                    G_CALLBACK (on_key_handled), NULL);
  gtk_window_present (GTK_WINDOW (ui->window));
  hb_test_spin (300);
}

static void
keypad_setup (Ui *ui, gconstpointer data)
{
  keypad_setup_with (ui, "600", "30");
}

static void
keypad_setup_short_idle (Ui *ui, gconstpointer data)
{
  keypad_setup_with (ui, "5", "4");
}

/* --- focus --------------------------------------------------------------------------- */

static GtkWidget *
focus (Ui *ui)
{
  return gtk_root_get_focus (GTK_ROOT (ui->window));
}

/* The focused control (or the entry around a focused text) is named name. */
static gboolean
focus_is (Ui *ui, const char *name)
{
  GtkWidget *w = focus (ui);
  for (int i = 0; w && i < 3; i++, w = gtk_widget_get_parent (w))
    if (hb_ui_find_by_accessible_label (w, name) == w)
      return TRUE;
  return FALSE;
}

typedef struct { Ui *ui; const char *name; } FocusWait;

static gboolean
focus_reached (gpointer data)
{
  FocusWait *w = data;
  return focus_is (w->ui, w->name);
}

static void
wait_focus (Ui *ui, const char *name)
{
  FocusWait w = { ui, name };
  if (!hb_test_wait_until (focus_reached, &w, 5000))
    {
      GtkWidget *f = focus (ui);
      g_error ("focus is not on \"%s\" but on a %s \"%s\"", name,
               f ? G_OBJECT_TYPE_NAME (f) : "(nothing)",
               f && GTK_IS_BUTTON (f) ? gtk_button_get_label (GTK_BUTTON (f)) : "");
    }
}

/* Move with one key (6 = next, 8 = down …) until name has the focus; the keypad must
 * get there within a page's worth of controls. */
static void
move_to (Ui *ui, char k, const char *name)
{
  ui_wait_for (ui, name);
  for (int i = 0; i < 80 && !focus_is (ui, name); i++)
    {
      GtkWidget *f;
      key (ui, k);
      f = focus (ui);
      g_test_message ("focus: %s %s", f ? G_OBJECT_TYPE_NAME (f) : "-",
                      f && GTK_IS_BUTTON (f) && gtk_button_get_label (GTK_BUTTON (f))
                      ? gtk_button_get_label (GTK_BUTTON (f)) : "");
    }
  if (!focus_is (ui, name))
    g_error ("key %c never reached \"%s\"", k, name);
}

static gboolean
ring_shows (Ui *ui)
{
  GtkWidget *w = focus (ui);
  return w && gtk_widget_has_css_class (GTK_WIDGET (ui->window), "keypad-active")
         && gtk_window_get_focus_visible (GTK_WINDOW (ui->window))
         && (gtk_widget_get_state_flags (w) & GTK_STATE_FLAG_FOCUS_VISIBLE);
}

/* A PNG with the focus ring where the focus is. */
static void
shot (Ui *ui, const char *name)
{
  if (!ring_shows (ui))
    {
      GtkWidget *f = focus (ui);
      g_error ("no focus ring for %s: focus %s, keypad-active %d, focus-visible %d, flags %x",
               name, f ? G_OBJECT_TYPE_NAME (f) : "-",
               gtk_widget_has_css_class (GTK_WIDGET (ui->window), "keypad-active"),
               gtk_window_get_focus_visible (GTK_WINDOW (ui->window)),
               f ? gtk_widget_get_state_flags (f) : 0);
    }
  ui_snapshot (ui, name);
}

/* --- the identity card --------------------------------------------------------------- */

static gint card_sent;

static gpointer
insert_card_thread (gpointer data)
{
  char *reply = hb_sim_client_send (g_object_get_data (data, "socket"),
                                    g_object_get_data (data, "line"), 3000, NULL);
  g_atomic_int_set (&card_sent, 1);
  return reply;
}

static gboolean
card_was_sent (gpointer data)
{
  return g_atomic_int_get (&card_sent) != 0;
}

/* The card goes on the virtual reader (a hand, not the keypad, does this). */
static void
insert_card (Ui *ui, guint sample)
{
  HbConfig *config = hb_core_get_config (hb_application_get_core (ui->app));
  g_autoptr(GError) error = NULL;
  g_autofree char *json = hb_samples_card_json (hb_config_get_share_dir (config), sample, &error);
  g_autoptr(GObject) carrier = g_object_new (G_TYPE_OBJECT, NULL);
  g_autofree char *reply = NULL;
  GThread *thread;

  g_assert_no_error (error);
  g_object_set_data_full (carrier, "socket", hb_config_dup_sim_socket (config), g_free);
  g_object_set_data_full (carrier, "line", g_strconcat ("CARD-INSERT ", json, NULL), g_free);
  /* The simulator answers from the main loop: keep it turning while the thread waits. */
  g_atomic_int_set (&card_sent, 0);
  thread = g_thread_new ("card", insert_card_thread, carrier);
  g_assert_true (hb_test_wait_until (card_was_sent, NULL, 10000));
  reply = g_thread_join (thread);
  g_assert_nonnull (reply);
}

/* --- tests --------------------------------------------------------------------------- */

static void
test_keys_map_to_the_keypad (void)
{
  /* NumLock on, NumLock off and the top-row digits are the same keypad key. */
  for (guint d = 0; d <= 9; d++)
    {
      g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_0 + d), ==, HB_KEYPAD_KEY_0 + (int) d);
      g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_KP_0 + d), ==, HB_KEYPAD_KEY_0 + (int) d);
    }
  g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_KP_Insert), ==, HB_KEYPAD_KEY_0);
  g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_KP_End), ==, HB_KEYPAD_KEY_1);
  g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_KP_Down), ==, HB_KEYPAD_KEY_2);
  g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_KP_Page_Down), ==, HB_KEYPAD_KEY_3);
  g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_KP_Left), ==, HB_KEYPAD_KEY_4);
  g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_KP_Begin), ==, HB_KEYPAD_KEY_5);
  g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_KP_Right), ==, HB_KEYPAD_KEY_6);
  g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_KP_Home), ==, HB_KEYPAD_KEY_7);
  g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_KP_Up), ==, HB_KEYPAD_KEY_8);
  g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_KP_Page_Up), ==, HB_KEYPAD_KEY_9);
  g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_asterisk), ==, HB_KEYPAD_KEY_STAR);
  g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_KP_Multiply), ==, HB_KEYPAD_KEY_STAR);
  g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_numbersign), ==, HB_KEYPAD_KEY_HASH);
  g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_KP_Enter), ==, HB_KEYPAD_KEY_HASH);
  /* Anything else is left to GTK. */
  g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_a), ==, HB_KEYPAD_KEY_NONE);
  g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_Tab), ==, HB_KEYPAD_KEY_NONE);
  g_assert_cmpint (hb_keypad_key_from_keyval (GDK_KEY_Return), ==, HB_KEYPAD_KEY_NONE);
}

#define SERVICE   "港澳再次签注（自助）"
#define SITUATION "旅游（个人游/团队游）"

static void
test_complete_visit_by_keypad_only (Ui *ui, gconstpointer data)
{
  HbSession *session = hb_core_get_session (hb_application_get_core (ui->app));
  GtkWidget *legend;

  if (g_test_failed () || xk.dpy == NULL)
    return;
  ui->prefix = "visit-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_wait_for (ui, "开始办理");
  /* The first key shows the ring on the page's first control and the legend. */
  key (ui, '6');
  wait_focus (ui, "开始办理");
  legend = hb_ui_find_by_accessible_label (GTK_WIDGET (ui->window), "键盘说明");
  g_assert_nonnull (legend);
  g_assert_true (gtk_widget_get_visible (legend));
  shot (ui, "attract");
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  wait_focus (ui, "返回首页");
  shot (ui, "identify");

  insert_card (ui, 2);
  ui_wait_page (ui, HB_PAGE_CATALOG);
  g_assert_cmpint (hb_session_get_state (session), ==, HB_SESSION_IDENTIFIED);
  move_to (ui, '6', SERVICE);
  shot (ui, "catalog");
  key (ui, '5');
  ui_wait_page (ui, HB_PAGE_GUIDE);
  hb_test_spin (200);
  shot (ui, "guide");
  /* # is the page's primary action: here, the situation questions first. */
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_SITUATION);
  move_to (ui, '8', SITUATION);
  shot (ui, "situation");
  key (ui, '5');
  ui_wait_page (ui, HB_PAGE_GUIDE);
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_FORM);

  /* The phone came from the profile; the one question left is a choice, reached with
   * 8 and chosen with 5. */
  move_to (ui, '8', "二次有效");
  key (ui, '5');
  g_assert_cmpstr (hb_form_get_value (hb_session_get_form (session), "trip_times"), ==, "twice");
  shot (ui, "form-choice");
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_CHECK);
  hb_test_spin (200);
  shot (ui, "check");

  /* A new phone number: 修改 opens the field, * erases digit by digit, the digit keys
   * type, # takes it back to the check page. */
  move_to (ui, '6', "修改联系电话");
  key (ui, '5');
  ui_wait_page (ui, HB_PAGE_FORM);
  wait_focus (ui, "联系电话");
  for (int i = 0; i < 11; i++)
    key (ui, '*');
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ui_find (ui, "联系电话"))), ==, "");
  g_assert_cmpint (hb_window_get_page_id (ui->window), ==, HB_PAGE_FORM);
  type_digits (ui, "13812345678");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ui_find (ui, "联系电话"))), ==,
                   "13812345678");
  g_assert_cmpstr (hb_form_get_value (hb_session_get_form (session), "phone"), ==, "13812345678");
  shot (ui, "form-phone");
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_CHECK);
  g_assert_cmpstr (ui_label_text (ui, "联系电话"), ==, "13812345678");
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_RESULT);
  g_assert_true (g_str_has_prefix (ui_label_text (ui, "办件编号"), "SH"));
  hb_test_spin (200);
  shot (ui, "result");
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_PRINT);
  ui_wait_for (ui, "已取走回执，去评价");
  key (ui, '1');
  shot (ui, "print");
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_RATING);
  move_to (ui, '6', "满意");
  key (ui, '5');
  ui_wait_for (ui, "服务效率高");
  move_to (ui, '6', "服务效率高");
  key (ui, '5');
  shot (ui, "rating");
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  g_assert_cmpint (hb_session_get_state (session), ==, HB_SESSION_ATTRACT);
  g_assert_cmpint (hb_test_sim_count (ui->sim, "/_sim/applications"), ==, 1);
  for (guint i = 0; i < 100 && hb_test_sim_count (ui->sim, "/_sim/ratings") < 1; i++)
    hb_test_spin (50);
  g_assert_cmpint (hb_test_sim_count (ui->sim, "/_sim/ratings"), ==, 1);
  hb_test_spin (200);
  shot (ui, "end");
}

static void
test_every_page_goes_back_and_forward_by_keypad (Ui *ui, gconstpointer data)
{
  if (g_test_failed () || xk.dpy == NULL)
    return;
  ui->prefix = "pages-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_wait_for (ui, "开始办理");
  /* On the attract page * does nothing; # starts. */
  key (ui, '*');
  g_assert_cmpint (hb_window_get_page_id (ui->window), ==, HB_PAGE_ATTRACT);
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  key (ui, '*');
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  insert_card (ui, 2);
  ui_wait_page (ui, HB_PAGE_CATALOG);

  /* 0 calls 帮办 on any page; its panel takes the keys; * (or #) closes it. */
  key (ui, '0');
  ui_wait_for (ui, "关闭帮办");
  wait_focus (ui, "关闭帮办");
  shot (ui, "help-panel");
  key (ui, '*');
  g_assert_null (ui_find (ui, "关闭帮办"));
  /* 办不成事 is a control like any other; in its panel * cancels. */
  move_to (ui, '6', "办不成事反映");
  key (ui, '5');
  ui_wait_for (ui, "取消反映");
  key (ui, '6');
  shot (ui, "report-panel");
  key (ui, '*');
  key (ui, '*');
  g_assert_null (ui_find (ui, "取消反映"));
  g_assert_cmpint (hb_window_get_page_id (ui->window), ==, HB_PAGE_CATALOG);

  /* guide: * back to the list, # on. */
  move_to (ui, '6', SERVICE);
  key (ui, '5');
  ui_wait_page (ui, HB_PAGE_GUIDE);
  key (ui, '*');
  ui_wait_page (ui, HB_PAGE_CATALOG);
  move_to (ui, '6', SERVICE);
  key (ui, '5');
  ui_wait_page (ui, HB_PAGE_GUIDE);
  /* 3 and 9 scroll a long page that has no control to stop at. */
  key (ui, '9');
  key (ui, '3');
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_SITUATION);
  key (ui, '*');
  ui_wait_page (ui, HB_PAGE_GUIDE);
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_SITUATION);
  move_to (ui, '6', SITUATION);
  key (ui, '5');
  ui_wait_page (ui, HB_PAGE_GUIDE);
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_FORM);
  /* form: * is 上一步 (the guide, before the first question), # 下一步. */
  ui_wait_for (ui, "一次有效");
  key (ui, '*');
  ui_wait_page (ui, HB_PAGE_GUIDE);
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_FORM);
  move_to (ui, '6', "一次有效");
  key (ui, '5');
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_CHECK);
  /* check: * back to the question, # on. */
  key (ui, '*');
  ui_wait_page (ui, HB_PAGE_FORM);
  ui_wait_for (ui, "一次有效");
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_CHECK);
  /* A digit field emptied: # says what is wrong and the focus stays in the field… */
  move_to (ui, '6', "修改联系电话");
  key (ui, '5');
  ui_wait_page (ui, HB_PAGE_FORM);
  wait_focus (ui, "联系电话");
  for (int i = 0; i < 11; i++)
    key (ui, '*');
  key (ui, '#');
  ui_wait_for (ui, "填写有误");
  wait_focus (ui, "联系电话");
  shot (ui, "form-error");
  /* …and * in the empty field is the page's back. */
  key (ui, '*');
  ui_wait_page (ui, HB_PAGE_CHECK);
  move_to (ui, '6', "修改联系电话");
  key (ui, '5');
  ui_wait_page (ui, HB_PAGE_FORM);
  wait_focus (ui, "联系电话");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ui_find (ui, "联系电话"))), ==, "");
  type_digits (ui, "13987654321");
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_CHECK);
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_RESULT);
  /* The result has no way back: * does nothing; "不打印" is reached with the keys. */
  key (ui, '*');
  g_assert_cmpint (hb_window_get_page_id (ui->window), ==, HB_PAGE_RESULT);
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_PRINT);
  ui_wait_for (ui, "已取走回执，去评价");
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_RATING);
  /* Rating: * does nothing; 跳过评价 is a control reached with 6. */
  move_to (ui, '6', "跳过评价");
  key (ui, '5');
  ui_wait_page (ui, HB_PAGE_ATTRACT);
}

/* Reach a control on a grid (an on-screen keyboard, a character pad) the way a resident
 * does: 8/2 to its row, then 6/4 along the row. Bounded: a keyboard's width and height. */
static void
reach (Ui *ui, const char *name)
{
  GtkWidget *target = ui_wait_for (ui, name);

  for (int i = 0; i < 40 && !focus_is (ui, name); i++)
    {
      GtkWidget *f = focus (ui);
      graphene_rect_t fr, tr;
      double ty;

      if (f == NULL || !gtk_widget_compute_bounds (f, GTK_WIDGET (ui->window), &fr)
          || !gtk_widget_compute_bounds (target, GTK_WIDGET (ui->window), &tr))
        {
          key (ui, '6');
          continue;
        }
      ty = tr.origin.y + tr.size.height / 2;
      if (ty > fr.origin.y + fr.size.height)
        key (ui, '8');
      else if (ty < fr.origin.y)
        key (ui, '2');
      else
        key (ui, tr.origin.x > fr.origin.x ? '6' : '4');
    }
  if (!focus_is (ui, name))
    g_error ("the keypad never reached \"%s\"", name);
}

/* Each key of the on-screen keyboard or pad named "prefix c", reached and pressed with 5. */
static void
press_keys (Ui *ui, const char *prefix, const char *chars)
{
  for (const char *c = chars; *c; c++)
    {
      g_autofree char *name = g_strdup_printf ("%s%c", prefix, *c);
      reach (ui, name);
      key (ui, '5');
    }
}

/* From the attract page: # starts, the card goes on the reader, the catalog shows. */
static void
identify_by_keypad (Ui *ui, guint card)
{
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_wait_for (ui, "开始办理");
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  insert_card (ui, card);
  ui_wait_page (ui, HB_PAGE_CATALOG);
}

static const char *
text_of (Ui *ui, const char *name)
{
  return gtk_editable_get_text (GTK_EDITABLE (ui_find (ui, name)));
}

/* 异地就医备案's first question is a place name: typed in pinyin on the on-screen
 * keyboard, a candidate chosen, all from the keypad; then the dates and the submission. */
static void
test_text_question_on_the_keyboard_by_keypad (Ui *ui, gconstpointer data)
{
  const char *field = "就医地（省、市）";
  HbSession *session = hb_core_get_session (hb_application_get_core (ui->app));

  if (g_test_failed () || xk.dpy == NULL)
    return;
  ui->prefix = "text-";
  identify_by_keypad (ui, 1);
  move_to (ui, '6', "异地就医备案");
  key (ui, '5');
  ui_wait_page (ui, HB_PAGE_GUIDE);
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_SITUATION);
  move_to (ui, '8', "临时外出");
  key (ui, '5');
  ui_wait_page (ui, HB_PAGE_GUIDE);
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_FORM);
  ui_wait_for (ui, field);
  /* The keys of the keyboard are controls like any other: zhejiang in pinyin… */
  press_keys (ui, "字母 ", "zhejiang");
  ui_wait_for (ui, "候选 浙江");
  shot (ui, "pinyin");
  /* …and its candidate, reached the same way. */
  reach (ui, "候选 浙江");
  key (ui, '5');
  g_assert_cmpstr (text_of (ui, field), ==, "浙江");
  press_keys (ui, "字母 ", "hangzhou");
  reach (ui, "候选 杭州");
  key (ui, '5');
  g_assert_cmpstr (text_of (ui, field), ==, "浙江杭州");
  g_assert_cmpstr (hb_form_get_value (hb_session_get_form (session), "dest_city"), ==,
                   "浙江杭州");
  shot (ui, "text-typed");
  /* # is 下一步 here too; the dates are digit fields: the digit keys type. */
  key (ui, '#');
  ui_wait_for (ui, "开始日期");
  wait_focus (ui, "开始日期");
  type_digits (ui, "20261201");
  key (ui, '#');
  wait_focus (ui, "结束日期");
  type_digits (ui, "20261231");
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_CHECK);
  g_assert_cmpstr (ui_label_text (ui, field), ==, "浙江杭州");
  shot (ui, "check");
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_RESULT);
  g_assert_true (g_str_has_prefix (ui_label_text (ui, "办件编号"), "SH"));
  g_assert_cmpint (hb_test_sim_count (ui->sim, "/_sim/applications"), ==, 1);
}

/* The business login pad (统一社会信用代码) from the keypad, then a business service. */
static void
test_business_pad_by_keypad (Ui *ui, gconstpointer data)
{
  HbSession *session = hb_core_get_session (hb_application_get_core (ui->app));

  if (g_test_failed () || xk.dpy == NULL)
    return;
  ui->prefix = "business-";
  identify_by_keypad (ui, 1);
  move_to (ui, '6', "企业业务 · 输入统一社会信用代码");
  key (ui, '5');
  ui_wait_page (ui, HB_PAGE_BUSINESS);
  press_keys (ui, "", "91310104MA1HB0AB09");
  g_assert_true (gtk_widget_is_sensitive (ui_find (ui, "登录企业")));
  shot (ui, "pad");
  /* # is 登录企业. */
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_CATALOG);
  ui_wait_for (ui, "增值税及附加税费申报");
  g_assert_cmpint (hb_person_get_principal (hb_session_get_person (session)), ==,
                   HB_PRINCIPAL_ENTERPRISE);
  move_to (ui, '6', "增值税及附加税费申报");
  shot (ui, "catalog-business");
  key (ui, '5');
  ui_wait_page (ui, HB_PAGE_GUIDE);
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_FORM);
  key (ui, '#');   /* the first question has its default */
  wait_focus (ui, "开始日期");
  type_digits (ui, "20261001");
  key (ui, '#');
  wait_focus (ui, "结束日期");
  type_digits (ui, "20261031");
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_CHECK);
  g_assert_cmpstr (ui_label_text (ui, "统一社会信用代码"), ==, "91310104MA1HB0AB09");
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_RESULT);
  g_assert_true (g_str_has_prefix (ui_label_text (ui, "办件编号"), "SH"));
  g_assert_cmpint (hb_test_sim_count (ui->sim, "/_sim/applications"), ==, 1);
  shot (ui, "result");
}

static gboolean
warning_shown (gpointer data)
{
  return ui_find (data, "继续办理") != NULL;
}

static void
test_idle_warning_continues_with_hash (Ui *ui, gconstpointer data)
{
  HbSession *session = hb_core_get_session (hb_application_get_core (ui->app));

  if (g_test_failed () || xk.dpy == NULL)
    return;
  ui->prefix = "idle-";
  key (ui, '#');
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  insert_card (ui, 2);
  ui_wait_page (ui, HB_PAGE_CATALOG);
  move_to (ui, '6', SERVICE);
  key (ui, '5');
  ui_wait_page (ui, HB_PAGE_GUIDE);
  g_assert_true (hb_test_wait_until (warning_shown, ui, 15000));
  /* The warning takes the focus, no key needed. */
  wait_focus (ui, "继续办理");
  shot (ui, "warning");
  /* # continues (any key does, as any touch does) and does nothing else: the guide's
   * own # (开始办理) is not pressed underneath. */
  key (ui, '#');
  g_assert_null (ui_find (ui, "继续办理"));
  g_assert_false (hb_session_is_warning (session));
  g_assert_cmpint (hb_session_get_state (session), ==, HB_SESSION_IN_SERVICE);
  hb_test_spin (300);
  g_assert_cmpint (hb_window_get_page_id (ui->window), ==, HB_PAGE_GUIDE);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  g_test_add_func ("/ui/keypad/keys-of-the-keypad-with-numlock-on-or-off", test_keys_map_to_the_keypad);
  g_test_add ("/ui/keypad/a-complete-visit-by-keypad-only-with-a-png-of-each-page", Ui, NULL,
              keypad_setup, test_complete_visit_by_keypad_only, ui_teardown);
  g_test_add ("/ui/keypad/star-goes-back-and-hash-goes-on-on-every-page-and-panel", Ui, NULL,
              keypad_setup, test_every_page_goes_back_and_forward_by_keypad, ui_teardown);
  g_test_add ("/ui/keypad/a-text-question-typed-on-the-on-screen-keyboard-by-keypad", Ui, NULL,
              keypad_setup, test_text_question_on_the_keyboard_by_keypad, ui_teardown);
  g_test_add ("/ui/keypad/the-business-login-pad-and-a-business-service-by-keypad", Ui, NULL,
              keypad_setup, test_business_pad_by_keypad, ui_teardown);
  g_test_add ("/ui/keypad/idle-warning-any-key-continues-and-does-nothing-else", Ui, NULL, keypad_setup_short_idle,
              test_idle_warning_continues_with_hash, ui_teardown);
  return g_test_run ();
}
