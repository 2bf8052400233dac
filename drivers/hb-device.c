/* hb-device.c — abstract base of every device: identity, status, one action at a time. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/hb-device-private.h"

G_DEFINE_ENUM_TYPE (HbDeviceKind, hb_device_kind,
  G_DEFINE_ENUM_VALUE (HB_DEVICE_KIND_IDCARD, "idcard"),
  G_DEFINE_ENUM_VALUE (HB_DEVICE_KIND_SCANNER, "scanner"),
  G_DEFINE_ENUM_VALUE (HB_DEVICE_KIND_PRINTER, "printer"),
  G_DEFINE_ENUM_VALUE (HB_DEVICE_KIND_RECEIPT_PRINTER, "receipt-printer"))

G_DEFINE_ENUM_TYPE (HbDeviceStatus, hb_device_status,
  G_DEFINE_ENUM_VALUE (HB_DEVICE_STATUS_STARTING, "starting"),
  G_DEFINE_ENUM_VALUE (HB_DEVICE_STATUS_ONLINE, "online"),
  G_DEFINE_ENUM_VALUE (HB_DEVICE_STATUS_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (HB_DEVICE_STATUS_NO_DEVICE, "no-device"),
  G_DEFINE_ENUM_VALUE (HB_DEVICE_STATUS_HARDWARE_ERROR, "hardware-error"),
  G_DEFINE_ENUM_VALUE (HB_DEVICE_STATUS_USER_ERROR, "user-error"),
  G_DEFINE_ENUM_VALUE (HB_DEVICE_STATUS_BUSY, "busy"))

G_DEFINE_QUARK (hb-device-error-quark, hb_device_error)

const char *
hb_device_kind_to_string (HbDeviceKind kind)
{
  switch (kind)
    {
    case HB_DEVICE_KIND_IDCARD:  return "idcard";
    case HB_DEVICE_KIND_SCANNER: return "scanner";
    case HB_DEVICE_KIND_PRINTER: return "printer";
    case HB_DEVICE_KIND_RECEIPT_PRINTER: return "receipt-printer";
    default:                     return "unknown";
    }
}

gboolean
hb_device_kind_from_string (const char *name, HbDeviceKind *out_kind)
{
  static const HbDeviceKind kinds[] = {
    HB_DEVICE_KIND_IDCARD, HB_DEVICE_KIND_SCANNER, HB_DEVICE_KIND_PRINTER,
    HB_DEVICE_KIND_RECEIPT_PRINTER,
  };

  if (name == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (name, hb_device_kind_to_string (kinds[i])))
      {
        if (out_kind)
          *out_kind = kinds[i];
        return TRUE;
      }
  return FALSE;
}

const char *
hb_device_status_to_string (HbDeviceStatus status)
{
  switch (status)
    {
    case HB_DEVICE_STATUS_STARTING:       return "starting";
    case HB_DEVICE_STATUS_ONLINE:         return "online";
    case HB_DEVICE_STATUS_OFFLINE:        return "offline";
    case HB_DEVICE_STATUS_NO_DEVICE:      return "no-device";
    case HB_DEVICE_STATUS_HARDWARE_ERROR: return "hardware-error";
    case HB_DEVICE_STATUS_USER_ERROR:     return "user-error";
    case HB_DEVICE_STATUS_BUSY:           return "busy";
    default:                              return "unknown";
    }
}

typedef struct
{
  char           *name;
  HbDeviceStatus  status;
  char           *detail;
  gboolean        is_open;

  /* While open runs the status reads STARTING; what the driver sets meanwhile (STARTING
   * too: "still waiting for the device") is kept here and applied once the device is
   * open, so "online" never precedes is_open. */
  gboolean        opening;
  gboolean        has_pending;
  HbDeviceStatus  pending_status;
  char           *pending_detail;

  /* The running action: the caller's task, the action's own cancellable, and the
   * forwarding from the caller's cancellable to it. */
  GTask          *action_task;
  GCancellable   *action_cancellable;
  GCancellable   *caller_cancellable;
  gulong          caller_cancel_id;
} HbDevicePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HbDevice, hb_device, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_DRIVER,
  PROP_NAME,
  PROP_STATUS,
  PROP_DETAIL,
  PROP_IS_OPEN,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_STATUS_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
