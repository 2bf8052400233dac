/* hb-keyring.c — /v1/keys documents: parse, bound, hold; SM2-with-SM3 verification. */
#include "offline-cache/hb-keyring.h"

#include "common/hb-json.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <string.h>

G_DEFINE_QUARK (hb-keyring-error-quark, hb_keyring_error)

/* GM/T 0009 default distinguishing ID: the platform signs with the same. */
#define SM2_ID     "1234567812345678"
#define SM2_ID_LEN 16
/* A DER SM2 signature is 70–72 bytes; anything much longer is not one. */
#define MAX_SIG_BYTES 128

typedef struct {
  char     *kid;
  EVP_PKEY *pkey;
  gint64    not_before;
  gint64    not_after;
} Key;

/* One loaded document. Immutable once published, shared by readers through a refcount,
 * so a verification never holds the keyring's lock while OpenSSL works. */
typedef struct {
  gatomicrefcount ref;
  GPtrArray      *keys;     /* Key* */
  GHashTable     *jti;      /* revoked code ids (set) */
  GHashTable     *sub;      /* revoked subjects (set) */
} Content;

struct _HbKeyring
{
  GObject  parent_instance;
  GMutex   lock;
  Content *content;   /* under lock */
};

G_DEFINE_FINAL_TYPE (HbKeyring, hb_keyring, G_TYPE_OBJECT)

static void
key_free (gpointer data)
{
  Key *k = data;
  g_free (k->kid);
  EVP_PKEY_free (k->pkey);
  g_free (k);
}

static Content *
content_new (void)
{
  Content *c = g_new0 (Content, 1);
  g_atomic_ref_count_init (&c->ref);
  c->keys = g_ptr_array_new_with_free_func (key_free);
  c->jti = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->sub = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return c;
}

static Content *
content_ref (Content *c)
{
  g_atomic_ref_count_inc (&c->ref);
  return c;
}

static void
content_unref (Content *c)
{
  if (c == NULL || !g_atomic_ref_count_dec (&c->ref))
    return;
  g_ptr_array_unref (c->keys);
  g_hash_table_unref (c->jti);
  g_hash_table_unref (c->sub);
  g_free (c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Content, content_unref)

static Content *
current (HbKeyring *self)
{
  Content *c;
  g_mutex_lock (&self->lock);
  c = content_ref (self->content);
  g_mutex_unlock (&self->lock);
  return c;
}

/* --- parsing ---------------------------------------------------------------------------- */

static gboolean
invalid (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, HB_KEYRING_ERROR, HB_KEYRING_ERROR_INVALID, "keys document: %s", msg);
  return FALSE;
}

gboolean
hb_keyring_id_is_valid (const char *s)
{
  gsize n = s ? strlen (s) : 0;
  if (n == 0 || n > HB_KEYRING_MAX_ID_BYTES)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (s[i]) && strchr ("-_.:", s[i]) == NULL)
      return FALSE;
  return TRUE;
}

static const char *
get_string (JsonObject *o, const char *member)
{
  JsonNode *n = json_object_get_member (o, member);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
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

static EVP_PKEY *
parse_pem (const char *pem)
{
  gsize n = strlen (pem);
  BIO *bio;
  EVP_PKEY *pkey;

  if (n == 0 || n > HB_KEYRING_MAX_PEM_BYTES)
    return NULL;
  bio = BIO_new_mem_buf (pem, (int) n);
  if (bio == NULL)
    return NULL;
  pkey = PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL);
  BIO_free (bio);
  /* SM2 only: an ordinary P-256 key would "verify" with SM3 too, but is not ours. */
  if (pkey != NULL && !EVP_PKEY_is_a (pkey, "SM2"))
    {
      EVP_PKEY_free (pkey);
      return NULL;
    }
  return pkey;
}

