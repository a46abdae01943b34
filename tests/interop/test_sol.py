"""Serial over LAN (IPMI 2.0 §15, §24) with the real consoles, run under a
pseudo-terminal as a user would: ipmitool 1.8.19 (`sol activate`, suite 17) and FreeIPMI
`ipmiconsole` (LAN 2.0, suite 17), and pyghmi's console, against bmcd's simulated host (backends/sim/
host_console.c): a getty-like prompt that echoes input and answers each line, `burst N`
prints exactly N bytes of numbered 64-byte lines.

Checked: typed characters reach the host and its echo comes back; 1 MiB of host output
arrives complete and in order, directly and through a proxy that drops and reorders 5%
of the packets each way; `~.` / `&.` and `sol deactivate` end a session; a second
activation is refused while one is active; a console that vanishes frees the instance
when its session times out; a host reboot during a session streams through.
"""

import os
import pty
import subprocess
import sys
import select
import signal
import threading
import time
import unittest

from bmcd_fixture import BmcdTestCase, bmcctl, ipmitool, wait_for
from udp_proxy import UdpProxy

PROMPT = b"simhost login: "
MIB = 1 << 20


def low_free_port() -> int:
    """A free UDP port below 32768: FreeIPMI 1.6's ipmiconsole takes larger ports in
    -h HOST:PORT for an invalid hostname."""
    import socket
    for port in range(20000 + os.getpid() % 5000, 32768):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port below 32768")


