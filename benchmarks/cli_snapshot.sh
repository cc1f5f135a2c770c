#!/usr/bin/env bash
# Run every CLI command on the demo data and write its outputs into DIR, so two
# versions of partnermap can be compared byte for byte:
#   benchmarks/cli_snapshot.sh /tmp/before   (on the old commit)
#   benchmarks/cli_snapshot.sh /tmp/after    (on the new one)
#   diff -r /tmp/before /tmp/after
set -uo pipefail
out=${1:?usage: cli_snapshot.sh DIR}
pm=${PARTNERMAP:-partnermap}
mkdir -p "$out" && cd "$out" || exit 2
demo=$(python -c 'import partnermap as pm; print(pm.datasets.demo_path())')
run() { local name=$1; shift; "$pm" "$@" >"$name.stdout" 2>"$name.stderr"; echo $? >"$name.rc"; }
run validate validate "$demo" -o "problems.csv"
run metrics metrics "$demo" -o "metrics.csv"
run partners partners "$demo" --focal ORG-001 -o "partners.csv"
run gaps gaps "$demo" --focal ORG-001 -o "gaps.csv"
run coverage coverage "$demo" -o "coverage.csv"
run coverage_geojson coverage "$demo" --focal ORG-001 -o "coverage.geojson"
run export_gexf export "$demo" --format gexf -o "network.gexf"
run export_graphml export "$demo" --format graphml -o "network.graphml"
run validate_bad validate /nonexistent
run partners_bad partners "$demo" --focal org-1 -o "p2.csv"
