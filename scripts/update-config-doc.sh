#!/usr/bin/env bash
# Regenerates the knob table in docs/config.md from the code (maia-sim config --describe
# --markdown). The CLI test fails when the committed table differs from the code.
# usage: scripts/update-config-doc.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
table=$(SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$build/maia-sim" config --describe --markdown)
python3 - "$table" <<'PY'
import sys, re
table = sys.argv[1]
path = "docs/config.md"
text = open(path).read()
new = re.sub(r"(<!-- knobs:begin -->\n).*?(<!-- knobs:end -->)",
             lambda m: m.group(1) + table.rstrip("\n") + "\n" + m.group(2), text, flags=re.S)
open(path, "w").write(new)
PY
echo "docs/config.md updated"
