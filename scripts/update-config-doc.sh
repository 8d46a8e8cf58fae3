#!/usr/bin/env bash
# Regenerates the knob tables in docs/config.md from the code (maia-sim config --describe
# --kind maia|gpu --markdown). The CLI test fails when a committed table differs from the code.
# usage: scripts/update-config-doc.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
maia=$(SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$build/maia-sim" config --describe --kind maia --markdown)
gpu=$(SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$build/maia-sim" config --describe --kind gpu --markdown)
python3 - "$maia" "$gpu" <<'PY'
import sys, re
path = "docs/config.md"
text = open(path).read()
for marker, table in (("knobs", sys.argv[1]), ("gpu-knobs", sys.argv[2])):
    text = re.sub(r"(<!-- %s:begin -->\n).*?(<!-- %s:end -->)" % (marker, marker),
                  lambda m: m.group(1) + table.rstrip("\n") + "\n" + m.group(2), text, flags=re.S)
open(path, "w").write(text)
PY
echo "docs/config.md updated"
