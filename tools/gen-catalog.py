#!/usr/bin/env python3
"""gen-catalog.py — writes data/catalog.json (the 双100 catalog, docs/service-format.md v2)
from the compact tables in data/catalog-src/.

  tools/gen-catalog.py            # writes data/catalog.json
  tools/gen-catalog.py --check    # exits 1 when data/catalog.json is not what it would write
  tools/gen-catalog.py --stats    # prints the counts and shares

Sources (standard library only, deterministic: the same tables give the same bytes):
  data/catalog-src/existing.json  the seven services of the first catalog, kept verbatim
                                  (codes, names, field ids, types, prefill, options) and
                                  extended by EXTEND in data/catalog-src/existing.py;
  data/catalog-src/common.py      departments, laws, materials, form fields, rule helpers;
  data/catalog-src/person.py      personal services (PERSON);
  data/catalog-src/business.py    business services (BUSINESS);
  data/catalog-src/bundles.py     一件事 bundles (BUNDLES).

A service spec is a dict of short keys (see spec_to_service); the generator expands texts
given as (zh, en) pairs into "x"/"x_en", materials and fields from the libraries, required_if
shorthands ("who=agent", "reason=lost|damaged"), and adds the standard rules (phone, postcode
and email formats; the agent's principal completeness) so every service carries them alike.
"""
import importlib.util
import json
import os
import sys

sys.dont_write_bytecode = True   # no __pycache__ in data/catalog-src

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "data", "catalog-src")
OUT = os.path.join(ROOT, "data", "catalog.json")
VERSION = "2026.11.27-2"
CODE_PREFIX = "310000-"


def load(name):
    spec = importlib.util.spec_from_file_location("catalog_src_" + name, os.path.join(SRC, name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


sys.path.insert(0, SRC)
common = load("common")


class SpecError(Exception):
    pass


def pair(obj, key, value):
    if value is None:
        return
    if not (isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) and v for v in value)):
        raise SpecError("%s: expected a (zh, en) pair, got %r" % (key, value))
    obj[key], obj[key + "_en"] = value


def texts(items):
    out = []
    for zh, en in items:
        out.append({"text": zh, "text_en": en})
    return out


def parse_when(short):
    """'who=agent' or 'reason=lost|damaged' -> a situation condition; dicts pass through."""
    if isinstance(short, dict):
        return short
    sid, vals = short.split("=", 1)
    return {"situation": sid, "in": vals.split("|")}


def material(entry):
    mid, cond, count = entry, None, 1
    if isinstance(entry, tuple):
        mid, cond = entry[0], entry[1]
        if len(entry) > 2:
            count = entry[2]
    if mid not in common.MATERIALS:
        raise SpecError("unknown material %r" % mid)
    name, name_en, form, licence, note = common.MATERIALS[mid]
    m = {"id": mid, "name": name, "name_en": name_en, "form": form, "count": count}
    if note:
        m["note"], m["note_en"] = note
    if licence:
        m["licence"] = licence
    if cond:
        m["required_if"] = parse_when(cond)
    return m


def field(entry):
    if isinstance(entry, tuple):
        fid, over = entry
    else:
        fid, over = entry, {}
    if fid not in common.FIELDS and "label" not in over:
        raise SpecError("unknown field %r" % fid)
    spec = dict(common.FIELDS.get(fid, {}))
    spec.update(over)
    f = {"id": fid}
    pair(f, "label", spec["label"])
    pair(f, "hint", spec.get("hint"))
    f["type"] = spec["type"]
    for k in ("prefill", "default", "readonly", "required", "sensitive", "max_length", "options", "ask_if"):
        if spec.get(k) is not None and spec.get(k) is not False:
            f[k] = spec[k]
    if spec.get("options") is not None and not isinstance(spec["options"], list):
        raise SpecError("field %s: options must be a list" % fid)
    if spec.get("ask_if") is not None:
        f["ask_if"] = parse_when(spec["ask_if"])
    return f


