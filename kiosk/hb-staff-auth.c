/* hb-staff-auth.c — staff PIN, staff cards and the lockout (see the header). */
#include "kiosk/hb-staff-auth.h"
#include "kiosk/hb-staff-auth-private.h"
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-staff-store.h"
#include "common/hb-json.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

G_DEFINE_QUARK (hb-staff-auth-error-quark, hb_staff_auth_error)

#define HASH_SCHEME     "pbkdf2-sha256"
#define SALT_BYTES      16
#define HASH_BYTES      32
#define HASH_TEXT_MAX   128
#define STAFF_ID_MAX    32
#define VERSION_MAX     64
#define CARD_NUMBER_MIN 6
#define CARD_NUMBER_MAX 32
#define SECURITY_PATH   "/v1/security-events"
#define SECURITY_KIND   "security-event"

/* ---- roles ---- */

const char *
hb_staff_role_to_string (HbStaffRole role)
{
  switch (role)
    {
    case HB_STAFF_ROLE_STAFF:      return "staff";
    case HB_STAFF_ROLE_TECHNICIAN: return "technician";
    case HB_STAFF_ROLE_NONE:
    default:                       return "none";
    }
}

HbStaffRole
hb_staff_role_from_string (const char *text)
{
  if (g_strcmp0 (text, "staff") == 0)
    return HB_STAFF_ROLE_STAFF;
  if (g_strcmp0 (text, "technician") == 0)
    return HB_STAFF_ROLE_TECHNICIAN;
  return HB_STAFF_ROLE_NONE;
}

/* ---- PIN hashes ---- */

/* The weakest hash accepted; only tests lower it (hb-staff-auth-private.h). */
static guint min_iterations = HB_STAFF_PBKDF2_MIN_ITER;

void
hb_staff_auth_set_min_iterations (guint iterations)
{
  min_iterations = iterations ? iterations : HB_STAFF_PBKDF2_MIN_ITER;
}

static gboolean
pin_ok (const char *pin)
{
  gsize n = pin ? strlen (pin) : 0;
  if (n < HB_STAFF_PIN_MIN_DIGITS || n > HB_STAFF_PIN_MAX_DIGITS)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (pin[i]))
      return FALSE;
  return TRUE;
}

static gboolean
pbkdf2 (const char *pin, const guint8 *salt, guint iterations, guint8 out[HASH_BYTES])
{
  return PKCS5_PBKDF2_HMAC (pin, (int) strlen (pin), salt, SALT_BYTES, (int) iterations,
                            EVP_sha256 (), HASH_BYTES, out) == 1;
}

/* Standard base64 of exactly `want` bytes (with its padding), nothing else. */
static gboolean
b64_decode_exact (const char *text, gsize want, guint8 *out)
{
  gsize len = strlen (text), pad = (3 - want % 3) % 3, got = 0;
  g_autofree guint8 *raw = NULL;

  if (len != 4 * ((want + 2) / 3))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (i < len - pad ? !(g_ascii_isalnum (text[i]) || text[i] == '+' || text[i] == '/')
                      : text[i] != '=')
      return FALSE;
  raw = g_base64_decode (text, &got);
  if (got != want)
    return FALSE;
  memcpy (out, raw, want);
  explicit_bzero (raw, got);
  return TRUE;
}

/* Splits "pbkdf2-sha256$ITER$SALT$HASH". The error says which part is wrong, never a value. */
static gboolean
parse_hash (const char *text, guint *iterations, guint8 salt[SALT_BYTES],
            guint8 hash[HASH_BYTES], GError **error)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *range = NULL;
  guint64 iter = 0;
  const char *why = NULL;

  if (text == NULL || strlen (text) > HASH_TEXT_MAX)
    why = "it is missing or too long";
  else if (g_strv_length (parts = g_strsplit (text, "$", 5)) != 4)
    why = "it must have four parts: " HASH_SCHEME "$ITERATIONS$SALT$HASH";
  else if (!g_str_equal (parts[0], HASH_SCHEME))
    why = "the scheme must be " HASH_SCHEME;
  else if (!g_ascii_string_to_unsigned (parts[1], 10, min_iterations,
                                        HB_STAFF_PBKDF2_MAX_ITER, &iter, NULL)
           || !g_ascii_isdigit (parts[1][0]))
    why = range = g_strdup_printf ("the iteration count must be a number from %u to %u",
                                   min_iterations, HB_STAFF_PBKDF2_MAX_ITER);
  else if (!b64_decode_exact (parts[2], SALT_BYTES, salt))
    why = "the salt must be 16 bytes in base64";
  else if (!b64_decode_exact (parts[3], HASH_BYTES, hash))
    why = "the hash must be 32 bytes in base64";

  if (why != NULL)
    {
      g_set_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_INVALID,
                   "PIN hash is malformed: %s (make one with haobanctl maintenance pin set)",
                   why);
      return FALSE;
    }
  *iterations = (guint) iter;
  return TRUE;
}

