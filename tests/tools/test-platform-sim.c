/* test-platform-sim.c — haoban-platform-sim behaves as docs/platform-api.md and
 * docs/platform-sim.md say: /v1 endpoints, idempotency, limits, every fault kind, the
 * state file, the log, signals and the config file. */
#include "tests/common/hb-test-util.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define SAMPLE_ID_NUMBER "310104198506151237"
#define SAMPLE_CODE      "SSM1:DEMO:7F3A9C21E5B04D18"
#define MIB              (1024 * 1024)

/* --- HTTP with status, headers and the curl result -------------------------------- */

typedef struct {
  CURLcode rc;
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

typedef struct {
  const char *data;
  gsize       len, pos;
} Upload;

static size_t
append_to_gstring (char *ptr, size_t size, size_t nmemb, void *user)
{
  g_string_append_len (user, ptr, (gssize) (size * nmemb));
  return size * nmemb;
}

static size_t
read_upload (char *ptr, size_t size, size_t nmemb, void *user)
{
  Upload *u = user;
  size_t n = MIN (size * nmemb, u->len - u->pos);
  memcpy (ptr, u->data + u->pos, n);
  u->pos += n;
  return n;
}

/* body_len < 0: strlen. chunked: send the body with Transfer-Encoding: chunked. */
static Reply *
http_full (const char *method, const char *url, const char *body, gssize body_len,
           const char *const *headers, gboolean chunked, long timeout_ms)
{
  Reply *r = g_new0 (Reply, 1);
  CURL *c = curl_easy_init ();
  struct curl_slist *h = NULL;
  Upload upload = { body, body ? (body_len < 0 ? strlen (body) : (gsize) body_len) : 0, 0 };

  r->body = g_string_new (NULL);
  r->headers = g_string_new (NULL);
  curl_easy_setopt (c, CURLOPT_URL, url);
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, append_to_gstring);
  curl_easy_setopt (c, CURLOPT_WRITEDATA, r->body);
  curl_easy_setopt (c, CURLOPT_HEADERFUNCTION, append_to_gstring);
  curl_easy_setopt (c, CURLOPT_HEADERDATA, r->headers);
  if (body)
    {
      h = curl_slist_append (h, "Content-Type: application/json");
      curl_easy_setopt (c, CURLOPT_POST, 1L);
      if (chunked)
        {
          h = curl_slist_append (h, "Transfer-Encoding: chunked");
          curl_easy_setopt (c, CURLOPT_READFUNCTION, read_upload);
          curl_easy_setopt (c, CURLOPT_READDATA, &upload);
        }
      else
        {
          curl_easy_setopt (c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) upload.len);
          curl_easy_setopt (c, CURLOPT_POSTFIELDS, body);
        }
    }
  curl_easy_setopt (c, CURLOPT_CUSTOMREQUEST, method);
  for (const char *const *p = headers; p && *p; p++)
    h = curl_slist_append (h, *p);
  curl_easy_setopt (c, CURLOPT_HTTPHEADER, h);
  r->rc = curl_easy_perform (c);
  if (r->rc == CURLE_OK)
    curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &r->status);
  curl_slist_free_all (h);
  curl_easy_cleanup (c);
  return r;
}

static Reply *
sim_http (HbTestSim *sim, const char *method, const char *path, const char *body,
          const char *const *headers)
{
  g_autofree char *url = g_strconcat (hb_test_sim_url (sim), path, NULL);
  return http_full (method, url, body, -1, headers, FALSE, 10000);
}

/* The value of the last header called name (case-insensitive), or NULL. */
static char *
reply_header (Reply *r, const char *name)
{
  g_auto(GStrv) lines = g_strsplit (r->headers->str, "\n", -1);
  char *value = NULL;
  gsize n = strlen (name);
  for (char **l = lines; *l; l++)
    if (g_ascii_strncasecmp (*l, name, n) == 0 && (*l)[n] == ':')
      {
        g_free (value);
        value = g_strstrip (g_strdup (*l + n + 1));
      }
  return value;
}

/* --- JSON ------------------------------------------------------------------------- */

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static JsonObject *
as_object (JsonNode *node)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

/* The string member of a JSON object text (transfer full), or NULL. */
static char *
json_member (const char *text, const char *member)
{
  g_autoptr(JsonNode) root = parse_json (text);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (root), member, NULL));
}

static gint64
json_int_member (const char *text, const char *member)
{
  g_autoptr(JsonNode) root = parse_json (text);
  return json_object_get_int_member_with_default (as_object (root), member, -1);
}

static void
assert_error_code (Reply *r, long status, const char *code)
{
  g_assert_cmpint (r->rc, ==, CURLE_OK);
  g_assert_cmpint (r->status, ==, status);
  g_autofree char *error = json_member (r->body->str, "error");
  g_assert_cmpstr (error, ==, code);
}

/* --- the sim ---------------------------------------------------------------------- */

static HbTestSim *
start_sim (const char *state_file)
{
  g_autoptr(GError) error = NULL;
  HbTestSim *sim = hb_test_sim_start (state_file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sim);
  return sim;
}

static gint64
sim_counter (HbTestSim *sim, const char *name)
{
  g_autoptr(Reply) r = sim_http (sim, "GET", "/_sim/requests", NULL, NULL);
  g_assert_cmpint (r->status, ==, 200);
  return json_int_member (r->body->str, name);
}

static void
set_faults (HbTestSim *sim, const char *faults)
{
  g_autoptr(Reply) r = sim_http (sim, "POST", "/_sim/faults", faults, NULL);
  g_assert_cmpint (r->status, ==, 200);
}

static char *
application_body (const char *key, const char *id_number, const char *phone)
{
  return g_strdup_printf (
    "{\"idempotency_key\":\"%s\",\"service_code\":\"310000-GA-JZZ-0003\","
    "\"terminal_id\":\"SH-XH-0001\",\"submitted_at\":\"2026-11-27T10:15:02+08:00\","
    "\"language\":\"zh_CN\",\"applicant\":{\"id_type\":\"resident\",\"id_number\":\"%s\","
    "\"name\":\"张伟\"},\"form\":{\"residence_address\":\"上海市徐汇区漕溪北路88号\","
    "\"phone\":\"%s\",\"pickup\":\"print\"}}", key, id_number, phone);
}

static Reply *
post_with_key (HbTestSim *sim, const char *path, const char *key, const char *body)
{
  g_autofree char *header = key ? g_strdup_printf ("Idempotency-Key: %s", key) : NULL;
  const char *headers[] = { "X-Terminal-Id: SH-XH-0001", header, NULL };
  return sim_http (sim, "POST", path, body, headers);
}

static Reply *
submit (HbTestSim *sim, const char *key, const char *phone)
{
  g_autofree char *body = application_body (key, SAMPLE_ID_NUMBER, phone);
  return post_with_key (sim, "/v1/applications", key, body);
}

static char *
rating_body (const char *key, const char *case_number, int level)
{
  return g_strdup_printf ("{\"idempotency_key\":\"%s\",\"case_number\":\"%s\","
                          "\"service_code\":\"310000-GA-JZZ-0003\",\"terminal_id\":\"SH-XH-0001\","
                          "\"level\":%d,\"rated_at\":\"2026-11-27T10:20:00+08:00\"}",
                          key, case_number, level);
}

/* A sim started by hand: custom arguments, stderr captured to a file. */
typedef struct {
  GSubprocess *proc;
  char        *first_line;   /* NULL when it exited before announcing */
  char        *url;
  char        *stderr_path;
} Spawned;

