/* hb-sim-store.c — accepted applications and ratings, with idempotency and a state file. */
#include "tools/platform-sim/hb-sim-store.h"

#include "tools/platform-sim/hb-sim-clock.h"
#include "tools/platform-sim/hb-sim-file.h"
#include "tools/platform-sim/hb-sim-json.h"

#include <gio/gio.h>
#include <string.h>

#define STATE_FORMAT   "haoban-platform-sim-state"
#define STATE_VERSION  1
#define STATE_MAX_SIZE (256u * 1024u * 1024u)

G_DEFINE_QUARK (hb-sim-store-error-quark, hb_sim_store_error)

typedef struct {
  char     *key;
  char     *sha256;        /* of the request body bytes */
  char     *id;            /* case number or rating id */
  char     *received_at;
  char     *response;      /* exact text of the first (201) answer, replayed verbatim */
  JsonNode *body;          /* the request body as parsed */
} Record;

struct _HbSimStore
{
  GObject     parent_instance;
  char       *state_path;
  GPtrArray  *records[HB_SIM_N_KINDS];   /* Record*, arrival order, owns */
  GHashTable *by_key[HB_SIM_N_KINDS];    /* key → Record* (borrowed) */
  guint64     sequence[HB_SIM_N_KINDS];  /* last number handed out */
};

G_DEFINE_FINAL_TYPE (HbSimStore, hb_sim_store, G_TYPE_OBJECT)

static const char *const kind_member[HB_SIM_N_KINDS] = { "applications", "ratings", "deliveries" };
static const char *const kind_sequence[HB_SIM_N_KINDS] = { "application", "rating", "delivery" };
static const char *const kind_id_member[HB_SIM_N_KINDS] = { "case_number", "rating_id", "delivery_id" };
static const char *const kind_id_prefix[HB_SIM_N_KINDS] = { "SH", "R", "D" };

static void
record_free (gpointer data)
{
  Record *r = data;
  g_free (r->key);
  g_free (r->sha256);
  g_free (r->id);
  g_free (r->received_at);
  g_free (r->response);
  g_clear_pointer (&r->body, json_node_unref);
  g_free (r);
}

static void
hb_sim_store_finalize (GObject *object)
{
  HbSimStore *self = HB_SIM_STORE (object);
  for (int k = 0; k < HB_SIM_N_KINDS; k++)
    {
      g_hash_table_unref (self->by_key[k]);
      g_ptr_array_unref (self->records[k]);
    }
  g_free (self->state_path);
  G_OBJECT_CLASS (hb_sim_store_parent_class)->finalize (object);
}

static void
hb_sim_store_class_init (HbSimStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hb_sim_store_finalize;
}

static void
hb_sim_store_init (HbSimStore *self)
{
  for (int k = 0; k < HB_SIM_N_KINDS; k++)
    {
      self->records[k] = g_ptr_array_new_with_free_func (record_free);
      self->by_key[k] = g_hash_table_new (g_str_hash, g_str_equal);
    }
}

static void
add_record (HbSimStore *self, HbSimKind kind, Record *r)
{
  g_ptr_array_add (self->records[kind], r);
  g_hash_table_insert (self->by_key[kind], r->key, r);
}

/* --- state file ------------------------------------------------------------------- */

