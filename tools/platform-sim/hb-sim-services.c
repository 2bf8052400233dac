/* hb-sim-services.c — what the resident-service endpoints keep. */
#include "tools/platform-sim/hb-sim-services.h"

#include "tools/platform-sim/hb-sim-file.h"
#include "tools/platform-sim/hb-sim-json.h"
#include "tools/platform-sim/hb-sim-store.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#define STATE_FORMAT   "haoban-platform-sim-services"
#define STATE_VERSION  1
#define STATE_MAX_SIZE (64u * 1024u * 1024u)

#ifndef HB_SOURCE_DATADIR
#define HB_SOURCE_DATADIR "data"
#endif

typedef struct {
  char  *sha256;     /* of the request body bytes */
  guint  status;     /* of the first answer */
  char  *response;   /* its exact text, replayed verbatim */
} HbSimReplay;

static char *data_dir;
static char *state_path;

static const char *const kind_names[HB_SIM_SVC_N_KINDS] = { "confirm", "help", "report" };

static void
replay_free (gpointer data)
{
  HbSimReplay *r = data;
  g_free (r->sha256);
  g_free (r->response);
  g_free (r);
}

static void
help_free (gpointer data)
{
  HbSimHelpRequest *h = data;
  g_free (h->id);
  g_free (h->created_at);
  g_clear_pointer (&h->body, json_node_unref);
  g_free (h);
}

/* --- the state file ----------------------------------------------------------------- */

static JsonNode *
state_to_json (HbSimServices *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, STATE_FORMAT);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, STATE_VERSION);
  json_builder_set_member_name (b, "sequences");
  json_builder_begin_object (b);
  for (int k = 0; k < HB_SIM_SVC_N_KINDS; k++)
    {
      json_builder_set_member_name (b, kind_names[k]);
      json_builder_add_int_value (b, self->sequence[k]);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "replays");
  json_builder_begin_object (b);
  for (int k = 0; k < HB_SIM_SVC_N_KINDS; k++)
    {
      GHashTableIter it;
      gpointer key, value;
      json_builder_set_member_name (b, kind_names[k]);
      json_builder_begin_array (b);
      g_hash_table_iter_init (&it, self->replays[k]);
      while (g_hash_table_iter_next (&it, &key, &value))
        {
          HbSimReplay *r = value;
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "key");
          json_builder_add_string_value (b, key);
          json_builder_set_member_name (b, "sha256");
          json_builder_add_string_value (b, r->sha256);
          json_builder_set_member_name (b, "status");
          json_builder_add_int_value (b, r->status);
          json_builder_set_member_name (b, "response");
          json_builder_add_string_value (b, r->response);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "reports");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->reports->len; i++)
    json_builder_add_value (b, json_node_copy (self->reports->pdata[i]));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "confirmations");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->confirmations->len; i++)
    json_builder_add_value (b, json_node_copy (self->confirmations->pdata[i]));
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
save (HbSimServices *self, GError **error)
{
  g_autoptr(GError) local = NULL;
  if (state_path == NULL)
    return TRUE;
  g_autoptr(JsonNode) root = state_to_json (self);
  gsize len = 0;
  g_autofree char *text = hb_sim_json_to_string (root, &len);
  /* Rename-into-place, 0600: reports carry contact phone numbers. */
  gboolean ok = g_file_set_contents_full (state_path, text, (gssize) len,
                                          G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local);
  explicit_bzero (text, len);
  if (!ok)
    g_set_error (error, HB_SIM_STORE_ERROR, HB_SIM_STORE_ERROR_SAVE,
                 "cannot write the services state file: %s", local->message);
  return ok;
}

static gboolean
load_kind (HbSimServices *self, JsonObject *replays, int k)
{
  JsonArray *list = hb_sim_json_get_array (replays, kind_names[k]);
  if (list == NULL || json_array_get_length (list) > HB_SIM_SVC_MAX_RECORDS)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *n = json_array_get_element (list, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      const char *key = hb_sim_json_get_string (o, "key");
      const char *sha = hb_sim_json_get_string (o, "sha256");
      const char *response = hb_sim_json_get_string (o, "response");
      gint64 status = 0;
      if (key == NULL || *key == '\0' || sha == NULL || strlen (sha) != 64 || response == NULL
          || !hb_sim_json_get_int (o, "status", &status) || status < 200 || status > 299)
        return FALSE;
      HbSimReplay *r = g_new0 (HbSimReplay, 1);
      r->sha256 = g_strdup (sha);
      r->status = (guint) status;
      r->response = g_strdup (response);
      g_hash_table_replace (self->replays[k], g_strdup (key), r);
    }
  return TRUE;
}

