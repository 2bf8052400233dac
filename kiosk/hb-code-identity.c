/* hb-code-identity.c — parsing the platform's resolution of a scanned code. */
#include "kiosk/hb-code-identity.h"
#include "kiosk/hb-person.h"
#include "common/hb-json.h"

#include <gio/gio.h>
#include <string.h>

G_DEFINE_BOXED_TYPE (HbPlace, hb_place, hb_place_copy, hb_place_free)

const char *
hb_code_identity_kind_to_string (HbCodeIdentityKind kind)
{
  switch (kind)
    {
    case HB_CODE_IDENTITY_PERSON:     return "person";
    case HB_CODE_IDENTITY_ENTERPRISE: return "enterprise";
    case HB_CODE_IDENTITY_PLACE:      return "place";
    default:                      return "unknown";
    }
}

HbPlace *
hb_place_copy (const HbPlace *p)
{
  HbPlace *c;
  if (p == NULL)
    return NULL;
  c = g_new0 (HbPlace, 1);
  c->id = g_strdup (p->id);
  c->name = g_strdup (p->name);
  c->address = g_strdup (p->address);
  c->hours = g_strdup (p->hours);
  c->notice = g_strdup (p->notice);
  c->name_en = g_strdup (p->name_en);
  c->address_en = g_strdup (p->address_en);
  c->hours_en = g_strdup (p->hours_en);
  c->notice_en = g_strdup (p->notice_en);
  return c;
}

void
hb_place_free (HbPlace *p)
{
  if (p == NULL)
    return;
  g_free (p->id);
  g_free (p->name);
  g_free (p->address);
  g_free (p->hours);
  g_free (p->notice);
  g_free (p->name_en);
  g_free (p->address_en);
  g_free (p->hours_en);
  g_free (p->notice_en);
  g_free (p);
}

void
hb_code_identity_free (HbCodeIdentity *identity)
{
  if (identity == NULL)
    return;
  hb_idcard_free (identity->card);
  hb_secure_free (identity->org_name);
  hb_secure_free (identity->uscc);
  hb_secure_free (identity->legal_person);
  hb_place_free (identity->place);
  g_free (identity);
}

static gboolean
invalid (GError **error, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "code resolution: %s", what);
  return FALSE;
}

/* A short printable string member; absent is fine unless required. */
static gboolean
text_member (JsonObject *obj, const char *name, gboolean required, char **out,
             GError **error)
{
  JsonNode *node = json_object_get_member (obj, name);
  const char *v;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "code resolution: \"%s\" is missing", name);
          return FALSE;
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "code resolution: \"%s\" is not a string", name);
      return FALSE;
    }
  v = json_node_get_string (node);
  if (strlen (v) > HB_CODE_FIELD_MAX || (required && *v == '\0') ||
      !g_utf8_validate (v, -1, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "code resolution: \"%s\" is empty, too long or not UTF-8", name);
      return FALSE;
    }
  for (const char *p = v; *p; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     "code resolution: \"%s\" has control characters", name);
        return FALSE;
      }
  *out = g_strdup (v);
  return TRUE;
}

static JsonObject *
object_member (JsonObject *obj, const char *name, GError **error)
{
  JsonNode *node = json_object_get_member (obj, name);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "code resolution: \"%s\" is not an object", name);
      return NULL;
    }
  return json_node_get_object (node);
}

/* 18 characters: digits and upper-case letters (GB 32100; the check character is the
 * platform's business). */
static gboolean
uscc_ok (const char *uscc)
{
  if (strlen (uscc) != 18)
    return FALSE;
  for (const char *p = uscc; *p; p++)
    if (!g_ascii_isdigit (*p) && !g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

HbCodeIdentity *
hb_code_identity_parse (const char *data, gsize length, GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(HbCodeIdentity) id = NULL;
  g_autofree char *kind = NULL;
  JsonObject *obj, *sub;

  if (length > HB_CODE_IDENTITY_MAX_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   "code resolution larger than %u bytes", HB_CODE_IDENTITY_MAX_BYTES);
      return NULL;
    }
  root = hb_json_parse (data, (gssize) length, HB_CODE_IDENTITY_MAX_BYTES, 16, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      invalid (error, "not a JSON object");
      return NULL;
    }
  obj = json_node_get_object (root);
  if (!text_member (obj, "kind", FALSE, &kind, error))
    return NULL;

  id = g_new0 (HbCodeIdentity, 1);
  if (kind == NULL || g_str_equal (kind, "person"))
    {
      id->kind = HB_CODE_IDENTITY_PERSON;
      id->card = hb_idcard_new_from_json (obj, error);
      if (id->card == NULL)
        return NULL;
    }
  else if (g_str_equal (kind, "enterprise"))
    {
      id->kind = HB_CODE_IDENTITY_ENTERPRISE;
      if ((sub = object_member (obj, "enterprise", error)) == NULL ||
          !text_member (sub, "name", TRUE, &id->org_name, error) ||
          !text_member (sub, "uscc", TRUE, &id->uscc, error) ||
          !text_member (sub, "legal_person", FALSE, &id->legal_person, error))
        return NULL;
      if (!uscc_ok (id->uscc))
        {
          invalid (error, "\"uscc\" is not 18 digits and capital letters");
          return NULL;
        }
    }
  else if (g_str_equal (kind, "place"))
    {
      id->kind = HB_CODE_IDENTITY_PLACE;
      id->place = g_new0 (HbPlace, 1);
      if ((sub = object_member (obj, "place", error)) == NULL ||
          !text_member (sub, "id", TRUE, &id->place->id, error) ||
          !text_member (sub, "name", TRUE, &id->place->name, error) ||
          !text_member (sub, "address", FALSE, &id->place->address, error) ||
          !text_member (sub, "hours", FALSE, &id->place->hours, error) ||
          !text_member (sub, "notice", FALSE, &id->place->notice, error) ||
          !text_member (sub, "name_en", FALSE, &id->place->name_en, error) ||
          !text_member (sub, "address_en", FALSE, &id->place->address_en, error) ||
          !text_member (sub, "hours_en", FALSE, &id->place->hours_en, error) ||
          !text_member (sub, "notice_en", FALSE, &id->place->notice_en, error))
        return NULL;
    }
  else
    {
      invalid (error, "unknown \"kind\"");
      return NULL;
    }
  return g_steal_pointer (&id);
}
