#!/bin/sh
# VMProber installer: curl -fsSL <releases>/latest/download/install.sh | sh
#
# Downloads vmprober-<target> and SHA256SUMS, verifies the checksum, installs
# /usr/local/bin/vmprober (atomic replace), /etc/vmprober/vmprober.yaml (only when absent),
# /var/lib/vmprober/wal, a system user `vmprober`, and a systemd unit (or an init.d/procd script),
# then starts the service. Re-running upgrades and keeps the config. POSIX sh; runs under dash and
# busybox ash. Every failure says what and why, and undoes what this run changed.
set -u

BASE_URL=${VMPROBER_BASE_URL:-https://github.com/vmprober/vmprober/releases}
VERSION=${VMPROBER_VERSION:-latest}
ROOT=${VMPROBER_ROOT:-/}
PROG=vmprober-install
SERVICE_USER=vmprober

usage() {
  cat <<'EOF'
Usage: install.sh [--no-start] [--uninstall [--purge]] [--help]
       curl -fsSL <releases>/latest/download/install.sh | sh -s -- [options]

Installs, upgrades or removes VMProber (Linux x86_64/aarch64, glibc).

Options:
  --no-start    install or upgrade, but do not start or restart the service
  --uninstall   remove the binary and the service; keep config and data
  --purge       with --uninstall (or alone): also remove /etc/vmprober, /var/lib/vmprober
                and the vmprober user
  --help        this text

Environment:
  VMPROBER_BASE_URL    releases URL (default https://github.com/vmprober/vmprober/releases);
                       files come from $BASE/latest/download/ or $BASE/download/<version>/
  VMPROBER_VERSION     release to install, e.g. v0.1.0 (default latest)
  VMPROBER_ROOT        install under this root instead of / (packagers, tests); services of the
                       running host are then never touched and no user is created
  VMPROBER_INIT        systemd | initd | procd | none (default: detected; systemd under a root)
  VMPROBER_OS          override `uname -s` (detection override for tests)
  VMPROBER_ARCH        override `uname -m`, e.g. aarch64 to lay out another architecture
  VMPROBER_LIBC        override the C library detection: gnu | musl
  VMPROBER_DOWNLOADER  curl | wget (default: curl when present, else wget)
EOF
}

say() { printf '%s: %s\n' "$PROG" "$*"; }
warn() { printf '%s: warning: %s\n' "$PROG" "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

# --- undo log: what this run changed, undone by die() --------------------------------------------
CHANGED=0          # 1 once the host was modified
UNDO=""            # lines "rm<TAB>PATH" or "restore<TAB>COPY<TAB>PATH", newest first
UNDO_N=0
TMP=""
STAGED=""
TAB=$(printf '\t')

undo_rm() { UNDO="rm$TAB$1
$UNDO"; CHANGED=1; }

# undo_keep PATH: keep a copy of PATH (beside it, so the restore is an atomic rename).
undo_keep() {
  UNDO_N=$((UNDO_N + 1))
  copy="$(dirname "$1")/.$(basename "$1").undo$UNDO_N"
  cp -p "$1" "$copy" || die "cannot back up $1 before replacing it"
  UNDO="restore$TAB$copy$TAB$1
$UNDO"
}

rollback() {
  [ "$CHANGED" = 1 ] || return 0
  printf '%s\n' "$UNDO" | while IFS="$TAB" read -r op a b; do
    case "$op" in
      rm) if [ -d "$a" ] && [ ! -L "$a" ]; then rmdir "$a" 2>/dev/null; else rm -f "$a"; fi ;;
      restore) mv -f "$a" "$b" ;;
    esac
  done
  if [ -z "$ROOT" ] && [ "$INIT" = systemd ] && have systemctl; then systemctl daemon-reload >/dev/null 2>&1; fi
  CHANGED=0
  printf '%s: undid the changes of this run\n' "$PROG" >&2
}

# forget_undo: the run succeeded; drop the kept copies.
forget_undo() {
  printf '%s\n' "$UNDO" | while IFS="$TAB" read -r op a _; do
    [ "$op" = restore ] && rm -f "$a"
  done
  UNDO=""
}

die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  if [ "$CHANGED" = 1 ]; then rollback; else printf '%s: nothing was changed\n' "$PROG" >&2; fi
  exit 1
}

cleanup() {
  [ -n "$TMP" ] && rm -rf "$TMP"
  [ -n "$STAGED" ] && rm -f "$STAGED"
  return 0
}
trap cleanup EXIT
trap 'printf "\n" >&2; die "interrupted"' INT TERM HUP

# --- arguments ------------------------------------------------------------------------------------
MODE=install
PURGE=0
START=1
for arg in "$@"; do
  case "$arg" in
    --no-start) START=0 ;;
    --uninstall) MODE=uninstall ;;
    --purge) MODE=uninstall; PURGE=1 ;;
    -h | --help) usage; exit 0 ;;
    *) printf '%s: error: unknown option "%s" (see --help)\n' "$PROG" "$arg" >&2; exit 1 ;;
  esac
