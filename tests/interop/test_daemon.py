"""The daemon's own behaviour: start-up, first admin, command line, configuration
errors, signals, file modes. No IPMI client is needed for these."""

import os
import signal
import socket
import stat
import time
import unittest

from bmcd_fixture import Bmcd, free_udp_port, run_bmcd

HERE = os.path.dirname(os.path.abspath(__file__))


def mode(path: str) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


class FirstStart(unittest.TestCase):
    def test_initial_admin_password(self):
        with Bmcd() as b:
            self.assertEqual(mode(b.password_path), 0o600)
            with open(b.password_path) as f:
                content = f.read()
            self.assertRegex(content, r"^[A-Za-z0-9]{20}\n$")
            pw = content.strip()
            log = b.log()
            self.assertIn(b.password_path, log, "the log names the password file")
            self.assertNotIn(pw, log, "the password itself is never logged")
            b.stop()
            self.assertNotIn(pw, b.full_log())

    def test_passwords_differ_between_state_dirs(self):
        with Bmcd() as a, Bmcd() as b:
            self.assertNotEqual(a.admin_password, b.admin_password)

    def test_modes(self):
        with Bmcd() as b:
            self.assertEqual(mode(b.state_dir), 0o700)
            for name in os.listdir(b.state_dir):
                path = os.path.join(b.state_dir, name)
                if stat.S_ISREG(os.lstat(path).st_mode):
                    self.assertEqual(mode(path), 0o600, name)
            self.assertTrue(os.path.exists(os.path.join(b.state_dir, "store.log")))

    def test_existing_open_state_dir_is_tightened(self):
        b = Bmcd()
        try:
            os.mkdir(b.state_dir, 0o755)
            os.chmod(b.state_dir, 0o755)
            b.start()
            self.assertEqual(mode(b.state_dir), 0o700)
            self.assertIn("mode set to 0700", b.log())
            b.stop()
        except BaseException:
            b.close(print_log=True)
            raise
        b.close()

    def test_restart_keeps_admin(self):
        with Bmcd() as b:
            pw = b.admin_password
            st = os.stat(b.password_path)
            b.restart()
            self.assertEqual(b.admin_password, pw)
            self.assertEqual(os.stat(b.password_path).st_mtime_ns, st.st_mtime_ns)
            self.assertNotIn("created user", b.log())
            self.assertNotIn("initial-admin-password.tmp", os.listdir(b.state_dir))

    def test_restart_after_kill(self):
        with Bmcd() as b:
            b.kill()
            b.start()
            self.assertEqual(len(b.admin_password), 20)
            b.stop()


