/* hb-window.c — the shell: page stack, session-driven navigation, idle warning, lock-down. */
#include "ui/hb-window.h"
#include "ui/hb-ui-util.h"
#include "ui/pages/hb-pages.h"
#include "ui/widgets/hb-help-panel.h"
#include "ui/widgets/hb-report-panel.h"
#include "ui/widgets/hb-sim-panel.h"
#include "kiosk/hb-i18n.h"
#include "ui/hb-elder-mode.h"
#include "ui/hb-keypad-nav.h"
#include "ui/hb-voice-guide.h"
#include "ui/maintenance/hb-maintenance-ui.h"

#include <glib/gi18n.h>

struct _HbWindow
{
  GtkApplicationWindow parent_instance;

  /* Template widgets */
  GtkOverlay *overlay;
  GtkBox     *main_box;
  GtkStack   *stack;
  GtkLabel   *brand;
  GtkLabel   *brand_sub;
  GtkButton  *lang_button;
  GtkToggleButton *elder_button;
  GtkToggleButton *voice_button;   /* 语音播报 */
  GtkLabel   *site_label;
  GtkLabel   *network_label;
  GtkButton  *exit_button;
  GtkButton  *help_button;
  GtkButton  *report_button;
  GtkWidget  *idle_scrim;
  GtkLabel   *idle_title;
  GtkLabel   *idle_text;
  GtkButton  *idle_continue;

  /* Owned */
  HbCore     *core;
  GtkWidget  *pages[HB_N_PAGES];   /* children of stack, or NULL until first shown */
  GtkWidget  *panel;               /* 帮办 or 办不成事 over the page, or NULL */
  GtkWidget  *sim_panel;
  HbPageId    current;
  gboolean    allow_close;
  HbElderMode *elder;              /* 长辈模式 (ui/hb-elder-mode.h) */
  HbVoiceGuide *voice_guide;       /* voice guidance (ui/hb-voice-guide.h) */
};

G_DEFINE_FINAL_TYPE (HbWindow, hb_window, GTK_TYPE_APPLICATION_WINDOW)

enum { SIGNAL_PAGE_SHOWN, N_SIGNALS };
static guint signals[N_SIGNALS];
enum { PROP_0, PROP_ELDER_MODE, N_PROPS };
static GParamSpec *props[N_PROPS];

static GType
page_type (HbPageId id)
{
  switch (id)
    {
    case HB_PAGE_ATTRACT:  return HB_TYPE_ATTRACT_PAGE;
    case HB_PAGE_IDENTIFY: return HB_TYPE_IDENTIFY_PAGE;
    case HB_PAGE_CATALOG:  return HB_TYPE_CATALOG_PAGE;
    case HB_PAGE_GUIDE:    return HB_TYPE_GUIDE_PAGE;
    case HB_PAGE_FORM:     return HB_TYPE_FORM_PAGE;
    case HB_PAGE_CHECK:    return HB_TYPE_CHECK_PAGE;
    case HB_PAGE_RESULT:   return HB_TYPE_RESULT_PAGE;
    case HB_PAGE_PRINT:    return HB_TYPE_PRINT_PAGE;
    case HB_PAGE_RATING:   return HB_TYPE_RATING_PAGE;
    case HB_PAGE_PLACE:    return HB_TYPE_PLACE_PAGE;
    case HB_PAGE_PROGRESS: return HB_TYPE_PROGRESS_PAGE;
    case HB_PAGE_SITUATION: return HB_TYPE_SITUATION_PAGE;
    case HB_PAGE_BUSINESS: return HB_TYPE_BUSINESS_PAGE;
    default:               g_assert_not_reached ();
    }
}

HbCore *
hb_window_get_core (HbWindow *self)
{
  return self->core;
}

HbPageId
hb_window_get_page_id (HbWindow *self)
{
  return self->current;
}

HbPage *
hb_window_get_page (HbWindow *self, HbPageId id)
{
  return self->pages[id] ? HB_PAGE (self->pages[id]) : NULL;
}

/* Pages are built the first time they are needed: the first frame only pays for the
 * attract page. */
