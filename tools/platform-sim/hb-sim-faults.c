/* hb-sim-faults.c — faults injected into /v1 answers. */
#include "tools/platform-sim/hb-sim-faults.h"

#include "tools/platform-sim/hb-sim-json.h"

#include <gio/gio.h>
#include <string.h>

static gboolean
bad (GError **error, const char *member, const char *why)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "\"%s\": %s", member, why);
  return FALSE;
}

gboolean
hb_sim_faults_parse (JsonNode *node, HbSimFaults *out, GError **error)
{
  HbSimFaults f = { 0 };
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "faults must be an object");
      return FALSE;
    }
  JsonObject *o = json_node_get_object (node);
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  json_object_iter_init (&iter, o);
  while (json_object_iter_next (&iter, &name, &member))
    {
      gint64 n = 0;
      if (g_str_equal (name, "status"))
        {
          if (!hb_sim_json_get_int (o, name, &n) || n < 400 || n > 599)
            return bad (error, name, "must be an integer from 400 to 599");
          f.status = (guint) n;
        }
      else if (g_str_equal (name, "delay_ms"))
        {
          if (!hb_sim_json_get_int (o, name, &n) || n < 0 || n > HB_SIM_FAULT_MAX_DELAY_MS)
            return bad (error, name, "must be an integer from 0 to 60000");
          f.delay_ms = (guint) n;
        }
      else if (g_str_equal (name, "times"))
        {
          if (!hb_sim_json_get_int (o, name, &n) || n < 1 || n > 1000000)
            return bad (error, name, "must be an integer from 1 to 1000000");
          f.times = (guint) n;
        }
      else if (g_str_equal (name, "drop"))
        {
          if (!hb_sim_json_get_bool (o, name, &f.drop))
            return bad (error, name, "must be true or false");
        }
      else if (g_str_equal (name, "fail_after_commit"))
        {
          if (!hb_sim_json_get_bool (o, name, &f.fail_after_commit))
            return bad (error, name, "must be true or false");
        }
      else
        return bad (error, name, "unknown fault");
    }
  if (hb_sim_faults_is_empty (&f))
    f.times = 0;
  *out = f;
  return TRUE;
}

JsonNode *
hb_sim_faults_to_json (const HbSimFaults *f)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  if (f->status)
    {
      json_builder_set_member_name (b, "status");
      json_builder_add_int_value (b, f->status);
    }
  if (f->delay_ms)
    {
      json_builder_set_member_name (b, "delay_ms");
      json_builder_add_int_value (b, f->delay_ms);
    }
  if (f->drop)
    {
      json_builder_set_member_name (b, "drop");
      json_builder_add_boolean_value (b, TRUE);
    }
  if (f->fail_after_commit)
    {
      json_builder_set_member_name (b, "fail_after_commit");
      json_builder_add_boolean_value (b, TRUE);
    }
  if (f->times)
    {
      json_builder_set_member_name (b, "times");
      json_builder_add_int_value (b, f->times);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

gboolean
hb_sim_faults_is_empty (const HbSimFaults *f)
{
  return f->status == 0 && f->delay_ms == 0 && !f->drop && !f->fail_after_commit;
}

HbSimFaults
hb_sim_faults_take (HbSimFaults *active, gboolean commits)
{
  HbSimFaults applied = *active;
  if (!commits)
    applied.fail_after_commit = FALSE;
  if (hb_sim_faults_is_empty (&applied))
    {
      memset (&applied, 0, sizeof applied);
      return applied;
    }
  if (active->times > 0 && --active->times == 0)
    memset (active, 0, sizeof *active);
  applied.times = 0;
  return applied;
}