char *
hb_staff_auth_hash_pin (const char *pin, guint iterations, GError **error)
{
  guint8 salt[SALT_BYTES], hash[HASH_BYTES];
  g_autofree char *salt64 = NULL, *hash64 = NULL;
  char *text = NULL;

  if (iterations == 0)
    iterations = HB_STAFF_PBKDF2_DEFAULT_ITER;
  if (!pin_ok (pin))
    {
      g_set_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_INVALID,
                   "a PIN must be %d to %d digits", HB_STAFF_PIN_MIN_DIGITS,
                   HB_STAFF_PIN_MAX_DIGITS);
      return NULL;
    }
  if (iterations < min_iterations || iterations > HB_STAFF_PBKDF2_MAX_ITER)
    {
      g_set_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_INVALID,
                   "the iteration count must be from %u to %d", min_iterations,
                   HB_STAFF_PBKDF2_MAX_ITER);
      return NULL;
    }
  if (RAND_bytes (salt, sizeof salt) != 1 || !pbkdf2 (pin, salt, iterations, hash))
    {
      g_set_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_FAILED,
                   "OpenSSL could not make the PIN hash");
      explicit_bzero (hash, sizeof hash);
      return NULL;
    }
  salt64 = g_base64_encode (salt, sizeof salt);
  hash64 = g_base64_encode (hash, sizeof hash);
  text = g_strdup_printf (HASH_SCHEME "$%u$%s$%s", iterations, salt64, hash64);
  explicit_bzero (hash, sizeof hash);
  return text;
}

gboolean
hb_staff_auth_validate_hash (const char *text, GError **error)
{
  guint iter;
  guint8 salt[SALT_BYTES], hash[HASH_BYTES];
  return parse_hash (text, &iter, salt, hash, error);
}

gboolean
hb_staff_auth_verify_pin (const char *pin, const char *hash_text, GError **error)
{
  guint iter;
  guint8 salt[SALT_BYTES], want[HASH_BYTES], got[HASH_BYTES];
  gboolean same;

  if (!parse_hash (hash_text, &iter, salt, want, error))
    return FALSE;
  if (!pin_ok (pin))
    return FALSE;
  if (!pbkdf2 (pin, salt, iter, got))
    {
      g_set_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_FAILED,
                   "OpenSSL could not compute the PIN hash");
      return FALSE;
    }
  same = CRYPTO_memcmp (got, want, HASH_BYTES) == 0;
  explicit_bzero (got, sizeof got);
  return same;
}

char *
hb_staff_auth_card_digest (const char *id_number)
{
  gsize n = id_number ? strlen (id_number) : 0;
  char upper[CARD_NUMBER_MAX + 1];
  char hex[HB_AUDIT_HASH_HEX + 1];
  gboolean ok;

  if (n < CARD_NUMBER_MIN || n > CARD_NUMBER_MAX)
    return NULL;
  for (gsize i = 0; i < n; i++)
    {
      if (!g_ascii_isalnum (id_number[i]))
        {
          explicit_bzero (upper, sizeof upper);
          return NULL;
        }
      upper[i] = g_ascii_toupper (id_number[i]);
    }
  upper[n] = '\0';
  ok = hb_audit_sm3_hex (upper, n, hex, NULL);
  explicit_bzero (upper, sizeof upper);
  return ok ? g_strdup (hex) : NULL;
}

/* ---- the allow-list document ---- */

static void
entry_free (HbStaffEntry *e)
{
  g_free (e->staff_id);
  g_free (e->id_number_sm3);
  g_free (e);
}

void
hb_staff_allowlist_free (HbStaffAllowlist *list)
{
  if (list == NULL)
    return;
  g_free (list->version);
  g_clear_pointer (&list->entries, g_ptr_array_unref);
  g_free (list);
}

static const char *
string_member (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
         ? json_node_get_string (n) : NULL;
}

