#!/usr/bin/env bash
# The matching figures the issue notes report, in one run (about two minutes on 2 cores):
#   - the demo set and nine generated sets (seeds 4242 5151 6161 913 1 2 3 101 303), in the
#     catalogue's buyer wording and (generated sets) in the held-out `fresh` wording;
#   - the unseen seeds 9001-9010, mean per wording;
#   - the sweep: seeds 21-40 with varied regions, region shares and sizes.
# Each line: set, nDCG@10, P@10, R@50, R_cap@50, MRR, top-10 hard-rule violations.
# `scripts/eval-wide.sh` is the separate 48-set held-out violation check.
# Usage: scripts/eval-sets.sh [path/to/essor]   (default: target/release/essor)
set -euo pipefail
bin=${1:-target/release/essor}

row() { # label, eval arguments...
  local label=$1
  shift
  "$bin" eval --json "$@" | python3 -c "import json, sys
d = json.load(sys.stdin)
print('%-12s %.4f %.4f %.4f %.4f %.4f %d' % ('$label', d['ndcg_at_10'], d['precision_at_10'],
      d['recall_at_50'], d['recall_cap_at_50'], d['mrr'], d['top10_violations']))"
}
set_args() { # seed -> eval arguments
  case $1 in
    913) echo "--seed 913 --suppliers 1500 --needs 60" ;;
    *) echo "--seed $1" ;;
  esac
}
mean() { # title; rows on stdin
  awk -v t="$1" '{ print; n += $2; p += $3; r += $4; c += $5; m += $6; v += $7 }
    END { printf "%-12s %.4f %.4f %.4f %.4f %.4f %d  (mean over %d, violations summed)\n", t, n / NR, p / NR, r / NR, c / NR, m / NR, v, NR }'
}

echo "# catalog wording"
{
  row demo --dir fixtures/demo
  for s in 4242 5151 6161 913 1 2 3 101 303; do
    # shellcheck disable=SC2046
    row "$s" $(set_args "$s")
  done
} | mean "tuning"
echo "# fresh wording"
for s in 4242 5151 6161 913 1 2 3 101 303; do
  # shellcheck disable=SC2046
  row "$s" $(set_args "$s") --wording fresh
done | mean "tuning"
for wording in catalog fresh; do
  echo "# unseen seeds 9001-9010, $wording wording"
  for s in $(seq 9001 9010); do row "$s" --seed "$s" --wording "$wording"; done | mean "unseen"
done
echo "# sweep: seeds 21-40, varied regions, region shares and sizes"
regions=(11 24 27 28 32 44 52 53 75 76 84 93 94 11 76 76 84 32 44 27)
shares=(0.3 0.6 0.8 0.9)
i=0
for s in $(seq 21 40); do
  suppliers=$((i % 3 == 0 ? 3000 : 1500))
  row "$s" --seed "$s" --region "${regions[$i]}" --region-share "${shares[$((i % 4))]}" \
    --suppliers "$suppliers"
  i=$((i + 1))
done | mean "sweep"
