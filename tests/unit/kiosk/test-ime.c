/* Tests for kiosk/hb-ime.c: pinyin input over libgooglepinyin. */
#include "kiosk/hb-ime.h"
#include "tests/common/hb-test-util.h"

#include <string.h>
#include <unistd.h>

static HbIme *
new_ime (void)
{
  g_autoptr(GError) error = NULL;
  HbIme *ime = hb_ime_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ime);
  return ime;
}

static void
type (HbIme *ime, const char *letters)
{
  for (const char *p = letters; *p; p++)
    g_assert_true (hb_ime_add_letter (ime, *p));
}

/* Where text is among the candidates, or -1. */
static int
find_candidate (HbIme *ime, const char *text)
{
  for (guint i = 0; i < hb_ime_get_n_candidates (ime); i++)
    if (g_str_equal (hb_ime_get_candidate (ime, i), text))
      return (int) i;
  return -1;
}

static void
test_shanghai_first (void)
{
  g_autoptr(HbIme) ime = new_ime ();
  int at;

  type (ime, "shanghai");
  g_assert_cmpstr (hb_ime_get_pinyin (ime), ==, "shanghai");
  at = find_candidate (ime, "上海");
  g_assert_cmpint (at, >=, 0);
  g_assert_cmpint (at, <, 3);
}

static void
test_zhang (void)
{
  g_autoptr(HbIme) ime = new_ime ();
  int at;

  type (ime, "ZHANG");   /* upper case is folded */
  at = find_candidate (ime, "张");
  g_assert_cmpint (at, >=, 0);
  g_assert_cmpint (at, <, 5);
  g_assert_cmpint (hb_ime_get_n_candidates (ime), <=, HB_IME_MAX_CANDIDATES);
}

static void
test_choose_keeps_rest (void)
{
  g_autoptr(HbIme) ime = new_ime ();
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  int at;

  type (ime, "zhejiangsheng");
  at = find_candidate (ime, "浙江");
  g_assert_cmpint (at, >, 0);   /* 0 is the whole phrase */
  first = hb_ime_choose (ime, (guint) at);
  g_assert_cmpstr (first, ==, "浙江");
  g_assert_cmpstr (hb_ime_get_pinyin (ime), ==, "sheng");
  at = find_candidate (ime, "省");
  g_assert_cmpint (at, >=, 0);
  second = hb_ime_choose (ime, (guint) at);
  g_assert_cmpstr (second, ==, "省");
  g_assert_cmpstr (hb_ime_get_pinyin (ime), ==, "");
  g_assert_cmpuint (hb_ime_get_n_candidates (ime), ==, 0);
  g_assert_null (hb_ime_choose (ime, 0));
}

static void
test_choose_whole_phrase (void)
{
  g_autoptr(HbIme) ime = new_ime ();
  g_autofree char *text = NULL;

  type (ime, "zhongguoren");
  text = hb_ime_choose (ime, 0);
  g_assert_cmpstr (text, ==, "中国人");
  g_assert_cmpstr (hb_ime_get_pinyin (ime), ==, "");
}

static void
test_backspace (void)
{
  g_autoptr(HbIme) ime = new_ime ();

  type (ime, "zhejiangx");
  g_assert_true (hb_ime_backspace (ime));
  g_assert_cmpstr (hb_ime_get_pinyin (ime), ==, "zhejiang");
  g_assert_cmpstr (hb_ime_get_candidate (ime, 0), ==, "浙江");
  for (guint i = 0; i < strlen ("zhejiang"); i++)
    g_assert_true (hb_ime_backspace (ime));
  g_assert_cmpstr (hb_ime_get_pinyin (ime), ==, "");
  g_assert_cmpuint (hb_ime_get_n_candidates (ime), ==, 0);
  g_assert_false (hb_ime_backspace (ime));   /* nothing pending: the caller edits text */
}

