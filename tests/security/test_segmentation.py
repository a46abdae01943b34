"""Network segmentation: the [lan] allow list, and a LAN channel disabled with Set
Channel Access (IPMI 2.0 §22.22), which stays silent across a restart."""

import time
import unittest

from secfix import ATTACKER, FAST, BmcdTestCase, ipmitool
from rmcpp import ASF_PING, Client


class Segmentation(BmcdTestCase):
    def test_allow_list(self):
        b = self.start_bmcd(extra_config="[lan]\nallow = 10.0.0.0/8, 127.0.0.1/32\nallow = ::1/128\n")
        with Client(b.host, b.port, src=ATTACKER) as att:
            self.assertIsNone(att.xfer(ASF_PING, timeout=0.5))
            self.assertIsNone(att.open_session(17))
        with Client(b.host, b.port) as c:
            self.assertIsNotNone(c.xfer(ASF_PING, timeout=1))
        r = ipmitool(b, "mc", "info")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_bad_allow_list_refused_at_start(self):
        from secfix import Bmcd, run
        b = Bmcd(extra_config="[lan]\nallow = 10.1.2.3/8\n")
        try:
            r = run([*b.command()], timeout=20)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("allow", r.stderr)
        finally:
            b.close()

    def test_channel_disabled_is_silent_and_persistent(self):
        b = self.start_bmcd()
        with Client(b.host, b.port) as c:
            self.assertIsNotNone(c.xfer(ASF_PING, timeout=1))
        r = ipmitool(b, "lan", "set", "1", "access", "off")
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        time.sleep(0.2)
        with Client(b.host, b.port) as c:
            self.assertIsNone(c.xfer(ASF_PING, timeout=0.5))
            self.assertIsNone(c.open_session(17))
        self.assertNotEqual(ipmitool(b, "mc", "info", extra=FAST, timeout=30).returncode, 0)
        b.restart()
        with Client(b.host, b.port) as c:
            self.assertIsNone(c.xfer(ASF_PING, timeout=0.5))


if __name__ == "__main__":
    unittest.main()
