#!/bin/sh
# Regenerates the test-only TLS material for tools/docker-sim (see README.md). Needs openssl.
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
days=36500
openssl req -x509 -newkey rsa:2048 -nodes -days $days -subj "/CN=Pulse docker-sim test CA" -keyout "$work/ca-key.pem" -out ca.pem 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n' > "$work/server.ext"
printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' > "$work/client.ext"
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server-key.pem -out "$work/server.csr" 2>/dev/null
openssl x509 -req -in "$work/server.csr" -CA ca.pem -CAkey "$work/ca-key.pem" -CAcreateserial -CAserial "$work/ca.srl" -days $days -extfile "$work/server.ext" -out server-cert.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=pulse-test-client" -keyout client-key.pem -out "$work/client.csr" 2>/dev/null
openssl x509 -req -in "$work/client.csr" -CA ca.pem -CAkey "$work/ca-key.pem" -CAserial "$work/ca.srl" -days $days -extfile "$work/client.ext" -out client-cert.pem 2>/dev/null
# A CA that signed nothing here: a client trusting it must refuse the simulator.
openssl req -x509 -newkey rsa:2048 -nodes -days $days -subj "/CN=Some other CA" -keyout "$work/other-key.pem" -out other-ca.pem 2>/dev/null
echo "wrote ca.pem server-cert.pem server-key.pem client-cert.pem client-key.pem other-ca.pem"
