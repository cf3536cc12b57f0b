#!/usr/bin/env python3
"""Runs a command under the seccomp filter a systemd unit's SystemCallFilter= lines describe.

Usage: seccomp_exec.py "@system-service" "~@privileged @resources" "capset" -- CMD ARGS...

Each argument before `--` is the value of one SystemCallFilter= line, in the unit's order: the
first (an allow list) starts the set, later ones add names or, after `~`, remove them. Sets are
expanded (recursively) with `systemd-analyze syscall-filter`, as systemd does. Any other call fails
with EPERM (SystemCallErrorNumber=EPERM), on the native architecture only
(SystemCallArchitectures=native).
"""
import errno
import os
import subprocess
import sys

import seccomp


def expand(name, seen):
    if not name.startswith("@"):
        return {name}
    if name in seen:
        return set()
    seen.add(name)
    out = subprocess.run(["systemd-analyze", "syscall-filter", name], check=True,
                         capture_output=True, text=True).stdout
    calls = set()
    for line in out.splitlines()[1:]:
        word = line.strip()
        if word and not word.startswith("#"):
            calls |= expand(word, seen)
    return calls


def main(argv):
    split = argv.index("--")
    allowed = set()
    for i, line in enumerate(argv[:split]):
        deny = line.startswith("~")
        if i == 0 and deny:
            sys.exit("seccomp_exec.py: the first SystemCallFilter= line must be an allow list")
        names = set().union(*(expand(n, set()) for n in line.lstrip("~").split()))
        allowed = allowed - names if deny else allowed | names
    filt = seccomp.SyscallFilter(defaction=seccomp.ERRNO(errno.EPERM))
    for call in sorted(allowed):
        try:
            filt.add_rule(seccomp.ALLOW, call)
        except (RuntimeError, ValueError, OSError):
            pass  # not a system call of this architecture
    filt.load()
    command = argv[split + 1:]
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
