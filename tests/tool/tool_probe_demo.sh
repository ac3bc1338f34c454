#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# cassl probe against the demo's TLS CQL responder (client certificate required): success,
# --json, every local-credential failure, peer verification failures, password handling.
. "${CASSL_SRCDIR:-.}/tests/tool/tool_lib.sh"

demo="$tmp/demo"
mkdir "$demo"
mkfifo "$tmp/ctl"
"$CASSL" demo --serve "$demo" <"$tmp/ctl" >"$tmp/serve.out" 2>"$tmp/serve.err" &
server=$!
exec 9>"$tmp/ctl" # the responder runs while this stays open
stop_server() { exec 9>&- ; wait "$server" 2>/dev/null; }
cleanup_hooks="stop_server"
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/^PORT \([0-9]*\)$/\1/p' "$tmp/serve.out")
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { echo "the demo responder did not start:" >&2; cat "$tmp/serve.err" >&2; exit 1; }
target="127.0.0.1:$port"
# The responder logs "node: ..." as each connection ends. mark_node notes how many lines
# there are; node_saw TEXT waits for a later line holding TEXT.
mark_node() { node_mark=$(grep -c '^node: ' "$tmp/serve.out"); }
node_saw() {
  for _ in $(seq 1 100); do
    grep '^node: ' "$tmp/serve.out" | tail -n +$((node_mark + 1)) | grep -qF -- "$1" && return 0
    sleep 0.05
  done
  fail "the node did not log: $1 (it logged: $(grep '^node: ' "$tmp/serve.out" | tail -n +$((node_mark + 1))))"
}
password=$(cat "$demo/client.key.password")
creds="--ca $demo/ca.pem --cert $demo/client.pem --key $demo/client.key"

t "driver's flow: peer-cert,peer-identity, password file"
mark_node
run 0 probe $creds --key-password-file "$demo/client.key.password" --verify peer-cert,peer-identity "$target"
out "address            $target"; out "TLS version        TLS1.3"; out "client cert sent   yes"
out "peer-cert          ok"; out "peer-identity      ok: the connected address 127.0.0.1 is in the certificate"
out "CQL_VERSION        3.4.5"; out "STARTUP            CQL_VERSION 3.4.5"; out "answer             READY"
out "subject            CN=127.0.0.1"; out "SANs               IP:127.0.0.1"; out "result             ok"
no_out "$password"; no_err "$password"
node_saw "answered 2 CQL frames, then the client closed the session"

t "--json"
run 0 probe $creds --key-password-file "$demo/client.key.password" --verify peer-cert,peer-identity --json "$target"
json "d['ok'] and d['exit_code'] == 0 and 'error' not in d"
json "d['connection']['address'] == '$target' and d['connection']['tls_version'] == 'TLS1.3'"
json "d['connection']['client_cert_sent'] is True and d['connection']['client_cert_requested'] is True"
json "d['connection']['cipher_suite'].startswith('TLS_') and d['connection']['key_exchange'] != ''"
json "[(c['name'], c['result']) for c in d['checks']] == [('peer-cert', 'ok'), ('peer-identity', 'ok')]"
json "d['peer_chain'][0]['subject'] == 'CN=127.0.0.1' and d['peer_chain'][0]['sans'] == ['IP:127.0.0.1']"
json "len(d['peer_chain'][0]['sha256']) == 95 and d['peer_chain'][0]['pin'].startswith('sha256//')"
json "d['cql']['supported']['CQL_VERSION'] == ['3.4.5'] and d['cql']['answer'] == 'READY'"
no_out "$password"

t "password from --key-password"
run 0 probe $creds --key-password "$password" --quiet "$target"
[ ! -s "$tmp/out" ] || fail "--quiet printed something"
no_err "$password"

t "password from CASSL_KEY_PASSWORD"
CASSL_KEY_PASSWORD="$password" run 0 probe $creds --no-cql --quiet "$target"

