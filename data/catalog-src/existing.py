# existing.py — what the seven services of the first catalog (existing.json, kept verbatim:
# codes, names, field ids, types, prefill, options) gain in format v2. Nothing here renames,
# removes or changes an existing member: tools/gen-catalog.py refuses to overwrite one.
from common import laws, texts_of, PROC, r_phone, r_age_ge, rule, present

J = "310000-"


def guide(process, law_keys, material_ids, **more):
    g = {"material_ids": material_ids, "process": texts_of(process), "legal_basis": texts_of(laws(*law_keys))}
    g.update(more)
    return g


ENTERPRISE_LOGIN = rule("enterprise_login", "completeness", present("uscc"),
                        ("未识别到单位信息：请先扫描法人随申码或电子营业执照登录，单位信息会自动填写。",
                         "No company details yet: log in with the enterprise Suishenma or electronic business licence "
                         "and they are filled in."), field="uscc")

EXTEND = {
    J + "GA-JZZ-0003": {
        "type": "QR", "audience": "person", "life_events": ["residence"], "popularity": 1260000,
        "guide": guide(PROC["apply"][:2] + [("公安派出所审核签注信息", "The police station checks the endorsement"),
                                            ("签注完成，可打印回执或领取电子证照", "Endorsed; print a receipt or use the electronic licence")],
                       ["jzz", "sh_jzz"], [("id_card", "id_card"), ("residence_permit", "residence_permit")]),
        "prereview": [
            r_age_ge(16, why=("未满16周岁的，由监护人到社区事务受理服务中心办理。",
                              "Younger holders are endorsed at a community affairs centre with a guardian.")),
            rule("residence_address_min_length", "completeness",
                 {"field": "residence_address", "op": "min_length", "value": 6},
                 ("请把本市居住地址写完整：区、街道（镇）、路、门牌号。",
                  "Write your Shanghai address in full: district, street, road and door number."),
                 when=present("residence_address"), field="residence_address"),
            r_phone("phone"),
        ],
    },
    J + "RS-SBDY-0012": {
        "type": "GG", "audience": "person", "life_events": ["employment", "residence"], "popularity": 1580000,
        "guide": guide(PROC["print"], ["sbf_74", "sbf"], [("id_card", "id_card")]),
        "prereview": [
            r_age_ge(16, why=("本市参保人员须年满16周岁；未成年人的记录请到窗口查询。",
                              "Insured people are at least 16; ask at a counter for a minor's record.")),
        ],
    },
    J + "YB-JYJLC-0004": {
        "type": "GG", "audience": "person", "life_events": ["health"], "popularity": 420000,
        "guide": guide(PROC["apply"], ["sh_yb", "ybjj"], [("id_card", "id_card")]),
        "prereview": [
            rule("mail_address_min_length", "completeness",
                 {"field": "mail_address", "op": "min_length", "value": 6},
                 ("请把邮寄地址写完整：区、街道（镇）、路、门牌号，快递员才能送到。",
                  "Write the mailing address in full (district, street, road, door number) so the courier can find it."),
                 when=present("mail_address"), field="mail_address"),
            r_phone("phone"),
        ],
    },
    J + "YB-CX-0001": {
        "type": "GG", "audience": "person", "life_events": ["health"], "popularity": 880000,
        "guide": {"material_ids": [("id_card", "id_card")], "process": texts_of(PROC["print"][:2] + [
                      ("屏幕显示查询结果", "The result is shown on screen")]),
                  "legal_basis": texts_of(laws("sh_yb", "ybjj")),
                  "time_limit+": {"legal_workdays": 0, "promised_workdays": 0}},
    },
    J + "RS-JZZJF-0007": {
        "type": "GG", "audience": "person", "life_events": ["residence"], "popularity": 360000,
        "guide": {"material_ids": [("id_card", "id_card")], "process": texts_of(PROC["print"][:2] + [
                      ("屏幕显示积分分值和办理进度", "Your score and progress are shown")]),
                  "legal_basis": texts_of(laws("sh_jf")),
                  "time_limit+": {"legal_workdays": 0, "promised_workdays": 0}},
    },
    J + "RS-DWCB-0021": {
        "type": "GG", "life_events": ["hiring", "business_operation"], "popularity": 310000,
        "guide": guide(PROC["print"], ["sbf_57", "zjtl"], [("ent_code", None)]),
        "prereview": [ENTERPRISE_LOGIN, r_phone("phone")],
    },
    J + "SC-QYXX-0005": {
        "type": "GG", "life_events": ["business_operation", "business_change"], "popularity": 265000,
        "guide": guide(PROC["print"], ["zcdj", "nbgs"], [("ent_code", None)]),
        "prereview": [ENTERPRISE_LOGIN, r_phone("phone")],
    },
}
