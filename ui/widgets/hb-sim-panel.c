/* hb-sim-panel.c — on-screen controls for the virtual devices. */
#include "ui/widgets/hb-sim-panel.h"
#include "ui/hb-ui-util.h"
#include "kiosk/hb-samples.h"
#include "kiosk/hb-person.h"
#include "common/hb-json.h"
#include "drivers/idcard/hb-idcard.h"
#include "drivers/virtual/hb-sim-client.h"

#include <glib/gi18n.h>

#define SIM_TIMEOUT_MS 3000

struct _HbSimPanel
{
  GtkWidget  parent_instance;
  GtkWidget *box;
  GtkWidget *status;
  HbCore    *core;
  gboolean   paper_out;
};

G_DEFINE_FINAL_TYPE (HbSimPanel, hb_sim_panel, GTK_TYPE_WIDGET)

static void
send_thread (GTask *task, gpointer source, gpointer data, GCancellable *c)
{
  HbSimPanel *self = source;
  g_autofree char *socket = hb_config_dup_sim_socket (hb_core_get_config (self->core));
  GError *error = NULL;
  char *reply = hb_sim_client_send (socket, data, SIM_TIMEOUT_MS, &error);
  if (reply)
    g_task_return_pointer (task, reply, g_free);
  else
    g_task_return_error (task, error);
}

static void
sent (GObject *source, GAsyncResult *result, gpointer data)
{
  HbSimPanel *self = HB_SIM_PANEL (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = g_task_propagate_pointer (G_TASK (result), &error);
  gtk_label_set_text (GTK_LABEL (self->status), reply ? _("已发送") : error->message);
}

/* The socket client blocks: run it off the UI thread. */
static void
send_line (HbSimPanel *self, char *line)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, sent, NULL);
  g_task_set_task_data (task, line, g_free);
  g_task_run_in_thread (task, send_thread);
}

static void
on_card (GtkButton *button, HbSimPanel *self)
{
  guint n = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "sample"));
  g_autoptr(GError) error = NULL;
  g_autofree char *json = hb_samples_card_json (hb_config_get_share_dir (hb_core_get_config (self->core)),
                                                n, &error);
  if (json == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->status), error->message);
      return;
    }
  send_line (self, g_strconcat ("CARD-INSERT ", json, NULL));
}

static void
on_remove (GtkButton *button, HbSimPanel *self)
{
  send_line (self, g_strdup ("CARD-REMOVE"));
}

static void
on_scan (GtkButton *button, HbSimPanel *self)
{
  guint n = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "sample"));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = hb_samples_code_text (hb_config_get_share_dir (hb_core_get_config (self->core)),
                                                n, &error);
  if (text == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->status), error->message);
      return;
    }
  send_line (self, g_strconcat ("SCAN ", text, NULL));
}

/* An offline code for the holder of sample card 1, issued by the platform the way it
 * issues one for a resident at the terminal (POST /v1/codes/offline; the terminal never
 * signs), then "scanned". Demo only: the panel exists with virtual devices. */
static void
minted (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbSimPanel) self = data;
  g_autoptr(GError) error = NULL;
  guint status = 0;
  g_autofree char *body = hb_sync_request_finish (HB_SYNC (source), result, &status, &error);
  g_autoptr(JsonObject) obj = body && status == 200
                              ? hb_json_parse_object (body, -1, 16 * 1024, 4, NULL) : NULL;
  const char *code = obj ? json_object_get_string_member_with_default (obj, "code", NULL) : NULL;

  if (self->box == NULL)
    return;   /* the panel went away meanwhile */
  if (code == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->status),
                          error ? error->message : _("平台未签发离线码"));
      return;
    }
  send_line (self, g_strconcat ("SCAN ", code, NULL));
}

static void
on_offline_code (GtkButton *button, HbSimPanel *self)
{
  const char *share = hb_config_get_share_dir (hb_core_get_config (self->core));
  g_autofree char *json = hb_samples_card_json (share, 1, NULL);
  g_autoptr(HbIdCard) card = json ? hb_idcard_new_from_json_data (json, -1, NULL) : NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  if (json)
    hb_secure_free (g_steal_pointer (&json));
  if (card == NULL || !hb_core_is_started (self->core))
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, "person");
  json_builder_set_member_name (b, "id_type");
  json_builder_add_string_value (b, hb_idcard_type_to_string (card->type));
  json_builder_set_member_name (b, "id_number");
  json_builder_add_string_value (b, card->id_number);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, card->name);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = hb_json_to_string (root);
  hb_sync_request_async (hb_core_get_sync (self->core), "POST", "/v1/codes/offline", body,
                         NULL, minted, g_object_ref (self));
  hb_secure_free (g_steal_pointer (&body));
}

