#!/usr/bin/env python3
"""test-catalog-lint.py — data/catalog.json against docs/service-format.md (format v2).

Prints TAP: one test per rule family; each failing test lists its first problems as
"# " lines. Usage:
  tests/data/test-catalog-lint.py [CATALOG.json]    (default: $HB_SRCDIR/data/catalog.json)

Checked: every required member present and well-typed; every text has a non-empty _en
sibling; ids unique and well-formed; conditions name known situations, option values, fields
and ops; materials' licence types and life-event ids from the documented lists; bundles'
members exist and are services, shared fields exist; the terminal's sync limits
(offline-cache/hb-catalog-private.h) and the kiosk's (kiosk/hb-service.h) hold; the issue-7
targets: >= 100 person and >= 100 enterprise services, prefilled_share >= 0.70,
prereviewed_share >= 0.90 (both printed), >= 60 services with situations, >= 50 with
licence-replaced materials, >= 170 with a form; data/catalog.json is what
tools/gen-catalog.py writes.
"""
import json
import os
import re
import subprocess
import sys

SRC = os.environ.get("HB_SRCDIR") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT = os.path.join(SRC, "data", "catalog.json")

# --- docs/service-format.md ---------------------------------------------------------------
TYPES = {"XK", "QR", "CJ", "GF", "JL", "BA", "QT", "GG"}
AUDIENCES = {"person", "enterprise"}
LIFE_EVENTS = {"birth", "schooling", "employment", "marriage", "housing", "health", "retirement", "elderly",
               "disability", "death", "residence", "travel", "social_aid", "business_start", "business_change",
               "business_operation", "hiring", "tax", "business_close"}
HARDWARE = {"idcard", "printer", "scanner", "camera"}
LICENCES = {"id_card", "hukou_book", "residence_permit", "marriage_cert", "birth_cert", "medical_birth_cert",
            "degree_cert", "property_cert", "business_licence", "social_security_card", "driving_licence",
            "disability_cert", "retirement_cert"}
MATERIAL_FORMS = {"original", "copy", "electronic"}
FIELD_TYPES = {"text", "id_number", "phone", "choice", "date", "number", "uscc", "postcode"}
PREFILL = {"person.name", "person.id_number", "person.sex", "person.nation", "person.birth_date", "person.address",
           "profile.phone", "profile.address", "profile.email", "profile.employer", "profile.education",
           "profile.marital_status", "profile.bank_account",
           "enterprise.name", "enterprise.uscc", "enterprise.legal_rep", "enterprise.address", "enterprise.type",
           "enterprise.registered_capital",
           # The first catalog's 企业登记信息查询打印 uses this spelling and the kiosk accepts it
           # (kiosk/hb-service.c prefill_sources); kept so that service stays as it was.
           "enterprise.legal_person"}
# A pre-fill source's value fits only some field types.
PREFILL_TYPES = {"person.id_number": {"id_number"}, "person.birth_date": {"date"}, "profile.phone": {"phone"},
                 "enterprise.uscc": {"uscc", "text"}, "enterprise.registered_capital": {"number"}}
RULE_KINDS = {"eligibility", "consistency", "format", "completeness"}
FIELD_OPS = {"eq", "ne", "in", "present", "matches", "min_length", "max_length", "ge", "le", "ge_field", "le_field",
             "before_today", "after_today"}
ID_RE = re.compile(r"^[a-z0-9_]{1,32}$")
CODE_RE = re.compile(r"^310000-[A-Z]{2,4}-[A-Z]{1,6}-[0-9]{4}$")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
PHONE_RE = re.compile(r"^(0[0-9]{2,3}-)?[0-9]{5,8}$")
TEXT_MAX = 2048
ARRAY_MAX = 50
NESTING_MAX = 8
# offline-cache/hb-catalog-private.h and kiosk/hb-service.h
SYNC = {"code": 64, "name": 256, "name_en": 512, "category": 128, "summary": 4096, "keywords": 32, "keyword": 64,
        "service_json": 256 * 1024, "popularity": 10 ** 12, "services": 10000, "version": 64}
KIOSK_MAX_FIELDS = 50
KIOSK_MAX_OPTIONS = 50
KIOSK_MAX_LENGTH = 1000
KIOSK_MAX_VISITS = 10
# Text members that must come with a non-empty "_en" sibling wherever they appear.
TEXT_KEYS = {"name", "category", "department", "summary", "text", "label", "question", "hint", "message", "note",
             "title", "channel_note", "basis"}
