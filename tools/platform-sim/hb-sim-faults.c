/* hb-sim-faults.c — faults injected into /v1 answers: parsing, drawing, garbling. */
#include "tools/platform-sim/hb-sim-faults.h"

#include "tools/platform-sim/hb-sim-json.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#define DEFAULT_ERROR_STATUS 503u

static gboolean
bad (GError **error, const char *member, const char *why)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "\"%s\": %s", member, why);
  return FALSE;
}

/* --- PRNG: splitmix64 (tiny, fast, good enough for fault dice, and its whole state is one
 * integer, so a fault set stays a plain copyable struct) ------------------------------ */

static guint64
next_u64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
next_unit (guint64 *state)
{
  return (double) (next_u64 (state) >> 11) * (1.0 / 9007199254740992.0);
}

/* --- parsing ---------------------------------------------------------------------- */

/* A number in [0, 1] (integers 0 and 1 included). */
static gboolean
get_rate (JsonObject *o, const char *member, double *out)
{
  JsonNode *node = json_object_get_member (o, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  GType type = json_node_get_value_type (node);
  double d;
  if (type == G_TYPE_INT64)
    d = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    d = json_node_get_double (node);
  else
    return FALSE;
  if (!isfinite (d) || d < 0.0 || d > 1.0)
    return FALSE;
  *out = d;
  return TRUE;
}

static gboolean
get_uint (JsonObject *o, const char *member, gint64 min, gint64 max, guint *out)
{
  gint64 n = 0;
  if (!hb_sim_json_get_int (o, member, &n) || n < min || n > max)
    return FALSE;
  *out = (guint) n;
  return TRUE;
}

/* Checks that o has only the given members (NULL-terminated). */
static gboolean
only_members (JsonObject *o, const char *const *allowed, const char **unknown)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  json_object_iter_init (&iter, o);
  while (json_object_iter_next (&iter, &name, &member))
    {
      gboolean known = FALSE;
      for (const char *const *a = allowed; *a && !known; a++)
        known = g_str_equal (name, *a);
      if (!known)
        {
          *unknown = name;
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
parse_latency (JsonObject *o, HbSimFaults *f, GError **error)
{
  static const char *const allowed[] = { "min", "max", NULL };
  const char *unknown = NULL;
  JsonObject *l = hb_sim_json_get_object (o, "latency_ms");
  if (l == NULL || !only_members (l, allowed, &unknown)
      || !get_uint (l, "min", 0, HB_SIM_FAULT_MAX_DELAY_MS, &f->latency_min_ms)
      || !get_uint (l, "max", 0, HB_SIM_FAULT_MAX_DELAY_MS, &f->latency_max_ms)
      || f->latency_min_ms > f->latency_max_ms)
    return bad (error, "latency_ms", "must be {\"min\":N,\"max\":M} with 0 <= N <= M <= 60000");
  return TRUE;
}

static gboolean
parse_slow_body (JsonObject *o, HbSimFaults *f, GError **error)
{
  static const char *const allowed[] = { "rate", "bytes_per_s", NULL };
  const char *unknown = NULL;
  JsonObject *s = hb_sim_json_get_object (o, "slow_body");
  if (s == NULL || !only_members (s, allowed, &unknown) || !get_rate (s, "rate", &f->slow_rate)
      || !get_uint (s, "bytes_per_s", 1, HB_SIM_FAULT_MAX_BYTES_PER_S, &f->slow_bytes_per_s))
    return bad (error, "slow_body",
                "must be {\"rate\":R,\"bytes_per_s\":N} with R from 0 to 1 and N from 1 to 10000000");
  return TRUE;
}

static gboolean
has_rates (const HbSimFaults *f)
{
  return f->drop_rate > 0 || f->error_rate > 0 || f->fail_after_commit_rate > 0
         || f->truncate_rate > 0 || f->garble_rate > 0 || f->slow_rate > 0
         || f->latency_max_ms > 0;
}

gboolean
hb_sim_faults_parse (JsonNode *node, HbSimFaults *out, GError **error)
{
  HbSimFaults f = { 0 };
  gboolean has_seed = FALSE;
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
          if (!get_uint (o, name, 400, 599, &f.status))
            return bad (error, name, "must be an integer from 400 to 599");
        }
      else if (g_str_equal (name, "error_status"))
        {
          if (!get_uint (o, name, 400, 599, &f.error_status))
            return bad (error, name, "must be an integer from 400 to 599");
        }
      else if (g_str_equal (name, "delay_ms"))
        {
          if (!get_uint (o, name, 0, HB_SIM_FAULT_MAX_DELAY_MS, &f.delay_ms))
            return bad (error, name, "must be an integer from 0 to 60000");
        }
      else if (g_str_equal (name, "times"))
        {
          if (!get_uint (o, name, 1, 1000000, &f.times))
            return bad (error, name, "must be an integer from 1 to 1000000");
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
      else if (g_str_equal (name, "seed"))
        {
          if (!hb_sim_json_get_int (o, name, &n) || n < 0 || n > HB_SIM_FAULT_MAX_SEED)
            return bad (error, name, "must be an integer from 0 to 9007199254740991");
          f.seed = n;
          has_seed = TRUE;
        }
      else if (g_str_equal (name, "latency_ms"))
        {
          if (!parse_latency (o, &f, error))
            return FALSE;
        }
      else if (g_str_equal (name, "slow_body"))
        {
          if (!parse_slow_body (o, &f, error))
            return FALSE;
        }
      else
        {
          static const struct { const char *name; gsize offset; } rates[] = {
            { "drop_rate", G_STRUCT_OFFSET (HbSimFaults, drop_rate) },
            { "error_rate", G_STRUCT_OFFSET (HbSimFaults, error_rate) },
            { "fail_after_commit_rate", G_STRUCT_OFFSET (HbSimFaults, fail_after_commit_rate) },
            { "truncate_rate", G_STRUCT_OFFSET (HbSimFaults, truncate_rate) },
            { "garble_rate", G_STRUCT_OFFSET (HbSimFaults, garble_rate) },
          };
          gsize i = 0;
          while (i < G_N_ELEMENTS (rates) && !g_str_equal (name, rates[i].name))
            i++;
          if (i == G_N_ELEMENTS (rates))
            return bad (error, name, "unknown fault");
          if (!get_rate (o, name, G_STRUCT_MEMBER_P (&f, rates[i].offset)))
            return bad (error, name, "must be a number from 0 to 1");
        }
    }
  if (f.error_status == 0)
    f.error_status = DEFAULT_ERROR_STATUS;
  if (has_rates (&f))
    {
      /* Without a seed the run is still replayable: GET /_sim/faults shows the one drawn. */
      if (!has_seed)
        f.seed = (gint64) (((guint64) g_random_int () << 21) ^ g_random_int ());
      f.rng = (guint64) f.seed;
    }
  else
    f.seed = 0;
  if (hb_sim_faults_is_empty (&f))
    memset (&f, 0, sizeof f);
  *out = f;
  return TRUE;
}

/* --- showing ---------------------------------------------------------------------- */

static void
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_rate (JsonBuilder *b, const char *name, double value)
{
  if (value <= 0)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

JsonNode *
hb_sim_faults_to_json (const HbSimFaults *f)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  if (f->status)
    add_int (b, "status", f->status);
  if (f->delay_ms)
    add_int (b, "delay_ms", f->delay_ms);
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
    add_int (b, "times", f->times);
  if (has_rates (f))
    {
      if (f->latency_max_ms)
        {
          json_builder_set_member_name (b, "latency_ms");
          json_builder_begin_object (b);
          add_int (b, "min", f->latency_min_ms);
          add_int (b, "max", f->latency_max_ms);
          json_builder_end_object (b);
        }
      add_rate (b, "drop_rate", f->drop_rate);
      add_rate (b, "error_rate", f->error_rate);
      if (f->error_rate > 0)
        add_int (b, "error_status", f->error_status);
      add_rate (b, "fail_after_commit_rate", f->fail_after_commit_rate);
      add_rate (b, "truncate_rate", f->truncate_rate);
      add_rate (b, "garble_rate", f->garble_rate);
      if (f->slow_rate > 0)
        {
          json_builder_set_member_name (b, "slow_body");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "rate");
          json_builder_add_double_value (b, f->slow_rate);
          add_int (b, "bytes_per_s", f->slow_bytes_per_s);
          json_builder_end_object (b);
        }
      add_int (b, "seed", f->seed);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

gboolean
hb_sim_faults_is_empty (const HbSimFaults *f)
{
  return f->status == 0 && f->delay_ms == 0 && !f->drop && !f->fail_after_commit
         && !has_rates (f);
}

/* --- drawing ---------------------------------------------------------------------- */

HbSimFaultPlan
hb_sim_faults_take (HbSimFaults *active, gboolean commits)
{
  HbSimFaultPlan plan = { 0 };
  if (hb_sim_faults_is_empty (active))
    return plan;

  plan.delay_ms = active->delay_ms;
  plan.drop = active->drop;
  if (active->status)
    {
      plan.status = active->status;
      plan.status_what = "status";
    }
  plan.fail_after_commit = commits && active->fail_after_commit;

  if (has_rates (active))
    {
      /* Every request makes every draw, in a fixed order, whatever the rates: a rate
       * changed from 0 to something does not shift the other faults' sequence. */
      guint64 *rng = &active->rng;
      gboolean drop = next_unit (rng) < active->drop_rate;
      gboolean error = next_unit (rng) < active->error_rate;
      gboolean fac = next_unit (rng) < active->fail_after_commit_rate;
      gboolean truncate = next_unit (rng) < active->truncate_rate;
      gboolean garble = next_unit (rng) < active->garble_rate;
      gboolean slow = next_unit (rng) < active->slow_rate;
      double latency = next_unit (rng);
      plan.noise = next_u64 (rng);

      plan.drop = plan.drop || drop;
      if (plan.status == 0 && error)
        {
          plan.status = active->error_status;
          plan.status_what = "error";
        }
      plan.fail_after_commit = plan.fail_after_commit || (commits && fac);
      plan.truncate = truncate;
      plan.garble = garble;
      plan.slow_bytes_per_s = slow ? active->slow_bytes_per_s : 0;
      if (active->latency_max_ms > 0)
        {
          guint span = active->latency_max_ms - active->latency_min_ms;
          guint extra = active->latency_min_ms + (guint) (latency * (span + 1.0));
          extra = MIN (extra, active->latency_max_ms);
          plan.delay_ms += extra;
          plan.latency = extra > 0;
        }
    }

  gboolean applies = plan.delay_ms || plan.drop || plan.status || plan.fail_after_commit
                     || plan.truncate || plan.garble || plan.slow_bytes_per_s;
  if (!applies)
    return plan;
  if (active->times > 0 && --active->times == 0)
    memset (active, 0, sizeof *active);
  return plan;
}

gboolean
hb_sim_fault_plan_shapes_body (const HbSimFaultPlan *plan)
{
  return plan->truncate || plan->garble || plan->slow_bytes_per_s > 0;
}

/* --- shaping ---------------------------------------------------------------------- */

void
hb_sim_faults_garble (guint8 *data, gsize len, guint64 noise)
{
  if (len == 0)
    return;
  /* One byte in 64, at least one: enough to break any parser, few enough to leave a
   * recognisable body for someone reading a capture. Evenly spaced from a random start,
   * so no byte is flipped twice (which would flip it back). */
  gsize flips = 1 + len / 64;
  gsize stride = len / flips;
  guint64 state = noise;
  gsize start = (gsize) (next_u64 (&state) % len);
  for (gsize i = 0; i < flips; i++)
    data[(start + i * stride) % len] ^= 0x80;
}

gsize
hb_sim_faults_truncated_length (gsize len)
{
  return len / 2;
}