static gboolean
staff_id_ok (const char *s)
{
  gsize n = s ? strlen (s) : 0;
  if (n == 0 || n > STAFF_ID_MAX)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (s[i]) && s[i] != '-' && s[i] != '_')
      return FALSE;
  return TRUE;
}

static gboolean
version_ok (const char *s)
{
  gsize n = s ? strlen (s) : 0;
  if (n == 0 || n > VERSION_MAX)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isgraph (s[i]))
      return FALSE;
  return TRUE;
}

/* 64 hex digits, either case → lowercase copy; else NULL. */
static char *
digest_of (const char *s)
{
  if (s == NULL || strlen (s) != HB_AUDIT_HASH_HEX)
    return NULL;
  for (gsize i = 0; i < HB_AUDIT_HASH_HEX; i++)
    if (!g_ascii_isxdigit (s[i]))
      return NULL;
  return g_ascii_strdown (s, -1);
}

static HbStaffAllowlist *
allowlist_invalid (GError **error, const char *what)
{
  g_set_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_INVALID,
               "staff allow-list is not valid: %s", what);
  return NULL;
}

HbStaffAllowlist *
hb_staff_allowlist_parse (const char *data, gsize length, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonObject) root = hb_json_parse_object (data, (gssize) length,
                                                     HB_STAFF_ALLOWLIST_REPLY_MAX, 8, &local);
  g_autoptr(HbStaffAllowlist) list = NULL;
  g_autoptr(GHashTable) seen = NULL;
  JsonNode *staff;
  JsonArray *array;

  if (root == NULL)
    return allowlist_invalid (error, local ? local->message : "not a JSON object");
  if (!version_ok (string_member (root, "version")))
    return allowlist_invalid (error, "\"version\" must be 1 to 64 printable characters");
  staff = json_object_get_member (root, "staff");
  if (staff == NULL || !JSON_NODE_HOLDS_ARRAY (staff))
    return allowlist_invalid (error, "\"staff\" must be an array");
  array = json_node_get_array (staff);
  if (json_array_get_length (array) > HB_STAFF_ALLOWLIST_MAX)
    return allowlist_invalid (error, "more than " G_STRINGIFY (HB_STAFF_ALLOWLIST_MAX) " entries");

  list = g_new0 (HbStaffAllowlist, 1);
  list->version = g_strdup (string_member (root, "version"));
  list->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *id = o ? string_member (o, "id") : NULL;
      HbStaffRole role = o ? hb_staff_role_from_string (string_member (o, "role"))
                           : HB_STAFF_ROLE_NONE;
      g_autofree char *digest = o ? digest_of (string_member (o, "id_number_sm3")) : NULL;
      g_autofree char *what = NULL;
      HbStaffEntry *e;

      if (o == NULL)
        what = g_strdup_printf ("entry %u is not an object", i);
      else if (!staff_id_ok (id))
        what = g_strdup_printf ("entry %u: \"id\" must be 1 to 32 of A-Z a-z 0-9 - _", i);
      else if (role == HB_STAFF_ROLE_NONE)
        what = g_strdup_printf ("entry %u: \"role\" must be staff or technician", i);
      else if (digest == NULL)
        what = g_strdup_printf ("entry %u: \"id_number_sm3\" must be 64 hex digits", i);
      else if (g_hash_table_contains (seen, digest))
        what = g_strdup_printf ("entry %u: \"id_number_sm3\" repeats an earlier entry", i);
      if (what != NULL)
        return allowlist_invalid (error, what);

      e = g_new0 (HbStaffEntry, 1);
      e->staff_id = g_strdup (id);
      e->role = role;
      e->id_number_sm3 = g_steal_pointer (&digest);
      g_ptr_array_add (list->entries, e);
      g_hash_table_add (seen, e->id_number_sm3);
    }
  return g_steal_pointer (&list);
}

/* ---- the gate ---- */

struct _HbStaffAuth
{
  GObject          parent_instance;
  HbConfig        *config;
  HbStore         *store;
  HbAudit         *audit;     /* nullable */
  HbOutbox        *outbox;
  GMutex           lock;      /* sync */
  HbSync          *sync;      /* nullable */
  HbStaffClockFunc clock;
  gpointer         clock_data;
};

G_DEFINE_FINAL_TYPE (HbStaffAuth, hb_staff_auth, G_TYPE_OBJECT)

