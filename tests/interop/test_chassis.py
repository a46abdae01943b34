"""Chassis device and watchdog (IPMI 2.0 §28, §27) against a real bmcd with the
simulated server: ipmitool, FreeIPMI (ipmipower, ipmi-chassis) and pyghmi.

The sim starts powered on; bmcd's default power restore policy is "previous" with "on"
before the first start, so a fresh bmcd leaves it on. Each test has its own bmcd."""

import json
import time
import unittest

from bmcd_fixture import BmcdTestCase, fields, freeipmi, ipmitool, run

PYTHON = "/usr/bin/python3"


class ChassisCase(BmcdTestCase):
    def ipmi(self, b, *args) -> str:
        r = ipmitool(b, *args)
        self.assertEqual(r.returncode, 0, f"ipmitool {' '.join(args)}: {r.stdout}{r.stderr}")
        return r.stdout

    def fi(self, b, tool, *args) -> str:
        r = freeipmi(b, tool, *args)
        self.assertEqual(r.returncode, 0, f"{tool} {' '.join(args)}: {r.stdout}{r.stderr}")
        return r.stdout

    def power(self, b) -> str:
        return self.ipmi(b, "chassis", "power", "status").strip()

    def status(self, b) -> dict:
        return fields(self.ipmi(b, "chassis", "status"))

    def cause(self, b) -> str:
        return self.ipmi(b, "chassis", "restart_cause").strip()


