/* hb-sim-protocol.h — the line protocol that drives virtual devices (pure, no I/O).
 *
 * One command per line, UTF-8, at most HB_SIM_LINE_MAX bytes including the newline:
 *   CARD-INSERT <json>        place a card (HbIdCard JSON form) on the virtual reader
 *   CARD-REMOVE               take it away
 *   SCAN <text>               the scanner reads <text> (rest of the line, verbatim)
 *   PAPER-OUT on|off [KIND]   the virtual printer (KIND printer, the default) or the
 *                             virtual receipt printer (KIND receipt-printer) runs out of /
 *                             gets paper
 *   UNPLUG idcard|scanner|printer|receipt-printer
 *   PLUG idcard|scanner|printer|receipt-printer
 *   STATUS                    reply carries a JSON array of device descriptions
 * Replies, one line: "OK", "OK <json>", or "ERR <message>". */
#pragma once

#include <glib.h>
#include "drivers/hb-device.h"

G_BEGIN_DECLS

#define HB_SIM_LINE_MAX (16 * 1024)

typedef enum {
  HB_SIM_CMD_CARD_INSERT,
  HB_SIM_CMD_CARD_REMOVE,
  HB_SIM_CMD_SCAN,
  HB_SIM_CMD_PAPER_OUT,
  HB_SIM_CMD_UNPLUG,
  HB_SIM_CMD_PLUG,
  HB_SIM_CMD_STATUS,
} HbSimCommandType;

typedef struct {
  HbSimCommandType type;
  char            *argument;   /* CARD-INSERT json, SCAN text; NULL otherwise */
  gboolean         on;         /* PAPER-OUT */
  HbDeviceKind     kind;       /* UNPLUG / PLUG; PAPER-OUT (PRINTER or RECEIPT_PRINTER) */
} HbSimCommand;

/* Parses one line (without or with a trailing "\n" / "\r\n"). Bounds-checked; a clear
 * GError (G_IO_ERROR_INVALID_DATA) for anything else. */
HbSimCommand *hb_sim_command_parse (const char *line, gsize length, GError **error);
void          hb_sim_command_free  (HbSimCommand *cmd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbSimCommand, hb_sim_command_free)
/* The line for a command, without the newline. */
char         *hb_sim_command_to_line (const HbSimCommand *cmd);

G_END_DECLS
