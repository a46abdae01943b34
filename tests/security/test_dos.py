"""Denial of service and amplification: half-open floods from one source, reply
size and rate bounds before authentication."""

import os
import struct
import time
import unittest

from secfix import ATTACKER, FAST, BmcdTestCase, ipmitool
from rmcpp import ASF_PING, Client, ipmi_msg, open_session_req, plain, rakp1, P_IPMI


class DoS(BmcdTestCase):
    def test_half_open_flood_does_not_lock_out_others(self):
        b = self.start_bmcd()
        # an established session from another host survives the flood
        with Client(b.host, b.port) as held:
            self.assertTrue(held.login("admin", b.admin_password))
            with Client(b.host, b.port, src=ATTACKER) as att:
                for i in range(5000):
                    att.send(open_session_req(0x1000 + i))
                    if i % 500 == 499:
                        time.sleep(0.01)  # let bmcd drain its socket between bursts
            t0 = time.monotonic()
            r = ipmitool(b, "mc", "info", cipher=17, timeout=30)
            took = time.monotonic() - t0
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertLess(took, 5.0)
            self.assertIsNotNone(held.cmd(0x06, 0x01))  # Get Device ID in the old session
        self.assertIn("ready", b.log())

    def test_preauth_replies_bounded(self):
        b = self.start_bmcd(extra_config="[lan]\nipmi15 = on\n")
        with Client(b.host, b.port, src="127.0.0.3") as c:
            probes = [ASF_PING, open_session_req(7), open_session_req(8, suite=0)]
            for cmd, data in ((0x38, b"\x8e\x04"), (0x38, b"\x0e\x04"), (0x54, b"\x0e\x00\x80"),
                              (0x37, b""), (0x01, b""), (0x39, b"\x02" + b"admin".ljust(16, b"\0"))):
                m = ipmi_msg(0x06, cmd, data)
                probes.append(plain(P_IPMI, m))  # RMCP+ without a session
                probes.append(bytes([6, 0, 0xFF, 7, 0]) + bytes(8) + bytes([len(m)]) + m)  # IPMI 1.5
            answered = 0
            for p in probes:
                r = c.xfer(p, timeout=0.5)
                if r is None:
                    continue
                answered += 1
                bound = 28 if p == ASF_PING else 2 * len(p)
                self.assertLessEqual(len(r), bound, f"request {p.hex()} reply {r.hex()}")
            # RAKP 1 with an empty name: the largest ratio (RAKP 2 is 88 bytes for 44)
            self.assertEqual(c.open_session(17), 0)
            r = c.xfer(rakp1(c.bsid, os.urandom(16), b""))
            self.assertEqual(len(r), 88)
            self.assertGreaterEqual(answered, 12)

    def test_replies_rate_limited_per_source(self):
        b = self.start_bmcd()
        with Client(b.host, b.port, src="127.0.0.4") as c:
            t0 = time.monotonic()
            for _ in range(400):
                c.send(ASF_PING)
            got = 0
            while c.recv(timeout=0.3) is not None:
                got += 1
            elapsed = time.monotonic() - t0
        # default: 50 replies a second, a burst of 100
        self.assertGreater(got, 50)
        self.assertLessEqual(got, 100 + 50 * elapsed + 5, f"{got} pongs in {elapsed:.2f} s")
        # another source is served meanwhile
        self.assertEqual(ipmitool(b, "mc", "info", extra=FAST).returncode, 0)


if __name__ == "__main__":
    unittest.main()