static void
hb_staff_auth_finalize (GObject *object)
{
  HbStaffAuth *self = HB_STAFF_AUTH (object);
  g_clear_object (&self->config);
  g_clear_object (&self->store);
  g_clear_object (&self->audit);
  g_clear_object (&self->outbox);
  g_clear_object (&self->sync);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (hb_staff_auth_parent_class)->finalize (object);
}

static void
hb_staff_auth_class_init (HbStaffAuthClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hb_staff_auth_finalize;
}

static void
hb_staff_auth_init (HbStaffAuth *self)
{
  g_mutex_init (&self->lock);
}

HbStaffAuth *
hb_staff_auth_new (HbConfig *config, HbStore *store, HbAudit *audit)
{
  HbStaffAuth *self;

  g_return_val_if_fail (HB_IS_CONFIG (config) && HB_IS_STORE (store), NULL);
  self = g_object_new (HB_TYPE_STAFF_AUTH, NULL);
  self->config = g_object_ref (config);
  self->store = g_object_ref (store);
  self->audit = audit ? g_object_ref (audit) : NULL;
  self->outbox = hb_outbox_new (store);
  return self;
}

void
hb_staff_auth_set_sync (HbStaffAuth *self, HbSync *sync)
{
  g_return_if_fail (HB_IS_STAFF_AUTH (self));
  g_mutex_lock (&self->lock);
  g_set_object (&self->sync, sync);
  g_mutex_unlock (&self->lock);
}

void
hb_staff_auth_set_clock (HbStaffAuth *self, HbStaffClockFunc clock, gpointer user_data)
{
  self->clock = clock;
  self->clock_data = user_data;
}

static gint64
now_s (HbStaffAuth *self)
{
  return self->clock ? self->clock (self->clock_data) : g_get_real_time () / G_USEC_PER_SEC;
}

gint64
hb_staff_auth_lockout_delay (guint previous)
{
  gint64 delay = HB_STAFF_LOCKOUT_FIRST_S;
  for (guint i = 0; i < previous && delay < HB_STAFF_LOCKOUT_CAP_S; i++)
    delay *= 2;
  return MIN (delay, HB_STAFF_LOCKOUT_CAP_S);
}

/* Seconds left of a lockout; a clock set back never makes it longer than the cap. */
static gint64
remaining (const HbStaffLockout *s, gint64 now)
{
  return s->locked_until > now ? MIN (s->locked_until - now, HB_STAFF_LOCKOUT_CAP_S) : 0;
}

static void
audit (HbStaffAuth *self, const char *actor, const char *action, const char *subject,
       const char *detail)
{
  g_autoptr(GError) error = NULL;
  if (self->audit != NULL && !hb_audit_append (self->audit, actor, action, subject, detail, &error))
    g_message ("staff entry: audit append failed: %s", error->message);
}

/* The platform hears of every lockout (an outbox item: it survives being offline). */
static void
report_lockout (HbStaffAuth *self, const char *terminal_id, guint failures, gint64 locked_for,
                gint64 now)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc (now);
  g_autofree char *stamp = at ? g_date_time_format (at, "%Y-%m-%dT%H:%M:%SZ") : NULL;
  g_autofree char *body = NULL, *key = NULL;
  g_autoptr(GError) error = NULL;
  HbSync *sync;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "terminal_id");
  json_builder_add_string_value (b, terminal_id);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, "maintenance-lockout");
  json_builder_set_member_name (b, "failures");
  json_builder_add_int_value (b, failures);
  json_builder_set_member_name (b, "locked_for_s");
  json_builder_add_int_value (b, locked_for);
  json_builder_set_member_name (b, "at");
  json_builder_add_string_value (b, stamp ? stamp : "1970-01-01T00:00:00Z");
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = hb_json_to_string (root);
  key = hb_outbox_enqueue (self->outbox, SECURITY_KIND, SECURITY_PATH, body, &error);
  if (key == NULL)
    {
      g_message ("staff entry: could not queue the lockout report: %s", error->message);
      return;
    }
  g_mutex_lock (&self->lock);
  sync = self->sync ? g_object_ref (self->sync) : NULL;
  g_mutex_unlock (&self->lock);
  if (sync)
    {
      hb_sync_kick (sync);
      g_object_unref (sync);
    }
}

typedef struct {
  gint64   now;
  gboolean success;
  gboolean was_locked;    /* locked before this attempt was recorded (not counted) */
  gboolean locked_now;    /* this failure locked */
  gint64   locked_for;
  guint    failures;      /* after this attempt */
} Step;

