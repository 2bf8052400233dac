/* hb-enterprise-login.c — 企业登录 by 统一社会信用代码 (see the header). */
#include "kiosk/hb-enterprise-login.h"
#include "kiosk/hb-form.h"
#include "common/hb-json.h"

#include <glib/gi18n.h>
#include <gio/gio.h>
#include <string.h>

G_DEFINE_QUARK (hb-enterprise-login-error-quark, hb_enterprise_login_error)

#define USCC_LEN 18
static const char uscc_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

const char *
hb_enterprise_role_to_string (HbEnterpriseRole role)
{
  return role == HB_ENTERPRISE_ROLE_LEGAL_REP ? "legal_rep" : "agent";
}

char *
hb_uscc_describe_problem (const char *code)
{
  gsize n = code ? strlen (code) : 0;

  for (gsize i = 0; i < n; i++)
    if (strchr (uscc_chars, code[i]) == NULL)
      /* The pad offers only GB 32100 characters; a scanned or typed code may not. */
      return g_strdup_printf (_("第%u位“%c”不是统一社会信用代码使用的字符（不含字母I、O、S、V、Z），请核对"),
                              (guint) i + 1, g_ascii_isprint (code[i]) ? code[i] : '?');
  if (n < USCC_LEN)
    return g_strdup_printf (_("统一社会信用代码共18位，还差%u位，请对照营业执照继续输入"),
                            (guint) (USCC_LEN - n));
  if (n > USCC_LEN)
    return g_strdup_printf (_("统一社会信用代码共18位，多了%u位，请删除多余的字符"),
                            (guint) (n - USCC_LEN));
  if (!hb_uscc_is_valid (code))
    return g_strdup (_("校验位（第18位）与前17位不符，代码中有输错的字符，请对照营业执照逐位核对"));
  return NULL;
}

/* A string member of at most max bytes (UTF-8, no control characters): the copy goes into
 * out. FALSE when present and anything else, or absent though required. */
static gboolean
take_text (JsonObject *from, JsonObject *out, const char *name, gsize max, gboolean required)
{
  gboolean bad = FALSE;
  char *v = hb_json_dup_text_member (from, name, max, &bad);

  if (bad || (v == NULL && required) || (v && *v == '\0' && required))
    {
      if (v)
        explicit_bzero (v, strlen (v));
      g_free (v);
      return FALSE;
    }
  if (v)
    {
      json_object_set_string_member (out, name, v);
      explicit_bzero (v, strlen (v));
      g_free (v);
    }
  return TRUE;
}

HbEnterpriseLogin *
hb_enterprise_login_parse (const char *data, gsize length, GError **error)
{
  g_autoptr(JsonObject) root = hb_json_parse_object (data, (gssize) length,
                                                     HB_ENTERPRISE_LOGIN_REPLY_MAX, 4, NULL);
  JsonNode *en = root ? json_object_get_member (root, "enterprise") : NULL;
  JsonObject *e = en && JSON_NODE_HOLDS_OBJECT (en) ? json_node_get_object (en) : NULL;
  JsonNode *capital = e ? json_object_get_member (e, "registered_capital_fen") : NULL;
  const char *role = NULL;
  g_autoptr(JsonObject) copy = json_object_new ();
  gboolean ok = e != NULL;
  HbEnterpriseLogin *login;

  if (root && json_object_has_member (root, "role")
      && JSON_NODE_HOLDS_VALUE (json_object_get_member (root, "role"))
      && json_node_get_value_type (json_object_get_member (root, "role")) == G_TYPE_STRING)
    role = json_object_get_string_member (root, "role");
  ok = ok && role && (g_str_equal (role, "legal_rep") || g_str_equal (role, "agent"));
  ok = ok && take_text (e, copy, "name", 256, TRUE) && take_text (e, copy, "uscc", 18, TRUE)
       && take_text (e, copy, "legal_rep", 64, FALSE) && take_text (e, copy, "address", 512, FALSE)
       && take_text (e, copy, "type", 128, FALSE)
       && hb_uscc_is_valid (json_object_get_string_member (copy, "uscc"));
  if (ok && capital && !JSON_NODE_HOLDS_NULL (capital))
    {
      ok = JSON_NODE_HOLDS_VALUE (capital) && json_node_get_value_type (capital) == G_TYPE_INT64
           && json_node_get_int (capital) >= 0;
      if (ok)
        json_object_set_int_member (copy, "registered_capital_fen", json_node_get_int (capital));
    }
  HbEnterpriseRole r = ok && g_str_equal (role, "legal_rep") ? HB_ENTERPRISE_ROLE_LEGAL_REP
                                                              : HB_ENTERPRISE_ROLE_AGENT;
  if (root)
    hb_json_object_wipe (root);   /* role pointed in there: read before */
  if (!ok)
    {
      hb_json_object_wipe (copy);
      g_set_error (error, HB_ENTERPRISE_LOGIN_ERROR, HB_ENTERPRISE_LOGIN_ERROR_FAILED,
                   "enterprise login reply is not valid");
      return NULL;
    }
  login = g_new0 (HbEnterpriseLogin, 1);
  login->enterprise = g_steal_pointer (&copy);
  login->role = r;
  return login;
}