static void
test_reset (void)
{
  g_autoptr(HbIme) ime = new_ime ();

  type (ime, "beijing");
  hb_ime_reset (ime);
  g_assert_cmpstr (hb_ime_get_pinyin (ime), ==, "");
  g_assert_cmpuint (hb_ime_get_n_candidates (ime), ==, 0);
}

static void
test_refuses_other_keys (void)
{
  g_autoptr(HbIme) ime = new_ime ();

  g_assert_false (hb_ime_add_letter (ime, '\''));   /* no separator first */
  g_assert_false (hb_ime_add_letter (ime, '1'));
  g_assert_false (hb_ime_add_letter (ime, ' '));
  g_assert_false (hb_ime_add_letter (ime, (char) 0xe4));
  g_assert_cmpstr (hb_ime_get_pinyin (ime), ==, "");
  type (ime, "xi'");
  g_assert_false (hb_ime_add_letter (ime, '\''));  /* not doubled either */
  type (ime, "an");
  g_assert_cmpint (find_candidate (ime, "西安"), >=, 0);
}

static void
test_long_input_bounded (void)
{
  g_autoptr(HbIme) ime = new_ime ();
  guint accepted = 0;

  for (guint i = 0; i < 200; i++)
    accepted += hb_ime_add_letter (ime, "zhonghuarenmingongheguo"[i % 23]);
  g_assert_cmpuint (accepted, ==, HB_IME_MAX_PINYIN);
  g_assert_cmpuint (strlen (hb_ime_get_pinyin (ime)), ==, HB_IME_MAX_PINYIN);
  g_assert_cmpuint (hb_ime_get_n_candidates (ime), >, 0);
  g_assert_cmpuint (hb_ime_get_n_candidates (ime), <=, HB_IME_MAX_CANDIDATES);
  for (guint i = 0; i < hb_ime_get_n_candidates (ime); i++)
    g_assert_cmpint (g_utf8_strlen (hb_ime_get_candidate (ime, i), -1), <=,
                     HB_IME_MAX_CANDIDATE_CHARS);
  /* Choosing word by word uses up all the pinyin. */
  for (guint i = 0; i < 2 * HB_IME_MAX_PINYIN && hb_ime_get_n_candidates (ime) > 0; i++)
    g_free (hb_ime_choose (ime, hb_ime_get_n_candidates (ime) > 1 ? 1 : 0));
  g_assert_cmpstr (hb_ime_get_pinyin (ime), ==, "");
}

/* Two keyboards (say two windows) share the library's one decoder: each keeps its own. */
static void
test_two_share_the_decoder (void)
{
  g_autoptr(HbIme) a = new_ime ();
  g_autoptr(HbIme) b = new_ime ();
  g_autofree char *text = NULL;
  int at;

  type (a, "zhejiangsheng");
  type (b, "zhang");
  at = find_candidate (a, "浙江");
  g_assert_cmpint (at, >, 0);
  text = hb_ime_choose (a, (guint) at);   /* the decoder holds b's search now */
  g_assert_cmpstr (text, ==, "浙江");
  g_assert_cmpstr (hb_ime_get_pinyin (a), ==, "sheng");
  g_assert_cmpstr (hb_ime_get_pinyin (b), ==, "zhang");
  g_free (text);
  text = hb_ime_choose (b, (guint) find_candidate (b, "张"));
  g_assert_cmpstr (text, ==, "张");
}

static void
test_missing_dictionary (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIme) ime = hb_ime_new ("/nonexistent/dict_pinyin.dat", &error);
  g_autoptr(HbIme) open = new_ime ();
  g_autofree char *dir = hb_test_mkdtemp ("ime-dict");
  g_autofree char *other = g_build_filename (dir, "dict_pinyin.dat", NULL);

  g_assert_null (ime);
  g_assert_error (error, HB_IME_ERROR, HB_IME_ERROR_DICTIONARY);
  g_clear_error (&error);
  /* One decoder per process: a second dictionary is refused, not silently ignored. */
  g_assert_cmpint (symlink (HB_IME_DEFAULT_DICT, other), ==, 0);
  ime = hb_ime_new (other, &error);
  g_assert_null (ime);
  g_assert_error (error, HB_IME_ERROR, HB_IME_ERROR_DICTIONARY);
  hb_test_rmdir (dir);
}

