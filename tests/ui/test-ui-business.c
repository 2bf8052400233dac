/* UI: 企业登录 — a resident identified by card taps 企业业务 on the catalog page, types the
 * business's 统一社会信用代码 on the pad (a wrong check character is caught on the spot, a
 * business they may not act for is refused by the platform), logs in, and the catalog
 * shows business services; a business service's form is pre-filled with the enterprise.
 * PNGs in build/test-output/test-ui-business/. */
#include "ui-fixture.h"

#define BUSINESS_ENTRY "企业业务 · 输入统一社会信用代码"
#define VAT            "增值税及附加税费申报"
#define ENTERPRISE     "上海好办示范科技有限公司"

static const char *
code_shown (Ui *ui)
{
  return ui_label_text (ui, hb_i18n_is_english () ? "The code entered" : "已输入的统一社会信用代码");
}

typedef struct { Ui *ui; const char *want; } CodeWait;

static gboolean
code_is (gpointer data)
{
  CodeWait *w = data;
  return g_str_equal (code_shown (w->ui), w->want);
}

/* A press lands a moment later (GTK animates the button first). */
static void
wait_code (Ui *ui, const char *want)
{
  CodeWait w = { ui, want };
  if (!hb_test_wait_until (code_is, &w, 10000))
    g_error ("the code shows \"%s\", expected \"%s\"", code_shown (ui), want);
}

/* How the page shows a partly typed code: 2 + 6 + 9 + 1, underscores for the rest. */
static char *
grouped (const char *code, gsize n)
{
  GString *s = g_string_new (NULL);
  for (gsize i = 0; i < 18; i++)
    {
      if (i == 2 || i == 8 || i == 17)
        g_string_append_c (s, ' ');
      g_string_append_c (s, i < n ? code[i] : '_');
    }
  return g_string_free (s, FALSE);
}

/* One key after the other, each pressed once it is a new press (a button pressed twice
 * within its animation takes one click). */
static void
type_code (Ui *ui, const char *code)
{
  for (gsize i = 0; code[i]; i++)
    {
      char key[2] = { code[i], '\0' };
      g_autofree char *want = grouped (code, i + 1);
      ui_press (ui, key);
      wait_code (ui, want);
    }
}

