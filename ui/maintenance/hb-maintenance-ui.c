/* hb-maintenance-ui.c — gesture, maintenance screens and the 暂停服务 view (see the header). */
#include "ui/maintenance/hb-maintenance-ui.h"
#include "ui/maintenance/hb-maintenance-entry.h"
#include "ui/maintenance/hb-maintenance-dashboard.h"
#include "ui/maintenance/hb-maintenance-outbox.h"
#include "ui/maintenance/hb-maintenance-devices.h"
#include "ui/maintenance/hb-closed-view.h"
#include "ui/hb-ui-util.h"
#include "kiosk/hb-maintenance.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#define DATA_KEY "hb-maintenance-ui"

typedef struct {
  HbWindow   *window;     /* weak: we live as its data */
  GtkOverlay *overlay;
  HbCore     *core;       /* borrowed from the window */
  GtkWidget  *screen;     /* the maintenance screen, or NULL */
  GtkStack   *stack;
  GtkLabel   *who;
  GtkWidget  *dashboard;
  GtkWidget  *outbox;
  GtkWidget  *config;
  GtkWidget  *closed;     /* the 暂停服务 view, or NULL */
  guint       hold;       /* the gesture's timer */
  gboolean    touching;   /* the drag gesture began a press (its end/cancel is ours) */
} MaintUi;

static MaintUi *
get_ui (HbWindow *window)
{
  return g_object_get_data (G_OBJECT (window), DATA_KEY);
}

static void update_closed (MaintUi *ui);

/* --- the screens ---------------------------------------------------------------------- */

static void
remove_screen (MaintUi *ui)
{
  if (ui->screen == NULL)
    return;
  gtk_overlay_remove_overlay (ui->overlay, ui->screen);
  ui->screen = NULL;
  ui->stack = NULL;
  ui->who = NULL;
  ui->dashboard = ui->outbox = ui->config = NULL;
}

static void
on_leave_clicked (MaintUi *ui)
{
  hb_maintenance_close (hb_core_get_maintenance (ui->core), "exit");
}

static void on_show_outbox (MaintUi *ui);
static void on_show_config (MaintUi *ui);

/* The screens' widgets die with the screen, and ui outlives them: plain connections. */
static void
show_dashboard (MaintUi *ui)
{
  if (ui->dashboard == NULL)
    {
      ui->dashboard = hb_maintenance_dashboard_new (ui->core);
      gtk_stack_add_named (ui->stack, ui->dashboard, "dashboard");
      g_signal_connect_swapped (ui->dashboard, "show-outbox", G_CALLBACK (on_show_outbox), ui);
      g_signal_connect_swapped (ui->dashboard, "show-config", G_CALLBACK (on_show_config), ui);
    }
  hb_maintenance_dashboard_refresh (HB_MAINTENANCE_DASHBOARD (ui->dashboard));
  gtk_stack_set_visible_child (ui->stack, ui->dashboard);
}

static void
on_show_outbox (MaintUi *ui)
{
  if (ui->outbox == NULL)
    {
      ui->outbox = hb_maintenance_outbox_new (ui->core);
      gtk_stack_add_named (ui->stack, ui->outbox, "outbox");
      g_signal_connect_swapped (ui->outbox, "back", G_CALLBACK (show_dashboard), ui);
    }
  hb_maintenance_outbox_refresh (HB_MAINTENANCE_OUTBOX (ui->outbox));
  gtk_stack_set_visible_child (ui->stack, ui->outbox);
}

/* 设备配置 (technician only): built anew each time, so it shows the file as it is now. */
static void
on_show_config (MaintUi *ui)
{
  HbMaintenance *m = hb_core_get_maintenance (ui->core);

  if (!hb_maintenance_can (m, HB_MAINTENANCE_ACTION_DEVICE_CONFIG))
    return;   /* the button is hidden for staff; the controller refuses the save anyway */
  if (ui->config)
    gtk_stack_remove (ui->stack, ui->config);
  ui->config = hb_maintenance_devices_new (ui->core);
  g_signal_connect_swapped (ui->config, "back", G_CALLBACK (show_dashboard), ui);
  gtk_stack_add_named (ui->stack, ui->config, "config");
  gtk_stack_set_visible_child (ui->stack, ui->config);
}

/* Any touch on the screens is staff activity: the 3 min idle logout starts over. */
static gboolean
on_screen_event (GtkEventControllerLegacy *c, GdkEvent *event, MaintUi *ui)
{
  GdkEventType type = gdk_event_get_event_type (event);
  if (type == GDK_BUTTON_PRESS || type == GDK_TOUCH_BEGIN || type == GDK_KEY_PRESS ||
      type == GDK_SCROLL)
    hb_maintenance_touch (hb_core_get_maintenance (ui->core));
  return FALSE;
}

