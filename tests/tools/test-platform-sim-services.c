/* test-platform-sim-services.c — haoban-platform-sim's resident-service endpoints
 * (docs/platform-api.md "Resident services", docs/platform-sim.md): profile and history,
 * licences, 免申即享 benefits and their confirmation, 帮办 help requests and the answer
 * knob, 办不成事 reports, 好差评 ratings with indicators and one rating per case, 进度查询
 * with an advancing timeline and the receipt's references, 企业登录; their limits, errors,
 * idempotent replays, faults, counters, reset, and a log without personal data. */
#include "tests/common/hb-test-util.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#define ZHANG_WEI   "310104198506151237"   /* sample card 1: 40, Shanghai */
#define LI_XIUYING  "310110195203082426"   /* sample card 2: 74, Shanghai */
#define MA_XIAODONG "310115199309210051"   /* sample card 3 */
#define WANG_XM     "310104197803123510"   /* legal rep of the first sample enterprise, no card */
#define BEIJING     "11010519491231002X"   /* a Beijing number, on no card */
#define ENT_DEMO    "91310104MA1HB0AB09"   /* 上海好办示范科技有限公司 */
#define ENT_WEIYE   "91310106MA1FY2LQ7E"   /* 张伟's own company */
#define ENT_SHENZHEN "91440300MA5F8K3N19"  /* valid, registered in Shenzhen */

/* --- HTTP ------------------------------------------------------------------------- */

typedef struct {
  long     status;
  GString *body;
  GString *headers;
} Reply;

static void
reply_free (Reply *r)
{
  g_string_free (r->body, TRUE);
  g_string_free (r->headers, TRUE);
  g_free (r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static size_t
append (char *ptr, size_t size, size_t nmemb, void *user)
{
  g_string_append_len (user, ptr, (gssize) (size * nmemb));
  return size * nmemb;
}

/* method to base + path; key: an Idempotency-Key header (NULL: none). */
static Reply *
http (const char *base, const char *method, const char *path, const char *body, const char *key)
{
  Reply *r = g_new0 (Reply, 1);
  CURL *c = curl_easy_init ();
  struct curl_slist *h = NULL;
  g_autofree char *url = g_strconcat (base, path, NULL);
  g_autofree char *key_header = key ? g_strconcat ("Idempotency-Key: ", key, NULL) : NULL;

  r->body = g_string_new (NULL);
  r->headers = g_string_new (NULL);
  curl_easy_setopt (c, CURLOPT_URL, url);
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt (c, CURLOPT_WRITEDATA, r->body);
  curl_easy_setopt (c, CURLOPT_HEADERFUNCTION, append);
  curl_easy_setopt (c, CURLOPT_HEADERDATA, r->headers);
  if (body)
    {
      h = curl_slist_append (h, "Content-Type: application/json");
      curl_easy_setopt (c, CURLOPT_POSTFIELDS, body);
    }
  if (key_header)
    h = curl_slist_append (h, key_header);
  curl_easy_setopt (c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt (c, CURLOPT_HTTPHEADER, h);
  if (curl_easy_perform (c) == CURLE_OK)
    curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &r->status);
  curl_slist_free_all (h);
  curl_easy_cleanup (c);
  return r;
}

static Reply *
sim (HbTestSim *s, const char *method, const char *path, const char *body, const char *key)
{
  return http (hb_test_sim_url (s), method, path, body, key);
}

static gboolean
replayed (Reply *r)
{
  return strstr (r->headers->str, "Idempotent-Replayed: true") != NULL;
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* The reply's object, after checking its status. */
static JsonObject *
object_of (Reply *r, long want)
{
  if (r->status != want)
    g_error ("status %ld, want %ld: %s", r->status, want, r->body->str);
  g_autoptr(JsonNode) root = parse (r->body->str);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

static void
assert_error (Reply *r, long status, const char *code)
{
  g_autoptr(JsonObject) o = object_of (r, status);
  g_assert_cmpstr (json_object_get_string_member (o, "error"), ==, code);
  g_assert_true (json_object_has_member (o, "message"));
}

static JsonObject *
post_object (HbTestSim *s, const char *path, const char *body, const char *key, long want)
{
  g_autoptr(Reply) r = sim (s, "POST", path, body, key);
  return object_of (r, want);
}

static gint64
counter (HbTestSim *s, const char *name)
{
  g_autoptr(Reply) r = sim (s, "GET", "/_sim/requests", NULL, NULL);
  g_autoptr(JsonObject) o = object_of (r, 200);
  return json_object_get_int_member (o, name);
}

static HbTestSim *
start (void)
{
  g_autoptr(GError) error = NULL;
  HbTestSim *s = hb_test_sim_start (NULL, &error);
  g_assert_no_error (error);
  return s;
}

static char *
id_body (const char *id)
{
  return g_strdup_printf ("{\"id_number\":\"%s\"}", id);
}

/* An application as the terminal sends it; returns its case number. */
static char *
apply (HbTestSim *s, const char *key, const char *id, const char *form_json)
{
  g_autofree char *body = g_strdup_printf (
    "{\"idempotency_key\":\"%s\",\"service_code\":\"310000-GA-JZZ-0003\",\"terminal_id\":\"SH-XH-0001\","
    "\"applicant\":{\"kind\":\"person\",\"id_type\":\"resident\",\"id_number\":\"%s\",\"name\":\"测试\"},"
    "\"form\":%s}", key, id, form_json);
  g_autoptr(JsonObject) o = post_object (s, "/v1/applications", body, key, 201);
  return g_strdup (json_object_get_string_member (o, "case_number"));
}

/* --- profile ------------------------------------------------------------------------ */

static void
test_profile_is_made_up_from_the_id_number (void)
{
  g_autoptr(HbTestSim) s = start ();
  g_autofree char *zhang = id_body (ZHANG_WEI);
  g_autoptr(JsonObject) a = post_object (s, "/v1/profile", zhang, NULL, 200);
  g_autoptr(JsonObject) b = post_object (s, "/v1/profile", zhang, NULL, 200);
  JsonObject *p = json_object_get_object_member (a, "profile");
  const char *members[] = { "phone", "address", "email", "employer", "education",
                            "marital_status", "bank_account" };

  for (gsize i = 0; i < G_N_ELEMENTS (members); i++)
    g_assert_true (json_object_has_member (p, members[i]));
  /* the same person, the same profile */
  g_autoptr(JsonNode) na = json_node_init_object (json_node_alloc (), a);
  g_autoptr(JsonNode) nb = json_node_init_object (json_node_alloc (), b);
  g_assert_true (json_node_equal (na, nb));
  /* a sample card lives where the card says; the phone is a mobile number */
  g_assert_cmpstr (json_object_get_string_member (p, "address"), ==, "上海市徐汇区漕溪北路88号5号楼1203室");
  g_assert_true (g_regex_match_simple ("^1[3-9][0-9]{9}$", json_object_get_string_member (p, "phone"), 0, 0));
  /* the bank account is masked: 4 digits at most at the end */
  g_assert_true (g_regex_match_simple ("^[0-9]{4}\\*{8}[0-9]{4}$",
                                       json_object_get_string_member (p, "bank_account"), 0, 0));
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (a, "history")), ==, 0);

  /* an unknown number gets a profile too, another one */
  g_autofree char *beijing = id_body (BEIJING);
  g_autoptr(JsonObject) c = post_object (s, "/v1/profile", beijing, NULL, 200);
  JsonObject *pc = json_object_get_object_member (c, "profile");
  g_assert_nonnull (json_object_get_string_member (pc, "address"));
  g_assert_cmpstr (json_object_get_string_member (pc, "phone"), !=, json_object_get_string_member (p, "phone"));
  g_assert_cmpint (counter (s, "profile"), ==, 3);
}

static void
test_profile_history_holds_earlier_answers (void)
{
  g_autoptr(HbTestSim) s = start ();
  g_autofree char *c1 = apply (s, "hist-1", ZHANG_WEI, "{\"phone\":\"13812345678\",\"pickup\":\"print\"}");
  g_autofree char *c2 = apply (s, "hist-2", ZHANG_WEI, "{\"phone\":\"13900000000\",\"employer_name\":\"好办\"}");
  g_autofree char *c3 = apply (s, "hist-3", LI_XIUYING, "{\"phone\":\"13700000000\"}");
  g_autofree char *zhang = id_body (ZHANG_WEI);
  g_autoptr(JsonObject) o = post_object (s, "/v1/profile", zhang, NULL, 200);
  JsonObject *h = json_object_get_object_member (o, "history");

  /* the latest answer wins; other people's answers are not there */
  g_assert_cmpstr (json_object_get_string_member (h, "phone"), ==, "13900000000");
  g_assert_cmpstr (json_object_get_string_member (h, "pickup"), ==, "print");
  g_assert_cmpstr (json_object_get_string_member (h, "employer_name"), ==, "好办");
  g_assert_cmpuint (json_object_get_size (h), ==, 3);

  g_autofree char *other = id_body (MA_XIAODONG);
  g_autoptr(JsonObject) m = post_object (s, "/v1/profile", other, NULL, 200);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (m, "history")), ==, 0);
}