class Ipmitool(ChassisCase):
    def wait_power(self, b, want, timeout=8.0):
        deadline = time.monotonic() + timeout
        got = self.power(b)
        while got != want and time.monotonic() < deadline:
            time.sleep(0.2)
            got = self.power(b)
        self.assertEqual(got, want)

    def test_status_and_power_control(self):
        b = self.start_bmcd()
        s = self.status(b)
        self.assertEqual(s["System Power"], "on")
        self.assertEqual(s["Power Restore Policy"], "previous")
        self.assertEqual(s["Last Power Event"], "ac-failed")
        self.assertEqual(s["Power Control Fault"], "false")
        self.assertEqual(self.power(b), "Chassis Power is on")
        self.assertEqual(self.cause(b), "System restart cause: power-up due to restore-previous power policy")

        self.assertIn("Chassis Power Control: Down/Off", self.ipmi(b, "chassis", "power", "off"))
        self.assertEqual(self.power(b), "Chassis Power is off")
        self.assertEqual(self.status(b)["System Power"], "off")
        self.assertEqual(self.cause(b), "System restart cause: chassis power control command")
        # §28.3: a power cycle of a system that is off is refused.
        r = ipmitool(b, "chassis", "power", "cycle")
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(self.power(b), "Chassis Power is off")

        self.assertIn("Chassis Power Control: Up/On", self.ipmi(b, "chassis", "power", "on"))
        self.assertEqual(self.power(b), "Chassis Power is on")
        self.assertEqual(self.status(b)["Last Power Event"], "command")
        self.assertIn("Chassis Power Control: Cycle", self.ipmi(b, "chassis", "power", "cycle"))
        # The simulated host is off for cycle_delay_ms (1 s) during a cycle.
        self.wait_power(b, "Chassis Power is on")
        self.assertIn("Chassis Power Control: Reset", self.ipmi(b, "chassis", "power", "reset"))
        self.assertEqual(self.power(b), "Chassis Power is on")
        self.assertIn("Chassis Power Control: Soft", self.ipmi(b, "chassis", "power", "soft"))
        # The simulated OS shuts down within soft_off_delay_ms (3 s).
        self.wait_power(b, "Chassis Power is off")
        self.assertEqual(self.cause(b), "System restart cause: chassis power control command")
        log = b.log()
        for action in (0, 1, 2, 3, 5):
            self.assertIn(f"chassis: action {action} done (cause 1)", log)

    def test_identify(self):
        b = self.start_bmcd()
        self.assertIn("Chassis identify interval: 5 seconds", self.ipmi(b, "chassis", "identify", "5"))
        st = fields(self.fi(b, "ipmi-chassis", "--get-chassis-status"))
        self.assertEqual(st["Chassis Identify state"], "Timed on")
        time.sleep(5.6)
        st = fields(self.fi(b, "ipmi-chassis", "--get-chassis-status"))
        self.assertEqual(st["Chassis Identify state"], "off")
        self.assertIn("Chassis identify interval: indefinite", self.ipmi(b, "chassis", "identify", "force"))
        st = fields(self.fi(b, "ipmi-chassis", "--get-chassis-status"))
        self.assertEqual(st["Chassis Identify state"], "Indefinite on")
        self.assertIn("Chassis identify interval: off", self.ipmi(b, "chassis", "identify", "0"))
        st = fields(self.fi(b, "ipmi-chassis", "--get-chassis-status"))
        self.assertEqual(st["Chassis Identify state"], "off")

    def test_poh(self):
        b = self.start_bmcd()
        self.assertEqual(fields(self.ipmi(b, "chassis", "poh"))["POH Counter"], "0 days, 0 hours, 0 minutes")
        self.assertEqual(fields(self.fi(b, "ipmi-chassis", "--get-power-on-hours-counter"))["Power on hours"],
                         "0 Hours 0 Minutes")

    def test_power_restore_policy(self):
        b = self.start_bmcd()
        out = self.ipmi(b, "chassis", "policy", "list")
        self.assertEqual(out.split(":", 1)[1].split(), ["always-off", "always-on", "previous"])

        # always-off: the sim comes back on with the "AC"; bmcd turns it off.
        self.assertIn("always-off", self.ipmi(b, "chassis", "policy", "always-off"))
        self.assertEqual(self.status(b)["Power Restore Policy"], "always-off")
        b.restart()
        self.assertEqual(self.power(b), "Chassis Power is off")
        self.assertEqual(self.cause(b), "System restart cause: unknown")

        # always-on: on again after a restart, even though it was off.
        self.assertIn("always-on", self.ipmi(b, "chassis", "policy", "always-on"))
        b.restart()
        self.assertEqual(self.power(b), "Chassis Power is on")
        self.assertEqual(self.status(b)["Power Restore Policy"], "always-on")
        self.assertEqual(self.cause(b), "System restart cause: power-up due to always-restore power policy")

        # previous: off stays off, on stays on.
        self.assertIn("previous", self.ipmi(b, "chassis", "policy", "previous"))
        self.ipmi(b, "chassis", "power", "off")
        b.restart()
        self.assertEqual(self.power(b), "Chassis Power is off")
        self.assertEqual(self.status(b)["Power Restore Policy"], "previous")
        self.ipmi(b, "chassis", "power", "on")
        b.restart()
        self.assertEqual(self.power(b), "Chassis Power is on")
        self.assertEqual(self.cause(b), "System restart cause: power-up due to restore-previous power policy")

    def test_boot_device(self):
        b = self.start_bmcd()
        self.assertIn("Set Boot Device to pxe", self.ipmi(b, "chassis", "bootdev", "pxe"))
        out = self.ipmi(b, "chassis", "bootparam", "get", "5")
        self.assertIn("Boot parameter data: 8004000000", out)
        self.assertIn("- Boot Flag Valid", out)
        self.assertIn("- Options apply to only next boot", out)
        self.assertIn("- Boot Device Selector : Force PXE", out)
        # FreeIPMI reads what ipmitool set.
        fl = fields(self.fi(b, "ipmi-chassis", "--get-boot-flags"))
        self.assertEqual(fl["Boot device selector"], "Force PXE")
        self.assertEqual(fl["BIOS boot type"], "PC compatible boot")
        # The restart uses the one-time flags.
        self.ipmi(b, "chassis", "power", "cycle")
        self.wait_power(b, "Chassis Power is on")
        out = self.ipmi(b, "chassis", "bootparam", "get", "5")
        self.assertIn("Boot parameter data: 0004000000", out)
        self.assertIn("- Boot Flag Invalid", out)

        self.assertIn("Set Boot Device to disk", self.ipmi(b, "chassis", "bootdev", "disk",
                                                          "options=persistent,efiboot"))
        expect = ["Boot parameter data: e008000000", "- Boot Flag Valid", "- Options apply to all future boots",
                  "- BIOS EFI boot", "- Boot Device Selector : Force Boot from default Hard-Drive"]
        out = self.ipmi(b, "chassis", "bootparam", "get", "5")
        for line in expect:
            self.assertIn(line, out)
        self.ipmi(b, "chassis", "power", "reset")
        b.restart()
        out = self.ipmi(b, "chassis", "bootparam", "get", "5")
        for line in expect:
            self.assertIn(line, out)
        fl = fields(self.fi(b, "ipmi-chassis", "--get-boot-flags"))
        self.assertEqual(fl["Boot device selector"], "Force boot from default Hard drive")
        self.assertEqual(fl["BIOS boot type"], "Extensible firmware Interface boot")

        # FreeIPMI's --set-boot-flags (it writes the flags, then the boot info
        # acknowledge with FFh FFh).
        self.fi(b, "ipmi-chassis", "--set-boot-flags", "--boot-device=pxe")
        self.assertIn("- Boot Flag Valid", self.ipmi(b, "chassis", "bootparam", "get", "5"))