def standard_rules(fields, sit_ids):
    rules = []
    for f in fields:
        if f["type"] == "phone":
            rules.append(common.r_phone(f["id"]))
        elif f["type"] == "postcode":
            rules.append(common.r_postcode(f["id"]))
        elif f["id"] == "email":
            rules.append(common.r_email(f["id"]))
        elif f["id"] == "vehicle_plate":
            rules.append(common.r_plate(f["id"]))
    ids = {f["id"] for f in fields}
    for fid, what in (("address", ("居住地址", "Your address")), ("mail_address", ("邮寄地址", "The mailing address")),
                      ("org_address", ("住所", "The registered address")),
                      ("premises_address", ("经营场所地址", "The premises address")),
                      ("property_address", ("房屋坐落", "The property address")),
                      ("project_address", ("项目地址", "The project site"))):
        if fid in ids:
            rules.append(common.rule(fid + "_min_length", "completeness",
                                     {"field": fid, "op": "min_length", "value": 6},
                                     ("%s请写完整：区、街道（镇）、路、门牌号。" % what[0],
                                      "%s must be complete: district, street, road and number." % what[1]),
                                     when=common.present(fid), field=fid))
    byid = {f["id"]: f for f in fields}
    if byid.get("uscc", {}).get("prefill") == "enterprise.uscc":
        rules.append(common.rule("enterprise_login", "completeness", common.present("uscc"),
                                 ("未识别到单位信息：请先扫描法人随申码或电子营业执照登录，单位信息会自动填写。",
                                  "No company details yet: log in with the enterprise Suishenma or electronic business licence "
                                  "and they are filled in."), field="uscc"))
    if "bank_account" in ids:
        rules.append(common.rule("bank_account_format", "format",
                                 {"field": "bank_account", "op": "matches", "value": "[0-9*]{8,32}"},
                                 ("银行账号应为8至32位数字，不要空格或横线。", "A bank account number has 8 to 32 digits, without spaces or dashes."),
                                 when=common.present("bank_account"), field="bank_account"))
    for fid, what in (("from_region", ("原参保地或原缴存城市", "The previous city")), ("hospital", ("医院名称", "The hospital name"))):
        if fid in ids:
            rules.append(common.r_min_len(fid, 2 if fid == "from_region" else 4, what))
    if "property_cert_no" in ids:
        rules.append(common.rule("property_cert_no_format", "format",
                                 {"field": "property_cert_no", "op": "matches",
                                  "value": "沪（[0-9]{4}）.{1,4}字不动产权第[0-9]{6,7}号"},
                                 ("不动产权证号请照证书抄写，格式如：沪（2024）徐字不动产权第012345号。",
                                  "Copy the number from the certificate, e.g. 沪（2024）徐字不动产权第012345号."),
                                 when=common.present("property_cert_no"), field="property_cert_no"))
    if "licence_no" in ids:
        rules.append(common.rule("licence_no_min_length", "completeness",
                                 {"field": "licence_no", "op": "min_length", "value": 6},
                                 ("请照原许可证完整填写编号（至少6位）。", "Copy the full licence number (at least 6 characters)."),
                                 when=common.present("licence_no"), field="licence_no"))
    if "loss_date" in ids:
        rules.append(common.r_needed("reason", ["lost"], "loss_date", ("遗失日期", "the date it was lost")))
        rules.append(common.r_past("loss_date", ("遗失日期", "The date it was lost")))
    if "who" in sit_ids and "principal_id_number" in ids:
        rules.append(common.r_needed("who", ["agent"], "principal_id_number",
                                     ("被代办人的公民身份号码", "the ID number of the person you act for")))
    if "start_date" in ids and "end_date" in ids:
        rules.append(common.r_after("end_date", "start_date",
                                    ("结束日期不能早于开始日期，请检查两个日期。",
                                     "The end date cannot be before the start date. Check both dates.")))
    if "contract_end" in ids and "hire_date" in ids:
        rules.append(common.r_after("contract_end", "hire_date",
                                    ("劳动合同终止日期不能早于录用日期。",
                                     "The contract cannot end before the hiring date.")))
    return rules


