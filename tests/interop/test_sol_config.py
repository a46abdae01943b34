"""SOL configuration parameters (IPMI 2.0 §26.2-26.3), channel payload information
(§24.8-24.10) and the host's console as bmcctl shows it, against a real bmcd with the
simulated host: ipmitool (-C 17), FreeIPMI ipmi-config (-D LAN_2_0 -I 17) and bmcctl.
The SOL data path itself (activating the payload) is tested with it."""

import os
import subprocess
import unittest

from bmcd_fixture import BmcdTestCase, bmcctl, bmcctl_path, fields, freeipmi, ipmitool, wait_for


def sections(text: str) -> dict:
    """ipmi-config checkout output as {section: {key: value}}; comments skipped."""
    out, cur = {}, None
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if s.startswith("Section "):
            cur = out.setdefault(s.split(None, 1)[1], {})
        elif s == "EndSection":
            cur = None
        elif cur is not None:
            parts = s.split(None, 1)
            cur[parts[0]] = parts[1] if len(parts) > 1 else ""
    return out


class SolCase(BmcdTestCase):
    def ipmi(self, b, *args) -> str:
        r = ipmitool(b, *args)
        self.assertEqual(r.returncode, 0, f"ipmitool {' '.join(args)}: {r.stdout}{r.stderr}")
        return r.stdout

    def sol_info(self, b) -> dict:
        return fields(self.ipmi(b, "sol", "info", "1"))

    def sol_set(self, b, param, value):
        return self.ipmi(b, "sol", "set", param, value, "1")

    def fi_ok(self, r) -> str:
        self.assertEqual(r.returncode, 0, f"{r.args}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}")
        return r.stdout

    def checkout(self, b) -> dict:
        out = self.fi_ok(freeipmi(b, "ipmi-config", "--checkout", "--section", "SOL_Conf", timeout=60))
        self.assertIn("SOL_Conf", sections(out), out)
        return sections(out)["SOL_Conf"]


