#!/usr/bin/env python3
"""Syntax check of udev rules files, for what udevadm (systemd 252) accepts silently.

    check-udev-rules.py FILE...

Prints FILE:LINE: problem for each fault and exits 1 when there is one. udevadm names
unknown keys; this also catches missing commas between pairs, unknown operators, a match
key written with an assignment operator (ATTR{idVendor}="…" writes the attribute instead
of matching it) and GOTO labels that do not exist.
"""
import re
import sys

# Keys that only match, keys that only assign, keys that do both (udev(7)).
MATCH_ONLY = {"ACTION", "DEVPATH", "KERNEL", "KERNELS", "SUBSYSTEM", "SUBSYSTEMS",
              "DRIVERS", "ATTRS", "TAGS", "TEST", "PROGRAM", "RESULT", "CONST", "SYSCTL_MATCH"}
ASSIGN_ONLY = {"OWNER", "GROUP", "MODE", "LABEL", "GOTO", "RUN", "OPTIONS", "SECLABEL",
               "IMPORT", "WAIT_FOR"}
BOTH = {"DRIVER", "ATTR", "SYSCTL", "ENV", "TAG", "NAME", "SYMLINK"}
WITH_ATTR = {"ATTR", "ATTRS", "ENV", "SYSCTL", "TEST", "IMPORT", "RUN", "SECLABEL", "CONST"}
# Attributes that identify a device: assigning them is always a mistake.
ID_ATTRS = re.compile(r"^(idVendor|idProduct|serial|manufacturer|product|bInterfaceClass|"
                      r"bInterfaceSubClass|bInterfaceProtocol|bDeviceClass)$")
PAIR = re.compile(r'\s*([A-Z_]+)(?:\{([^}]*)\})?\s*(==|!=|\+=|-=|:=|=)\s*"((?:[^"\\]|\\.)*)"\s*')


def check(path):
    faults = []
    labels, gotos = set(), []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        start = i + 1
        line = lines[i]
        while line.endswith("\\") and i + 1 < len(lines):   # continuation
            i += 1
            line = line[:-1] + lines[i]
        i += 1
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        pos, pairs = 0, 0
        while pos < len(text):
            m = PAIR.match(text, pos)
            if not m:
                faults.append(f"{path}:{start}: cannot parse at column {pos + 1}: {text[pos:pos + 30]!r}")
                break
            key, attr, op, value = m.groups()
            pairs += 1
            pos = m.end()
            if pos < len(text):
                if text[pos] != ",":
                    faults.append(f"{path}:{start}: missing comma after {key}")
                    break
                pos += 1
            is_match = op in ("==", "!=")
            if key not in MATCH_ONLY | ASSIGN_ONLY | BOTH:
                faults.append(f"{path}:{start}: unknown key {key}")
            elif key in MATCH_ONLY and not is_match:
                faults.append(f"{path}:{start}: {key} is a match key, '{op}' assigns")
            elif key in ASSIGN_ONLY and is_match:
                faults.append(f"{path}:{start}: {key} is assigned, not matched ('{op}')")
            elif key == "ATTR" and not is_match and attr and ID_ATTRS.match(attr):
                faults.append(f"{path}:{start}: ATTR{{{attr}}}{op} writes the attribute; '==' matches it")
            if attr is None and key in WITH_ATTR and key not in ("TEST", "IMPORT", "RUN"):
                faults.append(f"{path}:{start}: {key} needs {{attribute}}")
            if key == "MODE" and not re.fullmatch(r"0?[0-7]{3}", value):
                faults.append(f"{path}:{start}: MODE {value!r} is not an octal mode")
            if key == "LABEL":
                labels.add(value)
            if key == "GOTO":
                gotos.append((start, value))
        if pairs == 0 and not faults:
            faults.append(f"{path}:{start}: no key/value pairs")
    for start, label in gotos:
        if label not in labels:
            faults.append(f"{path}:{start}: GOTO {label!r} has no LABEL")
    return faults


def main():
    faults = [f for path in sys.argv[1:] for f in check(path)]
    for f in faults:
        print(f)
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
