#!/usr/bin/env bash
# Makes a throw-away CA and a time-stamping signer certificate for the test
# TSA (tests/testtsa/testtsa.c) in DIR: ca.pem, ca.key, tsa.pem, tsa.key,
# and other-ca.pem (a second CA that did not sign the TSA, for negative tests).
#     make-certs.sh DIR
set -euo pipefail
d=${1:?usage: make-certs.sh DIR}
mkdir -p "$d"
cd "$d"
q() { "$@" >/dev/null 2>&1 || { echo "make-certs: $* failed" >&2; exit 1; }; }
cat >ext.cnf <<'CNF'
[tsa_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
CNF
for ca in ca other-ca; do
	q openssl req -x509 -newkey rsa:2048 -nodes -keyout "$ca.key" -out "$ca.pem" -days 3650 \
		-subj "/CN=Kanalvakt test $ca" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
done
q openssl req -new -newkey rsa:2048 -nodes -keyout tsa.key -out tsa.csr -subj "/CN=Kanalvakt test TSA"
q openssl x509 -req -in tsa.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out tsa.pem -days 3650 \
	-extfile ext.cnf -extensions tsa_ext
rm -f tsa.csr