class CommandLine(unittest.TestCase):
    def test_help(self):
        r = run_bmcd(["--help"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("usage: bmcd", r.stdout)
        for opt in ("--config", "--state-dir", "--listen", "--foreground", "--log-level", "--version"):
            self.assertIn(opt, r.stdout)

    def test_version(self):
        r = run_bmcd(["--version"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^bmcd \d+\.\d+\.\d+\n$")

    def test_unknown_option(self):
        r = run_bmcd(["--frobnicate"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--frobnicate", r.stderr)

    def test_bad_values(self):
        for args, needle in ((["--log-level", "loud"], "--log-level"),
                             (["--listen", "localhost:623"], "--listen"),
                             (["--listen", "127.0.0.1:70000"], "--listen"),
                             (["--listen", "127.0.0.1:0"], "--listen"),
                             (["--config"], "--config"),
                             (["stray"], "stray")):
            with self.subTest(args=args):
                r = run_bmcd(args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(needle, r.stderr)

    def test_port_in_use(self):
        port = free_udp_port()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", port))
            b = Bmcd(port=port)
            try:
                r = run_bmcd(b.argv())
                self.assertEqual(r.returncode, 2, r.stderr)
                lines = [l for l in r.stderr.splitlines() if f"127.0.0.1:{port}" in l]
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertIn("in use", lines[0])
                self.assertIn("--listen", lines[0])
                # It failed before touching the state directory.
                self.assertFalse(os.path.exists(b.state_dir))
            finally:
                b.close()

    def test_two_addresses(self):
        port2 = free_udp_port()
        with Bmcd(args=["--listen", f"127.0.0.1:{port2}"]) as b:
            log = b.log()
            # --listen on the command line accumulates.
            self.assertIn(f"listening on 127.0.0.1:{b.port}", log)
            self.assertIn(f"listening on 127.0.0.1:{port2}", log)
            b.stop()


    @unittest.skipUnless(socket.has_ipv6, "no IPv6")
    def test_ipv6_listen(self):
        try:
            with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
                s.bind(("::1", 0))
                port6 = s.getsockname()[1]
        except OSError:
            self.skipTest("::1 not available")
        with Bmcd(args=["--listen", f"[::1]:{port6}"]) as b:
            self.assertIn(f"listening on [::1]:{port6}", b.log())
            b.stop()


class Configuration(unittest.TestCase):
    def start_fails(self, config: str) -> str:
        b = Bmcd(extra_config=config)
        try:
            r = run_bmcd(b.argv())
            self.assertEqual(r.returncode, 2, r.stderr)
            return r.stderr
        finally:
            b.close()

    def test_unknown_key(self):
        err = self.start_fails("[lan]\nbogus_key = 1\n")
        # The generated file has one comment line before the extra text.
        self.assertRegex(err, r"bmcd\.ini:3: unknown key 'bogus_key'")

    def test_unknown_section(self):
        self.assertRegex(self.start_fails("[nonsense]\n"), r"bmcd\.ini:2: unknown section")

    def test_bad_values(self):
        cases = {
            "[lan]\nmax_sessions = 0\n": "max_sessions",
            "[lan]\nmax_sessions = 99999999999999999999999\n": "max_sessions",
            "[lan]\nsession_timeout = -1\n": "session_timeout",
            "[lan]\ncipher_suites = 4\n": "cipher_suites",
            "[lan]\ncipher_suites = 17,\n": "cipher_suites",
            "[lan]\nipmi15 = maybe\n": "ipmi15",
            "[lan]\nmac = 02:00:00:00:00\n": "mac",
            "[lan]\nnetmask = 255.0.255.0\n": "netmask",
            "[lan]\nkg = 0123456789012345678901234567890123456789zz\n": "kg",
            "[bmc]\nmanufacturer_id = 0x100000\n": "manufacturer_id",
            "[bmc]\nfirmware_version = 1\n": "firmware_version",
            "[bmc]\nfirmware_version = 1.5\n": "firmware_version",
            "[bmc]\nfirmware_version = 128.00\n": "firmware_version",
            "[bmc]\nguid = 1234\n": "guid",
            "[log]\nlevel = chatty\n": "level",
            "[lan]\nanonymous = off\nanonymous = on\n": "anonymous",
            "ip = 10.0.0.1\n": "outside any [section]",
            "[lan]\njust words\n": "key = value",
        }
        for config, needle in cases.items():
            with self.subTest(config=config):
                err = self.start_fails(config)
                self.assertIn(needle, err)
                self.assertRegex(err, r"bmcd\.ini:\d+:")

    def test_kg_value_not_echoed(self):
        err = self.start_fails("[lan]\nkg = this-secret-is-far-too-long-for-kg\n")
        self.assertNotIn("this-secret", err)

    def test_full_example_config(self):
        # The shipped example parses; the command line's --listen replaces its address.
        example = os.path.join(HERE, "..", "..", "conf", "bmcd.ini")
        with open(example) as f:
            text = f.read()
        with Bmcd(args=["--config", example]) as b:
            self.assertNotIn("WARNING", b.log())
            b.stop()
        self.assertIn("[lan]", text)

    def test_secure_default_has_no_warnings(self):
        with Bmcd() as b:
            self.assertNotIn("WARNING", b.log())

    def test_weakened_settings_warn(self):
        config = "[lan]\ncipher_suites = 0,17\nipmi15 = on\nanonymous = on\n"
        with Bmcd(extra_config=config) as b:
            log = b.log()
            self.assertRegex(log, r"warn: WARNING: cipher suite 0 is enabled")
            self.assertRegex(log, r"warn: WARNING: IPMI 1\.5 sessions are enabled")
            self.assertRegex(log, r"warn: WARNING: anonymous")
            # ... at every start, not only the first.
            b.restart()
            self.assertRegex(b.log(), r"warn: WARNING: cipher suite 0 is enabled")

    def test_suite_3_is_opt_in_and_warned(self):
        # Issue 6: suites 1-3 need opt-in and a warning at every start (suite 3's
        # HMAC-SHA1 is weaker than suite 17's SHA-256); nothing else is flagged.
        with Bmcd(extra_config="[lan]\ncipher_suites = 3, 17\n") as b:
            warnings = [l for l in b.log().splitlines() if "WARNING" in l]
            self.assertEqual(len(warnings), 1, warnings)
            self.assertIn("cipher suite 3 is enabled", warnings[0])

    def test_kg_readable_config_warns(self):
        with Bmcd(extra_config="[lan]\nkg = 00112233445566778899aabbccddeeff00112233\n") as b:
            self.assertNotIn("readable", b.log())
            b.stop()
            os.chmod(b.config_path, 0o644)
            b.start()
            self.assertIn("readable by group or others", b.log())
            self.assertNotIn("00112233445566778899", b.full_log())


def proc_status(pid: int) -> dict:
    with open(f"/proc/{pid}/status") as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


class Privileges(unittest.TestCase):
    def test_no_new_privs(self):
        with Bmcd() as b:
            self.assertEqual(proc_status(b.proc.pid)["NoNewPrivs"].strip(), "1")

    @unittest.skipUnless(os.geteuid() == 0, "needs root")
    def test_drop_to_user(self):
        import pwd
        try:
            nobody = pwd.getpwnam("nobody")
        except KeyError:
            self.skipTest("no user 'nobody'")
        b = Bmcd(args=["--user", "nobody"])
        try:
            os.chmod(b.tmpdir, 0o711)  # nobody must reach the state directory inside it
            b.start()
            uids = proc_status(b.proc.pid)["Uid"].split()
            self.assertEqual(set(uids), {str(nobody.pw_uid)})
            self.assertEqual(proc_status(b.proc.pid)["Groups"].strip(), "")
            for name in [".", *os.listdir(b.state_dir)]:
                self.assertEqual(os.lstat(os.path.join(b.state_dir, name)).st_uid, nobody.pw_uid, name)
            b.stop()
        except BaseException:
            b.close(print_log=True)
            raise
        b.close()

    def test_unknown_user(self):
        b = Bmcd(args=["--user", "no-such-user-bmcd"])
        try:
            r = run_bmcd(b.argv())
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("no-such-user-bmcd", r.stderr)
        finally:
            b.close()


class Signals(unittest.TestCase):
    def test_sigterm(self):
        with Bmcd() as b:
            self.assertEqual(b.stop(signal.SIGTERM), 0)
            self.assertIn("stopped", b.log())

    def test_sigint(self):
        with Bmcd() as b:
            self.assertEqual(b.stop(signal.SIGINT), 0)

    def test_sighup_is_ignored(self):
        with Bmcd() as b:
            b.proc.send_signal(signal.SIGHUP)
            for _ in range(200):
                if "SIGHUP" in b.log():
                    break
                time.sleep(0.02)
            self.assertIn("SIGHUP ignored", b.log())
            self.assertTrue(b.running())
            b.stop()

    def test_survives_garbage_datagrams(self):
        with Bmcd() as b:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                for n in (0, 1, 4, 100, 1500, 3000):
                    s.sendto(os.urandom(n), (b.host, b.port))
            self.assertTrue(b.running())
            b.stop()


if __name__ == "__main__":
    unittest.main()
