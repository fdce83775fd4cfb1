# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the benchmarks: run two commands alternately in this process tree and
# report the median wall time of each and their ratio. Benchmarks never assert a time.

# time_once CMD...: prints the wall time of one run in microseconds.
time_once() {
  local start end
  start=$(date +%s%N)
  # A command that reports problems exits non-zero; the time still counts.
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s%N)
  echo $(( (end - start) / 1000 ))
}

median() {
  sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# compare NAME RUNS -- OURS... -- REFERENCE...
compare() {
  local name=$1 runs=$2 ours=() reference=() ours_times reference_times
  shift 3
  while [ "$1" != "--" ]; do ours+=("$1"); shift; done
  shift
  reference=("$@")

  ours_times=$(mktemp) reference_times=$(mktemp)
  # Warm the page cache for both, then alternate so that noise hits both alike.
  "${ours[@]}" >/dev/null 2>&1 || true
  "${reference[@]}" >/dev/null 2>&1 || true
  for _ in $(seq 1 "$runs"); do
    time_once "${ours[@]}" >> "$ours_times"
    time_once "${reference[@]}" >> "$reference_times"
  done
  local a b
  a=$(median < "$ours_times")
  b=$(median < "$reference_times")
  rm -f "$ours_times" "$reference_times"
  awk -v name="$name" -v a="$a" -v b="$b" -v runs="$runs" 'BEGIN {
    printf "%s: mutualctl %.1f ms, reference %.1f ms (median of %d runs each), ratio %.2f\n",
           name, a / 1000, b / 1000, runs, a / b }'
}

# instructions NAME -- OURS... -- REFERENCE...: the same comparison in instructions
# executed (valgrind's callgrind), which a busy machine does not disturb.
instructions() {
  local name=$1 ours=() reference=() a b
  shift 2
  while [ "$1" != "--" ]; do ours+=("$1"); shift; done
  shift
  reference=("$@")
  if ! command -v valgrind >/dev/null 2>&1; then
    echo "$name: valgrind is not installed (Debian package valgrind); no instruction counts"
    return 0
  fi
  count() {
    local out
    out=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1 || true
    grep -m1 '^summary:' "$out" | awk '{ print $2 }'
    rm -f "$out"
  }
  a=$(count "${ours[@]}")
  b=$(count "${reference[@]}")
  awk -v name="$name" -v a="$a" -v b="$b" 'BEGIN {
    printf "%s: mutualctl %.1f M instructions, reference %.1f M, ratio %.2f\n", name, a / 1e6, b / 1e6, a / b }'
}

# faults NAME -- OURS... -- REFERENCE...: page faults of one run of each. Every page a
# process touches first costs one; on a virtual machine that is microseconds each, so
# start-up (libraries mapped and relocated) and peak memory show up here.
faults() {
  local name=$1
  shift 2
  python3 - "$name" "$@" <<'PY'
import resource, subprocess, sys
name, args = sys.argv[1], sys.argv[2:]
split = args.index("--")
counts = []
for command in (args[:split], args[split + 1:]):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    counts.append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt - before)
print(f"{name}: mutualctl {counts[0]} page faults, reference {counts[1]}, ratio {counts[0] / counts[1]:.2f}")
PY
}
