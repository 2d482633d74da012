#!/bin/sh
# relax's synthetic TP02 off-resonance R1rho set (two spins fitted independently: -d 2st.rs),
# fitted with the TP02 formula it was generated with; R1 fixed at the measured values.
# The data stay in ../shared: they are converted into Data/ (ignored by git) first.
set -e
cd "$(dirname "$0")"
SRC="${EXFIT_REFDATA:-../../../../shared/refdata}/inputs/r1rho/RELAX_SYNTH_TP02_OFFRES"
[ -f "$SRC/r1rho.txt" ] || { echo "run.sh: $SRC/r1rho.txt not found" >&2; exit 1; }
rm -rf Data
mkdir -p Data/500mhz Data/800mhz
# Spin labels to exfit spin systems: Trp1 -> W1N, Lys2 -> K2N.
awk 'function name(s) { return (s == "Trp1" ? "W1N" : s == "Lys2" ? "K2N" : s) }
  !/^#/ && NF >= 6 { printf "%s %s %s\n", $4, $5, $6 > ("Data/" $3 "mhz/" name($1) ".out") }' \
  "$SRC/r1rho.txt"
awk 'function name(s) { return (s == "Trp1" ? "W1N" : s == "Lys2" ? "K2N" : s) }
  FNR == 1 { file++ }
  file == 1 && !/^#/ && NF >= 6 { cs[name($1)] = $2 }
  file == 2 && !/^#/ && NF >= 4 { r1[$2 " " name($1)] = $3 }
  END {
    print "[CS_A]"; for (s in cs) print s " = " cs[s]
    b0["500"] = "500.3"; b0["800"] = "800.5"
    for (k in r1) { split(k, p, " "); sec["R1_A, B0->" b0[p[1]] "MHz"] = sec["R1_A, B0->" b0[p[1]] "MHz"] p[2] " = " r1[k] "\n" }
    for (s in sec) printf "\n[\"%s\"]\n%s", s, sec[s]
  }' "$SRC/r1rho.txt" "$SRC/r1.txt" > Data/fixed.toml
EXFIT="${EXFIT:-deno run --allow-read --allow-write --allow-env --allow-net ../../../src/cli/main.ts}"
$EXFIT fit -e Experiments/*.toml -p Parameters/parameters.toml Data/fixed.toml \
  -m Methods/method.toml -d 2st.rs -o Output "$@"