static void
test_profile_refuses_bad_requests (void)
{
  g_autoptr(HbTestSim) s = start ();
  const char *bad[] = { "{}", "{\"id_number\":42}", "{\"id_number\":\"12345\"}",
                        "{\"id_number\":\"310104 198506151237\"}", "[\"310104198506151237\"]",
                        "{\"id_number\":\"123456789012345678901234567890123\"}" };
  const char *paths[] = { "/v1/profile", "/v1/licences", "/v1/benefits" };

  for (gsize p = 0; p < G_N_ELEMENTS (paths); p++)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
        {
          g_autoptr(Reply) r = sim (s, "POST", paths[p], bad[i], NULL);
          assert_error (r, 400, "invalid-request");
          /* the error never repeats what it was given */
          g_assert_null (strstr (r->body->str, "198506151237"));
        }
      g_autoptr(Reply) not_json = sim (s, "POST", paths[p], "{\"id_number\":", NULL);
      assert_error (not_json, 400, "invalid-json");
      g_autoptr(Reply) get = sim (s, "GET", paths[p], NULL, NULL);
      assert_error (get, 405, "method-not-allowed");
    }
  /* the 1 MiB body limit holds here too */
  g_autofree char *big = g_strnfill (1024 * 1024 + 10, ' ');
  memcpy (big, "{\"id_number\":\"" ZHANG_WEI "\",\"x\":\"", 37);
  g_autoptr(Reply) large = sim (s, "POST", "/v1/profile", big, NULL);
  assert_error (large, 413, "too-large");
}

/* --- licences ----------------------------------------------------------------------- */

static JsonArray *
licences_of (HbTestSim *s, const char *id, JsonObject **keep)
{
  g_autofree char *body = id_body (id);
  *keep = post_object (s, "/v1/licences", body, NULL, 200);
  return json_object_get_array_member (*keep, "licences");
}

static JsonObject *
find_licence (JsonArray *list, const char *type)
{
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *l = json_array_get_object_element (list, i);
      if (g_str_equal (json_object_get_string_member (l, "type"), type))
        return l;
    }
  return NULL;
}

static void
test_licences_follow_the_person (void)
{
  g_autoptr(HbTestSim) s = start ();
  const char *known_types = "^(id_card|hukou_book|residence_permit|marriage_cert|birth_cert|"
                            "medical_birth_cert|degree_cert|property_cert|business_licence|"
                            "social_security_card|driving_licence|disability_cert|retirement_cert)$";
  const char *people[] = { ZHANG_WEI, LI_XIUYING, MA_XIAODONG, BEIJING, WANG_XM };

  for (gsize i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autoptr(JsonObject) keep = NULL;
      JsonArray *list = licences_of (s, people[i], &keep);
      g_assert_nonnull (find_licence (list, "id_card"));
      for (guint j = 0; j < json_array_get_length (list); j++)
        {
          JsonObject *l = json_array_get_object_element (list, j);
          g_assert_true (g_regex_match_simple (known_types, json_object_get_string_member (l, "type"), 0, 0));
          g_assert_true (g_regex_match_simple ("^[AB]$", json_object_get_string_member (l, "trust_level"), 0, 0));
          g_assert_nonnull (json_object_get_string_member (l, "name"));
          g_assert_nonnull (json_object_get_string_member (l, "name_en"));
          g_assert_nonnull (json_object_get_string_member (l, "issuer"));
          /* masked: never the ID number itself */
          const char *number = json_object_get_string_member (l, "number");
          g_assert_nonnull (strchr (number, '*'));
          g_assert_null (strstr (number, people[i]));
          JsonNode *until = json_object_get_member (l, "valid_until");
          g_assert_true (JSON_NODE_HOLDS_NULL (until)
                         || g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", json_node_get_string (until), 0, 0));
        }
    }
  /* Shanghai hukou: a household register; a Beijing number living here: a residence permit */
  g_autoptr(JsonObject) k1 = NULL, k2 = NULL, k3 = NULL;
  JsonArray *sh = licences_of (s, ZHANG_WEI, &k1);
  JsonArray *bj = licences_of (s, BEIJING, &k2);
  JsonArray *old = licences_of (s, LI_XIUYING, &k3);
  g_assert_nonnull (find_licence (sh, "hukou_book"));
  g_assert_null (find_licence (sh, "residence_permit"));
  g_assert_null (find_licence (bj, "hukou_book"));
  g_assert_nonnull (find_licence (bj, "residence_permit"));
  g_assert_nonnull (find_licence (old, "retirement_cert"));
  g_assert_null (find_licence (sh, "retirement_cert"));
  g_assert_cmpint (counter (s, "licences"), ==, 8);
}

/* --- benefits ----------------------------------------------------------------------- */

static JsonObject *
find_benefit (JsonObject *answer, const char *id)
{
  JsonArray *list = json_object_get_array_member (answer, "benefits");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *b = json_array_get_object_element (list, i);
      if (g_str_equal (json_object_get_string_member (b, "id"), id))
        return b;
    }
  return NULL;
}

/* An 18-digit resident number with a valid check digit. */
static char *
resident_number (const char *region, int year, int month, int day, int seq)
{
  static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  char *s = g_strdup_printf ("%s%04d%02d%02d%03dX", region, year, month, day, seq);
  int sum = 0;
  for (int i = 0; i < 17; i++)
    sum += (s[i] - '0') * w[i];
  s[17] = "10X98765432"[sum % 11];
  return s;
}

static void
test_benefits_are_those_the_person_qualifies_for (void)
{
  g_autoptr(HbTestSim) s = start ();
  g_autofree char *li = id_body (LI_XIUYING);
  g_autoptr(JsonObject) old = post_object (s, "/v1/benefits", li, NULL, 200);
  JsonObject *nutrition = find_benefit (old, "elderly-nutrition");

  g_assert_nonnull (nutrition);
  g_assert_cmpint (json_object_get_int_member (nutrition, "amount_fen"), ==, 15000);   /* 74: 150 元 a month */
  g_assert_cmpstr (json_object_get_string_member (nutrition, "period"), ==, "month");
  const char *members[] = { "name", "name_en", "department", "description", "description_en" };
  for (gsize i = 0; i < G_N_ELEMENTS (members); i++)
    g_assert_cmpuint (strlen (json_object_get_string_member (nutrition, members[i])), >, 0);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (nutrition, "case_number")));

  g_autofree char *zhang = id_body (ZHANG_WEI);
  g_autoptr(JsonObject) young = post_object (s, "/v1/benefits", zhang, NULL, 200);
  g_assert_null (find_benefit (young, "elderly-nutrition"));

  /* 0 to 3 a person, integer fen, over many made-up people of every age */
  guint with_some = 0;
  for (int i = 0; i < 60; i++)
    {
      g_autofree char *id = resident_number ("310101", 1925 + i, 1 + i % 12, 1 + i % 28, 100 + i);
      g_autofree char *body = id_body (id);
      g_autoptr(JsonObject) o = post_object (s, "/v1/benefits", body, NULL, 200);
      JsonArray *list = json_object_get_array_member (o, "benefits");
      g_assert_cmpuint (json_array_get_length (list), <=, 3);
      with_some += json_array_get_length (list) > 0;
      for (guint j = 0; j < json_array_get_length (list); j++)
        {
          JsonNode *amount = json_object_get_member (json_array_get_object_element (list, j), "amount_fen");
          g_assert_cmpint (json_node_get_value_type (amount), ==, G_TYPE_INT64);
          g_assert_cmpint (json_node_get_int (amount), >, 0);
        }
    }
  g_assert_cmpuint (with_some, >, 0);
}