static void
spawned_free (Spawned *s)
{
  if (s->proc)
    {
      g_subprocess_force_exit (s->proc);
      g_subprocess_wait (s->proc, NULL, NULL);
      g_object_unref (s->proc);
    }
  g_free (s->first_line);
  g_free (s->url);
  g_free (s->stderr_path);
  g_free (s);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Spawned, spawned_free)

/* The sim must not outlive a test that aborts on a failed assertion. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static Spawned *
spawn_sim (const char *const *args)
{
  static int counter;
  Spawned *s = g_new0 (Spawned, 1);
  g_autofree char *bin = g_build_filename (hb_test_builddir (), "haoban-platform-sim", NULL);
  g_autofree char *name = g_strdup_printf ("sim-%d-%d.stderr", (int) getpid (), ++counter);
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  s->stderr_path = hb_test_output_path (name);
  g_subprocess_launcher_set_stderr_file_path (launcher, s->stderr_path);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_ptr_array_add (argv, bin);
  for (const char *const *a = args; *a; a++)
    g_ptr_array_add (argv, (gpointer) *a);
  g_ptr_array_add (argv, NULL);
  s->proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (s->proc));
  s->first_line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, NULL);
  const char *p = s->first_line ? strstr (s->first_line, "http://") : NULL;
  if (p)
    s->url = g_strdup (p);
  return s;
}

static char *
spawned_stderr (Spawned *s)
{
  g_autofree char *text = hb_test_read_file (s->stderr_path, NULL);
  return g_strdup (text ? text : "");
}

/* Exit status after the process ended by itself, or -1 when a signal ended it. */
static int
spawned_wait (Spawned *s)
{
  g_autoptr(GError) error = NULL;
  g_subprocess_wait (s->proc, NULL, &error);
  g_assert_no_error (error);
  int status = g_subprocess_get_if_exited (s->proc) ? g_subprocess_get_exit_status (s->proc) : -1;
  g_clear_object (&s->proc);
  return status;
}

static Reply *
spawned_http (Spawned *s, const char *method, const char *path, const char *body,
              const char *const *headers)
{
  g_autofree char *url = g_strconcat (s->url, path, NULL);
  return http_full (method, url, body, -1, headers, FALSE, 10000);
}

/* A data folder with the repository's catalog, for tests that vary the data files. */
static char *
make_data_dir (const char *cards_json)
{
  char *dir = hb_test_mkdtemp ("sim-data");
  g_autofree char *src = g_build_filename (hb_test_srcdir (), "data", "catalog.json", NULL);
  g_autofree char *dst = g_build_filename (dir, "catalog.json", NULL);
  g_autofree char *catalog = hb_test_read_file (src, NULL);
  g_assert_nonnull (catalog);
  g_assert_true (g_file_set_contents (dst, catalog, -1, NULL));
  if (cards_json)
    {
      g_autofree char *cards = g_build_filename (dir, "sample-cards.json", NULL);
      g_assert_true (g_file_set_contents (cards, cards_json, -1, NULL));
    }
  return dir;
}

static void
write_file (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

/* --- start-up --------------------------------------------------------------------- */

static void
test_announces_its_address (void)
{
  g_autofree char *data = g_build_filename (hb_test_srcdir (), "data", NULL);
  const char *args[] = { "--port", "0", "--data", data, NULL };
  g_autoptr(Spawned) s = spawn_sim (args);
  g_assert_nonnull (s->first_line);
  g_assert_true (g_str_has_prefix (s->first_line, "haoban-platform-sim: listening on http://127.0.0.1:"));
  guint64 port = 0;
  const char *digits = s->first_line + strlen ("haoban-platform-sim: listening on http://127.0.0.1:");
  g_assert_true (g_ascii_string_to_unsigned (digits, 10, 1, 65535, &port, NULL));

  g_autoptr(Reply) r = spawned_http (s, "GET", "/v1/catalog", NULL, NULL);
  g_assert_cmpint (r->status, ==, 200);
}

static void
test_refuses_a_catalog_without_version (void)
{
  g_autofree char *dir = make_data_dir (NULL);
  write_file (dir, "catalog.json", "{\"services\":[]}");
  const char *args[] = { "--port", "0", "--data", dir, NULL };
  g_autoptr(Spawned) s = spawn_sim (args);
  g_assert_null (s->first_line);
  g_assert_cmpint (spawned_wait (s), ==, 1);
  g_autofree char *log = spawned_stderr (s);
  g_assert_nonnull (strstr (log, "version"));
  hb_test_rmdir (dir);
}

/* --- catalog ---------------------------------------------------------------------- */

/* data/catalog.json as the sim serves it. */
static char *
read_data_catalog (gsize *len)
{
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "data", "catalog.json", NULL);
  return hb_test_read_file (path, len);
}

static void
test_catalog_is_the_data_file_with_its_etag (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  gsize len = 0;
  g_autofree char *file = read_data_catalog (&len);
  g_autofree char *version = json_member (file, "version");
  g_autofree char *expected_etag = g_strdup_printf ("\"%s\"", version);

  g_autoptr(Reply) r = sim_http (sim, "GET", "/v1/catalog", NULL, NULL);
  g_assert_cmpint (r->status, ==, 200);
  g_assert_cmpmem (r->body->str, r->body->len, file, len);
  g_autofree char *etag = reply_header (r, "ETag");
  g_assert_cmpstr (etag, ==, expected_etag);
  g_autofree char *type = reply_header (r, "Content-Type");
  g_assert_true (g_str_has_prefix (type, "application/json"));
}

static void
test_catalog_if_none_match_gives_304 (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  g_autoptr(Reply) first = sim_http (sim, "GET", "/v1/catalog", NULL, NULL);
  g_autofree char *etag = reply_header (first, "ETag");
  g_autofree char *match = g_strdup_printf ("If-None-Match: %s", etag);
  const char *same[] = { match, NULL };
  const char *other[] = { "If-None-Match: \"1999.01.01-1\"", NULL };

  g_autoptr(Reply) r304 = sim_http (sim, "GET", "/v1/catalog", NULL, same);
  g_assert_cmpint (r304->status, ==, 304);
  g_assert_cmpuint (r304->body->len, ==, 0);
  g_autofree char *etag304 = reply_header (r304, "ETag");
  g_assert_cmpstr (etag304, ==, etag);

  g_autoptr(Reply) r200 = sim_http (sim, "GET", "/v1/catalog", NULL, other);
  g_assert_cmpint (r200->status, ==, 200);
  g_assert_cmpuint (r200->body->len, ==, first->body->len);

  g_assert_cmpint (sim_counter (sim, "catalog"), ==, 3);
  g_assert_cmpint (sim_counter (sim, "catalog_not_modified"), ==, 1);
}

static void
test_catalog_follows_the_file (void)
{
  g_autofree char *dir = make_data_dir (NULL);
  write_file (dir, "catalog.json", "{\"version\":\"v1\",\"services\":[]}");
  const char *args[] = { "--port", "0", "--data", dir, NULL };
  g_autoptr(Spawned) s = spawn_sim (args);
  g_assert_nonnull (s->url);

  g_autoptr(Reply) r1 = spawned_http (s, "GET", "/v1/catalog", NULL, NULL);
  g_autofree char *etag1 = reply_header (r1, "ETag");
  g_assert_cmpstr (etag1, ==, "\"v1\"");

  write_file (dir, "catalog.json", "{\"version\":\"v2\",\"services\":[]}");
  g_autoptr(Reply) r2 = spawned_http (s, "GET", "/v1/catalog", NULL, NULL);
  g_autofree char *etag2 = reply_header (r2, "ETag");
  g_assert_cmpstr (etag2, ==, "\"v2\"");

  /* A broken new file keeps the last good catalog. */
  write_file (dir, "catalog.json", "{\"version\":");
  g_autoptr(Reply) r3 = spawned_http (s, "GET", "/v1/catalog", NULL, NULL);
  g_assert_cmpint (r3->status, ==, 200);
  g_autofree char *etag3 = reply_header (r3, "ETag");
  g_assert_cmpstr (etag3, ==, "\"v2\"");
  g_assert_cmpstr (r3->body->str, ==, "{\"version\":\"v2\",\"services\":[]}");
  hb_test_rmdir (dir);
}

