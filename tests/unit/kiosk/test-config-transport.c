/* test-config-transport.c — the [platform] transport-security keys of kiosk/hb-config.c
 * (ca_file, pin_sha256, client_cert, client_key; docs/configuration.md). The files
 * themselves are checked when sync starts (tests/unit/offline-cache/test-transport-security.c). */
#include "kiosk/hb-config.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

#define PIN_A "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
#define PIN_B "sha256//YLh1dUR9y6Kja30RrAn7JKnbQG/uEtLMkBgFF2Fuihg="

static void
test_unset_by_default (void)
{
  g_autoptr(HbConfig) c = hb_config_new ();
  g_assert_null (hb_config_get_string (c, "platform", "ca_file"));
  g_assert_null (hb_config_get_string (c, "platform", "pin_sha256"));
  g_assert_null (hb_config_get_string (c, "platform", "client_cert"));
  g_assert_null (hb_config_get_string (c, "platform", "client_key"));
}

static void
test_keys_are_read_from_the_file (void)
{
  g_autoptr(HbConfig) c = hb_config_new ();
  g_autoptr(GError) error = NULL;
  const char *conf =
    "[platform]\n"
    "url = https://platform.example.gov.cn\n"
    "ca_file = /etc/haoban/tls/platform-ca.pem\n"
    "pin_sha256 = " PIN_A ";" PIN_B ";\n"
    "client_cert = /etc/haoban/tls/terminal.pem\n"
    "client_key = /etc/haoban/tls/terminal.key\n";

  g_assert_true (hb_config_merge_data (c, conf, strlen (conf), "kiosk.conf", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hb_config_get_string (c, "platform", "ca_file"), ==,
                   "/etc/haoban/tls/platform-ca.pem");
  /* Handed to HbSyncOptions.tls_pin_sha256 as it is (libcurl's separator is ';' too). */
  g_assert_cmpstr (hb_config_get_string (c, "platform", "pin_sha256"), ==,
                   PIN_A ";" PIN_B ";");
  g_assert_cmpstr (hb_config_get_string (c, "platform", "client_cert"), ==,
                   "/etc/haoban/tls/terminal.pem");
  g_assert_cmpstr (hb_config_get_string (c, "platform", "client_key"), ==,
                   "/etc/haoban/tls/terminal.key");
}

static void
test_bad_values_name_the_key (void)
{
  static const struct { const char *key; const char *value; } bad[] = {
    { "ca_file", "relative/ca.pem" },
    { "client_cert", "terminal.pem" },
    { "client_key", "~/terminal.key" },
    { "pin_sha256", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" },        /* no sha256// */
    { "pin_sha256", "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF=" }, /* short */
    { "pin_sha256", "sha256//e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    { "pin_sha256", "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hS*FU=" }, /* not base64 */
    { "pin_sha256", ";" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(HbConfig) c = hb_config_new ();
      g_autoptr(GError) error = NULL;
      g_assert_false (hb_config_set (c, "platform", bad[i].key, bad[i].value, &error));
      g_assert_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_INVALID_VALUE);
      g_assert_nonnull (strstr (error->message, bad[i].key));
      g_assert_null (hb_config_get_string (c, "platform", bad[i].key));
    }
}

static void
test_at_most_eight_pins (void)
{
  g_autoptr(HbConfig) c = hb_config_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) pins = g_string_new (NULL);

  for (int i = 0; i < 8; i++)
    g_string_append (pins, PIN_A ";");
  g_assert_true (hb_config_set (c, "platform", "pin_sha256", pins->str, &error));
  g_assert_no_error (error);
  g_string_append (pins, PIN_B);
  g_assert_false (hb_config_set (c, "platform", "pin_sha256", pins->str, &error));
  g_assert_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_INVALID_VALUE);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/config/transport/keys-are-unset-by-default", test_unset_by_default);
  g_test_add_func ("/kiosk/config/transport/keys-are-read-from-the-file",
                   test_keys_are_read_from_the_file);
  g_test_add_func ("/kiosk/config/transport/bad-paths-and-pins-name-the-key",
                   test_bad_values_name_the_key);
  g_test_add_func ("/kiosk/config/transport/at-most-eight-pins", test_at_most_eight_pins);
  return g_test_run ();
}
