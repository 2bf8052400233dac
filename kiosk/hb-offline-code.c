/* hb-offline-code.c — parsing and verification of HB1 offline codes. */
#include "kiosk/hb-offline-code.h"

#include "common/hb-json.h"

#include <string.h>

#define PREFIX_LEN      4      /* "HB1." */
#define MAX_FIELD_BYTES 256    /* any string claim */
#define MAX_SIG_CHARS   200    /* base64url of a ≤ 128-byte DER signature is ≤ 171 */

const char *
hb_code_verdict_to_string (HbCodeVerdict v)
{
  static const char *const names[] = {
    [HB_CODE_VERDICT_OK] = "ok",
    [HB_CODE_VERDICT_EXPIRED] = "expired",
    [HB_CODE_VERDICT_NOT_YET_VALID] = "not-yet-valid",
    [HB_CODE_VERDICT_BAD_SIGNATURE] = "bad-signature",
    [HB_CODE_VERDICT_UNKNOWN_KEY] = "unknown-key",
    [HB_CODE_VERDICT_REVOKED] = "revoked",
    [HB_CODE_VERDICT_MALFORMED] = "malformed",
    [HB_CODE_VERDICT_TOO_LONG] = "too-long",
  };
  return (guint) v < G_N_ELEMENTS (names) ? names[v] : "malformed";
}

static const char *const kind_names[] = {
  [HB_OFFLINE_KIND_PERSON] = "person",
  [HB_OFFLINE_KIND_ENTERPRISE] = "enterprise",
  [HB_OFFLINE_KIND_PLACE] = "place",
};

const char *
hb_offline_kind_to_string (HbOfflineKind k)
{
  return (guint) k < G_N_ELEMENTS (kind_names) ? kind_names[k] : "person";
}

static void
wipe_free (char *s)
{
  if (s == NULL)
    return;
  explicit_bzero (s, strlen (s));
  g_free (s);
}

void
hb_offline_claims_free (HbOfflineClaims *c)
{
  if (c == NULL)
    return;
  g_free (c->kid);
  g_free (c->jti);
  wipe_free (c->sub);
  wipe_free (c->name);
  g_free (c);
}

gboolean
hb_offline_code_looks_offline (const char *text, gsize len)
{
  return text != NULL && len >= PREFIX_LEN && memcmp (text, HB_OFFLINE_CODE_PREFIX, PREFIX_LEN) == 0;
}

/* --- base64url without padding ---------------------------------------------------------- */

