/* test-device.c — HbDevice: status model, open/close, one action at a time, cancel. */
#include "drivers/hb-device-private.h"
#include "tests/common/hb-test-util.h"

/* --- a minimal driver ------------------------------------------------------------------ */

#define TEST_TYPE_DEVICE (test_device_get_type ())
G_DECLARE_FINAL_TYPE (TestDevice, test_device, TEST, DEVICE, HbDevice)

struct _TestDevice
{
  HbDevice  parent_instance;
  gboolean  fail_open;
  gboolean  open_paper_out;  /* the driver sets a precise status while opening */
  gboolean  hold_open;     /* keep the open task pending until released */
  GTask    *open_task;
  guint     cancel_calls;
  GTask    *action;        /* the running "act" action */
};

G_DEFINE_FINAL_TYPE (TestDevice, test_device, HB_TYPE_DEVICE)

static const HbDeviceIdEntry test_id_table[] = {
  { .vid = 0x1234, .pid = 0x5678 },
  { .vid = 0, .virtual_id = NULL },
};

static void
test_device_open (HbDevice *device, GTask *task)
{
  TestDevice *self = TEST_DEVICE (device);

  if (self->open_paper_out)
    hb_device_set_status (device, HB_DEVICE_STATUS_USER_ERROR, "paper out");
  if (self->hold_open)
    self->open_task = g_object_ref (task);
  else if (self->fail_open)
    g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_HARDWARE, "broken");
  else
    g_task_return_boolean (task, TRUE);
}

static void
test_device_cancel (HbDevice *device)
{
  TEST_DEVICE (device)->cancel_calls++;
}

static void
test_device_describe (HbDevice *device, JsonBuilder *builder)
{
  json_builder_set_member_name (builder, "extra");
  json_builder_add_int_value (builder, 42);
}

static void
test_device_finalize (GObject *object)
{
  g_assert_null (TEST_DEVICE (object)->action);
  G_OBJECT_CLASS (test_device_parent_class)->finalize (object);
}

static void
test_device_class_init (TestDeviceClass *klass)
{
  HbDeviceClass *device_class = HB_DEVICE_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = test_device_finalize;
  device_class->driver_id = "test-driver";
  device_class->full_name = "Test device";
  device_class->kind = HB_DEVICE_KIND_SCANNER;
  device_class->id_table = test_id_table;
  device_class->open = test_device_open;
  device_class->cancel = test_device_cancel;
  device_class->describe = test_device_describe;
}

static void
test_device_init (TestDevice *self)
{
}

static void
act_cancelled (GCancellable *cancellable, gpointer user_data)
{
  TestDevice *self = TEST_DEVICE (user_data);
  GTask *task = g_steal_pointer (&self->action);

  if (task == NULL)
    return;
  hb_device_action_end (HB_DEVICE (self));
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
  g_object_unref (task);
}

/* An action that runs until finished or cancelled. */
static void
test_device_act_async (TestDevice *self, GCancellable *cancellable, GAsyncReadyCallback cb,
                       gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, cb, user_data);

  if (hb_device_action_begin (HB_DEVICE (self), task))
    {
      GCancellable *action = hb_device_action_get_cancellable (HB_DEVICE (self));
      g_assert_nonnull (action);
      self->action = g_object_ref (task);
      g_signal_connect_object (action, "cancelled", G_CALLBACK (act_cancelled), self, 0);
      if (g_cancellable_is_cancelled (action))
        act_cancelled (action, self);
    }
  g_object_unref (task);
}

static void
test_device_act_finish_now (TestDevice *self)
{
  GTask *task = g_steal_pointer (&self->action);

  g_assert_nonnull (task);
  hb_device_action_end (HB_DEVICE (self));
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* --- helpers --------------------------------------------------------------------------- */

typedef struct
{
  GAsyncResult *result;
} Wait;

static void
got_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;
  w->result = g_object_ref (result);
}

static gboolean
wait_has_result (gpointer data)
{
  return ((Wait *) data)->result != NULL;
}

