/* hb-printer.c — the printer kind: paper state, job events, print as a device action. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/printer/hb-printer.h"
#include "drivers/hb-device-private.h"

#include <string.h>

G_DEFINE_ENUM_TYPE (HbPaperStatus, hb_paper_status,
  G_DEFINE_ENUM_VALUE (HB_PAPER_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (HB_PAPER_FULL, "full"),
  G_DEFINE_ENUM_VALUE (HB_PAPER_LOW, "low"),
  G_DEFINE_ENUM_VALUE (HB_PAPER_OUT, "out"))

G_DEFINE_ENUM_TYPE (HbPrintJobState, hb_print_job_state,
  G_DEFINE_ENUM_VALUE (HB_PRINT_JOB_QUEUED, "queued"),
  G_DEFINE_ENUM_VALUE (HB_PRINT_JOB_PRINTING, "printing"),
  G_DEFINE_ENUM_VALUE (HB_PRINT_JOB_COMPLETED, "completed"),
  G_DEFINE_ENUM_VALUE (HB_PRINT_JOB_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (HB_PRINT_JOB_CANCELLED, "cancelled"))

const char *
hb_paper_status_to_string (HbPaperStatus status)
{
  switch (status)
    {
    case HB_PAPER_FULL: return "full";
    case HB_PAPER_LOW:  return "low";
    case HB_PAPER_OUT:  return "out";
    case HB_PAPER_UNKNOWN:
    default:            return "unknown";
    }
}

const char *
hb_print_job_state_to_string (HbPrintJobState state)
{
  switch (state)
    {
    case HB_PRINT_JOB_QUEUED:    return "queued";
    case HB_PRINT_JOB_PRINTING:  return "printing";
    case HB_PRINT_JOB_COMPLETED: return "completed";
    case HB_PRINT_JOB_FAILED:    return "failed";
    case HB_PRINT_JOB_CANCELLED: return "cancelled";
    default:                     return "unknown";
    }
}

typedef struct
{
  HbPaperStatus paper;
  guint         last_job_id;
} HbPrinterPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HbPrinter, hb_printer, HB_TYPE_DEVICE)

enum {
  PROP_0,
  PROP_PAPER,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_JOB_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
hb_printer_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_PAPER:
      g_value_set_enum (value, hb_printer_get_paper (HB_PRINTER (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hb_printer_describe (HbDevice *device, JsonBuilder *builder)
{
  json_builder_set_member_name (builder, "paper");
  json_builder_add_string_value (builder,
                                 hb_paper_status_to_string (hb_printer_get_paper (HB_PRINTER (device))));
}

static void
hb_printer_class_init (HbPrinterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HbDeviceClass *device_class = HB_DEVICE_CLASS (klass);

  object_class->get_property = hb_printer_get_property;
  device_class->kind = HB_DEVICE_KIND_PRINTER;
  device_class->describe = hb_printer_describe;

  props[PROP_PAPER] =
    g_param_spec_enum ("paper", NULL, NULL, HB_TYPE_PAPER_STATUS, HB_PAPER_UNKNOWN,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_JOB_CHANGED] =
    g_signal_new ("job-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_UINT, HB_TYPE_PRINT_JOB_STATE, G_TYPE_STRING);
}

static void
hb_printer_init (HbPrinter *self)
{
}

HbPaperStatus
hb_printer_get_paper (HbPrinter *self)
{
  HbPrinterPrivate *priv;

  g_return_val_if_fail (HB_IS_PRINTER (self), HB_PAPER_UNKNOWN);
  priv = hb_printer_get_instance_private (self);
  return priv->paper;
}

void
hb_printer_set_paper (HbPrinter *self, HbPaperStatus paper)
{
  HbPrinterPrivate *priv;

  g_return_if_fail (HB_IS_PRINTER (self));
  priv = hb_printer_get_instance_private (self);
  if (priv->paper == paper)
    return;
  priv->paper = paper;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PAPER]);
}

guint
hb_printer_next_job_id (HbPrinter *self)
{
  HbPrinterPrivate *priv;

  g_return_val_if_fail (HB_IS_PRINTER (self), 0);
  priv = hb_printer_get_instance_private (self);
  /* Ids are > 0 and unique for the lifetime of the printer object. */
  if (++priv->last_job_id == 0)
    priv->last_job_id = 1;
  return priv->last_job_id;
}

void
hb_printer_emit_job (HbPrinter *self, guint job_id, HbPrintJobState state, const char *reason)
{
  g_return_if_fail (HB_IS_PRINTER (self));
  g_signal_emit (self, signals[SIGNAL_JOB_CHANGED], 0, job_id, state, reason);
}

static void
print_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HbDevice *device = HB_DEVICE (source);
  GTask *task = G_TASK (user_data);
  GError *error = NULL;
  gssize job_id;

  hb_device_action_end (device);
  job_id = g_task_propagate_int (G_TASK (result), &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else if (job_id <= 0 || job_id > G_MAXUINT)
    g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL,
                             "The printer driver returned no job id");
  else
    g_task_return_int (task, job_id);
  g_object_unref (task);
}

void
hb_printer_print_async (HbPrinter *self, GBytes *pdf, const char *title,
                        GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  HbPrinterClass *klass;
  GTask *inner;
  gsize size;
  const char *data;

  g_return_if_fail (HB_IS_PRINTER (self));
  g_return_if_fail (pdf != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hb_printer_print_async);
  klass = HB_PRINTER_GET_CLASS (self);

  /* Every printer takes PDF: refuse anything else before it occupies the device. */
  data = g_bytes_get_data (pdf, &size);
  if (size > HB_PRINTER_JOB_MAX)
    {
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL,
                               "The document is larger than %d bytes", HB_PRINTER_JOB_MAX);
      return;
    }
  if (size < 5 || memcmp (data, "%PDF-", 5) != 0)
    {
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL,
                               "The document is not a PDF");
      return;
    }
  if (klass->print == NULL)
    {
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_SUPPORTED,
                               "The printer driver cannot print");
      return;
    }
  if (!hb_device_action_begin (HB_DEVICE (self), task))
    return;

  inner = g_task_new (self, hb_device_action_get_cancellable (HB_DEVICE (self)),
                      print_done, g_object_ref (task));
  g_task_set_source_tag (inner, hb_printer_print_async);
  /* A job the driver reports as printed was printed, even if a cancel came late. */
  g_task_set_check_cancellable (inner, FALSE);
  klass->print (self, pdf, title, inner);
  g_object_unref (inner);
}

guint
hb_printer_print_finish (HbPrinter *self, GAsyncResult *result, GError **error)
{
  gssize id;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  id = g_task_propagate_int (G_TASK (result), error);
  return id > 0 ? (guint) id : 0;
}
