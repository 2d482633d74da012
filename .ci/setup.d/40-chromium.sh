# Headless Chromium for the browser tests (report, pick_cest) and DejaVu fonts for the PDF plots.
# Sourced by .ci/run: installs what is absent, never fails the run (the browser tests then skip
# with a notice).
if [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  if command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core) \
      >/dev/null 2>&1 || echo "setup: chromium install failed; browser tests will be skipped"
  else
    echo "setup: no apt-get; browser tests will be skipped"
  fi
fi
