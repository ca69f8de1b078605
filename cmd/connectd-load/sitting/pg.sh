#!/bin/bash
# Issue 18, target 3: PostgreSQL UpdateContactAttributes, two connectd binaries alternating,
# a fresh database each run; CPU per request of connectd and of this cluster's postmaster and
# children (/proc). Needs the Debian PostgreSQL binaries and a postgres user (runs as root).
# usage: [INDEXED=N] pg.sh BEFORE_BIN AFTER_BIN CONNECTD_LOAD_BIN OUTFILE [passes]
# (INDEXED: keys of the update registered in the search index first, connectd-load -indexed-keys)
set -u
B=$1; A=$2; L=$3; OUT=$4; PASSES=${5:-2}
PG=/tmp/m-pg; PORT=55499; BIN=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
AS="runuser -u postgres --"
if [ ! -d $PG ]; then mkdir -p $PG && chown postgres $PG && $AS $BIN/initdb -D $PG -U postgres -A trust >/dev/null; fi
touch $PG.log; chown postgres $PG.log
$AS $BIN/pg_ctl -D $PG -o "-p $PORT -c listen_addresses=127.0.0.1 -k /tmp" -l $PG.log start >/dev/null; sleep 2
echo '[{"AccessKeyId":"AKIDLOADTEST","SecretAccessKey":"load-test-secret","AccountId":"000000000000"}]' > /tmp/m-creds.json
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
# the postmaster of $PG and its children only (other clusters may run on the machine);
# utime+stime of each live process plus cutime+cstime of the postmaster (children that exited)
pgcpu() { local pm=$(head -1 $PG/postmaster.pid); local s=$(awk '{print $14+$15+$16+$17}' /proc/$pm/stat)
  for p in $(pgrep -P $pm); do [ -r /proc/$p/stat ] && s=$((s + $(cpu $p))); done; echo $s; }
n=0
for p in $(seq 1 $PASSES); do
  for pair in "before $B" "after $A"; do set -- $pair; n=$((n+1))
    $BIN/psql -h 127.0.0.1 -p $PORT -U postgres -qc "DROP DATABASE IF EXISTS bench$n" -c "CREATE DATABASE bench$n" >/dev/null
    $2 serve -addr 127.0.0.1:45199 -auth sigv4 -credentials /tmp/m-creds.json -data postgres://postgres@127.0.0.1:$PORT/bench$n -log-level warn & cpid=$!
    for i in $(seq 1 100); do curl -sf http://127.0.0.1:45199/_connectd/health >/dev/null && break; sleep 0.2; done
    echo "=== pg update $1 $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a $OUT
    $L -endpoint http://127.0.0.1:45199 -d 5s -rounds 3 -indexed-keys ${INDEXED:-0} > /tmp/m-pg.out 2>&1 &
    lp=$!
    while ! grep -q '^op=' /tmp/m-pg.out 2>/dev/null; do kill -0 $lp 2>/dev/null || break; sleep 0.2; done
    c1=$(cpu $cpid); p1=$(pgcpu)
    wait $lp
    c2=$(cpu $cpid); p2=$(pgcpu)
    grep -E '^round|ratio' /tmp/m-pg.out | tee -a $OUT
    reqs=$(awk '/^round [0-9]+ connectd/ {s+=$4*5} END {print s}' /tmp/m-pg.out)
    echo "cpu per request (ticks over ~$reqs requests): connectd $(( (c2-c1)*10000/reqs ))µs postgres $(( (p2-p1)*10000/reqs ))µs" | tee -a $OUT
    kill -INT $cpid; wait $cpid
  done
done
$AS $BIN/pg_ctl -D $PG stop >/dev/null
