#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# cassl: command line, help, version, inspect (every format, --match, --json) and demo.
. "${CASSL_SRCDIR:-.}/tests/tool/tool_lib.sh"
need_pki

# ---- usage, help, version -------------------------------------------------------------
t "no command";        run 2;                 err "usage: cassl COMMAND"
t "unknown command";   run 2 frobnicate;      err "unknown command 'frobnicate'"
t "help";              run 0 help;            out "probe HOST[:PORT]"; out "inspect FILE"; out "demo"
t "--help";            run 0 --help;          out "usage: cassl COMMAND"
t "help probe";        run 0 help probe;      out "--key-password-file FILE"; out "exit: 0 ok, 2 usage"
t "help unknown";      run 2 help nothing;    err "no command 'nothing'"
t "probe --help";      run 0 probe --help;    out "--verify LIST"; out "--min-tls VERSION"
t "inspect --help";    run 0 inspect --help;  out "--match NAME_OR_IP"
t "demo --help";       run 0 demo --help;     out "wrong key password"
t "--version";         run 0 --version
backend_version=$(gnutls-cli --version 2>/dev/null | sed -n 's/^gnutls-cli \([0-9.]*\).*/\1/p' | head -1)
out "TLS backend gnutls"
[ -z "$backend_version" ] || out "gnutls $backend_version"

t "probe: no target";         run 2 probe;                          err "missing HOST[:PORT]"
t "probe: two targets";       run 2 probe a b;                      err "only one HOST[:PORT]"
t "probe: unknown option";    run 2 probe --bogus x;                err "unknown option --bogus"
t "probe: missing value";     run 2 probe x --ca;                   err "needs a value"
t "probe: bad verify";        run 2 probe --verify peer-certs x;    err "invalid --verify list 'peer-certs'"
t "probe: empty verify";      run 2 probe --verify '' x;            err "invalid --verify list"
t "probe: bad port";          run 2 probe 127.0.0.1:99999;          err "invalid target '127.0.0.1:99999'"
t "probe: port 0";            run 2 probe 127.0.0.1:0;              err "invalid target"
t "probe: bad v6 target";     run 2 probe '[::1';                   err "invalid target"
t "probe: bad min-tls";       run 2 probe --min-tls 1.4 x;          err "invalid --min-tls '1.4'"
t "probe: bad timeout";       run 2 probe --timeout 0 x;            err "invalid --timeout '0'"
t "probe: bad --sni";         run 2 probe --sni 'bad name!' x;      err "invalid --sni 'bad name!'"
t "probe: IP as --sni";       run 2 probe --sni 127.0.0.1 x;        err "IP addresses are never sent as SNI"
t "probe: bad --hostname";    run 2 probe --hostname a..b x;        err "invalid --hostname 'a..b'"
t "probe: cert without key";  run 2 probe --cert "$pki/client.pem" x; err "--cert and --key go together"
t "probe: two passwords";     run 2 probe --key-password a --key-password-file b x; err "not both"
t "probe: bad priority";      run 2 probe --priority 'NORMAL:+BOGUS-THING' 127.0.0.1:1
error_line CASS_ERROR_LIB_BAD_PARAMS "Bad parameters"; hint "fix the --priority string"
t "inspect: no file";         run 2 inspect;                        err "no FILE given"
t "inspect: unknown option";  run 2 inspect --bogus x;              err "unknown option --bogus"
t "demo: extra argument";     run 2 demo extra;                     err "unexpected argument extra"

# ---- inspect: certificates ------------------------------------------------------------
t "inspect: CA and leaf"
run 0 inspect "$pki/ca.pem" "$pki/server-ip.pem"
out "subject            CN=cassl test CA,O=cassl tests"; out "CA (self-signed root)"
out "SANs               IP:127.0.0.1, IP:::1"; out "valid now          yes"; out "role               leaf"
out "key                RSA 2048 bits"

