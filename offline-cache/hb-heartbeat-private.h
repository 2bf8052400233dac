/* hb-heartbeat-private.h — the heartbeat's body, the bounded parser of its reply, and the
 * ledger of command ids (private to offline-cache/; docs/platform-api.md "POST /v1/heartbeat").
 *
 * The parser is pure so tests/fuzz/fuzz-heartbeat-reply.c can drive it. Commands are
 * applied at most once: their ids are recorded in the store (meta) before they are applied,
 * and acknowledged in the next heartbeat until the platform has answered one that carried
 * the acknowledgement. */
#pragma once

#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-store.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HB_HEARTBEAT_REPLY_MAX        (64 * 1024)
#define HB_HEARTBEAT_STATUS_MAX       (32 * 1024)   /* the kiosk's status object, as text */
#define HB_HEARTBEAT_MAX_COMMANDS     16            /* per reply; more is a malformed reply */
#define HB_HEARTBEAT_ID_MAX           64            /* command id: printable ASCII token */
#define HB_HEARTBEAT_NAME_MAX         32
#define HB_HEARTBEAT_REASON_MAX       256
#define HB_HEARTBEAT_CONFIG_MAX_KEYS  16
#define HB_HEARTBEAT_CONFIG_VALUE_MAX 256
#define HB_HEARTBEAT_REMEMBERED_IDS   256           /* applied/rejected ids kept in meta */
#define HB_HEARTBEAT_MAX_ACKS         64            /* unsent acknowledgements kept */

typedef enum {
  HB_COMMAND_SYNC_NOW,
  HB_COMMAND_OUT_OF_SERVICE,
  HB_COMMAND_CONFIG,
  HB_COMMAND_REJECTED,        /* unknown name or invalid arguments: acknowledged, not applied */
} HbCommandKind;

typedef struct {
  char         *id;
  char         *name;
  HbCommandKind kind;
  JsonObject   *args;      /* normalised arguments of an accepted command; NULL if rejected */
  char         *reason;    /* why rejected: "unknown-command", "invalid-arguments" */
} HbHeartbeatCommand;

typedef struct {
  char      *server_time;  /* may be NULL */
  GPtrArray *commands;     /* HbHeartbeatCommand*, reply order; commands without a usable id
                            * are dropped (they cannot be acknowledged) */
} HbHeartbeatReply;

/* Reply of POST /v1/heartbeat: {"server_time"?: string, "commands"?: [ {"id","name","args"?} ]}.
 * At most HB_HEARTBEAT_REPLY_MAX bytes. A malformed document (not an object, commands not an
 * array, more than HB_HEARTBEAT_MAX_COMMANDS) is G_IO_ERROR_INVALID_DATA and nothing in it
 * applies; a single bad command is only rejected. Errors never quote the input. */
gboolean hb_heartbeat_reply_parse (const char *data, gsize length, HbHeartbeatReply *reply,
                                   GError **error);
void     hb_heartbeat_reply_clear (HbHeartbeatReply *reply);

/* The config keys a "config" command may change ("group.key"). Everything else (platform
 * URL, paths, terminal id, devices, TLS) is refused: a wrong value there could cut the
 * terminal off for good. */
gboolean hb_heartbeat_config_key_allowed (const char *key);

/* The heartbeat body (transfer full). status_json: the kiosk's object or NULL; acks_json:
 * a JSON array or NULL; stats may be NULL (unknown). */
char    *hb_heartbeat_build (const char *terminal_id, const char *status_json,
                             const char *catalog_version, const HbOutboxStats *stats,
                             const char *acks_json);

/* --- ledger (meta "heartbeat.done", "heartbeat.acks") -------------------------------- */

/* Records the outcome of command id before it is applied. TRUE with *already set when the
 * id was seen before: then it is not applied again, only acknowledged again with its first
 * result. result: "applied" or "rejected"; reason may be NULL. */
gboolean hb_heartbeat_record (HbStore *store, const char *id, const char *result,
                              const char *reason, gboolean *already, GError **error);
/* The acknowledgements to send (a JSON array text, "[]" when none). (transfer full) */
char    *hb_heartbeat_dup_acks (HbStore *store);
/* The platform answered a heartbeat that carried acks_json: forget those acknowledgements. */
gboolean hb_heartbeat_acks_sent (HbStore *store, const char *acks_json, GError **error);

G_END_DECLS