static gboolean
finish_bool (Wait *w, GError **error)
{
  gboolean ok;

  g_assert_true (hb_test_wait_until (wait_has_result, w, 5000));
  ok = g_task_propagate_boolean (G_TASK (w->result), error);
  g_clear_object (&w->result);
  return ok;
}

static TestDevice *
open_device (void)
{
  TestDevice *dev = g_object_new (TEST_TYPE_DEVICE, NULL);
  Wait w = { 0 };
  g_autoptr(GError) error = NULL;

  hb_device_open_async (HB_DEVICE (dev), NULL, got_result, &w);
  g_assert_true (hb_test_wait_until (wait_has_result, &w, 5000));
  g_assert_true (hb_device_open_finish (HB_DEVICE (dev), w.result, &error));
  g_assert_no_error (error);
  g_clear_object (&w.result);
  return dev;
}

static void
count_signal (gpointer instance, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
count_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (*(guint *) user_data)++;
}

/* --- tests ----------------------------------------------------------------------------- */

static void
test_kind_strings_round_trip (void)
{
  HbDeviceKind kinds[] = { HB_DEVICE_KIND_IDCARD, HB_DEVICE_KIND_SCANNER, HB_DEVICE_KIND_PRINTER,
                           HB_DEVICE_KIND_RECEIPT_PRINTER };
  const char *names[] = { "idcard", "scanner", "printer", "receipt-printer" };

  G_STATIC_ASSERT (G_N_ELEMENTS (kinds) == HB_DEVICE_N_KINDS);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      HbDeviceKind parsed = -1;
      GEnumClass *klass = g_type_class_ref (HB_TYPE_DEVICE_KIND);

      g_assert_cmpstr (hb_device_kind_to_string (kinds[i]), ==, names[i]);
      g_assert_true (hb_device_kind_from_string (names[i], &parsed));
      g_assert_cmpint (parsed, ==, kinds[i]);
      g_assert_cmpstr (g_enum_get_value (klass, kinds[i])->value_nick, ==, names[i]);
      g_type_class_unref (klass);
    }
  g_assert_false (hb_device_kind_from_string ("camera", NULL));
  g_assert_false (hb_device_kind_from_string ("IDCARD", NULL));
  g_assert_false (hb_device_kind_from_string (NULL, NULL));
}

static void
test_status_strings_follow_xfs (void)
{
  struct { HbDeviceStatus status; const char *name; } cases[] = {
    { HB_DEVICE_STATUS_STARTING, "starting" },
    { HB_DEVICE_STATUS_ONLINE, "online" },
    { HB_DEVICE_STATUS_OFFLINE, "offline" },
    { HB_DEVICE_STATUS_NO_DEVICE, "no-device" },
    { HB_DEVICE_STATUS_HARDWARE_ERROR, "hardware-error" },
    { HB_DEVICE_STATUS_USER_ERROR, "user-error" },
    { HB_DEVICE_STATUS_BUSY, "busy" },
  };
  GEnumClass *klass = g_type_class_ref (HB_TYPE_DEVICE_STATUS);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpstr (hb_device_status_to_string (cases[i].status), ==, cases[i].name);
      g_assert_cmpstr (g_enum_get_value (klass, cases[i].status)->value_nick, ==, cases[i].name);
    }
  g_type_class_unref (klass);
  g_assert_cmpstr (g_quark_to_string (HB_DEVICE_ERROR), ==, "hb-device-error-quark");
}

static void
test_properties_reflect_class_and_instance (void)
{
  g_autoptr(TestDevice) dev = g_object_new (TEST_TYPE_DEVICE, NULL);
  g_autofree char *driver = NULL, *name = NULL;
  HbDeviceKind kind;
  HbDeviceStatus status;

  g_object_get (dev, "kind", &kind, "driver", &driver, "name", &name, "status", &status, NULL);
  g_assert_cmpint (kind, ==, HB_DEVICE_KIND_SCANNER);
  g_assert_cmpstr (driver, ==, "test-driver");
  g_assert_cmpstr (name, ==, "Test device");   /* falls back to full_name */
  g_assert_cmpint (status, ==, HB_DEVICE_STATUS_OFFLINE);
  g_assert_false (hb_device_is_open (HB_DEVICE (dev)));

  hb_device_set_name (HB_DEVICE (dev), "Front reader");
  g_assert_cmpstr (hb_device_get_name (HB_DEVICE (dev)), ==, "Front reader");
}