AUDIENCE = {"person": "person", "enterprise": "enterprise", "both": ["person", "enterprise"]}


def spec_to_service(s, kind="service"):
    o = {}
    code = CODE_PREFIX + s["code"]
    o["code"] = code
    pair(o, "name", s["name"])
    if kind == "bundle":
        o["kind"] = "bundle"
    o["type"] = s["type"]
    o["audience"] = AUDIENCE[s.get("aud", "person")]
    pair(o, "category", s["cat"])
    dept = common.DEPTS[s["dept"]]
    o["department"], o["department_en"] = dept[0], dept[1]
    o["life_events"] = list(s["le"])
    o["popularity"] = s["pop"]
    o["keywords"] = list(s.get("kw", []))
    pair(o, "summary", s["summary"])
    avail = s.get("avail", True)
    o["kiosk"] = {"available": avail}
    if avail:
        o["kiosk"]["hardware_needed"] = list(s.get("hw", ["idcard", "printer"]))

    situations = []
    agent = s.get("agent", False)
    co_agent = s.get("co_agent", False)
    if agent:
        situations.append(common.SIT_WHO)
    if co_agent:
        situations.append(common.SIT_AGENT_CO)
    situations += list(s.get("sits", []))

    mats = list(s.get("mats", ["id_card"]))
    if agent:
        mats += [("agent_id", "who=agent"), ("proxy_letter", "who=agent")]
    # The legal representative's own ID card is read here only when they apply themselves;
    # an agent brings a copy of it, the authorisation and their own ID card.
    if co_agent:
        out = []
        for m in mats:
            if m == "legal_rep_id":
                out += [("legal_rep_id", "applicant=legal_rep"), ("legal_rep_id_copy", "applicant=agent")]
            else:
                out.append(m)
        mats = out + [("agent_id_card", "applicant=agent"), ("agent_authz", "applicant=agent")]
    else:
        mats = ["legal_rep_id_copy" if m == "legal_rep_id" else m for m in mats]

    proc = s.get("proc", "apply")
    proc = common.PROC[proc] if isinstance(proc, str) else proc
    t = s.get("time", "instant")
    tl = common.time_limit(0, 0, True) if t == "instant" else common.time_limit(*t)
    guide = {
        "conditions": texts(s["cond"]),
        "materials": [material(m) for m in mats],
        "process": texts(proc),
        "time_limit": tl,
        "fee": s.get("fee") or dict(common.FREE),
        "legal_basis": texts(common.laws(*s["law"])),
        "consult_phone": s.get("phone", dept[2]),
        "visits_required": s.get("visits", 0),
    }
    if s.get("note"):
        pair(guide, "channel_note", s["note"])
    o["guide"] = guide
    if situations:
        o["situations"] = situations

    if avail:
        fields = list(s.get("fields", []))
        if agent:
            fields += ["principal_name", "principal_id_number"]
        # A replacement for a lost document asks when it was lost (the statement of loss).
        if any(x["id"] == "reason" and any(o["value"] == "lost" for o in x["options"]) for x in situations):
            fields.append("loss_date")
        fobjs = [field(f) for f in fields]
        o["form"] = {"fields": fobjs}
        rules = standard_rules(fobjs, {x["id"] for x in situations}) + list(s.get("rules", []))
        if rules:
            o["prereview"] = rules
        o["receipt"] = {"title": s["name"][0] + "办件回执", "title_en": s["name"][1] + " — receipt"}
    if kind == "bundle":
        o["bundle"] = {"members": [CODE_PREFIX + m for m in s["members"]], "shared": list(s["shared"])}
    return o


