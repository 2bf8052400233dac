/* test-pinyin.c — offline-cache/hb-pinyin.c: initials, full pinyin, polyphone variants. */
#include "offline-cache/hb-pinyin.h"
#include "offline-cache/hb-pinyin-private.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

static void
assert_initials (const char *text, const char *expected)
{
  g_autofree char *got = hb_pinyin_initials (text);
  g_assert_cmpstr (got, ==, expected);
}

static void
test_initials_of_service_names (void)
{
  assert_initials ("居住证签注", "jzzqz");
  assert_initials ("社保", "sb");
  assert_initials ("社会保险个人权益记录打印", "shbxgrqyjldy");
  assert_initials ("医保个人信息查询", "ybgrxxcx");
  assert_initials ("公积金提取", "gjjtq");
  assert_initials ("单位参保缴费证明打印", "dwcbjfzmdy");
  assert_initials ("企业登记信息查询打印", "qydjxxcxdy");
  /* everyday readings of polyphones */
  assert_initials ("长期居住", "cqjz");
  assert_initials ("银行卡", "yxk");    /* one reading per character: 行 is xing */
  assert_initials ("重新申领", "zxsl");
}

static void
test_latin_digits_and_punctuation (void)
{
  assert_initials ("ETC卡办理", "etckbl");
  assert_initials ("ID", "id");
  assert_initials ("2026年 社保（个人）", "2026nsbgr");
  assert_initials ("，。！？ ", "");
  assert_initials ("", "");
  assert_initials (NULL, "");
  /* Invalid UTF-8 and characters without a reading are skipped, never a crash. */
  assert_initials ("\xff社\xe4\xb8保", "sb");
  assert_initials ("😀居住证", "jzz");
  assert_initials ("\xe3\x80\x87", "");             /* 〇 is outside the table's block */
}

static void
test_full_pinyin (void)
{
  g_autofree char *a = hb_pinyin_full ("居住证");
  g_autofree char *b = hb_pinyin_full ("绿化 ETC");
  g_autofree char *c = hb_pinyin_full ("");
  g_assert_cmpstr (a, ==, "juzhuzheng");
  g_assert_cmpstr (b, ==, "lvhuaetc");             /* ü is written v */
  g_assert_cmpstr (c, ==, "");
}

static void
test_polyphone_variants (void)
{
  g_auto(GStrv) a = hb_pinyin_initials_variants ("校长", 4);
  g_auto(GStrv) b = hb_pinyin_initials_variants ("居住证", 4);
  g_auto(GStrv) c = hb_pinyin_initials_variants ("长长长长长长长长", 3);
  g_auto(GStrv) d = hb_pinyin_initials_variants ("", 0);

  /* 校 xiao/jiao, 长 chang/zhang: the common reading first. */
  g_assert_cmpstr (a[0], ==, "xc");
  g_assert_true (g_strv_contains ((const char *const *) a, "xz"));
  g_assert_true (g_strv_contains ((const char *const *) a, "jc"));
  g_assert_cmpuint (g_strv_length (a), <=, 4);
  g_assert_cmpuint (g_strv_length (b), ==, 1);
  g_assert_cmpstr (b[0], ==, "jzz");
  g_assert_cmpuint (g_strv_length (c), ==, 3);      /* capped */
  g_assert_cmpstr (c[0], ==, "cccccccc");
  for (guint i = 0; c[i]; i++)
    for (guint j = i + 1; c[j]; j++)
      g_assert_cmpstr (c[i], !=, c[j]);
  g_assert_cmpuint (g_strv_length (d), ==, 1);
  g_assert_cmpstr (d[0], ==, "");
}

/* Every GB2312 hanzi has a reading (the generator checks; this guards the committed table). */
static void
test_gb2312_is_covered (void)
{
  guint n = 0;

  for (guint hi = 0xB0; hi <= 0xF7; hi++)
    for (guint lo = 0xA1; lo <= 0xFE; lo++)
      {
        char gb[2] = { (char) hi, (char) lo };
        gsize written = 0;
        g_autofree char *u = g_convert (gb, 2, "UTF-8", "GB2312", NULL, &written, NULL);
        if (u == NULL)
          continue;                                  /* unassigned slot (row 55 end) */
        g_autofree char *ini = hb_pinyin_initials (u);
        if (strlen (ini) != 1)
          g_test_message ("no reading for U+%04X", g_utf8_get_char (u));
        g_assert_cmpuint (strlen (ini), ==, 1);
        g_assert_true (g_ascii_islower (ini[0]));
        n++;
      }
  g_assert_cmpuint (n, ==, 6763);
}

static void
test_table_is_sorted (void)
{
  for (guint i = 1; i < HB_PINYIN_SYLLABLES; i++)
    g_assert_cmpint (strcmp (hb_pinyin_syllables[i - 1], hb_pinyin_syllables[i]), <, 0);
  for (guint i = 1; i < HB_PINYIN_ALTS; i++)
    g_assert_cmpuint (hb_pinyin_alt[i - 1].cp, <, hb_pinyin_alt[i].cp);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add_func ("/offline-cache/pinyin/" path, fn)
  ADD ("initials-of-service-names", test_initials_of_service_names);
  ADD ("latin-digits-kept-punctuation-skipped", test_latin_digits_and_punctuation);
  ADD ("full-pinyin-is-toneless-with-v-for-u-umlaut", test_full_pinyin);
  ADD ("polyphones-give-capped-variants", test_polyphone_variants);
  ADD ("every-gb2312-hanzi-has-a-reading", test_gb2312_is_covered);
  ADD ("tables-are-sorted-for-binary-search", test_table_is_sorted);
#undef ADD
  return g_test_run ();
}
