/* `haobanctl idcard read` and `haobanctl idcard parse` as a technician runs them: JSON out,
 * masked unless --reveal, and a clear error with a non-zero exit — never a partial identity. */
#include "drivers/idcard/hb-sam-frame.h"
#include "drivers/idcard/hb-sam-text.h"
#include "common/hb-json.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

typedef struct {
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}

static Run
ctl (const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Run r = { 0 };
  va_list ap;

  g_ptr_array_add (argv, g_build_filename (hb_test_builddir (), "haobanctl", NULL));
  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &r.out, &r.err, &error));
  g_assert_no_error (error);
  r.status = g_subprocess_get_exit_status (proc);
  return r;
}

static JsonObject *
only_card (const char *out)
{
  g_autoptr(JsonNode) root = hb_json_parse (out, -1, 1 << 20, 16, NULL);
  JsonArray *a;
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  a = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (a), ==, 1);
  return json_object_ref (json_array_get_object_element (a, 0));
}

static void
test_read_from_a_simulated_reader (void)
{
  Run r = ctl ("idcard", "read", "--device", "sim:2", "--timeout", "10", NULL);
  g_autoptr(JsonObject) card = NULL;

  g_assert_cmpint (r.status, ==, 0);
  card = only_card (r.out);
  g_assert_cmpstr (json_object_get_string_member (card, "card_type"), ==, "resident");
  g_assert_cmpstr (json_object_get_string_member (card, "id_number"), ==, "310***********2426");
  g_assert_cmpstr (json_object_get_string_member (card, "name"), ==, "李*英");
  g_assert_cmpstr (json_object_get_string_member (card, "valid_to"), ==, "长期");
  g_assert_null (strstr (r.out, "310110195203082426"));
  run_clear (&r);

  r = ctl ("idcard", "read", "--device", "sim:2", "--reveal", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "310110195203082426"));
  run_clear (&r);
}

static void
test_missing_readers_say_so (void)
{
  Run r = ctl ("idcard", "read", "--device", "serial:/nonexistent/ttyUSB9", "--timeout", "1", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "ttyUSB9"));
  g_assert_cmpstr (r.out, ==, "");
  run_clear (&r);

  r = ctl ("idcard", "read", "--device", "warp-drive", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "unknown device"));
  run_clear (&r);
}

static char *
write_capture (const char *name, gboolean hex, gboolean corrupt)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = hb_idcard_new_from_json_data (
    "{\"type\":\"resident\",\"name\":\"张伟\",\"sex\":\"male\",\"nation\":\"汉\","
    "\"birth_date\":\"19850615\",\"address\":\"上海市徐汇区漕溪北路88号5号楼1203室\","
    "\"id_number\":\"310104198506151237\",\"issuer\":\"上海市公安局徐汇分局\","
    "\"valid_from\":\"20160302\",\"valid_to\":\"20360302\"}", -1, &error);
  g_autoptr(GBytes) data = hb_sam_encode_base_info (card, &error);
  g_autoptr(GBytes) frame = hb_sam_response_build (0, 0, HB_SAM_SW3_OK, g_bytes_get_data (data, NULL),
                                                   g_bytes_get_size (data));
  gsize n = g_bytes_get_size (frame);
  g_autofree guint8 *bytes = g_memdup2 (g_bytes_get_data (frame, NULL), n);
  char *path = hb_test_output_path (name);

  if (corrupt)
    bytes[200] ^= 0x01;
  if (hex)
    {
      GString *s = g_string_new (NULL);
      for (gsize i = 0; i < n; i++)
        g_string_append_printf (s, "%02x%s", bytes[i], (i + 1) % 24 ? " " : "\n");
      g_assert_true (g_file_set_contents (path, s->str, (gssize) s->len, NULL));
      g_string_free (s, TRUE);
    }
  else
    g_assert_true (g_file_set_contents (path, (char *) bytes, (gssize) n, NULL));
  return path;
}

static void
test_parse_binary_and_hex (void)
{
  g_autofree char *bin = write_capture ("read.bin", FALSE, FALSE);
  g_autofree char *hex = write_capture ("read.hex", TRUE, FALSE);
  Run r = ctl ("idcard", "parse", bin, NULL);
  g_autoptr(JsonObject) a = NULL, b = NULL;

  g_assert_cmpint (r.status, ==, 0);
  a = only_card (r.out);
  g_assert_cmpstr (json_object_get_string_member (a, "id_number"), ==, "310***********1237");
  run_clear (&r);
  r = ctl ("idcard", "parse", "--reveal", hex, NULL);
  g_assert_cmpint (r.status, ==, 0);
  b = only_card (r.out);
  g_assert_cmpstr (json_object_get_string_member (b, "id_number"), ==, "310104198506151237");
  run_clear (&r);
}

static void
test_corrupt_capture_gives_no_identity (void)
{
  g_autofree char *bad = write_capture ("corrupt.bin", FALSE, TRUE);
  Run r = ctl ("idcard", "parse", "--reveal", bad, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_nonnull (strstr (r.err, "checksum"));
  g_assert_null (strstr (r.err, "310104"));
  run_clear (&r);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/integration/haobanctl/idcard-read-from-a-simulated-reader-is-masked", test_read_from_a_simulated_reader);
  g_test_add_func ("/integration/haobanctl/idcard-read-without-a-reader-says-so", test_missing_readers_say_so);
  g_test_add_func ("/integration/haobanctl/idcard-parse-binary-and-hex", test_parse_binary_and_hex);
  g_test_add_func ("/integration/haobanctl/idcard-parse-corrupt-capture-gives-no-identity", test_corrupt_capture_gives_no_identity);
  return g_test_run ();
}