static void
test_open_goes_starting_then_online (void)
{
  g_autoptr(TestDevice) dev = g_object_new (TEST_TYPE_DEVICE, NULL);
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };
  guint changes = 0;

  dev->hold_open = TRUE;
  g_signal_connect (dev, "status-changed", G_CALLBACK (count_signal), &changes);
  hb_device_open_async (HB_DEVICE (dev), NULL, got_result, &w);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (dev)), ==, HB_DEVICE_STATUS_STARTING);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_nonnull (dev->open_task);

  /* Opening is an action: nothing else may run meanwhile. */
  {
    Wait w2 = { 0 };
    test_device_act_async (dev, NULL, got_result, &w2);
    g_assert_false (finish_bool (&w2, &error));
    g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_BUSY);
    g_clear_error (&error);
  }

  g_task_return_boolean (dev->open_task, TRUE);
  g_clear_object (&dev->open_task);
  g_assert_true (finish_bool (&w, &error));
  g_assert_no_error (error);
  g_assert_true (hb_device_is_open (HB_DEVICE (dev)));
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (dev)), ==, HB_DEVICE_STATUS_ONLINE);
  g_assert_null (hb_device_get_status_detail (HB_DEVICE (dev)));
  g_assert_cmpuint (changes, ==, 2);
}

static void
record_status (HbDevice *device, gpointer user_data)
{
  g_string_append_printf (user_data, "%s/%d ", hb_device_status_to_string (hb_device_get_status (device)),
                          hb_device_is_open (device));
}

static void
test_status_chosen_while_opening_applies_once_open (void)
{
  g_autoptr(TestDevice) dev = g_object_new (TEST_TYPE_DEVICE, NULL);
  g_autoptr(GString) seen = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };

  dev->hold_open = TRUE;
  dev->open_paper_out = TRUE;
  g_signal_connect (dev, "status-changed", G_CALLBACK (record_status), seen);
  hb_device_open_async (HB_DEVICE (dev), NULL, got_result, &w);
  /* Still starting: nobody may act on a device that is not open yet. */
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (dev)), ==, HB_DEVICE_STATUS_STARTING);

  g_task_return_boolean (dev->open_task, TRUE);
  g_clear_object (&dev->open_task);
  g_assert_true (finish_bool (&w, &error));
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (dev)), ==, HB_DEVICE_STATUS_USER_ERROR);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (dev)), ==, "paper out");
  /* Every status-changed a listener saw was consistent with is_open. */
  g_assert_cmpstr (seen->str, ==, "starting/0 user-error/1 ");
}

static void
test_failed_open_is_a_hardware_error (void)
{
  g_autoptr(TestDevice) dev = g_object_new (TEST_TYPE_DEVICE, NULL);
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };

  dev->fail_open = TRUE;
  hb_device_open_async (HB_DEVICE (dev), NULL, got_result, &w);
  g_assert_false (finish_bool (&w, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_HARDWARE);
  g_assert_false (hb_device_is_open (HB_DEVICE (dev)));
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (dev)), ==, HB_DEVICE_STATUS_HARDWARE_ERROR);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (dev)), ==, "open failed");
}

