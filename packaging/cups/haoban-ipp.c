/* haoban-ipp.c — CUPS backend "haoban-ipp" (and "haoban-ipps"): CUPS's own ipp backend,
 * with one race fixed, for the terminal's A4 queue.
 *
 * CUPS 2.4's ipp backend follows a job at the printer in two threads. Only the monitor
 * thread turns "the printer aborted or canceled the job" into exit 5 (cupsd cancels the
 * job); when the main loop sees that end state first it exits 0 and cupsd marks the job
 * *completed* — the kiosk would then tell a resident a document printed when the printer
 * failed it (docs/printing.md). This backend runs the real one with the URI's scheme
 * turned back into ipp/ipps, passes every message through, and when the backend logged
 * that the printer ended the job aborted or canceled yet exits 0, reports what the monitor
 * would have. tests/support/hb-test-cupsd.c runs the same logic in the driver tests.
 *
 * Queue: lpadmin -p NAME -E -v haoban-ipp://HOST/ipp/print -m everywhere is refused
 * (lpadmin queries the URI), so create it with ipp:// and -m everywhere, then switch the
 * URI: lpadmin -p NAME -v haoban-ipp://HOST/ipp/print (docs/packaging.md). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef HB_REAL_IPP
#define HB_REAL_IPP "/usr/lib/cups/backend/ipp"
#endif
#define PREFIX "haoban-"
#define CUPS_BACKEND_FAILED 1
#define CUPS_BACKEND_CANCEL 5
#define MAX_URI 4096

/* "haoban-ipp://…" → "ipp://…" (a new string), or NULL when it is not ours. */
static char *
real_uri (const char *uri)
{
  char *out;
  if (uri == NULL || strncmp (uri, PREFIX, strlen (PREFIX)) != 0 || strlen (uri) > MAX_URI)
    return NULL;
  uri += strlen (PREFIX);
  if (strncmp (uri, "ipp://", 6) != 0 && strncmp (uri, "ipps://", 7) != 0)
    return NULL;
  out = strdup (uri);
  return out;
}

/* The printer's final job state as the backend logs it (main loop or monitor). */
static int
ended_at_printer (const char *line)
{
  return strstr (line, "job-state enum aborted") != NULL
         || strstr (line, "job-state enum canceled") != NULL
         || strstr (line, "(monitor) job-state = aborted") != NULL
         || strstr (line, "(monitor) job-state = canceled") != NULL;
}

int
main (int argc, char **argv)
{
  const char *self = strrchr (argv[0], '/') ? strrchr (argv[0], '/') + 1 : argv[0];
  char *uri, line[8192];
  int p[2], status = 0, ended = 0;
  FILE *in;
  pid_t child;

  if (argc == 1)
    {
      /* Discovery (lpinfo -v): announce the scheme only; ipp's own discovery finds printers. */
      printf ("network %s \"Unknown\" \"Haoban IPP (failed jobs stay failed)\"\n", self);
      return 0;
    }
  if (argc < 6 || argc > 7)
    {
      fprintf (stderr, "Usage: %s job-id user title copies options [file]\n", self);
      return CUPS_BACKEND_FAILED;
    }
  uri = real_uri (getenv ("DEVICE_URI") ? getenv ("DEVICE_URI") : argv[0]);
  if (uri == NULL)
    {
      fputs ("ERROR: haoban-ipp: the device URI must be haoban-ipp://… or haoban-ipps://…\n",
             stderr);
      return CUPS_BACKEND_FAILED;
    }
  if (setenv ("DEVICE_URI", uri, 1) != 0 || pipe (p) != 0)
    return CUPS_BACKEND_FAILED;
  argv[0] = uri;

  child = fork ();
  if (child < 0)
    return CUPS_BACKEND_FAILED;
  if (child == 0)
    {
      dup2 (p[1], 2);
      close (p[0]);
      close (p[1]);
      execv (HB_REAL_IPP, argv);
      _exit (CUPS_BACKEND_FAILED);
    }
  /* cupsd cancels a job with SIGTERM to the process group: the backend gets it itself. */
  signal (SIGTERM, SIG_IGN);
  signal (SIGPIPE, SIG_IGN);
  close (p[1]);
  in = fdopen (p[0], "r");
  while (in != NULL && fgets (line, sizeof line, in) != NULL)
    {
      fputs (line, stderr);
      fflush (stderr);
      if (ended_at_printer (line))
        ended = 1;
    }
  while (waitpid (child, &status, 0) < 0 && errno == EINTR)
    ;
  free (uri);
  if (!WIFEXITED (status))
    return CUPS_BACKEND_FAILED;
  if (WEXITSTATUS (status) == 0 && ended)
    {
      fputs ("ERROR: Print job canceled at printer.\n", stderr);
      return CUPS_BACKEND_CANCEL;
    }
  return WEXITSTATUS (status);
}
