/* Tests for kiosk/hb-code-identity.c: what the platform says a scanned 随申码 stands for. */
#include "kiosk/hb-code-identity.h"
#include "kiosk-test-data.h"

#include <gio/gio.h>

static HbCodeIdentity *
parse (const char *json, GError **error)
{
  return hb_code_identity_parse (json, strlen (json), error);
}

static char *
sample_card_json (const char *extra)
{
  g_autofree char *share = kt_share_dir ();
  g_autofree char *json = hb_samples_card_json (share, 1, NULL);
  g_assert_nonnull (json);
  g_assert_true (json[0] == '{');
  return g_strdup_printf ("{%s%s", extra, json + 1);
}

static void
test_person_reply_gives_the_card (void)
{
  g_autofree char *json = sample_card_json ("\"kind\":\"person\",");
  g_autoptr(GError) error = NULL;
  g_autoptr(HbCodeIdentity) id = parse (json, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id->kind, ==, HB_CODE_IDENTITY_PERSON);
  g_assert_cmpstr (id->card->id_number, ==, SAMPLE_ID);
  g_assert_null (id->place);
  g_assert_null (id->uscc);
}

static void
test_reply_without_kind_is_a_person (void)
{
  g_autofree char *json = sample_card_json ("");
  g_autoptr(HbCodeIdentity) id = parse (json, NULL);

  g_assert_nonnull (id);
  g_assert_cmpint (id->kind, ==, HB_CODE_IDENTITY_PERSON);
  g_assert_cmpstr (id->card->id_number, ==, SAMPLE_ID);
}

static void
test_enterprise_reply_gives_name_and_uscc (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbCodeIdentity) id = parse (
      "{\"kind\":\"enterprise\",\"enterprise\":{\"name\":\"上海好办示范科技有限公司\","
      "\"uscc\":\"91310104MA1FL2XQ7K\",\"legal_person\":\"王*明\"}}", &error);

  g_assert_no_error (error);
  g_assert_cmpint (id->kind, ==, HB_CODE_IDENTITY_ENTERPRISE);
  g_assert_cmpstr (id->org_name, ==, "上海好办示范科技有限公司");
  g_assert_cmpstr (id->uscc, ==, "91310104MA1FL2XQ7K");
  g_assert_cmpstr (id->legal_person, ==, "王*明");
  g_assert_null (id->card);
}

static void
test_enterprise_with_a_bad_uscc_is_refused (void)
{
  const char *bad[] = {
    "{\"kind\":\"enterprise\",\"enterprise\":{\"name\":\"x\",\"uscc\":\"9131010\"}}",
    "{\"kind\":\"enterprise\",\"enterprise\":{\"name\":\"x\",\"uscc\":\"91310104ma1fl2xq7k\"}}",
    "{\"kind\":\"enterprise\",\"enterprise\":{\"name\":\"x\",\"uscc\":\"91310104MA1FL2XQ7K0\"}}",
    "{\"kind\":\"enterprise\",\"enterprise\":{\"uscc\":\"91310104MA1FL2XQ7K\"}}",
    "{\"kind\":\"enterprise\",\"enterprise\":{\"name\":\"\",\"uscc\":\"91310104MA1FL2XQ7K\"}}",
    "{\"kind\":\"enterprise\"}",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HbCodeIdentity) id = parse (bad[i], &error);
      g_assert_null (id);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

static void
test_place_reply_gives_the_place (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbCodeIdentity) id = parse (
      "{\"kind\":\"place\",\"place\":{\"id\":\"P-XH-0001\",\"name\":\"徐汇区行政服务中心\","
      "\"address\":\"南宁路969号\",\"hours\":\"周一至周五 9:00-17:00\","
      "\"hours_en\":\"Mon-Fri 9:00-17:00\"}}", &error);
  g_autoptr(HbPlace) copy = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (id->kind, ==, HB_CODE_IDENTITY_PLACE);
  g_assert_cmpstr (id->place->name, ==, "徐汇区行政服务中心");
  g_assert_cmpstr (id->place->hours, ==, "周一至周五 9:00-17:00");
  g_assert_null (id->place->notice);
  /* English where the platform gave it, nothing where it did not */
  g_assert_cmpstr (id->place->hours_en, ==, "Mon-Fri 9:00-17:00");
  g_assert_null (id->place->name_en);
  copy = hb_place_copy (id->place);
  g_assert_cmpstr (copy->address, ==, "南宁路969号");
  g_assert_cmpstr (copy->hours_en, ==, "Mon-Fri 9:00-17:00");
  g_assert_cmpstr (copy->id, ==, "P-XH-0001");
}