class Ipmitool(SolCase):
    def test_sol_info_defaults(self):
        b = self.start_bmcd()
        s = self.sol_info(b)
        self.assertEqual(s["Set in progress"], "set-complete")
        self.assertEqual(s["Enabled"], "true")
        self.assertEqual(s["Force Encryption"], "true")
        self.assertEqual(s["Force Authentication"], "true")
        self.assertEqual(s["Privilege Level"], "USER")
        self.assertEqual(s["Character Accumulate Level (ms)"], "60")
        self.assertEqual(s["Character Send Threshold"], "96")
        self.assertEqual(s["Retry Count"], "7")
        self.assertEqual(s["Retry Interval (ms)"], "100")
        self.assertEqual(s["Volatile Bit Rate (kbps)"], "115.2")
        self.assertEqual(s["Non-Volatile Bit Rate (kbps)"], "115.2")
        self.assertEqual(s["Payload Channel"], "1 (0x01)")
        # SOL travels in the RMCP+ sessions: the port bmcd listens on, not always 623
        self.assertEqual(s["Payload Port"], str(b.port))

    def test_set_round_trip_and_survive_sigkill(self):
        b = self.start_bmcd()
        self.sol_set(b, "enabled", "false")
        self.sol_set(b, "privilege-level", "admin")
        self.sol_set(b, "character-accumulate-level", "10")
        self.sol_set(b, "character-send-threshold", "200")
        self.sol_set(b, "retry-count", "3")
        self.sol_set(b, "retry-interval", "25")
        self.sol_set(b, "force-encryption", "false")
        self.sol_set(b, "non-volatile-bit-rate", "57.6")
        self.sol_set(b, "volatile-bit-rate", "19.2")
        want = {
            "Set in progress": "set-complete",  # ipmitool's guard was released each time
            "Enabled": "false",
            "Force Encryption": "false",
            "Force Authentication": "true",
            "Privilege Level": "ADMINISTRATOR",
            "Character Accumulate Level (ms)": "50",
            "Character Send Threshold": "200",
            "Retry Count": "3",
            "Retry Interval (ms)": "250",
            "Non-Volatile Bit Rate (kbps)": "57.6",
        }
        s = self.sol_info(b)
        for k, v in want.items():
            self.assertEqual(s[k], v, k)
        self.assertEqual(s["Volatile Bit Rate (kbps)"], "19.2")
        # A crash: everything durable survives; the volatile rate starts as the
        # non-volatile one again (§26.3).
        b.kill()
        b.start()
        s = self.sol_info(b)
        for k, v in want.items():
            self.assertEqual(s[k], v, k)
        self.assertEqual(s["Volatile Bit Rate (kbps)"], "57.6")
        self.sol_set(b, "enabled", "true")
        self.assertEqual(self.sol_info(b)["Enabled"], "true")

    def test_refusals(self):
        b = self.start_bmcd()
        # encryption forced without authentication: refused (core/solparm.c says why)
        r = ipmitool(b, "sol", "set", "force-authentication", "false", "1")
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("Invalid data field", r.stderr)
        # read-only payload channel / port: 82h; unsupported parameter: 80h
        r = ipmitool(b, "raw", "0x0c", "0x21", "0x01", "0x07", "0x02")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("rsp=0x82", r.stderr)
        r = ipmitool(b, "raw", "0x0c", "0x22", "0x01", "0x09", "0x00", "0x00")
        self.assertIn("rsp=0x80", r.stderr)
        # a channel without SOL
        r = ipmitool(b, "raw", "0x0c", "0x22", "0x02", "0x01", "0x00", "0x00")
        self.assertIn("rsp=0xcc", r.stderr)
        # set in progress twice: 81h, then released
        self.ipmi(b, "raw", "0x0c", "0x21", "0x01", "0x00", "0x01")
        r = ipmitool(b, "raw", "0x0c", "0x21", "0x01", "0x00", "0x01")
        self.assertIn("rsp=0x81", r.stderr)
        self.assertEqual(self.sol_info(b)["Set in progress"], "set-in-progress")
        self.ipmi(b, "raw", "0x0c", "0x21", "0x01", "0x00", "0x00")
        self.assertEqual(self.sol_info(b)["Enabled"], "true")

    def test_channel_payload_information(self):
        b = self.start_bmcd()
        # §24.8: IPMI and SOL; session set-up payloads 10h-15h; no OEM payloads
        self.assertEqual(self.ipmi(b, "raw", "0x06", "0x4e", "0x01").split(),
                         ["03", "00", "3f", "00", "00", "00", "00", "00"])
        # §24.9: version 1.0 of SOL; 80h for a payload the channel does not carry
        self.assertEqual(self.ipmi(b, "raw", "0x06", "0x4f", "0x01", "0x01").split(), ["10"])
        r = ipmitool(b, "raw", "0x06", "0x4f", "0x01", "0x02")
        self.assertIn("rsp=0x80", r.stderr)
        # §24.10: no OEM payloads
        r = ipmitool(b, "raw", "0x06", "0x50", "0x01", "0x02", "0", "0", "0", "0", "0")
        self.assertIn("rsp=0x80", r.stderr)


class Freeipmi(SolCase):
    def test_checkout_and_commit(self):
        b = self.start_bmcd()
        c = self.checkout(b)
        self.assertEqual(c["Enable_SOL"], "Yes")
        self.assertEqual(c["SOL_Privilege_Level"], "User")
        self.assertEqual(c["Force_SOL_Payload_Authentication"], "Yes")
        self.assertEqual(c["Force_SOL_Payload_Encryption"], "Yes")
        self.assertEqual(c["Character_Accumulate_Interval"], "12")
        self.assertEqual(c["Character_Send_Threshold"], "96")
        self.assertEqual(c["SOL_Retry_Count"], "7")
        self.assertEqual(c["SOL_Retry_Interval"], "10")
        self.assertEqual(c["Non_Volatile_Bit_Rate"], "115200")
        self.assertEqual(c["Volatile_Bit_Rate"], "115200")
        # the port is listed (as a comment) with --verbose only
        out = self.fi_ok(freeipmi(b, "ipmi-config", "--checkout", "--section", "SOL_Conf", "--verbose", timeout=60))
        self.assertRegex(out, r"SOL_Payload_Port_Number\s+%d\n" % b.port)

        path = os.path.join(b.tmpdir, "sol.conf")
        with open(path, "w") as f:
            f.write("Section SOL_Conf\n\tCharacter_Accumulate_Interval 20\n"
                    "\tSOL_Privilege_Level Operator\nEndSection\n")
        self.fi_ok(freeipmi(b, "ipmi-config", "--commit", "--filename", path, timeout=60))
        c = self.checkout(b)
        self.assertEqual(c["Character_Accumulate_Interval"], "20")
        self.assertEqual(c["SOL_Privilege_Level"], "Operator")
        self.assertEqual(self.sol_info(b)["Character Accumulate Level (ms)"], "100")
        self.fi_ok(freeipmi(b, "ipmi-config", "--commit",
                            "--key-pair=SOL_Conf:Enable_SOL=No", timeout=60))
        self.assertEqual(self.checkout(b)["Enable_SOL"], "No")
        b.restart()
        c = self.checkout(b)
        self.assertEqual(c["Enable_SOL"], "No")
        self.assertEqual(c["Character_Accumulate_Interval"], "20")


