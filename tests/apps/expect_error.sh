# Sourced by the program tests. expect_error "message part" args... runs
# $program with the args and fails the test unless it exits non-zero with a
# message containing the part.
expect_error() {
  local want=$1
  shift
  if msg=$("$program" "$@" 2>&1); then
    echo "expected failure for: $*"
    exit 1
  fi
  grep -q -- "$want" <<<"$msg" || { echo "message '$msg' lacks '$want'"; exit 1; }
}
