"""Replay and protocol-order attacks on RMCP+ sessions, and "death packets"."""

import os
import struct
import time
import unittest

from secfix import ATTACKER, BmcdTestCase, ipmitool
from rmcpp import (ASF_PING, P_IPMI, P_OPEN_REQ, P_RAKP1, P_RAKP3, RMCP, Client, ipmi_msg, open_session_req, plain,
                   rakp1, rakp3)


class Replay(BmcdTestCase):
    def test_captured_packets_replayed_are_ignored(self):
        b = self.start_bmcd()
        with Client(b.host, b.port) as c:
            self.assertTrue(c.login("admin", b.admin_password))
            self.assertEqual(c.cmd(0x06, 0x01)[0], 0)
            captured = c.sent[-1]
            # the same bytes again, from the same host and from another: no answer
            self.assertIsNone(c.xfer(captured, timeout=0.5))
            with Client(b.host, b.port, src=ATTACKER) as att:
                self.assertIsNone(att.xfer(captured, timeout=0.5))
            # sequence number 0, and one older than the 32-packet window: no answer
            self.assertIsNone(c.xfer(c.wrap(ipmi_msg(0x06, 0x01), seq=0), timeout=0.5))
            old = c.wrap(ipmi_msg(0x06, 0x01), seq=c.seq + 1)
            c.seq += 40
            self.assertEqual(c.cmd(0x06, 0x01)[0], 0)
            self.assertIsNone(c.xfer(old, timeout=0.5))
            # a tampered packet (one bit of the ciphertext) is dropped too
            t = bytearray(c.wrap(ipmi_msg(0x06, 0x01)))
            t[40] ^= 1
            self.assertIsNone(c.xfer(bytes(t), timeout=0.5))
            # the session itself is unharmed
            self.assertEqual(c.cmd(0x06, 0x01)[0], 0)

    def test_rakp_out_of_order_twice_or_from_elsewhere(self):
        b = self.start_bmcd()
        pw = b.admin_password.encode()
        with Client(b.host, b.port) as c, Client(b.host, b.port, src=ATTACKER) as att:
            self.assertEqual(c.open_session(17), 0)
            # RAKP 3 before RAKP 1, RAKP 1 for an unknown session id: silence
            self.assertIsNone(c.xfer(rakp3(c.bsid, bytes(32)), timeout=0.5))
            self.assertIsNone(c.xfer(rakp1(c.bsid ^ 0x5A5A5A5A, os.urandom(16), b"admin"), timeout=0.5))
            # RAKP 1 for this set-up from another host: silence
            self.assertIsNone(att.xfer(rakp1(c.bsid, os.urandom(16), b"admin"), timeout=0.5))
            r2 = c.rakp1(b"admin")
            self.assertTrue(c.rakp2_ok(r2, pw))
            # a second RAKP 1 with another name on this set-up: silence
            self.assertIsNone(c.xfer(rakp1(c.bsid, c.rm, b"root"), timeout=0.5))
            # RAKP 3 (with the right code) from another host: silence
            self.assertIsNone(att.xfer(rakp3(c.bsid, c.rakp3_code(pw)), timeout=0.5))
            self.assertEqual(c.rakp3(pw), 0)
            # the same RAKP 3 again: silence; the session works
            self.assertIsNone(c.xfer(rakp3(c.bsid, c.rakp3_code(pw)), timeout=0.5))
            self.assertEqual(c.cmd(0x06, 0x01)[0], 0)
            # a session's packets from another host are ignored
            self.assertIsNone(att.xfer(c.wrap(ipmi_msg(0x06, 0x01)), timeout=0.5))

    def test_death_packets_survived(self):
        b = self.start_bmcd(extra_config="[lan]\nipmi15 = on\n")
        hdr = RMCP + bytes([0x06])
        deaths = [
            b"", b"\x06", RMCP, RMCP + b"\x06", hdr + b"\x10", hdr + bytes(9),  # short headers
            plain(P_OPEN_REQ, b"", length=0xFFFF),                              # length beyond the datagram
            plain(P_OPEN_REQ, bytes(32), length=33),
            plain(P_OPEN_REQ, bytes(1400)),                                     # oversized payloads
            plain(P_RAKP1, bytes(8) + bytes(16) + b"\x14\x00\x00\xff" + b"A" * 255),  # name length 255
            plain(P_RAKP1, bytes(28), length=0x8000),
            plain(P_RAKP3, bytes(8) + bytes(3000)),
            plain(0xC0 | P_IPMI, bytes(64), sid=0x12345678, seq=1),              # in-session, unknown id
            plain(0xC0 | P_IPMI, bytes(16), sid=0xFFFFFFFF, seq=0xFFFFFFFF, length=0xFFFF),
            plain(0x02, bytes(20)),                                             # OEM explicit payload
            plain(0x3F, bytes(20)),
            bytes([6, 0, 0xFF, 7, 0]) + bytes(8) + b"\xff" + bytes(10),        # IPMI 1.5, length 255
            bytes([6, 0, 0xFF, 7, 2]) + bytes(8) + bytes(16) + b"\x40" + bytes(3),  # 1.5 MD5, truncated
            bytes([6, 0, 0xFF, 7, 0]) + bytes(8) + b"\x00",                    # 1.5, empty message
            ASF_PING[:8], ASF_PING + bytes(500), bytes([6, 0, 0xFF, 6]) + b"\x00\x00\x11\xbe\x80\x21\x00\xff",
            bytes([6, 0, 0xFF, 0x87]) + bytes(20),                              # RMCP ACK
            bytes(range(256)) * 4, b"\xff" * 2000, b"\x00" * 65000,
        ]
        # Open Session with algorithm payloads of huge or zero lengths and wrong types
        body = bytearray(open_session_req(9)[16:])
        for at, val in ((11, 0xFF), (19, 0x00), (8, 0x02), (24, 0x07)):
            m = bytearray(body)
            m[at] = val
            deaths.append(plain(P_OPEN_REQ, bytes(m)))
        with Client(b.host, b.port, src=ATTACKER) as att:
            for d in deaths:
                att.send(d)
                time.sleep(0.005)
        time.sleep(0.3)
        self.assertTrue(b.running())
        r = ipmitool(b, "mc", "info")
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main()
