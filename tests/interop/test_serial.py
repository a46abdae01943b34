"""ipmitool's serial plugins against bmcd's serial channel 2 (IPMI 2.0 §14).

socat makes a pty pair: bmcd opens one end (--serial DIR/bmc), ipmitool the other
(`-I serial-terminal -D DIR/client:115200` or `-I serial-basic ...`: the device, a
colon and the bit rate, as ipmitool's plugins parse it). Neither plugin logs in (they
send no Activate Session and no [SYS PWD]), so bmcd is configured for session-less
direct-connect use with `[serial] privilege`, as a user of these plugins must.

What is served over serial is compared with what the same bmcd serves over RMCP+.
"""

import os
import shutil
import signal
import subprocess
import time
import unittest

from bmcd_fixture import BmcdTestCase, fields, ipmitool, run, wait_for

MODES = ("serial-terminal", "serial-basic")


class Pty:
    """A socat pty pair: path `bmc` for bmcd, `client` for ipmitool."""

    def __init__(self, tmpdir: str):
        self.bmc = os.path.join(tmpdir, "bmc")
        self.client = os.path.join(tmpdir, "client")
        self.log = open(os.path.join(tmpdir, "socat.log"), "wb")
        self.proc = subprocess.Popen(
            ["socat", "-d", "-d", f"pty,raw,echo=0,link={self.bmc}", f"pty,raw,echo=0,link={self.client}"],
            stdout=self.log, stderr=self.log)
        if not wait_for(lambda: os.path.exists(self.bmc) and os.path.exists(self.client), timeout=10, interval=0.1):
            self.close()
            raise RuntimeError("socat did not create the pty pair")

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def serial_ipmitool(pty: Pty, mode: str, *args, timeout: float = 60, quick: bool = False):
    """ipmitool over the serial line. quick: one try with a 1 s timeout, for requests
    that must go unanswered (ipmitool's default is 5 tries of 5 s)."""
    opts = ["-N", "1", "-R", "1"] if quick else []
    return run(["ipmitool", "-I", mode, "-D", f"{pty.client}:115200", *opts, *args], timeout=timeout)


@unittest.skipUnless(shutil.which("socat") and shutil.which("ipmitool"), "needs socat and ipmitool")
class SerialTest(BmcdTestCase):
    def start_serial(self, privilege: str = "administrator", mode: str = "auto"):
        self.tmp = self.make_tmp()
        self.pty = Pty(self.tmp)
        self.addCleanup(self.pty.close)
        cfg = f"[serial]\nprivilege = {privilege}\nmode = {mode}\nbaud = 115200\n"
        return self.start_bmcd(extra_config=cfg, args=["--serial", self.pty.bmc])

    def make_tmp(self) -> str:
        import tempfile
        d = tempfile.mkdtemp(prefix="bmcd-serial-")
        self.addCleanup(shutil.rmtree, d, True)
        return d

    def test_mc_info_sdr_chassis_both_modes(self):
        bmc = self.start_serial()
        self.assertIn("WARNING: serial requests without a login run at administrator privilege", bmc.log())
        lan = ipmitool(bmc, "mc", "info")
        self.assertEqual(lan.returncode, 0, lan.stderr)
        want = fields(lan.stdout)
        lan_sdr = ipmitool(bmc, "sdr", "list")
        self.assertEqual(lan_sdr.returncode, 0, lan_sdr.stderr)
        names = [line.split("|")[0].strip() for line in lan_sdr.stdout.splitlines() if "|" in line]
        self.assertGreater(len(names), 40)
        for mode in MODES:
            with self.subTest(mode=mode):
                r = serial_ipmitool(self.pty, mode, "mc", "info")
                self.assertEqual(r.returncode, 0, r.stderr)
                got = fields(r.stdout)
                for key in ("Device ID", "Device Revision", "Firmware Revision", "IPMI Version", "Manufacturer ID",
                            "Product ID"):
                    self.assertEqual(got.get(key), want.get(key), key)
                r = serial_ipmitool(self.pty, mode, "sdr", "list")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual([line.split("|")[0].strip() for line in r.stdout.splitlines() if "|" in line], names)
                r = serial_ipmitool(self.pty, mode, "chassis", "status")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(fields(r.stdout).get("System Power"), "on")

    def test_serial_config_over_lan(self):
        bmc = self.start_serial()
        # Get Serial/Modem Configuration, channel 2, parameter 3 (connection mode):
        # revision 11h, direct connect with Basic and Terminal Mode.
        r = ipmitool(bmc, "raw", "0x0c", "0x11", "0x02", "0x03", "0x00", "0x00")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.split(), ["11", "85"])
        # Channel 2 is an RS-232 serial channel with one session.
        r = ipmitool(bmc, "channel", "info", "2")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Channel Medium Type   : Serial/Modem", r.stdout)
        self.assertIn("Channel Protocol Type : IPMB-1.0", r.stdout)
        self.assertIn("single-session", r.stdout)

    def test_privilege_limit(self):
        bmc = self.start_serial(privilege="user")
        for mode in MODES:
            with self.subTest(mode=mode):
                r = serial_ipmitool(self.pty, mode, "mc", "info")
                self.assertEqual(r.returncode, 0, r.stderr)
                # Chassis Control needs OPERATOR: refused with D4h, the host stays on.
                r = serial_ipmitool(self.pty, mode, "chassis", "power", "off")
                self.assertNotEqual(r.returncode, 0)
                self.assertIn("Insufficient privilege level", r.stderr + r.stdout)
        r = ipmitool(bmc, "chassis", "status")
        self.assertEqual(fields(r.stdout).get("System Power"), "on")

    def test_channel_privilege_limit_and_disabled(self):
        bmc = self.start_serial()
        # Set Channel Access, volatile copy of channel 2: privilege limit USER.
        r = ipmitool(bmc, "raw", "0x06", "0x40", "0x02", "0x82", "0x82")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = serial_ipmitool(self.pty, "serial-terminal", "chassis", "power", "cycle")
        self.assertIn("Insufficient privilege level", r.stderr + r.stdout)
        # Access mode "disabled": nothing is answered any more.
        r = ipmitool(bmc, "raw", "0x06", "0x40", "0x02", "0x80", "0x00")
        self.assertEqual(r.returncode, 0, r.stderr)
        for mode in MODES:
            with self.subTest(mode=mode):
                r = serial_ipmitool(self.pty, mode, "mc", "info", quick=True, timeout=30)
                self.assertNotEqual(r.returncode, 0)
                self.assertNotIn("Device ID", r.stdout)
        # Enabled again: answered again.
        r = ipmitool(bmc, "raw", "0x06", "0x40", "0x02", "0x82", "0x00")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = serial_ipmitool(self.pty, "serial-basic", "mc", "info")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_default_requires_login(self):
        """privilege = none (the default): without [SYS PWD] only pre-session commands
        run, so ipmitool's session-less `mc info` is refused with D4h."""
        self.start_serial(privilege="none")
        r = serial_ipmitool(self.pty, "serial-terminal", "mc", "info")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Insufficient privilege level", r.stderr + r.stdout)


if __name__ == "__main__":
    unittest.main()