done

case "$ROOT" in
  /*) ;;
  *) die "VMPROBER_ROOT must be an absolute path, got \"$ROOT\"" ;;
esac
ROOT=${ROOT%/}
while [ "${ROOT%/}" != "$ROOT" ]; do ROOT=${ROOT%/}; done
BIN="$ROOT/usr/local/bin/vmprober"
ETC="$ROOT/etc/vmprober"
CONFIG="$ETC/vmprober.yaml"
VARLIB="$ROOT/var/lib/vmprober"
WAL="$VARLIB/wal"
UNIT="$ROOT/etc/systemd/system/vmprober.service"
INITSCRIPT="$ROOT/etc/init.d/vmprober"

# --- platform -------------------------------------------------------------------------------------
detect_init() {
  if [ -n "${VMPROBER_INIT:-}" ]; then
    case "$VMPROBER_INIT" in
      systemd | initd | procd | none) INIT=$VMPROBER_INIT ;;
      *) die "VMPROBER_INIT must be systemd, initd, procd or none, got \"$VMPROBER_INIT\"" ;;
    esac
  elif [ -n "$ROOT" ]; then
    INIT=systemd
  elif [ -d /run/systemd/system ]; then
    INIT=systemd
  elif [ -f /etc/rc.common ] && [ -x /sbin/procd ]; then
    INIT=procd
  elif [ -d /etc/init.d ] && have start-stop-daemon; then
    INIT=initd
  else
    INIT=none
  fi
}
INIT=none

normalize_arch() {
  case "$1" in
    x86_64 | amd64) echo x86_64 ;;
    aarch64 | arm64 | armv8l) echo aarch64 ;;
    *) echo "$1" ;;
  esac
}

detect_libc() {
  if [ -n "${VMPROBER_LIBC:-}" ]; then echo "$VMPROBER_LIBC"; return; fi
  if have ldd && ldd --version 2>&1 | grep -qi musl; then echo musl; return; fi
  for f in /lib/ld-musl-*.so.1; do
    [ -e "$f" ] && { echo musl; return; }
  done
  echo gnu
}

detect_target() {
  os=${VMPROBER_OS:-$(uname -s)}
  raw_arch=${VMPROBER_ARCH:-$(uname -m)}
  arch=$(normalize_arch "$raw_arch")
  [ "$os" = Linux ] || die "unsupported operating system \"$os\": vmprober releases are built for Linux (x86_64 and aarch64, glibc) only"
  case "$arch" in
    x86_64 | aarch64) ;;
    *) die "unsupported architecture \"$raw_arch\": vmprober releases exist for x86_64 and aarch64 Linux (glibc) only" ;;
  esac
  libc=$(detect_libc)
  case "$libc" in
    gnu) ;;
    musl) die "this host uses the musl C library (e.g. Alpine, OpenWrt): the vmprober binary needs glibc; run the bundle dist/vmprober.js with deno instead, or use a glibc host" ;;
    *) die "VMPROBER_LIBC must be gnu or musl, got \"$libc\"" ;;
  esac
  TARGET="$arch-unknown-linux-gnu"
  HOST_ARCH=$(normalize_arch "$(uname -m)")
}

# --- download and verify --------------------------------------------------------------------------
pick_downloader() {
  DL=${VMPROBER_DOWNLOADER:-}
  if [ -z "$DL" ]; then
    if have curl; then DL=curl; elif have wget; then DL=wget; else die "neither curl nor wget is installed: install one of them and run again"; fi
  fi
  case "$DL" in
    curl | wget) have "$DL" || die "VMPROBER_DOWNLOADER=$DL, but $DL is not installed" ;;
    *) die "VMPROBER_DOWNLOADER must be curl or wget, got \"$DL\"" ;;
  esac
  have sha256sum || have shasum || have openssl ||
    die "no SHA-256 tool (sha256sum, shasum or openssl) found: install coreutils and run again"
}

# fetch URL FILE: download, or print why not and fail.
fetch() {
  if [ "$DL" = curl ]; then
    out=$(curl -fsSL --connect-timeout 20 --max-time 600 -o "$2" "$1" 2>&1) && return 0
  elif wget --help 2>&1 | grep -q BusyBox; then
    # (no -T: busybox 1.35's wget crashes with it)
    out=$(wget -q -O "$2" "$1" 2>&1) && return 0
  else
    out=$(wget --progress=dot --tries=1 --timeout=60 -O "$2" "$1" 2>&1) && return 0
    out="wget: $(printf '%s\n' "$out" | sed -n 's/^[0-9-]* [0-9:]* \(([^)]*) - \)\{0,1\}\(.\)/\2/p' | tail -n 1)"
  fi
  rm -f "$2"
  die "cannot download $1: ${out:-$DL failed}"
}

sha256() {
  if have sha256sum; then sha256sum "$1" | cut -d' ' -f1
  elif have shasum; then shasum -a 256 "$1" | cut -d' ' -f1
  elif have openssl; then openssl dgst -sha256 "$1" | sed 's/^.*= *//'
  fi
}

