#!/usr/bin/env bash
# Held-out matching check: 48 generated sets nobody tunes on (seeds 41-64, other regions,
# region shares 0.4-0.8, 1,500 or 2,500 suppliers, each in both buyer wordings). Prints each
# set's nDCG@10, R_cap@50 and top-10 hard-rule violations, then the means and the total.
# Usage: scripts/eval-wide.sh [path/to/essor] [first seed]
#   (defaults: target/release/essor, 41). Another first seed gives another batch of 24
#   seeds with the same regions, shares and sizes: once a batch has guided a change, check
#   the change on a batch nobody has looked at (stop 21 added 201, seeds 201-224).
set -euo pipefail
bin=${1:-target/release/essor}
first=${2:-41}
regions=(11 24 27 28 32 44 52 53 75 76 84 93 94 11 76 76 84 32 44 27 28 53 75 93)
shares=(0.5 0.7 0.8 0.4)
i=0
for seed in $(seq "$first" $((first + 23))); do
  region=${regions[$i]}
  share=${shares[$((i % 4))]}
  suppliers=$(( i % 2 == 0 ? 2500 : 1500 ))
  i=$((i + 1))
  for wording in catalog fresh; do
    "$bin" eval --json --seed "$seed" --region "$region" --region-share "$share" \
      --suppliers "$suppliers" --wording "$wording" |
      python3 -c "import json,sys; d=json.load(sys.stdin); print('$seed $wording %.4f %.4f %d' % (d['ndcg_at_10'], d['recall_cap_at_50'], d['top10_violations']))"
  done
done | awk '{ print; n += $3; r += $4; v += $5 }
  END { printf "mean over %d sets: nDCG@10 %.4f  R_cap@50 %.4f  top-10 violations %d\n", NR, n / NR, r / NR, v }'
