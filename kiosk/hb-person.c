/* hb-person.c — the resident of the current visit, with masked accessors. */
#include "kiosk/hb-person.h"
#include "kiosk/hb-i18n.h"

#include <stdio.h>
#include <string.h>

struct _HbPerson
{
  GObject          parent_instance;
  HbIdCard        *card;     /* a resident with card data; NULL otherwise and once wiped */
  HbIdentitySource source;
  HbPrincipal      principal;
  gboolean         wiped;
  char            *subject;
  char            *masked_name;     /* a subject's name, masked by the platform */
  char            *org_name;
  char            *uscc;
  char            *legal_person;    /* masked */
};

G_DEFINE_FINAL_TYPE (HbPerson, hb_person, G_TYPE_OBJECT)

void
hb_secure_free (char *text)
{
  if (text == NULL)
    return;
  explicit_bzero (text, strlen (text));
  g_free (text);
}

void
hb_person_wipe (HbPerson *self)
{
  g_return_if_fail (HB_IS_PERSON (self));
  /* hb_idcard_free zeroes every field before freeing. */
  g_clear_pointer (&self->card, hb_idcard_free);
  g_clear_pointer (&self->subject, hb_secure_free);
  g_clear_pointer (&self->masked_name, hb_secure_free);
  g_clear_pointer (&self->org_name, hb_secure_free);
  g_clear_pointer (&self->uscc, hb_secure_free);
  g_clear_pointer (&self->legal_person, hb_secure_free);
  self->wiped = TRUE;
}

gboolean
hb_person_is_wiped (HbPerson *self)
{
  return self->wiped;
}

static void
hb_person_finalize (GObject *object)
{
  hb_person_wipe (HB_PERSON (object));
  G_OBJECT_CLASS (hb_person_parent_class)->finalize (object);
}

static void
hb_person_class_init (HbPersonClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hb_person_finalize;
}

static void
hb_person_init (HbPerson *self)
{
}

HbPerson *
hb_person_new (const HbIdCard *card, HbIdentitySource source)
{
  HbPerson *self;
  g_return_val_if_fail (card != NULL, NULL);
  self = g_object_new (HB_TYPE_PERSON, NULL);
  self->card = hb_idcard_copy (card);
  self->source = source;
  return self;
}

HbPerson *
hb_person_new_subject (const char *subject, const char *masked_name, HbIdentitySource source)
{
  HbPerson *self;
  g_return_val_if_fail (subject != NULL, NULL);
  self = g_object_new (HB_TYPE_PERSON, NULL);
  self->subject = g_strdup (subject);
  self->masked_name = g_strdup (masked_name);
  self->source = source;
  return self;
}

HbPerson *
hb_person_new_enterprise (const char *subject, const char *name, const char *uscc,
                          const char *legal_person, HbIdentitySource source)
{
  HbPerson *self;
  g_return_val_if_fail (subject != NULL || name != NULL, NULL);
  self = g_object_new (HB_TYPE_PERSON, NULL);
  self->principal = HB_PRINCIPAL_ENTERPRISE;
  self->subject = g_strdup (subject);
  self->org_name = g_strdup (name);
  self->uscc = g_strdup (uscc);
  self->legal_person = g_strdup (legal_person);
  self->source = source;
  return self;
}

HbIdentitySource
hb_person_get_source (HbPerson *self)
{
  return self->source;
}

HbPrincipal
hb_person_get_principal (HbPerson *self)
{
  return self->principal;
}

const char *
hb_person_get_subject (HbPerson *self)
{
  return self->subject;
}

gboolean
hb_person_has_card_data (HbPerson *self)
{
  return self->card != NULL;
}

HbIdCardType
hb_person_get_card_type (HbPerson *self)
{
  return self->card ? self->card->type : HB_IDCARD_TYPE_RESIDENT;
}

const char *hb_person_get_enterprise_name (HbPerson *self) { return self->org_name; }
const char *hb_person_get_enterprise_uscc (HbPerson *self) { return self->uscc; }
const char *hb_person_get_legal_person    (HbPerson *self) { return self->legal_person; }

#define FIELD(f) (self->card ? self->card->f : NULL)

const char *hb_person_get_name       (HbPerson *self) { return FIELD (name); }
const char *hb_person_get_id_number  (HbPerson *self) { return FIELD (id_number); }
const char *hb_person_get_address    (HbPerson *self) { return FIELD (address); }
const char *hb_person_get_birth_date (HbPerson *self) { return FIELD (birth_date); }

HbSex
hb_person_get_sex (HbPerson *self)
{
  return self->card ? self->card->sex : HB_SEX_UNKNOWN;
}

