/* hb-sim-keys.c — SM2 signing keys of the sim, revocations, opaque subjects. */
#include "tools/platform-sim/hb-sim-keys.h"

#include "tools/platform-sim/hb-sim-file.h"
#include "tools/platform-sim/hb-sim-json.h"

#include <gio/gio.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <string.h>

#define KEYS_FORMAT    "haoban-platform-sim-keys"
#define KEYS_VERSION   1
#define KEYS_MAX_SIZE  (4u * 1024u * 1024u)
#define SECRET_BYTES   32
#define SM2_ID         "1234567812345678"
#define CODE_MAX_CHARS 2048          /* docs/suishenma-offline.md */
#define MAX_ID_BYTES   128
#define MAX_NAME_BYTES 256
/* The first key also vouches for back-dated test codes (iat up to a year ago). */
#define FIRST_KEY_BACKDATE_S (366 * 24 * 3600)
#define KEY_LIFETIME_S       ((gint64) 10 * 365 * 24 * 3600)

G_DEFINE_QUARK (hb-sim-keys-error-quark, hb_sim_keys_error)

typedef struct {
  char     *kid;
  EVP_PKEY *pkey;
  gint64    not_before, not_after;
} Key;

struct _HbSimKeys
{
  GObject     parent_instance;
  char       *path;
  guint8      secret[SECRET_BYTES];
  guint       next;          /* number of the next generated key */
  char       *active;
  GPtrArray  *keys;          /* Key* */
  GPtrArray  *revoked_jti;   /* char*, in order */
  GPtrArray  *revoked_sub;
  GBytes     *override;
};

G_DEFINE_FINAL_TYPE (HbSimKeys, hb_sim_keys, G_TYPE_OBJECT)

static void
key_free (gpointer data)
{
  Key *k = data;
  g_free (k->kid);
  EVP_PKEY_free (k->pkey);
  g_free (k);
}

static void
hb_sim_keys_finalize (GObject *object)
{
  HbSimKeys *self = HB_SIM_KEYS (object);
  explicit_bzero (self->secret, sizeof self->secret);
  g_free (self->path);
  g_free (self->active);
  g_ptr_array_unref (self->keys);
  g_ptr_array_unref (self->revoked_jti);
  g_ptr_array_unref (self->revoked_sub);
  g_clear_pointer (&self->override, g_bytes_unref);
  G_OBJECT_CLASS (hb_sim_keys_parent_class)->finalize (object);
}

static void
hb_sim_keys_class_init (HbSimKeysClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hb_sim_keys_finalize;
}

static void
hb_sim_keys_init (HbSimKeys *self)
{
  self->keys = g_ptr_array_new_with_free_func (key_free);
  self->revoked_jti = g_ptr_array_new_with_free_func (g_free);
  self->revoked_sub = g_ptr_array_new_with_free_func (g_free);
  self->next = 1;
}

static gboolean
fail (GError **error, int code, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError **error, int code, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, HB_SIM_KEYS_ERROR, code, msg);
  return FALSE;
}

static gboolean
token_ok (const char *s)
{
  gsize n = s ? strlen (s) : 0;
  if (n == 0 || n > MAX_ID_BYTES)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (s[i]) && strchr ("-_.:", s[i]) == NULL)
      return FALSE;
  return TRUE;
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static Key *
find_key (HbSimKeys *self, const char *kid)
{
  for (guint i = 0; kid && i < self->keys->len; i++)
    if (g_str_equal (((Key *) self->keys->pdata[i])->kid, kid))
      return self->keys->pdata[i];
  return NULL;
}

/* --- PEM -------------------------------------------------------------------------- */

static char *
bio_text (BIO *bio)
{
  char *data = NULL;
  long n = BIO_get_mem_data (bio, &data);
  char *text = g_strndup (data, (gsize) MAX (n, 0));
  BIO_free (bio);
  return text;
}

static char *
public_pem (EVP_PKEY *pkey)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  if (bio == NULL || PEM_write_bio_PUBKEY (bio, pkey) != 1)
    {
      BIO_free (bio);
      return NULL;
    }
  return bio_text (bio);
}

static char *
private_pem (EVP_PKEY *pkey)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  if (bio == NULL || PEM_write_bio_PrivateKey (bio, pkey, NULL, NULL, 0, NULL, NULL) != 1)
    {
      BIO_free (bio);
      return NULL;
    }
  return bio_text (bio);
}