def extend_existing(svc, ext):
    """Adds v2 members to one of the seven first services without touching what exists."""
    for k, v in ext.items():
        if k == "guide":
            for gk, gv in v.items():
                if gk == "material_ids":
                    for m, (mid, licence) in zip(svc["guide"]["materials"], gv):
                        # "id" first is only cosmetic; keep the existing members' order after it.
                        items = list(m.items())
                        m.clear()
                        m["id"] = mid
                        m.update(items)
                        if licence:
                            m["licence"] = licence
                elif gk.endswith("+"):
                    # Merge: only members the existing object lacks.
                    target = svc["guide"][gk[:-1]]
                    for mk, mv in gv.items():
                        if mk in target:
                            raise SpecError("%s: guide.%s.%s exists already" % (svc["code"], gk[:-1], mk))
                        target[mk] = mv
                elif gk in svc["guide"]:
                    raise SpecError("%s: guide.%s exists already" % (svc["code"], gk))
                else:
                    svc["guide"][gk] = gv
        elif k in svc:
            raise SpecError("%s: %s exists already" % (svc["code"], k))
        else:
            svc[k] = v
    return svc


def build():
    with open(os.path.join(SRC, "existing.json"), encoding="utf-8") as f:
        existing = json.load(f)["services"]
    ext = load("existing").EXTEND
    person = load("person").PERSON
    business = load("business").BUSINESS
    bundles = load("bundles").BUNDLES

    services = []
    for svc in existing:
        services.append(extend_existing(svc, ext[svc["code"]]))
    for s in person + business:
        services.append(spec_to_service(s))
    for b in bundles:
        services.append(spec_to_service(b, kind="bundle"))

    codes = [s["code"] for s in services]
    dup = sorted({c for c in codes if codes.count(c) > 1})
    if dup:
        raise SpecError("duplicate codes: %s" % ", ".join(dup))
    # The catalog order is the terminal's browsing order: the seven first services where
    # they were (tests and the terminals' deltas know them by position), then the rest,
    # most applied first.
    first, rest = services[:len(existing)], services[len(existing):]
    rest.sort(key=lambda s: (-s.get("popularity", 0), s["code"]))
    return {"version": VERSION, "services": first + rest}


def render(doc):
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def stats(doc):
    svcs = doc["services"]
    plain = [s for s in svcs if s.get("kind", "service") == "service"]

    def aud(s):
        a = s.get("audience", "person")
        return a if isinstance(a, list) else [a]
    fields = [f for s in svcs for f in s.get("form", {}).get("fields", [])]
    pre = [f for f in fields if f.get("prefill")]
    return {
        "person": sum("person" in aud(s) for s in plain),
        "legal": sum("enterprise" in aud(s) for s in plain),
        "bundles": len(svcs) - len(plain),
        "services": len(svcs),
        "form_fields": len(fields),
        "prefilled_fields": len(pre),
        "prefilled_share": round(len(pre) / len(fields), 4),
        "prereviewed_share": round(sum(1 for s in svcs if s.get("prereview")) / len(svcs), 4),
        "with_situations": sum(1 for s in svcs if s.get("situations")),
        "with_licence_materials": sum(1 for s in svcs
                                      if any(m.get("licence") for m in s.get("guide", {}).get("materials", []))),
        "with_form": sum(1 for s in svcs if s.get("form")),
    }


def main(argv):
    doc = build()
    text = render(doc)
    if "--stats" in argv:
        print(json.dumps(stats(doc), ensure_ascii=False))
        return 0
    if "--check" in argv:
        with open(OUT, encoding="utf-8") as f:
            same = f.read() == text
        print("data/catalog.json is %s" % ("up to date" if same else "STALE: run tools/gen-catalog.py"))
        return 0 if same else 1
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote %s: %s" % (os.path.relpath(OUT, ROOT), json.dumps(stats(doc), ensure_ascii=False)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
