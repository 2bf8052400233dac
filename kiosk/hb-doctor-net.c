/* hb-doctor-net.c — the doctor's checks of the platform link: reachable (one bounded
 * request with the kiosk's TLS settings), the clock against the platform's Date header, and
 * the TLS files (present, readable, not expiring). */
#include "kiosk/hb-doctor-private.h"

#include <curl/curl.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>
#include <time.h>

#define PROBE_PATH       "/v1/keys"      /* small, and every terminal may ask for it */
#define PROBE_MAX_BYTES  (1024 * 1024)
#define DATE_MAX         64
#define PEM_MAX_BYTES    (1024 * 1024)
#define PEM_MAX_CERTS    500

typedef struct {
  gsize    received;
  char     date[DATE_MAX];
  gboolean has_date;
  GCancellable *cancellable;
} Probe;

gboolean
hb_doctor_parse_http_date (const char *value, gint64 *unix_time)
{
  time_t t;
  if (value == NULL || *value == '\0' || strlen (value) >= DATE_MAX)
    return FALSE;
  t = curl_getdate (value, NULL);
  if (t == (time_t) -1)
    return FALSE;
  *unix_time = (gint64) t;
  return TRUE;
}

static size_t
on_body (char *ptr, size_t size, size_t nmemb, void *data)
{
  Probe *p = data;
  p->received += size * nmemb;
  /* Returning less than given aborts the transfer: the probe needs no big body. */
  return p->received > PROBE_MAX_BYTES ? 0 : size * nmemb;
}

static size_t
on_header (char *buffer, size_t size, size_t nitems, void *data)
{
  Probe *p = data;
  gsize n = size * nitems;
  if (n > 5 && g_ascii_strncasecmp (buffer, "Date:", 5) == 0 && n - 5 < DATE_MAX)
    {
      g_autofree char *v = g_strndup (buffer + 5, n - 5);
      g_strstrip (v);
      g_strlcpy (p->date, v, sizeof p->date);
      p->has_date = TRUE;
    }
  return n;
}

static int
on_progress (void *data, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
  Probe *p = data;
  return g_cancellable_is_cancelled (p->cancellable) ? 1 : 0;
}

static gboolean
host_is_loopback (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *host = uri ? g_uri_get_host (uri) : NULL;
  if (host == NULL)
    return FALSE;
  return g_str_has_prefix (host, "127.") || g_str_equal (host, "::1") ||
         g_str_equal (host, "[::1]") || g_ascii_strcasecmp (host, "localhost") == 0;
}

