#!/usr/bin/env bash
# Start etcd + kube-apiserver (from build-kube.sh) on 127.0.0.1 in the background; state in $REAL_HOME/run.
# Waits for /readyz; the last line printed is KUBECONFIG=<path>.
# If both are already running (pid files) and ready, it only prints that line.
# A fresh start wipes the etcd data dir unless KEEP_ETCD_DATA=1. Stop with kube-down.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

for b in etcd kube-apiserver; do
  [[ -x "$BIN/$b" ]] || { echo "missing $BIN/$b: run test/real/build.sh kube" >&2; exit 1; }
done

if pid_alive "$ETCD_PIDFILE" "$BIN/etcd" && pid_alive "$APISERVER_PIDFILE" "$BIN/kube-apiserver" && apiserver_ready; then
  echo "already running: etcd pid $(cat "$ETCD_PIDFILE"), kube-apiserver pid $(cat "$APISERVER_PIDFILE")" >&2
  echo "KUBECONFIG=$KUBECONFIG_REAL"
  exit 0
fi

# ------------------------------------------------------------------ PKI (once)
PKI="$RUN/pki"
if [[ ! -s "$PKI/admin.crt" ]]; then
  mkdir -p "$PKI"
  (
    cd "$PKI"
    ossl() { openssl "$@" 2>/dev/null; }
    ossl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout ca.key -out ca.crt -subj "/CN=crossmesh-check-ca" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    # serving cert for 127.0.0.1 / localhost / in-cluster names
    ossl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver"
    printf '%s\n' "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" \
      "extendedKeyUsage=serverAuth" "keyUsage=critical,digitalSignature,keyEncipherment" > apiserver.ext
    ossl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile apiserver.ext -out apiserver.crt
    # admin client cert (group system:masters)
    ossl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=crossmesh-admin"
    printf '%s\n' "extendedKeyUsage=clientAuth" "keyUsage=critical,digitalSignature,keyEncipherment" > admin.ext
    ossl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile admin.ext -out admin.crt
    # service-account signing key
    ossl genrsa -out sa.key 2048
    ossl rsa -in sa.key -pubout -out sa.pub
    rm -f ./*.csr ./*.ext
  )
fi

cat > "$KUBECONFIG_REAL" <<KC
apiVersion: v1
kind: Config
clusters:
- name: crossmesh-check
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority: $PKI/ca.crt
users:
- name: crossmesh-admin
  user:
    client-certificate: $PKI/admin.crt
    client-key: $PKI/admin.key
contexts:
- name: crossmesh-check
  context:
    cluster: crossmesh-check
    user: crossmesh-admin
current-context: crossmesh-check
KC

# ------------------------------------------------------------------ etcd
if ! pid_alive "$ETCD_PIDFILE" "$BIN/etcd"; then
  [[ "${KEEP_ETCD_DATA:-0}" == 1 ]] || rm -rf "$RUN/etcd-data"
  setsid "$BIN/etcd" --name crossmesh-check --data-dir "$RUN/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "crossmesh-check=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state new \
    --log-level warn --unsafe-no-fsync \
    </dev/null >"$RUN/etcd.log" 2>&1 &
  echo $! > "$ETCD_PIDFILE"
  for i in $(seq 1 60); do
    curl -sf --max-time 2 "http://127.0.0.1:$ETCD_CLIENT_PORT/health" | grep -q '"health":"true"' && break
    pid_alive "$ETCD_PIDFILE" "$BIN/etcd" || { echo "etcd exited; tail of $RUN/etcd.log:" >&2; tail -20 "$RUN/etcd.log" >&2; exit 1; }
    sleep 0.5
    [[ $i == 60 ]] && { echo "etcd not healthy after 30s" >&2; tail -20 "$RUN/etcd.log" >&2; exit 1; }
  done
fi

# ------------------------------------------------------------------ kube-apiserver
if ! pid_alive "$APISERVER_PIDFILE" "$BIN/kube-apiserver"; then
  setsid "$BIN/kube-apiserver" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
    --etcd-servers="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" --client-ca-file="$PKI/ca.crt" \
    --authorization-mode=Node,RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --api-audiences=https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range=10.96.0.0/16 --endpoint-reconciler-type=none \
    --allow-privileged=true --profiling=false \
    </dev/null >"$RUN/kube-apiserver.log" 2>&1 &
  echo $! > "$APISERVER_PIDFILE"
fi
for i in $(seq 1 240); do
  apiserver_ready && break
  pid_alive "$APISERVER_PIDFILE" "$BIN/kube-apiserver" || { echo "kube-apiserver exited; tail of $RUN/kube-apiserver.log:" >&2; tail -30 "$RUN/kube-apiserver.log" >&2; exit 1; }
  sleep 0.5
  [[ $i == 240 ]] && { echo "kube-apiserver not ready after 120s" >&2; tail -30 "$RUN/kube-apiserver.log" >&2; exit 1; }
done
echo "etcd pid $(cat "$ETCD_PIDFILE") on 127.0.0.1:$ETCD_CLIENT_PORT, kube-apiserver pid $(cat "$APISERVER_PIDFILE") on https://127.0.0.1:$APISERVER_PORT ($("$BIN/kube-apiserver" --version))" >&2
echo "KUBECONFIG=$KUBECONFIG_REAL"