/* Records of an array member, each an object (JsonNode* added to list). */
static gboolean
load_records (JsonObject *top, const char *member, GPtrArray *list)
{
  JsonArray *a = hb_sim_json_get_array (top, member);
  if (a == NULL || json_array_get_length (a) > HB_SIM_SVC_MAX_RECORDS)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      if (!JSON_NODE_HOLDS_OBJECT (n))
        return FALSE;
      g_ptr_array_add (list, hb_sim_json_deep_copy (n));
    }
  return TRUE;
}

static gboolean
load (HbSimServices *self, const char *data, gsize len)
{
  g_autoptr(JsonNode) root = hb_sim_json_parse (data, len, HB_SIM_JSON_MAX_DEPTH + 4, NULL);
  JsonObject *top = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonObject *sequences = hb_sim_json_get_object (top, "sequences");
  JsonObject *replays = hb_sim_json_get_object (top, "replays");
  gint64 version = 0;
  g_autoptr(GPtrArray) confirmations = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  if (g_strcmp0 (hb_sim_json_get_string (top, "format"), STATE_FORMAT) != 0
      || !hb_sim_json_get_int (top, "version", &version) || version != STATE_VERSION)
    return FALSE;
  for (int k = 0; k < HB_SIM_SVC_N_KINDS; k++)
    {
      gint64 seq = 0;
      if (!hb_sim_json_get_int (sequences, kind_names[k], &seq) || seq < 0 || seq > G_MAXUINT
          || !load_kind (self, replays, k))
        return FALSE;
      self->sequence[k] = (guint) seq;
    }
  if (!load_records (top, "reports", self->reports) || !load_records (top, "confirmations", confirmations))
    return FALSE;
  for (guint i = 0; i < confirmations->len; i++)
    {
      JsonObject *o = json_node_get_object (confirmations->pdata[i]);
      const char *person = hb_sim_json_get_string (o, "person");
      const char *benefit = hb_sim_json_get_string (o, "benefit_id");
      if (person == NULL || benefit == NULL || hb_sim_json_get_string (o, "case_number") == NULL)
        return FALSE;
      JsonNode *record = json_node_ref (confirmations->pdata[i]);
      g_hash_table_replace (self->confirmed, g_strconcat (person, "/", benefit, NULL), record);
      g_ptr_array_add (self->confirmations, record);
    }
  return TRUE;
}

/* Loads the state file when there is one; a broken one is set aside, never fatal: the
 * sim's main state (applications, ratings) is what must stop a start. */
static void
load_state (HbSimServices *self)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  if (state_path == NULL)
    return;
  if (!hb_sim_file_read (state_path, STATE_MAX_SIZE, &data, &len, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_printerr ("haoban-platform-sim: %s\n", error->message);
      return;
    }
  gboolean ok = load (self, data, len);
  explicit_bzero (data, len);
  if (!ok)
    {
      g_autofree char *bad = g_strconcat (state_path, ".bad", NULL);
      g_printerr ("haoban-platform-sim: %s is not a services state file; moved to %s, starting empty\n",
                  state_path, bad);
      hb_sim_services_forget (self);
      memset (self->sequence, 0, sizeof self->sequence);
      g_rename (state_path, bad);
    }
}

void
hb_sim_services_init (HbSimServices *self)
{
  memset (self, 0, sizeof *self);
  for (int k = 0; k < HB_SIM_SVC_N_KINDS; k++)
    self->replays[k] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, replay_free);
  g_queue_init (&self->help);
  self->reports = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  self->confirmed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) json_node_unref);
  self->confirmations = g_ptr_array_new ();
  self->help_after_ms = HB_SIM_SVC_HELP_DEFAULT_MS;
  self->case_step_ms = HB_SIM_SVC_STEP_DEFAULT_MS;
  load_state (self);
}

