# Shared harness of the end-to-end CLI checks (sourced by tests/cli/*_test.sh).
# The sourcing script is called as: SCRIPT MAIA_SIM SOURCE_DIR. The harness sets $sim and $src,
# runs from the source tree, gives a scratch directory $tmp (removed on exit) and counts checks.
set -u
sim="$1"
src="$2"
cd "$src" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect CODE PATTERN command...: the exit code, and PATTERN (ERE; empty: any) in stdout+stderr
expect() {
  local code="$1" pattern="$2"
  shift 2
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" -ne "$code" ]; then bad "$* exited $rc, expected $code: $out"; return; fi
  if [ -n "$pattern" ] && ! grep -qE -- "$pattern" <<<"$out"; then
    bad "$* output lacks /$pattern/: $out"
    return
  fi
  ok
}

# expect_all CODE PATTERN... -- command...: the exit code and every pattern in stdout+stderr
expect_all() {
  local code="$1"
  shift
  local patterns=()
  while [ "$1" != "--" ]; do patterns+=("$1"); shift; done
  shift
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" -ne "$code" ]; then bad "$* exited $rc, expected $code: $out"; return; fi
  for p in "${patterns[@]}"; do
    if ! grep -qE -- "$p" <<<"$out"; then bad "$* output lacks /$p/: $out"; return; fi
  done
  ok
}

# finish NAME: prints the counts; the script's exit status is 0 only when nothing failed.
finish() {
  echo "$1: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