static GtkWidget *
ensure_page (HbWindow *self, HbPageId id)
{
  if (self->pages[id] == NULL)
    {
      GtkWidget *page = g_object_new (page_type (id), NULL);
      hb_page_set_window (HB_PAGE (page), self);
      gtk_stack_add_named (self->stack, page, hb_page_id_to_string (id));
      self->pages[id] = page;
    }
  return self->pages[id];
}

HbPage *
hb_window_ensure_page (HbWindow *self, HbPageId id)
{
  return HB_PAGE (ensure_page (self, id));
}

static void
update_chrome (HbWindow *self)
{
  HbSessionState state = hb_session_get_state (hb_core_get_session (self->core));
  gboolean in_visit = state != HB_SESSION_ATTRACT && state != HB_SESSION_WIPED;
  const char *exit_label = (state == HB_SESSION_IDENTIFIED || state == HB_SESSION_IN_SERVICE)
                           ? _("退出办理") : _("结束");

  gtk_widget_set_visible (GTK_WIDGET (self->exit_button), in_visit);
  gtk_button_set_label (self->exit_button, exit_label);
  hb_ui_set_accessible_label (GTK_WIDGET (self->exit_button), exit_label);
  /* On every page: human help, and "I couldn't get it done". */
  gtk_button_set_label (self->help_button, _("帮办"));
  hb_ui_set_accessible_label (GTK_WIDGET (self->help_button), _("呼叫帮办"));
  gtk_button_set_label (self->report_button, _("办不成事"));
  hb_ui_set_accessible_label (GTK_WIDGET (self->report_button), _("办不成事反映"));
}

/* --- 帮办 and 办不成事 panels --------------------------------------------------------- */

static void
close_panel (HbWindow *self)
{
  if (self->panel == NULL)
    return;
  gtk_overlay_remove_overlay (self->overlay, self->panel);
  self->panel = NULL;
}

static void
open_panel (HbWindow *self, GtkWidget *panel)
{
  close_panel (self);
  self->panel = panel;
  g_signal_connect_object (panel, "closed", G_CALLBACK (close_panel), self, G_CONNECT_SWAPPED);
  gtk_overlay_add_overlay (self->overlay, panel);
  hb_session_touch (hb_core_get_session (self->core));
}

static void
on_help_clicked (HbWindow *self)
{
  g_autoptr(HbHelpCall) call = hb_core_call_help (self->core,
                                                  hb_page_id_to_string (self->current));
  open_panel (self, hb_help_panel_new (call));
}

static void
on_report_clicked (HbWindow *self)
{
  open_panel (self, hb_report_panel_new (self->core, hb_page_id_to_string (self->current),
                                         hb_window_get_elder_mode (self) ? 1 : 2));
}

void
hb_window_show_page (HbWindow *self, HbPageId id)
{
  GtkWidget *page = ensure_page (self, id);
  GtkWidget *old = self->pages[self->current];

  if (old && old != page && gtk_stack_get_visible_child (self->stack) == old)
    hb_page_switch_from (HB_PAGE (old));
  self->current = id;
  gtk_stack_set_visible_child (self->stack, page);
  hb_page_switch_to (HB_PAGE (page));
  update_chrome (self);
  g_debug ("window: page %s", hb_page_id_to_string (id));
  g_signal_emit (self, signals[SIGNAL_PAGE_SHOWN], 0, id, page);
}

/* Destroy every built page except keep (which may be -1 for none). */
static void
drop_pages (HbWindow *self, int keep)
{
  for (int i = 0; i < HB_N_PAGES; i++)
    {
      if (i == keep || self->pages[i] == NULL)
        continue;
      gtk_stack_remove (self->stack, self->pages[i]);
      self->pages[i] = NULL;
    }
}

/* --- session ----------------------------------------------------------------------- */

