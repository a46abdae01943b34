"""Host hardening (issue 6): passwords and Kg sealed at rest under a key kept beside,
not inside, the state directory; start-up refusals for a missing or wrong key; the
migration of a clear-text store from an older bmcd; the seccomp filter and
no_new_privs on the running daemon; bmcd --check-config."""

import os
import re
import signal
import struct
import subprocess
import unittest
import zlib

from bmcd_fixture import Bmcd, BmcdTestCase, bmcd_path, fields, free_udp_port, ipmitool, run, run_bmcd

BOB_PW = "Bob-at-rest-Pw-20ch!"  # 20 bytes: stored in the 20-byte form
KG = "kg-at-rest-secret-42"     # 20 characters of text


def proc_status(pid: int) -> dict:
    with open(f"/proc/{pid}/status") as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


def store_bytes(b: Bmcd) -> bytes:
    with open(os.path.join(b.state_dir, "store.log"), "rb") as f:
        return f.read()


def key_path(b: Bmcd) -> str:
    return b.state_dir + ".key"


def start_fails(b: Bmcd) -> subprocess.CompletedProcess:
    r = run_bmcd(b.argv(), timeout=20)
    return r


def old_store_record(seq: int, rtype: int, key: int, value: bytes) -> bytes:
    """One record as include/bmc/store.h lays it out, CRC32 (IEEE) over the rest."""
    head = struct.pack("<IHHI", len(value), rtype, key, seq) + value
    return head + struct.pack("<I", zlib.crc32(head) & 0xFFFFFFFF)


def old_user_record(name: str, password: str) -> bytes:
    """core/users.c's STORE_USER value, version 1: enabled, password set (20-byte form),
    ADMINISTRATOR with IPMI messaging on every channel, SOL allowed."""
    pw = password.encode()
    flags = 0x01 | 0x02 | (0x04 if len(pw) > 16 else 0)
    value = bytes([1, flags]) + name.encode().ljust(16, b"\0") + pw.ljust(20, b"\0")
    value += bytes([0x34] * 16) + bytes([0x02] * 16) + bytes(16)
    assert len(value) == 86
    return value