def burst_bytes(n: int) -> bytes:
    """What the simulated host prints for `burst n` (sim_host_burst_byte)."""
    out = bytearray()
    for k in range((n + 63) // 64):
        line = bytearray(f"{k % 100000000:08d} ".encode())
        line += bytes(65 + (k + col) % 26 for col in range(9, 62))
        line += b"\r\n"
        out += line
    return bytes(out[:n])


class PtyClient:
    """A console program under a pseudo-terminal, its output collected by a thread."""

    def __init__(self, argv):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvp(argv[0], argv)
        self.buf = bytearray()
        self.lock = threading.Lock()
        self.done = False
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while True:
            try:
                r, _, _ = select.select([self.fd], [], [], 0.2)
                if r:
                    data = os.read(self.fd, 65536)
                    if not data:
                        break
                    with self.lock:
                        self.buf += data
            except OSError:
                break
        self.done = True

    def output(self) -> bytes:
        with self.lock:
            return bytes(self.buf)

    def send(self, data: bytes):
        os.write(self.fd, data)

    def wait_output(self, needle: bytes, timeout: float = 20, start: int = 0) -> bool:
        return bool(wait_for(lambda: needle in self.output()[start:], timeout=timeout, interval=0.05))

    def wait_exit(self, timeout: float = 10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.pid = 0
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.05)
        return None

    def kill(self):
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = 0
        try:
            os.close(self.fd)
        except OSError:
            pass


class SolCase(BmcdTestCase):
    def setUp(self):
        super().setUp()
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            c.kill()
        super().tearDown()

    def start_bmcd(self, **kwargs):
        self.current = super().start_bmcd(**kwargs)
        return self.current

    def ipmitool_sol(self, b, host=None, extra=()):
        c = PtyClient(["ipmitool", "-I", "lanplus", "-H", host or b.host, "-p", str(b.port), "-U", "admin",
                       "-P", b.admin_password, "-C", "17", *extra, "sol", "activate"])
        self.clients.append(c)
        return c

    def ipmiconsole(self, b):
        c = PtyClient(["ipmiconsole", "-h", f"{b.host}:{b.port}", "-u", "admin", "-p", b.admin_password,
                       "-I", "17"])
        self.clients.append(c)
        return c

    def prompt_after(self, c, marker: bytes):
        """Presses Enter until the host's prompt shows after marker (the host may still
        be booting when the console attaches)."""
        self.assertTrue(c.wait_output(marker, 20), c.output())
        start = c.output().index(marker)
        for _ in range(20):
            c.send(b"\r")
            if c.wait_output(PROMPT, 1.5, start):
                return
        self.fail(f"no prompt: {c.output()[-500:]!r}")

    def check_echo(self, c):
        mark = len(c.output())
        c.send(b"hello bmcd\r")
        self.assertTrue(c.wait_output(b"hello bmcd\r\nsimhost: line ", 10, mark), c.output()[mark:])

    def check_burst(self, c, n: int, timeout: float):
        mark = len(c.output())
        c.send(f"burst {n}\r".encode())
        head = f"burst {n}\r\n".encode()
        self.assertTrue(c.wait_output(head, 10, mark), c.output()[mark:])
        start = c.output().index(head, mark) + len(head)
        tail = (b"\r\n" if n % 64 else b"") + PROMPT
        if not c.wait_output(tail, timeout, start + n):
            self.fail(f"{len(c.output()) - start} of {n} bytes; last: {c.output()[-200:]!r}\n"
                      f"bmcd: {self.current.log()[-3000:]}")
        got = c.output()[start:start + n]
        want = burst_bytes(n)
        if got != want:
            at = next(i for i in range(n) if got[i] != want[i])
            self.fail(f"burst differs at byte {at}: {got[at - 40:at + 40]!r} vs {want[at - 40:at + 40]!r}")
        self.assertEqual(c.output()[start + n:start + n + len(tail)], tail)


class IpmitoolSol(SolCase):
    def test_echo_burst_and_escape(self):
        b = self.start_bmcd()
        c = self.ipmitool_sol(b)
        self.prompt_after(c, b"[SOL Session operational")
        self.check_echo(c)
        self.check_burst(c, MIB, 120)
        c.send(b"~.")
        self.assertEqual(c.wait_exit(10), 0, c.output()[-300:])
        self.assertTrue(wait_for(lambda: "SOL deactivated" in b.log(), timeout=5), b.log())
        # The instance is free again: a new console gets in.
        c2 = self.ipmitool_sol(b)
        self.prompt_after(c2, b"[SOL Session operational")

    def test_second_activation_refused_and_deactivate(self):
        b = self.start_bmcd()
        c = self.ipmitool_sol(b)
        self.prompt_after(c, b"[SOL Session operational")
        second = ipmitool(b, "sol", "activate", timeout=30)
        self.assertNotEqual(second.returncode, 0)
        self.assertIn("already active", (second.stdout + second.stderr).lower())
        # The first console still works, then an administrator's `sol deactivate` ends it.
        self.check_echo(c)
        info = ipmitool(b, "raw", "0x06", "0x4a", "0x01")
        self.assertEqual(info.stdout.split()[:2], ["01", "01"])  # capacity 1, instance 1 active
        proc = ipmitool(b, "sol", "deactivate")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        info = ipmitool(b, "raw", "0x06", "0x4a", "0x01")
        self.assertEqual(info.stdout.split()[:2], ["01", "00"])
        # The old console is told (status "SOL deactivating"; ipmitool 1.8.19 does not
        # act on it) and its typing no longer reaches the host.
        mark = len(c.output())
        c.send(b"after\r")
        time.sleep(1.5)
        self.assertNotIn(b"simhost: line", c.output()[mark:])
        self.assertNotIn("after", bmcctl(b, "console", "history").stdout)
        c2 = self.ipmitool_sol(b)
        self.prompt_after(c2, b"[SOL Session operational")

    def test_vanished_console_freed_at_session_timeout(self):
        b = self.start_bmcd(extra_config="[lan]\nsession_timeout = 3\n")
        c = self.ipmitool_sol(b, extra=("-N", "1", "-R", "1"))
        self.prompt_after(c, b"[SOL Session operational")
        c.kill()  # no Deactivate Payload, no Close Session
        self.assertTrue(wait_for(lambda: "timed out" in b.log() or "idle" in b.log(), timeout=15), b.log())
        c2 = self.ipmitool_sol(b)
        self.prompt_after(c2, b"[SOL Session operational")

    def test_host_reboot_streams_through(self):
        b = self.start_bmcd()
        c = self.ipmitool_sol(b)
        self.prompt_after(c, b"[SOL Session operational")
        mark = len(c.output())
        self.assertEqual(bmcctl(b, "power", "reset").returncode, 0)
        # Boot text, then the prompt again, with no stall; typing still works.
        self.assertTrue(c.wait_output(PROMPT, 20, mark), c.output()[mark:])
        self.assertGreater(len(c.output()) - mark, 200)
        self.check_echo(c)

    def test_lossy_network(self):
        b = self.start_bmcd()
        # Each lost packet costs a retry interval (SOL parameter 4): 50 ms here. It must
        # exceed the proxy's reordering delay (30 ms): a console that, like ipmitool,
        # recognises only a repeat of the last packet would otherwise print a stale copy
        # that arrives after a newer packet.
        self.assertEqual(ipmitool(b, "sol", "set", "retry-interval", "5", "1").returncode, 0)
        with UdpProxy(b.port, drop=0.0, reorder=0.0, seed=11, hold_s=0.03, listen_host="127.0.0.2",
                      listen_port=b.port) as proxy:
            c = self.ipmitool_sol(b, host="127.0.0.2")
            self.prompt_after(c, b"[SOL Session operational")
            proxy.drop, proxy.reorder = 0.05, 0.05
            self.check_burst(c, MIB, 240)
            stats = proxy.stats()
        lost = sum(stats["dropped"].values())
        swapped = sum(stats["reordered"].values()) + sum(stats["delayed"].values())
        self.assertGreater(lost, 50, stats)
        self.assertGreater(swapped, 50, stats)


class IpmiconsoleSol(SolCase):
    def test_echo_burst_and_escape(self):
        b = self.start_bmcd(port=low_free_port())
        c = self.ipmiconsole(b)
        self.prompt_after(c, b"[SOL established]")
        self.check_echo(c)
        self.check_burst(c, MIB, 120)
        c.send(b"&.")
        self.assertIsNotNone(c.wait_exit(10), c.output()[-300:])
        self.assertTrue(wait_for(lambda: "SOL deactivated" in b.log(), timeout=5), b.log())


PYGHMI_CONSOLE = r"""
import sys, time
from pyghmi.ipmi import console
host, port, password, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
out = bytearray()
def handler(data):
    if isinstance(data, dict):
        return  # status events
    out.extend(data.encode("latin-1") if isinstance(data, str) else data)
def pump(seconds, until=None):
    end = time.time() + seconds
    while time.time() < end and not (until and until in out):
        console.session.Session.wait_for_rsp(0.1)
c = console.Console(bmc=host, userid="admin", password=password, iohandler=handler, port=port)
pump(5)
for _ in range(10):
    c.send_data("\r")
    pump(1.5, b"simhost login: ")
    if b"simhost login: " in out:
        break
mark = len(out)
c.send_data(f"burst {n}\r")
head = f"burst {n}\r\n".encode()
def done():
    i = out.find(head, mark)
    return i >= 0 and out.find(b"simhost login: ", i + len(head) + n) >= 0
end = time.time() + 60
while time.time() < end and not done():
    console.session.Session.wait_for_rsp(0.1)
c.close()
sys.stdout.buffer.write(bytes(out[mark:]))
"""


class PyghmiSol(SolCase):
    def test_console_burst(self):
        b = self.start_bmcd()
        n = 100000
        proc = subprocess.run([sys.executable, "-c", PYGHMI_CONSOLE, b.host, str(b.port), b.admin_password,
                               str(n)], capture_output=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        head = f"burst {n}\r\n".encode()
        self.assertIn(head, proc.stdout, proc.stdout[-300:])
        body = proc.stdout[proc.stdout.index(head) + len(head):]
        self.assertEqual(body[:n], burst_bytes(n))
        self.assertTrue(body[n:].startswith(b"\r\nsimhost login: "), body[n:n + 40])


if __name__ == "__main__":
    unittest.main()