# verify NAME: check $TMP/NAME against $TMP/SHA256SUMS.
verify() {
  want=$(awk -v n="$1" '$2 == n || $2 == "*" n { print $1; exit }' "$TMP/SHA256SUMS")
  [ -n "$want" ] || die "SHA256SUMS of $RELEASE_URL lists no checksum for $1"
  got=$(sha256 "$TMP/$1")
  [ "$want" = "$got" ] || die "checksum mismatch for $1: SHA256SUMS says $want, the download is $got (corrupt or tampered with)"
}

download_release() {
  case "$VERSION" in
    latest) RELEASE_URL="${BASE_URL%/}/latest/download" ;;
    v*) RELEASE_URL="${BASE_URL%/}/download/$VERSION" ;;
    *) RELEASE_URL="${BASE_URL%/}/download/v$VERSION" ;;
  esac
  TMP=$(mktemp -d 2>/dev/null) || die "cannot create a temporary directory (is ${TMPDIR:-/tmp} writable?)"
  case "$INIT" in
    systemd) SERVICE_FILE=vmprober.service ;;
    initd) SERVICE_FILE=vmprober.initd ;;
    procd) SERVICE_FILE=vmprober.procd ;;
    *) SERVICE_FILE="" ;;
  esac
  say "downloading vmprober ($VERSION, $TARGET) from $RELEASE_URL"
  fetch "$RELEASE_URL/SHA256SUMS" "$TMP/SHA256SUMS"
  for name in "vmprober-$TARGET" vmprober.yaml $SERVICE_FILE; do
    fetch "$RELEASE_URL/$name" "$TMP/$name"
    verify "$name"
  done
  say "checksums verified"
}

# --- install --------------------------------------------------------------------------------------
make_dir() { # DIR MODE
  if [ ! -d "$1" ]; then
    make_dir "$(dirname "$1")" 0755
    [ -e "$1" ] || [ -L "$1" ] && die "cannot create the directory $1: a file is in the way"
    undo_rm "$1"
    err=$(mkdir -m "$2" "$1" 2>&1) || die "cannot create the directory $1: ${err##*: }"
  fi
}

ensure_user() {
  HAVE_USER=0
  if [ -n "$ROOT" ]; then
    say "not creating the $SERVICE_USER user under VMPROBER_ROOT: create it in the image (the service runs as $SERVICE_USER)"
    return
  fi
  if id "$SERVICE_USER" >/dev/null 2>&1; then HAVE_USER=1; return; fi
  nologin=/bin/false
  for s in /usr/sbin/nologin /sbin/nologin; do [ -x "$s" ] && { nologin=$s; break; }; done
  if have useradd; then
    useradd --system --user-group --home-dir /var/lib/vmprober --no-create-home --shell "$nologin" "$SERVICE_USER" ||
      die "useradd could not create the system user $SERVICE_USER"
  elif have adduser && adduser 2>&1 | grep -q BusyBox; then
    { addgroup -S "$SERVICE_USER" && adduser -S -D -H -h /var/lib/vmprober -s "$nologin" -G "$SERVICE_USER" "$SERVICE_USER"; } ||
      die "adduser could not create the system user $SERVICE_USER"
  elif have adduser; then
    adduser --system --group --no-create-home --home /var/lib/vmprober --shell "$nologin" "$SERVICE_USER" ||
      die "adduser could not create the system user $SERVICE_USER"
  else
    warn "neither useradd nor adduser exists: the service will run as root"
    return
  fi
  say "created system user $SERVICE_USER"
  HAVE_USER=1
}

