#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# Builds the fuzzers' seed corpora from real files, made fresh with certtool, openssl and
# (when a JDK is installed) keytool, the way the driver's SSL guide makes them.
#   fuzz/make-corpus.sh OUTDIR
# Writes OUTDIR/trusted_cert, OUTDIR/cert (PEM certificates and bundles),
# OUTDIR/private_key (keys of every scheme, each seed = 1 byte password length, the password,
# then the key: the private-key fuzzer's input layout), OUTDIR/inspect (all of these plus
# PKCS#12 files, in the same password-first layout) and OUTDIR/cql (CQL v4 frames).
# Nothing here is committed.
set -eu
out=${1:?usage: make-corpus.sh OUTDIR}
mkdir -p "$out/trusted_cert" "$out/cert" "$out/private_key" "$out/inspect" "$out/cql" \
  "$out/pkcs12" "$out/crl" "$out/pins" "$out/identity"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
pw=cassandra-fuzz

# --- a CA, a node certificate (CN = IP, IP SAN) and a client certificate -------------------
cat > ca.tmpl <<EOF
cn = "Fuzz Root CA"
ca
cert_signing_key
crl_signing_key
expiration_days = 3650
EOF
cat > node.tmpl <<EOF
cn = "127.0.0.1"
ip_address = "127.0.0.1"
ip_address = "::1"
dns_name = "node1.cluster.example"
dns_name = "*.cluster.example"
tls_www_server
expiration_days = 365
EOF
cat > client.tmpl <<EOF
cn = "client"
organization = "Fuzz"
tls_www_client
expiration_days = 365
EOF
certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile ca.key 2>/dev/null
certtool --generate-self-signed --load-privkey ca.key --template ca.tmpl --outfile ca.pem 2>/dev/null
certtool --generate-privkey --key-type=rsa --bits=2048 --outfile node.key 2>/dev/null
certtool --generate-certificate --load-privkey node.key --load-ca-certificate ca.pem \
  --load-ca-privkey ca.key --template node.tmpl --outfile node.pem 2>/dev/null
certtool --generate-privkey --key-type=ecdsa --curve=secp384r1 --outfile client.key 2>/dev/null
certtool --generate-certificate --load-privkey client.key --load-ca-certificate ca.pem \
  --load-ca-privkey ca.key --template client.tmpl --outfile client.pem 2>/dev/null
openssl genpkey -algorithm ed25519 -out ed.key 2>/dev/null
openssl req -new -x509 -key ed.key -subj /CN=ed25519 -days 30 -out ed.pem 2>/dev/null

# certtool --outfile writes PEM only; strip the text dumps some versions add.
pem_only() { sed -n '/-----BEGIN/,/-----END/p' "$1"; }

for c in ca node client ed; do pem_only $c.pem > c_$c.pem; done
cat c_node.pem c_ca.pem > chain.pem
cat c_client.pem c_ca.pem > client_chain.pem
# Bag Attributes before the PEM, as `openssl pkcs12 -nokeys` writes them.
openssl pkcs12 -export -in c_node.pem -inkey node.key -certfile c_ca.pem -passout pass:$pw \
  -out node.p12 2>/dev/null
openssl pkcs12 -in node.p12 -nokeys -passin pass:$pw -out bags.pem 2>/dev/null
# A few certificates of the system store (real-world extensions and encodings).
sys=/etc/ssl/certs/ca-certificates.crt
[ -r "$sys" ] && awk '/-----BEGIN/{n++} n>=1 && n<=3' "$sys" > system3.pem || : > system3.pem
# DER and text-decorated inputs that must be rejected or skipped.
openssl x509 -in c_node.pem -outform DER -out node.der
openssl x509 -in c_node.pem -text > node_text.pem
{ printf 'garbage before\n'; cat c_ca.pem; printf 'garbage after\n'; } > noise.pem

for f in c_ca.pem c_node.pem c_client.pem c_ed.pem chain.pem client_chain.pem bags.pem \
         system3.pem node.der node_text.pem noise.pem; do
  cp "$f" "$out/trusted_cert/$f"
  cp "$f" "$out/cert/$f"
done

# --- private keys: seed = len(password) byte + password + key -----------------------------
seed() { # seed NAME PASSWORD FILE
  n=$(printf %s "$2" | wc -c)
  { printf "\\$(printf %03o "$n")"; printf %s "$2"; cat "$3"; } > "$out/private_key/$1"
}
pem_only node.key > node_pkcs1.key
seed plain_rsa_pkcs1 "" node_pkcs1.key
seed plain_rsa_certtool_text "" node.key
openssl pkey -in node.key -out node_pkcs8.key 2>/dev/null
seed plain_rsa_pkcs8 "" node_pkcs8.key
seed plain_ec "" client.key
seed plain_ed25519 "" ed.key
openssl ec -in client.key -out client_sec1.key 2>/dev/null
seed plain_ec_sec1 "" client_sec1.key