t "TLS 1.2 only"
run 0 probe $creds --key-password "$password" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2' --json "$target"
json "d['connection']['tls_version'] == 'TLS1.2' and d['cql']['answer'] == 'READY'"

t "--min-tls 1.3"
run 0 probe $creds --key-password "$password" --min-tls 1.3 --no-cql --json "$target"
json "d['connection']['tls_version'] == 'TLS1.3' and 'cql' not in d"

t "--repeat"
run 0 probe $creds --key-password "$password" --repeat 3 --json "$target"
json "d['repeat']['requested'] == 3 and d['repeat']['completed'] == 3 and len(d['repeat']['connections']) == 3"
json "d['repeat']['resumed'] == sum(1 for c in d['repeat']['connections'] if c['resumed']) and all(c['handshake_us'] > 0 for c in d['repeat']['connections'])"
json "d['repeat']['resumed'] == 3"
run 0 probe $creds --key-password "$password" --repeat 2 "$target"
out "reconnections"; out "completed          2"; out "resumed            2"

t "--repeat: resumed sessions are still verified (peer-identity)"
run 0 probe $creds --key-password "$password" --verify peer-cert,peer-identity --repeat 2 --no-cql --json "$target"
json "d['repeat']['resumed'] == 2"

t "--repeat: TLS 1.2 resumption"
run 0 probe $creds --key-password "$password" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2' --repeat 2 --json "$target"
json "d['connection']['tls_version'] == 'TLS1.2' and d['repeat']['resumed'] == 2"

t "--no-resume"
run 0 probe $creds --key-password "$password" --no-resume --repeat 2 --json "$target"
json "d['repeat']['completed'] == 2 and d['repeat']['resumed'] == 0"

t "--repeat: a bad value"
run 2 probe --repeat 0 "$target"; err "invalid --repeat '0'"

# ---- beyond the driver: PKCS#12, pins, system CA store -----------------------------------
openssl pkcs12 -export -in "$demo/client.pem" -inkey "$demo/client.key" -passin "pass:$password" \
  -passout "pass:$password" -out "$tmp/client.p12" 2>/dev/null
t "--pkcs12"
run 0 probe --ca "$demo/ca.pem" --pkcs12 "$tmp/client.p12" --key-password-file "$demo/client.key.password" --json "$target"
json "d['connection']['client_cert_sent'] and d['cql']['answer'] == 'READY'"
t "--pkcs12 without password"
run 3 probe --ca "$demo/ca.pem" --pkcs12 "$tmp/client.p12" "$target"
error_line CASS_ERROR_SSL_INVALID_PRIVATE_KEY "Unable to load private key"
hint "the PKCS#12 file is protected: pass --key-password"
t "--pkcs12 wrong password"
run 3 probe --ca "$demo/ca.pem" --pkcs12 "$tmp/client.p12" --key-password nope "$target"
hint "does not open the PKCS#12 file"
t "--pkcs12 not PKCS#12"
run 3 probe --ca "$demo/ca.pem" --pkcs12 "$demo/ca.pem" --key-password x "$target"
error_line CASS_ERROR_SSL_INVALID_CERT "Unable to load certificate"; hint "must be a PKCS#12 file"
t "--pkcs12 with --cert"
run 2 probe --pkcs12 "$tmp/client.p12" $creds "$target"; err "not both"