static EVP_PKEY *
read_private_pem (const char *pem)
{
  BIO *bio = BIO_new_mem_buf (pem, -1);
  EVP_PKEY *pkey = bio ? PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL) : NULL;
  BIO_free (bio);
  if (pkey != NULL && !EVP_PKEY_is_a (pkey, "SM2"))
    {
      EVP_PKEY_free (pkey);
      return NULL;
    }
  return pkey;
}

/* --- key file --------------------------------------------------------------------- */

static void
add_string_array (JsonBuilder *b, const char *member, GPtrArray *list)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    json_builder_add_string_value (b, list->pdata[i]);
  json_builder_end_array (b);
}

/* One key as the key file (private) or GET /v1/keys (public) lists it. */
static void
add_key (JsonBuilder *b, Key *k, gboolean private)
{
  g_autofree char *pem = private ? private_pem (k->pkey) : public_pem (k->pkey);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kid");
  json_builder_add_string_value (b, k->kid);
  if (!private)
    {
      json_builder_set_member_name (b, "alg");
      json_builder_add_string_value (b, "SM2");
    }
  json_builder_set_member_name (b, private ? "private_key_pem" : "public_key_pem");
  json_builder_add_string_value (b, pem ? pem : "");
  json_builder_set_member_name (b, "not_before");
  json_builder_add_int_value (b, k->not_before);
  json_builder_set_member_name (b, "not_after");
  json_builder_add_int_value (b, k->not_after);
  json_builder_end_object (b);
  if (pem)
    explicit_bzero (pem, strlen (pem));
}

static gboolean
save (HbSimKeys *self, GError **error)
{
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;
  gboolean ok;

  if (self->path == NULL)
    return TRUE;
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, KEYS_FORMAT);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, KEYS_VERSION);
  secret = g_malloc0 (SECRET_BYTES * 2 + 1);
  for (int i = 0; i < SECRET_BYTES; i++)
    g_snprintf (secret + 2 * i, 3, "%02x", self->secret[i]);
  json_builder_set_member_name (b, "secret");
  json_builder_add_string_value (b, secret);
  json_builder_set_member_name (b, "next");
  json_builder_add_int_value (b, self->next);
  json_builder_set_member_name (b, "active");
  json_builder_add_string_value (b, self->active);
  json_builder_set_member_name (b, "keys");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->keys->len; i++)
    add_key (b, self->keys->pdata[i], TRUE);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "revoked");
  json_builder_begin_object (b);
  add_string_array (b, "jti", self->revoked_jti);
  add_string_array (b, "sub", self->revoked_sub);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = hb_sim_json_to_string (root, &len);
  /* Private keys: 0600, and rename-into-place so a crash never leaves half a file. */
  ok = g_file_set_contents_full (self->path, text, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local);
  explicit_bzero (text, len);
  explicit_bzero (secret, SECRET_BYTES * 2);
  if (!ok)
    return fail (error, HB_SIM_KEYS_ERROR_SAVE, "cannot write key file: %s", local->message);
  return TRUE;
}

static gboolean
load_list (GPtrArray *list, JsonObject *revoked, const char *member)
{
  JsonArray *a = hb_sim_json_get_array (revoked, member);
  if (a == NULL)
    return revoked == NULL || !json_object_has_member (revoked, member);
  if (json_array_get_length (a) > HB_SIM_KEYS_MAX_REVOKED)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      const char *s = JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
                        ? json_node_get_string (n) : NULL;
      if (!token_ok (s))
        return FALSE;
      g_ptr_array_add (list, g_strdup (s));
    }
  return TRUE;
}

