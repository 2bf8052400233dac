/* bench-catalog-gen.h — a generated catalog document of N services, shaped like
 * data/catalog.json but leaner (names, summaries, a guide and a form per service: ~835 B
 * each), for bench-sync and bench-ui-sync. bench-catalog-size uses services of realistic
 * size (~2 KB, from data/catalog.json). */
#pragma once

#include "tests/bench/bench-catalog-words.h"

#include <glib.h>

static const char *const BENCH_CATEGORIES[] = {
  "户籍与居住", "社会保障", "医疗卫生", "住房", "婚育收养", "就业创业", "交通出行", "企业开办",
  "税费缴纳", "教育", "民政", "司法公证",
};

static const char *const BENCH_CONDITIONS[] = {
  "本人持有效居民身份证", "在本市连续缴纳社会保险满六个月", "已办理上海市居住证且在有效期内",
  "无未结清的相关业务", "申请人年满十八周岁",
};

/* Codes of generated services start with this. */
#define BENCH_CODE_PREFIX "310000-B-"

/* One service object, compact. variant changes its summary (a delta's "changed"). */
static inline void
bench_append_service (GString *s, guint i, guint variant)
{
  guint ns = G_N_ELEMENTS (SUBJECTS), na = G_N_ELEMENTS (ACTIONS), np = G_N_ELEMENTS (PLACES);
  guint subject = i % ns, action = (i / ns) % na, place = (i / (ns * na)) % np;
  guint round = i / (ns * na * np);
  guint days = i % 7;

  g_string_append_printf (s,
    "{\"code\":\"" BENCH_CODE_PREFIX "%05u\",\"name\":\"%s%s%s%s\",\"name_en\":\"%s %s\","
    "\"category\":\"%s\",\"summary\":\"%s%s。\",",
    i, SUBJECTS[subject][0], ACTIONS[action][0], PLACES[place], round ? "（续）" : "",
    SUBJECTS[subject][1], ACTIONS[action][1],
    BENCH_CATEGORIES[i % G_N_ELEMENTS (BENCH_CATEGORIES)],
    SUMMARY_PARTS[i % G_N_ELEMENTS (SUMMARY_PARTS)], variant ? "（已更新）" : "");
  g_string_append_printf (s,
    "\"kiosk\":{\"available\":true,\"hardware_needed\":[\"idcard\",\"printer\"]},"
    "\"guide\":{\"conditions\":[{\"text\":\"%s\"}],"
    "\"materials\":[{\"name\":\"居民身份证\",\"form\":\"original\"}],"
    "\"time_limit\":{\"promised_workdays\":%u,\"text\":\"%s\"},"
    "\"fee\":{\"charged\":false}},",
    BENCH_CONDITIONS[i % G_N_ELEMENTS (BENCH_CONDITIONS)], days, days ? "限时办结" : "即时办结");
  g_string_append (s,
    "\"form\":{\"fields\":["
    "{\"id\":\"name\",\"label\":\"姓名\",\"type\":\"text\",\"prefill\":\"person.name\","
    "\"readonly\":true},"
    "{\"id\":\"phone\",\"label\":\"联系电话\",\"type\":\"phone\",\"required\":true},"
    "{\"id\":\"pickup\",\"label\":\"领取方式\",\"type\":\"choice\",\"required\":true,"
    "\"options\":[{\"value\":\"print\",\"label\":\"本机打印\"},"
    "{\"value\":\"mail\",\"label\":\"邮寄\"}]}]},");
  /* Business services, as in data/catalog.json: the kiosk filters the list by audience. */
  if (subject == 7 || subject == 32 || subject == 33)
    g_string_append (s, "\"audience\":\"enterprise\",");
  else if (subject == 8)
    g_string_append (s, "\"audience\":[\"person\",\"enterprise\"],");
  g_string_append_printf (s, "\"keywords\":[\"%s\",\"%s\"],\"popularity\":%u}",
                          SUBJECTS[subject][0], ACTIONS[action][0], (i * 7919u) % 5000u);
}

/* The whole catalog document: services 0 … n-1 under this version. (transfer full) */
static inline char *
bench_make_catalog (const char *version, guint n)
{
  GString *s = g_string_sized_new (n * 900);

  g_string_append_printf (s, "{\"version\":\"%s\",\"services\":[", version);
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (s, ',');
      bench_append_service (s, i, 0);
    }
  g_string_append (s, "]}");
  return g_string_free (s, FALSE);
}
