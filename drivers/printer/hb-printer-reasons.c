/* hb-printer-reasons.c — IPP printer-state-reasons → status, paper, messages. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/printer/hb-printer-reasons.h"

#include <string.h>

void
hb_printer_condition_clear (HbPrinterCondition *condition)
{
  g_clear_pointer (&condition->detail, g_free);
  condition->fault = HB_PRINTER_FAULT_NONE;
  condition->status = HB_DEVICE_STATUS_ONLINE;
  condition->paper = HB_PAPER_FULL;
  condition->supply_low = FALSE;
}

static gboolean
ends_with (const char *s, gsize len, const char *suffix, gsize *base_len)
{
  gsize n = strlen (suffix);
  if (len <= n || memcmp (s + len - n, suffix, n) != 0)
    return FALSE;
  *base_len = len - n;
  return TRUE;
}

gboolean
hb_printer_reason_split (const char *reason, char base[HB_PRINTER_REASON_MAX_LEN + 1],
                         HbPrinterReasonSeverity *severity)
{
  gsize len, base_len;
  HbPrinterReasonSeverity sev = HB_PRINTER_REASON_NO_SUFFIX;

  base[0] = '\0';
  if (reason == NULL)
    return FALSE;
  len = strnlen (reason, HB_PRINTER_REASON_MAX_LEN + 1);
  if (len == 0 || len > HB_PRINTER_REASON_MAX_LEN)
    return FALSE;
  /* RFC 8011 keywords: lowercase letters, digits, '-' (we also see '_' from some vendors). */
  for (gsize i = 0; i < len; i++)
    {
      char c = reason[i];
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
        return FALSE;
    }
  base_len = len;
  if (ends_with (reason, len, "-error", &base_len))
    sev = HB_PRINTER_REASON_ERROR;
  else if (ends_with (reason, len, "-warning", &base_len))
    sev = HB_PRINTER_REASON_WARNING;
  else if (ends_with (reason, len, "-report", &base_len))
    sev = HB_PRINTER_REASON_REPORT;
  memcpy (base, reason, base_len);
  base[base_len] = '\0';
  if (severity)
    *severity = sev;
  return TRUE;
}

