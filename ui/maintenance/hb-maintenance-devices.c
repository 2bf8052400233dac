/* hb-maintenance-devices.c — the technician's device configuration editor (see the header). */
#include "ui/maintenance/hb-maintenance-devices.h"
#include "ui/hb-ui-util.h"
#include "kiosk/hb-config.h"

#include <cups/cups.h>
#include <glib/gi18n.h>
#include <string.h>

#define CUPS_TIMEOUT_MS 5000

typedef enum { LIST_FIXED, LIST_SERIAL, LIST_VIDEO, LIST_QUEUES } ListKind;

typedef struct {
  const char *key;          /* [devices] key */
  const char *title;        /* translated at use */
  ListKind    list;
  const char *none;         /* the label of "unset" (NULL: a value is required) */
  const char *fixed[4];     /* LIST_FIXED: value, label, value, label */
} Setting;

static const Setting settings[] = {
  { "mode",           N_("设备模式"),         LIST_FIXED,  NULL,
    { "virtual", N_("虚拟"), "real", N_("真实") } },
  { "receipt_paper",  N_("小票"),             LIST_FIXED,  NULL,
    { "a4", N_("A4"), "roll", N_("热敏卷") } },
  { "idcard_serial",  N_("身份证阅读器串口"), LIST_SERIAL, N_("不使用"), { NULL } },
  { "scanner_serial", N_("扫码器串口"),       LIST_SERIAL, N_("不使用"), { NULL } },
  { "camera",         N_("摄像头"),           LIST_VIDEO,  N_("不使用"), { NULL } },
  { "cups_queue",     N_("A4 打印队列"),      LIST_QUEUES, N_("默认打印机"), { NULL } },
};
#define N_SETTINGS G_N_ELEMENTS (settings)

/* What the worker found: the values of the file in use and what is plugged in. */
typedef struct {
  char      *source;              /* the config file in use, or NULL */
  char      *cups_server;
  char      *values[N_SETTINGS];  /* current values (the file's when it loads) */
  GPtrArray *serial, *video, *queues;
  char      *cups_problem;        /* why no queues were listed, or NULL */
} Probe;

static void
probe_free (gpointer data)
{
  Probe *p = data;
  g_free (p->source);
  g_free (p->cups_server);
  for (guint i = 0; i < N_SETTINGS; i++)
    g_free (p->values[i]);
  g_clear_pointer (&p->serial, g_ptr_array_unref);
  g_clear_pointer (&p->video, g_ptr_array_unref);
  g_clear_pointer (&p->queues, g_ptr_array_unref);
  g_free (p->cups_problem);
  g_free (p);
}

struct _HbMaintenanceDevices
{
  GtkWidget     parent_instance;
  GtkWidget    *box;
  GtkBox       *rows;
  GtkLabel     *message;
  GtkWidget    *save;
  GtkWidget    *restart;
  HbCore       *core;
  GCancellable *cancellable;
  char         *initial[N_SETTINGS];  /* the values when the editor opened / last saved */
  GtkWidget    *choices[N_SETTINGS];  /* any button of the setting's group (NULL: not built) */
};

G_DEFINE_FINAL_TYPE (HbMaintenanceDevices, hb_maintenance_devices, GTK_TYPE_WIDGET)

enum { SIGNAL_BACK, N_SIGNALS };
static guint signals[N_SIGNALS];

/* --- the worker: files under /dev and the CUPS queues --------------------------------- */

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static void
add_matching (GPtrArray *out, const char *dir, const char *prefix)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    if (prefix == NULL || g_str_has_prefix (name, prefix))
      g_ptr_array_add (found, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (found, compare_paths);
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (out, g_strdup (found->pdata[i]));
}

static GPtrArray *
serial_ports (void)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  /* Stable names first: /dev/ttyUSB0 may be another bridge after a replug. */
  add_matching (out, "/dev/serial/by-id", NULL);
  add_matching (out, "/dev", "ttyUSB");
  add_matching (out, "/dev", "ttyACM");
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *path = g_strdup_printf ("/dev/ttyS%d", i);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        g_ptr_array_add (out, g_steal_pointer (&path));
    }
  return out;
}