static void
test_benefit_confirmation_is_idempotent (void)
{
  g_autoptr(HbTestSim) s = start ();
  const char *body = "{\"id_number\":\"" LI_XIUYING "\",\"benefit_id\":\"elderly-nutrition\"}";
  g_autoptr(Reply) first = sim (s, "POST", "/v1/benefits/confirm", body, "confirm-1");
  g_autoptr(JsonObject) o = object_of (first, 201);
  const char *case_number = json_object_get_string_member (o, "case_number");

  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "confirmed");
  g_assert_true (g_regex_match_simple ("^MS[0-9]{14}$", case_number, 0, 0));

  /* the same key: the same answer, replayed */
  g_autoptr(Reply) again = sim (s, "POST", "/v1/benefits/confirm", body, "confirm-1");
  g_assert_cmpint (again->status, ==, 200);
  g_assert_true (replayed (again));
  g_assert_cmpstr (again->body->str, ==, first->body->str);
  /* confirming twice with another key: the same case */
  g_autoptr(JsonObject) twice = post_object (s, "/v1/benefits/confirm", body, "confirm-2", 200);
  g_assert_cmpstr (json_object_get_string_member (twice, "case_number"), ==, case_number);
  /* the list now shows the case */
  g_autofree char *li = id_body (LI_XIUYING);
  g_autoptr(JsonObject) list = post_object (s, "/v1/benefits", li, NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (find_benefit (list, "elderly-nutrition"), "case_number"),
                   ==, case_number);
  /* and progress finds it */
  g_autofree char *query = g_strdup_printf ("{\"case_number\":\"%s\"}", case_number);
  g_autoptr(JsonObject) found = post_object (s, "/v1/cases/query", query, NULL, 200);
  JsonObject *c = json_array_get_object_element (json_object_get_array_member (found, "cases"), 0);
  g_assert_cmpstr (json_object_get_string_member (c, "service_name"), ==, "高龄老人营养补贴");

  /* errors */
  g_autoptr(Reply) other = sim (s, "POST", "/v1/benefits/confirm",
                                "{\"id_number\":\"" LI_XIUYING "\",\"benefit_id\":\"one-child-parents\"}", "confirm-1");
  assert_error (other, 422, "idempotency-key-reused");
  g_autoptr(Reply) unknown = sim (s, "POST", "/v1/benefits/confirm",
                                  "{\"id_number\":\"" LI_XIUYING "\",\"benefit_id\":\"free-money\"}", "confirm-3");
  assert_error (unknown, 404, "unknown-benefit");
  g_autoptr(Reply) not_eligible = sim (s, "POST", "/v1/benefits/confirm",
                                       "{\"id_number\":\"" ZHANG_WEI "\",\"benefit_id\":\"elderly-nutrition\"}", "confirm-4");
  assert_error (not_eligible, 409, "not-eligible");
  g_autoptr(Reply) no_key = sim (s, "POST", "/v1/benefits/confirm", body, NULL);
  assert_error (no_key, 400, "missing-idempotency-key");
  g_autoptr(Reply) mismatch = sim (s, "POST", "/v1/benefits/confirm",
                                   "{\"idempotency_key\":\"other\",\"id_number\":\"" LI_XIUYING "\","
                                   "\"benefit_id\":\"elderly-nutrition\"}", "confirm-5");
  assert_error (mismatch, 400, "idempotency-key-mismatch");
  g_autoptr(Reply) invalid = sim (s, "POST", "/v1/benefits/confirm", "{\"benefit_id\":\"elderly-nutrition\"}", "confirm-6");
  assert_error (invalid, 400, "invalid-request");
  g_assert_cmpint (counter (s, "replays"), ==, 1);
}

/* --- help requests ------------------------------------------------------------------ */

#define HELP_BODY "{\"terminal_id\":\"SH-XH-0001\",\"service_code\":\"310000-GA-JZZ-0003\",\"page\":\"form/phone\",\"language\":\"zh_CN\"}"

typedef struct {
  HbTestSim  *sim;
  const char *path;
  const char *want;
} HelpWait;

static gboolean
help_has_status (gpointer data)
{
  HelpWait *w = data;
  g_autoptr(Reply) r = sim (w->sim, "GET", w->path, NULL, NULL);
  g_autoptr(JsonObject) o = object_of (r, 200);
  return g_str_equal (json_object_get_string_member (o, "status"), w->want);
}

static void
test_help_request_is_answered_after_the_knob (void)
{
  g_autoptr(HbTestSim) s = start ();
  g_autoptr(JsonObject) knob = post_object (s, "/_sim/help", "{\"answer_after_ms\":-1}", NULL, 200);
  g_assert_cmpint (json_object_get_int_member (knob, "answer_after_ms"), ==, -1);

  g_autoptr(Reply) created = sim (s, "POST", "/v1/help-requests", HELP_BODY, "help-1");
  g_autoptr(JsonObject) o = object_of (created, 201);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "waiting");
  g_assert_cmpint (json_object_get_int_member (o, "target_seconds"), ==, 60);
  const char *id = json_object_get_string_member (o, "id");
  g_assert_true (g_regex_match_simple ("^HR[0-9]{14}$", id, 0, 0));
  g_autofree char *path = g_strconcat ("/v1/help-requests/", id, NULL);

  /* never answered (the terminal then offers the 12345 hotline) */
  hb_test_spin (300);
  g_autoptr(Reply) waiting = sim (s, "GET", path, NULL, NULL);
  g_autoptr(JsonObject) w = object_of (waiting, 200);
  g_assert_cmpstr (json_object_get_string_member (w, "status"), ==, "waiting");
  g_assert_false (json_object_has_member (w, "agent"));
  g_assert_cmpint (json_object_get_int_member (w, "waited_seconds"), >=, 0);

  /* the same key replays; another body under it is refused */
  g_autoptr(Reply) again = sim (s, "POST", "/v1/help-requests", HELP_BODY, "help-1");
  g_assert_cmpint (again->status, ==, 200);
  g_assert_true (replayed (again));
  g_assert_cmpstr (again->body->str, ==, created->body->str);

  /* an agent answers 200 ms after the request */
  g_autoptr(JsonObject) knob2 = post_object (s, "/_sim/help", "{\"answer_after_ms\":200}", NULL, 200);
  HelpWait hw = { s, path, "connected" };
  g_assert_true (hb_test_wait_until (help_has_status, &hw, 5000));
  g_autoptr(Reply) connected = sim (s, "GET", path, NULL, NULL);
  g_autoptr(JsonObject) c = object_of (connected, 200);
  JsonObject *agent = json_object_get_object_member (c, "agent");
  g_assert_cmpuint (strlen (json_object_get_string_member (agent, "name")), >, 0);
  g_assert_true (g_regex_match_simple ("^[0-9]{4}$", json_object_get_string_member (agent, "number"), 0, 0));

  /* the resident leaves: closed */
  g_autoptr(Reply) closed = sim (s, "DELETE", path, NULL, NULL);
  g_autoptr(JsonObject) cl = object_of (closed, 200);
  g_assert_cmpstr (json_object_get_string_member (cl, "status"), ==, "closed");

  /* a new request with the default knob (3 s) connects by itself */
  g_autoptr(Reply) reset = sim (s, "POST", "/_sim/reset", NULL, NULL);
  g_assert_cmpint (reset->status, ==, 200);
  g_autoptr(Reply) help_now = sim (s, "GET", "/_sim/help", NULL, NULL);
  g_autoptr(JsonObject) def = object_of (help_now, 200);
  g_assert_cmpint (json_object_get_int_member (def, "answer_after_ms"), ==, 3000);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (def, "requests")), ==, 0);
  g_autoptr(Reply) gone = sim (s, "GET", path, NULL, NULL);
  assert_error (gone, 404, "unknown-help-request");
}