# PKCS#8 PBES2 and PBES1 (openssl; the legacy provider for the old PBES1 ciphers).
enc8() { # enc8 NAME OPENSSL-ARGS...
  name=$1; shift
  if openssl pkcs8 -topk8 -in client.key -passout pass:$pw "$@" -out "$name.key" 2>/dev/null; then
    seed "$name" "$pw" "$name.key"
    seed "${name}_wrongpw" "not-$pw" "$name.key"
  fi
}
enc8 pbes2_aes256_sha256 -v2 aes-256-cbc -v2prf hmacWithSHA256
enc8 pbes2_aes128_sha1 -v2 aes-128-cbc -v2prf hmacWithSHA1
enc8 pbes2_3des_sha512 -v2 des3 -v2prf hmacWithSHA512
enc8 pbes2_camellia -v2 camellia-256-cbc
enc8 pbes2_aria -v2 aria-256-cbc
enc8 scrypt -scrypt
enc8 pbes1_sha1_3des -v1 PBE-SHA1-3DES
enc8 pbes1_sha1_rc2_40 -v1 PBE-SHA1-RC2-40 -provider legacy -provider default
enc8 pbes1_sha1_rc4_128 -v1 PBE-SHA1-RC4-128 -provider legacy -provider default
enc8 pbes1_md5_des -v1 PBE-MD5-DES -provider legacy -provider default
enc8 pbes1_sha1_des -v1 PBE-SHA1-DES -provider legacy -provider default

# PKCS#8 from certtool.
for c in aes-128 aes-256 3des 3des-pkcs12 rc2-40; do
  if certtool --to-p8 --load-privkey node.key --pkcs-cipher=$c --password=$pw \
       --outfile p8_$c.key 2>/dev/null; then
    pem_only p8_$c.key > p8_$c.pem && seed certtool_p8_$c "$pw" p8_$c.pem
  fi
done

# Traditional "Proc-Type: 4,ENCRYPTED" PEM.
for c in aes128 aes256 des3 des camellia128; do
  if openssl rsa -in node.key -traditional -$c -passout pass:$pw -out trad_$c.key 2>/dev/null; then
    seed trad_rsa_$c "$pw" trad_$c.key
  fi
done
openssl ec -in client.key -aes256 -passout pass:$pw -out trad_ec.key 2>/dev/null &&
  seed trad_ec_aes256 "$pw" trad_ec.key

# The guide's path: keytool keystore -> PKCS#12 -> encrypted PEM with Bag Attributes.
if command -v keytool >/dev/null 2>&1; then
  if keytool -genkeypair -noprompt -alias client -keyalg RSA -keysize 2048 \
       -dname "CN=client, OU=Drivers, O=Fuzz" -keystore ks.p12 -storetype PKCS12 \
       -storepass $pw -keypass $pw -validity 30 >/dev/null 2>&1; then
    openssl pkcs12 -in ks.p12 -nocerts -passin pass:$pw -passout pass:$pw -out ks_key.pem 2>/dev/null &&
      seed keytool_pkcs12_bags "$pw" ks_key.pem
    keytool -exportcert -rfc -noprompt -alias client -keystore ks.p12 -storepass $pw \
      -file ks_cert.pem >/dev/null 2>&1 &&
      { cp ks_cert.pem "$out/trusted_cert/keytool_cert.pem"; cp ks_cert.pem "$out/cert/keytool_cert.pem"; }
  fi