static int
b64url_value (char c)
{
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

/* Strict: only the url alphabet, no padding, no length that cannot occur (n % 4 == 1),
 * and zero unused bits in the last character (so each text has one decoding). */
static guint8 *
b64url_decode (const char *s, gsize n, gsize *out_len)
{
  g_autofree guint8 *out = NULL;
  guint32 acc = 0;
  guint bits = 0;
  gsize o = 0;

  if (n == 0 || n % 4 == 1)
    return NULL;
  out = g_malloc (n * 3 / 4 + 1);
  for (gsize i = 0; i < n; i++)
    {
      int v = b64url_value (s[i]);
      if (v < 0)
        {
          explicit_bzero (out, n * 3 / 4 + 1);
          return NULL;
        }
      acc = (acc << 6) | (guint32) v;
      bits += 6;
      if (bits >= 8)
        {
          bits -= 8;
          out[o++] = (guint8) (acc >> bits);
          acc &= (1u << bits) - 1;
        }
    }
  if (acc != 0)
    {
      explicit_bzero (out, n * 3 / 4 + 1);
      return NULL;
    }
  *out_len = o;
  return g_steal_pointer (&out);
}

/* --- payload ---------------------------------------------------------------------------- */

static const char *
get_string (JsonObject *o, const char *member)
{
  JsonNode *n = json_object_get_member (o, member);
  const char *s;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  s = json_node_get_string (n);
  return *s != '\0' && strlen (s) <= MAX_FIELD_BYTES ? s : NULL;
}

static gboolean
get_int (JsonObject *o, const char *member, gint64 *out)
{
  JsonNode *n = json_object_get_member (o, member);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (n);
  return TRUE;
}

static HbOfflineClaims *
parse_payload (const char *json, gsize len)
{
  g_autoptr(JsonObject) o = NULL;
  g_autoptr(HbOfflineClaims) c = NULL;
  const char *kid, *jti, *kind, *sub, *name;
  gint64 v = 0, iat = 0, exp = 0;
  guint k;

  o = hb_json_parse_object (json, (gssize) len, HB_OFFLINE_CODE_MAX_CHARS, 2, NULL);
  if (o == NULL)
    return NULL;
  if (!get_int (o, "v", &v) || v != 1)
    return NULL;
  kid = get_string (o, "kid");
  jti = get_string (o, "jti");
  kind = get_string (o, "kind");
  sub = get_string (o, "sub");
  name = get_string (o, "name");
  if (!hb_keyring_id_is_valid (kid) || !hb_keyring_id_is_valid (jti)
      || !hb_keyring_id_is_valid (sub) || kind == NULL || name == NULL)
    return NULL;
  if (!get_int (o, "iat", &iat) || !get_int (o, "exp", &exp) || iat < 0 || exp <= iat)
    return NULL;
  for (k = 0; k < G_N_ELEMENTS (kind_names); k++)
    if (g_str_equal (kind, kind_names[k]))
      break;
  if (k == G_N_ELEMENTS (kind_names))
    return NULL;

  c = g_new0 (HbOfflineClaims, 1);
  c->kid = g_strdup (kid);
  c->jti = g_strdup (jti);
  c->kind = (HbOfflineKind) k;
  c->sub = g_strdup (sub);
  c->name = g_strdup (name);
  c->iat = iat;
  c->exp = exp;
  return g_steal_pointer (&c);
}

/* --- verification ----------------------------------------------------------------------- */

static HbCodeVerdict
verify (HbKeyring *keyring, const char *text, gsize len, gint64 now, HbOfflineClaims **out)
{
  const char *payload, *dot, *sig_text;
  gsize payload_chars, sig_chars, json_len = 0, sig_len = 0;
  g_autofree guint8 *sig = NULL;
  guint8 *json;
  HbOfflineClaims *c;

  if (len > HB_OFFLINE_CODE_MAX_CHARS)
    return HB_CODE_VERDICT_TOO_LONG;
  if (text == NULL || !hb_offline_code_looks_offline (text, len))
    return HB_CODE_VERDICT_MALFORMED;

  payload = text + PREFIX_LEN;
  dot = memchr (payload, '.', len - PREFIX_LEN);
  if (dot == NULL)
    return HB_CODE_VERDICT_MALFORMED;
  payload_chars = (gsize) (dot - payload);
  sig_text = dot + 1;
  sig_chars = len - PREFIX_LEN - payload_chars - 1;
  if (sig_chars > MAX_SIG_CHARS)
    return HB_CODE_VERDICT_MALFORMED;

  json = b64url_decode (payload, payload_chars, &json_len);
  if (json == NULL)
    return HB_CODE_VERDICT_MALFORMED;
  c = parse_payload ((const char *) json, json_len);
  explicit_bzero (json, json_len);
  g_free (json);
  if (c == NULL)
    return HB_CODE_VERDICT_MALFORMED;
  sig = b64url_decode (sig_text, sig_chars, &sig_len);   /* a '.' in it fails here too */
  if (sig == NULL)
    {
      hb_offline_claims_free (c);
      return HB_CODE_VERDICT_MALFORMED;
    }
  *out = c;

  switch (hb_keyring_verify (keyring, c->kid, text, PREFIX_LEN + payload_chars, sig, sig_len,
                             c->iat))
    {
    case HB_KEYRING_VERIFY_UNKNOWN_KEY:
      return HB_CODE_VERDICT_UNKNOWN_KEY;
    case HB_KEYRING_VERIFY_BAD_SIGNATURE:
      return HB_CODE_VERDICT_BAD_SIGNATURE;
    case HB_KEYRING_VERIFY_OK:
    default:
      break;
    }
  if (hb_keyring_is_revoked (keyring, c->jti, c->sub))
    return HB_CODE_VERDICT_REVOKED;
  if (now < c->iat - HB_KEYRING_CLOCK_SKEW_S)
    return HB_CODE_VERDICT_NOT_YET_VALID;
  if (now >= c->exp + HB_KEYRING_CLOCK_SKEW_S)
    return HB_CODE_VERDICT_EXPIRED;
  return HB_CODE_VERDICT_OK;
}

HbCodeVerdict
hb_offline_code_verify (HbKeyring *keyring, const char *text, gsize len, gint64 now_unix,
                        HbOfflineClaims **claims)
{
  HbOfflineClaims *c = NULL;
  HbCodeVerdict v;

  g_return_val_if_fail (HB_IS_KEYRING (keyring), HB_CODE_VERDICT_MALFORMED);
  if (claims)
    *claims = NULL;
  v = verify (keyring, text, len, now_unix, &c);
  if (claims)
    *claims = c;
  else
    hb_offline_claims_free (c);
  return v;
}