static gboolean
parse_key (Content *c, JsonNode *node, guint index, GError **error)
{
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *kid, *alg, *pem;
  gint64 nb = 0, na = 0;
  Key *key;

  if (o == NULL)
    return invalid (error, "keys[%u] is not an object", index);
  kid = get_string (o, "kid");
  alg = get_string (o, "alg");
  pem = get_string (o, "public_key_pem");
  if (!hb_keyring_id_is_valid (kid))
    return invalid (error, "keys[%u] needs a kid of 1 to %d letters, digits or -_.:",
                    index, HB_KEYRING_MAX_ID_BYTES);
  if (g_strcmp0 (alg, "SM2") != 0)
    return invalid (error, "keys[%u] alg must be \"SM2\"", index);
  if (pem == NULL)
    return invalid (error, "keys[%u] needs public_key_pem", index);
  if (!get_int (o, "not_before", &nb) || !get_int (o, "not_after", &na))
    return invalid (error, "keys[%u] needs integer not_before and not_after (Unix seconds)", index);
  if (nb < 0 || na < nb)
    return invalid (error, "keys[%u] has not_after before not_before", index);
  for (guint i = 0; i < c->keys->len; i++)
    if (g_str_equal (((Key *) c->keys->pdata[i])->kid, kid))
      return invalid (error, "keys[%u] repeats a kid", index);

  key = g_new0 (Key, 1);
  key->pkey = parse_pem (pem);
  if (key->pkey == NULL)
    {
      g_free (key);
      return invalid (error, "keys[%u] public_key_pem is not an SM2 public key", index);
    }
  key->kid = g_strdup (kid);
  key->not_before = nb;
  key->not_after = na;
  g_ptr_array_add (c->keys, key);
  return TRUE;
}

static gboolean
parse_revoked_list (GHashTable *set, JsonObject *revoked, const char *member, guint *total,
                    GError **error)
{
  JsonNode *node = json_object_get_member (revoked, member);
  JsonArray *array;
  guint n;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, "revoked.%s must be an array", member);
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n > HB_KEYRING_MAX_REVOKED - *total)
    return invalid (error, "more than %d revoked entries", HB_KEYRING_MAX_REVOKED);
  *total += n;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (array, i);
      const char *s = JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING
                        ? json_node_get_string (e) : NULL;
      if (!hb_keyring_id_is_valid (s))
        return invalid (error, "revoked.%s[%u] is not a valid id", member, i);
      g_hash_table_add (set, g_strdup (s));
    }
  return TRUE;
}

static Content *
parse_document (const char *data, gsize len, GError **error)
{
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(Content) c = NULL;
  JsonNode *keys_node, *revoked_node;
  JsonArray *keys;
  guint total = 0;

  if (len > HB_KEYRING_MAX_BYTES)
    {
      invalid (error, "larger than %d bytes", HB_KEYRING_MAX_BYTES);
      return NULL;
    }
  /* {"keys":[{…}],"revoked":{"jti":[…]}}: depth 3. */
  root = hb_json_parse_object (data, (gssize) len, HB_KEYRING_MAX_BYTES, 4, error);
  if (root == NULL)
    return NULL;

  c = content_new ();
  keys_node = json_object_get_member (root, "keys");
  if (keys_node == NULL || !JSON_NODE_HOLDS_ARRAY (keys_node))
    {
      invalid (error, "needs a \"keys\" array");
      return NULL;
    }
  keys = json_node_get_array (keys_node);
  if (json_array_get_length (keys) > HB_KEYRING_MAX_KEYS)
    {
      invalid (error, "more than %d keys", HB_KEYRING_MAX_KEYS);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (keys); i++)
    if (!parse_key (c, json_array_get_element (keys, i), i, error))
      return NULL;

  revoked_node = json_object_get_member (root, "revoked");
  if (revoked_node != NULL && !JSON_NODE_HOLDS_NULL (revoked_node))
    {
      JsonObject *revoked;
      if (!JSON_NODE_HOLDS_OBJECT (revoked_node))
        {
          invalid (error, "\"revoked\" must be an object");
          return NULL;
        }
      revoked = json_node_get_object (revoked_node);
      if (!parse_revoked_list (c->jti, revoked, "jti", &total, error)
          || !parse_revoked_list (c->sub, revoked, "sub", &total, error))
        return NULL;
    }
  return g_steal_pointer (&c);
}

/* --- public ----------------------------------------------------------------------------- */

HbKeyring *
hb_keyring_new (void)
{
  return g_object_new (HB_TYPE_KEYRING, NULL);
}

