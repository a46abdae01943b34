"""Fleet mode (docs/fleet.md): one bmcd, 100 independent BMCs on 127.0.5.1.. .

Every member answers a real `ipmitool -I lanplus -C 17 mc info` with the password in its
own state directory; members have distinct GUIDs; a user change or a sensor override on
one member leaves the others alone; bmcctl lists, adds and removes members while bmcd
runs. Bounded: about 100 ipmitool runs, 8 at a time."""

import os
import re
import socket
import subprocess
import tempfile
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

from bmcd_fixture import Bmcd, BmcdError, BmcdTestCase, bmcctl_path, run

MEMBERS = 100
FIRST = "127.0.5.1"


def member_host(k: int) -> str:
    """The address of member k (1-based): consecutive from 127.0.5.1."""
    n = (127 << 24 | 0 << 16 | 5 << 8 | 1) + k - 1
    return socket.inet_ntoa(n.to_bytes(4, "big"))


def free_port_on_all(hosts, tries: int = 20) -> int:
    """A UDP port free on every one of hosts a moment ago."""
    for _ in range(tries):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((hosts[0], 0))
            port = s.getsockname()[1]
        ok = True
        for h in hosts[1:]:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                try:
                    s.bind((h, port))
                except OSError:
                    ok = False
                    break
        if ok:
            return port
    raise RuntimeError("no UDP port free on all fleet addresses")


class Fleet(Bmcd):
    """A bmcd in fleet mode; the fixture's --listen is replaced by --fleet."""

    def __init__(self, members: int, port: int, **kw):
        super().__init__(**kw)
        self.members = members
        self.port = port

    def argv(self) -> list:
        return ["--state-dir", self.state_dir, "--fleet", str(self.members), "--fleet-base",
                f"{FIRST}:{self.port}", "--config", self.config_path, "--log-level", self.log_level,
                *self.extra_args]

    def member_dir(self, name: str) -> str:
        return os.path.join(self.state_dir, "members", name)

    def password(self, name: str) -> str:
        with open(os.path.join(self.member_dir(name), "initial-admin-password")) as f:
            return f.read().strip()


def name_of(k: int) -> str:
    return f"node{k:04d}"