class Console(SolCase):
    PROMPT = "simhost login: "

    def history(self, b) -> str:
        """bmcctl console history, byte for byte (no newline translation)."""
        r = subprocess.run([bmcctl_path(), "--state-dir", b.state_dir, "console", "history"],
                           capture_output=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.decode("latin-1")

    def test_history_shows_boot_and_prompt(self):
        b = self.start_bmcd()
        self.assertRegex(b.log(), r"console: simulated host on /dev/pts/\d+")
        h = wait_for(lambda: (lambda t: t if t.endswith(self.PROMPT) else "")(self.history(b)))
        self.assertTrue(h.endswith(self.PROMPT), repr(h[-200:]))
        self.assertIn("SimBIOS 2.1 (bmcd simulated host), boot 1\r\n", h)
        self.assertIn("simkernel 1.0 starting", h)
        self.assertLess(h.index("SimBIOS"), h.index("simkernel"))

        # typed input is echoed and answered, through the pty and the simulated host
        self.assertEqual(bmcctl(b, "console", "send", "hello", "bmc").returncode, 0)
        h = wait_for(lambda: (lambda t: t if t.endswith("hello bmc\r\n" + self.PROMPT) or
                              "line 1: hello bmc\r\n" + self.PROMPT in t else "")(self.history(b)))
        self.assertIn("hello bmc\r\nsimhost: line 1: hello bmc\r\n" + self.PROMPT, h)

        # power off: silent; power on: a new boot
        self.assertEqual(bmcctl(b, "power", "off").returncode, 0)
        before = self.history(b)
        self.assertEqual(bmcctl(b, "console", "send", "nobody").returncode, 0)
        self.assertEqual(self.history(b), before)
        self.assertEqual(bmcctl(b, "power", "on").returncode, 0)
        h = wait_for(lambda: (lambda t: t if "boot 2\r\n" in t and t.endswith(self.PROMPT) else "")(self.history(b)))
        self.assertIn("SimBIOS 2.1 (bmcd simulated host), boot 2\r\n", h)
        self.assertEqual(h.count("SimBIOS"), 2)
        self.assertNotIn("nobody", h)

    def test_burst_and_history_limit(self):
        b = self.start_bmcd()
        wait_for(lambda: self.history(b).endswith(self.PROMPT))
        self.assertEqual(bmcctl(b, "console", "send", "burst", "100000").returncode, 0)
        h = wait_for(lambda: (lambda t: t if t.endswith("\r\n" + self.PROMPT) and "00001562" in t else "")(
            self.history(b)), timeout=30)
        # the history keeps exactly the newest 64 KiB: the tail of the burst, in order
        self.assertEqual(len(h.encode()), 65536)
        tail = h[: -len("\r\n" + self.PROMPT)]

        def burst(i):  # the same formula as backends/sim/host_console.c
            k, col = divmod(i, 64)
            if col < 8:
                return ("%08u" % (k % 100000000))[col]
            if col == 8:
                return " "
            if col == 62:
                return "\r"
            if col == 63:
                return "\n"
            return chr(ord("A") + (k + col) % 26)

        n = 100000
        want = "".join(burst(i) for i in range(n - len(tail), n))
        self.assertEqual(tail, want)
        self.assertEqual(bmcctl(b, "console", "break").returncode, 0)
        wait_for(lambda: "simhost: BREAK" in self.history(b))
        self.assertTrue(self.history(b).endswith("\r\nsimhost: BREAK\r\n" + self.PROMPT))


if __name__ == "__main__":
    unittest.main()