static void
on_state_changed (HbSession *session, HbSessionState old, HbSessionState state, HbWindow *self)
{
  switch (state)
    {
    case HB_SESSION_ATTRACT:
      hb_window_show_page (self, HB_PAGE_ATTRACT);
      /* Nothing of the visit may survive in a widget. */
      drop_pages (self, HB_PAGE_ATTRACT);
      close_panel (self);
      break;
    case HB_SESSION_IDENTIFIED:
      hb_window_show_page (self, HB_PAGE_CATALOG);
      break;
    case HB_SESSION_IN_SERVICE:
      hb_window_show_page (self, HB_PAGE_GUIDE);
      break;
    case HB_SESSION_DONE:
      hb_window_show_page (self, HB_PAGE_RESULT);
      break;
    case HB_SESSION_ABANDONED:
    case HB_SESSION_RATING:
      hb_window_show_page (self, HB_PAGE_RATING);
      break;
    case HB_SESSION_WIPED:
    default:
      gtk_widget_set_visible (self->idle_scrim, FALSE);
      break;
    }
  update_chrome (self);
}

static void
on_idle_warning (HbSession *session, guint seconds, HbWindow *self)
{
  g_autofree char *text =
    g_strdup_printf (ngettext ("%u 秒后将返回首页，您填写的信息将被清除。",
                               "%u 秒后将返回首页，您填写的信息将被清除。", seconds), seconds);
  gtk_label_set_text (self->idle_text, text);
  /* Spoken when the warning appears and once more 10 s before the wipe (WCAG 2.2.1). */
  if (self->voice_guide && (!gtk_widget_get_visible (self->idle_scrim) || seconds == 10))
    {
      g_autofree char *spoken = g_strdup_printf ("%s\n%s\n%s", _("您还在吗？"), text,
                                                 _("请点击“继续办理”。"));
      hb_voice_guide_say (self->voice_guide, spoken);
    }
  gtk_widget_set_visible (self->idle_scrim, TRUE);
}

static void
on_idle_extended (HbSession *session, HbWindow *self)
{
  gtk_widget_set_visible (self->idle_scrim, FALSE);
}

static void
on_idle_continue (HbWindow *self)
{
  hb_session_extend (hb_core_get_session (self->core));
}

static void
on_exit_clicked (HbWindow *self)
{
  HbSession *session = hb_core_get_session (self->core);
  switch (hb_session_get_state (session))
    {
    case HB_SESSION_IDENTIFIED:
    case HB_SESSION_IN_SERVICE:
      hb_session_abandon (session);
      break;
    default:
      if (!hb_session_finish (session))
        hb_session_wipe (session, HB_WIPE_CANCELLED);
      break;
    }
}

/* Any touch or key restarts the idle clock. */
static gboolean
on_any_event (GtkEventControllerLegacy *c, GdkEvent *event, HbWindow *self)
{
  switch (gdk_event_get_event_type (event))
    {
    case GDK_KEY_PRESS:
      /* A keypad that sends Shift+3 for #: the Shift alone must not end the idle warning
       * before the keypad navigation sees the # (docs/keypad.md). */
      if (gdk_key_event_is_modifier (event))
        break;
      G_GNUC_FALLTHROUGH;
    case GDK_BUTTON_PRESS:
    case GDK_TOUCH_BEGIN:
    case GDK_SCROLL:
      hb_session_touch (hb_core_get_session (self->core));
      break;
    default:
      break;
    }
  return FALSE;
}

/* A code scanned on the attract screen: a place is shown, a failure explained on the
 * identify page (on the identify page itself, the page shows it). */
static void
on_place_scanned (HbCore *core, const HbPlace *place, HbWindow *self)
{
  GtkWidget *page = ensure_page (self, HB_PAGE_PLACE);
  hb_place_page_set_place (HB_PLACE_PAGE (page), place);
  hb_window_show_page (self, HB_PAGE_PLACE);
}

/* A receipt's QR scanned on the attract screen: that case's progress, no visit. */
static void
on_case_scanned (HbCore *core, const char *reference, HbWindow *self)
{
  GtkWidget *page = ensure_page (self, HB_PAGE_PROGRESS);
  hb_progress_page_set_reference (HB_PROGRESS_PAGE (page), reference);
  hb_window_show_page (self, HB_PAGE_PROGRESS);
}

static void
on_identify_failed (HbCore *core, const char *message, HbWindow *self)
{
  if (self->current != HB_PAGE_ATTRACT && self->current != HB_PAGE_PLACE
      && self->current != HB_PAGE_PROGRESS)
    return;
  hb_window_show_page (self, HB_PAGE_IDENTIFY);
  hb_identify_page_show_error (HB_IDENTIFY_PAGE (self->pages[HB_PAGE_IDENTIFY]), message);
}

