#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# cassl pki: the command line, the files and their modes, secrets, --force, renew, revoke,
# and pki check's table, --json and failures (each its exit code and sentence). The files'
# real readers (JSSE, keytool, gnutls-serv, openssl) are in test_tool_pki.
. "${CASSL_SRCDIR:-.}/tests/tool/tool_lib.sh"

d="$tmp/cluster"
mode() { stat -c %a "$1"; }
serial() { openssl x509 -in "$1" -noout -serial | sed 's/^serial=//'; }

# ---- usage -------------------------------------------------------------------------------
t "pki: no subcommand";       run 2 pki;                               err "usage: cassl pki ca DIR"
t "pki --help";               run 0 pki --help;                        out "cassl pki check DIR"; out "--password-file FILE"
t "help lists pki";           run 0 help;                              out "pki SUBCOMMAND DIR"
t "pki: unknown subcommand";  run 2 pki frob "$d";                     err "unknown subcommand 'frob'"
t "pki: missing DIR";         run 2 pki ca;                            err "ca: missing DIR"
t "pki node: no node";        run 2 pki node "$d";                     err "node: missing NAME=ADDRESS"
t "pki node: no address";     run 2 pki node "$d" node1;               err "invalid node 'node1'"
t "pki node: bad name";       run 2 pki node "$d" ../x=10.0.0.1;       err "invalid node name '../x'"
t "pki node: bad address";    run 2 pki node "$d" n1=10.0.0.1,bad_name!; err "invalid address 'bad_name!' for n1"
t "pki: bad key type";        run 2 pki ca "$d" --key-type dsa;        err "invalid --key-type 'dsa'"
t "pki: bad days";            run 2 pki ca "$d" --days 0;              err "invalid --days '0'"
t "pki client: bad name";     run 2 pki client "$d" 'a/b';             err "invalid client name 'a/b'"
t "pki check: bad --expect";  run 2 pki check "$d" --expect node1;     err "invalid --expect 'node1'"
t "pki check: no DIR";        run 2 pki check;                         err "missing DIR"
[ ! -e "$d" ] || fail "a usage error made $d"

# ---- a cluster, one command; a driver identity, one command -------------------------------
t "pki node: three nodes and their CA"
run 0 pki node "$d" node1=127.0.0.1,::1,node1.example.com node2=10.0.0.2 node3=10.0.0.3,fd00::3
out "node node1: CN=127.0.0.1, IP:127.0.0.1, IP:::1, DNS:node1.example.com"
out "node node3: CN=10.0.0.3, IP:10.0.0.3, IP:fd00::3"
out "CA $d/ca.pem made for them"
t "pki client: the driver's identity"
run 0 pki client "$d" app
out "client app: CN=app"; out "cass_ssl_set_private_key(client.key"

t "pki: modes (keys, stores and passwords 0600, directories 0700)"
for f in ca/ca.key ca/ca.password truststore.p12 truststore.password \
         nodes/node1/keystore.p12 nodes/node1/keystore.pem nodes/node1/node.key \
         nodes/node1/keystore.password clients/app/client.key clients/app/client.key.password \
         clients/app/client.p12; do
  [ "$(mode "$d/$f")" = 600 ] || fail "$f is mode $(mode "$d/$f"), not 600"
done
for f in ca.pem nodes/node1/node.pem clients/app/client.pem nodes/node1/cassandra.yaml; do
  [ "$(mode "$d/$f")" = 644 ] || fail "$f is mode $(mode "$d/$f"), not 644"
done
for f in "" /ca /nodes /nodes/node1 /clients/app; do
  [ "$(mode "$d$f")" = 700 ] || fail "$d$f is mode $(mode "$d$f"), not 700"
done
[ -z "$(find "$d" -name '*.tmp.*')" ] || fail "temporary files left: $(find "$d" -name '*.tmp.*')"

