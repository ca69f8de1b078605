#!/bin/bash
# Issue 18, targets 1 and 2: two connectd binaries alternating in one sitting, each
# driven by wrk and by the load generator (BENCHMARKS.md, "session 3: all parts together").
# usage: targets.sh BEFORE_BIN AFTER_BIN CONNECTD_LOAD_BIN OUTFILE [passes]
# Alternates the two connectd binaries for every target; prints the load average with each run.
set -u
B=$1; A=$2; L=$3; OUT=$4; PASSES=${5:-2}
log() { echo "$@" | tee -a $OUT; }
hdr() { log "=== $1 $2 $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"; }
run() { "$@" 2>&1 | grep -E '^round|ratio|^cpu/req|server log|^total|^operation|^[A-Z][A-Za-z]+ +[0-9]' | tee -a $OUT; }
for p in $(seq 1 $PASSES); do
  for pair in "before $B" "after $A"; do set -- $pair
    hdr "wrk update" $1; run $L -server $2 -wrk /usr/bin/wrk -op update -duration 5s -rounds 2
    hdr "wrk get" $1;    run $L -server $2 -wrk /usr/bin/wrk -op get -duration 5s -rounds 2
    hdr "load update" $1; run $L -server $2 -op update -duration 5s -rounds 2
    hdr "load get" $1;    run $L -server $2 -op get -duration 5s -rounds 2
  done
done