int
hb_person_get_age (HbPerson *self, GDateTime *date)
{
  const char *b = hb_person_get_birth_date (self);
  g_autoptr(GDateTime) now = NULL;
  int y, m, d, age;

  if (b == NULL || strlen (b) != 8 || sscanf (b, "%4d%2d%2d", &y, &m, &d) != 3)
    return -1;
  if (date == NULL)
    date = now = g_date_time_new_now_local ();
  age = g_date_time_get_year (date) - y;
  if (g_date_time_get_month (date) < m ||
      (g_date_time_get_month (date) == m && g_date_time_get_day_of_month (date) < d))
    age--;
  return age;
}

/* The first three and last four ASCII characters stay readable, the middle becomes '*';
 * too short to hide anything that way: all stars. */
static char *
mask_middle (const char *text, gsize min_length)
{
  gsize n;
  GString *s;

  if (text == NULL)
    return NULL;
  n = strlen (text);
  if (n < min_length)
    return g_strnfill (n, '*');
  s = g_string_new_len (text, 3);
  for (gsize i = 3; i < n - 4; i++)
    g_string_append_c (s, '*');
  g_string_append (s, text + n - 4);
  return g_string_free (s, FALSE);
}

char *
hb_mask_id_number (const char *id)
{
  /* Region prefix and the last four stay readable, as on government receipts. */
  return mask_middle (id, 8);
}

char *
hb_mask_name (const char *name)
{
  glong n;
  GString *s;
  const char *p;

  if (name == NULL)
    return NULL;
  n = g_utf8_strlen (name, -1);
  if (n <= 0)
    return g_strdup ("");
  s = g_string_new (NULL);
  p = g_utf8_next_char (name);
  g_string_append_len (s, name, p - name);
  if (n == 1)
    return g_string_free (s, FALSE);
  if (n == 2)
    {
      g_string_append_c (s, '*');
      return g_string_free (s, FALSE);
    }
  for (glong i = 1; i < n - 1; i++)
    g_string_append_c (s, '*');
  g_string_append (s, g_utf8_offset_to_pointer (name, n - 1));
  return g_string_free (s, FALSE);
}

char *
hb_mask_phone (const char *phone)
{
  return mask_middle (phone, 7);
}

char *
hb_mask_address (const char *address)
{
  glong n;
  if (address == NULL)
    return NULL;
  n = g_utf8_strlen (address, -1);
  if (n <= 6)
    return g_strdup ("****");
  g_autofree char *head = g_utf8_substring (address, 0, 6);
  return g_strconcat (head, "****", NULL);
}

char *
hb_person_dup_masked_name (HbPerson *self)
{
  if (self->principal == HB_PRINCIPAL_ENTERPRISE)
    return g_strdup (self->org_name);   /* a business name is public (营业执照) */
  if (self->card == NULL)
    return g_strdup (self->masked_name);
  return hb_mask_name (hb_person_get_name (self));
}

char *
hb_person_dup_masked_id (HbPerson *self)
{
  return hb_mask_id_number (hb_person_get_id_number (self));
}

char *
hb_person_dup_masked_address (HbPerson *self)
{
  return hb_mask_address (hb_person_get_address (self));
}

char *
hb_person_dup_prefill (HbPerson *self, const char *source)
{
  if (self->wiped || source == NULL)
    return NULL;
  if (g_str_equal (source, "enterprise.name"))
    return g_strdup (self->org_name);
  if (g_str_equal (source, "enterprise.uscc"))
    return g_strdup (self->uscc);
  if (g_str_equal (source, "enterprise.legal_person"))
    return g_strdup (self->legal_person);
  if (self->card == NULL)
    return NULL;
  if (g_str_equal (source, "person.name"))
    return g_strdup (self->card->name);
  if (g_str_equal (source, "person.id_number"))
    return g_strdup (self->card->id_number);
  if (g_str_equal (source, "person.address"))
    return g_strdup (self->card->address);
  if (g_str_equal (source, "person.birth_date"))
    return g_strdup (self->card->birth_date);
  if (g_str_equal (source, "person.nation"))
    return g_strdup (self->card->nation);
  if (g_str_equal (source, "person.sex"))
    {
      switch (self->card->sex)
        {
        case HB_SEX_MALE:   return g_strdup (hb_i18n_pick ("男", "male"));
        case HB_SEX_FEMALE: return g_strdup (hb_i18n_pick ("女", "female"));
        case HB_SEX_UNKNOWN: default: return g_strdup ("");
        }
    }
  return NULL;
}