void
hb_enterprise_login_free (HbEnterpriseLogin *login)
{
  if (login == NULL)
    return;
  hb_json_object_wipe (login->enterprise);
  json_object_unref (login->enterprise);
  g_free (login);
}

const char *
hb_enterprise_login_get_name (const HbEnterpriseLogin *login)
{
  return json_object_get_string_member (login->enterprise, "name");
}

const char *
hb_enterprise_login_get_uscc (const HbEnterpriseLogin *login)
{
  return json_object_get_string_member (login->enterprise, "uscc");
}

/* The platform's error code of a refusal ("invalid-uscc", …), or "" (transfer full). */
static char *
error_code (const char *body)
{
  g_autoptr(JsonObject) o = hb_json_parse_object (body, -1, HB_ENTERPRISE_LOGIN_REPLY_MAX, 4, NULL);
  gboolean bad = FALSE;
  char *code = o ? hb_json_dup_text_member (o, "error", 64, &bad) : NULL;
  return code ? code : g_strdup ("");
}

static GError *
refusal (guint status, const char *body)
{
  g_autofree char *code = error_code (body);

  if (status == 400 && g_str_equal (code, "invalid-uscc"))
    return g_error_new (HB_ENTERPRISE_LOGIN_ERROR, HB_ENTERPRISE_LOGIN_ERROR_INVALID_USCC,
                        "the platform refused the code (invalid-uscc)");
  if (status == 404)
    return g_error_new (HB_ENTERPRISE_LOGIN_ERROR, HB_ENTERPRISE_LOGIN_ERROR_UNKNOWN,
                        "no enterprise with this code (unknown-enterprise)");
  if (status == 403)
    return g_error_new (HB_ENTERPRISE_LOGIN_ERROR, HB_ENTERPRISE_LOGIN_ERROR_NOT_AUTHORISED,
                        "this person may not act for the enterprise (not-authorised)");
  return g_error_new (HB_ENTERPRISE_LOGIN_ERROR, HB_ENTERPRISE_LOGIN_ERROR_FAILED,
                      "the platform answered %u to POST /v1/enterprises/login", status);
}

static void
logged_in (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  guint status = 0;
  char *body = hb_sync_request_finish (HB_SYNC (source), result, &status, &error);
  HbEnterpriseLogin *login = NULL;
  const char *asked = g_task_get_task_data (task);

  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (status == 200)
    {
      login = hb_enterprise_login_parse (body, strlen (body), &error);
      if (login && !g_str_equal (hb_enterprise_login_get_uscc (login), asked))
        {
          g_clear_pointer (&login, hb_enterprise_login_free);
          error = g_error_new (HB_ENTERPRISE_LOGIN_ERROR, HB_ENTERPRISE_LOGIN_ERROR_FAILED,
                               "the platform answered for another enterprise");
        }
    }
  else
    error = refusal (status, body);
  explicit_bzero (body, strlen (body));   /* names of the enterprise and its representative */
  g_free (body);
  if (login == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, login, (GDestroyNotify) hb_enterprise_login_free);
}

void
hb_enterprise_login_async (HbSync *sync, const char *uscc, const char *id_number,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  GTask *task = g_task_new (sync, cancellable, callback, user_data);
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  char *body;

  g_task_set_source_tag (task, hb_enterprise_login_async);
  if (!hb_uscc_is_valid (uscc) || id_number == NULL)
    {
      g_task_return_new_error (task, HB_ENTERPRISE_LOGIN_ERROR,
                               HB_ENTERPRISE_LOGIN_ERROR_INVALID_USCC,
                               id_number ? "the code is not a valid USCC"
                                         : "no resident to log in with");
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, g_strdup (uscc), g_free);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "uscc");
  json_builder_add_string_value (b, uscc);
  json_builder_set_member_name (b, "id_number");
  json_builder_add_string_value (b, id_number);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = hb_json_to_string (root);
  hb_sync_request_async (sync, "POST", "/v1/enterprises/login", body, cancellable, logged_in, task);
  explicit_bzero (body, strlen (body));
  g_free (body);
  hb_json_object_wipe (json_node_get_object (root));
}

HbEnterpriseLogin *
hb_enterprise_login_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
