/* Helpers shared by the kiosk tests: the demo data in data/. */
#pragma once

#include "kiosk/hb-person.h"
#include "kiosk/hb-service.h"
#include "kiosk/hb-samples.h"
#include "common/hb-json.h"
#include "tests/common/hb-test-util.h"

#define SAMPLE_ID "310104198506151237"
#define JZZ_CODE  "310000-GA-JZZ-0003"

static inline char *
kt_share_dir (void)
{
  return g_build_filename (hb_test_srcdir (), "data", NULL);
}

/* Sample card n as an HbPerson. */
static inline HbPerson *
kt_person (guint n)
{
  g_autofree char *share = kt_share_dir ();
  g_autofree char *json = hb_samples_card_json (share, n, NULL);
  g_autoptr(HbIdCard) card = NULL;
  g_assert_nonnull (json);
  card = hb_idcard_new_from_json_data (json, -1, NULL);
  g_assert_nonnull (card);
  return hb_person_new (card, HB_IDENTITY_ID_CARD);
}

/* The service with this code from data/catalog.json, as JSON text. */
static inline char *
kt_service_json (const char *code)
{
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "data", "catalog.json", NULL);
  g_autofree char *data = hb_test_read_file (path, NULL);
  g_autoptr(JsonObject) root = hb_json_parse_object (data, -1, 8 << 20, 32, NULL);
  JsonArray *services;
  g_assert_nonnull (root);
  services = json_object_get_array_member (root, "services");
  for (guint i = 0; i < json_array_get_length (services); i++)
    {
      JsonNode *n = json_array_get_element (services, i);
      if (g_strcmp0 (json_object_get_string_member (json_node_get_object (n), "code"), code) == 0)
        return hb_json_to_string (n);
    }
  g_assert_not_reached ();
}

static inline HbService *
kt_service (const char *code)
{
  g_autofree char *json = kt_service_json (code);
  g_autoptr(GError) error = NULL;
  HbService *s = hb_service_new_from_json (json, -1, &error);
  g_assert_no_error (error);
  return s;
}