static gboolean
load (HbSimKeys *self, const char *data, gsize len, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonNode) root = hb_sim_json_parse (data, len, 8, &local);
  JsonObject *top, *revoked;
  JsonArray *keys;
  const char *secret, *active;
  gint64 version = 0, next = 0;

  if (root == NULL)
    return fail (error, HB_SIM_KEYS_ERROR_STATE, "key file %s: %s", self->path, local->message);
  top = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (g_strcmp0 (hb_sim_json_get_string (top, "format"), KEYS_FORMAT) != 0
      || !hb_sim_json_get_int (top, "version", &version) || version != KEYS_VERSION)
    return fail (error, HB_SIM_KEYS_ERROR_STATE, "key file %s: not a version %d key file",
                 self->path, KEYS_VERSION);
  secret = hb_sim_json_get_string (top, "secret");
  active = hb_sim_json_get_string (top, "active");
  keys = hb_sim_json_get_array (top, "keys");
  if (secret == NULL || strlen (secret) != SECRET_BYTES * 2 || keys == NULL
      || json_array_get_length (keys) == 0 || json_array_get_length (keys) > HB_SIM_KEYS_MAX_KEYS
      || !hb_sim_json_get_int (top, "next", &next) || next < 1 || next > 1000000)
    return fail (error, HB_SIM_KEYS_ERROR_STATE, "key file %s: malformed", self->path);
  for (int i = 0; i < SECRET_BYTES; i++)
    {
      int hi = g_ascii_xdigit_value (secret[2 * i]), lo = g_ascii_xdigit_value (secret[2 * i + 1]);
      if (hi < 0 || lo < 0)
        return fail (error, HB_SIM_KEYS_ERROR_STATE, "key file %s: malformed secret", self->path);
      self->secret[i] = (guint8) (hi * 16 + lo);
    }
  self->next = (guint) next;
  for (guint i = 0; i < json_array_get_length (keys); i++)
    {
      JsonNode *n = json_array_get_element (keys, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      const char *kid = hb_sim_json_get_string (o, "kid");
      const char *pem = hb_sim_json_get_string (o, "private_key_pem");
      Key *k;
      gint64 nb = 0, na = 0;
      if (!token_ok (kid) || pem == NULL || find_key (self, kid) != NULL
          || !hb_sim_json_get_int (o, "not_before", &nb) || !hb_sim_json_get_int (o, "not_after", &na))
        return fail (error, HB_SIM_KEYS_ERROR_STATE, "key file %s: malformed key %u", self->path, i);
      k = g_new0 (Key, 1);
      k->pkey = read_private_pem (pem);
      if (k->pkey == NULL)
        {
          g_free (k);
          return fail (error, HB_SIM_KEYS_ERROR_STATE, "key file %s: key %u is not SM2", self->path, i);
        }
      k->kid = g_strdup (kid);
      k->not_before = nb;
      k->not_after = na;
      g_ptr_array_add (self->keys, k);
    }
  if (find_key (self, active) == NULL)
    return fail (error, HB_SIM_KEYS_ERROR_STATE, "key file %s: no active key", self->path);
  self->active = g_strdup (active);
  revoked = hb_sim_json_get_object (top, "revoked");
  if (!load_list (self->revoked_jti, revoked, "jti") || !load_list (self->revoked_sub, revoked, "sub"))
    return fail (error, HB_SIM_KEYS_ERROR_STATE, "key file %s: malformed revocations", self->path);
  return TRUE;
}

/* --- keys ------------------------------------------------------------------------- */

static Key *
generate (HbSimKeys *self, gint64 not_before, GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  Key *k;
  EVP_PKEY *pkey;

  if (self->keys->len >= HB_SIM_KEYS_MAX_KEYS)
    {
      fail (error, HB_SIM_KEYS_ERROR_INVALID, "at most %d keys", HB_SIM_KEYS_MAX_KEYS);
      return NULL;
    }
  pkey = EVP_PKEY_Q_keygen (NULL, NULL, "SM2");
  if (pkey == NULL)
    {
      fail (error, HB_SIM_KEYS_ERROR_CRYPTO, "cannot generate an SM2 key");
      return NULL;
    }
  k = g_new0 (Key, 1);
  k->pkey = pkey;
  k->kid = g_strdup_printf ("sim-%d-%u", g_date_time_get_year (now), self->next++);
  k->not_before = not_before;
  k->not_after = not_before + KEY_LIFETIME_S;
  g_ptr_array_add (self->keys, k);
  return k;
}

