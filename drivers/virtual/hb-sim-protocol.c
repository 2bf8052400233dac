/* hb-sim-protocol.c — parse and print simulator command lines (pure, bounded). */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/virtual/hb-sim-protocol.h"

#include <string.h>

static const struct {
  const char       *name;
  HbSimCommandType  type;
} commands[] = {
  { "CARD-INSERT", HB_SIM_CMD_CARD_INSERT },
  { "CARD-REMOVE", HB_SIM_CMD_CARD_REMOVE },
  { "SCAN",        HB_SIM_CMD_SCAN },
  { "PAPER-OUT",   HB_SIM_CMD_PAPER_OUT },
  { "UNPLUG",      HB_SIM_CMD_UNPLUG },
  { "PLUG",        HB_SIM_CMD_PLUG },
  { "STATUS",      HB_SIM_CMD_STATUS },
};

static const char *
command_name (HbSimCommandType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (commands[i].type == type)
      return commands[i].name;
  return NULL;
}

static gpointer
fail (GError **error, const char *message)
{
  /* Messages never quote the line: it may carry a card or a personal code. */
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, message);
  return NULL;
}

/* Strip spaces and tabs at both ends (for keyword arguments only). */
static void
trim (const char **p, gsize *len)
{
  while (*len > 0 && (**p == ' ' || **p == '\t'))
    (*p)++, (*len)--;
  while (*len > 0 && ((*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t'))
    (*len)--;
}

static gboolean
word_equals (const char *p, gsize len, const char *word)
{
  return len == strlen (word) && g_ascii_strncasecmp (p, word, len) == 0;
}

HbSimCommand *
hb_sim_command_parse (const char *line, gsize length, GError **error)
{
  g_autoptr(HbSimCommand) cmd = NULL;
  const char *name, *arg = NULL;
  gsize name_len, arg_len = 0;
  const char *space;
  gboolean found = FALSE;

  g_return_val_if_fail (line != NULL || length == 0, NULL);

  if (length > HB_SIM_LINE_MAX)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Line is longer than %d bytes", HB_SIM_LINE_MAX);
      return NULL;
    }
  if (length > 0 && line[length - 1] == '\n')
    length--;
  if (length > 0 && line[length - 1] == '\r')
    length--;
  if (length == 0)
    return fail (error, "Empty line");
  if (memchr (line, '\0', length) != NULL)
    return fail (error, "Line contains a NUL byte");
  if (memchr (line, '\n', length) != NULL || memchr (line, '\r', length) != NULL)
    return fail (error, "Line contains a line break: send one command per line");
  if (!g_utf8_validate (line, (gssize) length, NULL))
    return fail (error, "Line is not valid UTF-8");

  /* COMMAND[ ARGUMENT]: the argument is everything after the first space, verbatim. */
  name = line;
  space = memchr (line, ' ', length);
  name_len = space ? (gsize) (space - line) : length;
  if (space)
    {
      arg = space + 1;
      arg_len = length - name_len - 1;
    }

  cmd = g_new0 (HbSimCommand, 1);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (word_equals (name, name_len, commands[i].name))
      {
        cmd->type = commands[i].type;
        found = TRUE;
        break;
      }
  if (!found)
    return fail (error, "Unknown command (expected CARD-INSERT, CARD-REMOVE, SCAN, "
                        "PAPER-OUT, UNPLUG, PLUG or STATUS)");

  switch (cmd->type)
    {
    case HB_SIM_CMD_CARD_INSERT:
      if (arg_len == 0)
        return fail (error, "CARD-INSERT needs the card as JSON");
      cmd->argument = g_strndup (arg, arg_len);
      break;

    case HB_SIM_CMD_SCAN:
      if (arg_len == 0)
        return fail (error, "SCAN needs the text of the code");
      cmd->argument = g_strndup (arg, arg_len);
      break;

    case HB_SIM_CMD_CARD_REMOVE:
    case HB_SIM_CMD_STATUS:
      if (arg)
        trim (&arg, &arg_len);
      if (arg_len != 0)
        return fail (error, cmd->type == HB_SIM_CMD_STATUS ? "STATUS takes no argument"
                                                           : "CARD-REMOVE takes no argument");
      break;

    case HB_SIM_CMD_PAPER_OUT:
      {
        const char *which = NULL;
        gsize which_len = 0;
        const char *sep;

        if (arg)
          trim (&arg, &arg_len);
        /* "on|off [printer|receipt-printer]": without a kind it is the A4 printer. */
        cmd->kind = HB_DEVICE_KIND_PRINTER;
        sep = arg_len > 0 ? memchr (arg, ' ', arg_len) : NULL;
        if (sep)
          {
            which = sep + 1;
            which_len = arg_len - (gsize) (which - arg);
            arg_len = (gsize) (sep - arg);
            trim (&which, &which_len);
          }
        if (word_equals (arg, arg_len, "on"))
          cmd->on = TRUE;
        else if (word_equals (arg, arg_len, "off"))
          cmd->on = FALSE;
        else
          return fail (error, "PAPER-OUT needs on or off");
        if (which == NULL || word_equals (which, which_len, "printer"))
          cmd->kind = HB_DEVICE_KIND_PRINTER;
        else if (word_equals (which, which_len, "receipt-printer"))
          cmd->kind = HB_DEVICE_KIND_RECEIPT_PRINTER;
        else
          return fail (error, "PAPER-OUT takes printer or receipt-printer after on or off");
      }
      break;

    case HB_SIM_CMD_UNPLUG:
    case HB_SIM_CMD_PLUG:
      if (arg)
        trim (&arg, &arg_len);
      if (word_equals (arg, arg_len, "idcard"))
        cmd->kind = HB_DEVICE_KIND_IDCARD;
      else if (word_equals (arg, arg_len, "scanner"))
        cmd->kind = HB_DEVICE_KIND_SCANNER;
      else if (word_equals (arg, arg_len, "printer"))
        cmd->kind = HB_DEVICE_KIND_PRINTER;
      else if (word_equals (arg, arg_len, "receipt-printer"))
        cmd->kind = HB_DEVICE_KIND_RECEIPT_PRINTER;
      else
        return fail (error, cmd->type == HB_SIM_CMD_PLUG
                              ? "PLUG needs idcard, scanner, printer or receipt-printer"
                              : "UNPLUG needs idcard, scanner, printer or receipt-printer");
      break;

    default:
      g_assert_not_reached ();
    }

  return g_steal_pointer (&cmd);
}

void
hb_sim_command_free (HbSimCommand *cmd)
{
  if (cmd == NULL)
    return;
  /* CARD-INSERT carries a whole identity card. */
  if (cmd->argument)
    {
      explicit_bzero (cmd->argument, strlen (cmd->argument));
      g_free (cmd->argument);
    }
  g_free (cmd);
}

char *
hb_sim_command_to_line (const HbSimCommand *cmd)
{
  const char *name;

  g_return_val_if_fail (cmd != NULL, NULL);
  name = command_name (cmd->type);
  g_return_val_if_fail (name != NULL, NULL);

  switch (cmd->type)
    {
    case HB_SIM_CMD_CARD_INSERT:
    case HB_SIM_CMD_SCAN:
      return g_strconcat (name, " ", cmd->argument ? cmd->argument : "", NULL);
    case HB_SIM_CMD_PAPER_OUT:
      /* The A4 printer keeps the short form older simulators understand. */
      if (cmd->kind == HB_DEVICE_KIND_RECEIPT_PRINTER)
        return g_strconcat (name, cmd->on ? " on " : " off ",
                            hb_device_kind_to_string (cmd->kind), NULL);
      return g_strconcat (name, cmd->on ? " on" : " off", NULL);
    case HB_SIM_CMD_UNPLUG:
    case HB_SIM_CMD_PLUG:
      return g_strconcat (name, " ", hb_device_kind_to_string (cmd->kind), NULL);
    case HB_SIM_CMD_CARD_REMOVE:
    case HB_SIM_CMD_STATUS:
    default:
      return g_strdup (name);
    }
}
