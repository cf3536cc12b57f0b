#!/bin/sh
# Runs COMMAND as if on a fresh systemd host, without touching the real one: call it under
# `unshare --mount --propagation private`. /etc, /var and /usr/local become overlays whose upper
# layers live in SCRATCH/ovl (they outlive the namespace, so the next run sees the same "host"),
# /run is an empty tmpfs with /run/systemd/system (so install.sh detects systemd; not when
# NS_SYSTEMD=no: then it finds /etc/init.d and start-stop-daemon), and
# SCRATCH/bin (a fake systemctl) comes first in PATH.
# Usage: release_host_ns.sh SCRATCH COMMAND [ARG...]
set -eu
scratch=$1
shift
for d in etc var usr/local; do
  n=$(printf '%s' "$d" | tr / _)
  mkdir -p "$scratch/ovl/$n/up" "$scratch/ovl/$n/work"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$scratch/ovl/$n/up,workdir=$scratch/ovl/$n/work" "/$d"
done
mount -t tmpfs tmpfs /run
[ "${NS_SYSTEMD:-yes}" = no ] || mkdir -p /run/systemd/system
PATH="$scratch/bin:$PATH"
export PATH
exec "$@"