static void
test_help_request_refuses_bad_requests (void)
{
  g_autoptr(HbTestSim) s = start ();
  const char *bad[] = {
    "{\"page\":\"form\",\"language\":\"zh_CN\"}",
    "{\"terminal_id\":\"SH-XH-0001\",\"language\":\"zh_CN\"}",
    "{\"terminal_id\":\"SH-XH-0001\",\"page\":\"form\"}",
    "{\"terminal_id\":\"SH-XH-0001\",\"page\":\"form\",\"language\":\"zh_CN\",\"service_code\":7}",
    "{\"terminal_id\":\"SH-XH-0001\",\"page\":\"01234567890123456789012345678901234567890123456789012345678901234\",\"language\":\"zh_CN\"}",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *key = g_strdup_printf ("bad-help-%zu", i);
      g_autoptr(Reply) r = sim (s, "POST", "/v1/help-requests", bad[i], key);
      assert_error (r, 400, "invalid-help-request");
    }
  g_autoptr(Reply) no_key = sim (s, "POST", "/v1/help-requests", HELP_BODY, NULL);
  assert_error (no_key, 400, "missing-idempotency-key");
  g_autoptr(Reply) unknown = sim (s, "GET", "/v1/help-requests/HR20260101999999", NULL, NULL);
  assert_error (unknown, 404, "unknown-help-request");
  g_autoptr(Reply) not_an_id = sim (s, "GET", "/v1/help-requests/310104198506151237", NULL, NULL);
  assert_error (not_an_id, 404, "not-found");
  g_autoptr(Reply) put = sim (s, "PUT", "/v1/help-requests/HR20260101000001", "{}", NULL);
  assert_error (put, 405, "method-not-allowed");
  const char *knobs[] = { "{\"answer_after_ms\":-2}", "{\"answer_after_ms\":600001}", "{\"answer_after_ms\":\"1\"}",
                          "{\"answer_after_ms\":1,\"x\":1}", "{}" };
  for (gsize i = 0; i < G_N_ELEMENTS (knobs); i++)
    {
      g_autoptr(Reply) r = sim (s, "POST", "/_sim/help", knobs[i], NULL);
      assert_error (r, 400, "invalid-request");
    }
  g_assert_cmpint (counter (s, "help_requests"), ==, 6);
  g_assert_cmpint (counter (s, "help_request_status"), ==, 2);
  g_assert_cmpint (counter (s, "unknown"), ==, 1);
}

/* --- reports ------------------------------------------------------------------------ */

static void
test_reports_are_numbered_and_listed (void)
{
  g_autoptr(HbTestSim) s = start ();
  const char *reasons[] = { "不会操作", "材料不全", "系统故障", "设备故障", "不符合条件", "其他" };
  g_autofree char *first = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      g_autofree char *key = g_strdup_printf ("report-%zu", i);
      g_autofree char *body = g_strdup_printf (
        "{\"terminal_id\":\"SH-XH-0001\",\"service_code\":\"310000-GA-JZZ-0003\",\"step\":\"materials\","
        "\"reason\":\"%s\",\"detail\":\"没有带户口本\",\"contact_phone\":\"138 1234 5678\"}", reasons[i]);
      g_autoptr(Reply) r = sim (s, "POST", "/v1/reports", body, key);
      g_autoptr(JsonObject) o = object_of (r, 201);
      const char *number = json_object_get_string_member (o, "report_number");
      g_assert_true (g_regex_match_simple ("^BC[0-9]{14}$", number, 0, 0));
      if (i == 0)
        {
          first = g_strdup (r->body->str);
          g_autoptr(Reply) again = sim (s, "POST", "/v1/reports", body, key);
          g_assert_cmpint (again->status, ==, 200);
          g_assert_true (replayed (again));
          g_assert_cmpstr (again->body->str, ==, first);
        }
    }
  /* the minimal report: no service, no detail, no phone */
  g_autoptr(JsonObject) minimal = post_object (s, "/v1/reports",
    "{\"terminal_id\":\"SH-XH-0001\",\"step\":\"home\",\"reason\":\"其他\"}", "report-min", 201);

  g_autoptr(Reply) list = sim (s, "GET", "/_sim/reports", NULL, NULL);
  g_assert_cmpint (list->status, ==, 200);
  g_autoptr(JsonNode) root = parse (list->body->str);
  JsonArray *a = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (a), ==, 7);
  JsonObject *r0 = json_array_get_object_element (a, 0);
  g_assert_cmpstr (json_object_get_string_member (r0, "idempotency_key"), ==, "report-0");
  g_assert_nonnull (json_object_get_string_member (r0, "received_at"));
  JsonObject *body0 = json_object_get_object_member (r0, "body");
  g_assert_cmpstr (json_object_get_string_member (body0, "reason"), ==, "不会操作");
  g_assert_cmpstr (json_object_get_string_member (body0, "step"), ==, "materials");

  g_autofree char *long_detail = g_strnfill (501 * 3, 'x');
  for (gsize i = 0; i < 501; i++)
    memcpy (long_detail + i * 3, "好", 3);
  g_autofree char *too_long = g_strdup_printf (
    "{\"terminal_id\":\"SH-XH-0001\",\"step\":\"s\",\"reason\":\"其他\",\"detail\":\"%s\"}", long_detail);
  const char *bad[] = {
    "{\"terminal_id\":\"SH-XH-0001\",\"step\":\"s\",\"reason\":\"不高兴\"}",
    "{\"terminal_id\":\"SH-XH-0001\",\"step\":\"s\"}",
    "{\"step\":\"s\",\"reason\":\"其他\"}",
    "{\"terminal_id\":\"SH-XH-0001\",\"reason\":\"其他\"}",
    "{\"terminal_id\":\"SH-XH-0001\",\"step\":\"s\",\"reason\":\"其他\",\"contact_phone\":\"call me\"}",
    "{\"terminal_id\":\"SH-XH-0001\",\"step\":\"s\",\"reason\":\"其他\",\"contact_phone\":\"123\"}",
    "{\"terminal_id\":\"SH-XH-0001\",\"step\":\"s\",\"reason\":\"其他\",\"contact_phone\":\"123456789012345678901\"}",
    too_long,
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *key = g_strdup_printf ("bad-report-%zu", i);
      g_autoptr(Reply) r = sim (s, "POST", "/v1/reports", bad[i], key);
      assert_error (r, 400, "invalid-report");
    }
  g_assert_cmpint (counter (s, "reports"), ==, 8 + G_N_ELEMENTS (bad));
}

/* --- ratings ------------------------------------------------------------------------ */

static char *
rating (const char *key, const char *case_json, int level, const char *extra)
{
  return g_strdup_printf ("{\"idempotency_key\":\"%s\",\"case_number\":%s,\"service_code\":\"310000-GA-JZZ-0003\","
                          "\"terminal_id\":\"SH-XH-0001\",\"level\":%d,\"rated_at\":\"2026-11-27T10:20:00+08:00\"%s}",
                          key, case_json, level, extra);
}

