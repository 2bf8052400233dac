/* hb-sim-commands.h — commands queued for the terminal (POST /_sim/commands), handed out in
 * heartbeat replies until the terminal acknowledges them, and the acknowledgements seen. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HB_SIM_MAX_QUEUED_COMMANDS 16u    /* the terminal takes at most 16 per reply */
#define HB_SIM_MAX_ACKS            1000u

typedef struct {
  GQueue  queued;    /* JsonNode* {"id","name","args"?}, oldest first */
  GQueue  acks;      /* JsonNode* {"id","result","reason"?,"terminal_id"}, oldest first */
  guint64 next_id;
} HbSimCommands;

void      hb_sim_commands_init   (HbSimCommands *self);
void      hb_sim_commands_forget (HbSimCommands *self);   /* queue and acks; ids continue */

/* body: {"name": string, "args"?: object, "id"?: string}. Any name is accepted (a test may
 * send an unknown command); the id defaults to "C<n>". Returns the id, or NULL + error. */
char     *hb_sim_commands_queue (HbSimCommands *self, JsonNode *body, GError **error);
/* A heartbeat body arrived: record its "acks" and drop the acknowledged commands. */
void      hb_sim_commands_take_acks (HbSimCommands *self, JsonObject *heartbeat);
/* The array of queued commands for a heartbeat reply (transfer full). */
JsonNode *hb_sim_commands_pending (HbSimCommands *self);
/* {"queued": […], "acks": […]} for GET /_sim/commands (transfer full). */
JsonNode *hb_sim_commands_to_json (HbSimCommands *self);

G_END_DECLS