static void
build_screen (MaintUi *ui)
{
  HbMaintenance *m = hb_core_get_maintenance (ui->core);
  GtkWidget *header, *leave, *title;
  GtkEventController *legacy;

  ui->screen = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (ui->screen, "maintenance-screen");
  gtk_widget_set_hexpand (ui->screen, TRUE);
  gtk_widget_set_vexpand (ui->screen, TRUE);
  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
  gtk_widget_add_css_class (header, "maintenance-header");
  title = hb_ui_label (_("维护模式"), "brand");
  gtk_box_append (GTK_BOX (header), title);
  ui->who = GTK_LABEL (hb_ui_label ("", "brand-sub"));
  gtk_widget_set_hexpand (GTK_WIDGET (ui->who), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (ui->who), GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (ui->who));
  leave = hb_ui_button (_("退出维护"), "exit-button");
  g_signal_connect_swapped (leave, "clicked", G_CALLBACK (on_leave_clicked), ui);
  gtk_box_append (GTK_BOX (header), leave);
  gtk_box_append (GTK_BOX (ui->screen), header);

  ui->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (ui->stack), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (ui->stack), "maintenance-body");
  gtk_stack_add_named (ui->stack, hb_maintenance_entry_new (m), "entry");
  gtk_box_append (GTK_BOX (ui->screen), GTK_WIDGET (ui->stack));

  legacy = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (legacy, GTK_PHASE_CAPTURE);
  g_signal_connect (legacy, "event", G_CALLBACK (on_screen_event), ui);
  gtk_widget_add_controller (ui->screen, legacy);
  gtk_overlay_add_overlay (ui->overlay, ui->screen);
}

static void
on_maintenance_changed (HbMaintenance *m, HbWindow *window)
{
  MaintUi *ui = get_ui (window);
  HbStaffRole role = hb_maintenance_get_role (m);

  if (ui == NULL)
    return;
  if (!hb_maintenance_is_active (m))
    {
      gboolean was_open = ui->screen != NULL;
      remove_screen (ui);
      /* Back to the attract page, whatever non-visit page was under the screens. */
      if (was_open && hb_session_get_state (hb_core_get_session (ui->core)) == HB_SESSION_ATTRACT)
        hb_window_show_page (ui->window, HB_PAGE_ATTRACT);
      update_closed (ui);
      return;
    }
  if (ui->screen == NULL)
    build_screen (ui);
  if (role == HB_STAFF_ROLE_NONE)
    {
      gtk_label_set_text (ui->who, _("请登录"));
      gtk_stack_set_visible_child_name (ui->stack, "entry");
    }
  else
    {
      const char *actor = hb_maintenance_get_actor (m);
      const char *id = actor && strchr (actor, ':') ? strchr (actor, ':') + 1 : "";
      /* TRANSLATORS: who is logged in, e.g. "工作人员 S0012" or "工作人员 · PIN 登录" */
      g_autofree char *who = g_strdup_printf ("%s %s",
                                              role == HB_STAFF_ROLE_TECHNICIAN ? _("技术人员")
                                                                               : _("工作人员"),
                                              g_str_equal (id, "pin") ? _("· PIN 登录") : id);
      gtk_label_set_text (ui->who, who);
      if (g_strcmp0 (gtk_stack_get_visible_child_name (ui->stack), "entry") == 0)
        show_dashboard (ui);
    }
  update_closed (ui);
}

static void
on_exit_requested (HbMaintenance *m, int code, HbWindow *window)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (window));
  g_message ("maintenance: quitting with exit code %d", code);
  hb_window_allow_close (window);
  if (app)
    g_application_quit (G_APPLICATION (app));
}

/* --- 暂停服务 ----------------------------------------------------------------------------- */

static void
update_closed (MaintUi *ui)
{
  gboolean show = hb_core_get_out_of_service (ui->core, NULL)
                  && hb_session_get_state (hb_core_get_session (ui->core)) == HB_SESSION_ATTRACT
                  && hb_window_get_page_id (ui->window) == HB_PAGE_ATTRACT
                  && ui->screen == NULL;

  if (show && ui->closed == NULL)
    {
      ui->closed = hb_closed_view_new (hb_core_get_config (ui->core));
      gtk_overlay_add_overlay (ui->overlay, ui->closed);
    }
  else if (!show && ui->closed)
    {
      gtk_overlay_remove_overlay (ui->overlay, ui->closed);
      ui->closed = NULL;
    }
}

/* --- the gesture ------------------------------------------------------------------------ */

static gboolean
on_hold (gpointer data)
{
  MaintUi *ui = data;
  HbMaintenance *m = hb_core_get_maintenance (ui->core);
  g_autoptr(GError) error = NULL;

  ui->hold = 0;
  if (!hb_maintenance_open (m, &error))
    g_message ("maintenance: gesture ignored: %s", error->message);
  return G_SOURCE_REMOVE;
}