# Objects under these members hold no texts (conditions: "value" may be Chinese, e.g. 男).
NO_TEXT_UNDER = {"required_if", "ask_if", "when", "require"}


class Lint:
    def __init__(self):
        self.problems = {}

    def fail(self, family, where, msg):
        self.problems.setdefault(family, []).append("%s: %s" % (where, msg))


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def utf8_len(s):
    return len(s.encode("utf-8"))


def walk_texts(lint, node, where, parent_key=None):
    """Every text member has a non-empty _en sibling; every string is at most TEXT_MAX bytes,
    every array at most ARRAY_MAX elements (the services array aside)."""
    if isinstance(node, dict):
        for k, v in node.items():
            w = "%s.%s" % (where, k)
            if k in NO_TEXT_UNDER:
                walk_limits(lint, v, w)
                continue
            if isinstance(v, str):
                if utf8_len(v) > TEXT_MAX:
                    lint.fail("limits", w, "longer than %d bytes" % TEXT_MAX)
                if k in TEXT_KEYS:
                    en = node.get(k + "_en")
                    if not v.strip():
                        lint.fail("english", w, "empty text")
                    if not isinstance(en, str) or not en.strip():
                        lint.fail("english", w, "no non-empty %s_en" % k)
                    elif re.search(r"[\u3400-\u9fff]", en) and k not in ("hint", "note", "title"):
                        # English texts may quote a Chinese example (hints), never be Chinese.
                        if not re.search(r"[A-Za-z]{2,}", en):
                            lint.fail("english", w + "_en", "is not English")
                if k.endswith("_en") and k[:-3] not in node:
                    lint.fail("english", w, "has no Chinese sibling %s" % k[:-3])
            else:
                walk_texts(lint, v, w, k)
    elif isinstance(node, list):
        if len(node) > ARRAY_MAX and where != "catalog.services":
            lint.fail("limits", where, "more than %d elements" % ARRAY_MAX)
        for i, v in enumerate(node):
            walk_texts(lint, v, "%s[%d]" % (where, i), parent_key)


def walk_limits(lint, node, where):
    if isinstance(node, str) and utf8_len(node) > TEXT_MAX:
        lint.fail("limits", where, "longer than %d bytes" % TEXT_MAX)
    elif isinstance(node, dict):
        for k, v in node.items():
            walk_limits(lint, v, "%s.%s" % (where, k))
    elif isinstance(node, list):
        if len(node) > ARRAY_MAX:
            lint.fail("limits", where, "more than %d elements" % ARRAY_MAX)
        for i, v in enumerate(node):
            walk_limits(lint, v, "%s[%d]" % (where, i))


def check_pair(lint, obj, key, where, required=True):
    v = obj.get(key)
    if v is None:
        if required:
            lint.fail("members", where, "missing \"%s\"" % key)
        return False
    if not isinstance(v, str) or not v.strip():
        lint.fail("members", where, "\"%s\" must be a non-empty string" % key)
        return False
    return True


def check_text_list(lint, obj, key, where, minimum):
    v = obj.get(key)
    if not isinstance(v, list) or len(v) < minimum:
        lint.fail("members", where, "\"%s\" must be an array of at least %d {text, text_en}" % (key, minimum))
        return []
    for i, t in enumerate(v):
        if not isinstance(t, dict):
            lint.fail("members", "%s.%s[%d]" % (where, key, i), "must be an object")
            continue
        check_pair(lint, t, "text", "%s.%s[%d]" % (where, key, i))
    return v


class Context:
    """What a service's conditions may name."""

    def __init__(self, situations, fields):
        self.situations = situations   # id -> set of option values
        self.fields = fields           # id -> field object