static GPtrArray *
cups_queues (const char *server, char **problem)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  cups_dest_t *dests = NULL;
  http_t *http;
  int n;

  /* Per thread in libcups: only this worker's server changes. */
  cupsSetServer (server);
  http = httpConnect2 (cupsServer (), ippPort (), NULL, AF_UNSPEC, cupsEncryption (), 1,
                       CUPS_TIMEOUT_MS, NULL);
  if (http == NULL)
    *problem = g_strdup_printf (_("CUPS 无应答（%s）"), cupsServer ());
  else
    {
      httpSetTimeout (http, CUPS_TIMEOUT_MS / 1000.0, NULL, NULL);
      n = cupsGetDests2 (http, &dests);
      for (int i = 0; i < n; i++)
        if (dests[i].instance == NULL)
          g_ptr_array_add (out, g_strdup (dests[i].name));
      cupsFreeDests (n, dests);
      httpClose (http);
    }
  cupsSetServer (NULL);
  return out;
}

static void
probe_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Probe *p = data;

  if (p->source)
    {
      g_autoptr(HbConfig) file = hb_config_load (p->source, NULL);
      /* The file may already hold a saved, not yet active choice: show that. */
      for (guint i = 0; file && i < N_SETTINGS; i++)
        {
          g_free (p->values[i]);
          p->values[i] = g_strdup (hb_config_get_string (file, "devices", settings[i].key));
        }
    }
  p->serial = serial_ports ();
  p->video = g_ptr_array_new_with_free_func (g_free);
  add_matching (p->video, "/dev", "video");
  p->queues = cups_queues (p->cups_server, &p->cups_problem);
  g_task_return_boolean (task, TRUE);
}

/* --- the rows --------------------------------------------------------------------------- */

static const char *
chosen (HbMaintenanceDevices *self, guint i)
{
  GtkWidget *child;
  /* The group's buttons are the siblings in the setting's flow box. */
  for (child = gtk_widget_get_first_child (gtk_widget_get_parent (gtk_widget_get_parent (self->choices[i])));
       child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *b = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (b)))
        return g_object_get_data (G_OBJECT (b), "value");
    }
  return self->initial[i];
}

static void
on_choice_toggled (GtkToggleButton *button, HbMaintenanceDevices *self)
{
  if (gtk_toggle_button_get_active (button))
    gtk_widget_set_visible (self->restart, FALSE);
}

static void
add_choice (HbMaintenanceDevices *self, guint i, GtkFlowBox *flow, const char *value,
            const char *label)
{
  g_autofree char *name = g_strdup_printf ("%s %s", _(settings[i].title), label);
  GtkWidget *b = gtk_toggle_button_new_with_label (label);

  gtk_widget_add_css_class (b, "option");
  hb_ui_set_accessible_label (b, name);
  g_object_set_data_full (G_OBJECT (b), "value", g_strdup (value), g_free);
  if (self->choices[i])
    gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (b), GTK_TOGGLE_BUTTON (self->choices[i]));
  else
    self->choices[i] = b;
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (b), g_strcmp0 (value, self->initial[i]) == 0);
  g_signal_connect (b, "toggled", G_CALLBACK (on_choice_toggled), self);
  gtk_flow_box_append (flow, b);
}

static void
add_row (HbMaintenanceDevices *self, guint i, GPtrArray *found)
{
  const Setting *s = &settings[i];
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *flow = gtk_flow_box_new ();
  gboolean current_seen = self->initial[i] == NULL;

  gtk_widget_add_css_class (row, "summary-row");
  gtk_box_append (GTK_BOX (row), hb_ui_label (_(s->title), "field-label"));
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 4);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), FALSE);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 12);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 12);
  gtk_box_append (GTK_BOX (row), flow);
  if (s->list == LIST_FIXED)
    {
      for (guint k = 0; k < G_N_ELEMENTS (s->fixed) && s->fixed[k]; k += 2)
        add_choice (self, i, GTK_FLOW_BOX (flow), s->fixed[k], _(s->fixed[k + 1]));
      current_seen = TRUE;
    }
  else
    {
      add_choice (self, i, GTK_FLOW_BOX (flow), NULL, _(s->none));
      for (guint k = 0; found && k < found->len; k++)
        {
          const char *v = found->pdata[k];
          g_autofree char *label = s->list == LIST_QUEUES ? g_strdup (v) : g_path_get_basename (v);
          add_choice (self, i, GTK_FLOW_BOX (flow), v, label);
          current_seen = current_seen || g_strcmp0 (v, self->initial[i]) == 0;
        }
    }
  /* A device unplugged right now is still the configured one: keep it choosable. */
  if (!current_seen)
    {
      g_autofree char *base = s->list == LIST_QUEUES ? g_strdup (self->initial[i])
                                                      : g_path_get_basename (self->initial[i]);
      g_autofree char *label = g_strdup_printf (_("%s（未检测到）"), base);
      add_choice (self, i, GTK_FLOW_BOX (flow), self->initial[i], label);
    }
  gtk_box_append (self->rows, row);
}