static guint
count_entries (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;
  g_assert_nonnull (dir);
  while (g_dir_read_name (dir))
    n++;
  return n;
}

/* The first candidates, in order. */
static char *
ranking (HbIme *ime)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < 8 && i < hb_ime_get_n_candidates (ime); i++)
    g_string_append_printf (s, "%s ", hb_ime_get_candidate (ime, i));
  return g_string_free (s, FALSE);
}

/* What a resident chose is neither written anywhere nor learnt for the next one. The
 * decoder opens in a fresh process (it stays open for the life of one) whose home, temp
 * and working directories are one empty directory. */
static void
test_nothing_persists (void)
{
  static char *dir;

  if (g_test_subprocess ())
    {
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;

      g_assert_cmpint (chdir (g_getenv ("HB_IME_TEST_DIR")), ==, 0);
      {
        g_autoptr(HbIme) ime = new_ime ();
        type (ime, "shanghai");
        before = ranking (ime);
        for (guint i = 0; i < 5; i++)
          {
            hb_ime_reset (ime);
            type (ime, "shanghai");
            g_free (hb_ime_choose (ime, (guint) find_candidate (ime, "上还")));
            type (ime, "zhangxiuying");
            g_free (hb_ime_choose (ime, 0));
          }
      }
      {   /* the next resident: the same ranking, nothing learnt */
        g_autoptr(HbIme) ime = new_ime ();
        type (ime, "shanghai");
        after = ranking (ime);
      }
      g_assert_cmpstr (after, ==, before);
      return;
    }

  dir = hb_test_mkdtemp ("ime-home");
  g_setenv ("HB_IME_TEST_DIR", dir, TRUE);
  g_setenv ("HOME", dir, TRUE);
  g_setenv ("TMPDIR", dir, TRUE);
  g_setenv ("XDG_DATA_HOME", dir, TRUE);
  g_setenv ("XDG_CONFIG_HOME", dir, TRUE);
  g_setenv ("XDG_CACHE_HOME", dir, TRUE);
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_assert_cmpuint (count_entries (dir), ==, 0);
  g_assert_false (g_file_test ("/dev/null/haoban-no-user-dictionary", G_FILE_TEST_EXISTS));
  hb_test_rmdir (dir);
  g_clear_pointer (&dir, g_free);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/ime/shanghai-is-among-the-first-candidates", test_shanghai_first);
  g_test_add_func ("/kiosk/ime/zhang-gives-the-surname", test_zhang);
  g_test_add_func ("/kiosk/ime/choosing-a-word-keeps-the-rest-of-the-pinyin",
                   test_choose_keeps_rest);
  g_test_add_func ("/kiosk/ime/choosing-the-first-takes-the-whole-phrase",
                   test_choose_whole_phrase);
  g_test_add_func ("/kiosk/ime/backspace-edits-the-pinyin", test_backspace);
  g_test_add_func ("/kiosk/ime/reset-drops-the-pinyin", test_reset);
  g_test_add_func ("/kiosk/ime/only-letters-and-separators-are-taken", test_refuses_other_keys);
  g_test_add_func ("/kiosk/ime/long-input-is-bounded", test_long_input_bounded);
  g_test_add_func ("/kiosk/ime/two-inputs-share-the-decoder", test_two_share_the_decoder);
  g_test_add_func ("/kiosk/ime/a-missing-or-second-dictionary-is-an-error", test_missing_dictionary);
  g_test_add_func ("/kiosk/ime/nothing-typed-persists", test_nothing_persists);
  return g_test_run ();
}
