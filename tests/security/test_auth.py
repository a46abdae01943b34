"""Authentication attacks: weak cipher suites, anonymous login, user enumeration
through RAKP 2, brute force (LAN parameter 26 lock-out and its audit), and nmap's
IPMI scripts."""

import os
import re
import statistics
import tempfile
import time
import unittest
import shutil

from secfix import FAST, BmcdTestCase, bmcctl, freeipmi, ipmitool, run
from rmcpp import Client

# ipmitool raw: Set LAN Configuration Parameters (0Ch 01h), channel 1, parameter 26:
# audit events on, threshold 3, attempt count reset 10 s, lock-out 10 s (tens of s).
PARAM26 = ["raw", "0x0c", "0x01", "0x01", "0x1a", "0x01", "0x03", "0x01", "0x00", "0x01", "0x00"]


class Auth(BmcdTestCase):
    def ok(self, r):
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        return r.stdout

    def test_cipher_zero_and_weak_suites_refused(self):
        b = self.start_bmcd()
        with Client(b.host, b.port) as c:
            for suite in range(17):
                self.assertEqual(c.open_session(suite), 0x11, f"suite {suite}: no cipher suite match")
            self.assertEqual(c.open_session(17), 0)
            # algorithm numbers that IPMI 2.0 does not define: their own status codes
            self.assertEqual(c.open_session(algs=(0x07, 4, 1)), 0x04)
            self.assertEqual(c.open_session(algs=(3, 0x09, 1)), 0x05)
            self.assertEqual(c.open_session(algs=(3, 4, 0x09)), 0x10)
        for suite in (0, 1, 2, 3):
            r = ipmitool(b, "mc", "info", cipher=suite, extra=FAST, timeout=30)
            self.assertNotEqual(r.returncode, 0, f"suite {suite} accepted")
        self.assertNotIn("session 1 opened", b.log())

    def test_anonymous_login_refused(self):
        b = self.start_bmcd()
        with Client(b.host, b.port) as c:
            self.assertEqual(c.open_session(17), 0)
            r2 = c.rakp1(b"")
            self.assertEqual(r2[1], 0)  # answered like any name ...
            self.assertFalse(c.rakp2_ok(r2, b""))  # ... but with a code nobody can verify
            self.assertEqual(c.rakp3(b""), 0x0F)
        r = ipmitool(b, "mc", "info", user="", password="", extra=FAST, timeout=30)
        self.assertNotEqual(r.returncode, 0)

    def test_unknown_user_and_wrong_password_indistinguishable(self):
        b = self.start_bmcd(extra_config="[lan]\nsetup_limit = 1000\nreply_limit = 1000\n")
        samples = {"unknown": [], "wrong": []}
        shapes = {"unknown": set(), "wrong": set()}
        with Client(b.host, b.port) as c:
            for i in range(30):
                for kind, user in (("unknown", b"nosuchuser"), ("wrong", b"admin")):
                    self.assertEqual(c.open_session(17), 0)
                    t0 = time.perf_counter()
                    r2 = c.rakp1(user)
                    samples[kind].append(time.perf_counter() - t0)
                    self.assertIsNotNone(r2)
                    self.assertFalse(c.rakp2_ok(r2, b"wrong-password"))
                    r4 = c.rakp3(b"wrong-password")
                    shapes[kind].add((r2[1], len(c.rakp2_raw), r4))
        self.assertEqual(shapes["unknown"], shapes["wrong"])
        self.assertEqual(shapes["wrong"], {(0, 88, 0x0F)})
        # Coarse timing: medians within a generous factor (plus 2 ms of slack), so a
        # busy machine cannot make it flake; a real early-out would be far apart.
        m = [statistics.median(samples[k]) for k in samples]
        self.assertLessEqual(max(m), 3 * min(m) + 0.002, f"medians {m}")

    def test_lockout_after_threshold_and_release(self):
        b = self.start_bmcd()
        self.ok(ipmitool(b, *PARAM26))
        self.assertIn("11 01 03 01 00 01 00", self.ok(ipmitool(b, "raw", "0x0c", "0x02", "0x01", "0x1a", "0", "0")))
        # ipmitool checks RAKP 2 itself and stops: bmcd counts such a login when its
        # set-up ends (refused, displaced by the host's fifth set-up, or expired
        # after 10 s), so the lock-out comes at most 4 attempts late.
        for _ in range(10):
            r = ipmitool(b, "mc", "info", password="wrong-password", extra=FAST, timeout=30)
            self.assertNotEqual(r.returncode, 0)
            if "locked out" in b.log():
                break
        self.assertRegex(b.log(), r"audit: user 2 \"admin\" locked out for 10 s after 3 bad passwords")
        locked_at = time.monotonic()
        # the right password now fails exactly like a wrong one
        r = ipmitool(b, "mc", "info", extra=FAST, timeout=30)
        self.assertNotEqual(r.returncode, 0)
        wrong = ipmitool(b, "mc", "info", password="another-wrong-one", extra=FAST, timeout=30)
        self.assertEqual(r.stderr, wrong.stderr)
        # released after the lock-out interval
        time.sleep(max(0.0, 10.5 - (time.monotonic() - locked_at)))
        deadline = time.monotonic() + 10
        while True:
            r = ipmitool(b, "mc", "info", extra=FAST, timeout=30)
            if r.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(1)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("lock-out ended", b.log())
        # ipmitool 1.8.19 has no text for Session Audit offsets; FreeIPMI decodes
        # them, with event data 3's channel (table 42-3)
        out = self.ok(freeipmi(b, "ipmi-sel"))
        self.assertRegex(out, r"Session Audit.*Invalid Username or Password", out)
        self.assertRegex(out, r"Session Audit.*Invalid Password Disable.*Event Data2 = 02h.*activated/deactivated = 1",
                         out)

    def test_nmap_ipmi_scripts(self):
        if not shutil.which("nmap"):
            self.skipTest("nmap is not installed (scripts/install-deps.sh installs it)")
        b = self.start_bmcd()
        # The scripts run on port 623 or a port whose service is asf-rmcp: a private
        # nmap-services (found first in --datadir) names bmcd's random port so.
        with tempfile.TemporaryDirectory() as d:
            svc = os.path.join(d, "nmap-services")
            with open(svc, "w") as f:
                f.write(f"asf-rmcp\t{b.port}/udp\t0.5\n")
            r = run(["nmap", "-n", "-Pn", "-sU", "-p", str(b.port), "--datadir", d, "--script",
                     "ipmi-cipher-zero,ipmi-version", "--script-args", "vulns.showall", b.host], timeout=180)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        self.assertIn("ipmi-cipher-zero", r.stdout, r.stdout)
        self.assertRegex(r.stdout, r"State: NOT VULNERABLE", r.stdout)
        self.assertNotRegex(r.stdout, r"State: VULNERABLE", r.stdout)
        self.assertRegex(r.stdout, r"ipmi-version:[\s\S]*Version:[\s\S]*IPMI-2\.0", r.stdout)


if __name__ == "__main__":
    unittest.main()
