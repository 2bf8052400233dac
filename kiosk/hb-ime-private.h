/* hb-ime-private.h — the few functions of libgooglepinyin (Debian libgooglepinyin0) that
 * hb-ime.c uses. Its header pinyinime.h is C++ (a namespace, references), but these
 * functions have C linkage, so they are declared here with C types: the library's char16
 * is unsigned short, its bool is C's _Bool, and a C++ reference parameter is a pointer in
 * the ABI. The decoder behind them is ONE per process (a static in the library): only
 * hb-ime.c calls them, under its mutex. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef unsigned short hb_ime_char16;

bool           im_open_decoder      (const char *fn_sys_dict, const char *fn_usr_dict);
void           im_set_max_lens      (size_t max_sps_len, size_t max_hzs_len);
size_t         im_search            (const char *sps_buf, size_t sps_len);
void           im_reset_search      (void);
const char    *im_get_sps_str       (size_t *decoded_len);
hb_ime_char16 *im_get_candidate     (size_t cand_id, hb_ime_char16 *cand_str, size_t max_len);
/* C++: size_t im_get_spl_start_pos (const uint16 *&spl_start) */
size_t         im_get_spl_start_pos (const unsigned short **spl_start);
size_t         im_choose            (size_t cand_id);
size_t         im_get_fixed_len     (void);