t "pki: generated passwords are strong and never printed"
pw=$(cat "$d/nodes/node1/keystore.password")
printf '%s' "$pw" | grep -qxE '[A-Za-z0-9]{32}' || fail "password is not 32 letters and digits"
[ "$pw" != "$(cat "$d/nodes/node2/keystore.password")" ] || fail "two nodes share a password"
grep -rqF -- "$pw" "$d"/nodes/*/*.yaml && fail "a snippet holds the password"
grep -qF "keystore_password is in the file $d/nodes/node1/keystore.password" \
  "$d/nodes/node1/cassandra.yaml" || fail "cassandra.yaml does not say where the password is"

t "pki: the formats, as the library reads them"
run 0 inspect --json --password "$pw" "$d/nodes/node1/keystore.pem"
# PKCS#12 3DES: the encryption Cassandra's PEM reader can look up in the JDK (test_tool_pki).
json "d['keys'][0]['format'] == 'PKCS#8 (encrypted)' and d['keys'][0]['scheme'].startswith('PKCS12-3DES')"
json "[c['role'] for c in d['certificates']] == ['leaf', 'CA (self-signed root)'] and d['keys'][0]['matches_index'] == 1"
json "d['certificates'][0]['sans'] == ['IP:127.0.0.1', 'IP:::1', 'DNS:node1.example.com']"
run 0 inspect --json --password "$pw" "$d/nodes/node1/keystore.p12"
json "d['files'][0]['pkcs12_mac'].startswith('SHA256') and d['files'][0]['pkcs12_key_encryption'].startswith('PBES2-AES256')"
json "d['files'][0]['pkcs12_cert_encryption'].startswith('PBES2-AES256') and len(d['certificates']) == 2"
run 0 inspect --json "$d/nodes/node1/node.pem" "$d/nodes/node1/node.key"
json "d['keys'][0]['format'] == 'PKCS#8' and not d['keys'][0]['encrypted'] and d['keys'][0]['matches_index'] == 1"
run 0 inspect --json --password "$(cat "$d/clients/app/client.key.password")" "$d/clients/app/client.pem" "$d/clients/app/client.key"
json "d['keys'][0]['format'] == 'PKCS#8 (encrypted)' and d['keys'][0]['matches_index'] == 1"
run 0 inspect --json "$d/ca.pem"
json "d['certificates'][0]['key'].startswith('EC') and 'SECP256R1' in d['certificates'][0]['key']"
openssl x509 -in "$d/nodes/node1/node.pem" -noout -ext extendedKeyUsage 2>/dev/null | grep -q "TLS Web Server Authentication, TLS Web Client Authentication" \
  || fail "the node certificate is not for TLS servers and clients"
openssl x509 -in "$d/clients/app/client.pem" -noout -ext extendedKeyUsage 2>/dev/null | grep -qx " *TLS Web Client Authentication" \
  || fail "the client certificate is not for TLS clients only"

t "pki check: every file loads, pairs, chains and names its addresses"
run 0 pki check "$d"
out "nodes/node1/keystore.p12             ok    ok    ok      ok    "
out "nodes/node3/node.pem + node.key      ok    ok    ok      ok    "
out "truststore.p12                       ok    -     CA      -     "
out "clients/app/client.p12               ok    ok    ok      -     "
run 0 pki check --json "$d"
json "d['ok'] and len(d['files']) == 2 + 3 * 3 + 2 and all(f['loads'] for f in d['files'])"
json "[f['names_checked'] for f in d['files'] if f['entity'] == 'node node3'] == ['10.0.0.3,fd00::3'] * 3"

# ---- nothing overwritten without --force -----------------------------------------------
t "pki: an existing file without --force"
before=$(cd "$d" && find . -type f | sort | xargs sha256sum)
run 3 pki node "$d" node1=127.0.0.1
error_line CASS_ERROR_LIB_BAD_PARAMS "Bad parameters"
err "detail: $d/nodes/node1/keystore.password exists, and cassl pki overwrites nothing without --force"
no_out "node node1"
hint "nothing was written; pass --force"
run 3 pki ca "$d";            err "detail: $d/ca.pem exists"
run 3 pki client "$d" app;    err "detail: $d/clients/app/client.key.password exists"
[ "$before" = "$(cd "$d" && find . -type f | sort | xargs sha256sum)" ] || fail "files changed"

t "pki: --force replaces a node's files"
old=$(serial "$d/nodes/node2/node.pem")
run 0 pki node "$d" node2=10.0.0.2,node2.example.com --force
[ "$old" != "$(serial "$d/nodes/node2/node.pem")" ] || fail "same certificate after --force"
run 0 pki check "$d"

# ---- the wrong password, a missing file, an address not in the SANs ---------------------
t "pki check: a wrong password"
cp "$d/nodes/node2/keystore.password" "$tmp/saved.password"
printf 'not-the-password\n' > "$d/nodes/node2/keystore.password"
run 3 pki check "$d"
error_line CASS_ERROR_SSL_INVALID_CERT "Unable to load certificate"
err "detail: nodes/node2/keystore.p12 does not open with the password in nodes/node2/keystore.password: "
hint "the password file and the store belong together"
out "nodes/node2/keystore.p12             NO "
run 3 pki check --json "$d"
json "not d['ok'] and [f['loads'] for f in d['files'] if f['entity'] == 'node node2'] == [False, False, True]"
json "[f['error'] for f in d['files'] if f['file'] == 'nodes/node2/keystore.pem'] == ['CASS_ERROR_SSL_INVALID_PRIVATE_KEY']"
cp "$tmp/saved.password" "$d/nodes/node2/keystore.password"

t "pki: the CA key with a wrong password"
printf 'wrong\n' > "$tmp/wrong.password"; chmod 600 "$tmp/wrong.password"
run 3 pki client "$d" other --ca-password-file "$tmp/wrong.password"
error_line CASS_ERROR_SSL_INVALID_PRIVATE_KEY "Unable to load private key"
err "detail: the CA key $d/ca/ca.key does not decrypt with the password from $tmp/wrong.password: "
hint "give the CA key's password with --ca-password-file"
[ ! -e "$d/clients/other" ] || fail "files were written with a wrong CA password"

t "pki: a password file others can read"
chmod 644 "$tmp/wrong.password"
run 3 pki client "$d" other --password-file "$tmp/wrong.password"
err "refusing to use it"; hint "make the password file private: chmod 600 $tmp/wrong.password"

t "pki check: a missing file"
mv "$d/nodes/node1/keystore.pem" "$tmp/keystore.pem"
run 3 pki check "$d"
error_line CASS_ERROR_SSL_INVALID_CERT "Unable to load certificate"
err "detail: nodes/node1/keystore.pem is missing"; hint "cassl pki renew DIR NAME"
mv "$tmp/keystore.pem" "$d/nodes/node1/keystore.pem"
run 3 pki check "$tmp/nowhere";  err "detail: ca.pem is missing"

t "pki check: an IP that is not in the node's SANs"
run 6 pki check "$d" --expect node1=127.0.0.1,10.9.9.9
error_line CASS_ERROR_SSL_IDENTITY_MISMATCH "Certificate does not match host or IP address"
err "detail: the certificate in nodes/node1/keystore.p12 does not hold IP 10.9.9.9 (it holds CN=127.0.0.1, IP:127.0.0.1, IP:::1, DNS:node1.example.com)"
hint "cassl pki node $d node1=127.0.0.1,10.9.9.9 --force"
out "nodes/node1/keystore.p12             ok    ok    ok      NO    "
run 6 pki check --json "$d" --expect node1=::1,node1.example.com,::2
json "not d['ok'] and [f['names'] for f in d['files'] if f['entity'] == 'node node1'] == ['NO'] * 3"
run 0 pki check "$d" --expect node1=::1,node1.example.com
run 3 pki check "$d" --expect node9=10.0.0.9;  err "has no node node9"

# ---- secrets from a file or the environment ---------------------------------------------
t "pki: the stores' password from a file"
printf 'a file password 1\n' > "$tmp/mine.password"; chmod 600 "$tmp/mine.password"
run 0 pki client "$d" fromfile --password-file "$tmp/mine.password"
[ ! -e "$d/clients/fromfile/client.key.password" ] || fail "a given password was written again"
run 0 inspect --password "a file password 1" "$d/clients/fromfile/client.key"
run 3 pki check "$d";  err "clients/fromfile/client.key.password is missing and no password was given"
run 0 pki check "$d" --password-file "$tmp/mine.password"

t "pki: the stores' password from the environment"
CASSL_PKI_PASSWORD="an env password 2" run 0 pki client "$d" fromenv
run 0 inspect --password "an env password 2" "$d/clients/fromenv/client.p12"
CASSL_PKI_PASSWORD="" run 3 pki client "$d" empty; err "CASSL_PKI_PASSWORD is set but empty"
rm -rf "$d/clients/fromfile" "$d/clients/fromenv"

t "pki ca: RSA 3072 and a chosen validity"
run 0 pki ca "$tmp/rsa" --key-type rsa-3072 --days 400 --ca-name "Example Ops CA"
run 0 inspect --json "$tmp/rsa/ca.pem"
json "d['certificates'][0]['key'].startswith('RSA 3072') and d['certificates'][0]['subject'] == 'CN=Example Ops CA'"
days=$(python3 -c "import json,datetime as t; c=json.load(open('$tmp/out'))['certificates'][0]; f=lambda s: t.datetime.strptime(s[:19], '%Y-%m-%d %H:%M:%S'); print((f(c['not_after'])-f(c['not_before'])).days)")
[ "$days" = 400 ] || fail "the CA is valid $days days, not 400 (and an hour)"
run 0 pki node "$tmp/rsa" n1=192.0.2.1 --key-type rsa-2048 --days 30
run 0 inspect --json "$tmp/rsa/nodes/n1/node.pem"
json "d['certificates'][0]['key'].startswith('RSA 2048')"
run 0 pki check "$tmp/rsa"

# ---- renew and revoke --------------------------------------------------------------------
t "pki renew: a new key and certificate, the same names and password"
old=$(serial "$d/nodes/node3/node.pem"); oldkey=$(sha256sum < "$d/nodes/node3/node.key")
pw3=$(cat "$d/nodes/node3/keystore.password")
run 0 pki renew "$d" node3 app
out "node node3: CN=10.0.0.3, IP:10.0.0.3, IP:fd00::3"; out "client app: CN=app"
[ "$old" != "$(serial "$d/nodes/node3/node.pem")" ] || fail "renew kept the certificate"
[ "$oldkey" != "$(sha256sum < "$d/nodes/node3/node.key")" ] || fail "renew kept the key"
[ "$pw3" = "$(cat "$d/nodes/node3/keystore.password")" ] || fail "renew changed the password"
run 0 pki check "$d"
run 3 pki renew "$d" nosuch;  err "has no node or client named nosuch"

t "pki revoke: the CRL, read by the library and by probe --crl"
run 0 pki revoke "$d" node2
out "node node2: revoked in $d/crl.pem"
openssl crl -in "$d/crl.pem" -noout -text | grep -qi "$(serial "$d/nodes/node2/node.pem")" || fail "serial not in the CRL"
run 0 pki revoke "$d" node2;  out "was already revoked"
run 0 pki revoke "$d" app
[ "$(openssl crl -in "$d/crl.pem" -noout -text | grep -c 'Serial Number')" = 2 ] || fail "the CRL lost an entry"
run 3 pki check "$d"
err "detail: the certificate in nodes/node2/keystore.p12 is revoked by crl.pem"
out "crl.pem                              ok    -     ok      -     "
run 0 pki renew "$d" node2 app
run 0 pki check "$d"

finish
