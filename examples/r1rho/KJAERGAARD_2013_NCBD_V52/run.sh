#!/bin/sh
# Kjaergaard et al. 2013 NCBD V52: off-resonance 15N R1rho rates (relax's exponential fits),
# fitted with the exact eigenvalue R1rho of the 2-state Bloch-McConnell equations.
# The data stay in ../shared: they are converted into Data/ (ignored by git) first: one file
# per spin-lock field, x = (carrier_ppm - 118.078) * nu_N, nu_N = exfit's 15N frequency at
# 799.7773991 MHz (81.0407384 MHz), so that the spin lock sits exactly at carrier_ppm.
set -e
cd "$(dirname "$0")"
SRC="${EXFIT_REFDATA:-../../../../shared/refdata}/inputs/r1rho/KJAERGAARD_2013_NCBD_V52"
[ -f "$SRC/r1rho.txt" ] || { echo "run.sh: $SRC/r1rho.txt not found" >&2; exit 1; }
rm -rf Data
awk '!/^#/ && NF >= 4 {
  name = $1; sub(/\.00$/, "", name); sub(/\./, "p", name)
  dir = "Data/" name "hz"
  if (!(dir in seen)) { system("mkdir -p " dir); seen[dir] = 1 }
  printf "%.6f %s %s\n", ($2 - 118.078) * 81.040738447137, $3, $4 > (dir "/V52N.out")
}' "$SRC/r1rho.txt"
EXFIT="${EXFIT:-deno run --allow-read --allow-write --allow-env --allow-net ../../../src/cli/main.ts}"
$EXFIT fit -e Experiments/*.toml -p Parameters/parameters.toml -m Methods/method.toml -d 2st \
  -o Output "$@"
