#!/usr/bin/env bash
# Stops the loopback test cluster of .ci/setup.d/20-slurm.sh (only when its slurm.conf is ours).
conf=/etc/slurm/slurm.conf
grep -qF "# exfit loopback test cluster" "$conf" 2>/dev/null || exit 0
scancel --user="$(id -un)" 2>/dev/null || true
for pidfile in /run/exfit-slurm/slurmd.pid /run/exfit-slurm/slurmctld.pid; do
  [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
done
if [ -e /run/exfit-slurm/munged.ours ] && [ -s /run/munge/munged.pid ]; then
  kill "$(cat /run/munge/munged.pid)" 2>/dev/null
  rm -f /run/exfit-slurm/munged.ours
fi
exit 0
