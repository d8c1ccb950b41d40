# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# pmemctl helpers for VM tests; source after tests/lib/guest.sh.
#
#   pm ARGS...              run tools/pmemctl; sets $out, $err, $rc
#   expect_exit RC ARGS...  run it, and it must exit with RC
#   expect_err TEXT         the last run's stderr contains TEXT
#   expect_out TEXT         the last run's stdout contains TEXT
#   jqe FILTER              jq -e FILTER holds on the last run's stdout
PMEMCTL=${PMEMCTL:-tools/pmemctl}

pm() {
	local o e
	o=$(mktemp) e=$(mktemp)
	rc=0
	"$PMEMCTL" "$@" > "$o" 2> "$e" || rc=$?
	out=$(< "$o") err=$(< "$e")
	rm -f "$o" "$e"
	echo "\$ pmemctl $* -> exit $rc"
	if [[ -n $err ]]; then
		head -n 8 <<< "$err" | while IFS= read -r line; do
			echo "  stderr: $line"
		done
	fi
}

expect_exit() {
	local want=$1
	shift
	pm "$@"
	[[ $rc == "$want" ]] || fail "pmemctl $*: exit $rc, expected $want; stderr: $err"
}

expect_err() {
	[[ $err == *"$1"* ]] || fail "stderr lacks '$1': $err"
}

expect_out() {
	[[ $out == *"$1"* ]] || fail "stdout lacks '$1': $out"
}

jqe() {
	jq -e "$1" <<< "$out" > /dev/null || fail "jq -e '$1' does not hold on: $out"
}

pmemctl_require() {
	[[ -x $PMEMCTL ]] || fail "$PMEMCTL is not built (make tools)"
	require_cmd jq ndctl
}
