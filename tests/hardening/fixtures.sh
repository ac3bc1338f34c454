#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# Makes the hardening tests' fixtures in DIR (default $CASSL_FIXTURES/hardening): a CA, a server
# certificate (node1.example.com), a client certificate and its key in several encodings
# (plain, PKCS#8 PBES2 and PBES1, traditional Proc-Type, the guide's PKCS#12 -> encrypted
# PEM, and PKCS#12), a second key and certificate that match nothing else, a CRL of the CA
# and the server key's pin. Safe to run in parallel: built in a private directory, renamed into place.
# Exit status: 0 ready, 77 a needed tool is missing, 1 failure.
set -eu
dir=${1:-${CASSL_FIXTURES:?CASSL_FIXTURES or a directory argument is needed}/hardening}
stamp=.complete-v4   # bump when the set of fixtures changes
[ -f "$dir/$stamp" ] && exit 0
# An older set: replaced (tests read their fixtures into memory once, at start).
if [ -d "$dir" ] && mv "$dir" "$dir.old.$$" 2>/dev/null; then rm -rf "$dir.old.$$"; fi
for tool in certtool openssl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "hardening/fixtures.sh: $tool not found" >&2; exit 77; }
done
parent=$(dirname "$dir")
mkdir -p "$parent"
work=$(mktemp -d "$parent/.hardening.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
pass=hardening-Pass-7q

cat > ca.tmpl <<T
cn = "Hardening CA"
ca
cert_signing_key
crl_signing_key
expiration_days = 3650
T
cat > server.tmpl <<T
cn = "node1.example.com"
dns_name = "node1.example.com"
ip_address = "127.0.0.1"
tls_www_server
signing_key
expiration_days = 3650
T
cat > client.tmpl <<T
cn = "client"
tls_www_client
expiration_days = 3650
T
certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile ca.key >/dev/null 2>&1
certtool --generate-self-signed --load-privkey ca.key --template ca.tmpl --outfile ca.out >/dev/null 2>&1
sed -n '/-----BEGIN/,/-----END/p' ca.out > ca.pem
certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile server.key >/dev/null 2>&1
certtool --generate-certificate --load-privkey server.key --load-ca-certificate ca.pem \
  --load-ca-privkey ca.key --template server.tmpl --outfile server.out >/dev/null 2>&1
sed -n '/-----BEGIN/,/-----END/p' server.out > server.pem
# The client key is RSA so its private exponent gives the secret scan a long distinctive window.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out client.key 2>/dev/null
certtool --generate-certificate --load-privkey client.key --load-ca-certificate ca.pem \
  --load-ca-privkey ca.key --template client.tmpl --outfile client.out >/dev/null 2>&1
sed -n '/-----BEGIN/,/-----END/p' client.out > client.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.key 2>/dev/null
openssl req -new -x509 -key other.key -subj /CN=other -days 3650 -out other.pem 2>/dev/null
openssl pkcs8 -topk8 -in other.key -passout pass:$pass -v2 aes-256-cbc -out other-enc.key 2>/dev/null

openssl pkcs8 -topk8 -in client.key -passout pass:$pass -v2 aes-256-cbc -v2prf hmacWithSHA256 \
  -out client-pbes2-aes.key 2>/dev/null
openssl pkcs8 -topk8 -in client.key -passout pass:$pass -v1 PBE-SHA1-3DES \
  -out client-pbes1-3des.key 2>/dev/null
openssl rsa -in client.key -traditional -aes256 -passout pass:$pass \
  -out client-trad-aes.key 2>/dev/null
openssl rsa -in client.key -traditional -des3 -passout pass:$pass \
  -out client-trad-3des.key 2>/dev/null
# The guide's route: PKCS#12 -> encrypted PEM with Bag Attributes before it.
openssl pkcs12 -export -in client.pem -inkey client.key -passout pass:$pass -out client.p12 2>/dev/null
openssl pkcs12 -in client.p12 -nocerts -passin pass:$pass -passout pass:$pass \
  -out client-p12.key 2>/dev/null
printf 'crl_next_update = 3650\ncrl_number = 1\n' > crl.tmpl
certtool --generate-crl --load-ca-privkey ca.key --load-ca-certificate ca.pem \
  --template crl.tmpl --outfile crl.out >/dev/null 2>&1
sed -n '/-----BEGIN/,/-----END/p' crl.out > crl.pem
printf 'sha256//%s' "$(openssl x509 -in server.pem -pubkey -noout |
  openssl pkey -pubin -outform der 2>/dev/null | openssl dgst -sha256 -binary |
  openssl base64 -A)" > server.pin
printf '%s' "$pass" > password
printf 'this is not a certificate\n' > garbage.pem

rm -f ca.out client.out server.out crl.out ca.tmpl client.tmpl server.tmpl crl.tmpl
touch .complete "$stamp"
if mv -T "$work" "$dir" 2>/dev/null; then
  trap - EXIT
else
  [ -f "$dir/$stamp" ] || { echo "hardening/fixtures.sh: cannot create $dir" >&2; exit 1; }
fi
