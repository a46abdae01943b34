"""100,000 random and mutated datagrams (seeded, bounded) leave bmcd up, and a real
ipmitool session works afterwards."""

import os
import random
import time
import unittest

from secfix import BmcdTestCase, ipmitool
from rmcpp import ASF_PING, P_IPMI, Client, ipmi_msg, open_session_req, plain, rakp1, rakp3

COUNT = 100_000
SEED = 0x1B6


class Fuzz(BmcdTestCase):
    def test_random_and_mutated_datagrams(self):
        # Generous limits, so that the mutated set-up messages reach the parsers
        # instead of the rate limiter.
        b = self.start_bmcd(extra_config="[lan]\nipmi15 = on\nsetup_limit = 1000\nreply_limit = 1000\n")
        rng = random.Random(SEED)
        with Client(b.host, b.port) as c:
            self.assertTrue(c.login("admin", b.admin_password))
            seeds = [ASF_PING, open_session_req(1), open_session_req(2, suite=3), rakp1(c.bsid, bytes(16), b"admin"),
                     rakp3(c.bsid, bytes(32)), c.wrap(ipmi_msg(0x06, 0x01)), c.wrap(ipmi_msg(0x06, 0x3B, b"\x04")),
                     plain(P_IPMI, ipmi_msg(0x06, 0x38, b"\x8e\x04")),
                     bytes([6, 0, 0xFF, 7, 0]) + bytes(8) + bytes([9]) + ipmi_msg(0x06, 0x38, b"\x0e\x04"),
                     bytes([6, 0, 0xFF, 7, 0]) + bytes(8) + bytes([24]) + ipmi_msg(0x06, 0x39, b"\x02" + bytes(16))]
        sources = [Client(b.host, b.port, src=f"127.0.0.{n}") for n in (5, 6, 7, 8)]
        try:
            for i in range(COUNT):
                kind = rng.random()
                if kind < 0.3:
                    pkt = rng.randbytes(rng.randrange(0, 300))
                else:
                    pkt = bytearray(rng.choice(seeds))
                    for _ in range(rng.randrange(1, 6)):
                        op = rng.randrange(5)
                        if op == 0 and pkt:
                            pkt[rng.randrange(len(pkt))] ^= 1 << rng.randrange(8)
                        elif op == 1 and pkt:
                            pkt[rng.randrange(len(pkt))] = rng.choice((0, 0xFF, 0x7F, 0x80, rng.randrange(256)))
                        elif op == 2:
                            del pkt[rng.randrange(len(pkt) + 1):]
                        elif op == 3:
                            pkt += rng.randbytes(rng.randrange(1, 64))
                        elif op == 4 and len(pkt) > 16:
                            pkt[14:16] = rng.randrange(0x10000).to_bytes(2, "little")  # payload length
                    pkt = bytes(pkt)
                sources[i % len(sources)].send(pkt)
                if i % 1000 == 999:
                    time.sleep(0.02)  # bounded pace: bmcd drains its socket, the kernel drops excess
                    if i % 20000 == 19999:
                        self.assertTrue(b.running(), f"bmcd died after {i + 1} datagrams")
        finally:
            for s in sources:
                s.close()
        time.sleep(0.5)
        self.assertTrue(b.running())
        r = ipmitool(b, "mc", "info")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = ipmitool(b, "sel", "info")
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main()
