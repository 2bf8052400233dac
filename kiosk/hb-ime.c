/* hb-ime.c — pinyin input over libgooglepinyin's process-wide decoder. */
#include "kiosk/hb-ime.h"
#include "kiosk/hb-ime-private.h"

#include <string.h>

/* A path whose parent is not a directory: the library's attempt to create its user
 * dictionary there always fails (ENOTDIR, even as root), so it runs without one and never
 * writes what a resident typed or chose to disk. */
#define NO_USER_DICT "/dev/null/haoban-no-user-dictionary"

struct _HbIme
{
  GObject    parent_instance;
  GString   *pinyin;       /* pending letters */
  GPtrArray *candidates;   /* char* (UTF-8), wiped when freed */
  GArray    *ids;          /* size_t: the library's candidate id of each */
};

G_DEFINE_FINAL_TYPE (HbIme, hb_ime, G_TYPE_OBJECT)

G_DEFINE_QUARK (hb-ime-error-quark, hb_ime_error)

/* The library's decoder is one static object: everything below touches it under this
 * lock. owner is the HbIme whose search the decoder holds now. It is opened once and kept
 * for the life of the process: opening it again runs a path of the library that frees
 * with a mismatched delete (AddressSanitizer: alloc-dealloc-mismatch in
 * SpellingTrie::build_ym_info), and keeping it costs 1 MB. */
static GMutex   decoder_lock;
static char    *decoder_dict;   /* the dictionary it was opened with; NULL: not open */
static HbIme   *decoder_owner;

static void
wipe_string (gpointer data)
{
  char *s = data;
  explicit_bzero (s, strlen (s));
  g_free (s);
}

static void
clear_candidates (HbIme *self)
{
  g_ptr_array_set_size (self->candidates, 0);
  g_array_set_size (self->ids, 0);
}

/* Search the pending pinyin afresh and collect the candidates. Caller holds the lock. */
static void
search_locked (HbIme *self)
{
  hb_ime_char16 buf[HB_IME_MAX_CANDIDATE_CHARS + 1];
  size_t n = 0;

  clear_candidates (self);
  im_reset_search ();
  decoder_owner = self;
  if (self->pinyin->len == 0)
    return;
  n = im_search (self->pinyin->str, self->pinyin->len);
  for (size_t id = 0; id < n && self->candidates->len < HB_IME_MAX_CANDIDATES; id++)
    {
      char *text;
      memset (buf, 0, sizeof buf);
      /* NULL when the candidate does not fit in buf: such long phrases are skipped. */
      if (im_get_candidate (id, buf, G_N_ELEMENTS (buf)) == NULL || buf[0] == 0)
        continue;
      buf[HB_IME_MAX_CANDIDATE_CHARS] = 0;
      text = g_utf16_to_utf8 (buf, -1, NULL, NULL, NULL);
      if (text != NULL)
        {
          g_ptr_array_add (self->candidates, text);
          g_array_append_val (self->ids, id);
        }
    }
  explicit_bzero (buf, sizeof buf);
}

/* Another HbIme may have searched since: make the decoder hold ours again. */
static void
own_decoder_locked (HbIme *self)
{
  if (decoder_owner != self)
    search_locked (self);
}

static void
wipe_pinyin (HbIme *self)
{
  explicit_bzero (self->pinyin->str, self->pinyin->len);
  g_string_truncate (self->pinyin, 0);
}

static void
hb_ime_finalize (GObject *object)
{
  HbIme *self = HB_IME (object);

  g_mutex_lock (&decoder_lock);
  if (decoder_owner == self)
    {
      im_reset_search ();
      decoder_owner = NULL;
    }
  g_mutex_unlock (&decoder_lock);

  wipe_pinyin (self);
  g_string_free (self->pinyin, TRUE);
  g_ptr_array_unref (self->candidates);
  g_array_unref (self->ids);
  G_OBJECT_CLASS (hb_ime_parent_class)->finalize (object);
}

static void
hb_ime_class_init (HbImeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hb_ime_finalize;
}

static void
hb_ime_init (HbIme *self)
{
  self->pinyin = g_string_sized_new (HB_IME_MAX_PINYIN + 1);
  self->candidates = g_ptr_array_new_with_free_func (wipe_string);
  self->ids = g_array_new (FALSE, FALSE, sizeof (size_t));
}