class FleetTest(BmcdTestCase):
    def start_fleet(self, members: int = MEMBERS) -> Fleet:
        port = free_port_on_all([member_host(k) for k in range(1, members + 2)])
        f = Fleet(members, port, log_level="info", start_timeout=60)
        self._bmcds.append(f)
        f.start()
        return f

    def ipmi(self, f: Fleet, k: int, *args, user="admin", password=None, host=None, port=None):
        return run(["ipmitool", "-I", "lanplus", "-C", "17", "-H", host or member_host(k), "-p",
                    str(port or f.port), "-U", user, "-P", password or f.password(name_of(k)), *args], timeout=60)

    def ctl(self, f: Fleet, *args):
        return run([bmcctl_path(), "--state-dir", f.state_dir, *args])

    def test_fleet(self):
        f = self.start_fleet()

        # bmcctl fleet list: NAME ADDRESS:PORT MEMBER-STATE-DIR, one line per member.
        r = self.ctl(f, "fleet", "list")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), MEMBERS)
        for k, line in enumerate(lines, 1):
            self.assertEqual(line.split(), [name_of(k), f"{member_host(k)}:{f.port}", f.member_dir(name_of(k))])
            st = os.stat(os.path.join(f.member_dir(name_of(k)), "initial-admin-password"))
            self.assertEqual(st.st_mode & 0o777, 0o600)

        # Every member answers mc info and has its own GUID.
        def info(k):
            a = self.ipmi(f, k, "mc", "info")
            g = self.ipmi(f, k, "mc", "guid") if k <= 20 else None
            return k, a, g
        guids = set()
        with ThreadPoolExecutor(8) as pool:
            for k, a, g in pool.map(info, range(1, MEMBERS + 1)):
                self.assertEqual(a.returncode, 0, f"member {k}: {a.stderr}")
                self.assertIn("Device ID", a.stdout)
                if g is not None:
                    self.assertEqual(g.returncode, 0, g.stderr)
                    m = re.search(r"System GUID\s*:\s*(\S+)", g.stdout)
                    self.assertTrue(m, g.stdout)
                    guids.add(m.group(1))
        self.assertEqual(len(guids), 20, "members must have distinct GUIDs")

        # Another member's password does not open a member.
        r = self.ipmi(f, 2, "mc", "info", password=f.password(name_of(3)))
        self.assertNotEqual(r.returncode, 0)

        # A user change on one member does not affect another.
        r = self.ipmi(f, 5, "user", "set", "name", "3", "fleetop")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ipmi(f, 5, "user", "set", "password", "3", "FleetPass123")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ipmi(f, 5, "user", "enable", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ipmi(f, 5, "user", "priv", "3", "4", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ipmi(f, 5, "mc", "info", user="fleetop", password="FleetPass123")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ipmi(f, 6, "mc", "info", user="fleetop", password="FleetPass123")
        self.assertNotEqual(r.returncode, 0, "the user exists on member 5 only")
        r = self.ipmi(f, 6, "user", "list", "1")
        self.assertNotIn("fleetop", r.stdout)

        # --member NAME routes a bmcctl command to one member.
        r = self.ctl(f, "--member", name_of(7), "sensor", "set", "CPU1 Temp", "97")
        self.assertEqual(r.returncode, 0, r.stderr)
        r7 = self.ctl(f, "--member", name_of(7), "sensor", "get", "CPU1 Temp")
        r8 = self.ctl(f, "member", name_of(8), "sensor", "get", "CPU1 Temp")
        self.assertIn("reading: 97 degrees C", r7.stdout)
        self.assertIn("mode: set", r7.stdout)
        self.assertIn("mode: auto", r8.stdout)
        r = self.ipmi(f, 7, "sensor", "reading", "CPU1 Temp")
        self.assertRegex(r.stdout, r"CPU1 Temp\s*\|\s*97")
        # Without a member, a member command is refused and says how to name one.
        r = self.ctl(f, "sensor", "list")
        self.assertEqual(r.returncode, 1)
        self.assertIn("--member", r.stderr)
        r = self.ctl(f, "--member", "nosuch", "sensor", "list")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no member", r.stderr)

        # fleet add / remove while running.
        new = member_host(MEMBERS + 1)
        r = self.ctl(f, "fleet", "add", "extra1", f"{new}:{f.port}")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ctl(f, "fleet", "list")
        self.assertIn(f"extra1 {new}:{f.port} {f.member_dir('extra1')}", r.stdout.splitlines())
        r = self.ipmi(f, 0, "mc", "info", host=new, password=f.password("extra1"))
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ctl(f, "fleet", "add", "extra2", f"{member_host(1)}:{f.port}")
        self.assertEqual(r.returncode, 1)
        self.assertIn("already listens", r.stderr)
        r = self.ctl(f, "fleet", "add", "../x", f"{new}:{f.port + 1}")
        self.assertEqual(r.returncode, 1)
        r = self.ctl(f, "fleet", "remove", name_of(10))
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ctl(f, "fleet", "list")
        self.assertEqual(len(r.stdout.splitlines()), MEMBERS)
        self.assertNotIn(name_of(10), r.stdout)
        r = self.ipmi(f, 10, "-R", "1", "-N", "1", "mc", "info")
        self.assertNotEqual(r.returncode, 0, "a removed member does not answer")
        self.assertTrue(os.path.exists(os.path.join(f.member_dir(name_of(10)), "store.log")),
                        "a removed member's state stays")
        r = self.ipmi(f, 11, "mc", "info")
        self.assertEqual(r.returncode, 0, r.stderr)

        # A cold reset re-initialises that member only; it keeps its users and GUID.
        g12 = self.ipmi(f, 12, "mc", "guid").stdout
        r = self.ipmi(f, 12, "mc", "reset", "cold")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ipmi(f, 12, "mc", "guid")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, g12)
        r = self.ipmi(f, 5, "mc", "info", user="fleetop", password="FleetPass123")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_restart_keeps_identity(self):
        """A member's GUID and password survive a restart of the fleet."""
        f = self.start_fleet(members=3)
        pw = f.password(name_of(2))
        g1 = self.ipmi(f, 2, "mc", "guid").stdout
        f.restart()
        self.assertEqual(f.password(name_of(2)), pw)
        g2 = self.ipmi(f, 2, "mc", "guid")
        self.assertEqual(g2.returncode, 0, g2.stderr)
        self.assertEqual(g1, g2.stdout)

    def test_fleet_file(self):
        """Members from a fleet file, one port each on 127.0.0.1."""
        base = free_port_on_all(["127.0.0.1"])
        ports = [base]
        for _ in range(2):
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.bind(("127.0.0.1", 0))
                ports.append(s.getsockname()[1])
        f = Fleet(0, 0, log_level="info")
        self._bmcds.append(f)
        path = os.path.join(f.tmpdir, "fleet.ini")
        with open(path, "w") as fp:
            for i, p in enumerate(ports):
                fp.write(f"[member web{i}]\nlisten = 127.0.0.1:{p}\n")
        f.argv = lambda: ["--state-dir", f.state_dir, "--fleet-file", path, "--log-level", "info"]
        f.start()
        r = self.ctl(f, "fleet", "list")
        self.assertEqual(r.stdout.splitlines()[1].split()[:2], ["web1", f"127.0.0.1:{ports[1]}"])
        r = self.ipmi(f, 0, "mc", "info", host="127.0.0.1", port=ports[2], password=f.password("web2"))
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_bad_fleet_arguments(self):
        from bmcd_fixture import run_bmcd
        with tempfile.TemporaryDirectory() as d:
            r = run_bmcd(["--state-dir", d + "/s", "--fleet", "0"])
            self.assertEqual(r.returncode, 2)
            self.assertIn("--fleet", r.stderr)
            r = run_bmcd(["--state-dir", d + "/s", "--fleet", "2", "--listen", "127.0.0.1:1"])
            self.assertEqual(r.returncode, 2)
            r = run_bmcd(["--state-dir", d + "/s", "--fleet", "3", "--fleet-base", "[::1]:623"])
            self.assertEqual(r.returncode, 2)
            self.assertIn("IPv4", r.stderr)


if __name__ == "__main__":
    unittest.main()