t "inspect: --json, fingerprint and pin against openssl"
run 0 inspect --json "$pki/server-ip.pem" "$pki/server-ecdsa.pem"
fp=$(openssl x509 -in "$pki/server-ip.pem" -noout -fingerprint -sha256 | sed 's/^.*=//')
pin=$(openssl x509 -in "$pki/server-ip.pem" -noout -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
json "d['ok'] and len(d['certificates']) == 2 and d['certificates'][0]['sha256'] == '$fp'"
json "d['certificates'][0]['pin'] == 'sha256//$pin'"
json "d['certificates'][0]['sans'] == ['IP:127.0.0.1', 'IP:::1'] and d['certificates'][0]['ca'] is False"
json "d['certificates'][1]['key'].startswith('EC') and 'SECP256R1' in d['certificates'][1]['key']"
json "d['certificates'][0]['serial'] == '$(openssl x509 -in "$pki/server-ip.pem" -noout -serial | sed 's/^serial=//' | tr 'A-F' 'a-f')'"

t "inspect: expired certificate"
run 0 inspect --json "$pki/server-expired.pem"
json "d['certificates'][0]['valid_now'] is False and d['certificates'][0]['not_after'].startswith('2002-01-01')"

t "inspect: chain file"
run 0 inspect --json "$pki/server-chain.pem"
json "[c['role'] for c in d['certificates']] == ['leaf', 'CA (intermediate)']"

t "inspect: DER certificate"
certtool -i --infile "$pki/ca.pem" --outder --outfile "$tmp/ca.der" >/dev/null 2>&1
run 0 inspect --json "$tmp/ca.der"
json "d['files'][0]['format'] == 'DER certificate' and d['certificates'][0]['subject'] == 'CN=cassl test CA,O=cassl tests'"

t "inspect: leading text (openssl pkcs12 Bag Attributes)"
if [ -f "$pki/jks/driver-cert.pem" ]; then
  run 0 inspect --json "$pki/jks/driver-cert.pem"
  grep -q "Bag Attributes" "$pki/jks/driver-cert.pem" || fail "fixture has no Bag Attributes"
  json "d['certificates'][0]['subject'].startswith('CN=driver')"
fi

t "inspect: unreadable file"
run 3 inspect "$tmp/missing.pem"
error_line CASS_ERROR_SSL_INVALID_CERT "Unable to load certificate"; err "cannot read"; hint "check the path"

t "inspect: not a certificate or key"
printf 'hello, world\n' >"$tmp/garbage"
run 3 inspect "$tmp/garbage"
error_line CASS_ERROR_SSL_INVALID_CERT "Unable to load certificate"
err "holds no certificate or key"; hint "give a PEM, DER or PKCS#12 file"

t "inspect: damaged PEM certificate"
sed '3s/./#/' "$pki/ca.pem" >"$tmp/bad.pem"
run 3 inspect "$tmp/bad.pem"; error_line CASS_ERROR_SSL_INVALID_CERT "Unable to load certificate"
err "does not parse"; hint "the certificate is damaged"

t "inspect: truncated PEM"
head -5 "$pki/ca.pem" >"$tmp/trunc.pem"
run 3 inspect "$tmp/trunc.pem"; err "has no END line"; hint "truncated"

# An empty subject (SAN-only, RFC 5280 4.1.2.6) and an empty issuer are shown as empty.
MKNULCERT="$CASSL_BUILDDIR/tests/support/mknulcert" \
  sh "$CASSL_SRCDIR/tests/fixtures/names.sh" >&2 ||
  { echo "cannot make tests/fixtures/names.sh's certificates" >&2; exit 1; }
names="$CASSL_FIXTURES/names"
t "inspect: empty subject"
run 0 inspect "$names/empty-subject.pem" "$names/leaf-key.pem"
out "subject            (empty)"; out "issuer             CN=cassl names CA"
out "SANs               IP:127.0.0.1, IP:::1"; out "matches            certificate 1 (empty subject)"
run 0 inspect --json "$names/empty-subject.pem"
json "d['certificates'][0]['subject'] == '' and d['certificates'][0]['sans'] == ['IP:127.0.0.1', 'IP:::1']"
t "inspect: empty subject and issuer (self-signed)"
run 0 inspect "$names/empty-self-signed.pem"
out "subject            (empty)"; out "issuer             (empty)"; out "leaf (self-signed)"
run 0 inspect --json "$names/empty-self-signed.pem"
json "d['certificates'][0]['subject'] == '' and d['certificates'][0]['issuer'] == ''"
t "inspect: empty subjectAltName entry"
run 3 inspect "$names/san-ip-empty.pem"; error_line CASS_ERROR_SSL_INVALID_CERT "Unable to load certificate"
err "does not parse: Unknown Subject Alternative name"; hint "a subjectAltName entry is empty"

# ---- inspect: keys --------------------------------------------------------------------
t "inspect: encrypted key without password"
run 0 inspect --json "$pki/client-key-enc.pem"
json "d['keys'][0]['encrypted'] is True and d['keys'][0]['scheme'].startswith('PBES2') and 'decrypts' not in d['keys'][0]"
json "'pass --password' in d['keys'][0]['problem']"

t "inspect: encrypted key with password matches its certificate"
run 0 inspect "$pki/client.pem" "$pki/client-key-enc.pem" --password cassandra
out "decrypts           yes"; out "matches            certificate 1 (CN=driver"
run 0 inspect --json "$pki/client.pem" "$pki/client-key-enc.pem" --password cassandra
json "d['keys'][0]['decrypts'] is True and d['keys'][0]['matches_index'] == 1 and d['keys'][0]['key'] == 'RSA 2048 bits'"
no_out cassandra

t "inspect: key that matches no certificate"
run 0 inspect --json "$pki/ca.pem" "$pki/client-key.pem"
json "d['keys'][0]['matches'] == 'none of the certificates given'"

t "inspect: wrong key password"
run 3 inspect "$pki/client-key-enc.pem" --password wrong
error_line CASS_ERROR_SSL_INVALID_PRIVATE_KEY "Unable to load private key"
err "wrong password: decryption failed"; hint "the password does not decrypt the key: check --password"

t "inspect: traditional Proc-Type key"
openssl rsa -in "$pki/client-key.pem" -aes256 -traditional -passout pass:secret -out "$tmp/trad.pem" 2>/dev/null
run 0 inspect --json "$tmp/trad.pem" --password secret
json "d['keys'][0]['format'] == 'PKCS#1 (RSA)' and d['keys'][0]['scheme'] == 'PEM Proc-Type encryption, AES-256-CBC' and d['keys'][0]['decrypts']"

t "inspect: damaged traditional key (partial cipher block) is refused, not decrypted"
awk 'BEGIN{b=0} /^-----END/{print "mdOmI0j+zdba4ssvUrNIWybv"; print; next} b==1{next} /^$/{print; b=1; next} {print}' "$tmp/trad.pem" >"$tmp/trad-short.pem"
run 3 inspect "$tmp/trad-short.pem" --password secret
error_line CASS_ERROR_SSL_INVALID_PRIVATE_KEY "Unable to load private key"
err "damaged encrypted private key: 18 bytes of AES-256-CBC ciphertext is not a whole number of 16-byte blocks"
hint "the key file is damaged"

t "inspect: damaged traditional key, no blank line, base64 glued to the END line"
printf -- '-----BEGIN RSA PRIVATE KEY-----\nDEK-Info: DES-CBC,5804D784CD79FCFC\nCYWM90/nqFmQpEW+5nnLFKEY-----END RSA PRIVATE KEY-----' >"$tmp/glued.pem"
run 3 inspect "$tmp/glued.pem" --password secret
err "damaged encrypted private key: 18 bytes of DES-CBC ciphertext is not a whole number of 8-byte blocks"

t "inspect: a scheme GnuTLS cannot read is named"
openssl pkcs8 -topk8 -in "$pki/client-key.pem" -v2 camellia-256-cbc -passout pass:secret -out "$tmp/camellia.pem" 2>/dev/null
run 3 inspect "$tmp/camellia.pem" --password secret
error_line CASS_ERROR_SSL_INVALID_PRIVATE_KEY "Unable to load private key"
err "GnuTLS cannot decrypt the scheme PBES2 with Camellia-256-CBC"; hint "re-encrypt the key"

t "inspect: mixed PEM (certificate and key in one file)"
cat "$pki/client.pem" "$pki/client-key.pem" >"$tmp/mixed.pem"
run 0 inspect --json "$tmp/mixed.pem"
json "d['files'][0]['certificates'] == 1 and d['files'][0]['keys'] == 1 and d['keys'][0]['matches_index'] == 1"

t "inspect: DER private key"
certtool -k --infile "$pki/client-key.pem" --outder --outfile "$tmp/key.der" >/dev/null 2>&1
run 0 inspect --json "$tmp/key.der"
json "d['keys'][0]['decrypts'] and d['keys'][0]['key'] == 'RSA 2048 bits'"

# ---- inspect: PKCS#12 -----------------------------------------------------------------
if [ -f "$pki/jks/keystore-driver.p12" ]; then
  t "inspect: keytool PKCS#12 with password"
  run 0 inspect --json "$pki/jks/keystore-driver.p12" --password cassandra
  json "d['files'][0]['format'] == 'PKCS#12' and len(d['keys']) == 1 and d['keys'][0]['matches_index'] == 1"
  json "d['certificates'][0]['subject'].startswith('CN=driver')"
  t "inspect: PKCS#12 without password"
  run 3 inspect "$pki/jks/keystore-driver.p12"
  error_line CASS_ERROR_SSL_INVALID_CERT "Unable to load certificate"; hint "the PKCS#12 file is encrypted: pass --password"
  t "inspect: PKCS#12 wrong password"
  run 3 inspect "$pki/jks/keystore-driver.p12" --password nope
  hint "the password does not open the PKCS#12 file"
fi
openssl pkcs12 -export -in "$pki/client.pem" -inkey "$pki/client-key.pem" -certfile "$pki/ca.pem" \
  -passout pass:secret -out "$tmp/openssl.p12" 2>/dev/null
t "inspect: openssl PKCS#12"
run 0 inspect --json "$tmp/openssl.p12" --password secret
json "len(d['certificates']) == 2 and d['keys'][0]['matches_index'] == 1 and 'SHA256' in d['files'][0]['pkcs12_mac']"

# ---- inspect --match (the library's identity rules) -----------------------------------
t "match: IP SAN";        run 0 inspect "$pki/server-ip.pem" --match 127.0.0.1; out "matched by         IP SAN 127.0.0.1"
t "match: IPv6 SAN";      run 0 inspect --json "$pki/server-ip.pem" --match ::1; json "d['match']['matched'] and d['match']['rules'].startswith('IP')"
t "match: IP mismatch";   run 6 inspect "$pki/server-ip.pem" --match 10.1.2.3
error_line CASS_ERROR_SSL_IDENTITY_MISMATCH "Certificate does not match host or IP address"
hint "the certificate holds CN=127.0.0.1, IP:127.0.0.1, IP:::1, not 10.1.2.3"
t "match: CN only";       run 0 inspect "$pki/server-cn-only.pem" --match 127.0.0.1; out "the subject CN"
t "match: SAN overrides CN"; run 6 inspect --json "$pki/server-san-override.pem" --match 127.0.0.1
json "d['match']['matched'] is False and d['match']['error'] == 'CASS_ERROR_SSL_IDENTITY_MISMATCH'"
t "match: DNS SAN";       run 0 inspect "$pki/server-dns.pem" --match node.cassl.test; out "DNS SAN node.cassl.test"
t "match: DNS case and trailing dot"; run 0 inspect "$pki/server-dns.pem" --match NODE.cassl.TEST.
t "match: DNS mismatch";  run 6 inspect "$pki/server-dns.pem" --match other.cassl.test
hint "not other.cassl.test"
t "match: invalid name";  run 6 inspect "$pki/server-dns.pem" --match 'node .cassl.test'
t "match: on a file that does not load"; run 3 inspect "$tmp/garbage" --match 127.0.0.1

# ---- demo -----------------------------------------------------------------------------
t "demo"
mkdir "$tmp/demo-tmp"
start=$(date +%s)
TMPDIR="$tmp/demo-tmp" run 0 demo
end=$(date +%s)
[ -n "${CASSL_TOOL_VALGRIND:-}" ] || [ $((end - start)) -le 10 ] || fail "demo took $((end - start)) s"
out "every step behaved as expected"; out "answer             READY"
out "== 2. untrusted CA"; out "error: CASS_ERROR_SSL_INVALID_PEER_CERT: Invalid peer certificate"
out "hint: the CA file does not contain the issuer CN=cassl demo CA"
out "error: CASS_ERROR_SSL_IDENTITY_MISMATCH: Certificate does not match host or IP address"
out "error: CASS_ERROR_SSL_INVALID_PRIVATE_KEY: Unable to load private key"
# The node's side of each step.
out "node: answered 2 CQL frames, then the client closed the session"
out "node: the client left during the handshake with the fatal alert unknown_ca (CA is unknown)"
out "node: the client left during the handshake with the fatal alert bad_certificate"
out "node: no connection (the client stopped before it)"
[ -z "$(ls -A "$tmp/demo-tmp")" ] || fail "demo left files: $(ls -A "$tmp/demo-tmp")"

finish