/* "sha256//A; sha256//B;" → "sha256//A;sha256//B" (libcurl's form); NULL when empty. */
static char *
normalize_pins (const char *pins)
{
  g_auto(GStrv) items = NULL;
  GString *out;
  if (pins == NULL)
    return NULL;
  items = g_strsplit (pins, ";", -1);
  out = g_string_new (NULL);
  for (char **p = items; *p; p++)
    {
      char *item = g_strstrip (*p);
      if (*item == '\0')
        continue;
      if (out->len)
        g_string_append_c (out, ';');
      g_string_append (out, item);
    }
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* What to do about a transport failure. */
static const char *
fix_for_curl (CURLcode rc)
{
  switch (rc)
    {
    case CURLE_COULDNT_RESOLVE_HOST:
      return "the platform's name does not resolve: check [platform] url and DNS "
             "(resolvectl status; the network cable or Wi-Fi)";
    case CURLE_COULDNT_CONNECT:
      return "nothing answers at that address: check the network (ip addr, the cable), the "
             "firewall, and with the platform operator that the platform is up";
    case CURLE_OPERATION_TIMEDOUT:
      return "no answer in time: check the network path and proxy/firewall rules to the "
             "platform; the kiosk keeps working offline meanwhile";
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return "the platform's certificate is not trusted: [platform] ca_file must hold the CA "
             "that signed it (ask the platform operator), and the clock must be right "
             "(timedatectl)";
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return "the platform's key is not one of [platform] pin_sha256: get the new pin from "
             "the platform operator (never remove pinning to make it work)";
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CONNECT_ERROR:
      return "the TLS handshake failed: check [platform] client_cert / client_key (see the "
             "tls line) or re-provision the terminal (haobanctl provision)";
    default:
      return "check the network and [platform] url; curl -v URL/v1/keys shows more";
    }
}

static void
check_platform_and_clock (HbDoctorRun *run)
{
  const char *url = hb_config_get_string (run->config, "platform", "url");
  g_autofree char *full = NULL, *tid = NULL, *pins = NULL;
  char curl_error[CURL_ERROR_SIZE] = "";
  struct curl_slist *headers = NULL;
  long status = 0;
  double seconds = 0;
  Probe probe = { 0 };
  CURL *c;
  CURLcode rc;
  gint64 local_now;

  if (run->opts->skip_platform)
    {
      hb_doctor_add (run, "platform", HB_DOCTOR_WARN, "run haobanctl doctor without --offline",
                     "%s not checked (offline)", url);
      hb_doctor_add (run, "clock", HB_DOCTOR_WARN, "run haobanctl doctor without --offline",
                     "not compared with the platform (offline)");
      return;
    }
  if (g_str_has_prefix (url, "http://") && !host_is_loopback (url))
    {
      hb_doctor_add (run, "platform", HB_DOCTOR_FAIL,
                     "use the platform's https:// URL in [platform] url: the kiosk never sends "
                     "residents' data over plain HTTP (only to a loopback demo platform)",
                     "%s is plain HTTP to another machine", url);
      hb_doctor_add (run, "clock", HB_DOCTOR_WARN, "fix the platform line first",
                     "not compared with the platform");
      return;
    }

  full = g_strconcat (url, g_str_has_suffix (url, "/") ? &PROBE_PATH[1] : PROBE_PATH, NULL);
  tid = g_strconcat ("X-Terminal-Id: ", hb_config_get_string (run->config, "terminal", "id"),
                     NULL);
  pins = normalize_pins (hb_config_get_string (run->config, "platform", "pin_sha256"));
  headers = curl_slist_append (headers, tid);
  probe.cancellable = run->cancellable;

  c = curl_easy_init ();
  curl_easy_setopt (c, CURLOPT_URL, full);
  curl_easy_setopt (c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT_MS, (long) run->opts->platform_timeout_ms);
  curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, (long) run->opts->platform_timeout_ms);
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (c, CURLOPT_WRITEDATA, &probe);
  curl_easy_setopt (c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (c, CURLOPT_HEADERDATA, &probe);
  curl_easy_setopt (c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (c, CURLOPT_XFERINFODATA, &probe);
  curl_easy_setopt (c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (c, CURLOPT_ERRORBUFFER, curl_error);
  curl_easy_setopt (c, CURLOPT_SSLVERSION, (long) CURL_SSLVERSION_TLSv1_2);
  curl_easy_setopt (c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (hb_config_get_string (run->config, "platform", "ca_file"))
    curl_easy_setopt (c, CURLOPT_CAINFO, hb_config_get_string (run->config, "platform", "ca_file"));
  if (pins)
    curl_easy_setopt (c, CURLOPT_PINNEDPUBLICKEY, pins);
  if (hb_config_get_string (run->config, "platform", "client_cert"))
    {
      curl_easy_setopt (c, CURLOPT_SSLCERT, hb_config_get_string (run->config, "platform", "client_cert"));
      curl_easy_setopt (c, CURLOPT_SSLKEY, hb_config_get_string (run->config, "platform", "client_key"));
    }
  rc = curl_easy_perform (c);
  local_now = g_get_real_time () / G_USEC_PER_SEC + run->opts->clock_offset_s;
  if (rc == CURLE_OK)
    {
      curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &status);
      curl_easy_getinfo (c, CURLINFO_TOTAL_TIME, &seconds);
    }
  curl_slist_free_all (headers);
  curl_easy_cleanup (c);

  if (rc != CURLE_OK && rc != CURLE_WRITE_ERROR)
    {
      hb_doctor_add (run, "platform", HB_DOCTOR_FAIL, fix_for_curl (rc),
                     "%s not reachable: %s", url,
                     *curl_error ? curl_error : curl_easy_strerror (rc));
      hb_doctor_add (run, "clock", HB_DOCTOR_WARN,
                     "fix the platform line first; meanwhile timedatectl must say "
                     "\"System clock synchronized: yes\"",
                     "not compared with the platform (no answer)");
      return;
    }

  if (rc == CURLE_WRITE_ERROR)
    hb_doctor_add (run, "platform", HB_DOCTOR_WARN,
                   "check [platform] url points at the platform's API (its base, without /v1)",
                   "%s answered with more than %d bytes for " PROBE_PATH, url, PROBE_MAX_BYTES);
  else if (status == 401 || status == 403)
    hb_doctor_add (run, "platform", HB_DOCTOR_FAIL,
                   "the platform does not accept this terminal: check [terminal] id and its "
                   "certificate, or register it again (haobanctl provision --platform URL "
                   "--token T)",
                   "%s refused the terminal (HTTP %ld)", url, status);
  else if (status == 404 || (status >= 400 && status < 500 && status != 429))
    hb_doctor_add (run, "platform", HB_DOCTOR_FAIL,
                   "check [platform] url: the platform's base URL, without /v1",
                   "%s answered HTTP %ld for " PROBE_PATH, url, status);
  else if (status >= 500 || status == 429)
    hb_doctor_add (run, "platform", HB_DOCTOR_WARN,
                   "the platform has a problem of its own: the kiosk queues submissions and "
                   "retries; tell the platform operator if it lasts",
                   "%s answered HTTP %ld", url, status);
  else
    hb_doctor_add (run, "platform", HB_DOCTOR_OK, NULL, "%s answered (HTTP %ld, %.0f ms)", url,
                   status, seconds * 1000);

  gint64 platform_now = 0;
  if (!probe.has_date || !hb_doctor_parse_http_date (probe.date, &platform_now))
    {
      hb_doctor_add (run, "clock", HB_DOCTOR_WARN,
                     "check timedatectl says \"System clock synchronized: yes\"",
                     "not compared: the platform sent no usable Date header");
      return;
    }
  gint64 skew = local_now - platform_now;
  if (ABS (skew) > run->opts->clock_warn_s)
    hb_doctor_add (run, "clock", HB_DOCTOR_WARN,
                   "turn on time sync (timedatectl set-ntp true) and check it works "
                   "(timedatectl timesync-status); a wrong clock breaks TLS, offline codes "
                   "and the dates on receipts",
                   "the local clock is %" G_GINT64_FORMAT " s %s the platform's", ABS (skew),
                   skew > 0 ? "ahead of" : "behind");
  else
    hb_doctor_add (run, "clock", HB_DOCTOR_OK, NULL,
                   "within %" G_GINT64_FORMAT " s of the platform's clock", ABS (skew));
}

/* --- TLS files --------------------------------------------------------------------------- */

static gboolean
asn1_to_unix (const ASN1_TIME *t, gint64 *out)
{
  struct tm tm = { 0 };
  if (t == NULL || ASN1_TIME_to_tm (t, &tm) != 1)
    return FALSE;
  *out = (gint64) timegm (&tm);
  return TRUE;
}

typedef struct {
  guint  count;
  gint64 first_expiry;     /* the soonest notAfter */
  gboolean not_yet_valid;
} PemInfo;

/* Reads the PEM certificates of path (bounded). FALSE + a message in *why. */
static gboolean
read_pem_certs (const char *path, gint64 now, PemInfo *info, char **why)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  BIO *bio;
  X509 *x;
  GStatBuf st;

  memset (info, 0, sizeof *info);
  info->first_expiry = G_MAXINT64;
  if (g_stat (path, &st) != 0)
    {
      *why = g_strdup_printf ("%s: %s", path, g_strerror (errno));
      return FALSE;
    }
  if (st.st_size > PEM_MAX_BYTES)
    {
      *why = g_strdup_printf ("%s is larger than %d bytes", path, PEM_MAX_BYTES);
      return FALSE;
    }
  if (!g_file_get_contents (path, &data, &len, &error))
    {
      *why = g_strdup (error->message);
      return FALSE;
    }
  bio = BIO_new_mem_buf (data, (int) len);
  while (info->count < PEM_MAX_CERTS && (x = PEM_read_bio_X509 (bio, NULL, NULL, NULL)) != NULL)
    {
      gint64 not_after = 0, not_before = 0;
      info->count++;
      if (asn1_to_unix (X509_get0_notAfter (x), &not_after))
        info->first_expiry = MIN (info->first_expiry, not_after);
      if (asn1_to_unix (X509_get0_notBefore (x), &not_before) && not_before > now)
        info->not_yet_valid = TRUE;
      X509_free (x);
    }
  BIO_free (bio);
  if (info->count == 0)
    {
      *why = g_strdup_printf ("%s holds no PEM certificate", path);
      return FALSE;
    }
  return TRUE;
}

/* Adds one "tls" line for a certificate file; returns its level. */
static HbDoctorLevel
check_cert_file (HbDoctorRun *run, const char *what, const char *path, const char *renew)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC + run->opts->clock_offset_s;
  g_autofree char *why = NULL, *when = NULL;
  PemInfo info;

  if (!read_pem_certs (path, now, &info, &why))
    {
      g_autofree char *fix = g_strdup_printf ("put the %s (PEM) at %s, readable by the "
                                              "kiosk's user, or correct the path in "
                                              "[platform]", what, path);
      hb_doctor_add (run, "tls", HB_DOCTOR_FAIL, fix, "%s: %s", what, why);
      return HB_DOCTOR_FAIL;
    }
  {
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (info.first_expiry);
    when = dt ? g_date_time_format (dt, "%Y-%m-%d") : g_strdup ("?");
  }
  if (info.first_expiry <= now)
    {
      hb_doctor_add (run, "tls", HB_DOCTOR_FAIL, renew, "%s %s expired on %s", what, path, when);
      return HB_DOCTOR_FAIL;
    }
  if (info.not_yet_valid)
    {
      hb_doctor_add (run, "tls", HB_DOCTOR_FAIL,
                     "check the clock (timedatectl): a certificate is valid only from its start "
                     "date", "%s %s is not valid yet", what, path);
      return HB_DOCTOR_FAIL;
    }
  if (info.first_expiry - now < run->opts->cert_warn_days * 86400)
    {
      hb_doctor_add (run, "tls", HB_DOCTOR_WARN, renew, "%s %s expires on %s (in %" G_GINT64_FORMAT
                     " days)", what, path, when, (info.first_expiry - now) / 86400);
      return HB_DOCTOR_WARN;
    }
  return HB_DOCTOR_OK;
}

static void
check_tls (HbDoctorRun *run)
{
  const char *url = hb_config_get_string (run->config, "platform", "url");
  const char *ca = hb_config_get_string (run->config, "platform", "ca_file");
  const char *cert = hb_config_get_string (run->config, "platform", "client_cert");
  const char *key = hb_config_get_string (run->config, "platform", "client_key");
  const char *pins = hb_config_get_string (run->config, "platform", "pin_sha256");
  guint before = run->checks->len;
  HbDoctorLevel worst = HB_DOCTOR_OK;
  GString *summary = g_string_new (NULL);

  if (ca == NULL && cert == NULL && key == NULL)
    {
      if (g_str_has_prefix (url, "https://"))
        hb_doctor_add (run, "tls", HB_DOCTOR_OK, NULL,
                       "the system's CA store%s, no client certificate",
                       pins ? " with pinned keys" : "");
      else
        hb_doctor_add (run, "tls", HB_DOCTOR_OK, NULL, "not used (plain HTTP to %s)", url);
      g_string_free (summary, TRUE);
      return;
    }
  if (ca)
    {
      worst = MAX (worst, check_cert_file (run, "CA bundle", ca,
                                           "get the platform's current CA bundle from the "
                                           "platform operator and replace [platform] ca_file"));
      g_string_append_printf (summary, "CA %s", ca);
    }
  if ((cert == NULL) != (key == NULL))
    {
      hb_doctor_add (run, "tls", HB_DOCTOR_FAIL,
                     "set both [platform] client_cert and client_key (or neither)",
                     "only one of client_cert and client_key is set");
      worst = HB_DOCTOR_FAIL;
    }
  else if (cert)
    {
      GStatBuf st;
      worst = MAX (worst, check_cert_file (run, "client certificate", cert,
                                           "renew the terminal's certificate: haobanctl "
                                           "provision --platform URL --token T"));
      if (g_access (key, R_OK) != 0)
        {
          int saved = errno;
          g_autofree char *fix = g_strdup_printf ("make %s readable by the kiosk's user only "
                                                  "(chown haoban: %s; chmod 600 %s)",
                                                  key, key, key);
          hb_doctor_add (run, "tls", HB_DOCTOR_FAIL, fix, "client key %s: %s", key,
                         g_strerror (saved));
          worst = HB_DOCTOR_FAIL;
        }
      else if (g_stat (key, &st) == 0 && (st.st_mode & 077) != 0)
        {
          g_autofree char *fix = g_strdup_printf ("chmod 600 %s", key);
          hb_doctor_add (run, "tls", HB_DOCTOR_WARN, fix,
                         "client key %s is readable by other users (mode %03o)", key,
                         (unsigned) (st.st_mode & 0777));
          worst = MAX (worst, HB_DOCTOR_WARN);
        }
      g_string_append_printf (summary, "%sclient certificate %s", summary->len ? ", " : "",
                              cert);
    }
  if (worst == HB_DOCTOR_OK && run->checks->len == before)
    hb_doctor_add (run, "tls", HB_DOCTOR_OK, NULL, "%s: present, valid for more than %"
                   G_GINT64_FORMAT " days", summary->str, run->opts->cert_warn_days);
  g_string_free (summary, TRUE);
}

void
hb_doctor_check_network (HbDoctorRun *run)
{
  check_platform_and_clock (run);
  check_tls (run);
}
