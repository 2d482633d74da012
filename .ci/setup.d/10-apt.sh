#!/usr/bin/env bash
# Refreshes Debian's package lists once when a service the tests need is missing, so the
# installs of the later setup scripts work on a clean machine (whose lists may be empty).
# Sourced by .ci/run: never fails the run.
if command -v apt-get >/dev/null 2>&1; then
  for _exfit_cmd in slurmctld munged nats-server chromium; do
    if ! command -v "$_exfit_cmd" >/dev/null 2>&1; then
      echo "apt: $_exfit_cmd missing; refreshing package lists"
      apt-get update -qq >/dev/null 2>&1 || echo "apt: apt-get update failed"
      break
    fi
  done
  unset _exfit_cmd
fi
