#!/bin/sh
# relax's synthetic on-resonance R1rho decays (two spins fitted independently: -d 2st.rs),
# fitted with Meiboom 1961 (calculation = "dpl94", on resonance) on all 9 spin-lock times.
# The data stay in ../shared: they are converted into Data/ (ignored by git) first.
set -e
cd "$(dirname "$0")"
SRC="${EXFIT_REFDATA:-../../../../shared/refdata}/inputs/r1rho/RELAX_SYNTH_M61_ONRES"
[ -f "$SRC/intensities.txt" ] || { echo "run.sh: $SRC/intensities.txt not found" >&2; exit 1; }
rm -rf Data
# Spin labels to exfit spin systems: Trp1 -> W1N, Trp2 -> W2N; sigma = 200000 (relax's).
awk '!/^#/ && NF >= 5 {
  dir = "Data/" $3 "hz"
  if (!(dir in seen)) { system("mkdir -p " dir); seen[dir] = 1 }
  name = ($1 == "Trp1" ? "W1N" : $1 == "Trp2" ? "W2N" : $1)
  printf "%s %s 200000\n", $4, $5 > (dir "/" name ".out")
}' "$SRC/intensities.txt"
EXFIT="${EXFIT:-deno run --allow-read --allow-write --allow-env --allow-net ../../../src/cli/main.ts}"
$EXFIT fit -e Experiments/*.toml -p Parameters/parameters.toml -m Methods/method.toml \
  -d 2st.rs -o Output "$@"
