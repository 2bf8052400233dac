#!/bin/sh
# generate.sh — regenerates the offline-code verification corpus (run once; the output is
# committed). Needs only the openssl CLI (3.0: SM2/SM3) and coreutils' basenc.
#
#   tests/data/offline-codes/generate.sh
#
# Writes: test-1.pem, test-2.pem, rogue.pem (TEST-ONLY private keys, never used anywhere
# else), keys.json (the /v1/keys document the tests load), cases/*.code (one code per file,
# no newline) and expected.txt ("<file> <verdict> <kind|->" per line, verified at NOW).
# SM2 signatures are randomised, so each run gives new bytes but the same verdicts.
set -eu
cd "$(dirname "$0")"

NOW=1795000000            # 2026-11-18T08:53:20Z; the tests pass it as "now"
YEAR=31536000
ID=1234567812345678

for k in test-1 test-2 rogue; do
  [ -f $k.pem ] || openssl genpkey -algorithm SM2 -out $k.pem 2>/dev/null
done
pub () { openssl pkey -in "$1.pem" -pubout 2>/dev/null | awk '{printf "%s\\n", $0}'; }

# test-1: in service 2026-01-01 .. 2028-01-01; test-2: retired 2026-06-01 (codes it signed
# before stay valid until their exp).
cat > keys.json <<JSON
{"keys":[
 {"kid":"test-1","alg":"SM2","public_key_pem":"$(pub test-1)","not_before":1767225600,"not_after":1830297600},
 {"kid":"test-2","alg":"SM2","public_key_pem":"$(pub test-2)","not_before":1735689600,"not_after":1780272000}],
 "revoked":{"jti":["J-REVOKED-0001"],"sub":["P-REVOKEDSUBJECT"]}}
JSON

b64u () { basenc --base64url -w0 | tr -d '='; }
# sign KEYFILE TEXT: base64url DER signature of TEXT
sign () { printf '%s' "$2" | openssl dgst -sm3 -sign "$1.pem" -sigopt distid:$ID -binary | b64u; }
# code KEY PAYLOAD_JSON: a complete code
code () { p="HB1.$(printf '%s' "$2" | b64u)"; printf '%s.%s' "$p" "$(sign "$1" "$p")"; }
claims () { # kid jti kind sub iat exp
  printf '{"v":1,"kid":"%s","jti":"%s","kind":"%s","sub":"%s","name":"张*伟","iat":%s,"exp":%s}' "$@"; }

rm -rf cases; mkdir cases
: > expected.txt
put () { printf '%s' "$3" > "cases/$1.code"; echo "$1 $2 $4" >> expected.txt; }

GOOD=$(code test-1 "$(claims test-1 J-0001 person P-0A1B2C3D $((NOW-86400)) $((NOW+YEAR)))")
put ok-person ok "$GOOD" person
put ok-enterprise ok "$(code test-1 "$(claims test-1 J-0002 enterprise E-91310000MA1K 0 $((NOW+YEAR)) | sed 's/"iat":0/"iat":'$((NOW-3600))'/')")" enterprise
put ok-place ok "$(code test-1 "$(claims test-1 J-0003 place S-XH-0001 $((NOW-3600)) $((NOW+YEAR)))")" place
put ok-expiry-within-skew ok "$(code test-1 "$(claims test-1 J-0004 person P-0A1B2C3D $((NOW-20000000)) $((NOW-100)))")" person
put ok-issued-within-skew ok "$(code test-1 "$(claims test-1 J-0005 person P-0A1B2C3D $((NOW+200)) $((NOW+YEAR)))")" person
put ok-retired-key-old-code ok "$(code test-2 "$(claims test-2 J-0006 person P-0A1B2C3D 1777000000 $((NOW+YEAR)))")" person
put expired expired "$(code test-1 "$(claims test-1 J-0007 person P-0A1B2C3D $((NOW-20000000)) $((NOW-301)))")" person
put not-yet-valid not-yet-valid "$(code test-1 "$(claims test-1 J-0008 person P-0A1B2C3D $((NOW+301)) $((NOW+YEAR)))")" person
put revoked-jti revoked "$(code test-1 "$(claims test-1 J-REVOKED-0001 person P-0A1B2C3D $((NOW-3600)) $((NOW+YEAR)))")" person
put revoked-sub revoked "$(code test-1 "$(claims test-1 J-0009 person P-REVOKEDSUBJECT $((NOW-3600)) $((NOW+YEAR)))")" person
put unknown-kid unknown-key "$(code rogue "$(claims rogue-9 J-0010 person P-0A1B2C3D $((NOW-3600)) $((NOW+YEAR)))")" person
put retired-key-new-code unknown-key "$(code test-2 "$(claims test-2 J-0011 person P-0A1B2C3D $((NOW-3600)) $((NOW+YEAR)))")" person
put wrong-key bad-signature "$(code rogue "$(claims test-1 J-0012 person P-0A1B2C3D $((NOW-3600)) $((NOW+YEAR)))")" person

# Tampering with a good code.
P=$(printf '%s' "$GOOD" | cut -d. -f2); S=$(printf '%s' "$GOOD" | cut -d. -f3)
P2=$(claims test-1 J-0001 person P-0A1B2C3D $((NOW-86400)) $((NOW+10*YEAR)) | b64u)
put tampered-payload bad-signature "HB1.$P2.$S" person
# Change one character in the middle of the signature (keeps the base64url valid).
S2=$(printf '%s' "$S" | awk '{c=substr($0,20,1); r=(c=="A")?"B":"A"; print substr($0,1,19) r substr($0,21)}')
put tampered-signature bad-signature "HB1.$P.$S2" person
put truncated-signature bad-signature "HB1.$P.$(printf '%s' "$S" | cut -c1-40)" person
put truncated-payload malformed "HB1.$(printf '%s' "$P" | cut -c1-20)" -
put truncated-prefix malformed "HB1" -
put empty-signature malformed "HB1.$P." -
put extra-segment malformed "HB1.$P.$S.$S" -
put padded-base64 malformed "HB1.$P.$S=" -
put wrong-prefix malformed "HB2.$P.$S" -
put lowercase-prefix malformed "hb1.$P.$S" -
put online-code malformed "SSM1:DEMO:7F3A9C21E5B04D18" -
put oversized too-long "HB1.$(head -c 3000 /dev/zero | tr '\0' A).$S" -

# Payloads that are signed correctly but are not valid claims.
bad () { put "$1" malformed "$(code test-1 "$2")" -; }
bad non-json 'hello, not json'
bad json-array '[1,2,3]'
bad missing-exp '{"v":1,"kid":"test-1","jti":"J-1","kind":"person","sub":"P-1","name":"张*伟","iat":1794990000}'
bad version-2 "$(claims test-1 J-0013 person P-1 $((NOW-3600)) $((NOW+YEAR)) | sed 's/"v":1/"v":2/')"
bad unknown-kind "$(claims test-1 J-0014 vehicle P-1 $((NOW-3600)) $((NOW+YEAR)))"
bad exp-as-string "$(claims test-1 J-0015 person P-1 $((NOW-3600)) '"2027"')"
bad exp-before-iat "$(claims test-1 J-0016 person P-1 $((NOW-3600)) $((NOW-7200)))"
bad deep-json '{"v":[[[[[[[[1]]]]]]]]}'
echo "wrote $(wc -l < expected.txt) cases"