static void
on_paper (GtkToggleButton *button, HbSimPanel *self)
{
  self->paper_out = gtk_toggle_button_get_active (button);
  send_line (self, g_strdup (self->paper_out ? "PAPER-OUT on" : "PAPER-OUT off"));
}

static GtkWidget *
sim_button (HbSimPanel *self, const char *label, GCallback handler, guint sample)
{
  GtkWidget *b = hb_ui_button (label, "sim-button");
  g_object_set_data (G_OBJECT (b), "sample", GUINT_TO_POINTER (sample));
  g_signal_connect (b, "clicked", handler, self);
  gtk_box_append (GTK_BOX (self->box), b);
  return b;
}

/* Sample card N by its kind, so a demonstrator can pick the permit or the foreigner's
 * card without knowing the sample file. */
static char *
card_label (const char *share, guint n)
{
  g_autofree char *json = hb_samples_card_json (share, n, NULL);
  g_autoptr(HbIdCard) card = json ? hb_idcard_new_from_json_data (json, -1, NULL) : NULL;

  if (json)
    hb_secure_free (g_steal_pointer (&json));
  switch (card ? card->type : HB_IDCARD_TYPE_RESIDENT)
    {
    case HB_IDCARD_TYPE_HMT_RESIDENCE:
      return g_strdup_printf (_("放居住证 %u"), n);
    case HB_IDCARD_TYPE_FOREIGN_PERMANENT:
    case HB_IDCARD_TYPE_FOREIGN_PERMANENT_2023:
      return g_strdup_printf (_("放永居证 %u"), n);
    case HB_IDCARD_TYPE_RESIDENT:
    default:
      return g_strdup_printf (_("放身份证 %u"), n);
    }
}

static void
build_controls (HbSimPanel *self)
{
  const char *share = hb_config_get_share_dir (hb_core_get_config (self->core));
  guint cards = MIN (hb_samples_count (share, "cards"), 8u);
  guint codes = MIN (hb_samples_count (share, "codes"), 4u);
  GtkWidget *b;

  gtk_box_append (GTK_BOX (self->box), hb_ui_label (_("模拟设备"), "sim-title"));
  for (guint i = 1; i <= cards; i++)
    {
      g_autofree char *label = card_label (share, i);
      sim_button (self, label, G_CALLBACK (on_card), i);
    }
  sim_button (self, _("取走身份证"), G_CALLBACK (on_remove), 0);
  for (guint i = 1; i <= codes; i++)
    {
      const char *kind = hb_samples_code_kind (share, i);
      g_autofree char *label =
        g_str_equal (kind, "enterprise") ? g_strdup (_("扫法人码"))
        : g_str_equal (kind, "place")    ? g_strdup (_("扫场所码"))
                                         : g_strdup_printf (_("扫随申码 %u"), i);
      sim_button (self, label, G_CALLBACK (on_scan), i);
    }
  sim_button (self, _("扫离线码"), G_CALLBACK (on_offline_code), 0);
  b = gtk_toggle_button_new_with_label (_("打印机缺纸"));
  gtk_widget_add_css_class (b, "sim-button");
  hb_ui_set_accessible_label (b, _("打印机缺纸"));
  g_signal_connect (b, "toggled", G_CALLBACK (on_paper), self);
  gtk_box_append (GTK_BOX (self->box), b);
  self->status = hb_ui_label ("", "sim-status");
  gtk_widget_set_hexpand (self->status, TRUE);
  gtk_box_append (GTK_BOX (self->box), self->status);
}

static void
hb_sim_panel_dispose (GObject *object)
{
  HbSimPanel *self = HB_SIM_PANEL (object);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->core);
  G_OBJECT_CLASS (hb_sim_panel_parent_class)->dispose (object);
}

static void
hb_sim_panel_class_init (HbSimPanelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hb_sim_panel_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "simpanel");
}

static void
hb_sim_panel_init (HbSimPanel *self)
{
}

GtkWidget *
hb_sim_panel_new (HbCore *core)
{
  HbSimPanel *self = g_object_new (HB_TYPE_SIM_PANEL, NULL);

  self->core = g_object_ref (core);
  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  build_controls (self);
  return GTK_WIDGET (self);
}