static JsonNode *
state_to_json (HbSimStore *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, STATE_FORMAT);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, STATE_VERSION);
  json_builder_set_member_name (b, "sequences");
  json_builder_begin_object (b);
  for (int k = 0; k < HB_SIM_N_KINDS; k++)
    {
      json_builder_set_member_name (b, kind_sequence[k]);
      json_builder_add_int_value (b, (gint64) self->sequence[k]);
    }
  json_builder_end_object (b);
  for (int k = 0; k < HB_SIM_N_KINDS; k++)
    {
      json_builder_set_member_name (b, kind_member[k]);
      json_builder_begin_array (b);
      for (guint i = 0; i < self->records[k]->len; i++)
        {
          Record *r = g_ptr_array_index (self->records[k], i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "idempotency_key");
          json_builder_add_string_value (b, r->key);
          json_builder_set_member_name (b, "body_sha256");
          json_builder_add_string_value (b, r->sha256);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, r->id);
          json_builder_set_member_name (b, "received_at");
          json_builder_add_string_value (b, r->received_at);
          json_builder_set_member_name (b, "response");
          json_builder_add_string_value (b, r->response);
          json_builder_set_member_name (b, "body");
          json_builder_add_value (b, json_node_copy (r->body));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
save (HbSimStore *self, GError **error)
{
  g_autoptr(GError) local = NULL;
  if (self->state_path == NULL)
    return TRUE;
  g_autoptr(JsonNode) root = state_to_json (self);
  gsize len = 0;
  g_autofree char *text = hb_sim_json_to_string (root, &len);
  /* Rename-into-place: a sim killed mid-write leaves the previous state intact. 0600
   * because the bodies hold (test) personal data. */
  if (!g_file_set_contents_full (self->state_path, text, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local))
    {
      g_set_error (error, HB_SIM_STORE_ERROR, HB_SIM_STORE_ERROR_SAVE,
                   "cannot write state file: %s", local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
state_invalid (GError **error, const char *path, const char *what)
{
  g_set_error (error, HB_SIM_STORE_ERROR, HB_SIM_STORE_ERROR_STATE,
               "state file %s: %s", path, what);
  return FALSE;
}

static gboolean
is_sha256_hex (const char *s)
{
  if (s == NULL || strlen (s) != 64)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isxdigit (*s) || g_ascii_isupper (*s))
      return FALSE;
  return TRUE;
}

static gboolean
load (HbSimStore *self, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local = NULL;
  gsize len = 0;
  const char *path = self->state_path;

  if (!hb_sim_file_read (path, STATE_MAX_SIZE, &data, &len, NULL, &local))
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return TRUE;   /* first run */
      return state_invalid (error, path, local->message);
    }

  g_autoptr(JsonNode) root = hb_sim_json_parse (data, len, HB_SIM_JSON_MAX_DEPTH + 4, &local);
  if (root == NULL)
    return state_invalid (error, path, local->message);
  JsonObject *top = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  gint64 version = 0;
  if (g_strcmp0 (hb_sim_json_get_string (top, "format"), STATE_FORMAT) != 0
      || !hb_sim_json_get_int (top, "version", &version) || version != STATE_VERSION)
    return state_invalid (error, path, "not a version 1 haoban-platform-sim state file");

  JsonObject *sequences = hb_sim_json_get_object (top, "sequences");
  for (int k = 0; k < HB_SIM_N_KINDS; k++)
    {
      gint64 seq = 0;
      if (k == HB_SIM_KIND_DELIVERY && hb_sim_json_get_array (top, kind_member[k]) == NULL)
        continue;   /* a state file from before deliveries existed */
      if (!hb_sim_json_get_int (sequences, kind_sequence[k], &seq) || seq < 0)
        return state_invalid (error, path, "bad \"sequences\"");
      self->sequence[k] = (guint64) seq;

      JsonArray *list = hb_sim_json_get_array (top, kind_member[k]);
      if (list == NULL || json_array_get_length (list) > HB_SIM_STORE_MAX_RECORDS)
        return state_invalid (error, path, "missing or oversized record list");
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonNode *node = json_array_get_element (list, i);
          JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          const char *key = hb_sim_json_get_string (o, "idempotency_key");
          const char *sha = hb_sim_json_get_string (o, "body_sha256");
          const char *id = hb_sim_json_get_string (o, "id");
          const char *at = hb_sim_json_get_string (o, "received_at");
          const char *response = hb_sim_json_get_string (o, "response");
          JsonNode *body = o ? json_object_get_member (o, "body") : NULL;
          if (key == NULL || *key == '\0' || !is_sha256_hex (sha) || id == NULL || at == NULL
              || response == NULL || body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
            return state_invalid (error, path, "a record lacks a required member");
          if (g_hash_table_contains (self->by_key[k], key))
            return state_invalid (error, path, "an idempotency key appears twice");

          Record *r = g_new0 (Record, 1);
          r->key = g_strdup (key);
          r->sha256 = g_strdup (sha);
          r->id = g_strdup (id);
          r->received_at = g_strdup (at);
          r->response = g_strdup (response);
          r->body = hb_sim_json_deep_copy (body);
          add_record (self, (HbSimKind) k, r);
        }
    }
  return TRUE;
}

HbSimStore *
hb_sim_store_new (const char *state_path, GError **error)
{
  g_autoptr(HbSimStore) self = g_object_new (HB_TYPE_SIM_STORE, NULL);
  self->state_path = g_strdup (state_path);
  if (self->state_path && !load (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* --- submissions ------------------------------------------------------------------ */

HbSimLookup
hb_sim_store_lookup (HbSimStore *self, HbSimKind kind, const char *key, GBytes *body,
                     const char **response)
{
  Record *r = g_hash_table_lookup (self->by_key[kind], key);
  if (r == NULL)
    return HB_SIM_LOOKUP_NEW;
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  if (!g_str_equal (sha, r->sha256))
    return HB_SIM_LOOKUP_CONFLICT;
  *response = r->response;
  return HB_SIM_LOOKUP_REPLAY;
}

static char *
make_response (HbSimKind kind, const char *id, const char *received_at)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, kind_id_member[kind]);
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "accepted");
  if (kind == HB_SIM_KIND_APPLICATION)
    {
      json_builder_set_member_name (b, "received_at");
      json_builder_add_string_value (b, received_at);
    }
  json_builder_end_object (b);
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  return hb_sim_json_to_string (root, NULL);
}

const char *
hb_sim_store_accept (HbSimStore *self, HbSimKind kind, const char *key, GBytes *body,
                     JsonNode *parsed, GError **error)
{
  g_return_val_if_fail (!g_hash_table_contains (self->by_key[kind], key), NULL);

  if (self->records[kind]->len >= HB_SIM_STORE_MAX_RECORDS)
    {
      g_set_error (error, HB_SIM_STORE_ERROR, HB_SIM_STORE_ERROR_FULL,
                   "the sim holds %u records already", HB_SIM_STORE_MAX_RECORDS);
      return NULL;
    }

  g_autoptr(GDateTime) now = hb_sim_clock_now ();
  g_autofree char *ymd = hb_sim_clock_ymd (now);
  guint64 seq = ++self->sequence[kind];
  /* Six digits, as the platform prints them; wraps (never to 0) after 999999. */
  guint number = (guint) ((seq - 1) % 999999u) + 1;

  Record *r = g_new0 (Record, 1);
  r->key = g_strdup (key);
  r->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  r->id = g_strdup_printf ("%s%s%06u", kind_id_prefix[kind], ymd, number);
  r->received_at = hb_sim_clock_iso8601 (now);
  r->response = make_response (kind, r->id, r->received_at);
  r->body = hb_sim_json_deep_copy (parsed);
  add_record (self, kind, r);

  if (!save (self, error))
    {
      g_hash_table_remove (self->by_key[kind], key);
      g_ptr_array_remove_index (self->records[kind], self->records[kind]->len - 1);
      self->sequence[kind]--;
      return NULL;
    }
  return r->response;
}

/* --- inspection ------------------------------------------------------------------- */

static void
add_body_member (JsonBuilder *b, JsonObject *body, const char *member)
{
  JsonNode *node = json_object_get_member (body, member);
  json_builder_set_member_name (b, member);
  if (node && JSON_NODE_HOLDS_VALUE (node))
    json_builder_add_value (b, json_node_copy (node));
  else
    json_builder_add_null_value (b);
}

JsonNode *
hb_sim_store_list (HbSimStore *self, HbSimKind kind)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < self->records[kind]->len; i++)
    {
      Record *r = g_ptr_array_index (self->records[kind], i);
      JsonObject *body = json_node_get_object (r->body);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "idempotency_key");
      json_builder_add_string_value (b, r->key);
      if (kind == HB_SIM_KIND_APPLICATION)
        {
          json_builder_set_member_name (b, "case_number");
          json_builder_add_string_value (b, r->id);
        }
      else
        {
          json_builder_set_member_name (b, kind_id_member[kind]);
          json_builder_add_string_value (b, r->id);
          add_body_member (b, body, kind == HB_SIM_KIND_DELIVERY ? "reference" : "case_number");
        }
      if (kind == HB_SIM_KIND_DELIVERY)
        add_body_member (b, body, "channel");
      add_body_member (b, body, "service_code");
      add_body_member (b, body, "terminal_id");
      if (kind == HB_SIM_KIND_RATING)
        add_body_member (b, body, "level");
      json_builder_set_member_name (b, "received_at");
      json_builder_add_string_value (b, r->received_at);
      json_builder_set_member_name (b, "body");
      json_builder_add_value (b, hb_sim_json_deep_copy (r->body));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

guint
hb_sim_store_count (HbSimStore *self, HbSimKind kind)
{
  return self->records[kind]->len;
}

gboolean
hb_sim_store_reset (HbSimStore *self, GError **error)
{
  for (int k = 0; k < HB_SIM_N_KINDS; k++)
    {
      g_hash_table_remove_all (self->by_key[k]);
      g_ptr_array_set_size (self->records[k], 0);
    }
  return save (self, error);
}