def check_condition(lint, cond, ctx, where, depth=1, situations_only=False, earlier=None):
    if depth > NESTING_MAX:
        lint.fail("conditions", where, "nested deeper than %d" % NESTING_MAX)
        return
    if not isinstance(cond, dict) or not cond:
        lint.fail("conditions", where, "a condition must be a non-empty object")
        return
    if "all" in cond or "any" in cond:
        key = "all" if "all" in cond else "any"
        items = cond[key]
        if len(cond) != 1 or not isinstance(items, list) or not items:
            lint.fail("conditions", where, "\"%s\" takes a non-empty array and nothing else" % key)
            return
        for i, c in enumerate(items):
            check_condition(lint, c, ctx, "%s.%s[%d]" % (where, key, i), depth + 1, situations_only, earlier)
        return
    if "not" in cond:
        if len(cond) != 1:
            lint.fail("conditions", where, "\"not\" takes one condition and nothing else")
            return
        check_condition(lint, cond["not"], ctx, where + ".not", depth + 1, situations_only, earlier)
        return
    if "situation" in cond:
        sid, vals = cond.get("situation"), cond.get("in")
        known = ctx.situations if earlier is None else earlier
        if set(cond) != {"situation", "in"}:
            lint.fail("conditions", where, "a situation condition is {situation, in}")
        elif sid not in known:
            lint.fail("conditions", where, "unknown %ssituation \"%s\"" % ("earlier " if earlier is not None else "", sid))
        elif not isinstance(vals, list) or not vals:
            lint.fail("conditions", where, "\"in\" must be a non-empty array")
        else:
            for v in vals:
                if v not in known[sid]:
                    lint.fail("conditions", where, "\"%s\" is not an option of situation \"%s\"" % (v, sid))
        return
    if situations_only:
        lint.fail("conditions", where, "required_if and a situation's ask_if refer to situations only")
        return
    if "field" in cond:
        fid, op = cond.get("field"), cond.get("op")
        if fid not in ctx.fields:
            lint.fail("conditions", where, "unknown field \"%s\"" % fid)
            return
        if op not in FIELD_OPS:
            lint.fail("conditions", where, "unknown op \"%s\"" % op)
            return
        has_value = "value" in cond
        value = cond.get("value")
        extra = set(cond) - {"field", "op", "value"}
        if extra:
            lint.fail("conditions", where, "unknown members %s" % sorted(extra))
        if op in ("present", "before_today", "after_today"):
            if has_value:
                lint.fail("conditions", where, "op \"%s\" takes no value" % op)
            return
        if not has_value:
            lint.fail("conditions", where, "op \"%s\" needs a value" % op)
            return
        ftype = ctx.fields[fid].get("type")
        if op == "in":
            if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
                lint.fail("conditions", where, "\"in\" needs an array of strings")
        elif op in ("eq", "ne"):
            if not isinstance(value, str):
                lint.fail("conditions", where, "\"%s\" compares with a string" % op)
            elif ftype == "choice" and value not in {o.get("value") for o in ctx.fields[fid].get("options", [])}:
                lint.fail("conditions", where, "\"%s\" is not an option of field \"%s\"" % (value, fid))
        elif op == "matches":
            if not isinstance(value, str) or not value:
                lint.fail("conditions", where, "\"matches\" needs a regular expression")
            else:
                try:
                    re.compile(value)
                except re.error as e:
                    lint.fail("conditions", where, "bad regular expression: %s" % e)
        elif op in ("min_length", "max_length"):
            if not is_int(value) or value < 0:
                lint.fail("conditions", where, "\"%s\" needs a whole number" % op)
        elif op in ("ge", "le"):
            if ftype == "date":
                if not isinstance(value, str) or not DATE_RE.match(value):
                    lint.fail("conditions", where, "a date field compares with YYYY-MM-DD")
            elif ftype == "number":
                if not isinstance(value, (int, float)) or isinstance(value, bool):
                    lint.fail("conditions", where, "a number field compares with a number")
            else:
                lint.fail("conditions", where, "\"%s\" needs a number or date field, \"%s\" is %s" % (op, fid, ftype))
        elif op in ("ge_field", "le_field"):
            if value not in ctx.fields:
                lint.fail("conditions", where, "\"%s\" names unknown field \"%s\"" % (op, value))
            elif ctx.fields[value].get("type") != ftype or ftype not in ("date", "number"):
                lint.fail("conditions", where, "\"%s\" compares two date or two number fields" % op)
        return
    if "person" in cond:
        what, op, value = cond.get("person"), cond.get("op"), cond.get("value")
        if what == "age":
            if op not in ("ge", "le") or not is_int(value) or not 0 <= value <= 150:
                lint.fail("conditions", where, "person age takes op ge/le and a whole number of years")
        elif what == "sex":
            if op != "eq" or value not in ("男", "女"):
                lint.fail("conditions", where, "person sex takes op eq and 男 or 女")
        else:
            lint.fail("conditions", where, "unknown person attribute \"%s\"" % what)
        return
    if "licence" in cond:
        if set(cond) != {"licence"} or cond["licence"] not in LICENCES:
            lint.fail("conditions", where, "unknown licence type \"%s\"" % cond.get("licence"))
        return
    lint.fail("conditions", where, "unknown condition form %s" % sorted(cond))