/* --- applications ----------------------------------------------------------------- */

static void
test_application_gets_a_case_number (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  g_autoptr(Reply) r = submit (sim, "key-accept-1", "13800000000");
  g_assert_cmpint (r->status, ==, 201);

  g_autofree char *case_number = json_member (r->body->str, "case_number");
  g_autofree char *status = json_member (r->body->str, "status");
  g_autofree char *received_at = json_member (r->body->str, "received_at");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "SH%Y%m%d");
  g_assert_true (g_regex_match_simple ("^SH[0-9]{8}[0-9]{6}$", case_number, 0, 0));
  /* (a run across midnight would see yesterday's date in the number) */
  g_assert_true (g_str_has_prefix (case_number, today) || g_date_time_get_hour (now) == 0);
  g_assert_true (g_str_has_suffix (case_number, "000001"));
  g_assert_cmpstr (status, ==, "accepted");
  g_assert_true (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}$",
                                       received_at, 0, 0));
  g_autofree char *replayed = reply_header (r, "Idempotent-Replayed");
  g_assert_null (replayed);

  g_autoptr(Reply) second = submit (sim, "key-accept-2", "13800000000");
  g_autofree char *case2 = json_member (second->body->str, "case_number");
  g_assert_true (g_str_has_suffix (case2, "000002"));
}

static void
test_replay_returns_the_original_answer (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  g_autoptr(Reply) first = submit (sim, "key-replay", "13800000000");
  g_assert_cmpint (first->status, ==, 201);
  g_autoptr(Reply) again = submit (sim, "key-replay", "13800000000");
  g_assert_cmpint (again->status, ==, 200);
  g_autofree char *header = reply_header (again, "Idempotent-Replayed");
  g_assert_cmpstr (header, ==, "true");
  g_assert_cmpstr (again->body->str, ==, first->body->str);
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 1);
  g_assert_cmpint (sim_counter (sim, "replays"), ==, 1);
  g_assert_cmpint (sim_counter (sim, "applications"), ==, 2);
}

static void
test_key_reused_with_another_body_is_422 (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  g_autoptr(Reply) first = submit (sim, "key-reused", "13800000000");
  g_assert_cmpint (first->status, ==, 201);
  g_autoptr(Reply) other = submit (sim, "key-reused", "13900000000");
  assert_error_code (other, 422, "idempotency-key-reused");
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 1);
}

static void
test_missing_or_mismatched_key_is_400 (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  g_autofree char *body = application_body ("key-a", SAMPLE_ID_NUMBER, "13800000000");

  g_autoptr(Reply) missing = post_with_key (sim, "/v1/applications", NULL, body);
  assert_error_code (missing, 400, "missing-idempotency-key");
  g_autoptr(Reply) mismatch = post_with_key (sim, "/v1/applications", "key-b", body);
  assert_error_code (mismatch, 400, "idempotency-key-mismatch");
  g_autofree char *long_key = g_strnfill (129, 'k');
  g_autoptr(Reply) too_long = post_with_key (sim, "/v1/applications", long_key, body);
  assert_error_code (too_long, 400, "invalid-idempotency-key");
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 0);
}

static void
test_bad_json_is_400 (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  g_autoptr(Reply) broken = post_with_key (sim, "/v1/applications", "key-j",
                                           "{\"idempotency_key\":\"key-j\",");
  assert_error_code (broken, 400, "invalid-json");

  /* Nesting deep enough to exhaust a recursive parser is refused before parsing. */
  g_autoptr(GString) deep = g_string_new (NULL);
  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  g_autoptr(Reply) nested = post_with_key (sim, "/v1/applications", "key-j", deep->str);
  assert_error_code (nested, 400, "invalid-json");

  g_autoptr(Reply) not_utf8 = post_with_key (sim, "/v1/applications", "key-j", "{\"a\":\"\xff\"}");
  assert_error_code (not_utf8, 400, "invalid-json");

  g_autofree char *no_id = application_body ("key-i", "", "13800000000");
  g_autoptr(Reply) invalid = post_with_key (sim, "/v1/applications", "key-i", no_id);
  assert_error_code (invalid, 400, "invalid-application");

  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 0);
  /* the sim is still alive and well */
  g_autoptr(Reply) ok = submit (sim, "key-after", "13800000000");
  g_assert_cmpint (ok->status, ==, 201);
}

/* An application body of exactly len bytes (padding in the form). */
static char *
application_of_size (const char *key, gsize len)
{
  g_autofree char *base = application_body (key, SAMPLE_ID_NUMBER, "13800000000");
  /* base ends with "}}": insert ,"pad":"xxx" inside the form object */
  gsize base_len = strlen (base);
  gsize overhead = strlen (",\"pad\":\"\"");
  g_assert_cmpuint (len, >, base_len + overhead);
  g_autofree char *pad = g_strnfill (len - base_len - overhead, 'x');
  g_autofree char *head = g_strndup (base, base_len - 2);
  char *body = g_strdup_printf ("%s,\"pad\":\"%s\"}}", head, pad);
  g_assert_cmpuint (strlen (body), ==, len);
  return body;
}

static void
test_oversized_body_is_413 (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  g_autofree char *url = g_strconcat (hb_test_sim_url (sim), "/v1/applications", NULL);
  const char *headers[] = { "Idempotency-Key: key-big", NULL };
  const char *headers_exact[] = { "Idempotency-Key: key-exact", NULL };

  g_autofree char *big = application_of_size ("key-big", MIB + 1);
  g_autoptr(Reply) r = http_full ("POST", url, big, -1, headers, FALSE, 10000);
  assert_error_code (r, 413, "too-large");

  /* Without a Content-Length the limit holds too. */
  g_autoptr(Reply) chunked = http_full ("POST", url, big, -1, headers, TRUE, 10000);
  g_assert_cmpint (chunked->status, ==, 413);

  /* Exactly 1 MiB is allowed. */
  g_autofree char *exact = application_of_size ("key-exact", MIB);
  g_autoptr(Reply) ok = http_full ("POST", url, exact, -1, headers_exact, FALSE, 10000);
  g_assert_cmpint (ok->status, ==, 201);
  g_autoptr(Reply) ok_chunked = http_full ("POST", url, exact, -1, headers_exact, TRUE, 10000);
  g_assert_cmpint (ok_chunked->status, ==, 200);
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 1);
}

