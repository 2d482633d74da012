#!/usr/bin/env bash
# Stops the nats-server of .ci/setup.d/30-nats.sh (only the one it started) and removes its store.
pidfile=/tmp/exfit-nats/nats.pid
if [ -s "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null; fi
rm -rf /tmp/exfit-nats
exit 0