static void
test_rating_carries_indicators_and_one_per_case (void)
{
  g_autoptr(HbTestSim) s = start ();
  g_autofree char *case1 = apply (s, "rate-app-1", ZHANG_WEI, "{}");
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", case1);
  g_autofree char *good = rating ("rate-1", quoted, 4,
    ",\"indicators\":[\"服务效率高\",\"服务态度好\"],\"indicator_version\":\"offline-2019\","
    "\"comment\":\"很方便\",\"outcome\":\"completed\"");
  g_autoptr(Reply) first = sim (s, "POST", "/v1/ratings", good, "rate-1");
  g_assert_cmpint (first->status, ==, 201);
  g_autoptr(Reply) replay = sim (s, "POST", "/v1/ratings", good, "rate-1");
  g_assert_cmpint (replay->status, ==, 200);
  g_assert_true (replayed (replay));

  /* one rating per case: another key for the same case */
  g_autofree char *second = rating ("rate-2", quoted, 2, "");
  g_autoptr(Reply) conflict = sim (s, "POST", "/v1/ratings", second, "rate-2");
  assert_error (conflict, 409, "already-rated");

  /* an abandoned visit has no case; a completed one must have one */
  g_autofree char *abandoned = rating ("rate-3", "null", 2,
    ",\"indicators\":[\"服务效率低\"],\"indicator_version\":\"offline-2019\",\"outcome\":\"abandoned\"");
  g_autoptr(Reply) ok = sim (s, "POST", "/v1/ratings", abandoned, "rate-3");
  g_assert_cmpint (ok->status, ==, 201);
  g_autofree char *abandoned2 = rating ("rate-3b", "null", 1, ",\"outcome\":\"abandoned\"");
  g_autoptr(Reply) ok2 = sim (s, "POST", "/v1/ratings", abandoned2, "rate-3b");
  g_assert_cmpint (ok2->status, ==, 201);
  /* a rating an older terminal queued with the indicator set it had is still taken */
  g_autofree char *legacy = rating ("rate-3c", "null", 2,
    ",\"indicators\":[\"not_done\",\"usability\"],\"indicator_version\":\"GB/T39735-2020/online/1\","
    "\"outcome\":\"abandoned\"");
  g_autoptr(Reply) ok3 = sim (s, "POST", "/v1/ratings", legacy, "rate-3c");
  g_assert_cmpint (ok3->status, ==, 201);

  const char *extras[] = {
    ",\"outcome\":\"completed\"",                                          /* no case */
    ",\"outcome\":\"finished\"",
    ",\"indicators\":[\"服务效率高\"],\"indicator_version\":\"offline-2019\",\"outcome\":\"abandoned\"", /* level 1: not a good word */
    ",\"indicators\":[\"服务效率低\"],\"outcome\":\"abandoned\"",        /* no version */
    ",\"indicators\":[\"服务效率低\"],\"indicator_version\":\"online-2019\",\"outcome\":\"abandoned\"",
    ",\"indicators\":[\"服务效率低\",\"服务效率低\"],\"indicator_version\":\"offline-2019\",\"outcome\":\"abandoned\"",
    ",\"indicators\":\"服务效率低\",\"indicator_version\":\"offline-2019\",\"outcome\":\"abandoned\"",
    ",\"comment\":7,\"outcome\":\"abandoned\"",
    ",\"indicators\":[\"not_done\"],\"indicator_version\":\"offline-2019\",\"outcome\":\"abandoned\"",
    ",\"indicators\":[\"服务效率低\"],\"indicator_version\":\"GB/T39735-2020/online/1\",\"outcome\":\"abandoned\"",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (extras); i++)
    {
      g_autofree char *key = g_strdup_printf ("rate-bad-%zu", i);
      g_autofree char *body = rating (key, "null", 1, extras[i]);
      g_autoptr(Reply) r = sim (s, "POST", "/v1/ratings", body, key);
      assert_error (r, 400, "invalid-rating");
    }
  g_autofree char *level6 = rating ("rate-6", "\"SH1\"", 6, "");
  g_autoptr(Reply) bad_level = sim (s, "POST", "/v1/ratings", level6, "rate-6");
  assert_error (bad_level, 400, "invalid-rating");

  /* a rating under the queued reference of a case already rated is the same case */
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%Y%m%d");
  g_autofree char *case2 = apply (s, "abcdef12-3456-7890-abcd-ef1234567890", MA_XIAODONG, "{}");
  g_autofree char *queued = g_strdup_printf ("\"HB%s-ABCDEF12\"", day);
  g_autofree char *by_queued = rating ("rate-q", queued, 5, "");
  g_autoptr(Reply) rq = sim (s, "POST", "/v1/ratings", by_queued, "rate-q");
  g_assert_cmpint (rq->status, ==, 201);
  g_autofree char *quoted2 = g_strdup_printf ("\"%s\"", case2);
  g_autofree char *by_number = rating ("rate-n", quoted2, 5, "");
  g_autoptr(Reply) rn = sim (s, "POST", "/v1/ratings", by_number, "rate-n");
  assert_error (rn, 409, "already-rated");
  g_assert_cmpint (hb_test_sim_count (s, "/_sim/ratings"), ==, 5);
}

/* --- cases -------------------------------------------------------------------------- */

typedef struct {
  HbTestSim  *sim;
  const char *query;
} CaseWait;

static gboolean
case_completed (gpointer data)
{
  CaseWait *w = data;
  g_autoptr(Reply) r = sim (w->sim, "POST", "/v1/cases/query", w->query, NULL);
  g_autoptr(JsonObject) o = object_of (r, 200);
  JsonObject *c = json_array_get_object_element (json_object_get_array_member (o, "cases"), 0);
  return g_str_equal (json_object_get_string_member (c, "status"), "completed");
}

static JsonObject *
only_case (JsonObject *answer)
{
  JsonArray *cases = json_object_get_array_member (answer, "cases");
  g_assert_cmpuint (json_array_get_length (cases), ==, 1);
  return json_array_get_object_element (cases, 0);
}

static void
test_case_timeline_advances_with_time (void)
{
  g_autoptr(HbTestSim) s = start ();
  g_autoptr(JsonObject) knob = post_object (s, "/_sim/cases", "{\"step_ms\":86400000}", NULL, 200);
  g_assert_cmpint (json_object_get_int_member (knob, "step_ms"), ==, 86400000);
  g_autofree char *case_number = apply (s, "8f0c2d1e-aaaa-bbbb-cccc-000000000001", BEIJING, "{}");
  g_autofree char *query = g_strdup_printf ("{\"case_number\":\"%s\"}", case_number);

  g_autoptr(JsonObject) fresh = post_object (s, "/v1/cases/query", query, NULL, 200);
  JsonObject *c = only_case (fresh);
  g_assert_cmpstr (json_object_get_string_member (c, "case_number"), ==, case_number);
  g_assert_cmpstr (json_object_get_string_member (c, "service_code"), ==, "310000-GA-JZZ-0003");
  g_assert_cmpstr (json_object_get_string_member (c, "status"), ==, "submitted");
  g_assert_cmpstr (json_object_get_string_member (c, "status_name"), ==, "已提交");
  g_assert_nonnull (json_object_get_string_member (c, "service_name"));
  g_assert_nonnull (json_object_get_string_member (c, "submitted_at"));
  JsonArray *t = json_object_get_array_member (c, "timeline");
  g_assert_cmpuint (json_array_get_length (t), ==, 1);
  JsonObject *step0 = json_array_get_object_element (t, 0);
  g_assert_cmpstr (json_object_get_string_member (step0, "status"), ==, "submitted");
  g_assert_nonnull (json_object_get_string_member (step0, "note"));
  g_assert_nonnull (json_object_get_string_member (step0, "note_en"));

  /* one step every 100 ms: it reaches 已办结 through every step, in order */
  g_autoptr(JsonObject) knob2 = post_object (s, "/_sim/cases", "{\"step_ms\":100}", NULL, 200);
  CaseWait w = { s, query };
  g_assert_true (hb_test_wait_until (case_completed, &w, 10000));
  g_autoptr(JsonObject) done = post_object (s, "/v1/cases/query", query, NULL, 200);
  JsonArray *t2 = json_object_get_array_member (only_case (done), "timeline");
  const char *order[] = { "submitted", "accepted", "in_review", "completed" };
  g_assert_cmpuint (json_array_get_length (t2), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      JsonObject *st = json_array_get_object_element (t2, i);
      g_assert_cmpstr (json_object_get_string_member (st, "status"), ==, order[i]);
      if (i > 0)
        {
          g_autoptr(GDateTime) a = g_date_time_new_from_iso8601 (
            json_object_get_string_member (json_array_get_object_element (t2, i - 1), "at"), NULL);
          g_autoptr(GDateTime) b = g_date_time_new_from_iso8601 (json_object_get_string_member (st, "at"), NULL);
          g_assert_cmpint (g_date_time_compare (a, b), <=, 0);
        }
    }
  g_autoptr(Reply) bad_knob = sim (s, "POST", "/_sim/cases", "{\"step_ms\":0}", NULL);
  assert_error (bad_knob, 400, "invalid-request");
}

