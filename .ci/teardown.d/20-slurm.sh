#!/usr/bin/env bash
# Stops the loopback test cluster of .ci/setup.d/20-slurm.sh (only when its slurm.conf is ours),
# and only at the end of the .ci/run that started it (this script's parent shell): a cluster that
# was already up, started by another run or by hand, is left alone. EXFIT_TEARDOWN_FORCE=1 stops
# it whoever started it.
conf=/etc/slurm/slurm.conf
owner=/run/exfit-slurm/started-by
grep -qF "# exfit loopback test cluster" "$conf" 2>/dev/null || exit 0
if [ "${EXFIT_TEARDOWN_FORCE:-}" != 1 ]; then
  [ -s "$owner" ] && [ "$(cat "$owner")" = "$PPID" ] || exit 0
fi
scancel --user="$(id -un)" 2>/dev/null || true
for pidfile in /run/exfit-slurm/slurmd.pid /run/exfit-slurm/slurmctld.pid; do
  [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
done
if [ -e /run/exfit-slurm/munged.ours ] && [ -s /run/munge/munged.pid ]; then
  kill "$(cat /run/munge/munged.pid)" 2>/dev/null
  rm -f /run/exfit-slurm/munged.ours
fi
rm -f "$owner"
exit 0