pin=$("$CASSL" inspect --json "$demo/node.pem" | python3 -c 'import json,sys; print(json.load(sys.stdin)["certificates"][0]["pin"])')
other_pin=$("$CASSL" inspect --json "$demo/ca.pem" | python3 -c 'import json,sys; print(json.load(sys.stdin)["certificates"][0]["pin"])')
t "--pin: the node's key, no CA needed"
run 0 probe --verify none --pin "$pin" --cert "$demo/client.pem" --key "$demo/client.key" --key-password "$password" --json "$target"
json "d['checks'][0] == {'name': 'pin', 'result': 'ok', 'detail': d['checks'][0]['detail']} and d['checks'][0]['result'] == 'ok'"
t "--pin: another key"
mark_node
run 6 probe --pin "$other_pin" $creds --key-password "$password" "$target"
error_line CASS_ERROR_SSL_INVALID_PEER_CERT "Invalid peer certificate"
hint "the server's public key is not one of the pinned keys"
out "pin                failed"; out "peer-cert          not reached"
node_saw "the client left during the handshake with the fatal alert bad_certificate"
t "--pin: malformed"
run 2 probe --pin sha256//bad "$target"
error_line CASS_ERROR_LIB_BAD_PARAMS "Bad parameters"; hint "a pin is sha256//"

t "--system-ca: the demo CA is not in it"
run_any() { last_cmd="cassl $*"; "$CASSL" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; rc=$?; }
run_any probe --system-ca --cert "$demo/client.pem" --key "$demo/client.key" --key-password "$password" "$target"
case $rc in
  6) hint "the system CA store does not hold the issuer CN=cassl demo CA" ;;
  3) error_line CASS_ERROR_SSL_INVALID_CERT "Unable to load certificate"; hint "no usable system CA store" ;;
  *) fail "exit $rc, expected 6 (system store found) or 3 (none)" ;;
esac

t "--sni"
run 0 probe $creds --key-password "$password" --sni node.example.com --no-cql "$target"

t "--verify none"
run 0 probe --cert "$demo/client.pem" --key "$demo/client.key" --key-password "$password" --verify none "$target"
out "peer-cert          off"

# ---- exit 3: local credentials --------------------------------------------------------
t "encrypted key, no password"
run 3 probe $creds "$target"
error_line CASS_ERROR_SSL_INVALID_PRIVATE_KEY "Unable to load private key"
hint "the key is encrypted: pass --key-password"

t "wrong key password"
run 3 probe $creds --key-password not-it "$target"
error_line CASS_ERROR_SSL_INVALID_PRIVATE_KEY "Unable to load private key"
hint "the key password given by --key-password does not decrypt the key"
no_err not-it

t "wrong password from the environment"
CASSL_KEY_PASSWORD=not-it run 3 probe $creds "$target"
hint "given by CASSL_KEY_PASSWORD does not decrypt"

t "world-readable password file"
cp "$demo/client.key.password" "$tmp/open.pass"; chmod 644 "$tmp/open.pass"
run 3 probe $creds --key-password-file "$tmp/open.pass" "$target"
err "warning: password file $tmp/open.pass is readable by everyone (mode 0644); refusing to use it"
error_line CASS_ERROR_SSL_INVALID_PRIVATE_KEY "Unable to load private key"
hint "chmod 600 $tmp/open.pass"; no_err "$password"

t "group-readable password file"
chmod 640 "$tmp/open.pass"
run 3 probe $creds --key-password-file "$tmp/open.pass" "$target"
err "warning: password file $tmp/open.pass is readable by its group (mode 0640); refusing to use it"
error_line CASS_ERROR_SSL_INVALID_PRIVATE_KEY "Unable to load private key"
hint "chmod 600 $tmp/open.pass"; no_err "$password"

t "missing password file"
run 3 probe $creds --key-password-file "$tmp/none.pass" "$target"
hint "cannot read the password file $tmp/none.pass"

t "key of another certificate"
run 3 probe --ca "$demo/ca.pem" --cert "$demo/client.pem" --key "$demo/node.key" "$target"
error_line CASS_ERROR_SSL_INVALID_PRIVATE_KEY "Unable to load private key"
hint "the key does not belong to the certificate"

t "unreadable CA file"
run 3 probe --ca "$tmp/nope.pem" "$target"
error_line CASS_ERROR_SSL_INVALID_CERT "Unable to load certificate"; hint "check the path and permissions of $tmp/nope.pem"