/* --- chrome ------------------------------------------------------------------------ */

static void hb_window_update_elder_button (HbWindow *self);
static void update_network (HbWindow *self);
static void update_voice_button (HbWindow *self);

static void
retranslate (HbWindow *self)
{
  const char *lang_label = hb_i18n_is_english () ? "中文" : "English";
  HbConfig *c = hb_core_get_config (self->core);
  g_autofree char *site = g_strdup_printf ("%s · %s",
                                           hb_config_get_string (c, "terminal", "site"),
                                           hb_config_get_string (c, "terminal", "id"));

  gtk_window_set_title (GTK_WINDOW (self), _("一网通办自助服务终端"));
  gtk_label_set_text (self->brand, _("一网通办"));
  gtk_label_set_text (self->brand_sub, _("上海市政务服务自助终端"));
  gtk_button_set_label (self->lang_button, lang_label);
  hb_ui_set_accessible_label (GTK_WIDGET (self->lang_button),
                              hb_i18n_is_english () ? "切换到中文" : "Switch to English");
  gtk_label_set_text (self->site_label, site);
  hb_window_update_elder_button (self);
  update_voice_button (self);
  gtk_label_set_text (self->idle_title, _("您还在吗？"));
  gtk_button_set_label (self->idle_continue, _("继续办理"));
  hb_ui_set_accessible_label (GTK_WIDGET (self->idle_continue), _("继续办理"));
  update_chrome (self);
}

/* Templates are translated, and grids laid out, when built: rebuild the pages. The visit
 * lives in the session, so the current page comes back with what was entered. */
static void
rebuild_pages (HbWindow *self)
{
  HbPageId current = self->current;
  g_autofree char *field = NULL;
  const char *id = NULL;
  guint part = 0;
  gboolean changing = FALSE, resume;
  g_autoptr(GtkWidget) old_print = NULL, old_rating = NULL;
  HbPlace *place = NULL;
  g_autofree char *reference = NULL;

  resume = current == HB_PAGE_FORM && self->pages[HB_PAGE_FORM]
           && hb_form_page_get_question (HB_FORM_PAGE (self->pages[HB_PAGE_FORM]), &part, &id,
                                         &changing);
  field = g_strdup (id);
  /* The print page must not print the receipt again: the new one takes over. */
  if (current == HB_PAGE_PRINT && self->pages[HB_PAGE_PRINT])
    old_print = g_object_ref (self->pages[HB_PAGE_PRINT]);
  if (current == HB_PAGE_RATING && self->pages[HB_PAGE_RATING])
    old_rating = g_object_ref (self->pages[HB_PAGE_RATING]);
  /* Pages shown without a visit keep what they were given (a scanned place or receipt). */
  if (current == HB_PAGE_PLACE && self->pages[HB_PAGE_PLACE]
      && hb_place_page_get_place (HB_PLACE_PAGE (self->pages[HB_PAGE_PLACE])))
    place = hb_place_copy (hb_place_page_get_place (HB_PLACE_PAGE (self->pages[HB_PAGE_PLACE])));
  if (current == HB_PAGE_PROGRESS && self->pages[HB_PAGE_PROGRESS])
    reference = g_strdup (hb_progress_page_get_reference (HB_PROGRESS_PAGE (self->pages[HB_PAGE_PROGRESS])));
  drop_pages (self, -1);
  self->current = HB_PAGE_ATTRACT;
  retranslate (self);
  update_network (self);   /* its words too */
  if (resume)
    hb_form_page_resume_question (HB_FORM_PAGE (ensure_page (self, HB_PAGE_FORM)), part, field,
                                  changing);
  if (old_print)
    hb_print_page_take_over (HB_PRINT_PAGE (ensure_page (self, HB_PAGE_PRINT)),
                             HB_PRINT_PAGE (old_print));
  if (old_rating)
    hb_rating_page_take_over (HB_RATING_PAGE (ensure_page (self, HB_PAGE_RATING)),
                              HB_RATING_PAGE (old_rating));
  if (place)
    {
      hb_place_page_set_place (HB_PLACE_PAGE (ensure_page (self, HB_PAGE_PLACE)), place);
      hb_place_free (place);
    }
  if (current == HB_PAGE_PROGRESS)
    hb_progress_page_set_reference (HB_PROGRESS_PAGE (ensure_page (self, HB_PAGE_PROGRESS)),
                                    reference);
  hb_window_show_page (self, current);
}

