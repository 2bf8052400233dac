/* Tests for kiosk/hb-benefits.c: the 免申即享 reply parser and money shown from integer fen. */
#include "kiosk/hb-benefits.h"
#include "kiosk/hb-i18n.h"
#include "tests/common/hb-test-util.h"

#include <gio/gio.h>
#include <string.h>

static const char *const GOOD =
  "{\"benefits\":[{\"id\":\"elderly-nutrition\",\"name\":\"高龄老人营养补贴\","
  "\"name_en\":\"Nutrition allowance\",\"department\":\"上海市民政局\",\"amount_fen\":15005,"
  "\"period\":\"month\",\"description\":\"按月发放\",\"case_number\":null},"
  "{\"id\":\"card\",\"name\":\"敬老卡\",\"amount_fen\":0,\"period\":\"once\"}]}";

static void
test_parses_benefits_with_integer_fen (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = hb_benefits_parse (GOOD, strlen (GOOD), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  HbBenefit *b = list->pdata[0];
  g_assert_cmpstr (b->id, ==, "elderly-nutrition");
  g_assert_cmpint (b->amount_fen, ==, 15005);
  g_assert_null (b->case_number);
  hb_i18n_set_language ("zh_CN");
  g_autofree char *amount = hb_benefit_dup_amount_text (b);
  g_assert_cmpstr (amount, ==, "150.05 元/月");
  g_autofree char *none = hb_benefit_dup_amount_text (list->pdata[1]);
  g_assert_cmpstr (none, ==, "");
}

static void
test_refuses_what_is_not_a_benefit (void)
{
  const char *bad[] = {
    "", "[]", "{}", "{\"benefits\":{}}",
    "{\"benefits\":[{\"name\":\"无编号\"}]}",
    "{\"benefits\":[{\"id\":\"a/b\",\"name\":\"x\"}]}",                     /* id into a URL */
    "{\"benefits\":[{\"id\":\"a\",\"name\":\"x\",\"amount_fen\":1.5}]}",   /* not fen */
    "{\"benefits\":[{\"id\":\"a\",\"name\":\"x\",\"amount_fen\":-1}]}",
    "{\"benefits\":[{\"id\":\"a\",\"name\":\"x\",\"period\":\"week\"}]}",
    "{\"benefits\":[{\"id\":\"a\",\"name\":\"x\\u0007\"}]}",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) list = hb_benefits_parse (bad[i], strlen (bad[i]), &error);
      if (list != NULL)
        g_error ("accepted %s", bad[i]);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
  /* More than the bound. */
  g_autoptr(GString) many = g_string_new ("{\"benefits\":[");
  for (guint i = 0; i <= HB_BENEFITS_MAX; i++)
    g_string_append_printf (many, "%s{\"id\":\"b%u\",\"name\":\"x\"}", i ? "," : "", i);
  g_string_append (many, "]}");
  g_assert_null (hb_benefits_parse (many->str, many->len, NULL));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  hb_i18n_init (HB_LOCALEDIR);
  g_test_add_func ("/kiosk/benefits/parses-benefits-with-integer-fen",
                   test_parses_benefits_with_integer_fen);
  g_test_add_func ("/kiosk/benefits/refuses-what-is-not-a-benefit",
                   test_refuses_what_is_not_a_benefit);
  return g_test_run ();
}
