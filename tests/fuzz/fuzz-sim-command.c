/* fuzz-sim-command.c — the simulator line parser: never crashes, and whatever it
 * accepts prints back to a line that parses to the same command. */
#include "drivers/virtual/hb-sim-protocol.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbSimCommand) cmd = NULL;
  g_autoptr(HbSimCommand) again = NULL;
  g_autofree char *line = NULL;

  cmd = hb_sim_command_parse ((const char *) data, size, &error);
  if (cmd == NULL)
    {
      /* Every refusal explains itself. */
      if (error == NULL || error->message == NULL || error->message[0] == '\0')
        abort ();
      return 0;
    }
  if (error != NULL)
    abort ();

  line = hb_sim_command_to_line (cmd);
  again = hb_sim_command_parse (line, strlen (line), NULL);
  if (again == NULL || again->type != cmd->type || again->on != cmd->on ||
      again->kind != cmd->kind || g_strcmp0 (again->argument, cmd->argument) != 0)
    abort ();
  return 0;
}