static void
test_place_texts_with_control_characters_are_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbCodeIdentity) id = parse (
      "{\"kind\":\"place\",\"place\":{\"id\":\"P\",\"name\":\"a\\u001b[2Jb\"}}", &error);
  g_assert_null (id);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static void
test_over_long_member_is_refused (void)
{
  g_autofree char *name = g_strnfill (HB_CODE_FIELD_MAX + 1, 'a');
  g_autofree char *json = g_strdup_printf (
      "{\"kind\":\"place\",\"place\":{\"id\":\"P\",\"name\":\"%s\"}}", name);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbCodeIdentity) id = parse (json, &error);
  g_assert_null (id);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static void
test_unknown_kind_and_garbage_are_refused_without_quoting (void)
{
  const char *bad[] = { "{\"kind\":\"vehicle\"}", "[]", "nonsense", "{\"kind\":7}", "" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HbCodeIdentity) id = parse (bad[i], &error);
      g_assert_null (id);
      g_assert_nonnull (error);
      if (*bad[i])
        g_assert_null (strstr (error->message, bad[i]));
    }
}

static void
test_person_error_does_not_quote_the_id_number (void)
{
  /* A wrong check digit: the card parser refuses, and says nothing of the number. */
  g_autofree char *json = sample_card_json ("\"kind\":\"person\",");
  g_autofree char *bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HbCodeIdentity) id = NULL;
  char *at = strstr (json, SAMPLE_ID);

  g_assert_nonnull (at);
  at[17] = at[17] == '0' ? '1' : '0';
  bad = g_strndup (at, 18);
  id = parse (json, &error);
  g_assert_null (id);
  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, bad));
  g_assert_null (strstr (error->message, "31010419850615"));
}

static void
test_oversized_reply_is_refused_before_parsing (void)
{
  gsize n = HB_CODE_IDENTITY_MAX_BYTES + 1;
  g_autofree char *big = g_malloc (n);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbCodeIdentity) id = NULL;

  memset (big, ' ', n);
  big[0] = '{';
  big[n - 1] = '}';
  id = hb_code_identity_parse (big, n, &error);
  g_assert_null (id);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/code-identity/person-reply-gives-the-card",
                   test_person_reply_gives_the_card);
  g_test_add_func ("/kiosk/code-identity/reply-without-kind-is-a-person",
                   test_reply_without_kind_is_a_person);
  g_test_add_func ("/kiosk/code-identity/enterprise-reply-gives-name-and-uscc",
                   test_enterprise_reply_gives_name_and_uscc);
  g_test_add_func ("/kiosk/code-identity/enterprise-with-a-bad-uscc-is-refused",
                   test_enterprise_with_a_bad_uscc_is_refused);
  g_test_add_func ("/kiosk/code-identity/place-reply-gives-the-place",
                   test_place_reply_gives_the_place);
  g_test_add_func ("/kiosk/code-identity/place-texts-with-control-characters-are-refused",
                   test_place_texts_with_control_characters_are_refused);
  g_test_add_func ("/kiosk/code-identity/over-long-member-is-refused",
                   test_over_long_member_is_refused);
  g_test_add_func ("/kiosk/code-identity/unknown-kind-and-garbage-are-refused-without-quoting",
                   test_unknown_kind_and_garbage_are_refused_without_quoting);
  g_test_add_func ("/kiosk/code-identity/person-error-does-not-quote-the-id-number",
                   test_person_error_does_not_quote_the_id_number);
  g_test_add_func ("/kiosk/code-identity/oversized-reply-is-refused-before-parsing",
                   test_oversized_reply_is_refused_before_parsing);
  return g_test_run ();
}