void
hb_window_set_language (HbWindow *self, const char *language)
{
  hb_i18n_set_language (language);
  rebuild_pages (self);
}

/* --- 长辈模式 ------------------------------------------------------------------------ */

static void
hb_window_update_elder_button (HbWindow *self)
{
  gboolean on = self->elder && hb_elder_mode_get_active (self->elder);
  /* The state shows as a tick and the pressed look, not by colour alone. */
  g_autofree char *label = g_strdup_printf ("%s%s", on ? "✓ " : "", _("长辈模式"));

  gtk_button_set_label (GTK_BUTTON (self->elder_button), label);
  hb_ui_set_accessible_label (GTK_WIDGET (self->elder_button), _("长辈模式"));
  if (gtk_toggle_button_get_active (self->elder_button) != on)
    gtk_toggle_button_set_active (self->elder_button, on);
}

static void
on_elder_toggled (HbWindow *self)
{
  hb_session_touch (hb_core_get_session (self->core));
  hb_elder_mode_set_active (self->elder, gtk_toggle_button_get_active (self->elder_button));
}

static void
on_elder_changed (HbWindow *self)
{
  gboolean on = hb_elder_mode_get_active (self->elder);

  if (on)
    gtk_widget_add_css_class (GTK_WIDGET (self), HB_ELDER_CSS_CLASS);
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), HB_ELDER_CSS_CLASS);
  /* Large type needs the height: the brand alone names the terminal, and the subtitle's
   * three lines in English would push the keyboard's last row below the fold. */
  gtk_widget_set_visible (GTK_WIDGET (self->brand_sub), !on);
  /* At the wipe the pages go anyway (the attract page follows): build nothing now. */
  if (hb_session_get_state (hb_core_get_session (self->core)) == HB_SESSION_WIPED)
    {
      drop_pages (self, -1);
      hb_window_update_elder_button (self);
    }
  else
    rebuild_pages (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ELDER_MODE]);
}

gboolean
hb_window_get_elder_mode (HbWindow *self)
{
  g_return_val_if_fail (HB_IS_WINDOW (self), FALSE);
  return self->elder && hb_elder_mode_get_active (self->elder);
}

void
hb_window_set_elder_mode (HbWindow *self, gboolean active)
{
  g_return_if_fail (HB_IS_WINDOW (self));
  hb_elder_mode_set_active (self->elder, active);
}

/* --- voice guidance (ui/hb-voice-guide.h) ------------------------------------------- */

static void
update_voice_button (HbWindow *self)
{
  gboolean on = self->voice_guide && hb_voice_guide_get_enabled (self->voice_guide);
  /* Like 长辈模式: a tick shows the state, not colour alone. */
  g_autofree char *label = g_strdup_printf ("%s%s", on ? "✓ " : "", _("语音播报"));

  gtk_button_set_label (GTK_BUTTON (self->voice_button), label);
  hb_ui_set_accessible_label (GTK_WIDGET (self->voice_button), _("语音播报"));
  if (gtk_toggle_button_get_active (self->voice_button) != on)
    gtk_toggle_button_set_active (self->voice_button, on);
}

static void
on_voice_toggled (HbWindow *self)
{
  if (self->voice_guide == NULL)
    return;
  hb_session_touch (hb_core_get_session (self->core));
  hb_voice_guide_set_enabled (self->voice_guide, gtk_toggle_button_get_active (self->voice_button));
}

HbVoiceGuide *
hb_window_get_voice_guide (HbWindow *self)
{
  g_return_val_if_fail (HB_IS_WINDOW (self), NULL);
  return self->voice_guide;
}

static void
on_lang_clicked (HbWindow *self)
{
  hb_session_touch (hb_core_get_session (self->core));
  hb_window_set_language (self, hb_i18n_is_english () ? "zh_CN" : "en");
}