static void
apply_step (HbStaffLockout *s, gpointer data)
{
  Step *st = data;

  if (s->locked_until > st->now)
    {
      st->was_locked = TRUE;
      st->locked_for = remaining (s, st->now);
      return;
    }
  if (s->locked_until != 0)
    {
      /* A lockout ran out: a fresh run of tries, the next lockout longer. */
      s->locked_until = 0;
      s->failures = 0;
    }
  if (st->success)
    {
      s->failures = 0;
      s->lockouts = 0;
      return;
    }
  s->failures++;
  if (s->failures >= HB_STAFF_MAX_FAILURES)
    {
      st->locked_for = hb_staff_auth_lockout_delay (s->lockouts);
      s->lockouts++;
      s->locked_until = st->now + st->locked_for;
      st->locked_now = TRUE;
    }
  st->failures = s->failures;
}

static gboolean
locked_error (gint64 left, gint64 *retry_after_s, GError **error)
{
  if (retry_after_s)
    *retry_after_s = left;
  g_set_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_LOCKED,
               "staff entry is locked for %" G_GINT64_FORMAT " s after too many failures", left);
  return FALSE;
}

/* Before the slow part: refuse at once while locked. */
static gboolean
precheck (HbStaffAuth *self, gint64 *retry_after_s, GError **error)
{
  HbStaffLockout s;
  g_autoptr(GError) local = NULL;
  gint64 left;

  if (!hb_staff_store_get_lockout (self->store, &s, &local))
    {
      g_set_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_FAILED,
                   "staff entry: %s", local->message);
      return FALSE;
    }
  left = remaining (&s, now_s (self));
  return left > 0 ? locked_error (left, retry_after_s, error) : TRUE;
}

/* Records the outcome of a check (method "pin" or "card") and says what the caller gets. */
static HbStaffRole
conclude (HbStaffAuth *self, const char *terminal_id, const char *method, HbStaffRole role,
          const char *staff_id, char **out_staff_id, gint64 *retry_after_s, GError **error)
{
  Step st = { .now = now_s (self), .success = role != HB_STAFF_ROLE_NONE };
  HbStaffLockout after = { 0 };
  g_autoptr(GError) local = NULL;
  g_autofree char *actor = NULL, *detail = NULL;

  if (!hb_staff_store_update_lockout (self->store, apply_step, &st, &after, &local))
    {
      g_set_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_FAILED,
                   "staff entry: %s", local->message);
      return HB_STAFF_ROLE_NONE;
    }
  if (st.was_locked)   /* the other process locked meanwhile */
    {
      locked_error (st.locked_for, retry_after_s, error);
      return HB_STAFF_ROLE_NONE;
    }

  if (st.success)
    {
      actor = g_strdup_printf ("%s:%s", hb_staff_role_to_string (role), staff_id);
      g_message ("staff entry: %s logged in by %s", actor, method);
      audit (self, actor, "maintenance.login", method, NULL);
      if (out_staff_id)
        *out_staff_id = g_strdup (staff_id);
      if (retry_after_s)
        *retry_after_s = 0;
      return role;
    }

  g_message ("staff entry: %s refused (failure %u of %d)", method,
             st.locked_now ? (guint) HB_STAFF_MAX_FAILURES : st.failures, HB_STAFF_MAX_FAILURES);
  detail = g_strdup_printf ("failure %u of %d",
                            st.locked_now ? (guint) HB_STAFF_MAX_FAILURES : st.failures,
                            HB_STAFF_MAX_FAILURES);
  audit (self, "system", "maintenance.login-failed", method, detail);
  if (st.locked_now)
    {
      /* Every failure since the last success: each lockout took a full run of them. */
      guint total = MAX (after.lockouts, 1) * HB_STAFF_MAX_FAILURES;
      g_message ("staff entry: locked for %" G_GINT64_FORMAT " s after %u failures",
                 st.locked_for, total);
      g_free (detail);
      detail = g_strdup_printf ("locked for %" G_GINT64_FORMAT " s after %u failures",
                                st.locked_for, total);
      audit (self, "system", "maintenance.lockout", NULL, detail);
      report_lockout (self, terminal_id, total, st.locked_for, st.now);
      locked_error (st.locked_for, retry_after_s, error);
      return HB_STAFF_ROLE_NONE;
    }
  if (retry_after_s)
    *retry_after_s = 0;
  if (g_str_equal (method, "card"))
    g_set_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_UNKNOWN_CARD,
                 "this card is not on the staff allow-list (%u tries left)",
                 HB_STAFF_MAX_FAILURES - st.failures);
  else
    g_set_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_WRONG,
                 "wrong PIN (%u tries left)", HB_STAFF_MAX_FAILURES - st.failures);
  return HB_STAFF_ROLE_NONE;
}