def check_situations(lint, svc, where):
    sits = svc.get("situations", [])
    if not isinstance(sits, list):
        lint.fail("members", where, "\"situations\" must be an array")
        return {}
    known = {}
    for i, s in enumerate(sits):
        w = "%s.situations[%d]" % (where, i)
        if not isinstance(s, dict):
            lint.fail("members", w, "must be an object")
            continue
        sid = s.get("id")
        if not isinstance(sid, str) or not ID_RE.match(sid):
            lint.fail("ids", w, "id must match [a-z0-9_]{1,32}")
            continue
        if sid in known:
            lint.fail("ids", w, "duplicate situation id \"%s\"" % sid)
        check_pair(lint, s, "question", w)
        opts = s.get("options")
        if not isinstance(opts, list) or not 2 <= len(opts) <= 8:
            lint.fail("members", w, "2-8 options")
            opts = []
        values = set()
        for j, o in enumerate(opts):
            ow = "%s.options[%d]" % (w, j)
            if not isinstance(o, dict) or not isinstance(o.get("value"), str) or not o.get("value"):
                lint.fail("members", ow, "an option is {value, label, label_en}")
                continue
            if o["value"] in values:
                lint.fail("ids", ow, "duplicate option value \"%s\"" % o["value"])
            values.add(o["value"])
            check_pair(lint, o, "label", ow)
        if "ask_if" in s:
            check_condition(lint, s["ask_if"], Context(known, {}), w + ".ask_if", situations_only=True, earlier=dict(known))
        known[sid] = values
    return known


def check_form(lint, svc, where):
    form = svc.get("form")
    if form is None:
        return {}
    if not isinstance(form, dict) or not isinstance(form.get("fields"), list):
        lint.fail("members", where, "\"form\" is {\"fields\": [...]}")
        return {}
    fields = form["fields"]
    if len(fields) > KIOSK_MAX_FIELDS:
        lint.fail("limits", where, "more than %d fields" % KIOSK_MAX_FIELDS)
    out = {}
    for i, f in enumerate(fields):
        w = "%s.form.fields[%d]" % (where, i)
        if not isinstance(f, dict):
            lint.fail("members", w, "must be an object")
            continue
        fid = f.get("id")
        if not isinstance(fid, str) or not ID_RE.match(fid):
            lint.fail("ids", w, "id must match [a-z0-9_]{1,32}")
            continue
        if fid in out:
            lint.fail("ids", w, "duplicate field id \"%s\"" % fid)
        out[fid] = f
        check_pair(lint, f, "label", w)
        t = f.get("type")
        if t not in FIELD_TYPES:
            lint.fail("members", w, "unknown type \"%s\"" % t)
        p = f.get("prefill")
        if p is not None and p not in PREFILL and not (isinstance(p, str) and p.startswith("history.")
                                                       and ID_RE.match(p[len("history."):])):
            lint.fail("members", w, "unknown prefill source \"%s\"" % p)
        if p in PREFILL_TYPES and t not in PREFILL_TYPES[p]:
            lint.fail("members", w, "prefill %s does not fit a %s field" % (p, t))
        for b in ("readonly", "required", "sensitive"):
            if b in f and not isinstance(f[b], bool):
                lint.fail("members", w, "\"%s\" must be true or false" % b)
        if "max_length" in f and (not is_int(f["max_length"]) or not 1 <= f["max_length"] <= KIOSK_MAX_LENGTH):
            lint.fail("members", w, "\"max_length\" must be 1-%d" % KIOSK_MAX_LENGTH)
        if t == "choice":
            opts = f.get("options")
            if not isinstance(opts, list) or not opts or len(opts) > KIOSK_MAX_OPTIONS:
                lint.fail("members", w, "a choice needs 1-%d options" % KIOSK_MAX_OPTIONS)
                opts = []
            values = [o.get("value") for o in opts if isinstance(o, dict)]
            if len(set(values)) != len(values) or not all(isinstance(v, str) and v for v in values):
                lint.fail("ids", w, "option values must be unique non-empty strings")
            for j, o in enumerate(opts):
                if isinstance(o, dict):
                    check_pair(lint, o, "label", "%s.options[%d]" % (w, j))
            if "default" in f and f["default"] not in values:
                lint.fail("members", w, "\"default\" is not one of the options")
        elif "options" in f:
            lint.fail("members", w, "only a choice has options")
        if "default" in f and not isinstance(f["default"], str):
            lint.fail("members", w, "\"default\" must be a string")
    return out


