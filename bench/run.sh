#!/usr/bin/env bash
# Runs every benchmark behind docs/benchmarks.md, in one go, on this
# machine: the in-process benchmarks, the HTTP load generator against a
# real server on loopback, meent verify, and the tessera reference peer.
# Takes about five minutes on 2 cores. Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-100000}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

echo "== machine"
uname -srm; nproc; grep -m1 'model name' /proc/cpuinfo || true; go version

echo "== in-process: Ed25519 reference, decode, ingest, audit, inclusion proof at 1,000,000 leaves"
go test ./node -run '^$' -bench 'Ed25519Verify|Decode' -benchtime 20000x
go test ./node -run '^$' -bench 'Ingest' -benchtime "${n}x"
go test ./node -run '^$' -bench 'Audit' -benchtime 3x
go test ./node -run '^$' -bench 'InclusionProof' -benchtime 20000x -timeout 30m

echo "== HTTP: meent bench against meent serve on loopback (SQLite)"
go build -o "$tmp/meent" ./cmd/meent
"$tmp/meent" serve --data "$tmp/data" --listen 127.0.0.1:18080 >"$tmp/serve.out" 2>"$tmp/serve.err" &
for _ in $(seq 1 50); do curl -fs http://127.0.0.1:18080/healthz >/dev/null 2>&1 && break; sleep 0.2; done
"$tmp/meent" bench --url http://127.0.0.1:18080 --n "$n" --concurrency 64

echo "== meent verify of that data directory ($n+ events), after stopping the server"
kill %1; wait %1 2>/dev/null || true
/usr/bin/time -f "verify wall %es, cpu %Us user" "$tmp/meent" verify --data "$tmp/data"

echo "== tessera reference peer (POSIX storage), same leaf count, 300-byte leaves"
(cd bench/tessera && go run . -n "$n" -size 300 -verify=false && go run . -n "$n" -size 300 -verify=true)
