/* hb-catalog-document.c — validation of a catalog document from the platform (pure). */
#include "offline-cache/hb-catalog-private.h"
#include "offline-cache/hb-platform-reply.h"
#include "offline-cache/hb-assets-private.h"
#include "common/hb-json.h"
#include "common/hb-json-members.h"

#include <string.h>

static void
record_free (HbCatalogRecord *r)
{
  g_free (r->code);
  g_free (r->name);
  g_free (r->name_en);
  g_free (r->category);
  g_free (r->summary);
  g_free (r->keywords);
  g_free (r->json);
  g_free (r);
}

void
hb_catalog_document_free (HbCatalogDocument *doc)
{
  if (doc == NULL)
    return;
  g_free (doc->version);
  g_clear_pointer (&doc->services, g_ptr_array_unref);
  g_free (doc);
}

/* Text shown to people: valid UTF-8 (json-glib may pass lone surrogates through), no control
 * characters except newlines where allowed, at most max bytes. */
static gboolean
text_ok (const char *s, gsize max, gboolean newlines)
{
  gsize n;
  if (s == NULL)
    return FALSE;
  n = strlen (s);
  if (n > max || !g_utf8_validate (s, (gssize) n, NULL))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      guchar c = (guchar) s[i];
      if ((c < 0x20 && !(newlines && c == '\n')) || c == 0x7f)
        return FALSE;
    }
  return TRUE;
}

typedef enum { FIELD_OK, FIELD_WRONG_TYPE, FIELD_BAD_TEXT } FieldResult;

/* Optional string member: absent or null → *out stays NULL. An empty string counts as absent. */
static FieldResult
get_text (JsonObject *obj, const char *name, gsize max, gboolean newlines, char **out)
{
  JsonNode *node = json_object_get_member (obj, name);
  const char *s;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return FIELD_OK;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return FIELD_WRONG_TYPE;
  s = json_node_get_string (node);
  if (!text_ok (s, max, newlines))
    return FIELD_BAD_TEXT;
  if (*s != '\0')
    *out = g_strdup (s);
  return FIELD_OK;
}

static gboolean
get_field (JsonObject *obj, guint index, const char *name, gsize max, gboolean newlines,
           gboolean required, char **out, GError **error)
{
  switch (get_text (obj, name, max, newlines, out))
    {
    case FIELD_WRONG_TYPE:
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "service %u: \"%s\" is not a string", index, name);
      return FALSE;
    case FIELD_BAD_TEXT:
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "service %u: \"%s\" is longer than %" G_GSIZE_FORMAT
                   " bytes or has control characters", index, name, max);
      return FALSE;
    case FIELD_OK:
    default:
      break;
    }
  if (required && *out == NULL)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "service %u: \"%s\" is missing", index, name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_keywords (JsonObject *obj, guint index, char **out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, "keywords");
  g_autoptr(GString) joined = NULL;
  JsonArray *array;
  guint n;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node)
      || (n = json_array_get_length (array = json_node_get_array (node))) > HB_CATALOG_KEYWORDS_MAX)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "service %u: \"keywords\" must be an array of at most %d strings",
                   index, HB_CATALOG_KEYWORDS_MAX);
      return FALSE;
    }
  joined = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *k = json_array_get_element (array, i);
      if (!JSON_NODE_HOLDS_VALUE (k) || json_node_get_value_type (k) != G_TYPE_STRING
          || !text_ok (json_node_get_string (k), HB_CATALOG_KEYWORD_MAX, FALSE))
        {
          g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                       "service %u: keyword %u is not a short string", index, i);
          return FALSE;
        }
      if (joined->len > 0)
        g_string_append_c (joined, ' ');
      g_string_append (joined, json_node_get_string (k));
    }
  if (joined->len > 0)
    *out = g_string_free (g_steal_pointer (&joined), FALSE);
  return TRUE;
}

static gboolean
audience_word (JsonNode *node, guint *mask)
{
  const char *w;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  w = json_node_get_string (node);
  if (g_strcmp0 (w, "person") == 0)
    *mask |= HB_AUDIENCE_PERSON;
  else if (g_strcmp0 (w, "enterprise") == 0)
    *mask |= HB_AUDIENCE_ENTERPRISE;
  else
    return FALSE;
  return TRUE;
}

/* Optional "audience": "person" | "enterprise" | ["person", "enterprise"]. */
static gboolean
check_audience (JsonObject *obj, guint index, guint *out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, "audience");
  guint mask = 0;
  gboolean ok;

  *out = HB_AUDIENCE_PERSON;
  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      guint n = json_array_get_length (a);
      ok = n >= 1 && n <= 2;
      for (guint i = 0; ok && i < n; i++)
        ok = audience_word (json_array_get_element (a, i), &mask);
    }
  else
    ok = audience_word (node, &mask);
  if (!ok)
    g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                 "service %u: \"audience\" must be \"person\", \"enterprise\" or both", index);
  else
    *out = mask;
  return ok;
}

