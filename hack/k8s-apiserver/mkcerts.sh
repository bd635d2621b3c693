#!/usr/bin/env bash
# Create the PKI a test needs for the API server stand-in, in DIR:
#   ca.crt/ca.key            the cluster CA
#   server.crt/server.key    the API server (localhost, 127.0.0.1, ::1)
#   named.crt/named.key      the API server known by name only (kubernetes.internal):
#                            reached at 127.0.0.1 it verifies only with tls-server-name
#   client.crt/client.key    a client certificate signed by the CA (CN=saker-agent)
#   client-enc.key           the same key encrypted with the passphrase "sekret"
#   other-ca.crt, rogue.crt/rogue.key  a second CA and a client it signed (rejected)
#   token                    a bearer token the stand-in accepts (see tokens)
# Usage: hack/k8s-apiserver/mkcerts.sh DIR
set -euo pipefail
d=${1:?usage: mkcerts.sh DIR}
mkdir -p "$d"
cd "$d"
q() { openssl "$@" >/dev/null 2>&1; }
q req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=saker-test-ca"
q req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=kube-apiserver"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n' >server.ext
q x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 \
	-extfile server.ext
q req -newkey rsa:2048 -nodes -keyout named.key -out named.csr -subj "/CN=kube-apiserver"
printf 'subjectAltName=DNS:kubernetes.internal\nextendedKeyUsage=serverAuth\n' >named.ext
q x509 -req -in named.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out named.crt -days 2 \
	-extfile named.ext
q req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/CN=saker-agent/O=saker"
printf 'extendedKeyUsage=clientAuth\n' >client.ext
q x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2 \
	-extfile client.ext
q pkey -in client.key -aes256 -passout pass:sekret -out client-enc.key
q req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.crt -days 2 \
	-subj "/CN=other-ca"
q req -newkey rsa:2048 -nodes -keyout rogue.key -out rogue.csr -subj "/CN=rogue"
q x509 -req -in rogue.csr -CA other-ca.crt -CAkey other-ca.key -CAcreateserial -out rogue.crt \
	-days 2 -extfile client.ext
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >token
printf '%s,saker-agent\n' "$(cat token)" >tokens
rm -f ./*.csr ./*.ext ./*.srl
