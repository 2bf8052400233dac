/* hb-enterprise-login.h — 企业登录: a resident already identified (card, or a code the
 * platform resolved to a person) acts for a business by its 统一社会信用代码
 * (POST /v1/enterprises/login, docs/platform-api.md). The answer names the enterprise
 * (the `enterprise.*` pre-fill sources of docs/service-format.md) and the resident's role:
 * its legal representative (法定代表人) or an authorised agent (经办人).
 *
 * The parser is pure and bounded (tests/fuzz/fuzz-enterprise-login.c). The reply holds
 * names: it is zeroed before it is freed and never logged. */
#pragma once

#include "offline-cache/hb-sync.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HB_ENTERPRISE_LOGIN_REPLY_MAX  (16 * 1024)

#define HB_ENTERPRISE_LOGIN_ERROR (hb_enterprise_login_error_quark ())
GQuark hb_enterprise_login_error_quark (void);
typedef enum {
  HB_ENTERPRISE_LOGIN_ERROR_INVALID_USCC,    /* 400 invalid-uscc, or refused on the terminal */
  HB_ENTERPRISE_LOGIN_ERROR_UNKNOWN,         /* 404 unknown-enterprise */
  HB_ENTERPRISE_LOGIN_ERROR_NOT_AUTHORISED,  /* 403 not-authorised */
  HB_ENTERPRISE_LOGIN_ERROR_FAILED,          /* any other answer, or an unusable reply */
} HbEnterpriseLoginError;
/* Network failures are the transport's G_IO_ERROR (offline: the login is online only). */

typedef enum {
  HB_ENTERPRISE_ROLE_LEGAL_REP,   /* "legal_rep" 法定代表人 */
  HB_ENTERPRISE_ROLE_AGENT,       /* "agent" 经办人 */
} HbEnterpriseRole;
const char *hb_enterprise_role_to_string (HbEnterpriseRole role);   /* "legal_rep", "agent" */

typedef struct {
  /* Only the members of the contract, checked: "name" (1–256 bytes) and "uscc" (valid
   * GB 32100) always; "legal_rep" (≤ 64), "address" (≤ 512), "type" (≤ 128) strings and
   * "registered_capital_fen" (integer ≥ 0) when the platform sent them. */
  JsonObject       *enterprise;
  HbEnterpriseRole  role;
} HbEnterpriseLogin;

/* The 200 answer {"enterprise": {…}, "role"} → a checked copy, or NULL with
 * HB_ENTERPRISE_LOGIN_ERROR_FAILED (the message never holds a value). */
HbEnterpriseLogin *hb_enterprise_login_parse (const char *data, gsize length, GError **error);
void               hb_enterprise_login_free  (HbEnterpriseLogin *login);   /* zeroes; NULL-safe */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbEnterpriseLogin, hb_enterprise_login_free)

const char *hb_enterprise_login_get_name (const HbEnterpriseLogin *login);
const char *hb_enterprise_login_get_uscc (const HbEnterpriseLogin *login);

/* What is wrong with a code typed on the terminal, as a translated sentence that says how to
 * fix it (too short, a character GB 32100 does not use, a wrong check character), or NULL
 * when hb_uscc_is_valid accepts it. */
char       *hb_uscc_describe_problem (const char *code);

/* POST /v1/enterprises/login {"uscc","id_number"}; the code is checked on the terminal
 * first (HB_ENTERPRISE_LOGIN_ERROR_INVALID_USCC without a request). The answer's uscc must
 * be the one asked for. */
void               hb_enterprise_login_async  (HbSync *sync, const char *uscc,
                                               const char *id_number, GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
HbEnterpriseLogin *hb_enterprise_login_finish (GAsyncResult *result, GError **error);

G_END_DECLS