/* What a check needs from the config, read on the caller's thread. */
typedef struct {
  char        *secret;         /* the PIN (wiped) or the card digest */
  char        *staff_hash;
  char        *technician_hash;
  char        *terminal_id;
  /* out */
  HbStaffRole  role;
  char        *staff_id;
  gint64       retry_after_s;
} Job;

static void
job_free (Job *job)
{
  if (job->secret)
    explicit_bzero (job->secret, strlen (job->secret));
  g_free (job->secret);
  g_free (job->staff_hash);
  g_free (job->technician_hash);
  g_free (job->terminal_id);
  g_free (job->staff_id);
  g_free (job);
}

static Job *
job_new (HbStaffAuth *self, const char *secret)
{
  Job *job = g_new0 (Job, 1);
  job->secret = g_strdup (secret ? secret : "");
  job->staff_hash = g_strdup (hb_config_get_string (self->config, "maintenance", "staff_pin_hash"));
  job->technician_hash = g_strdup (hb_config_get_string (self->config, "maintenance",
                                                         "technician_pin_hash"));
  job->terminal_id = g_strdup (hb_config_get_string (self->config, "terminal", "id"));
  return job;
}

static HbStaffRole
run_pin (HbStaffAuth *self, Job *job, GError **error)
{
  struct { const char *hash; HbStaffRole role; } tries[] = {
    { job->technician_hash, HB_STAFF_ROLE_TECHNICIAN },
    { job->staff_hash, HB_STAFF_ROLE_STAFF },
  };
  HbStaffRole matched = HB_STAFF_ROLE_NONE;

  if (job->staff_hash == NULL && job->technician_hash == NULL)
    {
      g_set_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_NOT_CONFIGURED,
                   "no staff PIN is set (haobanctl maintenance pin set)");
      return HB_STAFF_ROLE_NONE;
    }
  if (!precheck (self, &job->retry_after_s, error))
    return HB_STAFF_ROLE_NONE;
  for (guint i = 0; i < G_N_ELEMENTS (tries) && matched == HB_STAFF_ROLE_NONE; i++)
    {
      g_autoptr(GError) local = NULL;
      if (tries[i].hash == NULL)
        continue;
      if (hb_staff_auth_verify_pin (job->secret, tries[i].hash, &local))
        matched = tries[i].role;
      else if (local != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return HB_STAFF_ROLE_NONE;
        }
    }
  return conclude (self, job->terminal_id, "pin", matched, "pin", &job->staff_id,
                   &job->retry_after_s, error);
}

static HbStaffRole
run_card (HbStaffAuth *self, Job *job, GError **error)
{
  g_autofree char *version = NULL, *staff_id = NULL, *role = NULL;
  g_autoptr(GError) local = NULL;

  if (!hb_staff_store_get_allowlist_info (self->store, &version, NULL, NULL, &local))
    {
      g_set_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_FAILED, "staff entry: %s",
                   local->message);
      return HB_STAFF_ROLE_NONE;
    }
  if (version == NULL)
    {
      g_set_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_NOT_CONFIGURED,
                   "no staff allow-list yet (the terminal has not reached the platform)");
      return HB_STAFF_ROLE_NONE;
    }
  if (!precheck (self, &job->retry_after_s, error))
    return HB_STAFF_ROLE_NONE;
  /* An unreadable number (no digest) is simply not on the list. */
  if (*job->secret != '\0'
      && !hb_staff_store_lookup (self->store, job->secret, &staff_id, &role, &local)
      && !g_error_matches (local, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND))
    {
      g_set_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_FAILED, "staff entry: %s",
                   local->message);
      return HB_STAFF_ROLE_NONE;
    }
  return conclude (self, job->terminal_id, "card", hb_staff_role_from_string (role), staff_id,
                   &job->staff_id, &job->retry_after_s, error);
}