# commit_staged STAGED DEST: rename STAGED over DEST (atomic), remembering how to undo it.
commit_staged() {
  if [ -e "$2" ]; then undo_keep "$2"; CHANGED=1; else undo_rm "$2"; fi
  mv -f "$1" "$2" || die "cannot replace $2"
  STAGED=""
}

install_file() { # SRC DEST MODE
  STAGED="$(dirname "$2")/.$(basename "$2").new"
  { cp "$1" "$STAGED" && chmod "$3" "$STAGED"; } || die "cannot write $STAGED (disk full or read-only?)"
  commit_staged "$STAGED" "$2"
}

install_binary() {
  make_dir "$ROOT/usr/local/bin" 0755
  STAGED="$ROOT/usr/local/bin/.vmprober.new"
  { cp "$TMP/vmprober-$TARGET" "$STAGED" && chmod 0755 "$STAGED"; } ||
    die "cannot write $STAGED (disk full or read-only?)"
  if [ "$TARGET" = "$HOST_ARCH-unknown-linux-gnu" ] && [ -z "${VMPROBER_ARCH:-}" ]; then
    out=$("$STAGED" version 2>&1) ||
      die "the downloaded binary does not run on this host: $(printf '%s' "$out" | head -n 3)"
    NEW_VERSION=$(printf '%s' "$out" | head -n 1)
  else
    NEW_VERSION="$VERSION ($TARGET)"
  fi
  if [ -e "$BIN" ]; then UPGRADE=1; else UPGRADE=0; fi
  commit_staged "$STAGED" "$BIN"
}

install_config() {
  make_dir "$ETC" 0755
  if [ -e "$CONFIG" ]; then
    say "keeping the existing $CONFIG"
    return
  fi
  install_file "$TMP/vmprober.yaml" "$CONFIG" 0640
  [ "$HAVE_USER" = 1 ] && chgrp "$SERVICE_USER" "$CONFIG"
  say "wrote the default config $CONFIG"
}

install_data_dirs() {
  make_dir "$VARLIB" 0750
  make_dir "$WAL" 0750
  chmod 0750 "$VARLIB" "$WAL" || die "cannot set permissions on $WAL"
  if [ "$HAVE_USER" = 1 ]; then
    chown "$SERVICE_USER:$SERVICE_USER" "$VARLIB" "$WAL" || die "cannot give $WAL to $SERVICE_USER"
  fi
}

install_service() {
  case "$INIT" in
    systemd)
      make_dir "$ROOT/etc/systemd/system" 0755
      if [ "$HAVE_USER" = 0 ] && [ -z "$ROOT" ]; then
        sed -e '/^User=/d' -e '/^Group=/d' "$TMP/vmprober.service" >"$TMP/unit" || die "cannot edit the unit"
      else
        cp "$TMP/vmprober.service" "$TMP/unit" || die "cannot copy the unit"
      fi
      install_file "$TMP/unit" "$UNIT" 0644
      ;;
    initd | procd)
      make_dir "$ROOT/etc/init.d" 0755
      install_file "$TMP/vmprober.$INIT" "$INITSCRIPT" 0755
      if [ "$INIT" = initd ] && [ -z "$ROOT" ] && have setcap; then
        setcap cap_net_raw+ep "$BIN" || warn "setcap failed: ICMP needs unprivileged ping sockets or the ping fallback"
      fi
      ;;
    none)
      warn "no systemd, init.d or procd found: start vmprober yourself: $BIN run --config /etc/vmprober/vmprober.yaml"
      return
      ;;
  esac
  [ -n "$ROOT" ] && { say "laid out the $INIT service under $ROOT (host services untouched)"; return; }
  case "$INIT" in
    systemd)
      systemctl daemon-reload || die "systemctl daemon-reload failed"
      systemctl enable vmprober >/dev/null 2>&1 || die "systemctl enable vmprober failed"
      ;;
    initd)
      if have update-rc.d; then update-rc.d vmprober defaults >/dev/null 2>&1
      elif have rc-update; then rc-update add vmprober default >/dev/null 2>&1
      elif have chkconfig; then chkconfig --add vmprober >/dev/null 2>&1
      fi
      ;;
    procd) "$INITSCRIPT" enable || die "$INITSCRIPT enable failed" ;;
  esac
}