static GBytes *
gunzip (const char *data, gsize len)
{
  g_autoptr(GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) raw = g_memory_input_stream_new_from_data (data, (gssize) len, NULL);
  g_autoptr(GInputStream) in = g_converter_input_stream_new (raw, G_CONVERTER (z));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static void
test_catalog_is_gzipped_when_asked_and_only_then (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  gsize len = 0;
  g_autofree char *file = read_data_catalog (&len);
  const char *gzip[] = { "Accept-Encoding: deflate, gzip", NULL };
  const char *refused[] = { "Accept-Encoding: gzip;q=0, identity", NULL };

  g_autoptr(Reply) z = sim_http (sim, "GET", "/v1/catalog", NULL, gzip);
  g_assert_cmpint (z->status, ==, 200);
  g_autofree char *coding = reply_header (z, "Content-Encoding");
  g_autofree char *vary = reply_header (z, "Vary");
  g_assert_cmpstr (coding, ==, "gzip");
  g_assert_cmpstr (vary, ==, "Accept-Encoding");
  g_assert_cmpuint (z->body->len, <, len / 3);
  g_autoptr(GBytes) plain = gunzip (z->body->str, z->body->len);
  g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), file, len);

  g_autoptr(Reply) q0 = sim_http (sim, "GET", "/v1/catalog", NULL, refused);
  g_autoptr(Reply) none = sim_http (sim, "GET", "/v1/catalog", NULL, NULL);
  g_autofree char *q0_coding = reply_header (q0, "Content-Encoding");
  g_assert_null (q0_coding);
  g_assert_cmpmem (q0->body->str, q0->body->len, file, len);
  g_assert_cmpmem (none->body->str, none->body->len, file, len);

  g_autoptr(Reply) stats = sim_http (sim, "GET", "/_sim/requests", NULL, NULL);
  g_autoptr(JsonNode) root = parse_json (stats->body->str);
  JsonObject *o = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (o, "catalog_gzipped"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (o, "catalog_bytes_sent"), ==,
                   (gint64) (z->body->len + 2 * len));
}

static void
test_sim_catalog_takes_more_than_the_body_limit (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  /* A 3 MiB catalog: more than other bodies may be, far less than a real catalog. */
  g_autoptr(GString) doc = g_string_new ("{\"version\":\"big-1\",\"services\":[");
  for (guint i = 0; doc->len < 3 * MIB; i++)
    g_string_append_printf (doc, "%s{\"code\":\"310000-T-%06u\",\"name\":\"测试事项%u\","
                            "\"summary\":\"%0200u\"}", i ? "," : "", i, i, i);
  g_string_append (doc, "]}");
  g_autoptr(Reply) r = sim_http (sim, "POST", "/_sim/catalog", doc->str, NULL);
  g_assert_cmpint (r->status, ==, 200);
  g_autoptr(Reply) get = sim_http (sim, "GET", "/v1/catalog", NULL, NULL);
  g_assert_cmpmem (get->body->str, get->body->len, doc->str, doc->len);
  /* Other bodies keep their 1 MiB limit. */
  g_autofree char *url = g_strconcat (hb_test_sim_url (sim), "/v1/applications", NULL);
  const char *headers[] = { "Idempotency-Key: key-big", NULL };
  g_autofree char *big = application_of_size ("key-big", MIB + 1);
  g_autoptr(Reply) too_big = http_full ("POST", url, big, -1, headers, FALSE, 10000);
  assert_error_code (too_big, 413, "too-large");
}

static void
test_sim_applications_lists_exactly_the_accepted (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  g_autoptr(Reply) a = submit (sim, "key-list-a", "13800000001");
  g_autoptr(Reply) b = submit (sim, "key-list-b", "13800000002");
  g_autoptr(Reply) replay = submit (sim, "key-list-a", "13800000001");
  g_autoptr(Reply) conflict = submit (sim, "key-list-b", "13800000009");
  g_autofree char *invalid_body = application_body ("key-list-c", "", "1");
  g_autoptr(Reply) invalid = post_with_key (sim, "/v1/applications", "key-list-c", invalid_body);
  g_assert_cmpint (a->status, ==, 201);
  g_assert_cmpint (b->status, ==, 201);
  g_assert_cmpint (replay->status, ==, 200);
  g_assert_cmpint (conflict->status, ==, 422);
  g_assert_cmpint (invalid->status, ==, 400);

  g_autoptr(Reply) list = sim_http (sim, "GET", "/_sim/applications", NULL, NULL);
  g_assert_cmpint (list->status, ==, 200);
  g_autoptr(JsonNode) root = parse_json (list->body->str);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  JsonArray *array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);

  const char *keys[] = { "key-list-a", "key-list-b" };
  Reply *answers[] = { a, b };
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      g_autofree char *case_number = json_member (answers[i]->body->str, "case_number");
      g_autofree char *received_at = json_member (answers[i]->body->str, "received_at");
      g_assert_cmpstr (json_object_get_string_member (o, "idempotency_key"), ==, keys[i]);
      g_assert_cmpstr (json_object_get_string_member (o, "case_number"), ==, case_number);
      g_assert_cmpstr (json_object_get_string_member (o, "service_code"), ==, "310000-GA-JZZ-0003");
      g_assert_cmpstr (json_object_get_string_member (o, "terminal_id"), ==, "SH-XH-0001");
      g_assert_cmpstr (json_object_get_string_member (o, "received_at"), ==, received_at);
      JsonObject *body = json_object_get_object_member (o, "body");
      g_assert_cmpstr (json_object_get_string_member (body, "idempotency_key"), ==, keys[i]);
      JsonObject *applicant = json_object_get_object_member (body, "applicant");
      g_assert_cmpstr (json_object_get_string_member (applicant, "id_number"), ==, SAMPLE_ID_NUMBER);
    }
}

/* --- ratings ---------------------------------------------------------------------- */

static void
test_ratings_are_accepted_and_replayed (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  g_autofree char *body = rating_body ("key-rate", "SH20261127000001", 5);
  g_autoptr(Reply) first = post_with_key (sim, "/v1/ratings", "key-rate", body);
  g_assert_cmpint (first->status, ==, 201);
  g_autofree char *rating_id = json_member (first->body->str, "rating_id");
  g_autofree char *status = json_member (first->body->str, "status");
  g_assert_true (g_regex_match_simple ("^R[0-9]{8}[0-9]{6}$", rating_id, 0, 0));
  g_assert_cmpstr (status, ==, "accepted");

  g_autoptr(Reply) again = post_with_key (sim, "/v1/ratings", "key-rate", body);
  g_assert_cmpint (again->status, ==, 200);
  g_autofree char *replayed = reply_header (again, "Idempotent-Replayed");
  g_assert_cmpstr (replayed, ==, "true");
  g_assert_cmpstr (again->body->str, ==, first->body->str);

  g_autofree char *other = rating_body ("key-rate", "SH20261127000001", 1);
  g_autoptr(Reply) conflict = post_with_key (sim, "/v1/ratings", "key-rate", other);
  assert_error_code (conflict, 422, "idempotency-key-reused");

  g_autofree char *bad_level = rating_body ("key-rate-6", "SH20261127000001", 6);
  g_autoptr(Reply) invalid = post_with_key (sim, "/v1/ratings", "key-rate-6", bad_level);
  assert_error_code (invalid, 400, "invalid-rating");
  g_autoptr(Reply) missing = post_with_key (sim, "/v1/ratings", NULL, body);
  assert_error_code (missing, 400, "missing-idempotency-key");

  /* ratings and applications keep separate keys */
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 0);
  g_autoptr(Reply) list = sim_http (sim, "GET", "/_sim/ratings", NULL, NULL);
  g_autoptr(JsonNode) root = parse_json (list->body->str);
  JsonArray *array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  JsonObject *o = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (o, "rating_id"), ==, rating_id);
  g_assert_cmpstr (json_object_get_string_member (o, "case_number"), ==, "SH20261127000001");
  g_assert_cmpint (json_object_get_int_member (o, "level"), ==, 5);
  g_assert_cmpint (sim_counter (sim, "ratings"), ==, 5);
  g_assert_cmpint (sim_counter (sim, "replays"), ==, 1);
}

/* --- codes and heartbeat ---------------------------------------------------------- */