static void
update_network (HbWindow *self)
{
  HbSync *sync = hb_core_is_started (self->core) ? hb_core_get_sync (self->core) : NULL;
  gboolean online = sync && hb_sync_get_reachable (sync);

  /* Before the core runs nothing is known about the network: say nothing. */
  gtk_widget_set_visible (GTK_WIDGET (self->network_label), sync != NULL);
  gtk_label_set_text (self->network_label, online ? _("● 在线") : _("● 离线服务"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->network_label), online ? "offline" : "online");
  gtk_widget_add_css_class (GTK_WIDGET (self->network_label), online ? "online" : "offline");
}

void
hb_window_core_started (HbWindow *self, const GError *error)
{
  if (error == NULL)
    g_signal_connect_object (hb_core_get_sync (self->core), "notify::reachable",
                             G_CALLBACK (update_network), self, G_CONNECT_SWAPPED);
  update_network (self);
  if (self->pages[self->current])
    hb_page_switch_to (HB_PAGE (self->pages[self->current]));
}

void
hb_window_set_sim_panel (HbWindow *self, gboolean visible)
{
  /* A strip of its own above the footer: it never covers what a resident must see. */
  if (visible && self->sim_panel == NULL)
    {
      self->sim_panel = hb_sim_panel_new (self->core);
      gtk_box_insert_child_after (self->main_box, self->sim_panel, GTK_WIDGET (self->stack));
    }
  else if (!visible && self->sim_panel)
    {
      gtk_box_remove (self->main_box, self->sim_panel);
      self->sim_panel = NULL;
    }
}

void
hb_window_allow_close (HbWindow *self)
{
  self->allow_close = TRUE;
}

static gboolean
hb_window_close_request (GtkWindow *window)
{
  /* A resident must not be able to close the kiosk. */
  return !HB_WINDOW (window)->allow_close;
}

static gboolean
swallow (GtkWidget *widget, GVariant *args, gpointer data)
{
  return TRUE;
}

/* Keys that would leave the kiosk or open the inspector do nothing. */
static void
lock_down (HbWindow *self)
{
  static const char *const triggers[] = {
    "<Alt>F4", "<Control>q", "<Control>w", "<Control><Shift>i", "<Control><Shift>d",
    "F10", "F11", "<Alt>Tab", "<Super>", "<Control>plus", "<Control>minus",
  };
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  for (gsize i = 0; i < G_N_ELEMENTS (triggers); i++)
    {
      GtkShortcutTrigger *t = gtk_shortcut_trigger_parse_string (triggers[i]);
      if (t == NULL)
        continue;
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                            gtk_shortcut_new (t, gtk_callback_action_new (swallow, NULL, NULL)));
    }
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  gtk_window_set_interactive_debugging (FALSE);
}

/* --- object ----------------------------------------------------------------------- */

static void
hb_window_dispose (GObject *object)
{
  HbWindow *self = HB_WINDOW (object);
  g_clear_object (&self->voice_guide);
  g_clear_object (&self->elder);
  g_clear_object (&self->core);
  /* No gtk_widget_dispose_template here: GtkWindow unparents its child itself, and
   * disposing the template first leaves it a dangling pointer (GTK 4.8). */
  G_OBJECT_CLASS (hb_window_parent_class)->dispose (object);
}