HbIme *
hb_ime_new (const char *dict, GError **error)
{
  g_autoptr(HbIme) self = NULL;

  if (dict == NULL)
    dict = HB_IME_DEFAULT_DICT;
  g_mutex_lock (&decoder_lock);
  if (!g_file_test (dict, G_FILE_TEST_IS_REGULAR)
      || (decoder_dict == NULL && !im_open_decoder (dict, NO_USER_DICT)))
    {
      g_mutex_unlock (&decoder_lock);
      g_set_error (error, HB_IME_ERROR, HB_IME_ERROR_DICTIONARY,
                   "cannot load the pinyin dictionary %s", dict);
      return NULL;
    }
  if (decoder_dict == NULL)
    {
      im_set_max_lens (HB_IME_MAX_PINYIN, HB_IME_MAX_CANDIDATE_CHARS);
      decoder_dict = g_strdup (dict);
      decoder_owner = NULL;
    }
  else if (!g_str_equal (decoder_dict, dict))
    {
      g_mutex_unlock (&decoder_lock);
      g_set_error (error, HB_IME_ERROR, HB_IME_ERROR_DICTIONARY,
                   "the pinyin decoder is open with another dictionary (%s)", decoder_dict);
      return NULL;
    }
  g_mutex_unlock (&decoder_lock);
  self = g_object_new (HB_TYPE_IME, NULL);
  return g_steal_pointer (&self);
}

gboolean
hb_ime_add_letter (HbIme *self, char letter)
{
  g_return_val_if_fail (HB_IS_IME (self), FALSE);

  letter = g_ascii_tolower (letter);
  if (!((letter >= 'a' && letter <= 'z') || letter == '\''))
    return FALSE;
  if (self->pinyin->len >= HB_IME_MAX_PINYIN)
    return FALSE;
  /* A separator needs a syllable before it and is not doubled. */
  if (letter == '\'' && (self->pinyin->len == 0
                         || self->pinyin->str[self->pinyin->len - 1] == '\''))
    return FALSE;
  g_string_append_c (self->pinyin, letter);
  g_mutex_lock (&decoder_lock);
  search_locked (self);
  g_mutex_unlock (&decoder_lock);
  return TRUE;
}

const char *
hb_ime_get_pinyin (HbIme *self)
{
  g_return_val_if_fail (HB_IS_IME (self), "");
  return self->pinyin->str;
}

guint
hb_ime_get_n_candidates (HbIme *self)
{
  g_return_val_if_fail (HB_IS_IME (self), 0);
  return self->candidates->len;
}

const char *
hb_ime_get_candidate (HbIme *self, guint index)
{
  g_return_val_if_fail (HB_IS_IME (self), NULL);
  return index < self->candidates->len ? self->candidates->pdata[index] : NULL;
}

char *
hb_ime_choose (HbIme *self, guint index)
{
  const unsigned short *starts = NULL;
  size_t decoded = 0, fixed, n_spl, used;
  char *text;

  g_return_val_if_fail (HB_IS_IME (self), NULL);
  if (index >= self->candidates->len)
    return NULL;
  text = g_strdup (self->candidates->pdata[index]);

  g_mutex_lock (&decoder_lock);
  own_decoder_locked (self);
  im_choose (g_array_index (self->ids, size_t, index));
  fixed = im_get_fixed_len ();
  n_spl = im_get_spl_start_pos (&starts);
  im_get_sps_str (&decoded);
  /* The letters the chosen words covered: up to the start of the first syllable not
   * fixed, or all that the library could decode when every syllable is fixed. */
  used = (starts != NULL && fixed < n_spl) ? starts[fixed] : decoded;
  used = CLAMP (used, 1, self->pinyin->len);
  explicit_bzero (self->pinyin->str, used);
  g_string_erase (self->pinyin, 0, (gssize) used);
  while (self->pinyin->len > 0 && self->pinyin->str[0] == '\'')
    g_string_erase (self->pinyin, 0, 1);
  search_locked (self);
  g_mutex_unlock (&decoder_lock);
  return text;
}

gboolean
hb_ime_backspace (HbIme *self)
{
  g_return_val_if_fail (HB_IS_IME (self), FALSE);
  if (self->pinyin->len == 0)
    return FALSE;
  self->pinyin->str[self->pinyin->len - 1] = 0;
  g_string_truncate (self->pinyin, self->pinyin->len - 1);
  g_mutex_lock (&decoder_lock);
  search_locked (self);
  g_mutex_unlock (&decoder_lock);
  return TRUE;
}

void
hb_ime_reset (HbIme *self)
{
  g_return_if_fail (HB_IS_IME (self));
  wipe_pinyin (self);
  g_mutex_lock (&decoder_lock);
  search_locked (self);
  g_mutex_unlock (&decoder_lock);
}