void
hb_sim_services_forget (HbSimServices *self)
{
  for (int k = 0; k < HB_SIM_SVC_N_KINDS; k++)
    g_hash_table_remove_all (self->replays[k]);
  g_queue_clear_full (&self->help, help_free);
  g_ptr_array_set_size (self->reports, 0);
  g_ptr_array_set_size (self->confirmations, 0);
  g_hash_table_remove_all (self->confirmed);
  self->help_after_ms = HB_SIM_SVC_HELP_DEFAULT_MS;
  self->case_step_ms = HB_SIM_SVC_STEP_DEFAULT_MS;
}

void
hb_sim_services_clear (HbSimServices *self)
{
  if (self->reports == NULL)
    return;
  hb_sim_services_forget (self);
  for (int k = 0; k < HB_SIM_SVC_N_KINDS; k++)
    g_clear_pointer (&self->replays[k], g_hash_table_unref);
  g_clear_pointer (&self->reports, g_ptr_array_unref);
  g_clear_pointer (&self->confirmations, g_ptr_array_unref);
  g_clear_pointer (&self->confirmed, g_hash_table_unref);
  g_clear_pointer (&self->catalog_etag, g_free);
  g_clear_pointer (&self->service_codes, g_ptr_array_unref);
  g_clear_pointer (&self->service_names, g_hash_table_unref);
}

gboolean
hb_sim_services_reset (HbSimServices *self, GError **error)
{
  hb_sim_services_forget (self);
  return save (self, error);
}

void
hb_sim_services_set_state_path (const char *path)
{
  g_free (state_path);
  state_path = g_strdup (path);
}

void
hb_sim_services_set_data_dir (const char *dir)
{
  g_free (data_dir);
  data_dir = g_strdup (dir);
}

const char *
hb_sim_services_get_data_dir (void)
{
  return data_dir ? data_dir : HB_SOURCE_DATADIR;
}

HbSimSvcLookup
hb_sim_services_lookup (HbSimServices *self, HbSimSvcKind kind, const char *key, GBytes *body,
                        guint *status, const char **response)
{
  HbSimReplay *r = g_hash_table_lookup (self->replays[kind], key);
  if (r == NULL)
    return HB_SIM_SVC_NEW;
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  if (!g_str_equal (sha, r->sha256))
    return HB_SIM_SVC_CONFLICT;
  *status = r->status;
  *response = r->response;
  return HB_SIM_SVC_REPLAY;
}

gboolean
hb_sim_services_full (HbSimServices *self, HbSimSvcKind kind)
{
  return g_hash_table_size (self->replays[kind]) >= HB_SIM_SVC_MAX_RECORDS;
}

gboolean
hb_sim_services_record (HbSimServices *self, HbSimSvcKind kind, const char *key, GBytes *body,
                        guint status, const char *response, GError **error)
{
  if (hb_sim_services_full (self, kind))
    {
      g_set_error (error, HB_SIM_STORE_ERROR, HB_SIM_STORE_ERROR_FULL,
                   "the sim holds %u records of this kind", HB_SIM_SVC_MAX_RECORDS);
      return FALSE;
    }
  HbSimReplay *r = g_new0 (HbSimReplay, 1);
  r->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  r->status = status;
  r->response = g_strdup (response);
  g_hash_table_replace (self->replays[kind], g_strdup (key), r);
  if (!save (self, error))
    {
      g_hash_table_remove (self->replays[kind], key);
      return FALSE;
    }
  return TRUE;
}

guint
hb_sim_services_next_number (HbSimServices *self, HbSimSvcKind kind)
{
  guint n = ++self->sequence[kind];
  return (n - 1) % 999999u + 1;
}

HbSimHelpRequest *
hb_sim_services_add_help (HbSimServices *self, const char *id, JsonNode *body)
{
  HbSimHelpRequest *h = g_new0 (HbSimHelpRequest, 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  h->id = g_strdup (id);
  h->created_us = g_get_monotonic_time ();
  h->body = body;
  h->created_at = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S%:z");
  h->agent = g_str_hash (id);
  g_queue_push_tail (&self->help, h);
  while (self->help.length > HB_SIM_SVC_MAX_HELP)
    help_free (g_queue_pop_head (&self->help));
  return h;
}

HbSimHelpRequest *
hb_sim_services_find_help (HbSimServices *self, const char *id)
{
  for (GList *l = self->help.head; l; l = l->next)
    {
      HbSimHelpRequest *h = l->data;
      if (g_str_equal (h->id, id))
        return h;
    }
  return NULL;
}