static void
test_known_code_resolves_to_its_card (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  g_autoptr(Reply) r = sim_http (sim, "POST", "/v1/codes/resolve",
                                 "{\"code\":\"" SAMPLE_CODE "\"}", NULL);
  g_assert_cmpint (r->status, ==, 200);
  g_autoptr(JsonNode) root = parse_json (r->body->str);
  JsonObject *card = as_object (root);
  g_assert_cmpstr (json_object_get_string_member (card, "type"), ==, "resident");
  g_assert_cmpstr (json_object_get_string_member (card, "id_number"), ==, SAMPLE_ID_NUMBER);
  g_assert_cmpstr (json_object_get_string_member (card, "name"), ==, "张伟");
  g_assert_false (json_object_has_member (card, "label"));
  g_assert_cmpint (sim_counter (sim, "codes_resolve"), ==, 1);
}

static void
test_unknown_code_is_404 (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  g_autoptr(Reply) r = sim_http (sim, "POST", "/v1/codes/resolve", "{\"code\":\"SSM1:DEMO:0000\"}", NULL);
  assert_error_code (r, 404, "unknown-code");
  g_autoptr(Reply) bad = sim_http (sim, "POST", "/v1/codes/resolve", "{\"text\":\"x\"}", NULL);
  assert_error_code (bad, 400, "invalid-request");
  g_autoptr(Reply) get = sim_http (sim, "GET", "/v1/codes/resolve", NULL, NULL);
  g_assert_cmpint (get->status, ==, 405);
  g_autofree char *allow = reply_header (get, "Allow");
  g_assert_cmpstr (allow, ==, "POST");
}

static void
test_expired_code_is_410 (void)
{
  g_autofree char *dir = make_data_dir (
    "{\"cards\":[{\"label\":\"x\",\"type\":\"resident\",\"name\":\"测试\",\"id_number\":\"11010519491231002X\"}],"
    "\"codes\":[{\"text\":\"OLD\",\"card\":1,\"expired\":true},{\"text\":\"NEW\",\"card\":1}]}");
  const char *args[] = { "--port", "0", "--data", dir, NULL };
  g_autoptr(Spawned) s = spawn_sim (args);
  g_assert_nonnull (s->url);
  g_autoptr(Reply) old = spawned_http (s, "POST", "/v1/codes/resolve", "{\"code\":\"OLD\"}", NULL);
  assert_error_code (old, 410, "expired-code");
  g_autoptr(Reply) fresh = spawned_http (s, "POST", "/v1/codes/resolve", "{\"code\":\"NEW\"}", NULL);
  g_assert_cmpint (fresh->status, ==, 200);
  g_autofree char *id = json_member (fresh->body->str, "id_number");
  g_assert_cmpstr (id, ==, "11010519491231002X");
  hb_test_rmdir (dir);
}

static void
test_heartbeat_answers_and_is_recorded (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  g_autoptr(Reply) r = sim_http (sim, "POST", "/v1/heartbeat",
                                 "{\"terminal_id\":\"SH-XH-0001\",\"version\":\"0.1.0\",\"devices\":[],"
                                 "\"outbox\":{\"pending\":2,\"dead\":0,\"oldest_pending_age\":30},"
                                 "\"catalog_version\":\"2026.11.27-1\"}", NULL);
  g_assert_cmpint (r->status, ==, 200);
  g_autoptr(JsonNode) root = parse_json (r->body->str);
  JsonObject *o = as_object (root);
  g_assert_nonnull (json_object_get_string_member_with_default (o, "server_time", NULL));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "commands")), ==, 0);

  g_autoptr(Reply) bad = sim_http (sim, "POST", "/v1/heartbeat", "{\"version\":\"0.1.0\"}", NULL);
  assert_error_code (bad, 400, "invalid-heartbeat");

  g_autoptr(Reply) list = sim_http (sim, "GET", "/_sim/heartbeats", NULL, NULL);
  g_autoptr(JsonNode) beats = parse_json (list->body->str);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (beats)), ==, 1);
  JsonObject *beat = json_array_get_object_element (json_node_get_array (beats), 0);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (beat, "outbox"), "pending"), ==, 2);
  g_assert_cmpint (sim_counter (sim, "heartbeat"), ==, 2);
}

static void
test_unknown_paths_and_methods (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  g_autoptr(Reply) v1 = sim_http (sim, "GET", "/v1/nothing", NULL, NULL);
  assert_error_code (v1, 404, "not-found");
  g_autoptr(Reply) root = sim_http (sim, "GET", "/", NULL, NULL);
  assert_error_code (root, 404, "not-found");
  g_autoptr(Reply) sim_unknown = sim_http (sim, "GET", "/_sim/nothing", NULL, NULL);
  assert_error_code (sim_unknown, 404, "not-found");
  g_autoptr(Reply) get_apps = sim_http (sim, "GET", "/v1/applications", NULL, NULL);
  assert_error_code (get_apps, 405, "method-not-allowed");
  g_autoptr(Reply) post_catalog = sim_http (sim, "POST", "/v1/catalog", "{}", NULL);
  g_assert_cmpint (post_catalog->status, ==, 405);
  g_assert_cmpint (sim_counter (sim, "unknown"), ==, 1);
}

/* --- faults ----------------------------------------------------------------------- */

static void
test_fault_status_then_empty_clears (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  set_faults (sim, "{\"status\":503}");

  g_autoptr(Reply) catalog = sim_http (sim, "GET", "/v1/catalog", NULL, NULL);
  assert_error_code (catalog, 503, "sim-fault");
  g_autoptr(Reply) app = submit (sim, "key-fault", "13800000000");
  g_assert_cmpint (app->status, ==, 503);
  /* /_sim/ is never faulted, and nothing was recorded */
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 0);
  g_autoptr(Reply) current = sim_http (sim, "GET", "/_sim/faults", NULL, NULL);
  g_assert_cmpint (json_int_member (current->body->str, "status"), ==, 503);

  set_faults (sim, "{}");
  g_autoptr(Reply) after = sim_http (sim, "GET", "/v1/catalog", NULL, NULL);
  g_assert_cmpint (after->status, ==, 200);
  g_autoptr(Reply) app2 = submit (sim, "key-fault", "13800000000");
  g_assert_cmpint (app2->status, ==, 201);
  g_assert_cmpint (sim_counter (sim, "faulted"), ==, 2);
}

static void
test_fault_times_limits_it (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  set_faults (sim, "{\"status\":500,\"times\":2}");
  g_autoptr(Reply) r1 = sim_http (sim, "GET", "/v1/catalog", NULL, NULL);
  g_autoptr(Reply) r2 = sim_http (sim, "GET", "/v1/catalog", NULL, NULL);
  g_autoptr(Reply) r3 = sim_http (sim, "GET", "/v1/catalog", NULL, NULL);
  g_assert_cmpint (r1->status, ==, 500);
  g_assert_cmpint (r2->status, ==, 500);
  g_assert_cmpint (r3->status, ==, 200);
  g_autoptr(Reply) current = sim_http (sim, "GET", "/_sim/faults", NULL, NULL);
  g_assert_cmpstr (current->body->str, ==, "{}");
}

static void
test_invalid_faults_are_refused (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  set_faults (sim, "{\"status\":502}");
  const char *bad[] = { "{\"status\":200}", "{\"delay_ms\":60001}", "{\"delay_ms\":-1}",
                        "{\"drop\":1}", "{\"bogus\":true}", "[]", "{", NULL };
  for (const char *const *b = bad; *b; b++)
    {
      g_autoptr(Reply) r = sim_http (sim, "POST", "/_sim/faults", *b, NULL);
      g_assert_cmpint (r->status, ==, 400);
    }
  /* the previous faults stay */
  g_autoptr(Reply) catalog = sim_http (sim, "GET", "/v1/catalog", NULL, NULL);
  g_assert_cmpint (catalog->status, ==, 502);
}

