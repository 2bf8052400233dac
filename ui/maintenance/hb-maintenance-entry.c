/* hb-maintenance-entry.c — staff entry panel (see the header). */
#include "ui/maintenance/hb-maintenance-entry.h"
#include "ui/widgets/hb-keypad.h"
#include "ui/hb-ui-util.h"

#include <glib/gi18n.h>

struct _HbMaintenanceEntry
{
  GtkWidget      parent_instance;
  GtkWidget     *box;
  GtkWidget     *pin;
  GtkWidget     *keypad;
  GtkWidget     *login;
  GtkLabel      *message;
  HbMaintenance *maintenance;
  GCancellable  *checking;
  guint          countdown;
};

G_DEFINE_FINAL_TYPE (HbMaintenanceEntry, hb_maintenance_entry, GTK_TYPE_WIDGET)

static void update_lock (HbMaintenanceEntry *self);

static void
set_message (HbMaintenanceEntry *self, const char *text)
{
  gtk_label_set_text (self->message, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message), text != NULL && *text);
}

static gboolean
on_tick (gpointer data)
{
  HbMaintenanceEntry *self = data;
  update_lock (self);
  return self->countdown ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* While locked the pad is off and the time left counts down, second by second. */
static void
update_lock (HbMaintenanceEntry *self)
{
  gint64 left = hb_maintenance_get_locked_for (self->maintenance);
  gboolean locked = left > 0;

  gtk_widget_set_sensitive (self->keypad, !locked && self->checking == NULL);
  gtk_widget_set_sensitive (self->login, !locked && self->checking == NULL);
  if (locked)
    {
      /* TRANSLATORS: lockout countdown: minutes, seconds */
      g_autofree char *text = g_strdup_printf (_("已锁定，请 %d 分 %d 秒后再试"),
                                               (int) (left / 60), (int) (left % 60));
      set_message (self, text);
      if (self->countdown == 0)
        self->countdown = g_timeout_add_seconds (1, on_tick, self);
    }
  else if (self->countdown)
    {
      g_clear_handle_id (&self->countdown, g_source_remove);
      set_message (self, _("已解除锁定，请重新输入"));
    }
}

static void
on_checked (GObject *source, GAsyncResult *result, gpointer data)
{
  HbMaintenanceEntry *self = data;
  g_autoptr(GError) error = NULL;
  gint64 retry_after = 0;
  gboolean ok = hb_maintenance_login_pin_finish (HB_MAINTENANCE (source), result, &retry_after,
                                                 &error);

  /* Gone (disposed) or cancelled: nothing of the panel may be touched. */
  if (self->checking == NULL || g_cancellable_is_cancelled (self->checking) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }
  g_clear_object (&self->checking);
  gtk_editable_set_text (GTK_EDITABLE (self->pin), "");
  if (!ok)
    {
      if (g_error_matches (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_WRONG) ||
          g_error_matches (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_INVALID))
        {
          guint left = hb_maintenance_get_attempts_left (self->maintenance);
          /* TRANSLATORS: a wrong staff PIN; %u tries remain before the lockout */
          g_autofree char *text = g_strdup_printf (_("PIN 不正确，还可尝试 %u 次"), left);
          set_message (self, text);
        }
      else if (!g_error_matches (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_LOCKED))
        set_message (self, error->message);
    }
  update_lock (self);
  g_object_unref (self);
}

static void
on_login_clicked (HbMaintenanceEntry *self)
{
  const char *pin = gtk_editable_get_text (GTK_EDITABLE (self->pin));

  if (self->checking || pin == NULL || *pin == '\0')
    return;
  self->checking = g_cancellable_new ();
  set_message (self, _("正在核对…"));
  update_lock (self);
  hb_maintenance_login_pin_async (self->maintenance, pin, self->checking, on_checked,
                                  g_object_ref (self));
}

static void
on_card_checked (HbMaintenance *maintenance, const GError *error, HbMaintenanceEntry *self)
{
  if (g_error_matches (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_UNKNOWN_CARD))
    {
      guint left = hb_maintenance_get_attempts_left (self->maintenance);
      g_autofree char *text = g_strdup_printf (_("此卡不是工作人员卡，还可尝试 %u 次"), left);
      set_message (self, text);
    }
  else if (!g_error_matches (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_LOCKED))
    set_message (self, error->message);
  update_lock (self);
}

static void
hb_maintenance_entry_dispose (GObject *object)
{
  HbMaintenanceEntry *self = HB_MAINTENANCE_ENTRY (object);
  if (self->checking)
    g_cancellable_cancel (self->checking);
  g_clear_object (&self->checking);
  g_clear_handle_id (&self->countdown, g_source_remove);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->maintenance);
  G_OBJECT_CLASS (hb_maintenance_entry_parent_class)->dispose (object);
}

static void
hb_maintenance_entry_class_init (HbMaintenanceEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hb_maintenance_entry_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static void
hb_maintenance_entry_init (HbMaintenanceEntry *self)
{
  GtkWidget *title, *hint;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  gtk_widget_add_css_class (self->box, "maintenance-entry");
  gtk_widget_set_halign (self->box, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->box, GTK_ALIGN_CENTER);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  title = hb_ui_label (_("工作人员登录"), "dialog-title");
  gtk_box_append (GTK_BOX (self->box), title);
  self->pin = gtk_password_entry_new ();
  gtk_widget_add_css_class (self->pin, "maintenance-pin");
  hb_ui_set_accessible_label (self->pin, _("维护密码"));
  gtk_box_append (GTK_BOX (self->box), self->pin);
  self->message = GTK_LABEL (hb_ui_label ("", "error-text"));
  gtk_label_set_justify (self->message, GTK_JUSTIFY_CENTER);
  gtk_widget_set_visible (GTK_WIDGET (self->message), FALSE);
  hb_ui_set_accessible_label (GTK_WIDGET (self->message), _("登录提示"));
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->message));
  self->keypad = hb_keypad_new (GTK_EDITABLE (self->pin), HB_STAFF_PIN_MAX_DIGITS);
  gtk_box_append (GTK_BOX (self->box), self->keypad);
  self->login = hb_ui_button (_("登录"), "primary huge");
  g_signal_connect_swapped (self->login, "clicked", G_CALLBACK (on_login_clicked), self);
  gtk_box_append (GTK_BOX (self->box), self->login);
  hint = hb_ui_label (_("或刷工作人员身份证"), "lead");
  gtk_label_set_justify (GTK_LABEL (hint), GTK_JUSTIFY_CENTER);
  gtk_box_append (GTK_BOX (self->box), hint);
}

GtkWidget *
hb_maintenance_entry_new (HbMaintenance *maintenance)
{
  HbMaintenanceEntry *self = g_object_new (HB_TYPE_MAINTENANCE_ENTRY, NULL);
  self->maintenance = g_object_ref (maintenance);
  g_signal_connect_object (maintenance, "card-checked", G_CALLBACK (on_card_checked), self, 0);
  update_lock (self);
  return GTK_WIDGET (self);
}
