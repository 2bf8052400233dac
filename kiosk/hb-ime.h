/* hb-ime.h — Chinese pinyin input for the on-screen keyboard, through libgooglepinyin.
 *
 * Letters typed go into a pending pinyin string; the candidates are the Chinese words it
 * can mean (UTF-8, at most HB_IME_MAX_CANDIDATES, each at most HB_IME_MAX_CANDIDATE_CHARS
 * characters). Choosing a candidate returns its text for the caller to insert and keeps
 * the pinyin it did not cover for the next word ("zhejiangsheng", choose 浙江 → "sheng").
 *
 * The library has one decoder per process. HbIme objects share it: every call takes a
 * process-wide mutex, and an object whose search was displaced by another object's redoes
 * its own before answering. The decoder is opened with the first HbIme and kept open for
 * the life of the process (see hb-ime.c for why).
 *
 * Nothing typed persists: the library's user dictionary (which learns chosen words and is
 * written to disk) is given a path that can never be created, so the library runs without
 * one. Pending pinyin and candidates are wiped from memory on reset and on finalize. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HB_IME_MAX_PINYIN          24   /* letters pending at once; more are refused */
#define HB_IME_MAX_CANDIDATES      64
#define HB_IME_MAX_CANDIDATE_CHARS 16

/* The dictionary that Debian's libgooglepinyin0 installs. */
#define HB_IME_DEFAULT_DICT "/usr/lib/x86_64-linux-gnu/googlepinyin/data/dict_pinyin.dat"

#define HB_IME_ERROR (hb_ime_error_quark ())
GQuark hb_ime_error_quark (void);
typedef enum {
  HB_IME_ERROR_DICTIONARY,   /* the dictionary could not be loaded, or another is in use */
} HbImeError;

#define HB_TYPE_IME (hb_ime_get_type ())
G_DECLARE_FINAL_TYPE (HbIme, hb_ime, HB, IME, GObject)

/* dict: the system dictionary, NULL for HB_IME_DEFAULT_DICT. The process has one
 * decoder, so every HbIme must name the same dictionary. */
HbIme      *hb_ime_new              (const char *dict, GError **error);

/* Add a letter a–z (upper case is folded) or the syllable separator '\''. FALSE, and
 * nothing changes, for anything else or when HB_IME_MAX_PINYIN letters are pending. */
gboolean    hb_ime_add_letter       (HbIme *self, char letter);
/* The pending pinyin ("" when none). */
const char *hb_ime_get_pinyin       (HbIme *self);
guint       hb_ime_get_n_candidates (HbIme *self);
/* Candidate index (0 is the library's whole-phrase guess), or NULL past the end. */
const char *hb_ime_get_candidate    (HbIme *self, guint index);
/* Choose a candidate: returns its text (free it), and the pinyin it covered is removed;
 * the rest stays pending with new candidates. NULL for a bad index. */
char       *hb_ime_choose           (HbIme *self, guint index);
/* Remove the last pending letter. FALSE when none was pending (the caller then edits its
 * text instead). */
gboolean    hb_ime_backspace        (HbIme *self);
/* Drop the pending pinyin and candidates. */
void        hb_ime_reset            (HbIme *self);

G_END_DECLS
