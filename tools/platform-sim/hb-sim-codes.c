/* hb-sim-codes.c — 随申码 resolution from the sample cards file. */
#include "tools/platform-sim/hb-sim-codes.h"

#include "tools/platform-sim/hb-sim-file.h"
#include "tools/platform-sim/hb-sim-json.h"

#include <gio/gio.h>
#include <string.h>

typedef struct {
  JsonNode *card;      /* the resolve answer */
  gboolean  expired;
} Code;

struct _HbSimCodes
{
  GObject        parent_instance;
  char          *path;
  HbSimFileStamp stamp;
  GHashTable    *codes;   /* text → Code* */
};

G_DEFINE_FINAL_TYPE (HbSimCodes, hb_sim_codes, G_TYPE_OBJECT)

static void
code_free (gpointer data)
{
  Code *code = data;
  json_node_unref (code->card);
  g_free (code);
}

static void
hb_sim_codes_finalize (GObject *object)
{
  HbSimCodes *self = HB_SIM_CODES (object);
  g_free (self->path);
  g_clear_pointer (&self->codes, g_hash_table_unref);
  G_OBJECT_CLASS (hb_sim_codes_parent_class)->finalize (object);
}

static void
hb_sim_codes_class_init (HbSimCodesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hb_sim_codes_finalize;
}

static void
hb_sim_codes_init (HbSimCodes *self)
{
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, code_free);
}

static gboolean
invalid (GError **error, const char *path, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", path, what);
  return FALSE;
}

static gboolean
text_member_ok (JsonObject *o, const char *member, gboolean required)
{
  const char *s = hb_sim_json_get_string (o, member);
  if (s == NULL)
    return !required && !json_object_has_member (o, member);
  return *s != '\0' && strlen (s) <= 256;
}

/* 统一社会信用代码: 18 characters of 0-9 and A-Z (the check digit is not verified). */
static gboolean
uscc_ok (const char *s)
{
  if (s == NULL || strlen (s) != 18)
    return FALSE;
  for (int i = 0; i < 18; i++)
    if (!g_ascii_isdigit (s[i]) && !g_ascii_isupper (s[i]))
      return FALSE;
  return TRUE;
}

/* {"kind":…, member: copy of the object} */
static JsonNode *
wrap (const char *kind, const char *member, JsonNode *object)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, kind);
  json_builder_set_member_name (b, member);
  json_builder_add_value (b, hb_sim_json_deep_copy (object));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* The resolve answer of one "codes" entry; NULL, or why the entry is malformed. */
static const char *
answer_for (JsonObject *entry, JsonArray *cards, JsonNode **answer)
{
  JsonObject *enterprise = hb_sim_json_get_object (entry, "enterprise");
  JsonObject *place = hb_sim_json_get_object (entry, "place");
  gboolean has_card = json_object_has_member (entry, "card");
  gint64 index = 0;

  if (has_card + (enterprise != NULL) + (place != NULL) != 1)
    return "a code needs exactly one of \"card\", \"enterprise\" or \"place\"";
  if (enterprise != NULL)
    {
      if (!text_member_ok (enterprise, "name", TRUE)
          || !uscc_ok (hb_sim_json_get_string (enterprise, "uscc"))
          || !text_member_ok (enterprise, "legal_person", FALSE))
        return "an enterprise needs a name, an 18-character uscc and a masked legal_person";
      *answer = wrap ("enterprise", "enterprise", json_object_get_member (entry, "enterprise"));
      return NULL;
    }
  if (place != NULL)
    {
      if (!text_member_ok (place, "id", TRUE) || !text_member_ok (place, "name", TRUE)
          || !text_member_ok (place, "address", FALSE) || !text_member_ok (place, "hours", FALSE)
          || !text_member_ok (place, "notice", FALSE) || !text_member_ok (place, "name_en", FALSE)
          || !text_member_ok (place, "address_en", FALSE)
          || !text_member_ok (place, "hours_en", FALSE)
          || !text_member_ok (place, "notice_en", FALSE))
        return "a place needs an id and a name (address, hours, notice and their _en optional)";
      *answer = wrap ("place", "place", json_object_get_member (entry, "place"));
      return NULL;
    }
  if (!hb_sim_json_get_int (entry, "card", &index))
    return "a code's \"card\" must be a number";
  if (index < 1 || index > json_array_get_length (cards))
    return "a code's \"card\" is outside 1..number of cards";
  JsonNode *card = json_array_get_element (cards, (guint) index - 1);
  if (!JSON_NODE_HOLDS_OBJECT (card))
    return "a card is not an object";
  *answer = hb_sim_json_deep_copy (card);
  JsonObject *o = json_node_get_object (*answer);
  json_object_remove_member (o, "label");
  json_object_set_string_member (o, "kind", "person");
  return NULL;
}