class AtRest(BmcdTestCase):
    def test_password_and_kg_sealed_then_login_after_sigkill(self):
        b = self.start_bmcd()
        self.assertEqual(oct(os.stat(key_path(b)).st_mode & 0o777), "0o600")
        self.assertIn(f"created secrets key {key_path(b)}", b.log())
        ok = lambda *a, **k: self.assertEqual(ipmitool(b, *a, **k).returncode, 0, a)
        ok("user", "set", "name", "3", "bob")
        ok("user", "set", "password", "3", BOB_PW, "20")
        ok("channel", "setaccess", "1", "3", "privilege=4", "ipmi=on")
        ok("user", "enable", "3")
        b.kill()  # as a crash would: nothing is flushed on the way out
        data = store_bytes(b)
        self.assertNotIn(BOB_PW.encode(), data)
        self.assertNotIn(b.admin_password.encode(), data)
        self.assertIn(b"\x02\x80", data, "sealed user records (type 8002h)")
        b.start()
        self.assertNotIn("created", b.log())
        r = ipmitool(b, "session", "info", "active", user="bob", password=BOB_PW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(fields(r.stdout)["user id"], "3")
        r = ipmitool(b, "mc", "info", user="bob", password="Bob-at-rest-Pw-20cX!")
        self.assertNotEqual(r.returncode, 0)

    def test_missing_key_refuses_to_start(self):
        b = self.start_bmcd()
        b.stop()
        before = store_bytes(b)
        os.rename(key_path(b), key_path(b) + ".away")
        r = start_fails(b)
        self.assertEqual(r.returncode, 1, r.stderr)
        errors = [l for l in r.stderr.splitlines() if " error: " in l]
        self.assertEqual(len(errors), 1, r.stderr)
        self.assertIn(key_path(b), errors[0])
        self.assertIn("missing", errors[0])
        self.assertFalse(os.path.exists(key_path(b)), "no new key replaces the lost one")
        self.assertEqual(store_bytes(b), before, "nothing in the store was touched")
        os.rename(key_path(b) + ".away", key_path(b))
        b.start()
        self.assertEqual(ipmitool(b, "mc", "info").returncode, 0)

    def test_wrong_key_refuses_to_start(self):
        b = self.start_bmcd()
        b.stop()
        with open(key_path(b), "w") as f:
            f.write("00" * 32 + "\n")
        r = start_fails(b)
        self.assertEqual(r.returncode, 1, r.stderr)
        errors = [l for l in r.stderr.splitlines() if " error: " in l]
        self.assertEqual(len(errors), 1, r.stderr)
        self.assertIn(key_path(b), errors[0])
        self.assertIn("does not open", errors[0])

    def test_key_readable_by_others_refused(self):
        b = self.start_bmcd()
        b.stop()
        os.chmod(key_path(b), 0o644)
        r = start_fails(b)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("chmod 600", r.stderr)

    def test_configured_key_path(self):
        b = Bmcd()
        self._bmcds.append(b)
        path = os.path.join(b.tmpdir, "elsewhere.key")
        b.extra_args += ["--secrets-key", path]
        b.start()
        self.assertTrue(os.path.exists(path))
        self.assertFalse(os.path.exists(key_path(b)))
        b.restart()
        self.assertEqual(ipmitool(b, "mc", "info").returncode, 0)

    def test_migrates_clear_text_store(self):
        b = Bmcd()
        self._bmcds.append(b)
        os.mkdir(b.state_dir, 0o700)
        old_pw = "OldVersionAdminPw-20"
        with open(os.path.join(b.state_dir, "store.log"), "wb") as f:
            f.write(old_store_record(1, 2, 2, old_user_record("admin", old_pw)))
            f.write(old_store_record(2, 5, 1, KG.encode()))
        os.chmod(os.path.join(b.state_dir, "store.log"), 0o600)
        self.assertIn(old_pw.encode(), store_bytes(b))
        b.start()
        self.assertIn("sealed 2 clear-text secret records", b.log())
        self.assertNotIn("created user", b.log())
        data = store_bytes(b)
        self.assertNotIn(old_pw.encode(), data)
        self.assertNotIn(KG.encode(), data)
        r = ipmitool(b, "mc", "info", password=old_pw, extra=["-k", KG])
        self.assertEqual(r.returncode, 0, r.stderr)
        b.restart()
        self.assertNotIn("clear-text", b.log())
        r = ipmitool(b, "mc", "info", password=old_pw, extra=["-k", KG])
        self.assertEqual(r.returncode, 0, r.stderr)


class Sandbox(BmcdTestCase):
    def test_filter_and_no_new_privs(self):
        b = self.start_bmcd()
        st = proc_status(b.proc.pid)
        self.assertEqual(st["NoNewPrivs"].strip(), "1")
        self.assertEqual(st["Seccomp"].strip(), "2", "a filter is installed (mode 2)")
        self.assertIn("system call filter on (seccomp = kill)", b.log())

    def test_seccomp_off_warns(self):
        b = self.start_bmcd(extra_config="[daemon]\nseccomp = off\n")
        self.assertEqual(proc_status(b.proc.pid)["Seccomp"].strip(), "0")
        self.assertIn("WARNING: the system call filter is off", b.log())

    def test_errno_mode(self):
        b = self.start_bmcd(extra_config="[daemon]\nseccomp = errno\n")
        self.assertEqual(proc_status(b.proc.pid)["Seccomp"].strip(), "2")
        self.assertEqual(ipmitool(b, "mc", "info").returncode, 0)


class CheckConfig(unittest.TestCase):
    def check(self, config: str = "", args=()):
        b = Bmcd(extra_config=config)
        try:
            r = run_bmcd(["--check-config", "--config", b.config_path, "--state-dir", b.state_dir, *args])
            self.assertFalse(os.path.exists(b.state_dir), "check-config creates nothing")
            self.assertFalse(os.path.exists(key_path(b)), "check-config creates nothing")
            return r, b
        finally:
            b.close()

    def test_defaults(self):
        r, b = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = r.stdout.splitlines()
        for want in ("lan.listen 127.0.0.1:623", "lan.cipher_suites 17", "lan.ipmi15 off", "lan.anonymous off",
                     "daemon.seccomp kill", f"daemon.secrets_key {b.state_dir}.key", f"daemon.state_dir {b.state_dir}",
                     "serial.privilege none", "lan.kg (unset)"):
            self.assertIn(want, lines)
        for line in lines:
            self.assertRegex(line, r"^[a-z]+\.[a-z0-9_]+ \S")
        self.assertNotIn("WARNING", r.stdout)
        self.assertEqual(r.stderr, "")

    def test_weakened(self):
        config = ("[lan]\ncipher_suites = 0,2,17\nipmi15 = on\nanonymous = on\nkg = secret-kg-value\n"
                  "[daemon]\nseccomp = off\nsecrets_key = /etc/bmcd/secrets.key\n")
        r, _ = self.check(config, ["--listen", "0.0.0.0:6230"])
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        out = r.stdout
        self.assertIn("lan.cipher_suites 0,2,17", out)
        self.assertIn("daemon.secrets_key /etc/bmcd/secrets.key", out)
        self.assertIn("lan.kg (set, not shown)", out)
        self.assertNotIn("secret-kg-value", out + r.stderr)
        warnings = [l for l in out.splitlines() if l.startswith("WARNING: ")]
        for pat in ("cipher suite 0 is enabled", "cipher suite 2 is enabled", "IPMI 1.5 sessions are enabled",
                    "anonymous", "0.0.0.0:6230, which is not a loopback address", "seccomp = off"):
            self.assertTrue(any(pat in w for w in warnings), pat)
        self.assertEqual(len(warnings), 6, warnings)

    def test_invalid(self):
        r, _ = self.check("[daemon]\nseccomp = maybe\n")
        self.assertEqual(r.returncode, 2)
        self.assertIn("seccomp", r.stderr)
        self.assertIn(":3:", r.stderr)

    def test_same_warnings_as_start(self):
        config = "[lan]\ncipher_suites = 1,17\n"
        r, _ = self.check(config)
        with Bmcd(extra_config=config) as b:
            started = [l.split("WARNING: ", 1)[1] for l in b.log().splitlines() if "WARNING: " in l]
        checked = [l.split("WARNING: ", 1)[1] for l in r.stdout.splitlines() if l.startswith("WARNING: ")]
        self.assertEqual(checked, started)


if __name__ == "__main__":
    unittest.main()