class Watchdog(ChassisCase):
    def test_watchdog_expiry_powers_off(self):
        b = self.start_bmcd()
        wd = fields(self.ipmi(b, "mc", "watchdog", "get"))
        self.assertEqual(wd["Watchdog Timer Is"], "Stopped")
        self.assertEqual(wd["Initial Countdown"], "0.0 sec")
        r = ipmitool(b, "mc", "watchdog", "reset")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("uninitialized", r.stdout + r.stderr)

        # SMS/OS, power down, no pre-timeout, 2.0 s.
        self.ipmi(b, "raw", "0x06", "0x24", "0x04", "0x02", "0x00", "0x00", "0x14", "0x00")
        wd = fields(self.ipmi(b, "mc", "watchdog", "get"))
        self.assertEqual(wd["Watchdog Timer Use"], "SMS/OS (0x04)")
        self.assertEqual(wd["Watchdog Timer Is"], "Stopped")
        self.assertEqual(wd["Watchdog Timer Action"], "Power Down (0x02)")
        self.assertEqual(wd["Initial Countdown"], "2.0 sec")
        self.assertEqual(self.power(b), "Chassis Power is on")
        self.assertIn("countdown restarted", self.ipmi(b, "mc", "watchdog", "reset"))
        wd = fields(self.ipmi(b, "mc", "watchdog", "get"))
        self.assertEqual(wd["Watchdog Timer Is"], "Started/Running")
        deadline = time.monotonic() + 10
        while self.power(b) != "Chassis Power is off" and time.monotonic() < deadline:
            time.sleep(0.25)
        self.assertEqual(self.status(b)["System Power"], "off")
        self.assertEqual(self.cause(b), "System restart cause: watchdog expired")
        out = self.ipmi(b, "mc", "watchdog", "get")
        wd = fields(out)
        self.assertEqual(wd["Watchdog Timer Is"], "Stopped")
        self.assertEqual(wd["Timer Expiration Flags"], "(0x10)")
        self.assertIn("* SMS/OS", out)
        self.assertEqual(wd["Present Countdown"], "0.0 sec")
        self.assertIn("watchdog: expired (use 4, action 2)", b.log())
        self.assertEqual(fields(self.fi(b, "ipmi-chassis", "--get-system-restart-cause"))["Restart cause"],
                         "Watchdog expiration")

        # A running timer, then "off" stops it before it acts.
        self.ipmi(b, "chassis", "power", "on")
        self.ipmi(b, "raw", "0x06", "0x24", "0x04", "0x02", "0x00", "0x10", "0x32", "0x00")
        self.ipmi(b, "mc", "watchdog", "reset")
        self.assertIn("timer stopped", self.ipmi(b, "mc", "watchdog", "off"))
        wd = fields(self.ipmi(b, "mc", "watchdog", "get"))
        self.assertEqual(wd["Watchdog Timer Is"], "Stopped")
        self.assertEqual(wd["Timer Expiration Flags"], "None (0x00)")
        time.sleep(5.5)
        self.assertEqual(self.power(b), "Chassis Power is on")