hb_device_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  HbDevice *self = HB_DEVICE (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, hb_device_get_kind (self));
      break;
    case PROP_DRIVER:
      g_value_set_string (value, hb_device_get_driver_id (self));
      break;
    case PROP_NAME:
      g_value_set_string (value, hb_device_get_name (self));
      break;
    case PROP_STATUS:
      g_value_set_enum (value, hb_device_get_status (self));
      break;
    case PROP_DETAIL:
      g_value_set_string (value, hb_device_get_status_detail (self));
      break;
    case PROP_IS_OPEN:
      g_value_set_boolean (value, hb_device_is_open (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hb_device_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  HbDevice *self = HB_DEVICE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      hb_device_set_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hb_device_dispose (GObject *object)
{
  HbDevicePrivate *priv = hb_device_get_instance_private (HB_DEVICE (object));

  /* An action normally holds a reference through its task; this is for run_dispose. */
  if (priv->action_cancellable)
    g_cancellable_cancel (priv->action_cancellable);

  G_OBJECT_CLASS (hb_device_parent_class)->dispose (object);
}

static void
hb_device_finalize (GObject *object)
{
  HbDevice *self = HB_DEVICE (object);
  HbDevicePrivate *priv = hb_device_get_instance_private (self);

  if (priv->action_task)
    hb_device_action_end (self);
  g_free (priv->name);
  g_free (priv->detail);
  g_free (priv->pending_detail);

  G_OBJECT_CLASS (hb_device_parent_class)->finalize (object);
}

static void
hb_device_class_init (HbDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = hb_device_get_property;
  object_class->set_property = hb_device_set_property;
  object_class->dispose = hb_device_dispose;
  object_class->finalize = hb_device_finalize;

  props[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, HB_TYPE_DEVICE_KIND, HB_DEVICE_KIND_IDCARD,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_DRIVER] =
    g_param_spec_string ("driver", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);
  props[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, HB_TYPE_DEVICE_STATUS, HB_DEVICE_STATUS_OFFLINE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_DETAIL] =
    g_param_spec_string ("detail", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_IS_OPEN] =
    g_param_spec_boolean ("is-open", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /* Emitted after the status or its detail changed; read them with the getters. */
  signals[SIGNAL_STATUS_CHANGED] =
    g_signal_new ("status-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hb_device_init (HbDevice *self)
{
  HbDevicePrivate *priv = hb_device_get_instance_private (self);

  priv->status = HB_DEVICE_STATUS_OFFLINE;
  priv->detail = g_strdup ("closed");
}

/* --- getters ------------------------------------------------------------------------ */

HbDeviceKind
hb_device_get_kind (HbDevice *self)
{
  g_return_val_if_fail (HB_IS_DEVICE (self), HB_DEVICE_KIND_IDCARD);
  return HB_DEVICE_GET_CLASS (self)->kind;
}

const char *
hb_device_get_driver_id (HbDevice *self)
{
  g_return_val_if_fail (HB_IS_DEVICE (self), NULL);
  return HB_DEVICE_GET_CLASS (self)->driver_id;
}

const char *
hb_device_get_name (HbDevice *self)
{
  HbDevicePrivate *priv;

  g_return_val_if_fail (HB_IS_DEVICE (self), NULL);
  priv = hb_device_get_instance_private (self);
  if (priv->name)
    return priv->name;
  /* Unnamed instances fall back to the driver's human name. */
  return HB_DEVICE_GET_CLASS (self)->full_name;
}

HbDeviceStatus
hb_device_get_status (HbDevice *self)
{
  HbDevicePrivate *priv;

  g_return_val_if_fail (HB_IS_DEVICE (self), HB_DEVICE_STATUS_NO_DEVICE);
  priv = hb_device_get_instance_private (self);
  return priv->status;
}

const char *
hb_device_get_status_detail (HbDevice *self)
{
  HbDevicePrivate *priv;

  g_return_val_if_fail (HB_IS_DEVICE (self), NULL);
  priv = hb_device_get_instance_private (self);
  return priv->detail;
}

gboolean
hb_device_is_open (HbDevice *self)
{
  HbDevicePrivate *priv;

  g_return_val_if_fail (HB_IS_DEVICE (self), FALSE);
  priv = hb_device_get_instance_private (self);
  return priv->is_open;
}

/* --- for drivers -------------------------------------------------------------------- */

void
hb_device_set_status (HbDevice *self, HbDeviceStatus status, const char *detail)
{
  HbDevicePrivate *priv;
  gboolean status_changed, detail_changed;

  g_return_if_fail (HB_IS_DEVICE (self));
  priv = hb_device_get_instance_private (self);

  /* "online" carries no reason; keep the getter's promise of NULL when online. */
  if (status == HB_DEVICE_STATUS_ONLINE)
    detail = NULL;
  if (detail != NULL && *detail == '\0')
    detail = NULL;

  if (priv->opening)
    {
      priv->has_pending = TRUE;
      priv->pending_status = status;
      g_free (priv->pending_detail);
      priv->pending_detail = g_strdup (detail);
      return;
    }

  status_changed = priv->status != status;
  detail_changed = g_strcmp0 (priv->detail, detail) != 0;
  if (!status_changed && !detail_changed)
    return;

  priv->status = status;
  if (detail_changed)
    {
      g_free (priv->detail);
      priv->detail = g_strdup (detail);
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (status_changed)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATUS]);
  if (detail_changed)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DETAIL]);
  g_object_thaw_notify (G_OBJECT (self));

  g_signal_emit (self, signals[SIGNAL_STATUS_CHANGED], 0);
}

void
hb_device_set_name (HbDevice *self, const char *name)
{
  HbDevicePrivate *priv;

  g_return_if_fail (HB_IS_DEVICE (self));
  priv = hb_device_get_instance_private (self);
  if (g_strcmp0 (priv->name, name) == 0)
    return;
  g_free (priv->name);
  priv->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_NAME]);
}