static void
test_fault_delay_answers_later (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  set_faults (sim, "{\"delay_ms\":300}");
  g_autoptr(Reply) r = sim_http (sim, "GET", "/v1/catalog", NULL, NULL);
  g_assert_cmpint (r->status, ==, 200);
  g_assert_cmpint (sim_counter (sim, "delayed"), ==, 1);

  /* combined with a status: the status comes after the delay */
  set_faults (sim, "{\"delay_ms\":100,\"status\":429}");
  g_autoptr(Reply) limited = sim_http (sim, "GET", "/v1/catalog", NULL, NULL);
  assert_error_code (limited, 429, "sim-fault");
}

typedef struct {
  char          *url;
  Reply         *reply;
  volatile gint  done;
} Background;

static gpointer
background_get (gpointer data)
{
  Background *bg = data;
  bg->reply = http_full ("GET", bg->url, NULL, -1, NULL, FALSE, 120000);
  g_atomic_int_set (&bg->done, 1);
  return NULL;
}

typedef struct {
  HbTestSim  *sim;
  const char *counter;
} CounterWait;

static gboolean
counter_is_one (gpointer data)
{
  CounterWait *w = data;
  return sim_counter (w->sim, w->counter) == 1;
}

static void
test_fault_delay_does_not_block_other_requests (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  set_faults (sim, "{\"delay_ms\":60000}");

  Background bg = { g_strconcat (hb_test_sim_url (sim), "/v1/catalog", NULL), NULL, 0 };
  GThread *thread = g_thread_new ("delayed-get", background_get, &bg);
  CounterWait wait = { sim, "delayed" };
  g_assert_true (hb_test_wait_until (counter_is_one, &wait, 10000));

  /* The delayed request is held, yet /_sim/ answers. */
  g_autoptr(Reply) faults = sim_http (sim, "GET", "/_sim/faults", NULL, NULL);
  g_assert_cmpint (faults->status, ==, 200);
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 0);
  g_assert_cmpint (g_atomic_int_get (&bg.done), ==, 0);

  /* A platform that vanishes leaves the held client with a transport error. */
  hb_test_sim_kill (sim);
  g_thread_join (thread);
  g_assert_cmpint (bg.reply->status, ==, 0);
  g_assert_cmpint (bg.reply->rc, !=, CURLE_OK);
  reply_free (bg.reply);
  g_free (bg.url);
}

static void
test_fault_drop_gives_a_transport_error (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  set_faults (sim, "{\"drop\":true}");
  g_autoptr(Reply) catalog = sim_http (sim, "GET", "/v1/catalog", NULL, NULL);
  g_assert_cmpint (catalog->rc, ==, CURLE_GOT_NOTHING);
  g_assert_cmpint (catalog->status, ==, 0);
  g_autoptr(Reply) app = submit (sim, "key-drop", "13800000000");
  g_assert_cmpint (app->rc, ==, CURLE_GOT_NOTHING);
  /* dropped before processing: nothing recorded */
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 0);
  g_assert_cmpint (sim_counter (sim, "dropped"), ==, 2);

  /* a delayed request can be dropped too */
  set_faults (sim, "{\"drop\":true,\"delay_ms\":100}");
  g_autoptr(Reply) late = sim_http (sim, "GET", "/v1/catalog", NULL, NULL);
  g_assert_cmpint (late->rc, ==, CURLE_GOT_NOTHING);

  set_faults (sim, "{}");
  g_autoptr(Reply) after = submit (sim, "key-drop", "13800000000");
  g_assert_cmpint (after->status, ==, 201);
}

static void
test_fault_fail_after_commit_records_then_replays (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  set_faults (sim, "{\"fail_after_commit\":true}");

  g_autoptr(Reply) first = submit (sim, "key-fac", "13800000000");
  assert_error_code (first, 503, "sim-fault");
  /* it only touches requests that record something */
  g_autoptr(Reply) catalog = sim_http (sim, "GET", "/v1/catalog", NULL, NULL);
  g_assert_cmpint (catalog->status, ==, 200);

  g_autoptr(Reply) list = sim_http (sim, "GET", "/_sim/applications", NULL, NULL);
  g_autoptr(JsonNode) root = parse_json (list->body->str);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 1);
  const char *recorded = json_object_get_string_member (
    json_array_get_object_element (json_node_get_array (root), 0), "case_number");

  set_faults (sim, "{}");
  g_autoptr(Reply) retry = submit (sim, "key-fac", "13800000000");
  g_assert_cmpint (retry->status, ==, 200);
  g_autofree char *replayed = reply_header (retry, "Idempotent-Replayed");
  g_assert_cmpstr (replayed, ==, "true");
  g_autofree char *case_number = json_member (retry->body->str, "case_number");
  g_assert_cmpstr (case_number, ==, recorded);
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 1);

  /* ratings record something too */
  set_faults (sim, "{\"fail_after_commit\":true}");
  g_autofree char *rating = rating_body ("key-fac-r", recorded, 5);
  g_autoptr(Reply) rated = post_with_key (sim, "/v1/ratings", "key-fac-r", rating);
  assert_error_code (rated, 503, "sim-fault");
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/ratings"), ==, 1);
}

/* --- reset ------------------------------------------------------------------------ */

static void
test_reset_forgets_everything_but_numbers (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  g_autoptr(Reply) first = submit (sim, "key-reset", "13800000000");
  g_autofree char *rating = rating_body ("key-reset-r", "SH1", 3);
  g_autoptr(Reply) rated = post_with_key (sim, "/v1/ratings", "key-reset-r", rating);
  g_assert_cmpint (rated->status, ==, 201);
  set_faults (sim, "{\"status\":500}");

  g_autoptr(Reply) reset = sim_http (sim, "POST", "/_sim/reset", NULL, NULL);
  g_assert_cmpint (reset->status, ==, 200);
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 0);
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/ratings"), ==, 0);
  g_assert_cmpint (sim_counter (sim, "applications"), ==, 0);
  g_autoptr(Reply) faults = sim_http (sim, "GET", "/_sim/faults", NULL, NULL);
  g_assert_cmpstr (faults->body->str, ==, "{}");

  /* the same key is new again, but its case number is not reused */
  g_autoptr(Reply) again = submit (sim, "key-reset", "13800000000");
  g_assert_cmpint (again->status, ==, 201);
  g_autofree char *case1 = json_member (first->body->str, "case_number");
  g_autofree char *case2 = json_member (again->body->str, "case_number");
  g_assert_cmpstr (case1, !=, case2);
  g_assert_true (g_str_has_suffix (case2, "000002"));
}

/* --- state file ------------------------------------------------------------------- */

