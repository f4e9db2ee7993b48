#!/usr/bin/env bash
# A local CA and one serving certificate for "localhost" and 127.0.0.1, for the HTTPS servers the real-engine
# test runs on loopback (the Helm chart repository, the Istio webhooks). Idempotent; prints, as its last lines,
#   LOCAL_CA=<ca.crt>  LOCAL_CERT=<tls.crt>  LOCAL_KEY=<tls.key>  LOCAL_CA_BUNDLE=<system roots + ca.crt>
# LOCAL_CA_BUNDLE is for SSL_CERT_FILE: Go programs (the kubernetes provider's Helm client) then trust the
# local repository exactly as they trust a public one, with no insecure flag anywhere.
set -euo pipefail
REAL_HOME="${REAL_HOME:-$HOME/.cache/crossmesh-real-validators}"
D="$REAL_HOME/run-local-ca"
mkdir -p "$D"
if [[ ! -s "$D/tls.crt" ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=crossmesh local test CA" \
    -keyout "$D/ca.key" -out "$D/ca.crt" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$D/tls.key" -out "$D/tls.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$D/ext.cnf"
  openssl x509 -req -in "$D/tls.csr" -CA "$D/ca.crt" -CAkey "$D/ca.key" -CAcreateserial -days 3650 \
    -extfile "$D/ext.cnf" -out "$D/tls.crt" 2>/dev/null
fi
roots=/etc/ssl/certs/ca-certificates.crt
{ [[ -s "$roots" ]] && cat "$roots"; cat "$D/ca.crt"; } > "$D/bundle.crt"
echo "LOCAL_CA=$D/ca.crt"
echo "LOCAL_CERT=$D/tls.crt"
echo "LOCAL_KEY=$D/tls.key"
echo "LOCAL_CA_BUNDLE=$D/bundle.crt"
