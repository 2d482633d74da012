#!/usr/bin/env bash
# Stops the nats-server of .ci/setup.d/30-nats.sh and removes its store, only at the end of the
# .ci/run that started it (this script's parent shell): a server that was already listening is
# left alone. EXFIT_TEARDOWN_FORCE=1 stops it whoever started it.
dir=/tmp/exfit-nats
if [ "${EXFIT_TEARDOWN_FORCE:-}" != 1 ]; then
  [ -s "$dir/started-by" ] && [ "$(cat "$dir/started-by")" = "$PPID" ] || exit 0
fi
if [ -s "$dir/nats.pid" ]; then kill "$(cat "$dir/nats.pid")" 2>/dev/null; fi
rm -rf "$dir"
exit 0
