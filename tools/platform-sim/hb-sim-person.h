/* hb-sim-person.h — what the sim makes up about a resident, deterministically from the ID
 * number (docs/platform-sim.md "Resident services"): age and sex from the number, sample
 * cards' names and addresses from DATA/sample-cards.json, and the rest from a hash. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* ID numbers in request bodies: 6 to 32 of [0-9A-Za-z] (resident numbers are 18; old
 * foreign permanent residence numbers 15). */
#define HB_SIM_ID_MIN 6
#define HB_SIM_ID_MAX 32

typedef struct {
  guint    seed;          /* g_str_hash of the number: the same one /v1/proofs uses */
  gint     age;           /* whole years today; -1: the number carries no birth date */
  gboolean male;          /* from the sequence digit of an 18-digit number */
  gboolean mainland;      /* an 18-digit number of a mainland region (not 8x, 9x) */
  gboolean shanghai;      /* a mainland number of a Shanghai region (31…): Shanghai hukou */
  gboolean sample;        /* one of the sample cards */
  char    *name;          /* the sample card's, else NULL */
  char    *address;       /* the sample card's, else NULL */
} HbSimPerson;

/* Whether s is an acceptable ID number (see above). */
gboolean hb_sim_person_id_valid (const char *s);
/* Facts about id_number (which must be valid). */
void     hb_sim_person_init  (HbSimPerson *p, const char *id_number);
void     hb_sim_person_clear (HbSimPerson *p);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HbSimPerson, hb_sim_person_clear)

/* A second, independent hash of the number with a salt, for unrelated choices. */
guint    hb_sim_person_pick (const char *id_number, const char *salt);

/* "••••1237"-style masking: keep the first keep_head and last keep_tail characters. */
char    *hb_sim_mask_middle (const char *s, guint keep_head, guint keep_tail);

G_END_DECLS