/* Optional "popularity": an integer 0 … HB_CATALOG_POPULARITY_MAX (search ranking). */
static gboolean
get_popularity (JsonObject *obj, guint index, gint64 *out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, "popularity");

  *out = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < 0 || json_node_get_int (node) > HB_CATALOG_POPULARITY_MAX)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "service %u: \"popularity\" must be an integer from 0 to %" G_GINT64_FORMAT,
                   index, HB_CATALOG_POPULARITY_MAX);
      return FALSE;
    }
  *out = json_node_get_int (node);
  return TRUE;
}

/* Optional "assets" (H12): at most HB_ASSETS_MAX_PER_SERVICE objects {"id", "sha256" (64
 * lowercase hex), "bytes" (1 … HB_ASSET_MAX_BYTES), "media_type"? (image/png|jpeg|webp)}. */
static gboolean
check_assets (JsonObject *obj, guint index, GError **error)
{
  JsonNode *node = json_object_get_member (obj, "assets");
  JsonArray *array;
  guint n;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node)
      || (n = json_array_get_length (array = json_node_get_array (node))) > HB_ASSETS_MAX_PER_SERVICE)
    goto bad;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (array, i);
      JsonObject *a = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
      JsonNode *id = a ? json_object_get_member (a, "id") : NULL;
      JsonNode *sha = a ? json_object_get_member (a, "sha256") : NULL;
      JsonNode *bytes = a ? json_object_get_member (a, "bytes") : NULL;
      JsonNode *type = a ? json_object_get_member (a, "media_type") : NULL;
      if (id == NULL || json_node_get_value_type (id) != G_TYPE_STRING
          || !hb_asset_id_is_valid (json_node_get_string (id))
          || sha == NULL || json_node_get_value_type (sha) != G_TYPE_STRING
          || !hb_asset_sha256_is_valid (json_node_get_string (sha))
          || bytes == NULL || json_node_get_value_type (bytes) != G_TYPE_INT64
          || json_node_get_int (bytes) < 1 || json_node_get_int (bytes) > HB_ASSET_MAX_BYTES
          || (type != NULL && (json_node_get_value_type (type) != G_TYPE_STRING
                               || (g_strcmp0 (json_node_get_string (type), "image/png") != 0
                                   && g_strcmp0 (json_node_get_string (type), "image/jpeg") != 0
                                   && g_strcmp0 (json_node_get_string (type), "image/webp") != 0))))
        goto bad;
    }
  return TRUE;
bad:
  g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
               "service %u: \"assets\" must be at most %d objects {id, sha256, bytes ≤ %d}",
               index, HB_ASSETS_MAX_PER_SERVICE, HB_ASSET_MAX_BYTES);
  return FALSE;
}

/* json-glib 1.6 writes U+001F inside strings as a raw byte; SQLite's JSON functions (and
 * any strict reader) then refuse the stored text ("malformed JSON" from json_extract, found
 * by fuzz-catalog-json). Outside strings compact output has no bytes below 0x20, so each
 * one becomes \u00XX: same document, valid JSON. Takes ownership. */
static char *
escape_raw_controls (char *json)
{
  GString *out;

  if (json == NULL)
    return NULL;
  for (const char *p = json; *p; p++)
    if ((guchar) *p < 0x20)
      goto escape;
  return json;
escape:
  out = g_string_sized_new (strlen (json) + 16);
  for (const char *p = json; *p; p++)
    {
      if ((guchar) *p < 0x20)
        g_string_append_printf (out, "\\u%04x", (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
  g_free (json);
  return g_string_free (out, FALSE);
}

static HbCatalogRecord *
parse_service (JsonNode *node, guint index, GHashTable *seen, GError **error)
{
  HbCatalogRecord *r;
  JsonObject *obj;
  gsize json_len = 0;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "service %u is not a JSON object", index);
      return NULL;
    }
  obj = json_node_get_object (node);
  r = g_new0 (HbCatalogRecord, 1);
  if (!get_field (obj, index, "code", HB_CATALOG_CODE_MAX, FALSE, TRUE, &r->code, error)
      || !get_field (obj, index, "name", HB_CATALOG_NAME_MAX, FALSE, TRUE, &r->name, error)
      || !get_field (obj, index, "name_en", HB_CATALOG_NAME_EN_MAX, FALSE, FALSE,
                     &r->name_en, error)
      || !get_field (obj, index, "category", HB_CATALOG_CATEGORY_MAX, FALSE, FALSE,
                     &r->category, error)
      || !get_field (obj, index, "summary", HB_CATALOG_SUMMARY_MAX, TRUE, FALSE,
                     &r->summary, error)
      || !get_keywords (obj, index, &r->keywords, error)
      || !get_popularity (obj, index, &r->popularity, error)
      || !check_assets (obj, index, error)
      || !check_audience (obj, index, &r->audience, error))
    {
      record_free (r);
      return NULL;
    }
  if (g_hash_table_contains (seen, r->code))
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "service %u: duplicate code %s", index, r->code);
      record_free (r);
      return NULL;
    }
  r->json = escape_raw_controls (json_to_string (node, FALSE));
  json_len = r->json ? strlen (r->json) : 0;
  if (json_len == 0 || json_len > HB_CATALOG_SERVICE_JSON_MAX)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "service %u (%s) is larger than %d bytes", index, r->code,
                   HB_CATALOG_SERVICE_JSON_MAX);
      record_free (r);
      return NULL;
    }
  g_hash_table_add (seen, r->code);
  return r;
}