static HbStaffRole
finish_job (Job *job, HbStaffRole role, char **staff_id, gint64 *retry_after_s)
{
  if (staff_id)
    *staff_id = role != HB_STAFF_ROLE_NONE ? g_steal_pointer (&job->staff_id) : NULL;
  if (retry_after_s)
    *retry_after_s = job->retry_after_s;
  return role;
}

HbStaffRole
hb_staff_auth_check_pin (HbStaffAuth *self, const char *pin, char **staff_id,
                         gint64 *retry_after_s, GError **error)
{
  Job *job;
  HbStaffRole role;

  g_return_val_if_fail (HB_IS_STAFF_AUTH (self), HB_STAFF_ROLE_NONE);
  job = job_new (self, pin);
  role = run_pin (self, job, error);
  finish_job (job, role, staff_id, retry_after_s);
  job_free (job);
  return role;
}

HbStaffRole
hb_staff_auth_check_card (HbStaffAuth *self, const char *id_number, char **staff_id,
                          gint64 *retry_after_s, GError **error)
{
  g_autofree char *digest = hb_staff_auth_card_digest (id_number);
  Job *job;
  HbStaffRole role;

  g_return_val_if_fail (HB_IS_STAFF_AUTH (self), HB_STAFF_ROLE_NONE);
  job = job_new (self, digest);
  role = run_card (self, job, error);
  finish_job (job, role, staff_id, retry_after_s);
  job_free (job);
  return role;
}

static void
pin_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  job->role = run_pin (HB_STAFF_AUTH (source), job, &error);
  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
card_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  job->role = run_card (HB_STAFF_AUTH (source), job, &error);
  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Once started, a check runs to its end (a failure must be counted), so the task does not
 * return early on cancellation. */
static void
start_job (HbStaffAuth *self, Job *job, GTaskThreadFunc func, gpointer tag,
           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, func);
}

void
hb_staff_auth_check_pin_async (HbStaffAuth *self, const char *pin, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (HB_IS_STAFF_AUTH (self));
  start_job (self, job_new (self, pin), pin_thread, hb_staff_auth_check_pin_async, cancellable,
             callback, user_data);
}

static HbStaffRole
finish_task (HbStaffAuth *self, GAsyncResult *result, gpointer tag, char **staff_id,
             gint64 *retry_after_s, GError **error)
{
  Job *job;

  g_return_val_if_fail (g_task_is_valid (result, self), HB_STAFF_ROLE_NONE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, HB_STAFF_ROLE_NONE);
  job = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return finish_job (job, HB_STAFF_ROLE_NONE, staff_id, retry_after_s);
  return finish_job (job, job->role, staff_id, retry_after_s);
}

HbStaffRole
hb_staff_auth_check_pin_finish (HbStaffAuth *self, GAsyncResult *result, char **staff_id,
                                gint64 *retry_after_s, GError **error)
{
  return finish_task (self, result, hb_staff_auth_check_pin_async, staff_id, retry_after_s,
                      error);
}

void
hb_staff_auth_check_card_async (HbStaffAuth *self, const char *id_number,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autofree char *digest = hb_staff_auth_card_digest (id_number);
  g_return_if_fail (HB_IS_STAFF_AUTH (self));
  start_job (self, job_new (self, digest), card_thread, hb_staff_auth_check_card_async,
             cancellable, callback, user_data);
}

HbStaffRole
hb_staff_auth_check_card_finish (HbStaffAuth *self, GAsyncResult *result, char **staff_id,
                                 gint64 *retry_after_s, GError **error)
{
  return finish_task (self, result, hb_staff_auth_check_card_async, staff_id, retry_after_s,
                      error);
}

gint64
hb_staff_auth_locked_for (HbStaffAuth *self)
{
  HbStaffLockout s;
  g_return_val_if_fail (HB_IS_STAFF_AUTH (self), 0);
  if (!hb_staff_store_get_lockout (self->store, &s, NULL))
    return 0;
  return remaining (&s, now_s (self));
}

guint
hb_staff_auth_attempts_left (HbStaffAuth *self)
{
  HbStaffLockout s;
  gint64 now;

  g_return_val_if_fail (HB_IS_STAFF_AUTH (self), 0);
  if (!hb_staff_store_get_lockout (self->store, &s, NULL))
    return HB_STAFF_MAX_FAILURES;
  now = now_s (self);
  if (remaining (&s, now) > 0)
    return 0;
  if (s.locked_until != 0)   /* ran out: a fresh run */
    return HB_STAFF_MAX_FAILURES;
  return s.failures < HB_STAFF_MAX_FAILURES ? HB_STAFF_MAX_FAILURES - s.failures : 0;
}