void
hb_maintenance_ui_press (HbWindow *window, double x, double y)
{
  MaintUi *ui = get_ui (window);
  HbMaintenance *m;

  if (ui == NULL || x < 0 || y < 0 || x > HB_MAINTENANCE_CORNER_PX || y > HB_MAINTENANCE_CORNER_PX)
    return;
  m = hb_core_get_maintenance (ui->core);
  /* A visit is never interrupted: a press during one does not even start the clock. */
  if (hb_maintenance_is_active (m) ||
      hb_session_get_state (hb_core_get_session (ui->core)) != HB_SESSION_ATTRACT)
    return;
  g_clear_handle_id (&ui->hold, g_source_remove);
  g_debug ("maintenance: corner pressed at %.0f,%.0f", x, y);
  ui->hold = g_timeout_add ((guint) hb_config_get_int (hb_core_get_config (ui->core),
                                                       "maintenance", "gesture_ms"),
                            on_hold, ui);
}

void
hb_maintenance_ui_release (HbWindow *window)
{
  MaintUi *ui = get_ui (window);
  if (ui && ui->hold)
    {
      g_debug ("maintenance: corner released early");
      g_clear_handle_id (&ui->hold, g_source_remove);
    }
}

gboolean
hb_maintenance_ui_is_open (HbWindow *window)
{
  MaintUi *ui = get_ui (window);
  return ui && ui->screen != NULL;
}

static void
on_drag_begin (GtkGestureDrag *drag, double x, double y, HbWindow *window)
{
  MaintUi *ui = get_ui (window);
  if (ui)
    ui->touching = TRUE;
  hb_maintenance_ui_press (window, x, y);
}

static void
on_drag_update (GtkGestureDrag *drag, double dx, double dy, HbWindow *window)
{
  if (hypot (dx, dy) > HB_MAINTENANCE_SLOP_PX)
    hb_maintenance_ui_release (window);
}

/* Only a press this gesture began ends here: a reset of the controller (focus, grabs)
 * must not cancel a hold it never saw. */
static void
gesture_ended (HbWindow *window)
{
  MaintUi *ui = get_ui (window);
  if (ui == NULL || !ui->touching)
    return;
  ui->touching = FALSE;
  hb_maintenance_ui_release (window);
}

static void
on_drag_end (GtkGestureDrag *drag, double dx, double dy, HbWindow *window)
{
  gesture_ended (window);
}

static void
on_drag_cancel (GtkGesture *gesture, GdkEventSequence *sequence, HbWindow *window)
{
  gesture_ended (window);
}

/* --- install ---------------------------------------------------------------------------- */

static void
maint_ui_free (gpointer data)
{
  MaintUi *ui = data;
  g_clear_handle_id (&ui->hold, g_source_remove);
  g_free (ui);
}

static void
on_page_shown (HbWindow *window, int id, HbPage *page)
{
  if (get_ui (window))
    update_closed (get_ui (window));
}

static void
on_session_state (HbWindow *window)
{
  if (get_ui (window))
    update_closed (get_ui (window));
}

void
hb_maintenance_ui_install (HbWindow *window, GtkOverlay *overlay)
{
  MaintUi *ui = g_new0 (MaintUi, 1);
  HbMaintenance *m;
  GtkGesture *drag;

  ui->window = window;
  ui->overlay = overlay;
  ui->core = hb_window_get_core (window);
  m = hb_core_get_maintenance (ui->core);
  g_object_set_data_full (G_OBJECT (window), DATA_KEY, ui, maint_ui_free);

  /* Capture phase on the whole window: it sees a press before any page does, claims
   * nothing, and so changes nothing for residents. */
  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (drag), FALSE);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drag), GTK_PHASE_CAPTURE);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), window);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), window);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), window);
  g_signal_connect (drag, "cancel", G_CALLBACK (on_drag_cancel), window);
  gtk_widget_add_controller (GTK_WIDGET (window), GTK_EVENT_CONTROLLER (drag));

  /* Connected to the window: no callback runs once it is gone. */
  g_signal_connect_object (m, "changed", G_CALLBACK (on_maintenance_changed), window, 0);
  g_signal_connect_object (m, "exit-requested", G_CALLBACK (on_exit_requested), window, 0);
  g_signal_connect_object (ui->core, "status-changed", G_CALLBACK (on_session_state), window,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (hb_core_get_session (ui->core), "state-changed",
                           G_CALLBACK (on_session_state), window, G_CONNECT_SWAPPED);
  g_signal_connect (window, "page-shown", G_CALLBACK (on_page_shown), NULL);
}
