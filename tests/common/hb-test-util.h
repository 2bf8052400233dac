/* hb-test-util.h — shared helpers for the test programs (not linked into the product). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* g_test_init with isolated XDG dirs, plus the environment the tests expect. */
void        hb_test_init (int *argc, char ***argv);
/* The same, optionally keeping the system's XDG dirs: GTK needs their schemas, icons and
 * the shared-mime-info database (gdk-pixbuf recognises image formats through it). Tests
 * that run GTK use FALSE and keep their own state in explicit temp dirs. */
void        hb_test_init_full (int *argc, char ***argv, gboolean isolate_dirs);

/* Source tree and build tree (from HB_SRCDIR / HB_BUILDDIR, set by tests/run-tests.sh;
 * fall back to the paths the test binary was built from). */
const char *hb_test_srcdir   (void);
const char *hb_test_builddir (void);
/* Path of a file under the test's output folder (kept after the run for inspection);
 * the folder is created. */
char       *hb_test_output_path (const char *name);

/* A fresh private directory, removed (recursively) by hb_test_rmdir. */
char       *hb_test_mkdtemp (const char *tag);
void        hb_test_rmdir   (const char *path);

/* Iterate the thread-default main context until cond(data) holds or timeout_ms passes. */
gboolean    hb_test_wait_until (gboolean (*cond) (gpointer data), gpointer data,
                                guint timeout_ms);
/* Iterate the main context for ms milliseconds. */
void        hb_test_spin (guint ms);

/* haoban-platform-sim, started on a free loopback port. */
typedef struct _HbTestSim HbTestSim;
HbTestSim  *hb_test_sim_start (const char *state_file, GError **error);
/* Restart on the same port (a platform that came back). */
gboolean    hb_test_sim_restart (HbTestSim *sim, GError **error);
/* Kill it (SIGKILL: a platform that vanished mid-request). */
void        hb_test_sim_kill (HbTestSim *sim);
void        hb_test_sim_free (HbTestSim *sim);
const char *hb_test_sim_url  (HbTestSim *sim);
guint16     hb_test_sim_port (HbTestSim *sim);

/* The sim over HTTPS (docs/platform-sim.md "HTTPS"); every member may be NULL. The files
 * are PEM (tests/common/hb-test-pki.h makes them). hb_test_sim_url is then https://…, and
 * hb_test_sim_request trusts ca_file and presents client_cert/client_key. */
typedef struct {
  const char *state_file;
  const char *tls_cert, *tls_key;            /* --tls-cert / --tls-key */
  const char *client_ca;                     /* --client-ca: require client certificates */
  const char *wrong_ca_cert, *wrong_ca_key;  /* the second listener's certificate */
  const char *ca_file;                       /* what our own requests trust */
  const char *client_cert, *client_key;      /* what our own requests present */
} HbTestSimOptions;
HbTestSim  *hb_test_sim_start_full (const HbTestSimOptions *options, GError **error);
/* "https://127.0.0.1:Q" of the wrong-CA listener (NULL without one); it keeps its port
 * across hb_test_sim_restart. */
const char *hb_test_sim_wrong_ca_url (HbTestSim *sim);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbTestSim, hb_test_sim_free)

/* Plain HTTP to any URL (libcurl, 5 s timeout). Returns the body (transfer full) and the
 * status in *status (0 on a transport failure). body may be NULL for GET. */
char       *hb_test_http (const char *method, const char *url, const char *body,
                          const char *const *headers, long *status);
/* Request to the sim: path like "/_sim/faults". */
char       *hb_test_sim_request (HbTestSim *sim, const char *method, const char *path,
                                 const char *body, long *status);
/* Number of elements of the JSON array at GET path (e.g. "/_sim/applications"); -1 on error. */
int         hb_test_sim_count (HbTestSim *sim, const char *path);

/* Runs PROGRAM (in the build dir) with the arguments (NULL-terminated), without blocking the main loop
 * for more than timeout_ms; returns its exit status (-1 when it did not exit) and its
 * stdout and stderr in *out and *err (either may be NULL). */
int         hb_test_run_program (char **out, char **err, guint timeout_ms,
                                 const char *program, ...) G_GNUC_NULL_TERMINATED;

/* Reads a whole file; NULL if it cannot. */
char       *hb_test_read_file (const char *path, gsize *length);
/* The number of services in data/catalog.json (what a fresh platform-sim serves). */
guint       hb_test_demo_catalog_services (void);
/* Its "version". (transfer full) */
char       *hb_test_demo_catalog_version (void);

/* Writes bytes to hb_test_output_path (name) and returns that path (transfer full). */
char       *hb_test_write_output (const char *name, GBytes *bytes);
/* Runs a tool (argv[0] found in PATH) and returns its stdout; fails the test when it
 * cannot run or exits non-zero. */
char       *hb_test_run_tool (const char *const *argv);

/* The text without white space (any Unicode space): a document's layout and line breaks
 * do not matter to what it says. */
char       *hb_test_squash (const char *text);
/* pdftotext of page (1-based; 0: every page) of a PDF file, squashed. Fails the test when
 * pdftotext (poppler-utils) cannot read it. */
char       *hb_test_pdf_text (const char *pdf, guint page);

G_END_DECLS