class FreeIPMI(ChassisCase):
    def test_ipmipower_and_ipmi_chassis(self):
        b = self.start_bmcd()
        self.assertEqual(self.fi(b, "ipmipower", "--stat").strip(), "127.0.0.1: on")
        self.assertEqual(self.fi(b, "ipmipower", "--off").strip(), "127.0.0.1: ok")
        self.assertEqual(self.fi(b, "ipmipower", "--stat").strip(), "127.0.0.1: off")
        st = fields(self.fi(b, "ipmi-chassis", "--get-chassis-status"))
        self.assertEqual(st["System Power"], "off")
        self.assertEqual(st["Power restore policy"], "Restore")  # FreeIPMI's word for "previous"
        self.assertEqual(self.fi(b, "ipmipower", "--on").strip(), "127.0.0.1: ok")
        self.assertEqual(self.fi(b, "ipmipower", "--stat").strip(), "127.0.0.1: on")
        st = fields(self.fi(b, "ipmi-chassis", "--get-chassis-status"))
        self.assertEqual(st["System Power"], "on")
        self.assertEqual(st["Last Power Event"], "power on via ipmi command")
        self.assertEqual(st["Chassis Identify state"], "off")
        self.assertEqual(fields(self.fi(b, "ipmi-chassis", "--get-system-restart-cause"))["Restart cause"],
                         "Chassis control command")
        caps = fields(self.fi(b, "ipmi-chassis", "--get-chassis-capabilities"))
        self.assertEqual(caps["Diagnostic Interrupt"], "provided")
        self.assertEqual(caps["Power interlock"], "not provided")
        self.assertEqual(caps["SEL Device Address"], "20h")


PYGHMI = r'''
import json, sys
from pyghmi.ipmi import command
c = command.Command(bmc="127.0.0.1", userid="admin", password=sys.argv[2], port=int(sys.argv[1]))
out = {}
try:
    out["power0"] = c.get_power()["powerstate"]
    out["off"] = c.set_power("off", wait=True)["powerstate"]
    out["power1"] = c.get_power()["powerstate"]
    out["on"] = c.set_power("on", wait=True)["powerstate"]
    out["boot0"] = c.get_bootdev()
    c.set_bootdev("network")
    out["boot1"] = c.get_bootdev()
finally:
    c.ipmi_session.logout()
print(json.dumps(out, default=str))
'''


class Pyghmi(ChassisCase):
    def test_power_and_bootdev(self):
        b = self.start_bmcd()
        r = run([PYTHON, "-c", PYGHMI, b.port, b.admin_password], timeout=90)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        out = json.loads(r.stdout.strip().splitlines()[-1])
        self.assertEqual(out["power0"], "on")
        self.assertEqual(out["off"], "off")
        self.assertEqual(out["power1"], "off")
        self.assertEqual(out["on"], "on")
        self.assertEqual(out["boot0"]["bootdev"], "default")
        self.assertEqual(out["boot1"]["bootdev"], "network")
        self.assertFalse(out["boot1"]["persistent"])
        self.assertEqual(self.power(b), "Chassis Power is on")
        self.assertIn("- Boot Device Selector : Force PXE", self.ipmi(b, "chassis", "bootparam", "get", "5"))


if __name__ == "__main__":
    unittest.main()
