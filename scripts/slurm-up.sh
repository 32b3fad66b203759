#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for the `crnnc sweep --slurm` integration test
# (test/sweep-slurm.test.ts) and for trying the cluster commands by hand: munged, slurmctld and
# slurmd from Debian's `munge` and `slurm-wlm` packages, run as root, with the state, spool,
# pid files and logs under $CRNNC_SLURM_DIR (default /tmp/crnnc-slurm). The node is this
# machine as `slurmd -C` sees it (its real CPU count and memory), one partition `debug`.
# Process tracking by /proc (proctrack/linuxproc) and no task plugin, so no cgroups are needed
# (a container has none to give).
#
# Idempotent and safe to rerun from nothing: a daemon that answers is left alone, a missing one
# is started, a node left down or drained by an earlier session is resumed. The configuration
# goes to /etc/slurm/slurm.conf (where sbatch, squeue and scontrol look) unless a file there
# was not written by this script: then it is left alone and this script stops with a message.
#
#   sudo bash scripts/slurm-up.sh    # then: sinfo; sbatch --wrap hostname
set -euo pipefail

DIR=${CRNNC_SLURM_DIR:-/tmp/crnnc-slurm}
CONF=/etc/slurm/slurm.conf
MARK="# written by crnnc scripts/slurm-up.sh"

say() { echo "slurm-up: $*" >&2; }
die() {
  say "$*"
  exit 1
}

[ "$(id -u)" = 0 ] || die "run as root (the daemons run as root: SlurmUser=root, SlurmdUser=root)"
for c in munged munge unmunge slurmctld slurmd sbatch scontrol sinfo; do
  command -v "$c" >/dev/null || die "$c is missing: apt-get install -y slurm-wlm munge"
done

# munge: the key, its run directory, the daemon (as the munge user, as Debian's unit does).
mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
if [ ! -s /etc/munge/munge.key ]; then
  if command -v mungekey >/dev/null; then mungekey --create --keyfile=/etc/munge/munge.key; else dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none; fi
fi
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
chmod 0700 /etc/munge /var/lib/munge /var/log/munge
chmod 0755 /run/munge
chmod 0400 /etc/munge/munge.key
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  say "starting munged"
  rm -f /run/munge/munge.socket.2 /run/munge/munged.pid
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n | unmunge >/dev/null || die "munged does not answer (see /var/log/munge/munged.log)"
fi

# The configuration: this node as slurmd sees it.
HOST=$(hostname -s)
NODE=$(slurmd -C | head -1)
case "$NODE" in NodeName=*) ;; *) die "slurmd -C gave no node line: $NODE" ;; esac
mkdir -p "$DIR/state" "$DIR/spool" /etc/slurm
NEW=$(
  cat <<EOF
$MARK; state and logs in $DIR
ClusterName=crnnc
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SwitchType=switch/none
MpiDefault=none
ReturnToService=2
InactiveLimit=0
KillWait=5
MinJobAge=600
SlurmdTimeout=300
$NODE NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
)
if [ -e "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
  die "$CONF exists and was not written by this script; not touching it"
fi
CHANGED=0
if [ ! -e "$CONF" ] || [ "$(cat "$CONF")" != "$NEW" ]; then
  printf '%s\n' "$NEW" >"$CONF.tmp.$$"
  mv "$CONF.tmp.$$" "$CONF"
  CHANGED=1
fi

# A daemon is alive when the process its pid file names is still that daemon (a pid file left
# by a killed session may name another process by now).
alive() { [ -s "$1" ] && [ "$(cat "/proc/$(cat "$1")/comm" 2>/dev/null)" = "$2" ]; }

# slurmctld, then slurmd (each daemonises; a changed configuration is read again).
if alive "$DIR/slurmctld.pid" slurmctld && scontrol ping 2>/dev/null | grep -q 'is UP'; then
  [ "$CHANGED" = 1 ] && scontrol reconfigure
else
  say "starting slurmctld (log: $DIR/slurmctld.log)"
  slurmctld || slurmctld -c || die "slurmctld did not start (see $DIR/slurmctld.log)"
  for _ in $(seq 100); do scontrol ping 2>/dev/null | grep -q 'is UP' && break; sleep 0.1; done
  scontrol ping | grep -q 'is UP' || die "slurmctld does not answer (see $DIR/slurmctld.log)"
fi
if ! alive "$DIR/slurmd.pid" slurmd; then
  say "starting slurmd (log: $DIR/slurmd.log)"
  slurmd || die "slurmd did not start (see $DIR/slurmd.log)"
fi

# Wait for the node to register; resume it if an earlier session left it down or drained.
for i in $(seq 150); do
  STATE=$(sinfo -h -n "$HOST" -o %T 2>/dev/null | head -1)
  case "$STATE" in
    idle* | mixed* | allocated* | completing*) break ;;
    down* | drain*) [ $((i % 10)) = 1 ] && scontrol update NodeName="$HOST" State=RESUME 2>/dev/null || true ;;
  esac
  sleep 0.2
done
case "$STATE" in
  idle* | mixed* | allocated* | completing*) say "up: node $HOST $STATE, $(echo "$NODE" | grep -o 'CPUs=[0-9]*'), partition debug" ;;
  *) die "node $HOST is ${STATE:-not registered} (see $DIR/slurmd.log and $DIR/slurmctld.log)" ;;
esac
