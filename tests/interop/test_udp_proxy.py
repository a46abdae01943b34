"""The lossy UDP proxy of the SOL tests (udp_proxy.py) against a local UDP echo server:
it really drops and reorders in both directions, at about the rates asked, the same way
for the same seed, never invents or duplicates a packet, and stops cleanly."""

import socket
import struct
import threading
import time
import unittest

from udp_proxy import UdpProxy

N = 2000
BATCH = 50


class EchoServer:
    """Answers every datagram with the same bytes, from a thread."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.count = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                data, addr = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            self.count += 1
            self.sock.sendto(data, addr)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


def exchange(target, n: int = N) -> list:
    """Sends n numbered datagrams through the proxy and returns the numbers of the
    echoes, in arrival order. Echoes are read between batches, and each batch waits
    until the proxy has taken the previous one: a socket's receive buffer holds only a
    few hundred small datagrams, and a busy machine may be slow to run the proxy."""
    proxy = target if hasattr(target, "stats") else None  # a UdpProxy, or a bare port
    proxy_port = proxy.port if proxy else target
    got = []

    def receive(sock, quiet_s):
        sock.settimeout(quiet_s)
        while True:
            try:
                data = sock.recv(2048)
            except socket.timeout:
                return
            got.append(struct.unpack(">I", data[:4])[0])

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as c:
        for start in range(0, n, BATCH):
            for i in range(start, min(n, start + BATCH)):
                c.sendto(struct.pack(">I", i) + b"x" * 28, ("127.0.0.1", proxy_port))
            deadline = time.monotonic() + 5
            while proxy and proxy.stats()["received"]["up"] < min(n, start + BATCH) \
                    and time.monotonic() < deadline:
                receive(c, 0.002)
            receive(c, 0.005)
        receive(c, 0.3)  # until quiet for longer than the proxy holds a packet
    return got


class UdpProxyTest(unittest.TestCase):
    def run_once(self, seed: int, **kw):
        with EchoServer() as echo, UdpProxy(echo.port, seed=seed, **kw) as p:
            got = exchange(p)
            time.sleep(0.2)
            stats = p.stats()
            log = list(p.drop_log)
            served = echo.count
        self.assertFalse(p.running)
        return got, stats, log, served

    def test_drops_and_reorders_both_ways(self):
        got, st, log, served = self.run_once(seed=11)
        for d in ("up", "down"):
            # about 5% each (the draws are fixed by the seed; the bounds only say "about")
            self.assertGreater(st["dropped"][d], N * 0.02, st)
            self.assertLess(st["dropped"][d], N * 0.09, st)
            self.assertGreater(st["reordered"][d] + st["delayed"][d], N * 0.02, st)
            self.assertGreater(st["reordered"][d], 0, st)
        self.assertEqual(st["received"]["up"], N)
        self.assertEqual(served, N - st["dropped"]["up"])
        self.assertEqual(st["received"]["down"], served)
        # nothing invented, nothing duplicated, every loss accounted for
        self.assertEqual(len(got), len(set(got)))
        self.assertTrue(set(got) <= set(range(N)))
        self.assertEqual(len(got), N - st["dropped"]["up"] - st["dropped"]["down"])
        self.assertEqual(len(got), st["forwarded"]["down"])
        self.assertEqual(len(log), st["dropped"]["up"] + st["dropped"]["down"])
        # reordering is visible to the client
        inversions = sum(1 for a, b in zip(got, got[1:]) if b < a)
        self.assertGreater(inversions, 0)

    def test_same_seed_same_drops(self):
        _, _, log1, _ = self.run_once(seed=5)
        _, _, log2, _ = self.run_once(seed=5)
        _, _, log3, _ = self.run_once(seed=6)
        up = lambda log: [i for d, i in log if d == "up"]  # noqa: E731
        # the client's packets reach the proxy in the order sent, so the upstream drops
        # are exactly reproducible
        self.assertEqual(up(log1), up(log2))
        self.assertNotEqual(up(log1), up(log3))

    def test_rates_zero_is_transparent_and_adjustable(self):
        with EchoServer() as echo, UdpProxy(echo.port, drop=0, reorder=0) as p:
            self.assertEqual(exchange(p, 300), list(range(300)))
            p.drop = 1.0  # everything lost from now on
            self.assertEqual(exchange(p, 50), [])
            st = p.stats()
        self.assertEqual(st["dropped"]["up"], 50)
        self.assertEqual(st["reordered"], {"up": 0, "down": 0})
        with self.assertRaises(ValueError):
            UdpProxy(1, drop=0.7, reorder=0.5)

    def test_stops_cleanly(self):
        with EchoServer() as echo:
            p = UdpProxy(echo.port).start()
            port = p.port
            self.assertTrue(p.running)
            exchange(port, 20)
            p.stop()
            self.assertFalse(p.running)
            p.stop()  # twice is harmless
            # the port is free again and nothing answers on it
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.bind(("127.0.0.1", port))
            self.assertEqual(exchange(port, 5), [])
            self.assertEqual([t for t in threading.enumerate() if t.name == f"udp-proxy-{port}"], [])


if __name__ == "__main__":
    unittest.main()
