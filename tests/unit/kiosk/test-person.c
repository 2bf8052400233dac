/* Tests for kiosk/hb-person.c: the resident and the masks that keep them private. */
#include "kiosk/hb-i18n.h"
#include "kiosk-test-data.h"

#include <string.h>

static void
test_masks_for_screens_and_logs (void)
{
  g_autoptr(HbPerson) p = kt_person (1);
  g_autofree char *id = hb_person_dup_masked_id (p);
  g_autofree char *name = hb_person_dup_masked_name (p);
  g_autofree char *addr = hb_person_dup_masked_address (p);
  g_assert_cmpstr (id, ==, "310***********1237");
  g_assert_cmpstr (name, ==, "张*");
  g_assert_cmpstr (addr, ==, "上海市徐汇区****");
  g_assert_cmpstr (hb_person_get_id_number (p), ==, SAMPLE_ID);
}

static void
test_mask_helpers (void)
{
  struct { char *(*fn) (const char *); const char *in, *out; } cases[] = {
    { hb_mask_name, "李秀英", "李*英" },
    { hb_mask_name, "欧阳娜娜", "欧**娜" },
    { hb_mask_name, "王", "王" },
    { hb_mask_name, "", "" },
    { hb_mask_phone, "13812345678", "138****5678" },
    { hb_mask_phone, "12345", "*****" },
    { hb_mask_id_number, "11010519491231002X", "110***********002X" },
    { hb_mask_id_number, "1234", "****" },
    { hb_mask_address, "上海", "****" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = cases[i].fn (cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
  g_assert_null (hb_mask_name (NULL));
}

static void
test_prefill_sources (void)
{
  g_autoptr(HbPerson) p = kt_person (2);
  g_autofree char *name = hb_person_dup_prefill (p, "person.name");
  g_autofree char *id = hb_person_dup_prefill (p, "person.id_number");
  g_autofree char *sex = hb_person_dup_prefill (p, "person.sex");
  g_autofree char *unknown = hb_person_dup_prefill (p, "person.salary");
  g_assert_cmpstr (name, ==, "李秀英");
  g_assert_cmpstr (id, ==, "310110195203082426");
  g_assert_cmpstr (sex, ==, "女");
  g_assert_null (unknown);
}

static void
test_age_counts_birthdays (void)
{
  g_autoptr(HbPerson) p = kt_person (1);   /* born 1985-06-15 */
  g_autoptr(GDateTime) before = g_date_time_new_local (2026, 6, 14, 12, 0, 0);
  g_autoptr(GDateTime) on = g_date_time_new_local (2026, 6, 15, 12, 0, 0);
  g_assert_cmpint (hb_person_get_age (p, before), ==, 40);
  g_assert_cmpint (hb_person_get_age (p, on), ==, 41);
}

static void
test_wipe_clears_everything (void)
{
  g_autoptr(HbPerson) p = kt_person (1);
  g_autofree char *masked = NULL;
  hb_person_wipe (p);
  g_assert_true (hb_person_is_wiped (p));
  g_assert_null (hb_person_get_name (p));
  g_assert_null (hb_person_get_id_number (p));
  g_assert_null (hb_person_dup_prefill (p, "person.name"));
  masked = hb_person_dup_masked_id (p);
  g_assert_null (masked);
  hb_person_wipe (p);   /* idempotent */
}

static void
test_person_copies_the_card (void)
{
  g_autofree char *share = kt_share_dir ();
  g_autofree char *json = hb_samples_card_json (share, 1, NULL);
  HbIdCard *card = hb_idcard_new_from_json_data (json, -1, NULL);
  g_autoptr(HbPerson) p = hb_person_new (card, HB_IDENTITY_CODE);
  hb_idcard_free (card);   /* the driver wipes its copy after the signal */
  g_assert_cmpstr (hb_person_get_id_number (p), ==, SAMPLE_ID);
  g_assert_cmpint (hb_person_get_source (p), ==, HB_IDENTITY_CODE);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  hb_i18n_set_language ("zh_CN");
  g_test_add_func ("/kiosk/person/masks-for-screens-and-logs", test_masks_for_screens_and_logs);
  g_test_add_func ("/kiosk/person/mask-helpers", test_mask_helpers);
  g_test_add_func ("/kiosk/person/prefill-sources", test_prefill_sources);
  g_test_add_func ("/kiosk/person/age-counts-birthdays", test_age_counts_birthdays);
  g_test_add_func ("/kiosk/person/wipe-clears-every-field", test_wipe_clears_everything);
  g_test_add_func ("/kiosk/person/keeps-its-own-copy-of-the-card", test_person_copies_the_card);
  return g_test_run ();
}
