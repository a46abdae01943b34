"""Weakened settings work when, and only when, an administrator turns them on:
IPMI 1.5 sessions (ipmitool -I lan, FreeIPMI's default driver), cipher suites 0-3,
and anonymous (null user name) logins. Each start with one of them logs a warning."""

import unittest

from bmcd_fixture import BmcdTestCase, freeipmi, ipmitool, run

USER_PW = "sixteen-chars-pw"  # IPMI 1.5 passwords are at most 16 bytes


class OptIn(BmcdTestCase):
    def admin(self, b, *args):
        r = ipmitool(b, *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def add_bob(self, b):
        self.admin(b, "user", "set", "name", "3", "bob")
        self.admin(b, "user", "set", "password", "3", USER_PW)
        self.admin(b, "user", "priv", "3", "4", "1")
        self.admin(b, "user", "enable", "3")

    def lan15(self, b, *args, password=USER_PW):
        return run(["ipmitool", "-I", "lan", "-H", b.host, "-p", str(b.port), "-U", "bob", "-P", password,
                    *args], timeout=60)

    def test_ipmi15_sessions_when_enabled(self):
        b = self.start_bmcd(extra_config="[lan]\nipmi15 = on\n")
        self.assertIn("IPMI 1.5 sessions are enabled", b.log())
        self.add_bob(b)
        r = self.lan15(b, "session", "info", "active")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"session type\s*:\s*IPMIv1.5")
        self.assertRegex(r.stdout, r"privilege level\s*:\s*ADMINISTRATOR")
        r = self.lan15(b, "mc", "info")
        self.assertRegex(r.stdout, r"IPMI Version\s*:\s*2.0")
        f = freeipmi(b, "bmc-info", "--get-device-id", user="bob", password=USER_PW, driver=None, cipher=None)
        self.assertEqual(f.returncode, 0, f.stderr)
        self.assertRegex(f.stdout, r"Device ID\s*:\s*32")
        # a wrong password still fails, and is not a session
        r = self.lan15(b, "mc", "info", password="wrong-password")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("IPMI 1.5 session", b.log())

    def test_ipmi15_refused_by_default_even_for_a_valid_user(self):
        b = self.start_bmcd()
        self.add_bob(b)
        r = self.lan15(b, "mc", "info")
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn("Device ID", r.stdout)
        self.assertNotIn("IPMI 1.5 session", b.log())

    def test_weak_cipher_suites_when_enabled(self):
        b = self.start_bmcd(extra_config="[lan]\ncipher_suites = 0,1,2,3,17\n")
        for suite in (0, 1, 2, 3):
            self.assertRegex(b.log(), r"(?i)warn")
            r = ipmitool(b, "mc", "info", cipher=suite)
            self.assertEqual(r.returncode, 0, f"suite {suite}: {r.stderr}")
            self.assertIn(f"suite {suite},", b.log())
        r = ipmitool(b, "lan", "print", "1")
        self.assertRegex(r.stdout, r"RMCP\+ Cipher Suites\s*:\s*0,1,2,3,17")

    def test_anonymous_login_only_when_enabled(self):
        for enabled in (False, True):
            b = self.start_bmcd(extra_config="[lan]\nanonymous = %s\n" % ("on" if enabled else "off"))
            # user 1 is the null user: give it a password and access
            self.admin(b, "user", "set", "password", "1", USER_PW)
            self.admin(b, "user", "priv", "1", "2", "1")
            self.admin(b, "user", "enable", "1")
            r = run(["ipmitool", "-I", "lanplus", "-H", b.host, "-p", str(b.port), "-P", USER_PW, "-C", "17",
                     "-L", "USER", "mc", "info"], timeout=60)
            if enabled:
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("Device ID", r.stdout)
            else:
                self.assertNotEqual(r.returncode, 0)
                self.assertNotIn("Device ID", r.stdout)


if __name__ == "__main__":
    unittest.main()
