#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mutualctl probe against the reference clients, side by side, on a gnutls-serv this
# script starts on 127.0.0.1 with client certificates required and verified.
#  1. One probe: mutualctl probe against gnutls-cli with the same certificate and
#     trust. Target: ratio <= 1.1.
#  2. A fleet of probes: mutualctl probe --targets against a shell loop of gnutls-cli
#     and against openssl s_time -new, each for about the same time. Target: at least
#     10 times the handshakes per second of the gnutls-cli loop.
# Benchmarks print figures; they never fail on a time.
set -eu
mutualctl=$1
pki=$2
fleet=${3:-1000}
. "$(dirname "$0")/bench-lib.sh"

for tool in gnutls-serv gnutls-cli certtool openssl; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: install gnutls-bin and openssl" >&2; exit 1; }
done

work=$(mktemp -d)
server_pids=()
cleanup() {
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cat "$pki/intermediate-ca.pem" "$pki/root-ca.pem" > "$work/client-cas.pem"

# A plain server certificate from the test root (the fixtures' server.pem requires an
# OCSP staple, which gnutls-cli rightly insists on).
cat > "$work/server.tmpl" <<'TEMPLATE'
cn = "localhost"
dns_name = "localhost"
ip_address = "127.0.0.1"
expiration_days = 2
tls_www_server
signing_key
TEMPLATE
certtool --generate-privkey --key-type ecdsa --curve secp256r1 --outfile "$work/server.key" 2>/dev/null
certtool --generate-certificate --load-privkey "$work/server.key" --load-ca-certificate "$pki/root-ca.pem" \
  --load-ca-privkey "$pki/root-ca.key" --template "$work/server.tmpl" --outfile "$work/server.pem" 2>/dev/null
cat "$pki/client-p256.pem" "$pki/intermediate-ca.pem" > "$work/client-chain.pem"

# A free port on 127.0.0.1, and a server on it that is listening before this returns.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_listening() {
  local port=$1
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$port after 10 s" >&2
  return 1
}
start_server() {
  local port
  port=$(free_port)
  gnutls-serv --port "$port" --x509certfile "$work/server.pem" --x509keyfile "$work/server.key" \
    --x509cafile "$work/client-cas.pem" --require-client-cert --verify-client-cert \
    >"$work/server-$port.log" 2>&1 &
  server_pids+=($!)
  wait_listening "$port"
  echo "$port"
}

port=$(start_server)
echo "server: gnutls-serv $(gnutls-serv --version | head -1 | awk '{ print $NF }') on 127.0.0.1:$port," \
     "client certificate required and verified"

# The two clients must both succeed before their times mean anything.
if ! "$mutualctl" probe "localhost:$port" --cert "$pki/client-p256.pem" --key "$pki/client-p256.key" \
       --chain "$pki/intermediate-ca.pem" --ca "$pki/root-ca.pem" >"$work/probe.txt" 2>&1; then
  echo "mutualctl probe did not succeed against the server:" >&2
  cat "$work/probe.txt" >&2
  exit 1
fi
if ! gnutls-cli --x509certfile "$work/client-chain.pem" --x509keyfile "$pki/client-p256.key" \
       --x509cafile "$pki/root-ca.pem" -p "$port" localhost </dev/null >"$work/cli.txt" 2>&1; then
  echo "gnutls-cli did not succeed against the server:" >&2
  cat "$work/cli.txt" >&2
  exit 1
fi

compare "one probe vs gnutls-cli" 31 -- \
  "$mutualctl" probe "localhost:$port" --cert "$pki/client-p256.pem" --key "$pki/client-p256.key" \
    --chain "$pki/intermediate-ca.pem" --ca "$pki/root-ca.pem" -- \
  gnutls-cli --x509certfile "$work/client-chain.pem" --x509keyfile "$pki/client-p256.key" \
    --x509cafile "$pki/root-ca.pem" -p "$port" localhost