fi
# --- cassl inspect: every file above, password first ------------------------------------
for f in "$out"/cert/*; do
  { printf '\000'; cat "$f"; } > "$out/inspect/cert_$(basename "$f")"
done
cp "$out"/private_key/* "$out/inspect/"
seed_inspect() { # NAME PASSWORD FILE
  n=$(printf %s "$2" | wc -c)
  { printf "\\$(printf %03o "$n")"; printf %s "$2"; cat "$3"; } > "$out/inspect/$1"
}
seed_inspect p12_openssl "$pw" node.p12
openssl pkcs12 -export -in c_node.pem -inkey node.key -passout pass:$pw -legacy \
  -out node_legacy.p12 2>/dev/null && seed_inspect p12_openssl_legacy "$pw" node_legacy.p12
[ -f ks.p12 ] && seed_inspect p12_keytool "$pw" ks.p12
seed_inspect p12_wrongpw "nope" node.p12

# --- PKCS#12 (password first), CRLs (2-byte CA length, CA, CRL), pins -------------------
for f in "$out"/inspect/p12_*; do cp "$f" "$out/pkcs12/"; done
if openssl base64 -in node.p12 -out node_p12.b64 2>/dev/null; then
  { printf -- '-----BEGIN PKCS12-----\n'; cat node_p12.b64; printf -- '-----END PKCS12-----\n'; } > node_p12.pem
  n=$(printf %s "$pw" | wc -c)
  { printf "\\$(printf %03o "$n")"; printf %s "$pw"; cat node_p12.pem; } > "$out/pkcs12/p12_pem"
fi
printf 'crl_next_update = 30\ncrl_number = 7\n' > crl.tmpl
certtool --generate-crl --load-ca-privkey ca.key --load-ca-certificate c_ca.pem \
  --template crl.tmpl --outfile empty.crl >/dev/null 2>&1 || :
certtool --generate-crl --load-ca-privkey ca.key --load-ca-certificate c_ca.pem \
  --load-certificate c_node.pem --template crl.tmpl --outfile revoked.crl >/dev/null 2>&1 || :
seed_crl() { # NAME CA-FILE CRL-FILE...
  name=$1 ca=$2; shift 2
  n=$(wc -c < "$ca")
  { printf "\\$(printf %03o $((n >> 8)))\\$(printf %03o $((n & 255)))"; cat "$ca"
    for c in "$@"; do sed -n '/-----BEGIN/,/-----END/p' "$c"; done; } > "$out/crl/$name"
}
if [ -s revoked.crl ] && [ -s empty.crl ]; then
  seed_crl empty c_ca.pem empty.crl
  seed_crl revoked c_ca.pem revoked.crl
  seed_crl two c_ca.pem empty.crl revoked.crl
  seed_crl other_ca c_client.pem revoked.crl
fi
pin() { openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform der 2>/dev/null |
        openssl dgst -sha256 -binary | openssl base64 -A; }
printf 'sha256//%s' "$(pin c_node.pem)" > "$out/pins/one"
printf 'sha256//%s;sha256//%s' "$(pin c_node.pem)" "$(pin c_ca.pem)" > "$out/pins/two"
printf 'sha256//%s; sha256//' "$(pin c_client.pem)" > "$out/pins/trailing"

# --- identity: flags, 16 address bytes, host name, then [type][len][name] -----------------
mkdir -p "$out/identity"
ident() { # NAME FLAGS-OCTAL ADDR16-OCTALS HOST NAMES-PRINTF
  { printf "\\$2"; printf "$3"; printf "\\$(printf %03o ${#4})%s" "$4"; printf "$5"; } > "$out/identity/$1"
}
a4='\177\000\000\001\000\000\000\000\000\000\000\000\000\000\000\000'
a6='\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\001'
ident dns_exact 000 "$a4" node1.cluster.example '\000\025node1.cluster.example'
ident dns_wild 000 "$a4" node1.cluster.example '\000\021*.cluster.example\002\011127.0.0.1'
ident dns_case_dot 000 "$a4" Node1.Cluster.Example. '\000\026NODE1.CLUSTER.EXAMPLE.'
ident ip_san 000 "$a4" "" '\001\004\177\000\000\001\002\011127.0.0.1'
ident ip6_san 001 "$a6" "" '\001\020\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\001'
ident cn_only 000 "$a4" 127.0.0.1 '\002\011127.0.0.1'
ident partial_wild 000 "$a4" foo.cluster.example '\000\022f*.cluster.example\000\005*.com'
ident nul_name 000 "$a4" node1.cluster.example '\000\026node1.cluster.example\000\000'

# --- CQL v4 frames: what a node answers, and what the probe sends --------------------------
frame() { # NAME VERSION-OCTAL OPCODE-OCTAL BODY-FILE
  n=$(wc -c < "$4")
  { printf "\\$2\\000\\000\\001\\$3"
    printf "\\$(printf %03o $((n >> 24 & 255)))\\$(printf %03o $((n >> 16 & 255)))"
    printf "\\$(printf %03o $((n >> 8 & 255)))\\$(printf %03o $((n & 255)))"
    cat "$4"; } > "$out/cql/$1"
}
str() { printf "\\000\\$(printf %03o ${#1})%s" "$1"; }
: > empty.bin
{ printf '\000\003'; str CQL_VERSION; printf '\000\001'; str 3.4.5
  str COMPRESSION; printf '\000\002'; str snappy; str lz4
  str PROTOCOL_VERSIONS; printf '\000\003'; str 3/v3; str 4/v4; str 5/v5-beta; } > supported.bin
{ printf '\000\001'; str CQL_VERSION; str 3.0.0; } > startup.bin
{ printf '\000\000\000\012'; str "Invalid or unsupported protocol version (5)"; } > error.bin
frame supported 204 006 supported.bin
frame ready 204 002 empty.bin
frame error 204 000 error.bin
frame options 004 005 empty.bin
frame startup 004 001 startup.bin
frame v5_error 205 000 error.bin
cat "$out/cql/ready" "$out/cql/supported" > "$out/cql/two_frames"

touch "$out/.complete"
echo "corpus: $(ls "$out/trusted_cert" | wc -l) certificate, $(ls "$out/private_key" | wc -l) key," \
  "$(ls "$out/pkcs12" | wc -l) PKCS#12, $(ls "$out/crl" | wc -l) CRL, $(ls "$out/pins" | wc -l) pin," \
  "$(ls "$out/inspect" | wc -l) inspect, $(ls "$out/cql" | wc -l) CQL seeds in $out"
