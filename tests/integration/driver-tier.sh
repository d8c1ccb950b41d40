#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 1G
#
# The pmem node joins a memory tier below DRAM's, so demotion can use it.
. tests/lib/guest.sh
. tests/lib/kmp.sh

tiers=/sys/devices/virtual/memory_tiering
[[ -d $tiers ]] || skip "no memory tiering in this kernel"
dev=$(kmp_setup online_movable)
node=$(kmp_get "$dev" target_node)

# tier_of NODE: the memory_tierN whose nodes list holds NODE.
tier_of() {
	local t
	for t in "$tiers"/memory_tier*; do
		if python3 - "$1" "$(cat "$t/nodelist")" <<'PY'
import sys
node, spec = int(sys.argv[1]), sys.argv[2].strip()
ids = set()
for part in filter(None, spec.split(",")):
    a, _, b = part.partition("-")
    ids.update(range(int(a), int(b or a) + 1))
sys.exit(0 if node in ids else 1)
PY
		then echo "${t##*memory_tier}"; return; fi
	done
}
for t in "$tiers"/memory_tier*; do echo "${t##*/}: nodes $(cat "$t/nodelist")"; done
t0=$(tier_of 0) tp=$(tier_of "$node")
[[ -n $t0 && -n $tp ]] || fail "node 0 (tier '$t0') or node $node (tier '$tp') in no tier"
(( tp > t0 )) || fail "node $node in tier $tp, not below DRAM's tier $t0"
echo "node 0 in memory_tier$t0, node $node in memory_tier$tp"

# With every section persistent again and the device unbound, the node's
# type is released.
kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
