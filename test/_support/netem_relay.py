"""A netem stand-in for kernels without sch_netem: relays IP packets between two TUN devices,
holding each one going a -> b for DELAY_MS and dropping LOSS_PERCENT of them (seeded, so a run
is repeatable); b -> a passes at once. Runs until killed; the caller waits for both devices.

usage: netem_relay.py TUN_A TUN_B DELAY_MS LOSS_PERCENT SEED
"""
import fcntl
import heapq
import os
import random
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main():
    name_a, name_b, delay_ms, loss_percent, seed = sys.argv[1:6]
    a, b = tun(name_a), tun(name_b)
    delay = float(delay_ms) / 1000
    loss = float(loss_percent) / 100
    rng = random.Random(int(seed))
    queue = []
    seq = 0
    while True:
        timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else None
        readable, _, _ = select.select([a, b], [], [], timeout)
        if not readable and not queue:
            time.sleep(0.001)
        for fd in readable:
            while True:
                try:
                    packet = os.read(fd, 65536)
                except OSError:  # EAGAIN; EIO while a device is down or moving namespaces
                    break
                if fd == b:
                    try:
                        os.write(a, packet)
                    except OSError:
                        pass
                elif rng.random() >= loss:
                    heapq.heappush(queue, (time.monotonic() + delay, seq, packet))
                    seq += 1
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            try:
                os.write(b, heapq.heappop(queue)[2])
            except OSError:
                pass


main()