static void
test_state_survives_sigkill_and_dedups (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("sim-state");
  g_autofree char *state = g_build_filename (dir, "state.json", NULL);
  g_autoptr(HbTestSim) sim = start_sim (state);
  g_autoptr(GError) error = NULL;

  g_autoptr(Reply) first = submit (sim, "key-state", "13800000000");
  g_assert_cmpint (first->status, ==, 201);
  g_autofree char *rating = rating_body ("key-state-r", "SH1", 4);
  g_autoptr(Reply) rated = post_with_key (sim, "/v1/ratings", "key-state-r", rating);
  g_assert_cmpint (rated->status, ==, 201);
  guint16 port = hb_test_sim_port (sim);

  GStatBuf st;
  g_assert_cmpint (g_stat (state, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_true (hb_test_sim_restart (sim, &error));   /* SIGKILL, then start again */
  g_assert_no_error (error);
  g_assert_cmpint (hb_test_sim_port (sim), ==, port);

  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 1);
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/ratings"), ==, 1);
  g_autoptr(Reply) again = submit (sim, "key-state", "13800000000");
  g_assert_cmpint (again->status, ==, 200);
  g_assert_cmpstr (again->body->str, ==, first->body->str);
  g_autoptr(Reply) rated_again = post_with_key (sim, "/v1/ratings", "key-state-r", rating);
  g_assert_cmpint (rated_again->status, ==, 200);
  g_assert_cmpstr (rated_again->body->str, ==, rated->body->str);
  g_autoptr(Reply) conflict = submit (sim, "key-state", "13900000000");
  g_assert_cmpint (conflict->status, ==, 422);

  hb_test_sim_free (g_steal_pointer (&sim));
  hb_test_rmdir (dir);
}

static void
test_state_case_sequence_continues (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("sim-state");
  g_autofree char *state = g_build_filename (dir, "state.json", NULL);
  g_autoptr(HbTestSim) sim = start_sim (state);
  g_autoptr(GError) error = NULL;

  for (int i = 1; i <= 3; i++)
    {
      g_autofree char *key = g_strdup_printf ("key-seq-%d", i);
      g_autoptr(Reply) r = submit (sim, key, "13800000000");
      g_assert_cmpint (r->status, ==, 201);
    }
  g_assert_true (hb_test_sim_restart (sim, &error));
  g_autoptr(Reply) next = submit (sim, "key-seq-4", "13800000000");
  g_autofree char *case_number = json_member (next->body->str, "case_number");
  g_assert_true (g_str_has_suffix (case_number, "000004"));

  /* a reset is persisted, and numbering still continues */
  g_autoptr(Reply) reset = sim_http (sim, "POST", "/_sim/reset", NULL, NULL);
  g_assert_cmpint (reset->status, ==, 200);
  g_assert_true (hb_test_sim_restart (sim, &error));
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 0);
  g_autoptr(Reply) after = submit (sim, "key-seq-1", "13800000000");
  g_autofree char *case_after = json_member (after->body->str, "case_number");
  g_assert_true (g_str_has_suffix (case_after, "000005"));

  hb_test_sim_free (g_steal_pointer (&sim));
  hb_test_rmdir (dir);
}

static void
test_state_corrupt_file_refuses_to_start (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("sim-state");
  g_autofree char *data = g_build_filename (hb_test_srcdir (), "data", NULL);
  g_autofree char *state = g_build_filename (dir, "state.json", NULL);
  const char *args[] = { "--port", "0", "--data", data, "--state", state, NULL };
  const char *bad[] = { "not json", "{\"format\":\"haoban-platform-sim-state\",\"version\":2}",
                        "{\"format\":\"haoban-platform-sim-state\",\"version\":1,"
                        "\"sequences\":{\"application\":1,\"rating\":0},"
                        "\"applications\":[{\"idempotency_key\":\"k\"}],\"ratings\":[]}", NULL };
  for (const char *const *b = bad; *b; b++)
    {
      write_file (dir, "state.json", *b);
      g_autoptr(Spawned) s = spawn_sim (args);
      g_assert_null (s->first_line);
      g_assert_cmpint (spawned_wait (s), ==, 1);
      g_autofree char *log = spawned_stderr (s);
      g_assert_nonnull (strstr (log, "state file"));
    }
  hb_test_rmdir (dir);
}

/* --- log, signals, config --------------------------------------------------------- */

static void
test_log_never_contains_personal_data (void)
{
  g_autofree char *data = g_build_filename (hb_test_srcdir (), "data", NULL);
  const char *args[] = { "--port", "0", "--data", data, NULL };
  g_autoptr(Spawned) s = spawn_sim (args);
  g_assert_nonnull (s->url);

  g_autofree char *body = application_body ("key-log", SAMPLE_ID_NUMBER, "13812345678");
  const char *headers[] = { "Idempotency-Key: key-log", NULL };
  g_autoptr(Reply) accepted = spawned_http (s, "POST", "/v1/applications", body, headers);
  g_assert_cmpint (accepted->status, ==, 201);
  g_autoptr(Reply) replay = spawned_http (s, "POST", "/v1/applications", body, headers);
  g_assert_cmpint (replay->status, ==, 200);
  /* personal data in a malformed body, an invalid body, a code and an unknown path */
  g_autoptr(Reply) broken = spawned_http (s, "POST", "/v1/applications",
                                          "{\"idempotency_key\":\"key-log\",\"id_number\":\"" SAMPLE_ID_NUMBER,
                                          headers);
  g_assert_cmpint (broken->status, ==, 400);
  g_autoptr(Reply) code = spawned_http (s, "POST", "/v1/codes/resolve",
                                        "{\"code\":\"" SAMPLE_CODE "\"}", NULL);
  g_assert_cmpint (code->status, ==, 200);
  g_autoptr(Reply) unknown = spawned_http (s, "GET", "/v1/persons/" SAMPLE_ID_NUMBER "?name=张伟",
                                           NULL, NULL);
  g_assert_cmpint (unknown->status, ==, 404);
  g_autoptr(Reply) list = spawned_http (s, "GET", "/_sim/applications", NULL, NULL);
  g_assert_cmpint (list->status, ==, 200);
  /* (libsoup signals 500 answers as aborted; the log still shows them as answered) */
  g_autoptr(Reply) fault = spawned_http (s, "POST", "/_sim/faults", "{\"status\":500,\"times\":1}", NULL);
  g_autoptr(Reply) failed = spawned_http (s, "GET", "/v1/catalog", NULL, NULL);
  g_assert_cmpint (failed->status, ==, 500);

  g_subprocess_send_signal (s->proc, SIGTERM);
  g_assert_cmpint (spawned_wait (s), ==, 0);
  g_autofree char *log = spawned_stderr (s);
  g_assert_null (strstr (log, SAMPLE_ID_NUMBER));
  g_assert_null (strstr (log, "张伟"));
  g_assert_null (strstr (log, "漕溪北路"));
  g_assert_null (strstr (log, "13812345678"));
  g_assert_null (strstr (log, SAMPLE_CODE));
  /* …but it does say what happened */
  g_assert_nonnull (strstr (log, "POST /v1/applications 201 key=key-log"));
  g_assert_nonnull (strstr (log, "POST /v1/applications 200 key=key-log replay"));
  g_assert_nonnull (strstr (log, "GET (unknown path) 404"));
  g_assert_nonnull (strstr (log, "GET /v1/catalog 500 key=- fault=status"));
}

static void
test_sigterm_exits_cleanly_while_a_request_is_held (void)
{
  g_autofree char *data = g_build_filename (hb_test_srcdir (), "data", NULL);
  const char *args[] = { "--port", "0", "--data", data, NULL };
  g_autoptr(Spawned) s = spawn_sim (args);
  g_assert_nonnull (s->url);

  /* a dropped connection first, so a sanitizer build also checks that path's cleanup */
  g_autoptr(Reply) drop = spawned_http (s, "POST", "/_sim/faults", "{\"drop\":true}", NULL);
  g_assert_cmpint (drop->status, ==, 200);
  g_autoptr(Reply) dropped = spawned_http (s, "GET", "/v1/catalog", NULL, NULL);
  g_assert_cmpint (dropped->rc, ==, CURLE_GOT_NOTHING);

  g_autoptr(Reply) faults = spawned_http (s, "POST", "/_sim/faults", "{\"delay_ms\":60000}", NULL);
  g_assert_cmpint (faults->status, ==, 200);
  Background bg = { g_strconcat (s->url, "/v1/catalog", NULL), NULL, 0 };
  GThread *thread = g_thread_new ("held-get", background_get, &bg);
  gboolean held = FALSE;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!held && g_get_monotonic_time () < deadline)
    {
      g_autoptr(Reply) r = spawned_http (s, "GET", "/_sim/requests", NULL, NULL);
      held = json_int_member (r->body->str, "delayed") == 1;
      if (!held)
        g_usleep (10000);
    }
  g_assert_true (held);

  g_subprocess_send_signal (s->proc, SIGTERM);
  /* exit status 0 also means no leak report from a sanitizer build */
  g_assert_cmpint (spawned_wait (s), ==, 0);
  g_thread_join (thread);
  g_assert_cmpint (bg.reply->status, ==, 0);
  reply_free (bg.reply);
  g_free (bg.url);
}

