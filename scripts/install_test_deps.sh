#!/bin/sh
# Installs the Debian packages the test suite uses, when they are missing:
#   victoria-metrics (push tests; it also ships vmagent and vmauth), prometheus (promtool,
#   exposition lint, scraping and the remote-write receiver of the compatibility and ordering
#   tests), prometheus-blackbox-exporter (the compatibility test compares its /probe with ours; the
#   bench's TCP peer), fping and iputils-ping
#   (ICMP comparison and the ping fallback), busybox and dash (install.sh under both shells),
#   shellcheck (install.sh lint), iproute2 and nftables (network namespaces, drop rules),
#   mtr-tiny (the path probe's comparison and bench), python3 (the netem stand-in's TUN relay),
#   curl and wget (install.sh downloaders), openssl (TLS test certificates),
#   prometheus-blackbox-exporter (the http/dns comparison and the bench),
#   chromium (the status page's browser tests, driven by the npm package playwright-core), systemd
#   (systemd-analyze: the unit's exposure score and system-call sets), python3-seccomp (runs the
#   agent under the unit's SystemCallFilter without a running systemd) and python3 (also the HTTP
#   probe's connect-timeout test: a listener with a full accept queue, backlog 0), wrk (the load
#   that drives blackbox_exporter in `deno task bench`'s TCP comparison).
set -eu
need=""
have() { command -v "$1" >/dev/null 2>&1; }
have victoria-metrics || need="$need victoria-metrics"
have vmagent || need="$need victoria-metrics"
have promtool || need="$need prometheus"
have prometheus || need="$need prometheus"
have prometheus-blackbox-exporter || need="$need prometheus-blackbox-exporter"
have fping || need="$need fping"
have ping || need="$need iputils-ping"
have busybox || need="$need busybox"
have dash || need="$need dash"
have shellcheck || need="$need shellcheck"
have ip || need="$need iproute2"
have nft || need="$need nftables"
have mtr || need="$need mtr-tiny"
have python3 || need="$need python3"
have curl || need="$need curl"
have wget || need="$need wget"
have openssl || need="$need openssl"
have systemd-analyze || need="$need systemd"
have wrk || need="$need wrk"
[ -x /usr/bin/python3 ] || need="$need python3"
/usr/bin/python3 -c "import seccomp" 2>/dev/null || need="$need python3-seccomp"
[ -x /usr/bin/chromium ] || need="$need chromium"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Cannot install test dependencies:$need (run as root, or install them with apt-get)" >&2
  exit 1
fi
echo "Installing test dependencies:$need"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $need >/dev/null
