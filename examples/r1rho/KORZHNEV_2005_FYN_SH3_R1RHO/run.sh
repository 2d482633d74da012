#!/bin/sh
# Fyn SH3 (Korzhnev, Orekhov & Kay 2005) off-resonance 15N R1rho, fitted as cpmg_fit does:
# two-point rates (T = 40 ms) from the full Bloch-McConnell evolution, 2-state exchange.
# The data stay in ../shared: they are converted into Data/ (ignored by git) first.
set -e
cd "$(dirname "$0")"
SRC="${EXFIT_REFDATA:-../../../../shared/refdata}/inputs/r1rho/KORZHNEV_2005_FYN_SH3_R1RHO"
[ -f "$SRC/r1rho_offres.txt" ] || { echo "run.sh: $SRC/r1rho_offres.txt not found" >&2; exit 1; }
rm -rf Data
awk '!/^#/ && NF >= 5 {
  dir = "Data/" $1 "mhz_" $2 "hz"
  if (!(dir in seen)) { system("mkdir -p " dir); seen[dir] = 1 }
  printf "%s %s %s\n", $3, $4, $5 > (dir "/14N.out")
}' "$SRC/r1rho_offres.txt"
EXFIT="${EXFIT:-deno run --allow-read --allow-write --allow-env --allow-net ../../../src/cli/main.ts}"
$EXFIT fit -e Experiments/*.toml -p Parameters/parameters.toml -m Methods/method.toml -d 2st \
  -o Output "$@"