static void
test_set_status_signals_only_changes (void)
{
  g_autoptr(TestDevice) dev = open_device ();
  guint changes = 0, notifies = 0;

  g_signal_connect (dev, "status-changed", G_CALLBACK (count_signal), &changes);
  g_signal_connect (dev, "notify::status", G_CALLBACK (count_notify), &notifies);

  hb_device_set_status (HB_DEVICE (dev), HB_DEVICE_STATUS_ONLINE, NULL);
  g_assert_cmpuint (changes, ==, 0);

  hb_device_set_status (HB_DEVICE (dev), HB_DEVICE_STATUS_USER_ERROR, "paper out");
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (notifies, ==, 1);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (dev)), ==, "paper out");

  hb_device_set_status (HB_DEVICE (dev), HB_DEVICE_STATUS_USER_ERROR, "paper out");
  g_assert_cmpuint (changes, ==, 1);

  /* Same status, new reason: still a change worth telling. */
  hb_device_set_status (HB_DEVICE (dev), HB_DEVICE_STATUS_USER_ERROR, "cover open");
  g_assert_cmpuint (changes, ==, 2);
  g_assert_cmpuint (notifies, ==, 1);

  /* Online never carries a detail. */
  hb_device_set_status (HB_DEVICE (dev), HB_DEVICE_STATUS_ONLINE, "ignored");
  g_assert_cmpuint (changes, ==, 3);
  g_assert_null (hb_device_get_status_detail (HB_DEVICE (dev)));
}

static void
test_second_action_fails_busy (void)
{
  g_autoptr(TestDevice) dev = open_device ();
  g_autoptr(GError) error = NULL;
  Wait w1 = { 0 }, w2 = { 0 };

  test_device_act_async (dev, NULL, got_result, &w1);
  g_assert_nonnull (dev->action);
  test_device_act_async (dev, NULL, got_result, &w2);
  g_assert_false (finish_bool (&w2, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_BUSY);
  g_clear_error (&error);

  /* The first action is untouched and, once ended, the device takes the next one. */
  g_assert_nonnull (dev->action);
  test_device_act_finish_now (dev);
  g_assert_true (finish_bool (&w1, &error));
  g_assert_no_error (error);
  g_assert_null (hb_device_action_get_cancellable (HB_DEVICE (dev)));

  test_device_act_async (dev, NULL, got_result, &w2);
  g_assert_nonnull (dev->action);
  test_device_act_finish_now (dev);
  g_assert_true (finish_bool (&w2, &error));
}

static void
test_action_on_closed_device_fails (void)
{
  g_autoptr(TestDevice) dev = g_object_new (TEST_TYPE_DEVICE, NULL);
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };

  test_device_act_async (dev, NULL, got_result, &w);
  g_assert_null (dev->action);
  g_assert_false (finish_bool (&w, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_OPEN);
}

static void
test_action_on_absent_device_fails (void)
{
  g_autoptr(TestDevice) dev = open_device ();
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };

  hb_device_set_status (HB_DEVICE (dev), HB_DEVICE_STATUS_NO_DEVICE, "unplugged");
  test_device_act_async (dev, NULL, got_result, &w);
  g_assert_null (dev->action);
  g_assert_false (finish_bool (&w, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
}

static void
test_cancel_stops_the_running_action (void)
{
  g_autoptr(TestDevice) dev = open_device ();
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };

  test_device_act_async (dev, NULL, got_result, &w);
  g_assert_nonnull (dev->action);
  hb_device_cancel (HB_DEVICE (dev));
  g_assert_cmpuint (dev->cancel_calls, ==, 1);
  g_assert_null (dev->action);
  g_assert_false (finish_bool (&w, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* The device is free again. */
  g_assert_null (hb_device_action_get_cancellable (HB_DEVICE (dev)));
}

static void
test_caller_cancellable_cancels_the_action (void)
{
  g_autoptr(TestDevice) dev = open_device ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };

  test_device_act_async (dev, cancellable, got_result, &w);
  g_assert_nonnull (dev->action);
  g_cancellable_cancel (cancellable);
  g_assert_null (dev->action);
  g_assert_false (finish_bool (&w, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* The caller's cancellable is the caller's: the driver's cancel hook is for cancel(). */
  g_assert_cmpuint (dev->cancel_calls, ==, 0);

  /* An already-cancelled cancellable cancels the action at once. */
  test_device_act_async (dev, cancellable, got_result, &w);
  g_assert_null (dev->action);
  g_clear_error (&error);
  g_assert_false (finish_bool (&w, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_cancel_is_safe_when_idle (void)
{
  g_autoptr(TestDevice) dev = open_device ();

  hb_device_cancel (HB_DEVICE (dev));
  hb_device_cancel (HB_DEVICE (dev));
  g_assert_cmpuint (dev->cancel_calls, ==, 0);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (dev)), ==, HB_DEVICE_STATUS_ONLINE);
}

static void
test_close_returns_to_offline (void)
{
  g_autoptr(TestDevice) dev = open_device ();
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };

  hb_device_close_async (HB_DEVICE (dev), NULL, got_result, &w);
  g_assert_true (finish_bool (&w, &error));
  g_assert_no_error (error);
  g_assert_false (hb_device_is_open (HB_DEVICE (dev)));
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (dev)), ==, HB_DEVICE_STATUS_OFFLINE);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (dev)), ==, "closed");

  /* Closing twice is harmless. */
  hb_device_close_async (HB_DEVICE (dev), NULL, got_result, &w);
  g_assert_true (finish_bool (&w, &error));
}