def check_service(lint, svc, i, codes, stats):
    code = svc.get("code")
    where = "services[%d](%s)" % (i, code)
    if not isinstance(code, str) or not CODE_RE.match(code) or utf8_len(code) > SYNC["code"]:
        lint.fail("ids", where, "code must look like 310000-<DEPT>-<ITEM>-<NNNN>")
    elif code in codes:
        lint.fail("ids", where, "duplicate code")
    codes.add(code)
    for k in ("name", "category", "department", "summary"):
        check_pair(lint, svc, k, where)
    kind = svc.get("kind", "service")
    if kind not in ("service", "bundle"):
        lint.fail("members", where, "kind must be service or bundle")
    if svc.get("type") not in TYPES:
        lint.fail("members", where, "type must be one of %s" % sorted(TYPES))
    aud = svc.get("audience", "person")
    auds = aud if isinstance(aud, list) else [aud]
    if not auds or not all(a in AUDIENCES for a in auds) or len(set(auds)) != len(auds):
        lint.fail("members", where, "audience must be person, enterprise or both")
    le = svc.get("life_events")
    if not isinstance(le, list) or not le:
        lint.fail("members", where, "life_events must be a non-empty array")
    else:
        for e in le:
            if e not in LIFE_EVENTS:
                lint.fail("members", where, "unknown life event \"%s\"" % e)
    pop = svc.get("popularity")
    if not is_int(pop) or not 0 <= pop <= SYNC["popularity"]:
        lint.fail("members", where, "popularity must be a whole number >= 0")
    kw = svc.get("keywords", [])
    if not isinstance(kw, list) or len(kw) > SYNC["keywords"] or \
            not all(isinstance(k, str) and k and utf8_len(k) <= SYNC["keyword"] for k in kw):
        lint.fail("sync", where, "keywords: at most %d strings of at most %d bytes" % (SYNC["keywords"], SYNC["keyword"]))
    for k in ("name", "name_en", "category", "summary"):
        if isinstance(svc.get(k), str) and utf8_len(svc[k]) > SYNC[k]:
            lint.fail("sync", where, "%s longer than %d bytes" % (k, SYNC[k]))
    compact = json.dumps(svc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(compact) > SYNC["service_json"]:
        lint.fail("sync", where, "compact JSON is %d bytes (> %d)" % (len(compact), SYNC["service_json"]))

    kiosk = svc.get("kiosk")
    available = False
    if not isinstance(kiosk, dict) or not isinstance(kiosk.get("available"), bool):
        lint.fail("members", where, "kiosk must be {available: bool, hardware_needed?}")
    else:
        available = kiosk["available"]
        hw = kiosk.get("hardware_needed", [])
        if not isinstance(hw, list) or not all(h in HARDWARE for h in hw):
            lint.fail("members", where, "hardware_needed from %s" % sorted(HARDWARE))

    situations = check_situations(lint, svc, where)
    fields = check_form(lint, svc, where)
    ctx = Context(situations, fields)
    if available and not fields:
        lint.fail("members", where, "available at the terminal but has no form fields")
    for fid, f in fields.items():
        if "ask_if" in f:
            check_condition(lint, f["ask_if"], ctx, "%s.form.%s.ask_if" % (where, fid))

    guide = svc.get("guide")
    if not isinstance(guide, dict):
        lint.fail("members", where, "missing guide")
        guide = {}
    gw = where + ".guide"
    check_text_list(lint, guide, "conditions", gw, 1)
    check_text_list(lint, guide, "process", gw, 2)
    laws = check_text_list(lint, guide, "legal_basis", gw, 1)
    for j, t in enumerate(laws):
        if isinstance(t, dict) and isinstance(t.get("text"), str) and "《" not in t["text"]:
            lint.fail("members", "%s.legal_basis[%d]" % (gw, j), "names no law (《…》)")
    mats = guide.get("materials")
    licence_used = False
    if not isinstance(mats, list) or not mats:
        lint.fail("members", gw, "materials must be a non-empty array")
        mats = []
    mids = set()
    for j, m in enumerate(mats):
        mw = "%s.materials[%d]" % (gw, j)
        if not isinstance(m, dict):
            lint.fail("members", mw, "must be an object")
            continue
        mid = m.get("id")
        if not isinstance(mid, str) or not ID_RE.match(mid):
            lint.fail("ids", mw, "id must match [a-z0-9_]{1,32}")
        elif mid in mids:
            lint.fail("ids", mw, "duplicate material id \"%s\"" % mid)
        mids.add(mid)
        check_pair(lint, m, "name", mw)
        if m.get("form") not in MATERIAL_FORMS:
            lint.fail("members", mw, "form must be original, copy or electronic")
        if "count" in m and (not is_int(m["count"]) or m["count"] < 1):
            lint.fail("members", mw, "count must be a whole number >= 1")
        if "licence" in m:
            if m["licence"] not in LICENCES:
                lint.fail("licences", mw, "unknown licence type \"%s\"" % m["licence"])
            licence_used = True
        if "required_if" in m:
            check_condition(lint, m["required_if"], ctx, mw + ".required_if", situations_only=True)
    tl = guide.get("time_limit")
    if not isinstance(tl, dict):
        lint.fail("members", gw, "missing time_limit")
    else:
        for k in ("legal_workdays", "promised_workdays"):
            if not is_int(tl.get(k)) or tl[k] < 0:
                lint.fail("members", gw, "time_limit.%s must be a whole number >= 0" % k)
        if not isinstance(tl.get("instant"), bool):
            lint.fail("members", gw, "time_limit.instant must be true or false")
        check_pair(lint, tl, "text", gw + ".time_limit")
        if is_int(tl.get("legal_workdays")) and is_int(tl.get("promised_workdays")) and \
                tl["promised_workdays"] > tl["legal_workdays"] and not tl.get("instant"):
            lint.fail("members", gw, "promised_workdays exceeds legal_workdays")
    fee = guide.get("fee")
    if not isinstance(fee, dict) or not isinstance(fee.get("charged"), bool):
        lint.fail("members", gw, "fee must be {charged, text, text_en, basis?}")
    else:
        check_pair(lint, fee, "text", gw + ".fee")
        if fee["charged"]:
            check_pair(lint, fee, "basis", gw + ".fee")
    phone = guide.get("consult_phone")
    if not isinstance(phone, str) or not PHONE_RE.match(phone):
        lint.fail("members", gw, "consult_phone must be a phone number like 021-12345 or 12333")
    v = guide.get("visits_required")
    if not is_int(v) or not 0 <= v <= KIOSK_MAX_VISITS:
        lint.fail("members", gw, "visits_required must be 0-%d" % KIOSK_MAX_VISITS)

    rules = svc.get("prereview", [])
    if not isinstance(rules, list):
        lint.fail("members", where, "prereview must be an array")
        rules = []
    rids = set()
    for j, r in enumerate(rules):
        rw = "%s.prereview[%d]" % (where, j)
        if not isinstance(r, dict):
            lint.fail("members", rw, "must be an object")
            continue
        rid = r.get("id")
        if not isinstance(rid, str) or not ID_RE.match(rid):
            lint.fail("ids", rw, "id must match [a-z0-9_]{1,32}")
        elif rid in rids:
            lint.fail("ids", rw, "duplicate rule id \"%s\"" % rid)
        rids.add(rid)
        if r.get("kind") not in RULE_KINDS:
            lint.fail("members", rw, "kind must be one of %s" % sorted(RULE_KINDS))
        if "require" not in r:
            lint.fail("members", rw, "missing require")
        else:
            check_condition(lint, r["require"], ctx, rw + ".require")
        if "when" in r:
            check_condition(lint, r["when"], ctx, rw + ".when")
        if "field" in r and r["field"] not in fields:
            lint.fail("conditions", rw, "\"field\" names unknown field \"%s\"" % r["field"])
        check_pair(lint, r, "message", rw)

    if "receipt" in svc:
        if not isinstance(svc["receipt"], dict):
            lint.fail("members", where, "receipt must be an object")
        else:
            check_pair(lint, svc["receipt"], "title", where + ".receipt", required=False)

    # the figures (as `haobanctl catalog stats` computes them)
    stats["services"] += 1
    if kind == "service":
        stats["person"] += "person" in auds
        stats["legal"] += "enterprise" in auds
    else:
        stats["bundles"] += 1
    stats["form_fields"] += len(fields)
    stats["prefilled"] += sum(1 for f in fields.values() if f.get("prefill"))
    stats["prereviewed"] += bool(rules)
    stats["with_situations"] += bool(situations)
    stats["with_licence"] += licence_used
    stats["with_form"] += bool(fields)
    return fields


def lint_doc(doc):
    """Lints a parsed catalog: (Lint with the problems by family, figures)."""
    lint = Lint()
    stats = dict(services=0, person=0, legal=0, bundles=0, form_fields=0, prefilled=0, prereviewed=0,
                 with_situations=0, with_licence=0, with_form=0)
    if not isinstance(doc, dict) or not isinstance(doc.get("services"), list):
        lint.fail("members", "catalog", "must be {version, services: [...]}")
        services = []
    else:
        services = doc["services"]
        v = doc.get("version")
        if not isinstance(v, str) or not v or utf8_len(v) > SYNC["version"]:
            lint.fail("members", "catalog", "version must be a string of at most %d bytes" % SYNC["version"])
        if len(services) > SYNC["services"]:
            lint.fail("sync", "catalog", "more than %d services" % SYNC["services"])
    walk_texts(lint, doc, "catalog")
    # Catalog texts are stored on the terminal in the clear: no example that looks like
    # personal data (the privacy scans of the integration tests look for exactly that).
    flat = json.dumps(doc, ensure_ascii=False)
    for pattern, what in ((r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])", "a mobile number"),
                          (r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])", "an ID number")):
        for m in re.finditer(pattern, flat):
            lint.fail("privacy", "catalog", "contains what looks like %s: %s…" % (what, m.group(0)[:3]))

    codes = set()
    forms = {}
    kinds = {}
    for i, svc in enumerate(services):
        if not isinstance(svc, dict):
            lint.fail("members", "services[%d]" % i, "must be an object")
            continue
        forms[svc.get("code")] = check_service(lint, svc, i, codes, stats)
        kinds[svc.get("code")] = svc.get("kind", "service")
    for i, svc in enumerate(services):
        if not isinstance(svc, dict) or svc.get("kind") != "bundle":
            if isinstance(svc, dict) and "bundle" in svc:
                lint.fail("bundles", "services[%d]" % i, "\"bundle\" on a service that is not kind bundle")
            continue
        where = "services[%d](%s).bundle" % (i, svc.get("code"))
        b = svc.get("bundle")
        if not isinstance(b, dict) or not isinstance(b.get("members"), list) or len(b["members"]) < 2:
            lint.fail("bundles", where, "a bundle has at least two members")
            continue
        if len(set(b["members"])) != len(b["members"]):
            lint.fail("bundles", where, "a member is listed twice")
        for m in b["members"]:
            if m not in kinds:
                lint.fail("bundles", where, "member %s is not in the catalog" % m)
            elif kinds[m] != "service":
                lint.fail("bundles", where, "member %s is a bundle, not a service" % m)
        shared = b.get("shared")
        if not isinstance(shared, list) or not shared:
            lint.fail("bundles", where, "shared must list field ids")
            continue
        own = forms.get(svc.get("code"), {})
        for fid in shared:
            if fid not in own:
                lint.fail("bundles", where, "shared field \"%s\" is not in the bundle's form" % fid)
            if not any(fid in forms.get(m, {}) for m in b["members"]):
                lint.fail("bundles", where, "shared field \"%s\" is in no member's form" % fid)
            for m in b["members"]:
                mf = forms.get(m, {}).get(fid)
                if mf is not None and fid in own and mf.get("type") != own[fid].get("type"):
                    lint.fail("bundles", where, "shared field \"%s\" is a %s in %s but a %s here"
                              % (fid, mf.get("type"), m, own[fid].get("type")))

    return lint, stats