static void
forward_cancel (GCancellable *caller, gpointer user_data)
{
  /* May run in the canceller's thread: touch only our own reference. */
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
unref_closure_data (gpointer data, GClosure *closure)
{
  g_object_unref (data);
}

static gboolean
action_begin (HbDevice *self, GTask *task, gboolean need_open)
{
  HbDevicePrivate *priv = hb_device_get_instance_private (self);
  const char *kind = hb_device_kind_to_string (hb_device_get_kind (self));
  GCancellable *caller;

  if (priv->action_task != NULL)
    {
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_BUSY,
                               "The %s is busy with another action", kind);
      return FALSE;
    }
  if (need_open && priv->status == HB_DEVICE_STATUS_NO_DEVICE)
    {
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE,
                               "The %s is not connected", kind);
      return FALSE;
    }
  if (need_open && !priv->is_open)
    {
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_OPEN,
                               "The %s is not open", kind);
      return FALSE;
    }

  priv->action_task = g_object_ref (task);
  priv->action_cancellable = g_cancellable_new ();

  caller = g_task_get_cancellable (task);
  if (caller != NULL)
    {
      priv->caller_cancellable = g_object_ref (caller);
      /* A plain signal (not g_cancellable_connect) so that ending the action from a
       * "cancelled" handler cannot deadlock in g_cancellable_disconnect. */
      priv->caller_cancel_id =
        g_signal_connect_data (caller, "cancelled", G_CALLBACK (forward_cancel),
                               g_object_ref (priv->action_cancellable),
                               unref_closure_data, 0);
      if (g_cancellable_is_cancelled (caller))
        g_cancellable_cancel (priv->action_cancellable);
    }
  return TRUE;
}

gboolean
hb_device_action_begin (HbDevice *self, GTask *task)
{
  g_return_val_if_fail (HB_IS_DEVICE (self), FALSE);
  g_return_val_if_fail (G_IS_TASK (task), FALSE);

  return action_begin (self, task, TRUE);
}

GCancellable *
hb_device_action_get_cancellable (HbDevice *self)
{
  HbDevicePrivate *priv;

  g_return_val_if_fail (HB_IS_DEVICE (self), NULL);
  priv = hb_device_get_instance_private (self);
  return priv->action_cancellable;
}

void
hb_device_action_end (HbDevice *self)
{
  HbDevicePrivate *priv;

  g_return_if_fail (HB_IS_DEVICE (self));
  priv = hb_device_get_instance_private (self);
  g_return_if_fail (priv->action_task != NULL);

  if (priv->caller_cancellable != NULL)
    {
      g_clear_signal_handler (&priv->caller_cancel_id, priv->caller_cancellable);
      g_clear_object (&priv->caller_cancellable);
    }
  g_clear_object (&priv->action_cancellable);
  g_clear_object (&priv->action_task);
}

/* --- open / close ------------------------------------------------------------------- */

static void
open_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HbDevice *self = HB_DEVICE (source);
  HbDevicePrivate *priv = hb_device_get_instance_private (self);
  GTask *task = G_TASK (user_data);
  GError *error = NULL;
  gboolean has_pending;
  HbDeviceStatus pending;
  g_autofree char *pending_detail = NULL;

  hb_device_action_end (self);
  priv->opening = FALSE;
  has_pending = priv->has_pending;
  pending = priv->pending_status;
  pending_detail = g_steal_pointer (&priv->pending_detail);
  priv->has_pending = FALSE;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      priv->is_open = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_IS_OPEN]);
      /* The driver may have chosen a more precise status (paper out…). */
      if (has_pending)
        hb_device_set_status (self, pending, pending_detail);
      else
        hb_device_set_status (self, HB_DEVICE_STATUS_ONLINE, NULL);
      g_task_return_boolean (task, TRUE);
    }
  else
    {
      if (has_pending && (pending == HB_DEVICE_STATUS_NO_DEVICE ||
                          pending == HB_DEVICE_STATUS_HARDWARE_ERROR ||
                          pending == HB_DEVICE_STATUS_USER_ERROR ||
                          pending == HB_DEVICE_STATUS_OFFLINE))
        hb_device_set_status (self, pending, pending_detail);
      else
        {
          if (g_error_matches (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE))
            hb_device_set_status (self, HB_DEVICE_STATUS_NO_DEVICE, "not found");
          else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            hb_device_set_status (self, HB_DEVICE_STATUS_OFFLINE, "closed");
          else
            hb_device_set_status (self, HB_DEVICE_STATUS_HARDWARE_ERROR, "open failed");
        }
      g_task_return_error (task, error);
    }
  g_object_unref (task);
}