static void
test_receipt_reference_finds_its_case (void)
{
  g_autoptr(HbTestSim) s = start ();
  g_autofree char *case_number = apply (s, "8f0c2d1e-aaaa-bbbb-cccc-000000000002", BEIJING, "{}");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%Y%m%d");
  /* what the receipt's QR encodes: the case number, or the queued reference HB<day>-<KEY8> */
  g_autofree char *spaced = g_strdup_printf ("{\"case_number\":\" %s \"}", case_number);
  g_autofree char *queued = g_strdup_printf ("{\"case_number\":\"HB%s-8F0C2D1E\"}", day);
  g_autofree char *lower = g_strdup_printf ("{\"case_number\":\"hb%s-8f0c2d1e\"}", day);
  const char *queries[] = { spaced, queued, lower };

  for (gsize i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(JsonObject) o = post_object (s, "/v1/cases/query", queries[i], NULL, 200);
      g_assert_cmpstr (json_object_get_string_member (only_case (o), "case_number"), ==, case_number);
    }
  g_autoptr(Reply) unknown = sim (s, "POST", "/v1/cases/query", "{\"case_number\":\"SH20000101000001\"}", NULL);
  assert_error (unknown, 404, "unknown-case");
  g_autofree char *other_day = g_strdup ("{\"case_number\":\"HB20000101-00000000\"}");
  g_autoptr(Reply) unknown_q = sim (s, "POST", "/v1/cases/query", other_day, NULL);
  assert_error (unknown_q, 404, "unknown-case");
  const char *bad[] = { "{}", "{\"case_number\":\"\"}",
                        "{\"case_number\":\"SH1\",\"id_number\":\"" ZHANG_WEI "\"}",
                        "{\"case_number\":\"01234567890123456789012345678901234567890123456789012345678901234\"}",
                        "{\"id_number\":\"x\"}" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(Reply) r = sim (s, "POST", "/v1/cases/query", bad[i], NULL);
      assert_error (r, 400, "invalid-request");
    }
}

static void
test_cases_by_id_number (void)
{
  g_autoptr(HbTestSim) s = start ();
  /* a sample card has 1–2 older, finished cases */
  g_autofree char *zhang = id_body (ZHANG_WEI);
  g_autoptr(JsonObject) before = post_object (s, "/v1/cases/query", zhang, NULL, 200);
  JsonArray *older = json_object_get_array_member (before, "cases");
  guint n_older = json_array_get_length (older);
  g_assert_cmpuint (n_older, >=, 1);
  g_assert_cmpuint (n_older, <=, 2);
  for (guint i = 0; i < n_older; i++)
    {
      JsonObject *c = json_array_get_object_element (older, i);
      g_assert_cmpstr (json_object_get_string_member (c, "status"), ==, "completed");
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (c, "timeline")), ==, 4);
    }
  /* an unknown person has none; after applying, theirs only */
  g_autofree char *beijing = id_body (BEIJING);
  g_autoptr(JsonObject) none = post_object (s, "/v1/cases/query", beijing, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (none, "cases")), ==, 0);
  g_autofree char *c1 = apply (s, "by-id-1", BEIJING, "{}");
  g_autofree char *c2 = apply (s, "by-id-2", ZHANG_WEI, "{}");
  g_autoptr(JsonObject) mine = post_object (s, "/v1/cases/query", beijing, NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (only_case (mine), "case_number"), ==, c1);
  g_autoptr(JsonObject) after = post_object (s, "/v1/cases/query", zhang, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (after, "cases")), ==, n_older + 1);
}

/* --- enterprises -------------------------------------------------------------------- */