t "CA file without certificates"
printf 'not a certificate\n' >"$tmp/empty.pem"
run 3 probe --ca "$tmp/empty.pem" "$target"
error_line CASS_ERROR_SSL_INVALID_CERT "Unable to load certificate"; hint "must hold PEM certificates"

t "certificate file without certificates"
run 3 probe --ca "$demo/ca.pem" --cert "$tmp/empty.pem" --key "$demo/node.key" "$target"
error_line CASS_ERROR_SSL_INVALID_CERT "Unable to load certificate"; hint "--cert $tmp/empty.pem must hold"

t "key file without a key"
run 3 probe --ca "$demo/ca.pem" --cert "$demo/client.pem" --key "$tmp/empty.pem" "$target"
error_line CASS_ERROR_SSL_INVALID_PRIVATE_KEY "Unable to load private key"; hint "must hold a PEM private key"

t "local failure in --json"
run 3 probe $creds --json "$target"
json "d['ok'] is False and d['exit_code'] == 3 and d['error']['name'] == 'CASS_ERROR_SSL_INVALID_PRIVATE_KEY'"
json "d['error']['description'] == 'Unable to load private key' and 'pass --key-password' in d['error']['hint']"

# ---- exit 5: the server wants a client certificate ------------------------------------
t "no client certificate (TLS 1.3: refused after the handshake)"
run 5 probe --ca "$demo/ca.pem" "$target"
error_line CASS_ERROR_SSL_PROTOCOL_ERROR "Protocol error"
hint "the server asked for a client certificate"
t "no client certificate, --no-cql"
run 5 probe --ca "$demo/ca.pem" --no-cql "$target"
hint "the server asked for a client certificate"
t "no client certificate (TLS 1.2: refused in the handshake)"
mark_node
run 5 probe --ca "$demo/ca.pem" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2' "$target"
hint "the server asked for a client certificate"
node_saw "refused the client in the handshake"

# ---- exit 6: verification -------------------------------------------------------------
t "untrusted CA"
mark_node
run 6 probe --ca "$demo/other-ca.pem" --cert "$demo/client.pem" --key "$demo/client.key" --key-password "$password" "$target"
error_line CASS_ERROR_SSL_INVALID_PEER_CERT "Invalid peer certificate"
hint "the CA file does not contain the issuer CN=cassl demo CA"
out "peer-cert          failed"
node_saw "the client left during the handshake with the fatal alert unknown_ca (CA is unknown)"

t "no CA at all"
run 6 probe --cert "$demo/client.pem" --key "$demo/client.key" --key-password "$password" "$target"
error_line CASS_ERROR_SSL_INVALID_PEER_CERT "Invalid peer certificate"
hint "no --ca given"

t "DNS identity mismatch"
mark_node
run 6 probe $creds --key-password "$password" --verify peer-cert,peer-identity-dns --hostname node1.example.com "$target"
error_line CASS_ERROR_SSL_IDENTITY_MISMATCH "Certificate does not match host or IP address"
hint "the certificate holds CN=127.0.0.1, IP:127.0.0.1, but the host name checked was node1.example.com"
out "peer-cert          ok"; out "peer-identity-dns  failed"
node_saw "fatal alert bad_certificate"

t "DNS identity without a host name"
run 6 probe $creds --key-password "$password" --verify peer-identity-dns --json "$target"
json "d['error']['name'] == 'CASS_ERROR_SSL_IDENTITY_MISMATCH' and '--hostname' in d['error']['hint']"
json "d['checks'][-1] == {'name': 'peer-identity-dns', 'result': 'failed', 'detail': d['error']['detail']}"

t "both identity flags: the IP check is made"
run 0 probe $creds --key-password "$password" --verify peer-cert,peer-identity,peer-identity-dns --hostname wrong.example.com --no-cql "$target"
out "peer-identity-dns  not made"

finish