def service(doc, code):
    return next(s for s in doc["services"] if s.get("code") == code)


# Copies of the catalog with one fault each, and the rule family that must catch it: the lint
# is shown able to fail (run on the real catalog only).
MUTATIONS = [
    ("a dropped summary_en", "english", lambda d: d["services"][0].pop("summary_en")),
    ("an empty label_en", "english",
     lambda d: service(d, "310000-GA-JZZ-0003")["form"]["fields"][0].update(label_en="")),
    ("a required_if on an unknown situation", "conditions",
     lambda d: next(m for s in d["services"] for m in s["guide"]["materials"] if "required_if" in m)
     ["required_if"].update(situation="no_such_situation")),
    ("a rule on an unknown field", "conditions",
     lambda d: service(d, "310000-GA-JZZ-0003")["prereview"][-1]["require"].update(field="no_such_field")),
    ("an unknown op", "conditions",
     lambda d: service(d, "310000-GA-JZZ-0003")["prereview"][-1]["require"].update(op="like")),
    ("an unknown licence type", "licences",
     lambda d: service(d, "310000-GA-JZZ-0003")["guide"]["materials"][0].update(licence="passport")),
    ("an unknown life event", "members", lambda d: d["services"][0].update(life_events=["party"])),
    ("a bundle member that is not in the catalog", "bundles",
     lambda d: next(s for s in d["services"] if s.get("kind") == "bundle")["bundle"]["members"].append("310000-XX-NO-0000")),
    ("a duplicate code", "ids", lambda d: d["services"][1].update(code=d["services"][0]["code"])),
    ("a one-step process", "members", lambda d: d["services"][0]["guide"].update(process=d["services"][0]["guide"]["process"][:1])),
    ("a summary too long for the terminal", "sync", lambda d: d["services"][0].update(summary="长" * 1400)),
    ("a phone number in an example", "privacy",
     lambda d: d["services"][0].update(summary_en=d["services"][0]["summary_en"] + " Call 13912345678.")),
]