/* Hand an open/close to the driver on a task of the action's own cancellable; done gets
 * the outer task (a ref) as its user data. A driver without the vfunc succeeds at once. */
static void
run_driver (HbDevice *self, void (*vfunc) (HbDevice *, GTask *), GTask *task,
            GAsyncReadyCallback done, gpointer source_tag)
{
  HbDevicePrivate *priv = hb_device_get_instance_private (self);
  GTask *inner = g_task_new (self, priv->action_cancellable, done, g_object_ref (task));

  g_task_set_source_tag (inner, source_tag);
  /* The driver's result is authoritative, even if a cancel raced with its completion. */
  g_task_set_check_cancellable (inner, FALSE);
  if (vfunc)
    vfunc (self, inner);
  else
    g_task_return_boolean (inner, TRUE);
  g_object_unref (inner);
}

void
hb_device_open_async (HbDevice *self, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  HbDevicePrivate *priv;
  HbDeviceClass *klass;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HB_IS_DEVICE (self));
  priv = hb_device_get_instance_private (self);
  klass = HB_DEVICE_GET_CLASS (self);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hb_device_open_async);

  if (priv->is_open)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (!action_begin (self, task, FALSE))
    return;

  hb_device_set_status (self, HB_DEVICE_STATUS_STARTING, NULL);
  priv->opening = TRUE;
  run_driver (self, klass->open, task, open_done, hb_device_open_async);
}

gboolean
hb_device_open_finish (HbDevice *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
close_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HbDevice *self = HB_DEVICE (source);
  HbDevicePrivate *priv = hb_device_get_instance_private (self);
  GTask *task = G_TASK (user_data);
  GError *error = NULL;
  gboolean ok;

  hb_device_action_end (self);
  ok = g_task_propagate_boolean (G_TASK (result), &error);

  /* Closed either way: a failed close leaves nothing we could still use. */
  priv->is_open = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_IS_OPEN]);
  if (priv->status != HB_DEVICE_STATUS_NO_DEVICE)
    hb_device_set_status (self, HB_DEVICE_STATUS_OFFLINE, "closed");

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

void
hb_device_close_async (HbDevice *self, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  HbDevicePrivate *priv;
  HbDeviceClass *klass;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HB_IS_DEVICE (self));
  priv = hb_device_get_instance_private (self);
  klass = HB_DEVICE_GET_CLASS (self);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hb_device_close_async);

  if (!priv->is_open)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (!action_begin (self, task, FALSE))
    return;

  run_driver (self, klass->close, task, close_done, hb_device_close_async);
}

gboolean
hb_device_close_finish (HbDevice *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hb_device_cancel (HbDevice *self)
{
  HbDevicePrivate *priv;
  g_autoptr(GCancellable) cancellable = NULL;
  HbDeviceClass *klass;

  g_return_if_fail (HB_IS_DEVICE (self));
  priv = hb_device_get_instance_private (self);
  if (priv->action_task == NULL)
    return;

  /* Hold the cancellable: the driver's cancel may end the action right away. */
  cancellable = g_object_ref (priv->action_cancellable);
  klass = HB_DEVICE_GET_CLASS (self);
  if (klass->cancel)
    klass->cancel (self);
  g_cancellable_cancel (cancellable);
}

void
hb_device_describe (HbDevice *self, JsonBuilder *builder)
{
  HbDeviceClass *klass;
  const char *detail;

  g_return_if_fail (HB_IS_DEVICE (self));
  g_return_if_fail (JSON_IS_BUILDER (builder));
  klass = HB_DEVICE_GET_CLASS (self);

  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, hb_device_kind_to_string (hb_device_get_kind (self)));
  json_builder_set_member_name (builder, "driver");
  if (klass->driver_id)
    json_builder_add_string_value (builder, klass->driver_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "name");
  if (hb_device_get_name (self))
    json_builder_add_string_value (builder, hb_device_get_name (self));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, hb_device_status_to_string (hb_device_get_status (self)));
  json_builder_set_member_name (builder, "detail");
  detail = hb_device_get_status_detail (self);
  if (detail)
    json_builder_add_string_value (builder, detail);
  else
    json_builder_add_null_value (builder);

  if (klass->describe)
    klass->describe (self, builder);
}
