/* bench-catalog-words.h — the words generated benchmark catalogs are made of (realistic
 * service names: subject × action × district, and summary phrases), shared by the benches
 * that need a large catalog (bench-search, bench-sync). */
#pragma once

static const char *const SUBJECTS[][2] = {
  { "居住证", "residence permit" }, { "社保卡", "social security card" },
  { "医保", "medical insurance" }, { "公积金", "housing fund" }, { "户籍", "household register" },
  { "出生", "birth" }, { "婚姻", "marriage" }, { "营业执照", "business licence" },
  { "税务", "tax" }, { "驾驶证", "driving licence" }, { "机动车", "motor vehicle" },
  { "退休", "retirement" }, { "残疾人证", "disability card" }, { "失业保险", "unemployment insurance" },
  { "就业登记", "employment registration" }, { "养老金", "pension" }, { "老年人", "senior citizen" },
  { "低保", "minimum living allowance" }, { "住房", "housing" }, { "不动产", "real estate" },
  { "护照", "passport" }, { "港澳通行证", "HK and Macau permit" }, { "身份证", "ID card" },
  { "学籍", "school record" }, { "职称", "professional title" }, { "人才引进", "talent scheme" },
  { "献血", "blood donation" }, { "疫苗接种", "vaccination" }, { "计划生育", "family planning" },
  { "独生子女", "only child" }, { "殡葬", "funeral" }, { "兵役", "military service" },
  { "企业年报", "annual company report" }, { "食品经营", "food business" }, { "药品", "medicine" },
  { "医师执业", "doctor practice" }, { "律师", "lawyer" }, { "公证", "notarisation" },
  { "法律援助", "legal aid" }, { "水电燃气", "utilities" },
};

static const char *const ACTIONS[][2] = {
  { "申领", "application" }, { "补办", "replacement" }, { "换领", "renewal" },
  { "查询", "inquiry" }, { "打印", "printout" }, { "变更", "change" }, { "注销", "cancellation" },
  { "签注", "endorsement" }, { "登记", "registration" }, { "证明", "certificate" },
  { "提取", "withdrawal" }, { "缴费", "payment" }, { "预约", "appointment" }, { "挂失", "report loss" },
  { "备案", "filing" }, { "年检", "annual check" }, { "认定", "recognition" }, { "转移", "transfer" },
};

static const char *const PLACES[] = {
  "", "（徐汇）", "（浦东）", "（黄浦）", "（静安）", "（长宁）", "（普陀）", "（虹口）", "（杨浦）",
  "（闵行）", "（宝山）", "（嘉定）", "（金山）", "（松江）", "（青浦）", "（奉贤）", "（崇明）",
};

static const char *const SUMMARY_PARTS[] = {
  "本人持有效身份证件到自助终端办理", "可委托他人代为办理", "材料齐全的当场办结",
  "办理结果可邮寄送达", "首次办理需现场采集照片", "每年办理一次", "需提供近期缴费记录",
  "港澳台居民及外籍人员另行办理", "适用于本市户籍居民", "非本市户籍需持居住证",
  "办理前请先在线预约", "不收取任何费用", "打印件加盖电子印章", "可在一网通办查询进度",
};
