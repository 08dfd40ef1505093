#!/usr/bin/env bash
# Measures every read path against a generated county (issue 18): generates it once into a database
# of its own (pm_county<N>: N villages of 330 households, two years of history; kept, so the next run
# only measures — drop the database to generate it again), then runs BenchmarkCountyReads (p50/p99
# beside the raw SQL) and TestCountyReadsUseIndexes (EXPLAIN of every query) against it.
# Needs PM_TEST_MYSQL_DSN and PM_TEST_REDIS_ADDR (make bench-county sets them). VILLAGES=300 is
# the full county (by hand: about ten times the 30's load time).
set -euo pipefail
villages=${VILLAGES:-30}
db="pm_county${villages}"
dsn="${PM_TEST_MYSQL_DSN}${db}?parseTime=true"
cd "$(dirname "$0")/.."
start=$(date +%s)
echo "bench-county: ${villages} villages in ${db}" >&2
if ! out=$(PM_MYSQL_DSN="$dsn" PM_REDIS_ADDR="$PM_TEST_REDIS_ADDR" PM_REDIS_PREFIX="county${villages}:" PM_LOG_LEVEL=warn \
	go run ./cmd/pointsmarket seed --county --villages "$villages" --relaxed-commits 2>&1); then
	grep -q "generated in this database before" <<<"$out" || { echo "$out" >&2; exit 1; }
	echo "bench-county: using the county generated before (drop ${db} to generate it again)" >&2
else
	echo "bench-county: generated in $(( $(date +%s) - start )) s" >&2
fi
export PM_BENCH_COUNTY_DSN="$dsn"
go test -count=1 -run 'TestCountyReadsUseIndexes' -v ./internal/httpapi/ | grep -E '^(---|ok|FAIL)|county_reads_test' || true
go test -run '^$' -bench 'CountyReads' -benchtime "${BENCHTIME:-100x}" -timeout 60m ./internal/httpapi/