char **
hb_printer_reasons_parse (const char *text, gsize length, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  gsize start = 0;

  if (text == NULL)
    length = 0;
  if (length > HB_PRINTER_REASONS_TEXT_MAX)
    {
      g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL,
                   "printer-state-reasons longer than %d bytes", HB_PRINTER_REASONS_TEXT_MAX);
      return NULL;
    }
  if (length > 0 && !g_utf8_validate (text, (gssize) length, NULL))
    {
      g_set_error_literal (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL,
                           "printer-state-reasons is not UTF-8");
      return NULL;
    }
  for (gsize i = 0; i <= length; i++)
    {
      if (i < length && text[i] != ',')
        continue;
      gsize n = i - start;
      /* Trim blanks around the keyword ("a, b"). */
      const char *s = text + start;
      while (n > 0 && (*s == ' ' || *s == '\t'))
        s++, n--;
      while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
      start = i + 1;
      if (n == 0 || n > HB_PRINTER_REASON_MAX_LEN || out->len >= HB_PRINTER_REASONS_MAX)
        continue;
      char kw[HB_PRINTER_REASON_MAX_LEN + 1];
      char base[HB_PRINTER_REASON_MAX_LEN + 1];
      memcpy (kw, s, n);
      kw[n] = '\0';
      if (!hb_printer_reason_split (kw, base, NULL))
        continue;
      g_ptr_array_add (out, g_strdup (kw));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

/* Faults by how badly they block, worst first: the condition reports the worst one. */
static int
fault_rank (HbPrinterFault fault)
{
  switch (fault)
    {
    case HB_PRINTER_FAULT_SERVICE_DOWN: return 10;
    case HB_PRINTER_FAULT_NO_QUEUE:     return 9;
    case HB_PRINTER_FAULT_OFFLINE:      return 8;
    case HB_PRINTER_FAULT_PAPER_JAM:    return 7;
    case HB_PRINTER_FAULT_COVER_OPEN:   return 6;
    case HB_PRINTER_FAULT_PAPER_OUT:    return 5;
    case HB_PRINTER_FAULT_SUPPLY_EMPTY: return 4;
    case HB_PRINTER_FAULT_SPOOL_FULL:   return 3;
    case HB_PRINTER_FAULT_OTHER:        return 2;
    case HB_PRINTER_FAULT_STOPPED:      return 1;
    case HB_PRINTER_FAULT_NONE:
    default:                            return 0;
    }
}

typedef struct {
  const char     *base;
  HbPrinterFault  fault;
} FaultEntry;

static const FaultEntry fault_table[] = {
  { "media-empty", HB_PRINTER_FAULT_PAPER_OUT },
  { "media-needed", HB_PRINTER_FAULT_PAPER_OUT },
  { "media-jam", HB_PRINTER_FAULT_PAPER_JAM },
  { "cover-open", HB_PRINTER_FAULT_COVER_OPEN },
  { "door-open", HB_PRINTER_FAULT_COVER_OPEN },
  { "interlock-open", HB_PRINTER_FAULT_COVER_OPEN },
  { "input-tray-missing", HB_PRINTER_FAULT_COVER_OPEN },
  { "toner-empty", HB_PRINTER_FAULT_SUPPLY_EMPTY },
  { "marker-supply-empty", HB_PRINTER_FAULT_SUPPLY_EMPTY },
  { "marker-waste-full", HB_PRINTER_FAULT_SUPPLY_EMPTY },
  { "offline", HB_PRINTER_FAULT_OFFLINE },
  { "shutdown", HB_PRINTER_FAULT_OFFLINE },
  { "timed-out", HB_PRINTER_FAULT_OFFLINE },
  { "paused", HB_PRINTER_FAULT_STOPPED },
  { "stopped", HB_PRINTER_FAULT_STOPPED },
  { "moving-to-paused", HB_PRINTER_FAULT_STOPPED },
  { "spool-area-full", HB_PRINTER_FAULT_SPOOL_FULL },
};

/* Keywords that say nothing about whether the printer can print. */
static gboolean
is_informational (const char *base)
{
  return strcmp (base, "none") == 0 ||
         strcmp (base, "connecting-to-device") == 0 ||
         strcmp (base, "printer-nms-authentication-error") == 0 ||
         g_str_has_prefix (base, "cups-") ||
         g_str_has_prefix (base, "com.");   /* vendor/cups PPD keywords */
}

void
hb_printer_reasons_evaluate (const char *const *reasons, int printer_state,
                             HbPrinterCondition *out)
{
  g_autoptr(GString) detail = g_string_new (NULL);
  HbPrinterFault worst = HB_PRINTER_FAULT_NONE;
  gboolean paper_low = FALSE;
  guint n = 0;

  memset (out, 0, sizeof *out);
  for (guint i = 0; reasons != NULL && reasons[i] != NULL && n < HB_PRINTER_REASONS_MAX; i++)
    {
      char base[HB_PRINTER_REASON_MAX_LEN + 1];
      HbPrinterReasonSeverity sev;
      HbPrinterFault fault = HB_PRINTER_FAULT_NONE;

      if (!hb_printer_reason_split (reasons[i], base, &sev))
        continue;
      n++;
      if (strcmp (base, "none") == 0)
        continue;
      if (detail->len > 0)
        g_string_append_c (detail, ',');
      g_string_append (detail, reasons[i]);

      for (gsize k = 0; k < G_N_ELEMENTS (fault_table); k++)
        if (strcmp (base, fault_table[k].base) == 0)
          fault = fault_table[k].fault;
      if (fault == HB_PRINTER_FAULT_NONE)
        {
          if (strcmp (base, "media-low") == 0)
            paper_low = TRUE;
          else if (strcmp (base, "toner-low") == 0 || strcmp (base, "marker-supply-low") == 0 ||
                   strcmp (base, "marker-waste-almost-full") == 0)
            out->supply_low = TRUE;
          else if (!is_informational (base) && sev == HB_PRINTER_REASON_ERROR)
            /* An unknown keyword only blocks when the printer calls it an error. */
            fault = HB_PRINTER_FAULT_OTHER;
        }
      if (fault_rank (fault) > fault_rank (worst))
        worst = fault;
    }

  if (printer_state == HB_IPP_PRINTER_STOPPED && worst == HB_PRINTER_FAULT_NONE)
    worst = HB_PRINTER_FAULT_STOPPED;

  out->fault = worst;
  out->paper = worst == HB_PRINTER_FAULT_PAPER_OUT ? HB_PAPER_OUT
             : paper_low ? HB_PAPER_LOW : HB_PAPER_FULL;
  /* A paper-out printer that also reports a jam is still out of paper. */
  if (out->paper != HB_PAPER_OUT)
    for (guint i = 0; reasons != NULL && reasons[i] != NULL && i < HB_PRINTER_REASONS_MAX; i++)
      {
        char base[HB_PRINTER_REASON_MAX_LEN + 1];
        if (hb_printer_reason_split (reasons[i], base, NULL) &&
            (strcmp (base, "media-empty") == 0 || strcmp (base, "media-needed") == 0))
          out->paper = HB_PAPER_OUT;
      }

  switch (worst)
    {
    case HB_PRINTER_FAULT_NONE:
      out->status = printer_state == HB_IPP_PRINTER_PROCESSING ? HB_DEVICE_STATUS_BUSY
                                                               : HB_DEVICE_STATUS_ONLINE;
      break;
    case HB_PRINTER_FAULT_PAPER_OUT:
    case HB_PRINTER_FAULT_COVER_OPEN:
    case HB_PRINTER_FAULT_SUPPLY_EMPTY:
      out->status = HB_DEVICE_STATUS_USER_ERROR;
      break;
    case HB_PRINTER_FAULT_OFFLINE:
    case HB_PRINTER_FAULT_STOPPED:
    case HB_PRINTER_FAULT_SERVICE_DOWN:
      out->status = HB_DEVICE_STATUS_OFFLINE;
      break;
    case HB_PRINTER_FAULT_NO_QUEUE:
      out->status = HB_DEVICE_STATUS_NO_DEVICE;
      break;
    case HB_PRINTER_FAULT_PAPER_JAM:
    case HB_PRINTER_FAULT_SPOOL_FULL:
    case HB_PRINTER_FAULT_OTHER:
    default:
      out->status = HB_DEVICE_STATUS_HARDWARE_ERROR;
      break;
    }
  if (printer_state == HB_IPP_PRINTER_STOPPED && worst != HB_PRINTER_FAULT_STOPPED &&
      detail->len > 0 && strstr (detail->str, "paused") == NULL)
    g_string_append (detail, ",stopped");
  else if (printer_state == HB_IPP_PRINTER_STOPPED && detail->len == 0)
    g_string_append (detail, "stopped");
  out->detail = detail->len > 0 ? g_string_free (g_steal_pointer (&detail), FALSE) : NULL;
}

const char *
hb_printer_fault_message (HbPrinterFault fault)
{
  switch (fault)
    {
    case HB_PRINTER_FAULT_PAPER_OUT:    return "打印机缺纸了，暂时不能打印。";
    case HB_PRINTER_FAULT_PAPER_JAM:    return "打印机卡纸了，暂时不能打印。";
    case HB_PRINTER_FAULT_COVER_OPEN:   return "打印机的盖子或纸盒没有关好，暂时不能打印。";
    case HB_PRINTER_FAULT_SUPPLY_EMPTY: return "打印机墨粉用完了，暂时不能打印。";
    case HB_PRINTER_FAULT_OFFLINE:      return "打印机没有连接，暂时不能打印。";
    case HB_PRINTER_FAULT_STOPPED:      return "打印机已暂停使用，暂时不能打印。";
    case HB_PRINTER_FAULT_SPOOL_FULL:   return "打印任务太多，暂时不能打印。";
    case HB_PRINTER_FAULT_OTHER:        return "打印机出了故障，暂时不能打印。";
    case HB_PRINTER_FAULT_SERVICE_DOWN: return "打印服务暂时不可用，暂时不能打印。";
    case HB_PRINTER_FAULT_NO_QUEUE:     return "没有找到打印机，暂时不能打印。";
    case HB_PRINTER_FAULT_NONE:
    default:                            return NULL;
    }
}

const char *
hb_printer_fault_to_string (HbPrinterFault fault)
{
  switch (fault)
    {
    case HB_PRINTER_FAULT_PAPER_OUT:    return "paper-out";
    case HB_PRINTER_FAULT_PAPER_JAM:    return "paper-jam";
    case HB_PRINTER_FAULT_COVER_OPEN:   return "cover-open";
    case HB_PRINTER_FAULT_SUPPLY_EMPTY: return "supply-empty";
    case HB_PRINTER_FAULT_OFFLINE:      return "offline";
    case HB_PRINTER_FAULT_STOPPED:      return "stopped";
    case HB_PRINTER_FAULT_SPOOL_FULL:   return "spool-full";
    case HB_PRINTER_FAULT_OTHER:        return "printer-error";
    case HB_PRINTER_FAULT_SERVICE_DOWN: return "service-down";
    case HB_PRINTER_FAULT_NO_QUEUE:     return "no-queue";
    case HB_PRINTER_FAULT_NONE:
    default:                            return "none";
    }
}

HbDeviceError
hb_printer_fault_error_code (HbPrinterFault fault)
{
  switch (fault)
    {
    case HB_PRINTER_FAULT_PAPER_OUT:
    case HB_PRINTER_FAULT_COVER_OPEN:
    case HB_PRINTER_FAULT_SUPPLY_EMPTY:
      return HB_DEVICE_ERROR_USER;
    case HB_PRINTER_FAULT_OFFLINE:
    case HB_PRINTER_FAULT_SERVICE_DOWN:
    case HB_PRINTER_FAULT_NO_QUEUE:
      return HB_DEVICE_ERROR_NO_DEVICE;
    case HB_PRINTER_FAULT_NONE:
    case HB_PRINTER_FAULT_PAPER_JAM:
    case HB_PRINTER_FAULT_STOPPED:
    case HB_PRINTER_FAULT_SPOOL_FULL:
    case HB_PRINTER_FAULT_OTHER:
    default:
      return HB_DEVICE_ERROR_HARDWARE;
    }
}
