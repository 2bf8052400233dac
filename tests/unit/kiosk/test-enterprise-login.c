/* Tests for kiosk/hb-enterprise-login.c: 企业登录 replies and the USCC advice shown on the
 * business page. */
#include "kiosk/hb-enterprise-login.h"
#include "kiosk/hb-form.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

#define GOOD "{\"enterprise\":{\"name\":\"上海好办示范科技有限公司\",\"uscc\":\"91310104MA1HB0AB09\"," \
             "\"legal_rep\":\"王晓明\",\"address\":\"上海市徐汇区漕溪北路88号9楼\"," \
             "\"type\":\"有限责任公司（自然人投资或控股）\",\"registered_capital_fen\":100000000}," \
             "\"role\":\"legal_rep\"}"

static HbEnterpriseLogin *
parse (const char *json, GError **error)
{
  return hb_enterprise_login_parse (json, strlen (json), error);
}

static void
test_reads_the_enterprise_and_the_role (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbEnterpriseLogin) l = parse (GOOD, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hb_enterprise_login_get_name (l), ==, "上海好办示范科技有限公司");
  g_assert_cmpstr (hb_enterprise_login_get_uscc (l), ==, "91310104MA1HB0AB09");
  g_assert_cmpstr (json_object_get_string_member (l->enterprise, "legal_rep"), ==, "王晓明");
  g_assert_cmpint (json_object_get_int_member (l->enterprise, "registered_capital_fen"), ==, 100000000);
  g_assert_cmpint (l->role, ==, HB_ENTERPRISE_ROLE_LEGAL_REP);
  g_assert_cmpstr (hb_enterprise_role_to_string (l->role), ==, "legal_rep");

  g_autoptr(HbEnterpriseLogin) agent =
    parse ("{\"enterprise\":{\"name\":\"晓东便利店\",\"uscc\":\"92310110MA1G5H6T4T\",\"extra\":[1]},"
           "\"role\":\"agent\"}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (agent->role, ==, HB_ENTERPRISE_ROLE_AGENT);
  /* only the members of the contract are kept */
  g_assert_false (json_object_has_member (agent->enterprise, "extra"));
  g_assert_false (json_object_has_member (agent->enterprise, "legal_rep"));
}

static void
test_refuses_an_unusable_reply (void)
{
  const char *bad[] = {
    "", "{}", "[]", "{\"role\":\"agent\"}",
    "{\"enterprise\":{\"name\":\"x\",\"uscc\":\"91310104MA1HB0AB09\"}}",                 /* no role */
    "{\"enterprise\":{\"name\":\"x\",\"uscc\":\"91310104MA1HB0AB09\"},\"role\":\"boss\"}",
    "{\"enterprise\":{\"name\":\"x\",\"uscc\":\"91310104MA1HB0AB09\"},\"role\":1}",
    "{\"enterprise\":{\"uscc\":\"91310104MA1HB0AB09\"},\"role\":\"agent\"}",            /* no name */
    "{\"enterprise\":{\"name\":\"\",\"uscc\":\"91310104MA1HB0AB09\"},\"role\":\"agent\"}",
    "{\"enterprise\":{\"name\":\"x\",\"uscc\":\"91310104MA1HB0AB08\"},\"role\":\"agent\"}", /* check char */
    "{\"enterprise\":{\"name\":\"x\"},\"role\":\"agent\"}",
    "{\"enterprise\":{\"name\":\"x\",\"uscc\":\"91310104MA1HB0AB09\",\"legal_rep\":7},\"role\":\"agent\"}",
    "{\"enterprise\":{\"name\":\"x\",\"uscc\":\"91310104MA1HB0AB09\",\"address\":\"a\\nb\"},\"role\":\"agent\"}",
    "{\"enterprise\":{\"name\":\"x\",\"uscc\":\"91310104MA1HB0AB09\",\"registered_capital_fen\":-1},\"role\":\"agent\"}",
    "{\"enterprise\":{\"name\":\"x\",\"uscc\":\"91310104MA1HB0AB09\",\"registered_capital_fen\":\"1\"},\"role\":\"agent\"}",
    "{\"enterprise\":[],\"role\":\"agent\"}",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HbEnterpriseLogin) l = parse (bad[i], &error);
      if (l)
        g_error ("accepted %s", bad[i]);
      g_assert_error (error, HB_ENTERPRISE_LOGIN_ERROR, HB_ENTERPRISE_LOGIN_ERROR_FAILED);
      g_assert_null (strstr (error->message, "91310104"));
    }
  g_autoptr(GString) s = g_string_new ("{\"enterprise\":{\"name\":\"");
  for (guint i = 0; i < 257; i++)
    g_string_append_c (s, 'a');
  g_string_append (s, "\",\"uscc\":\"91310104MA1HB0AB09\"},\"role\":\"agent\"}");
  g_autoptr(HbEnterpriseLogin) long_name = parse (s->str, NULL);
  g_assert_null (long_name);
  g_autofree char *deep = g_strnfill (100000, '{');
  g_autoptr(HbEnterpriseLogin) too_deep = parse (deep, NULL);
  g_assert_null (too_deep);
}

static void
test_says_what_is_wrong_with_a_typed_code (void)
{
  g_autofree char *ok = hb_uscc_describe_problem ("91310104MA1HB0AB09");
  g_autofree char *short_ = hb_uscc_describe_problem ("91310104MA1HB0AB0");
  g_autofree char *empty = hb_uscc_describe_problem ("");
  g_autofree char *long_ = hb_uscc_describe_problem ("91310104MA1HB0AB091");
  g_autofree char *letter = hb_uscc_describe_problem ("91310104MA1HBOAB09");   /* O, not 0 */
  g_autofree char *lower = hb_uscc_describe_problem ("91310104ma1hb0ab09");
  g_autofree char *check = hb_uscc_describe_problem ("91310104MA1HB0AB08");

  g_assert_null (ok);
  g_assert_nonnull (strstr (short_, "还差1位"));
  g_assert_nonnull (strstr (empty, "还差18位"));
  g_assert_nonnull (strstr (long_, "多了1位"));
  g_assert_nonnull (strstr (letter, "第14位"));
  g_assert_nonnull (strstr (lower, "第9位"));
  g_assert_nonnull (strstr (check, "校验位"));
  g_assert_true (hb_uscc_is_valid ("92310110MA1G5H6T4T"));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/enterprise-login/reads-the-enterprise-and-the-role",
                   test_reads_the_enterprise_and_the_role);
  g_test_add_func ("/kiosk/enterprise-login/refuses-an-unusable-reply", test_refuses_an_unusable_reply);
  g_test_add_func ("/kiosk/enterprise-login/says-what-is-wrong-with-a-typed-code",
                   test_says_what_is_wrong_with_a_typed_code);
  return g_test_run ();
}