gboolean
hb_keyring_load_json (HbKeyring *self, const char *data, gsize len, GError **error)
{
  Content *c, *old;

  g_return_val_if_fail (HB_IS_KEYRING (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  c = parse_document (data ? data : "", len, error);
  if (c == NULL)
    return FALSE;
  g_mutex_lock (&self->lock);
  old = self->content;
  self->content = c;
  g_mutex_unlock (&self->lock);
  content_unref (old);
  return TRUE;
}

guint
hb_keyring_get_n_keys (HbKeyring *self)
{
  g_autoptr(Content) c = NULL;
  g_return_val_if_fail (HB_IS_KEYRING (self), 0);
  c = current (self);
  return c->keys->len;
}

guint
hb_keyring_get_n_revoked (HbKeyring *self)
{
  g_autoptr(Content) c = NULL;
  g_return_val_if_fail (HB_IS_KEYRING (self), 0);
  c = current (self);
  return g_hash_table_size (c->jti) + g_hash_table_size (c->sub);
}

static gboolean
sm2_verify (EVP_PKEY *pkey, const void *msg, gsize msg_len, const guint8 *sig, gsize sig_len)
{
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  EVP_PKEY_CTX *pctx = NULL;
  gboolean ok = FALSE;

  if (md == NULL)
    return FALSE;
  if (EVP_DigestVerifyInit_ex (md, &pctx, "SM3", NULL, NULL, pkey, NULL) == 1
      && EVP_PKEY_CTX_set1_id (pctx, SM2_ID, SM2_ID_LEN) == 1)
    ok = EVP_DigestVerify (md, sig, sig_len, msg, msg_len) == 1;
  EVP_MD_CTX_free (md);
  return ok;
}

HbKeyringVerify
hb_keyring_verify (HbKeyring *self, const char *kid, const void *msg, gsize msg_len,
                   const guint8 *sig, gsize sig_len, gint64 signed_at)
{
  g_autoptr(Content) c = NULL;
  Key *key = NULL;

  g_return_val_if_fail (HB_IS_KEYRING (self), HB_KEYRING_VERIFY_UNKNOWN_KEY);
  g_return_val_if_fail (msg != NULL || msg_len == 0, HB_KEYRING_VERIFY_BAD_SIGNATURE);

  c = current (self);
  for (guint i = 0; kid != NULL && i < c->keys->len; i++)
    if (g_str_equal (((Key *) c->keys->pdata[i])->kid, kid))
      key = c->keys->pdata[i];
  if (key == NULL)
    return HB_KEYRING_VERIFY_UNKNOWN_KEY;
  /* A key only vouches for codes signed while it was in service. */
  if (signed_at < key->not_before - HB_KEYRING_CLOCK_SKEW_S
      || signed_at > key->not_after + HB_KEYRING_CLOCK_SKEW_S)
    return HB_KEYRING_VERIFY_UNKNOWN_KEY;
  if (sig == NULL || sig_len == 0 || sig_len > MAX_SIG_BYTES)
    return HB_KEYRING_VERIFY_BAD_SIGNATURE;
  return sm2_verify (key->pkey, msg, msg_len, sig, sig_len) ? HB_KEYRING_VERIFY_OK
                                                            : HB_KEYRING_VERIFY_BAD_SIGNATURE;
}

gboolean
hb_keyring_is_revoked (HbKeyring *self, const char *jti, const char *sub)
{
  g_autoptr(Content) c = NULL;
  g_return_val_if_fail (HB_IS_KEYRING (self), TRUE);
  c = current (self);
  return (jti != NULL && g_hash_table_contains (c->jti, jti))
         || (sub != NULL && g_hash_table_contains (c->sub, sub));
}

/* --- GObject ---------------------------------------------------------------------------- */

static void
hb_keyring_finalize (GObject *object)
{
  HbKeyring *self = HB_KEYRING (object);
  content_unref (self->content);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (hb_keyring_parent_class)->finalize (object);
}

static void
hb_keyring_class_init (HbKeyringClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hb_keyring_finalize;
}

static void
hb_keyring_init (HbKeyring *self)
{
  g_mutex_init (&self->lock);
  self->content = content_new ();
}