start_service() {
  if [ "$START" = 0 ] || [ -n "$ROOT" ] || [ "$INIT" = none ]; then
    [ "$START" = 0 ] && [ "$UPGRADE" = 1 ] && [ -z "$ROOT" ] && say "--no-start: a running vmprober keeps the old binary until restarted"
    return
  fi
  case "$INIT" in
    systemd) out=$(systemctl restart vmprober 2>&1) ;;
    *) out=$("$INITSCRIPT" restart 2>&1) ;;
  esac || {
    msg="vmprober did not start ($INIT): $out"
    [ "$INIT" = systemd ] && msg="$msg; see journalctl -u vmprober"
    printf '%s: error: %s\n' "$PROG" "$msg" >&2
    rollback
    [ "$UPGRADE" = 1 ] && {
      case "$INIT" in systemd) systemctl restart vmprober ;; *) "$INITSCRIPT" restart ;; esac
    } >/dev/null 2>&1
    exit 1
  }
  say "started the vmprober service"
}

do_install() {
  detect_init
  detect_target
  [ -n "$ROOT" ] || [ "$(id -u)" = 0 ] || die "installing into / needs root: run it with sudo (or set VMPROBER_ROOT)"
  pick_downloader
  download_release
  ensure_user
  install_binary
  install_config
  install_data_dirs
  install_service
  start_service
  forget_undo
  if [ "$UPGRADE" = 1 ]; then say "upgraded $BIN to $NEW_VERSION"; else say "installed $BIN: $NEW_VERSION"; fi
  say "config: $CONFIG   WAL: $WAL"
  if [ -z "$ROOT" ] && [ "$INIT" = systemd ]; then say "status: systemctl status vmprober; metrics: curl -s http://127.0.0.1:9109/metrics"; fi
}

# --- uninstall ------------------------------------------------------------------------------------
do_uninstall() {
  [ -n "$ROOT" ] || [ "$(id -u)" = 0 ] || die "uninstalling from / needs root: run it with sudo"
  found=0
  if [ -f "$UNIT" ]; then
    found=1
    if [ -z "$ROOT" ] && have systemctl; then systemctl disable --now vmprober >/dev/null 2>&1; fi
    rm -f "$UNIT" || die "cannot remove $UNIT"
    if [ -z "$ROOT" ] && have systemctl; then systemctl daemon-reload >/dev/null 2>&1; fi
    say "removed the systemd unit"
  fi
  if [ -f "$INITSCRIPT" ] && grep -q VMProber "$INITSCRIPT"; then
    found=1
    if [ -z "$ROOT" ]; then
      "$INITSCRIPT" stop >/dev/null 2>&1
      if grep -q USE_PROCD "$INITSCRIPT"; then "$INITSCRIPT" disable >/dev/null 2>&1
      elif have update-rc.d; then update-rc.d -f vmprober remove >/dev/null 2>&1
      elif have rc-update; then rc-update del vmprober default >/dev/null 2>&1
      elif have chkconfig; then chkconfig --del vmprober >/dev/null 2>&1
      fi
    fi
    rm -f "$INITSCRIPT" || die "cannot remove $INITSCRIPT"
    say "removed the init script"
  fi
  if [ -f "$BIN" ]; then
    found=1
    rm -f "$BIN" || die "cannot remove $BIN"
    say "removed $BIN"
  fi
  if [ "$PURGE" = 1 ]; then
    for d in "$ETC" "$VARLIB"; do
      if [ -e "$d" ]; then found=1; rm -rf "$d" || die "cannot remove $d"; say "removed $d"; fi
    done
    if [ -z "$ROOT" ] && id "$SERVICE_USER" >/dev/null 2>&1; then
      if have userdel; then userdel "$SERVICE_USER"; elif have deluser; then deluser "$SERVICE_USER"; fi &&
        say "removed the user $SERVICE_USER"
    fi
  elif [ -e "$ETC" ] || [ -e "$VARLIB" ]; then
    say "kept $ETC and $VARLIB (remove them with --purge)"
  fi
  [ "$found" = 1 ] || say "vmprober is not installed under ${ROOT:-/}"
  return 0
}

if [ "$MODE" = uninstall ]; then do_uninstall; else do_install; fi