static void
say (HbMaintenanceDevices *self, const char *text, gboolean error)
{
  gtk_label_set_text (self->message, text);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message), "error-text");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message), "error-text");
  gtk_widget_set_visible (GTK_WIDGET (self->message), TRUE);
}

static void
probed (GObject *source, GAsyncResult *result, gpointer data)
{
  HbMaintenanceDevices *self;
  Probe *p;

  if (!g_task_propagate_boolean (G_TASK (result), NULL) ||
      g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;   /* the editor is gone */
  self = HB_MAINTENANCE_DEVICES (data);
  p = g_task_get_task_data (G_TASK (result));
  for (guint i = 0; i < N_SETTINGS; i++)
    {
      GPtrArray *found = settings[i].list == LIST_SERIAL ? p->serial
                       : settings[i].list == LIST_VIDEO  ? p->video
                       : settings[i].list == LIST_QUEUES ? p->queues : NULL;
      g_free (self->initial[i]);
      self->initial[i] = g_strdup (p->values[i]);
      add_row (self, i, found);
    }
  gtk_widget_set_sensitive (self->save, TRUE);
  if (p->source == NULL)
    say (self, _("本机没有使用配置文件，不能保存：请用 --config 指定 /etc/haoban/kiosk.conf"), TRUE);
  else if (p->cups_problem)
    {
      g_autofree char *text = g_strdup_printf (_("选好后点 保存。打印队列未能列出：%s"),
                                               p->cups_problem);
      say (self, text, FALSE);
    }
  else
    say (self, _("选好后点 保存。"), FALSE);
}

/* --- saving ----------------------------------------------------------------------------- */

static void
saved (GObject *source, GAsyncResult *result, gpointer data)
{
  HbMaintenance *m = HB_MAINTENANCE (source);
  g_autoptr(HbMaintenanceDevices) self = data;   /* the ref on_save took */
  g_autoptr(GError) error = NULL;
  gboolean ok = hb_maintenance_configure_devices_finish (m, result, &error);

  gtk_widget_set_sensitive (self->save, TRUE);
  if (!ok)
    {
      g_autofree char *text = g_strdup_printf (_("保存失败：%s"), error->message);
      say (self, text, TRUE);
      return;
    }
  for (guint i = 0; i < N_SETTINGS; i++)
    if (self->choices[i])
      {
        char *now = g_strdup (chosen (self, i));
        g_free (self->initial[i]);
        self->initial[i] = now;
      }
  say (self, _("已保存，点 重启程序 后生效"), FALSE);
  gtk_widget_set_visible (self->restart, TRUE);
}

static void
on_save (HbMaintenanceDevices *self)
{
  g_autoptr(GPtrArray) kv = g_ptr_array_new ();

  for (guint i = 0; i < N_SETTINGS; i++)
    {
      const char *value;
      if (self->choices[i] == NULL)
        continue;
      value = chosen (self, i);
      if (g_strcmp0 (value, self->initial[i]) == 0)
        continue;
      g_ptr_array_add (kv, (gpointer) "devices");
      g_ptr_array_add (kv, (gpointer) settings[i].key);
      g_ptr_array_add (kv, (gpointer) value);
    }
  if (kv->len == 0)
    {
      say (self, _("没有改动"), FALSE);
      return;
    }
  g_ptr_array_add (kv, NULL);
  gtk_widget_set_sensitive (self->save, FALSE);
  say (self, _("正在保存…"), FALSE);
  /* The controller copies the list. Not cancellable: a write under way is finished and
   * audited even when the editor closes meanwhile (self is kept until then). */
  hb_maintenance_configure_devices_async (hb_core_get_maintenance (self->core),
                                          (const char *const *) kv->pdata, NULL,
                                          saved, g_object_ref (self));
}

static void
on_restart (HbMaintenanceDevices *self)
{
  g_autoptr(GError) error = NULL;
  if (!hb_maintenance_request_exit (hb_core_get_maintenance (self->core),
                                    HB_MAINTENANCE_EXIT_RESTART, &error))
    say (self, error->message, TRUE);
}

static void
on_back (HbMaintenanceDevices *self)
{
  g_signal_emit (self, signals[SIGNAL_BACK], 0);
}

/* --- object ----------------------------------------------------------------------------- */

static void
hb_maintenance_devices_dispose (GObject *object)
{
  HbMaintenanceDevices *self = HB_MAINTENANCE_DEVICES (object);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->core);
  G_OBJECT_CLASS (hb_maintenance_devices_parent_class)->dispose (object);
}