def main(argv):
    path = argv[1] if len(argv) > 1 else DEFAULT
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        doc = json.loads(text)
    except (OSError, ValueError) as e:
        print("1..1")
        print("not ok 1 - catalog parses")
        print("# %s: %s" % (path, e))
        return 1
    lint, stats = lint_doc(doc)

    prefilled_share = stats["prefilled"] / stats["form_fields"] if stats["form_fields"] else 0.0
    prereviewed_share = stats["prereviewed"] / stats["services"] if stats["services"] else 0.0
    targets = [
        ("at least 100 person services", stats["person"] >= 100, "person = %d" % stats["person"]),
        ("at least 100 enterprise services", stats["legal"] >= 100, "legal = %d" % stats["legal"]),
        ("prefilled_share >= 0.70", prefilled_share >= 0.70,
         "prefilled_share = %.4f (%d of %d fields)" % (prefilled_share, stats["prefilled"], stats["form_fields"])),
        ("prereviewed_share >= 0.90", prereviewed_share >= 0.90,
         "prereviewed_share = %.4f (%d of %d services)" % (prereviewed_share, stats["prereviewed"], stats["services"])),
        ("at least 60 services with situations", stats["with_situations"] >= 60, "with_situations = %d" % stats["with_situations"]),
        ("at least 50 services with licence-replaced materials", stats["with_licence"] >= 50,
         "with_licence_materials = %d" % stats["with_licence"]),
        ("at least 170 services with a form", stats["with_form"] >= 170, "with_form = %d" % stats["with_form"]),
        ("at least 5 bundles", stats["bundles"] >= 5, "bundles = %d" % stats["bundles"]),
    ]

    families = [
        ("members", "every required member present and well-typed"),
        ("english", "every text has a non-empty English sibling"),
        ("ids", "codes and ids unique and well-formed"),
        ("conditions", "conditions name known situations, options, fields and ops"),
        ("licences", "licence types from the documented list"),
        ("bundles", "bundle members exist and are services; shared fields exist"),
        ("limits", "strings <= 2048 bytes, arrays <= 50, kiosk limits"),
        ("sync", "the terminal's sync limits hold"),
        ("privacy", "no text looks like a phone or ID number"),
    ]
    real = path == DEFAULT
    n = len(families) + len(targets) + (1 + len(MUTATIONS) if real else 0)
    print("1..%d" % n)
    k = 0
    failed = 0
    for fam, title in families:
        k += 1
        probs = lint.problems.get(fam, [])
        print("%s %d - %s" % ("ok" if not probs else "not ok", k, title))
        for p in probs[:20]:
            print("# %s" % p)
        if len(probs) > 20:
            print("# … and %d more" % (len(probs) - 20))
        failed += bool(probs)
    for title, ok, detail in targets:
        k += 1
        print("%s %d - %s" % ("ok" if ok else "not ok", k, title))
        print("# %s" % detail)
        failed += not ok
    if real:
        for title, family, mutate in MUTATIONS:
            k += 1
            copy = json.loads(text)
            mutate(copy)
            caught = lint_doc(copy)[0].problems.get(family, [])
            print("%s %d - the lint catches %s" % ("ok" if caught else "not ok", k, title))
            if caught:
                print("# %s" % caught[0])
            failed += not caught
        k += 1
        gen = os.path.join(SRC, "tools", "gen-catalog.py")
        r = subprocess.run([sys.executable, gen, "--check"], capture_output=True, text=True)
        print("%s %d - data/catalog.json is what tools/gen-catalog.py writes" % ("ok" if r.returncode == 0 else "not ok", k))
        for line in (r.stdout + r.stderr).strip().splitlines()[-5:]:
            print("# %s" % line)
        failed += r.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