HbSimKeys *
hb_sim_keys_new (const char *path, GError **error)
{
  g_autoptr(HbSimKeys) self = g_object_new (HB_TYPE_SIM_KEYS, NULL);
  g_autofree char *data = NULL;
  g_autoptr(GError) local = NULL;
  HbSimFileStamp stamp;
  gsize len = 0;
  Key *k;

  self->path = g_strdup (path);
  if (path != NULL && hb_sim_file_read (path, KEYS_MAX_SIZE, &data, &len, &stamp, &local))
    {
      gboolean ok = load (self, data, len, error);
      explicit_bzero (data, len);
      return ok ? g_steal_pointer (&self) : NULL;
    }
  if (local != NULL && !g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      fail (error, HB_SIM_KEYS_ERROR_STATE, "%s", local->message);
      return NULL;
    }
  if (RAND_bytes (self->secret, SECRET_BYTES) != 1)
    {
      fail (error, HB_SIM_KEYS_ERROR_CRYPTO, "no random bytes");
      return NULL;
    }
  k = generate (self, now_s () - FIRST_KEY_BACKDATE_S, error);
  if (k == NULL)
    return NULL;
  self->active = g_strdup (k->kid);
  if (!save (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
hb_sim_keys_active_kid (HbSimKeys *self)
{
  return self->active;
}

JsonNode *
hb_sim_keys_document (HbSimKeys *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "keys");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->keys->len; i++)
    add_key (b, self->keys->pdata[i], FALSE);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "revoked");
  json_builder_begin_object (b);
  add_string_array (b, "jti", self->revoked_jti);
  add_string_array (b, "sub", self->revoked_sub);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

const char *
hb_sim_keys_rotate (HbSimKeys *self, GError **error)
{
  Key *old = find_key (self, self->active);
  gint64 now = now_s ();
  gint64 old_after = old->not_after;
  Key *k = generate (self, now, error);
  if (k == NULL)
    return NULL;
  old->not_after = MAX (old->not_before, now);
  g_free (self->active);
  self->active = g_strdup (k->kid);
  if (!save (self, error))
    {
      old->not_after = old_after;
      g_free (self->active);
      self->active = g_strdup (old->kid);
      g_ptr_array_remove (self->keys, k);
      return NULL;
    }
  return self->active;
}

gboolean
hb_sim_keys_revoke (HbSimKeys *self, const char *jti, const char *sub, GError **error)
{
  if ((jti == NULL && sub == NULL) || (jti && !token_ok (jti)) || (sub && !token_ok (sub)))
    return fail (error, HB_SIM_KEYS_ERROR_INVALID, "give a jti or a sub (1 to %d of A-Z a-z 0-9 -_.:)",
                 MAX_ID_BYTES);
  if (self->revoked_jti->len + self->revoked_sub->len + 2 > HB_SIM_KEYS_MAX_REVOKED)
    return fail (error, HB_SIM_KEYS_ERROR_INVALID, "at most %d revocations", HB_SIM_KEYS_MAX_REVOKED);
  if (jti && !g_ptr_array_find_with_equal_func (self->revoked_jti, jti, g_str_equal, NULL))
    g_ptr_array_add (self->revoked_jti, g_strdup (jti));
  if (sub && !g_ptr_array_find_with_equal_func (self->revoked_sub, sub, g_str_equal, NULL))
    g_ptr_array_add (self->revoked_sub, g_strdup (sub));
  return save (self, error);
}

void
hb_sim_keys_set_override (HbSimKeys *self, GBytes *document)
{
  g_clear_pointer (&self->override, g_bytes_unref);
  if (document)
    self->override = g_bytes_ref (document);
}

GBytes *
hb_sim_keys_get_override (HbSimKeys *self)
{
  return self->override;
}

gboolean
hb_sim_keys_reset (HbSimKeys *self, GError **error)
{
  hb_sim_keys_set_override (self, NULL);
  g_ptr_array_set_size (self->revoked_jti, 0);
  g_ptr_array_set_size (self->revoked_sub, 0);
  return save (self, error);
}

/* --- codes ------------------------------------------------------------------------ */

static char *
b64url (const guint8 *data, gsize len)
{
  char *s = g_base64_encode (data, len);
  gsize n = strlen (s);
  while (n > 0 && s[n - 1] == '=')
    s[--n] = '\0';
  for (char *p = s; *p; p++)
    *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
  return s;
}

static char *
sm2_sign (EVP_PKEY *pkey, const char *msg, gsize len, GError **error)
{
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  EVP_PKEY_CTX *pctx = NULL;
  guint8 sig[160];
  size_t sig_len = sizeof sig;
  gboolean ok = md != NULL
    && EVP_DigestSignInit_ex (md, &pctx, "SM3", NULL, NULL, pkey, NULL) == 1
    && EVP_PKEY_CTX_set1_id (pctx, SM2_ID, strlen (SM2_ID)) == 1
    && EVP_DigestSign (md, sig, &sig_len, (const guint8 *) msg, len) == 1;
  EVP_MD_CTX_free (md);
  if (!ok)
    {
      fail (error, HB_SIM_KEYS_ERROR_CRYPTO, "SM2 signing failed");
      return NULL;
    }
  return b64url (sig, sig_len);
}

char *
hb_sim_keys_mint (HbSimKeys *self, const char *kid, const char *kind, const char *sub,
                  const char *name, gint64 iat, gint64 exp, char **jti, GError **error)
{
  Key *key = find_key (self, kid ? kid : self->active);
  guint8 rnd[8];
  g_autofree char *id = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL, *payload = NULL, *signed_part = NULL, *sig = NULL;
  gsize json_len = 0;
  char *code;

  if (key == NULL)
    {
      fail (error, HB_SIM_KEYS_ERROR_INVALID, "unknown kid");
      return NULL;
    }
  if (g_strcmp0 (kind, "person") != 0 && g_strcmp0 (kind, "enterprise") != 0
      && g_strcmp0 (kind, "place") != 0)
    {
      fail (error, HB_SIM_KEYS_ERROR_INVALID, "kind must be person, enterprise or place");
      return NULL;
    }
  if (!token_ok (sub))
    {
      fail (error, HB_SIM_KEYS_ERROR_INVALID, "sub must be 1 to %d of A-Z a-z 0-9 -_.:", MAX_ID_BYTES);
      return NULL;
    }
  if (name == NULL || *name == '\0' || strlen (name) > MAX_NAME_BYTES)
    {
      fail (error, HB_SIM_KEYS_ERROR_INVALID, "name must be 1 to %d bytes", MAX_NAME_BYTES);
      return NULL;
    }
  if (iat < 0 || exp <= iat)
    {
      fail (error, HB_SIM_KEYS_ERROR_INVALID, "exp must come after iat (Unix seconds)");
      return NULL;
    }
  if (RAND_bytes (rnd, sizeof rnd) != 1)
    {
      fail (error, HB_SIM_KEYS_ERROR_CRYPTO, "no random bytes");
      return NULL;
    }
  id = g_strdup_printf ("J-%02X%02X%02X%02X%02X%02X%02X%02X", rnd[0], rnd[1], rnd[2], rnd[3],
                        rnd[4], rnd[5], rnd[6], rnd[7]);

  /* Member order is fixed (docs/suishenma-offline.md), though verifiers must not rely on it. */
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "v");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "kid");
  json_builder_add_string_value (b, key->kid);
  json_builder_set_member_name (b, "jti");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, kind);
  json_builder_set_member_name (b, "sub");
  json_builder_add_string_value (b, sub);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "iat");
  json_builder_add_int_value (b, iat);
  json_builder_set_member_name (b, "exp");
  json_builder_add_int_value (b, exp);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json = hb_sim_json_to_string (root, &json_len);
  payload = b64url ((const guint8 *) json, json_len);
  signed_part = g_strconcat ("HB1.", payload, NULL);
  sig = sm2_sign (key->pkey, signed_part, strlen (signed_part), error);
  if (sig == NULL)
    return NULL;
  code = g_strconcat (signed_part, ".", sig, NULL);
  if (strlen (code) > CODE_MAX_CHARS)
    {
      g_free (code);
      fail (error, HB_SIM_KEYS_ERROR_INVALID, "the code would exceed %d characters", CODE_MAX_CHARS);
      return NULL;
    }
  if (jti)
    *jti = g_steal_pointer (&id);
  return code;
}