# The fleet: two servers, so that the server side is less of the bottleneck on a
# machine with few cores; every client below gets the same two.
port2=$(start_server)
for i in $(seq 1 "$fleet"); do
  if [ $((i % 2)) = 0 ]; then echo "127.0.0.1:$port"; else echo "127.0.0.1:$port2"; fi
done > "$work/targets"

now_us() { echo $(( $(date +%s%N) / 1000 )); }

start=$(now_us)
"$mutualctl" probe --targets "$work/targets" --concurrency 32 --cert "$pki/client-p256.pem" \
  --key "$pki/client-p256.key" --chain "$pki/intermediate-ca.pem" --ca "$pki/root-ca.pem" \
  >"$work/fleet.txt" 2>&1 || true
elapsed=$(( $(now_us) - start ))
accepted=$(grep -c '^accepted ' "$work/fleet.txt" || true)
ours=$(awk -v n="$accepted" -v t="$elapsed" 'BEGIN { printf "%.1f", n / (t / 1e6) }')
echo "fleet: mutualctl probe --targets: $accepted of $fleet accepted in $(awk -v t="$elapsed" 'BEGIN { printf "%.2f", t / 1e6 }') s: $ours handshakes/s"
if [ "$accepted" != "$fleet" ]; then
  echo "fleet: not every probe was accepted; the figures are not comparable:" >&2
  grep -v '^accepted ' "$work/fleet.txt" | head -5 >&2
fi

# gnutls-cli, one process per handshake, for the same time (at least 5 s).
budget=$(( elapsed > 5000000 ? elapsed : 5000000 ))
count=0
start=$(now_us)
while [ $(( $(now_us) - start )) -lt "$budget" ]; do
  target_port=$port
  [ $((count % 2)) = 0 ] || target_port=$port2
  if gnutls-cli --x509certfile "$work/client-chain.pem" --x509keyfile "$pki/client-p256.key" \
       --x509cafile "$pki/root-ca.pem" -p "$target_port" localhost </dev/null >/dev/null 2>&1; then
    count=$((count + 1))
  else
    echo "fleet: a gnutls-cli handshake failed" >&2
    break
  fi
done
elapsed_cli=$(( $(now_us) - start ))
cli=$(awk -v n="$count" -v t="$elapsed_cli" 'BEGIN { printf "%.1f", n / (t / 1e6) }')
echo "fleet: gnutls-cli loop: $count handshakes in $(awk -v t="$elapsed_cli" 'BEGIN { printf "%.2f", t / 1e6 }') s: $cli handshakes/s"

# openssl s_time -new: one process, sequential handshakes, for the same time.
seconds=$(( (budget + 999999) / 1000000 ))
openssl s_time -connect "127.0.0.1:$port" -new -time "$seconds" -cert "$pki/client-p256.pem" \
  -key "$pki/client-p256.key" -CAfile "$pki/root-ca.pem" >"$work/s_time.txt" 2>&1 || true
stime=$(awk '/connections in [0-9.]+s;/ { for (i = 1; i <= NF; i++) if ($i == "connections/user") print prev; prev = $i }' \
        "$work/s_time.txt" | head -1)
real=$(grep -m1 'connections in .* real seconds' "$work/s_time.txt" || true)
if [ -n "$real" ]; then
  stime_rate=$(awk '{ printf "%.1f", $1 / $4 }' <<<"$real")
  echo "fleet: openssl s_time -new: $real: $stime_rate handshakes/s (wall clock)"
else
  echo "fleet: openssl s_time -new gave no figure:" >&2
  tail -3 "$work/s_time.txt" >&2
  stime_rate=0
fi
[ -z "$stime" ] || echo "fleet: openssl s_time -new: $stime connections per user second"

awk -v a="$ours" -v b="$cli" -v c="$stime_rate" 'BEGIN {
  printf "fleet: mutualctl / gnutls-cli loop: %.1fx (target >= 10x)", a / b
  if (c > 0) printf "; mutualctl / openssl s_time: %.1fx", a / c
  printf "\n" }'