static void
test_a_resident_logs_in_for_a_business (Ui *ui, gconstpointer data)
{
  HbCore *core = hb_application_get_core (ui->app);
  HbSession *session = hb_core_get_session (core);

  ui->prefix = "business-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_press (ui, "开始办理");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  ui_press (ui, "放身份证 1");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  ui_wait_for (ui, BUSINESS_ENTRY);
  ui_snapshot (ui, "catalog-resident");

  ui_press (ui, BUSINESS_ENTRY);
  ui_wait_page (ui, HB_PAGE_BUSINESS);
  g_assert_cmpstr (code_shown (ui), ==, "__ ______ _________ _");
  g_assert_false (gtk_widget_is_sensitive (ui_find (ui, "登录企业")));
  /* the pad has no I, O, S, V, Z */
  g_assert_null (ui_find (ui, "O"));
  g_assert_null (ui_find (ui, "I"));
  ui_snapshot (ui, "pad-empty");

  /* The last character mistyped: said at once, with what to do. */
  type_code (ui, "91310104MA1HB0AB08");
  wait_code (ui, "91 310104 MA1HB0AB0 8");
  g_assert_nonnull (strstr (ui_label_text (ui, "代码错误提示"), "校验位"));
  /* 18 typed: the character keys rest */
  g_assert_false (gtk_widget_is_sensitive (ui_find (ui, "A")));
  ui_snapshot (ui, "wrong-check-character");

  /* A business this resident may not act for: the platform refuses, plainly. */
  ui_press (ui, "清空代码");
  wait_code (ui, "__ ______ _________ _");
  type_code (ui, "92310110MA1G5H6T4T");
  wait_code (ui, "92 310110 MA1G5H6T4 T");
  ui_press (ui, "登录企业");
  ui_wait_for (ui, "代码错误提示");
  g_assert_nonnull (strstr (ui_label_text (ui, "代码错误提示"), "法定代表人或授权经办人"));
  g_assert_cmpint (hb_person_get_principal (hb_session_get_person (session)), ==,
                   HB_PRINCIPAL_PERSON);
  ui_snapshot (ui, "not-authorised");

  /* The right code, corrected with the delete key. */
  ui_press (ui, "清空代码");
  wait_code (ui, "__ ______ _________ _");
  type_code (ui, "91310104MA1HB0AB08");
  wait_code (ui, "91 310104 MA1HB0AB0 8");
  ui_press (ui, "删除一位");
  wait_code (ui, "91 310104 MA1HB0AB0 _");
  g_assert_null (ui_find (ui, "代码错误提示"));   /* the error went with the fix */
  ui_press (ui, "9");
  wait_code (ui, "91 310104 MA1HB0AB0 9");
  g_assert_true (gtk_widget_is_sensitive (ui_find (ui, "登录企业")));
  ui_snapshot (ui, "code-typed");
  ui_press (ui, "登录企业");

  /* The same visit, now the business's. */
  ui_wait_page (ui, HB_PAGE_CATALOG);
  ui_wait_for (ui, VAT);
  g_assert_cmpint (hb_person_get_principal (hb_session_get_person (session)), ==,
                   HB_PRINCIPAL_ENTERPRISE);
  g_assert_null (ui_find (ui, BUSINESS_ENTRY));
  g_assert_null (ui_find (ui, "居住证签注"));
  ui_snapshot (ui, "catalog-business");

  ui_press (ui, VAT);
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_snapshot (ui, "guide");
  ui_press (ui, "开始填写");
  ui_wait_page (ui, HB_PAGE_FORM);
  HbForm *form = hb_session_get_form (session);
  g_assert_cmpstr (hb_form_get_value (form, "org_name"), ==, ENTERPRISE);
  g_assert_true (hb_form_is_prefilled (form, "org_name"));
  g_assert_true (hb_form_is_prefilled (form, "contact_name"));   /* the resident, as agent */
  ui_snapshot (ui, "form-first-question");

  /* Pre-filled answers are not asked again: three questions, then the check page. */
  ui_press (ui, "下一步");
  ui_set_text (ui, "开始日期", "20261001");
  ui_press (ui, "下一步");
  ui_set_text (ui, "结束日期", "20261031");
  ui_press (ui, "下一步：核对信息");
  ui_wait_page (ui, HB_PAGE_CHECK);
  /* 单位名称 and its code, pre-filled from the login (each value is named by its label) */
  g_assert_cmpstr (ui_label_text (ui, "单位名称"), ==, ENTERPRISE);
  g_assert_cmpstr (ui_label_text (ui, "统一社会信用代码"), ==, "91310104MA1HB0AB09");
  ui_snapshot (ui, "check-enterprise-prefilled");

  ui_press (ui, "确认提交");
  ui_wait_page (ui, HB_PAGE_RESULT);
  ui_snapshot (ui, "result");
  g_autoptr(GError) error = NULL;
  long status = 0;
  g_autofree char *apps = hb_test_sim_request (ui->sim, "GET", "/_sim/applications", NULL, &status);
  g_autoptr(JsonNode) node = hb_json_parse (apps, -1, 1 << 20, 32, &error);
  g_assert_no_error (error);
  JsonObject *body = json_object_get_object_member (
    json_array_get_object_element (json_node_get_array (node), 0), "body");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (body, "applicant"),
                                                  "uscc"), ==, "91310104MA1HB0AB09");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (body, "agent"),
                                                  "role"), ==, "agent");
}

static void
test_in_english_the_pad_explains_the_same (Ui *ui, gconstpointer data)
{
  ui->prefix = "english-";
  ui_press (ui, "Switch to English");
  ui_press (ui, "Start");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  ui_press (ui, "放身份证 1");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  ui_press (ui, "Business services · enter the unified social credit code");
  ui_wait_page (ui, HB_PAGE_BUSINESS);
  type_code (ui, "91310104MA1HB0AB08");
  g_assert_nonnull (strstr (ui_label_text (ui, "What is wrong with the code"), "check character"));
  ui_wait_for (ui, "Log in");
  ui_snapshot (ui, "wrong-check-character");
  ui_press (ui, "Back to personal services");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  hb_i18n_set_language ("zh_CN");
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  g_test_add ("/ui/business/a-resident-logs-in-for-a-business", Ui, NULL, ui_setup,
              test_a_resident_logs_in_for_a_business, ui_teardown);
  g_test_add ("/ui/business/in-english-the-pad-explains-the-same", Ui, NULL, ui_setup,
              test_in_english_the_pad_explains_the_same, ui_teardown);
  return g_test_run ();
}
