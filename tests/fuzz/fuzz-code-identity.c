/* fuzz-code-identity.c — the parser of the platform's code resolution: never crashes, fails
 * with a GError, and what it accepts has every member its kind promises, within bounds. */
#include "kiosk/hb-code-identity.h"

#include <gio/gio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_text (const char *text, gboolean required)
{
  if (text == NULL)
    {
      if (required)
        abort ();
      return;
    }
  if (strlen (text) > HB_CODE_FIELD_MAX || !g_utf8_validate (text, -1, NULL))
    abort ();
  if (required && *text == '\0')
    abort ();
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbCodeIdentity) id = NULL;

  id = hb_code_identity_parse ((const char *) data, size, &error);
  if (id == NULL)
    {
      if (error == NULL ||
          (error->domain != G_IO_ERROR && error->domain != HB_IDCARD_ERROR))
        abort ();
      return 0;
    }
  if (error != NULL)
    abort ();
  switch (id->kind)
    {
    case HB_CODE_IDENTITY_PERSON:
      if (id->card == NULL || id->org_name || id->place)
        abort ();
      break;
    case HB_CODE_IDENTITY_ENTERPRISE:
      check_text (id->org_name, TRUE);
      check_text (id->uscc, TRUE);
      check_text (id->legal_person, FALSE);
      if (strlen (id->uscc) != 18 || id->card || id->place)
        abort ();
      break;
    case HB_CODE_IDENTITY_PLACE:
      if (id->place == NULL || id->card || id->org_name)
        abort ();
      check_text (id->place->id, TRUE);
      check_text (id->place->name, TRUE);
      check_text (id->place->address, FALSE);
      check_text (id->place->hours, FALSE);
      check_text (id->place->notice, FALSE);
      break;
    default:
      abort ();
    }
  return 0;
}