/* --- subjects and names ----------------------------------------------------------- */

char *
hb_sim_keys_subject (HbSimKeys *self, const char *id_type, const char *id_number)
{
  g_autofree char *input = g_strconcat (id_type ? id_type : "", ":", id_number, NULL);
  guint8 mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  GString *s;

  if (HMAC (EVP_sm3 (), self->secret, SECRET_BYTES, (const guint8 *) input, strlen (input),
            mac, &mac_len) == NULL || mac_len < 10)
    {
      explicit_bzero (input, strlen (input));
      return NULL;
    }
  explicit_bzero (input, strlen (input));
  s = g_string_new ("P-");
  for (int i = 0; i < 10; i++)
    g_string_append_printf (s, "%02X", mac[i]);
  explicit_bzero (mac, sizeof mac);
  return g_string_free (s, FALSE);
}

char *
hb_sim_mask_name (const char *name)
{
  glong n;
  GString *s;
  const char *last;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return NULL;
  n = g_utf8_strlen (name, -1);
  if (n <= 1)
    return g_strdup (name);
  s = g_string_new (NULL);
  g_string_append_len (s, name, g_utf8_next_char (name) - name);
  if (n == 2)
    return g_string_free (g_string_append (s, "*"), FALSE);
  for (glong i = 0; i < n - 2; i++)
    g_string_append_c (s, '*');
  last = g_utf8_offset_to_pointer (name, n - 1);
  g_string_append (s, last);
  return g_string_free (s, FALSE);
}