static void
test_describe_writes_common_members (void)
{
  g_autoptr(TestDevice) dev = open_device ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  hb_device_set_status (HB_DEVICE (dev), HB_DEVICE_STATUS_USER_ERROR, "paper out");
  json_builder_begin_object (builder);
  hb_device_describe (HB_DEVICE (dev), builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  o = json_node_get_object (root);

  g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "scanner");
  g_assert_cmpstr (json_object_get_string_member (o, "driver"), ==, "test-driver");
  g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "Test device");
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "user-error");
  g_assert_cmpstr (json_object_get_string_member (o, "detail"), ==, "paper out");
  g_assert_cmpint (json_object_get_int_member (o, "extra"), ==, 42);

  /* Online: detail is null, not missing. */
  {
    g_autoptr(JsonBuilder) b2 = json_builder_new ();
    g_autoptr(JsonNode) r2 = NULL;
    hb_device_set_status (HB_DEVICE (dev), HB_DEVICE_STATUS_ONLINE, NULL);
    json_builder_begin_object (b2);
    hb_device_describe (HB_DEVICE (dev), b2);
    json_builder_end_object (b2);
    r2 = json_builder_get_root (b2);
    g_assert_true (json_object_has_member (json_node_get_object (r2), "detail"));
    g_assert_true (json_object_get_null_member (json_node_get_object (r2), "detail"));
  }
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

  g_test_add_func ("/drivers/device/kind/round-trips-through-its-name", test_kind_strings_round_trip);
  g_test_add_func ("/drivers/device/status/names-follow-xfs4iot", test_status_strings_follow_xfs);
  g_test_add_func ("/drivers/device/properties/reflect-class-and-instance", test_properties_reflect_class_and_instance);
  g_test_add_func ("/drivers/device/open/goes-starting-then-online", test_open_goes_starting_then_online);
  g_test_add_func ("/drivers/device/open/status-chosen-while-opening-applies-once-open", test_status_chosen_while_opening_applies_once_open);
  g_test_add_func ("/drivers/device/open/failure-is-a-hardware-error", test_failed_open_is_a_hardware_error);
  g_test_add_func ("/drivers/device/status/signals-only-real-changes", test_set_status_signals_only_changes);
  g_test_add_func ("/drivers/device/action/second-action-fails-busy", test_second_action_fails_busy);
  g_test_add_func ("/drivers/device/action/closed-device-fails-not-open", test_action_on_closed_device_fails);
  g_test_add_func ("/drivers/device/action/absent-device-fails-no-device", test_action_on_absent_device_fails);
  g_test_add_func ("/drivers/device/cancel/stops-the-running-action", test_cancel_stops_the_running_action);
  g_test_add_func ("/drivers/device/cancel/caller-cancellable-cancels-the-action", test_caller_cancellable_cancels_the_action);
  g_test_add_func ("/drivers/device/cancel/is-safe-when-idle", test_cancel_is_safe_when_idle);
  g_test_add_func ("/drivers/device/close/returns-to-offline", test_close_returns_to_offline);
  g_test_add_func ("/drivers/device/describe/writes-common-and-kind-members", test_describe_writes_common_members);

  return g_test_run ();
}
