#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Print the Debian version of this tree, from git:
#   X.Y                 at a tag vX.Y
#   X.Y+gitN.gHASH      N commits after the last tag vX.Y
#   0.0~gitN.gHASH      no tag yet: N commits in all, so versions grow
#                       along a branch (and stay below a first tag v0.0)
# with "+dirty" appended when the work tree differs from the commit
# (changed or new files: `make deb` packages the tree as it is).
set -e
cd "$(dirname "$0")/.."
git rev-parse --git-dir > /dev/null 2>&1 || { echo "deb-version.sh: not a git tree" >&2; exit 1; }
hash=$(git rev-parse --short=7 HEAD)
if desc=$(git describe --tags --long --match 'v[0-9]*' 2> /dev/null); then
	# v1.2-5-gabcdef0
	tag=${desc%-*-g*}
	n=${desc%-g*}
	n=${n##*-}
	v=${tag#v}
	[ "$n" = 0 ] || v="$v+git$n.g$hash"
else
	v="0.0~git$(git rev-list --count HEAD).g$hash"
fi
[ -z "$(git status --porcelain)" ] || v="$v+dirty"
echo "$v"