/* A USCC with a valid check character (GB 32100-2015) from its first 17. */
static char *
uscc (const char *first17)
{
  static const char cs[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
  int sum = 0;
  for (int i = 0; i < 17; i++)
    sum += (int) (strchr (cs, first17[i]) - cs) * w[i];
  return g_strdup_printf ("%s%c", first17, cs[(31 - sum % 31) % 31]);
}

static char *
login_body (const char *code, const char *id)
{
  return g_strdup_printf ("{\"uscc\":\"%s\",\"id_number\":\"%s\"}", code, id);
}

static void
test_enterprise_login_roles (void)
{
  g_autoptr(HbTestSim) s = start ();
  g_autofree char *rep = login_body (ENT_DEMO, WANG_XM);
  g_autoptr(JsonObject) a = post_object (s, "/v1/enterprises/login", rep, NULL, 200);
  JsonObject *e = json_object_get_object_member (a, "enterprise");
  g_assert_cmpstr (json_object_get_string_member (a, "role"), ==, "legal_rep");
  g_assert_cmpstr (json_object_get_string_member (e, "name"), ==, "上海好办示范科技有限公司");
  g_assert_cmpstr (json_object_get_string_member (e, "uscc"), ==, ENT_DEMO);
  g_assert_cmpstr (json_object_get_string_member (e, "legal_rep"), ==, "王晓明");
  g_assert_nonnull (json_object_get_string_member (e, "address"));
  g_assert_nonnull (json_object_get_string_member (e, "type"));
  g_assert_cmpint (json_object_get_int_member (e, "registered_capital_fen"), ==, 100000000);

  g_autofree char *agent = login_body (ENT_DEMO, ZHANG_WEI);
  g_autoptr(JsonObject) b = post_object (s, "/v1/enterprises/login", agent, NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (b, "role"), ==, "agent");
  g_autofree char *own = login_body (ENT_WEIYE, ZHANG_WEI);
  g_autoptr(JsonObject) c = post_object (s, "/v1/enterprises/login", own, NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (c, "role"), ==, "legal_rep");
  g_autofree char *stranger = login_body (ENT_DEMO, LI_XIUYING);
  g_autoptr(Reply) forbidden = sim (s, "POST", "/v1/enterprises/login", stranger, NULL);
  assert_error (forbidden, 403, "not-authorised");

  /* any valid Shanghai USCC is an enterprise, the same every time; people get every answer */
  guint roles[3] = { 0, 0, 0 };
  for (int i = 0; i < 24; i++)
    {
      g_autofree char *first17 = g_strdup_printf ("9131010%dMA1X%05d", i % 10, 1000 + i);
      g_autofree char *code = uscc (first17);
      g_autofree char *id = resident_number ("310101", 1970 + i, 1 + i % 12, 1 + i % 28, 200 + i);
      g_autofree char *body = login_body (code, id);
      g_autoptr(Reply) r1 = sim (s, "POST", "/v1/enterprises/login", body, NULL);
      g_autoptr(Reply) r2 = sim (s, "POST", "/v1/enterprises/login", body, NULL);
      g_assert_cmpint (r1->status, ==, r2->status);
      g_assert_cmpstr (r1->body->str, ==, r2->body->str);
      if (r1->status == 403)
        {
          assert_error (r1, 403, "not-authorised");
          roles[2]++;
          continue;
        }
      g_autoptr(JsonObject) o = object_of (r1, 200);
      JsonObject *ent = json_object_get_object_member (o, "enterprise");
      g_assert_cmpstr (json_object_get_string_member (ent, "uscc"), ==, code);
      g_assert_true (g_str_has_prefix (json_object_get_string_member (ent, "name"), "上海"));
      g_assert_cmpint (json_object_get_int_member (ent, "registered_capital_fen"), >=, 0);
      roles[g_str_equal (json_object_get_string_member (o, "role"), "legal_rep") ? 0 : 1]++;
    }
  g_assert_cmpuint (roles[0], >, 0);
  g_assert_cmpuint (roles[1], >, 0);
  g_assert_cmpuint (roles[2], >, 0);

  g_autofree char *shenzhen = login_body (ENT_SHENZHEN, ZHANG_WEI);
  g_autoptr(Reply) unknown = sim (s, "POST", "/v1/enterprises/login", shenzhen, NULL);
  assert_error (unknown, 404, "unknown-enterprise");
  g_autofree char *wrong_check = login_body ("91310104MA1HB0AB08", ZHANG_WEI);
  g_autoptr(Reply) bad_check = sim (s, "POST", "/v1/enterprises/login", wrong_check, NULL);
  assert_error (bad_check, 400, "invalid-uscc");
  g_autofree char *letter_o = login_body ("91310104MA1HB0AO09", ZHANG_WEI);
  g_autoptr(Reply) bad_char = sim (s, "POST", "/v1/enterprises/login", letter_o, NULL);
  assert_error (bad_char, 400, "invalid-uscc");
  const char *bad[] = { "{\"uscc\":\"9131\",\"id_number\":\"" ZHANG_WEI "\"}", "{\"uscc\":\"" ENT_DEMO "\"}", "{}" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(Reply) r = sim (s, "POST", "/v1/enterprises/login", bad[i], NULL);
      assert_error (r, 400, "invalid-request");
    }
}

/* --- faults, counters, reset -------------------------------------------------------- */

static void
test_faults_apply_to_the_new_endpoints (void)
{
  g_autoptr(HbTestSim) s = start ();
  const char *const posts[][3] = {
    { "/v1/profile", "{\"id_number\":\"" ZHANG_WEI "\"}", NULL },
    { "/v1/licences", "{\"id_number\":\"" ZHANG_WEI "\"}", NULL },
    { "/v1/benefits", "{\"id_number\":\"" ZHANG_WEI "\"}", NULL },
    { "/v1/benefits/confirm", "{\"id_number\":\"" LI_XIUYING "\",\"benefit_id\":\"elderly-nutrition\"}", "f-1" },
    { "/v1/help-requests", HELP_BODY, "f-2" },
    { "/v1/reports", "{\"terminal_id\":\"T\",\"step\":\"s\",\"reason\":\"其他\"}", "f-3" },
    { "/v1/cases/query", "{\"id_number\":\"" ZHANG_WEI "\"}", NULL },
    { "/v1/enterprises/login", "{\"uscc\":\"" ENT_DEMO "\",\"id_number\":\"" WANG_XM "\"}", NULL },
  };
  g_autoptr(Reply) set = sim (s, "POST", "/_sim/faults", "{\"status\":503}", NULL);
  g_assert_cmpint (set->status, ==, 200);
  for (gsize i = 0; i < G_N_ELEMENTS (posts); i++)
    {
      g_autoptr(Reply) r = sim (s, "POST", posts[i][0], posts[i][1], posts[i][2]);
      assert_error (r, 503, "sim-fault");
    }
  g_autoptr(Reply) get = sim (s, "GET", "/v1/help-requests/HR20260101000001", NULL, NULL);
  assert_error (get, 503, "sim-fault");
  /* nothing was recorded */
  g_assert_cmpint (hb_test_sim_count (s, "/_sim/reports"), ==, 0);

  /* recorded, then 503: the retry gets the replay */
  g_autoptr(Reply) fac = sim (s, "POST", "/_sim/faults", "{\"fail_after_commit\":true}", NULL);
  g_assert_cmpint (fac->status, ==, 200);
  for (gsize i = 3; i < 6; i++)
    {
      g_autoptr(Reply) r = sim (s, "POST", posts[i][0], posts[i][1], posts[i][2]);
      assert_error (r, 503, "sim-fault");
    }
  g_assert_cmpint (hb_test_sim_count (s, "/_sim/reports"), ==, 1);
  g_autoptr(Reply) clear = sim (s, "POST", "/_sim/faults", "{}", NULL);
  for (gsize i = 3; i < 6; i++)
    {
      g_autoptr(Reply) r = sim (s, "POST", posts[i][0], posts[i][1], posts[i][2]);
      g_assert_cmpint (r->status, ==, 200);
      g_assert_true (replayed (r));
    }
  g_assert_cmpint (hb_test_sim_count (s, "/_sim/reports"), ==, 1);
  g_assert_cmpint (counter (s, "failed_after_commit"), ==, 3);
  g_assert_cmpint (counter (s, "replays"), ==, 3);

  const char *names[] = { "profile", "licences", "benefits", "benefits_confirm", "help_requests",
                          "reports", "cases_query", "enterprises_login" };
  g_assert_cmpint (counter (s, names[0]), ==, 1);
  g_assert_cmpint (counter (s, names[3]), ==, 3);
  g_assert_cmpint (counter (s, "help_request_status"), ==, 1);

  /* a reset forgets the records and the counters, not the numbers */
  g_autoptr(Reply) reset = sim (s, "POST", "/_sim/reset", NULL, NULL);
  g_assert_cmpint (reset->status, ==, 200);
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpint (counter (s, names[i]), ==, 0);
  g_assert_cmpint (hb_test_sim_count (s, "/_sim/reports"), ==, 0);
  g_autoptr(JsonObject) fresh = post_object (s, "/v1/reports", posts[5][1], posts[5][2], 201);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (fresh, "report_number"), "000002"));
  g_autofree char *li = id_body (LI_XIUYING);
  g_autoptr(JsonObject) list = post_object (s, "/v1/benefits", li, NULL, 200);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (find_benefit (list, "elderly-nutrition"),
                                                               "case_number")));
  g_autoptr(JsonObject) cases = post_object (s, "/_sim/cases", "{\"step_ms\":5}", NULL, 200);
  g_autoptr(Reply) reset2 = sim (s, "POST", "/_sim/reset", NULL, NULL);
  g_autoptr(Reply) cases_now = sim (s, "GET", "/_sim/cases", NULL, NULL);
  g_autoptr(JsonObject) step = object_of (cases_now, 200);
  g_assert_cmpint (json_object_get_int_member (step, "step_ms"), ==, 60000);
}

/* --- the state file ----------------------------------------------------------------- */