static gboolean
load (HbSimCodes *self, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local = NULL;
  gsize len = 0;
  HbSimFileStamp stamp;

  if (!hb_sim_file_read (self->path, HB_SIM_CODES_MAX_SIZE, &data, &len, &stamp, &local))
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_hash_table_remove_all (self->codes);
          memset (&self->stamp, 0, sizeof self->stamp);
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }

  g_autoptr(JsonNode) root = hb_sim_json_parse (data, len, 16, &local);
  if (root == NULL)
    return invalid (error, self->path, local->message);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return invalid (error, self->path, "not a JSON object");
  JsonObject *top = json_node_get_object (root);
  JsonArray *cards = hb_sim_json_get_array (top, "cards");
  JsonArray *codes = hb_sim_json_get_array (top, "codes");
  if (cards == NULL || codes == NULL)
    return invalid (error, self->path, "needs \"cards\" and \"codes\" arrays");

  g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, code_free);
  for (guint i = 0; i < json_array_get_length (codes); i++)
    {
      JsonNode *node = json_array_get_element (codes, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *text = hb_sim_json_get_string (entry, "text");
      gboolean expired = FALSE;
      if (text == NULL || *text == '\0')
        return invalid (error, self->path, "a code needs \"text\"");
      if (json_object_has_member (entry, "expired")
          && !hb_sim_json_get_bool (entry, "expired", &expired))
        return invalid (error, self->path, "\"expired\" must be true or false");
      if (g_hash_table_contains (table, text))
        return invalid (error, self->path, "the same code text appears twice");
      g_autoptr(JsonNode) answer = NULL;
      const char *why = answer_for (entry, cards, &answer);
      if (why != NULL)
        return invalid (error, self->path, why);

      Code *code = g_new0 (Code, 1);
      code->card = g_steal_pointer (&answer);
      code->expired = expired;
      g_hash_table_insert (table, g_strdup (text), code);
    }

  g_hash_table_unref (self->codes);
  self->codes = g_steal_pointer (&table);
  self->stamp = stamp;
  return TRUE;
}

HbSimCodes *
hb_sim_codes_new (const char *path, GError **error)
{
  g_autoptr(HbSimCodes) self = g_object_new (HB_TYPE_SIM_CODES, NULL);
  self->path = g_strdup (path);
  if (!load (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

HbSimCodeState
hb_sim_codes_resolve (HbSimCodes *self, const char *text, JsonNode **card)
{
  if (hb_sim_file_changed (self->path, &self->stamp))
    {
      g_autoptr(GError) error = NULL;
      if (!load (self, &error))
        {
          g_printerr ("haoban-platform-sim: keeping the previous sample cards: %s\n",
                      error->message);
          hb_sim_file_stamp (self->path, &self->stamp);
        }
    }

  Code *code = text ? g_hash_table_lookup (self->codes, text) : NULL;
  if (code == NULL)
    return HB_SIM_CODE_UNKNOWN;
  if (code->expired)
    return HB_SIM_CODE_EXPIRED;
  *card = hb_sim_json_deep_copy (code->card);
  return HB_SIM_CODE_VALID;
}