static void
test_config_gives_defaults_and_command_line_wins (void)
{
  g_autofree char *dir = make_data_dir (NULL);
  write_file (dir, "catalog.json", "{\"version\":\"from-config\",\"services\":[]}");
  write_file (dir, "sim.conf", "[platform-sim]\nport=0\ndata=.\nstate=state.json\n");
  g_autofree char *conf = g_build_filename (dir, "sim.conf", NULL);
  g_autofree char *state = g_build_filename (dir, "state.json", NULL);
  g_autofree char *repo_data = g_build_filename (hb_test_srcdir (), "data", NULL);

  {
    const char *args[] = { "--config", conf, NULL };
    g_autoptr(Spawned) s = spawn_sim (args);
    g_assert_nonnull (s->url);
    g_autoptr(Reply) catalog = spawned_http (s, "GET", "/v1/catalog", NULL, NULL);
    g_autofree char *etag = reply_header (catalog, "ETag");
    g_assert_cmpstr (etag, ==, "\"from-config\"");
    const char *headers[] = { "Idempotency-Key: key-conf", NULL };
    g_autofree char *body = application_body ("key-conf", SAMPLE_ID_NUMBER, "1");
    g_autoptr(Reply) app = spawned_http (s, "POST", "/v1/applications", body, headers);
    g_assert_cmpint (app->status, ==, 201);
    g_assert_true (g_file_test (state, G_FILE_TEST_IS_REGULAR));   /* relative to the config */
  }
  {
    const char *args[] = { "--config", conf, "--data", repo_data, NULL };
    g_autoptr(Spawned) s = spawn_sim (args);
    g_assert_nonnull (s->url);
    g_autoptr(Reply) catalog = spawned_http (s, "GET", "/v1/catalog", NULL, NULL);
    g_autofree char *etag = reply_header (catalog, "ETag");
    g_assert_cmpstr (etag, !=, "\"from-config\"");
    g_autoptr(Reply) list = spawned_http (s, "GET", "/_sim/applications", NULL, NULL);
    g_autoptr(JsonNode) root = parse_json (list->body->str);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 1);
  }
  {
    write_file (dir, "bad.conf", "[platform-sim]\nport=70000\n");
    g_autofree char *bad = g_build_filename (dir, "bad.conf", NULL);
    const char *args[] = { "--config", bad, NULL };
    g_autoptr(Spawned) s = spawn_sim (args);
    g_assert_null (s->first_line);
    g_assert_cmpint (spawned_wait (s), ==, 1);
  }
  hb_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

  g_test_add_func ("/tools/platform-sim/start/announces-its-address-on-the-first-line", test_announces_its_address);
  g_test_add_func ("/tools/platform-sim/start/refuses-a-catalog-without-version", test_refuses_a_catalog_without_version);
  g_test_add_func ("/tools/platform-sim/catalog/is-the-data-file-with-its-version-as-etag", test_catalog_is_the_data_file_with_its_etag);
  g_test_add_func ("/tools/platform-sim/catalog/if-none-match-gives-304", test_catalog_if_none_match_gives_304);
  g_test_add_func ("/tools/platform-sim/catalog/follows-the-file-and-keeps-the-last-good-one", test_catalog_follows_the_file);
  g_test_add_func ("/tools/platform-sim/catalog/is-gzipped-when-asked-and-only-then", test_catalog_is_gzipped_when_asked_and_only_then);
  g_test_add_func ("/tools/platform-sim/catalog/publishing-takes-more-than-the-body-limit", test_sim_catalog_takes_more_than_the_body_limit);
  g_test_add_func ("/tools/platform-sim/applications/first-submission-gets-a-case-number", test_application_gets_a_case_number);
  g_test_add_func ("/tools/platform-sim/applications/replay-returns-the-original-answer", test_replay_returns_the_original_answer);
  g_test_add_func ("/tools/platform-sim/applications/key-reused-with-another-body-is-422", test_key_reused_with_another_body_is_422);
  g_test_add_func ("/tools/platform-sim/applications/missing-or-mismatched-key-is-400", test_missing_or_mismatched_key_is_400);
  g_test_add_func ("/tools/platform-sim/applications/bad-json-is-400", test_bad_json_is_400);
  g_test_add_func ("/tools/platform-sim/applications/body-over-1-mib-is-413", test_oversized_body_is_413);
  g_test_add_func ("/tools/platform-sim/sim/applications-lists-exactly-the-accepted", test_sim_applications_lists_exactly_the_accepted);
  g_test_add_func ("/tools/platform-sim/ratings/are-accepted-and-replayed", test_ratings_are_accepted_and_replayed);
  g_test_add_func ("/tools/platform-sim/codes/known-code-resolves-to-its-card", test_known_code_resolves_to_its_card);
  g_test_add_func ("/tools/platform-sim/codes/unknown-code-is-404", test_unknown_code_is_404);
  g_test_add_func ("/tools/platform-sim/codes/expired-code-is-410", test_expired_code_is_410);
  g_test_add_func ("/tools/platform-sim/heartbeat/answers-and-is-recorded", test_heartbeat_answers_and_is_recorded);
  g_test_add_func ("/tools/platform-sim/routing/unknown-paths-404-wrong-methods-405", test_unknown_paths_and_methods);
  g_test_add_func ("/tools/platform-sim/faults/status-then-empty-clears", test_fault_status_then_empty_clears);
  g_test_add_func ("/tools/platform-sim/faults/times-limits-a-fault", test_fault_times_limits_it);
  g_test_add_func ("/tools/platform-sim/faults/invalid-faults-are-refused", test_invalid_faults_are_refused);
  g_test_add_func ("/tools/platform-sim/faults/delay-answers-later", test_fault_delay_answers_later);
  g_test_add_func ("/tools/platform-sim/faults/delay-does-not-block-other-requests", test_fault_delay_does_not_block_other_requests);
  g_test_add_func ("/tools/platform-sim/faults/drop-gives-a-transport-error", test_fault_drop_gives_a_transport_error);
  g_test_add_func ("/tools/platform-sim/faults/fail-after-commit-records-then-replays", test_fault_fail_after_commit_records_then_replays);
  g_test_add_func ("/tools/platform-sim/reset/forgets-everything-but-numbers", test_reset_forgets_everything_but_numbers);
  g_test_add_func ("/tools/platform-sim/state/survives-sigkill-and-deduplicates", test_state_survives_sigkill_and_dedups);
  g_test_add_func ("/tools/platform-sim/state/case-sequence-continues", test_state_case_sequence_continues);
  g_test_add_func ("/tools/platform-sim/state/corrupt-file-refuses-to-start", test_state_corrupt_file_refuses_to_start);
  g_test_add_func ("/tools/platform-sim/log/never-contains-personal-data", test_log_never_contains_personal_data);
  g_test_add_func ("/tools/platform-sim/signals/sigterm-exits-cleanly-while-a-request-is-held", test_sigterm_exits_cleanly_while_a_request_is_held);
  g_test_add_func ("/tools/platform-sim/config/gives-defaults-and-command-line-wins", test_config_gives_defaults_and_command_line_wins);

  return g_test_run ();
}