static void
test_records_survive_a_restart (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("sim-services-state");
  g_autofree char *state = g_build_filename (dir, "state.json", NULL);
  g_autofree char *services = g_strconcat (state, ".services", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbTestSim) s = hb_test_sim_start (state, &error);
  g_assert_no_error (error);

  const char *report = "{\"terminal_id\":\"T\",\"step\":\"s\",\"reason\":\"其他\",\"contact_phone\":\"13812345678\"}";
  const char *confirm = "{\"id_number\":\"" LI_XIUYING "\",\"benefit_id\":\"elderly-nutrition\"}";
  g_autoptr(Reply) r1 = sim (s, "POST", "/v1/reports", report, "keep-r");
  g_autoptr(Reply) c1 = sim (s, "POST", "/v1/benefits/confirm", confirm, "keep-c");
  g_assert_cmpint (r1->status, ==, 201);
  g_assert_cmpint (c1->status, ==, 201);
  GStatBuf st;
  g_assert_cmpint (g_stat (services, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* killed and started again: the keys still replay, the records and numbers are there */
  g_assert_true (hb_test_sim_restart (s, &error));
  g_assert_no_error (error);
  g_autoptr(Reply) r2 = sim (s, "POST", "/v1/reports", report, "keep-r");
  g_assert_cmpint (r2->status, ==, 200);
  g_assert_true (replayed (r2));
  g_assert_cmpstr (r2->body->str, ==, r1->body->str);
  g_autoptr(Reply) c2 = sim (s, "POST", "/v1/benefits/confirm", confirm, "keep-c");
  g_assert_cmpint (c2->status, ==, 200);
  g_assert_cmpstr (c2->body->str, ==, c1->body->str);
  g_assert_cmpint (hb_test_sim_count (s, "/_sim/reports"), ==, 1);
  g_autoptr(JsonObject) again = post_object (s, "/v1/benefits/confirm", confirm, "keep-c2", 200);
  g_autoptr(JsonObject) first = object_of (c1, 201);
  g_assert_cmpstr (json_object_get_string_member (again, "case_number"), ==,
                   json_object_get_string_member (first, "case_number"));
  g_autoptr(JsonObject) next = post_object (s, "/v1/reports", report, "keep-r2", 201);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (next, "report_number"), "000002"));

  /* a reset empties the file too */
  g_autoptr(Reply) reset = sim (s, "POST", "/_sim/reset", NULL, NULL);
  g_assert_cmpint (reset->status, ==, 200);
  g_assert_true (hb_test_sim_restart (s, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hb_test_sim_count (s, "/_sim/reports"), ==, 0);

  /* a broken file is set aside: the sim starts, empty */
  hb_test_sim_kill (s);
  g_assert_true (g_file_set_contents (services, "{\"format\":", -1, NULL));
  g_assert_true (hb_test_sim_restart (s, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hb_test_sim_count (s, "/_sim/reports"), ==, 0);
  g_autofree char *bad = g_strconcat (services, ".bad", NULL);
  g_assert_true (g_file_test (bad, G_FILE_TEST_EXISTS));

  hb_test_sim_free (g_steal_pointer (&s));
  hb_test_rmdir (dir);
}

/* --- the log ------------------------------------------------------------------------ */

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
test_log_never_holds_personal_data (void)
{
  g_autofree char *bin = g_build_filename (hb_test_builddir (), "haoban-platform-sim", NULL);
  g_autofree char *data = g_build_filename (hb_test_srcdir (), "data", NULL);
  g_autofree char *log_path = hb_test_output_path ("services-sim.stderr");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_set_stderr_file_path (launcher, log_path);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_autoptr(GSubprocess) proc = g_subprocess_launcher_spawn (launcher, &error, bin, "--port", "0",
                                                             "--data", data, NULL);
  g_assert_no_error (error);
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  g_autofree char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, NULL);
  g_assert_nonnull (line);
  const char *url = strstr (line, "http://");
  g_assert_nonnull (url);

  const char *const requests[][3] = {
    { "/v1/profile", "{\"id_number\":\"" LI_XIUYING "\"}", NULL },
    { "/v1/licences", "{\"id_number\":\"" LI_XIUYING "\"}", NULL },
    { "/v1/benefits", "{\"id_number\":\"" LI_XIUYING "\"}", NULL },
    { "/v1/benefits/confirm", "{\"id_number\":\"" LI_XIUYING "\",\"benefit_id\":\"elderly-nutrition\"}", "log-1" },
    { "/v1/benefits/confirm", "{\"id_number\":\"" ZHANG_WEI "\",\"benefit_id\":\"elderly-nutrition\"}", "log-2" },
    { "/v1/help-requests", HELP_BODY, "log-3" },
    { "/v1/reports", "{\"terminal_id\":\"T\",\"step\":\"s\",\"reason\":\"其他\",\"detail\":\"李秀英 家住控江路\","
                     "\"contact_phone\":\"13812345678\"}", "log-4" },
    { "/v1/cases/query", "{\"id_number\":\"" LI_XIUYING "\"}", NULL },
    { "/v1/cases/query", "{\"case_number\":\"" LI_XIUYING "\"}", NULL },
    { "/v1/enterprises/login", "{\"uscc\":\"" ENT_DEMO "\",\"id_number\":\"" LI_XIUYING "\"}", NULL },
    { "/v1/enterprises/login", "{\"uscc\":\"" ENT_DEMO "\",\"id_number\":\"" WANG_XM "\"}", NULL },
    { "/v1/profile", "{\"id_number\":\"" LI_XIUYING "\",\"x\":", NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr(Reply) r = http (url, "POST", requests[i][0], requests[i][1], requests[i][2]);
      g_assert_cmpint (r->status, >, 0);
      g_assert_null (strstr (r->body->str, "13812345678"));
    }
  g_autoptr(Reply) bad_path = http (url, "GET", "/v1/help-requests/" LI_XIUYING, NULL, NULL);
  g_assert_cmpint (bad_path->status, ==, 404);

  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_autofree char *log = hb_test_read_file (log_path, NULL);
  g_assert_nonnull (log);
  g_assert_nonnull (strstr (log, "POST /v1/benefits/confirm 201 key=log-1"));
  g_assert_nonnull (strstr (log, "POST /v1/reports 201 key=log-4"));
  g_assert_null (strstr (log, LI_XIUYING));
  g_assert_null (strstr (log, ZHANG_WEI));
  g_assert_null (strstr (log, WANG_XM));
  g_assert_null (strstr (log, "203082426"));
  g_assert_null (strstr (log, "13812345678"));
  g_assert_null (strstr (log, "李秀英"));
  g_assert_null (strstr (log, "控江路"));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  g_test_add_func ("/tools/platform-sim/services/profile/is-made-up-from-the-id-number",
                   test_profile_is_made_up_from_the_id_number);
  g_test_add_func ("/tools/platform-sim/services/profile/history-holds-earlier-answers",
                   test_profile_history_holds_earlier_answers);
  g_test_add_func ("/tools/platform-sim/services/profile/refuses-bad-requests",
                   test_profile_refuses_bad_requests);
  g_test_add_func ("/tools/platform-sim/services/licences/follow-the-person",
                   test_licences_follow_the_person);
  g_test_add_func ("/tools/platform-sim/services/benefits/are-those-the-person-qualifies-for",
                   test_benefits_are_those_the_person_qualifies_for);
  g_test_add_func ("/tools/platform-sim/services/benefits/confirmation-is-idempotent",
                   test_benefit_confirmation_is_idempotent);
  g_test_add_func ("/tools/platform-sim/services/help/is-answered-after-the-knob",
                   test_help_request_is_answered_after_the_knob);
  g_test_add_func ("/tools/platform-sim/services/help/refuses-bad-requests",
                   test_help_request_refuses_bad_requests);
  g_test_add_func ("/tools/platform-sim/services/reports/are-numbered-and-listed",
                   test_reports_are_numbered_and_listed);
  g_test_add_func ("/tools/platform-sim/services/ratings/carry-indicators-and-one-per-case",
                   test_rating_carries_indicators_and_one_per_case);
  g_test_add_func ("/tools/platform-sim/services/cases/timeline-advances-with-time",
                   test_case_timeline_advances_with_time);
  g_test_add_func ("/tools/platform-sim/services/cases/receipt-reference-finds-its-case",
                   test_receipt_reference_finds_its_case);
  g_test_add_func ("/tools/platform-sim/services/cases/by-id-number",
                   test_cases_by_id_number);
  g_test_add_func ("/tools/platform-sim/services/enterprises/login-roles",
                   test_enterprise_login_roles);
  g_test_add_func ("/tools/platform-sim/services/faults-counters-and-reset",
                   test_faults_apply_to_the_new_endpoints);
  g_test_add_func ("/tools/platform-sim/services/records-survive-a-restart",
                   test_records_survive_a_restart);
  g_test_add_func ("/tools/platform-sim/services/log-never-holds-personal-data",
                   test_log_never_holds_personal_data);
  int rc = g_test_run ();
  curl_global_cleanup ();
  return rc;
}