/* One slice of a document that hb_platform_json_check already passed whole. */
static JsonNode *
parse_slice (JsonParser *parser, const HbJsonSlice *slice, GError **error)
{
  JsonNode *root;
  if (!json_parser_load_from_data (parser, slice->text, (gssize) slice->length, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID, "empty value");
      return NULL;
    }
  return json_node_ref (root);
}

static gboolean
invalid_catalog (GError **error, GError *cause)
{
  g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID, "catalog is not valid JSON: %s",
               cause->message);
  return FALSE;
}

/* Parsed a service at a time (hb-json-members.h): peak memory follows the largest service,
 * not the catalog. Every member is still parsed, so invalid JSON anywhere is refused. */
HbCatalogDocument *
hb_catalog_document_parse (const char *data, gsize length, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(HbCatalogDocument) doc = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GArray) members = NULL;
  g_autoptr(GArray) elements = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(JsonNode) version = NULL;
  const HbJsonSlice *services = NULL;

  if (!hb_platform_json_check (data, length, HB_CATALOG_MAX_BYTES, "catalog", &local))
    {
      g_set_error_literal (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID, local->message);
      return NULL;
    }
  members = hb_json_object_members (data, length, &local);
  if (members == NULL)
    {
      invalid_catalog (error, local);
      return NULL;
    }
  doc = g_new0 (HbCatalogDocument, 1);
  for (guint i = 0; i < members->len; i++)
    {
      HbJsonMember *m = &g_array_index (members, HbJsonMember, i);
      g_autoptr(JsonNode) node = NULL;
      if (g_str_equal (m->key, "services"))
        {
          services = &m->value;
          continue;
        }
      node = parse_slice (parser, &m->value, &local);
      if (node == NULL)
        {
          invalid_catalog (error, local);
          return NULL;
        }
      if (g_str_equal (m->key, "version"))
        version = g_steal_pointer (&node);
    }
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version)
      || json_node_get_value_type (version) != G_TYPE_STRING
      || !text_ok (json_node_get_string (version), HB_CATALOG_VERSION_MAX, FALSE))
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "catalog \"version\" is missing or not a short string");
      return NULL;
    }
  doc->version = g_strdup (json_node_get_string (version));
  if (services == NULL || services->text[0] != '[')
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "catalog \"services\" is missing or not an array");
      return NULL;
    }
  elements = hb_json_array_elements (services->text, services->length, HB_CATALOG_MAX_SERVICES,
                                     &local);
  if (elements == NULL)
    {
      if (g_error_matches (local, HB_JSON_ERROR, HB_JSON_ERROR_TOO_LARGE))
        g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                     "catalog has more than %d services", HB_CATALOG_MAX_SERVICES);
      else
        invalid_catalog (error, local);
      return NULL;
    }

  doc->services = g_ptr_array_new_full (elements->len, (GDestroyNotify) record_free);
  seen = g_hash_table_new (g_str_hash, g_str_equal);   /* keys owned by the records */
  for (guint i = 0; i < elements->len; i++)
    {
      const HbJsonSlice *e = &g_array_index (elements, HbJsonSlice, i);
      g_autoptr(JsonNode) node = NULL;
      HbCatalogRecord *r;
      /* Whitespace aside, the text is the service: refuse a huge one before parsing it. */
      if (e->length > 4 * HB_CATALOG_SERVICE_JSON_MAX)
        {
          g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                       "service %u is larger than %d bytes", i, HB_CATALOG_SERVICE_JSON_MAX);
          return NULL;
        }
      node = parse_slice (parser, e, &local);
      if (node == NULL)
        {
          invalid_catalog (error, local);
          return NULL;
        }
      r = parse_service (node, i, seen, error);
      if (r == NULL)
        return NULL;
      g_ptr_array_add (doc->services, r);
    }
  return g_steal_pointer (&doc);
}
