/* hb-printer-reasons.h — IPP printer-state-reasons (RFC 8011 §5.4.12) → device status,
 * paper status, a plain message for residents and a detail for staff.
 *
 * Pure functions: no I/O, no libcups. Keywords are matched by their base after stripping
 * the "-report" / "-warning" / "-error" suffix, because the same fault arrives with any of
 * them (ippeveprinter idle: media-empty-report; processing: -warning; a backend: -error). */
#pragma once

#include "drivers/hb-device.h"
#include "drivers/printer/hb-printer.h"

G_BEGIN_DECLS

/* Bounds for what we accept from a printer or cupsd. */
#define HB_PRINTER_REASONS_MAX     32    /* keywords kept; more are counted, not kept */
#define HB_PRINTER_REASON_MAX_LEN  64    /* longer keywords are refused */
#define HB_PRINTER_REASONS_TEXT_MAX 4096 /* a comma-separated list, as cupsd's dest options */

/* IPP printer-state (RFC 8011 §5.4.11); 0 = not known. */
#define HB_IPP_PRINTER_IDLE       3
#define HB_IPP_PRINTER_PROCESSING 4
#define HB_IPP_PRINTER_STOPPED    5

typedef enum {
  HB_PRINTER_FAULT_NONE,
  HB_PRINTER_FAULT_PAPER_OUT,      /* media-empty, media-needed */
  HB_PRINTER_FAULT_PAPER_JAM,      /* media-jam */
  HB_PRINTER_FAULT_COVER_OPEN,     /* cover-open, door-open, interlock-open, input-tray-missing */
  HB_PRINTER_FAULT_SUPPLY_EMPTY,   /* toner-empty, marker-supply-empty, marker-waste-full */
  HB_PRINTER_FAULT_OFFLINE,        /* offline, shutdown, timed-out */
  HB_PRINTER_FAULT_STOPPED,        /* paused, stopped, moving-to-paused, printer-state 5 */
  HB_PRINTER_FAULT_SPOOL_FULL,     /* spool-area-full */
  HB_PRINTER_FAULT_OTHER,          /* any other keyword with "-error" */
  HB_PRINTER_FAULT_SERVICE_DOWN,   /* the print service (cupsd) cannot be reached */
  HB_PRINTER_FAULT_NO_QUEUE,       /* the configured queue does not exist */
} HbPrinterFault;

typedef enum {
  HB_PRINTER_REASON_NO_SUFFIX,
  HB_PRINTER_REASON_REPORT,
  HB_PRINTER_REASON_WARNING,
  HB_PRINTER_REASON_ERROR,
} HbPrinterReasonSeverity;

typedef struct {
  HbPrinterFault  fault;       /* the worst blocking fault, NONE if printing can go on */
  HbDeviceStatus  status;      /* ONLINE, BUSY (processing), USER_ERROR, HARDWARE_ERROR, OFFLINE */
  HbPaperStatus   paper;       /* OUT, LOW, FULL (no media keyword), never UNKNOWN */
  gboolean        supply_low;  /* toner/marker low or waste almost full: tell maintenance */
  char           *detail;      /* for staff: the keywords as received, "media-empty-report"; NULL when none */
} HbPrinterCondition;

void hb_printer_condition_clear (HbPrinterCondition *condition);

/* Strips the severity suffix: writes the base keyword (NUL-terminated, at most
 * HB_PRINTER_REASON_MAX_LEN bytes) into base. FALSE for an invalid keyword (empty, too
 * long, characters outside [a-z0-9-]). */
gboolean hb_printer_reason_split (const char *reason, char base[HB_PRINTER_REASON_MAX_LEN + 1],
                                  HbPrinterReasonSeverity *severity);

/* Parses a comma-separated list ("media-empty-error,paused") into a NULL-terminated vector
 * of at most HB_PRINTER_REASONS_MAX valid keywords. Invalid keywords are skipped; a list
 * longer than HB_PRINTER_REASONS_TEXT_MAX or not UTF-8 is an error. */
char **hb_printer_reasons_parse (const char *text, gsize length, GError **error);

/* Maps keywords (NULL-terminated; NULL = none) and the IPP printer-state to a condition.
 * Invalid keywords are ignored; at most HB_PRINTER_REASONS_MAX are read. */
void hb_printer_reasons_evaluate (const char *const *reasons, int printer_state,
                                  HbPrinterCondition *out);

/* Plain Chinese for residents, e.g. "打印机缺纸了，暂时不能打印。"; NULL for NONE. Static. */
const char *hb_printer_fault_message (HbPrinterFault fault);
/* Short English keyword for logs and job reasons: "paper-out", "cover-open"…; "none". */
const char *hb_printer_fault_to_string (HbPrinterFault fault);
/* HB_DEVICE_ERROR code a failed job reports for this fault (USER for paper/cover/supply). */
HbDeviceError hb_printer_fault_error_code (HbPrinterFault fault);

G_END_DECLS