static void
hb_window_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  switch (id)
    {
    case PROP_ELDER_MODE:
      g_value_set_boolean (value, hb_window_get_elder_mode (HB_WINDOW (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_window_class_init (HbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  hb_ui_ensure_resources ();
  object_class->dispose = hb_window_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = hb_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/gov/sh/haoban/ui/hb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HbWindow, overlay);
  gtk_widget_class_bind_template_child (widget_class, HbWindow, main_box);
  gtk_widget_class_bind_template_child (widget_class, HbWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, HbWindow, brand);
  gtk_widget_class_bind_template_child (widget_class, HbWindow, brand_sub);
  gtk_widget_class_bind_template_child (widget_class, HbWindow, lang_button);
  gtk_widget_class_bind_template_child (widget_class, HbWindow, elder_button);
  gtk_widget_class_bind_template_child (widget_class, HbWindow, voice_button);
  gtk_widget_class_bind_template_callback (widget_class, on_voice_toggled);
  gtk_widget_class_bind_template_child (widget_class, HbWindow, site_label);
  gtk_widget_class_bind_template_child (widget_class, HbWindow, network_label);
  gtk_widget_class_bind_template_child (widget_class, HbWindow, exit_button);
  gtk_widget_class_bind_template_child (widget_class, HbWindow, help_button);
  gtk_widget_class_bind_template_child (widget_class, HbWindow, report_button);
  gtk_widget_class_bind_template_child (widget_class, HbWindow, idle_scrim);
  gtk_widget_class_bind_template_child (widget_class, HbWindow, idle_title);
  gtk_widget_class_bind_template_child (widget_class, HbWindow, idle_text);
  gtk_widget_class_bind_template_child (widget_class, HbWindow, idle_continue);
  gtk_widget_class_bind_template_callback (widget_class, on_lang_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_elder_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_exit_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_help_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_report_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_idle_continue);

  signals[SIGNAL_PAGE_SHOWN] =
    g_signal_new ("page-shown", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_INT, HB_TYPE_PAGE);
  object_class->get_property = hb_window_get_property;
  props[PROP_ELDER_MODE] =
    g_param_spec_boolean ("elder-mode", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

/* Cross-fading two full-screen pages is cheap on a GPU, but the cairo (software)
 * renderer spends 15–17 ms of main-thread time per frame on it at 1080×1920, more than a
 * frame, sync or no sync (tests/bench/bench-ui-sync.c, scene "transitions"; ≤ 7 ms with
 * no transition). Without a GPU renderer, pages switch at once. */
static void
on_realize (GtkWidget *widget)
{
  HbWindow *self = HB_WINDOW (widget);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (widget));

  if (renderer && GSK_IS_CAIRO_RENDERER (renderer))
    gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_NONE);
}

static void
hb_window_init (HbWindow *self)
{
  GtkEventController *legacy;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_after (self, "realize", G_CALLBACK (on_realize), NULL);
  lock_down (self);
  legacy = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (legacy, GTK_PHASE_CAPTURE);
  g_signal_connect (legacy, "event", G_CALLBACK (on_any_event), self);
  gtk_widget_add_controller (GTK_WIDGET (self), legacy);
  /* The tactile keypad drives every page and panel (docs/keypad.md). Added last, it
   * sees a key first (GTK runs the newest controller first): during the idle warning a
   * key must find the warning still up. */
  hb_keypad_nav_install (GTK_WINDOW (self), GTK_WIDGET (self->help_button), self->main_box);
}

HbWindow *
hb_window_new (GtkApplication *app, HbCore *core)
{
  HbWindow *self = g_object_new (HB_TYPE_WINDOW, "application", app, NULL);
  HbSession *session = hb_core_get_session (core);
  HbConfig *config = hb_core_get_config (core);

  self->core = g_object_ref (core);
  g_signal_connect_object (session, "state-changed", G_CALLBACK (on_state_changed), self, 0);
  self->elder = hb_elder_mode_new (core);
  g_signal_connect_object (self->elder, "notify::active", G_CALLBACK (on_elder_changed), self,
                           G_CONNECT_SWAPPED);
  self->voice_guide = hb_voice_guide_new (self, core);
  g_signal_connect_object (self->voice_guide, "notify::enabled", G_CALLBACK (update_voice_button),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "idle-warning", G_CALLBACK (on_idle_warning), self, 0);
  g_signal_connect_object (session, "idle-extended", G_CALLBACK (on_idle_extended), self, 0);
  g_signal_connect_object (core, "place-scanned", G_CALLBACK (on_place_scanned), self, 0);
  g_signal_connect_object (core, "case-scanned", G_CALLBACK (on_case_scanned), self, 0);
  g_signal_connect_object (core, "identify-failed", G_CALLBACK (on_identify_failed), self, 0);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               (int) hb_config_get_int (config, "ui", "width"),
                               (int) hb_config_get_int (config, "ui", "height"));
  retranslate (self);
  update_network (self);
  hb_window_show_page (self, HB_PAGE_ATTRACT);
  /* Maintenance mode: the hidden corner press and the staff screens (H31). */
  hb_maintenance_ui_install (self, self->overlay);
  return self;
}
