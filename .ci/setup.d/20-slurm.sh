#!/usr/bin/env bash
# A one-node Slurm cluster on loopback for the cluster tests (tests/cluster_slurm_test.ts):
# munged, slurmctld and slurmd with a minimal slurm.conf (2 CPUs, no accounting, no cgroups).
# Sourced by .ci/run (so: no `exit`, no `set -e`); idempotent: does nothing when `sinfo` already
# answers. Exports EXFIT_SLURM=1 when the node is idle. .ci/teardown.d/20-slurm.sh stops it at the
# end of the .ci/run that started it.
# Needs root (daemons, /etc/slurm). A site's own /etc/slurm/slurm.conf is never overwritten.

_exfit_slurm_setup() {
  local conf=/etc/slurm/slurm.conf marker="# exfit loopback test cluster"
  local spool=/var/spool/exfit-slurm node
  if sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
    export EXFIT_SLURM=1
    echo "slurm: a cluster already answers (sinfo)"
    return 0
  fi
  if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    echo "slurm: installing slurm-wlm and munge"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null ||
      { echo "slurm: apt-get install failed"; return 1; }
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "slurm: not root: cannot start a test cluster"
    return 1
  fi
  # From here on this run starts what it needs; the teardown stops it only for this run (the
  # shell of .ci/run, whose PID this is), never a cluster another run or a person started.
  mkdir -p /run/exfit-slurm && echo "$$" >/run/exfit-slurm/started-by
  # munge: a key, then the daemon (as the munge user).
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
  fi
  chown munge:munge /etc/munge /etc/munge/munge.key 2>/dev/null
  chmod 700 /etc/munge && chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /run/munge /var/lib/munge /var/log/munge
  chmod 755 /run/munge
  if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged --force ||
      { echo "slurm: munged did not start"; return 1; }
    # The teardown stops only a munged this script started.
    mkdir -p /run/exfit-slurm && touch /run/exfit-slurm/munged.ours
    sleep 0.5
  fi
  # slurm.conf: only ours is (re)written.
  node=$(hostname -s)
  if [ -e "$conf" ] && ! grep -qF "$marker" "$conf"; then
    echo "slurm: $conf exists and is not ours: not starting a test cluster"
    return 1
  fi
  mkdir -p /etc/slurm "$spool/ctld" "$spool/d" /run/exfit-slurm
  cat >"$conf" <<CONF
$marker (written by .ci/setup.d/20-slurm.sh)
ClusterName=exfit
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$spool/ctld
SlurmdSpoolDir=$spool/d
SlurmctldPidFile=/run/exfit-slurm/slurmctld.pid
SlurmdPidFile=/run/exfit-slurm/slurmd.pid
SlurmctldLogFile=$spool/slurmctld.log
SlurmdLogFile=$spool/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
NodeName=$node NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
  pgrep -x slurmctld >/dev/null || /usr/sbin/slurmctld -c ||
    { echo "slurm: slurmctld did not start (see $spool/slurmctld.log)"; return 1; }
  pgrep -x slurmd >/dev/null || /usr/sbin/slurmd ||
    { echo "slurm: slurmd did not start (see $spool/slurmd.log)"; return 1; }
  local i
  for i in $(seq 1 60); do
    if sinfo -h -o %t 2>/dev/null | grep -qx idle; then
      export EXFIT_SLURM=1
      echo "slurm: node $node idle"
      return 0
    fi
    [ "$i" = 10 ] && scontrol update nodename="$node" state=resume 2>/dev/null
    sleep 0.5
  done
  echo "slurm: the node did not become idle: $(sinfo -h 2>&1 | head -n 3)"
  return 1
}
_exfit_slurm_setup