typedef struct {
  gint64   now;
  gboolean was_locked;
} Clear;

static void
clear_step (HbStaffLockout *s, gpointer data)
{
  Clear *c = data;
  c->was_locked = s->locked_until > c->now;
  memset (s, 0, sizeof *s);
}

gboolean
hb_staff_auth_unlock (HbStaffAuth *self, const char *actor, GError **error)
{
  g_autoptr(GError) local = NULL;
  Clear c = { now_s (self), FALSE };

  g_return_val_if_fail (HB_IS_STAFF_AUTH (self) && actor != NULL, FALSE);
  if (!hb_staff_store_update_lockout (self->store, clear_step, &c, NULL, &local))
    {
      g_set_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_FAILED, "staff entry: %s",
                   local->message);
      return FALSE;
    }
  g_message ("staff entry: lockout cleared by %s", actor);
  audit (self, actor, "maintenance.unlock", NULL,
         c.was_locked ? "lockout cleared" : "failure count cleared (was not locked)");
  return TRUE;
}

/* ---- the allow-list cache ---- */

gboolean
hb_staff_auth_store_allowlist (HbStaffAuth *self, const HbStaffAllowlist *list, GError **error)
{
  g_autofree HbStaffRow *rows = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (HB_IS_STAFF_AUTH (self) && list != NULL, FALSE);
  rows = g_new0 (HbStaffRow, list->entries->len + 1);
  for (guint i = 0; i < list->entries->len; i++)
    {
      HbStaffEntry *e = list->entries->pdata[i];
      rows[i].staff_id = e->staff_id;
      rows[i].role = hb_staff_role_to_string (e->role);
      rows[i].id_number_sm3 = e->id_number_sm3;
    }
  if (!hb_staff_store_replace_allowlist (self->store, list->version, rows, list->entries->len,
                                         now_s (self), &local))
    {
      g_set_error (error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_FAILED,
                   "staff allow-list: %s", local->message);
      return FALSE;
    }
  g_message ("staff entry: allow-list %s stored (%u entries)", list->version,
             list->entries->len);
  return TRUE;
}

void
hb_staff_auth_get_allowlist_info (HbStaffAuth *self, char **version, guint *n_entries,
                                  gint64 *stored_at)
{
  g_autofree char *v = NULL;
  guint n = 0;
  gint64 at = 0;

  g_return_if_fail (HB_IS_STAFF_AUTH (self));
  if (!hb_staff_store_get_allowlist_info (self->store, &v, &n, &at, NULL))
    n = 0, at = 0;
  if (version)
    *version = g_steal_pointer (&v);
  if (n_entries)
    *n_entries = n;
  if (stored_at)
    *stored_at = at;
}

static void
store_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  const char *body = data;
  GError *error = NULL;
  g_autoptr(HbStaffAllowlist) list = hb_staff_allowlist_parse (body, strlen (body), &error);

  if (list == NULL || !hb_staff_auth_store_allowlist (HB_STAFF_AUTH (source), list, &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, list->entries->len);
}

static void
staff_answered (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  guint status = 0;
  char *body = hb_sync_request_finish (HB_SYNC (source), result, &status, &error);

  if (body == NULL)
    {
      g_message ("staff entry: allow-list not refreshed: %s", error->message);
      g_task_return_error (task, error);
      return;
    }
  if (status != 200)
    {
      g_message ("staff entry: allow-list not refreshed: the platform answered %u", status);
      g_free (body);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "the platform answered %u to GET /v1/staff", status);
      return;
    }
  g_task_set_task_data (task, body, g_free);
  g_task_run_in_thread (task, store_thread);
}

void
hb_staff_auth_refresh_async (HbStaffAuth *self, HbSync *sync, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (HB_IS_STAFF_AUTH (self) && HB_IS_SYNC (sync));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hb_staff_auth_refresh_async);
  hb_sync_request_async (sync, "GET", "/v1/staff", NULL, cancellable, staff_answered, task);
}

gboolean
hb_staff_auth_refresh_finish (HbStaffAuth *self, GAsyncResult *result, guint *n_entries,
                              GError **error)
{
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  n = g_task_propagate_int (G_TASK (result), error);
  if (n < 0)
    return FALSE;
  if (n_entries)
    *n_entries = (guint) n;
  return TRUE;
}
