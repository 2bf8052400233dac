/* hb-pinyin-private.h — the generated reading table (offline-cache/hb-pinyin-table.c). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HB_PINYIN_FIRST     0x4E00
#define HB_PINYIN_LAST      0x9FFF
#define HB_PINYIN_SYLLABLES 410
#define HB_PINYIN_ALTS      4039

typedef struct {
  guint32 cp;
  guint32 mask;      /* bit n: another reading starts with 'a' + n */
} HbPinyinAlt;

/* Toneless syllables, sorted. */
extern const char *const hb_pinyin_syllables[HB_PINYIN_SYLLABLES];
/* Per code point - HB_PINYIN_FIRST: 1 + index into hb_pinyin_syllables; 0 = unknown. */
extern const guint16 hb_pinyin_reading[HB_PINYIN_LAST - HB_PINYIN_FIRST + 1];
/* Sorted by cp. */
extern const HbPinyinAlt hb_pinyin_alt[HB_PINYIN_ALTS];

G_END_DECLS