static void
hb_maintenance_devices_finalize (GObject *object)
{
  HbMaintenanceDevices *self = HB_MAINTENANCE_DEVICES (object);
  for (guint i = 0; i < N_SETTINGS; i++)
    g_free (self->initial[i]);
  G_OBJECT_CLASS (hb_maintenance_devices_parent_class)->finalize (object);
}

static void
hb_maintenance_devices_class_init (HbMaintenanceDevicesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hb_maintenance_devices_dispose;
  G_OBJECT_CLASS (klass)->finalize = hb_maintenance_devices_finalize;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  signals[SIGNAL_BACK] = g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hb_maintenance_devices_init (HbMaintenanceDevices *self)
{
  GtkWidget *top, *back, *scroll, *bottom;

  self->cancellable = g_cancellable_new ();
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 16);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);
  gtk_box_append (GTK_BOX (top), hb_ui_label (_("设备配置"), "page-title"));
  gtk_widget_set_hexpand (gtk_widget_get_first_child (top), TRUE);
  back = hb_ui_button (_("返回"), "secondary maintenance-row-button");
  hb_ui_set_accessible_label (back, _("返回仪表盘"));
  g_signal_connect_swapped (back, "clicked", G_CALLBACK (on_back), self);
  gtk_box_append (GTK_BOX (top), back);
  gtk_box_append (GTK_BOX (self->box), top);

  scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scroll, TRUE);
  self->rows = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 0));
  gtk_widget_add_css_class (GTK_WIDGET (self->rows), "summary-list");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), GTK_WIDGET (self->rows));
  gtk_box_append (GTK_BOX (self->box), scroll);

  bottom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);
  self->message = GTK_LABEL (hb_ui_label (_("正在检测设备…"), "lead"));
  hb_ui_set_accessible_label (GTK_WIDGET (self->message), _("设备配置结果"));
  gtk_widget_set_hexpand (GTK_WIDGET (self->message), TRUE);
  gtk_box_append (GTK_BOX (bottom), GTK_WIDGET (self->message));
  self->restart = hb_ui_button (_("重启程序"), "secondary maintenance-action");
  hb_ui_set_accessible_label (self->restart, _("重启程序 使配置生效"));
  gtk_widget_set_visible (self->restart, FALSE);
  g_signal_connect_swapped (self->restart, "clicked", G_CALLBACK (on_restart), self);
  gtk_box_append (GTK_BOX (bottom), self->restart);
  self->save = hb_ui_button (_("保存"), "primary maintenance-action");
  hb_ui_set_accessible_label (self->save, _("保存设备配置"));
  gtk_widget_set_sensitive (self->save, FALSE);
  g_signal_connect_swapped (self->save, "clicked", G_CALLBACK (on_save), self);
  gtk_box_append (GTK_BOX (bottom), self->save);
  gtk_box_append (GTK_BOX (self->box), bottom);
}

GtkWidget *
hb_maintenance_devices_new (HbCore *core)
{
  HbMaintenanceDevices *self = g_object_new (HB_TYPE_MAINTENANCE_DEVICES, NULL);
  HbConfig *config = hb_core_get_config (core);
  g_autoptr(GTask) task = NULL;
  Probe *p = g_new0 (Probe, 1);

  self->core = g_object_ref (core);
  p->source = g_strdup (hb_config_get_source (config));
  p->cups_server = g_strdup (hb_config_get_string (config, "devices", "cups_server"));
  for (guint i = 0; i < N_SETTINGS; i++)
    p->values[i] = g_strdup (hb_config_get_string (config, "devices", settings[i].key));
  /* The task holds self until the answer; dispose cancels it, so a closed editor is
   * never filled. */
  task = g_task_new (NULL, self->cancellable, probed, self);
  g_task_set_task_data (task, p, probe_free);
  g_task_run_in_thread (task, probe_thread);
  return GTK_WIDGET (self);
}
