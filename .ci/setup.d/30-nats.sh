#!/usr/bin/env bash
# A NATS server with JetStream on loopback for the queue tests and benchmark: installs
# nats-server from Debian when absent, starts `nats-server -js` on 127.0.0.1 (port
# EXFIT_NATS_PORT, default 4222) with its store in a temporary folder, waits until it accepts
# connections and exports EXFIT_NATS_URL. Sourced by .ci/run (no `exit`, no `set -e`);
# idempotent: a server already listening there is used as it is (and left running). Stopped by
# .ci/teardown.d/30-nats.sh at the end of the run that started it.

_exfit_nats_setup() {
  local port=${EXFIT_NATS_PORT:-4222} dir=/tmp/exfit-nats i
  if ! command -v nats-server >/dev/null; then
    echo "nats: installing nats-server"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q nats-server >/dev/null ||
      { echo "nats: apt-get install failed"; return 1; }
  fi
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    mkdir -p "$dir/store"
    nats-server -js -a 127.0.0.1 -p "$port" -sd "$dir/store" -P "$dir/nats.pid" \
      -l "$dir/nats.log" >/dev/null 2>&1 &
    disown 2>/dev/null
    # The teardown stops it only at the end of this run (the shell of .ci/run, whose PID this is).
    echo "$$" >"$dir/started-by"
  fi
  for i in $(seq 1 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      export EXFIT_NATS_URL="nats://127.0.0.1:$port"
      echo "nats: JetStream on $EXFIT_NATS_URL"
      return 0
    fi
    sleep 0.2
  done
  echo "nats: nats-server did not start (see $dir/nats.log)"
  return 1
}
_exfit_nats_setup
