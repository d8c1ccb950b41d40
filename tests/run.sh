#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the test suite, or one test of it, and print one line per test
#
#	PASS name (seconds)
#	FAIL name (seconds): reason [logs: build/test-logs/name/]
#	SKIP name (seconds): reason
#
# and as the last line `N passed, N failed, N skipped`. Exit 1 if a test
# failed. `make check [T=name]` calls this after building.
#
# usage: tests/run.sh [NAME]
#
# The tests, in this order:
#   test_*          tests/unit/test_*.c, userspace unit tests (run-unit.sh)
#   selftest-*      tests/vm/selftest/*.sh, the VM harness's own checks
#   everything else tests/integration/*.sh, VM tests (vm/run-vm-test.sh)
#   demo            tests/demo/demo.sh, what `make demo` shows, as a VM test
# V=1 shows each test's output as it runs.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 2
logs=build/test-logs

declare -a names kinds files
add() { names+=("$1"); kinds+=("$2"); files+=("$3"); }
for f in tests/unit/test_*.c; do
	[[ -e $f ]] && add "$(basename "$f" .c)" unit "$f"
done
for f in tests/vm/selftest/*.sh; do
	[[ -e $f ]] && add "selftest-$(basename "$f" .sh)" selftest "$f"
done
for f in tests/integration/*.sh; do
	[[ -e $f ]] && add "$(basename "$f" .sh)" vm "$f"
done
add demo vm tests/demo/demo.sh

if (($# > 0)); then
	want=$1
	want=${want#unit/} want=${want#integration/} want=${want#demo/}
	want=$(basename "$want")
	want=${want%.c} want=${want%.sh}
	for i in "${!names[@]}"; do
		if [[ ${names[i]} == "$want" || ${names[i]} == "selftest-$want" ]]; then
			names=("${names[i]}") kinds=("${kinds[i]}") files=("${files[i]}")
			break
		fi
	done
	if ((${#names[@]} != 1)); then
		echo "tests/run.sh: no test named '$1'; tests are:" >&2
		printf '  %s\n' "${names[@]}" >&2
		exit 2
	fi
fi

passed=0 failed=0 skipped=0
for i in "${!names[@]}"; do
	name=${names[i]} kind=${kinds[i]} file=${files[i]}
	mkdir -p "$logs"
	out=$(mktemp "$logs/.run.$name.XXXXXX")
	case $kind in
	unit) cmd=(tests/unit/run-unit.sh "$file") ;;
	selftest) cmd=(tests/vm/check-selftest.sh "$file" "$logs/$name") ;;
	vm) cmd=(tests/vm/run-vm-test.sh --name "$name" --log-dir "$logs/$name" "$file") ;;
	esac
	start=$SECONDS
	if [[ ${V:-0} == 1 ]]; then
		"${cmd[@]}" 2>&1 | tee "$out"
		rc=${PIPESTATUS[0]}
	else
		"${cmd[@]}" > "$out" 2>&1
		rc=$?
	fi
	secs=$((SECONDS - start))
	verdict=$(grep -E '^(PASS|FAIL|SKIP)' "$out" | tail -n1)
	reason=${verdict#*: }
	[[ $reason == "$verdict" ]] && reason=
	# Keep the runner's own output with the test's logs.
	mkdir -p "$logs/$name"
	mv -f "$out" "$logs/$name/runner.log"
	case $rc in
	0)
		echo "PASS $name (${secs}s)"
		passed=$((passed + 1)) ;;
	4)
		echo "SKIP $name (${secs}s): ${reason:-skipped}"
		skipped=$((skipped + 1)) ;;
	*)
		echo "FAIL $name (${secs}s): ${reason:-exit $rc} [logs: $logs/$name/]"
		failed=$((failed + 1)) ;;
	esac
done
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
