/* hb-sim-person.c — facts about a resident, made up from the ID number. */
#include "tools/platform-sim/hb-sim-person.h"

#include "tools/platform-sim/hb-sim-file.h"
#include "tools/platform-sim/hb-sim-json.h"
#include "tools/platform-sim/hb-sim-services.h"

#include <string.h>

#define CARDS_MAX_SIZE (1024u * 1024u)

gboolean
hb_sim_person_id_valid (const char *s)
{
  gsize n = s ? strlen (s) : 0;
  if (n < HB_SIM_ID_MIN || n > HB_SIM_ID_MAX)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isalnum (*s))
      return FALSE;
  return TRUE;
}

guint
hb_sim_person_pick (const char *id_number, const char *salt)
{
  g_autofree char *both = g_strconcat (salt, ":", id_number, NULL);
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, both, -1);
  explicit_bzero (both, strlen (both));
  return (guint) g_ascii_strtoull (sha + 56, NULL, 16);
}

static gboolean
all_digits (const char *s, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* The sample card with this number, looked up in DATA/sample-cards.json (read each time:
 * it is small, and tests may rewrite it). */
static void
find_sample (HbSimPerson *p, const char *id_number)
{
  g_autofree char *path = g_build_filename (hb_sim_services_get_data_dir (), "sample-cards.json", NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!hb_sim_file_read (path, CARDS_MAX_SIZE, &data, &len, NULL, NULL))
    return;
  g_autoptr(JsonNode) root = hb_sim_json_parse (data, len, HB_SIM_JSON_MAX_DEPTH, NULL);
  JsonObject *top = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *cards = hb_sim_json_get_array (top, "cards");
  for (guint i = 0; cards && i < json_array_get_length (cards); i++)
    {
      JsonNode *n = json_array_get_element (cards, i);
      JsonObject *card = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      if (g_strcmp0 (hb_sim_json_get_string (card, "id_number"), id_number) != 0)
        continue;
      p->sample = TRUE;
      p->name = g_strdup (hb_sim_json_get_string (card, "name"));
      p->address = g_strdup (hb_sim_json_get_string (card, "address"));
      break;
    }
  if (len > 0)
    explicit_bzero (data, len);
}

void
hb_sim_person_init (HbSimPerson *p, const char *id_number)
{
  gsize n = strlen (id_number);
  memset (p, 0, sizeof *p);
  p->seed = g_str_hash (id_number);
  p->age = -1;
  p->male = p->seed % 2 == 1;
  if (n == 18 && all_digits (id_number, 17))
    {
      int y = (id_number[6] - '0') * 1000 + (id_number[7] - '0') * 100
              + (id_number[8] - '0') * 10 + (id_number[9] - '0');
      int m = (id_number[10] - '0') * 10 + (id_number[11] - '0');
      int d = (id_number[12] - '0') * 10 + (id_number[13] - '0');
      if (y >= 1900 && m >= 1 && m <= 12 && d >= 1 && g_date_valid_dmy (d, m, y))
        {
          g_autoptr(GDateTime) now = g_date_time_new_now_local ();
          int ny = g_date_time_get_year (now), nm = g_date_time_get_month (now);
          int nd = g_date_time_get_day_of_month (now);
          p->age = ny - y - (nm < m || (nm == m && nd < d) ? 1 : 0);
          if (p->age < 0)
            p->age = -1;
        }
      p->male = (id_number[16] - '0') % 2 == 1;
      p->mainland = id_number[0] >= '1' && id_number[0] <= '6';
      p->shanghai = p->mainland && g_str_has_prefix (id_number, "31");
    }
  find_sample (p, id_number);
}

void
hb_sim_person_clear (HbSimPerson *p)
{
  if (p->name)
    explicit_bzero (p->name, strlen (p->name));
  if (p->address)
    explicit_bzero (p->address, strlen (p->address));
  g_clear_pointer (&p->name, g_free);
  g_clear_pointer (&p->address, g_free);
}

char *
hb_sim_mask_middle (const char *s, guint keep_head, guint keep_tail)
{
  gsize n = strlen (s);
  if (n <= keep_head + keep_tail)
    return g_strnfill (n, '*');
  GString *out = g_string_new_len (s, keep_head);
  for (gsize i = keep_head; i < n - keep_tail; i++)
    g_string_append_c (out, '*');
  g_string_append (out, s + n - keep_tail);
  return g_string_free (out, FALSE);
}
