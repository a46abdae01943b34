"""Sensors, the SDR repository and sensor events (IPMI 2.0 §33-§36, §43) with real
clients against a bmcd on its simulated two-socket server: ipmitool 1.8.19 (lanplus,
suite 17), FreeIPMI 1.6 (ipmi-sensors, ipmi-sensors-config, ipmi-sel; LAN_2_0, suite
17), pyghmi 1.5 and bmcctl, which steers the simulated sensors.

The expected sensor set is the simulated server's table (backends/sim/sim_table.c,
docs/bmcctl.md): 53 sensors, then a FRU device locator and an MC device locator.
Readings move with the simulated load, so values are checked against ranges, and
exactly where bmcctl pins a sensor. Times are UTC for the clients.
"""

import json
import os
import re
import time
import unittest

from bmcd_fixture import BmcdTestCase, bmcctl, fields, freeipmi, ipmitool, run, wait_for

os.environ["TZ"] = "UTC"

TEMPS = ["CPU1 Temp", "CPU2 Temp"] + [f"DIMM {c}1 Temp" for c in "ABCDEFGH"] + \
        ["Inlet Temp", "Exhaust Temp", "PSU1 Temp", "PSU2 Temp", "PCH Temp", "CPU1 VR Temp", "CPU2 VR Temp"]
FANS = [f"FAN{i}" for i in range(1, 7)]
VOLTS = ["12V", "5V", "3.3V", "5VSB", "VBAT", "CPU1 Vcore", "CPU2 Vcore", "CPU1 VDDQ", "CPU2 VDDQ",
         "PSU1 Vin", "PSU2 Vin"]
POWER = ["PSU1 Power", "PSU2 Power", "Total Power"]
DISCRETE = ["PSU1 Status", "PSU2 Status", "PS Redundancy", "Power Unit", "CPU1 Status", "CPU2 Status",
            "CPU1 Memory", "CPU2 Memory", "Intrusion", "Watchdog", "System Event", "Button", "Event Log",
            "FW Progress", "ACPI State"]
EVENT_ONLY = ["Session Audit"]
THRESHOLD = TEMPS + FANS + VOLTS + POWER                      # full SDRs (01h)
READABLE = THRESHOLD + DISCRETE                              # full + compact SDRs
ALL_SENSORS = READABLE + EVENT_ONLY                          # 53
NUMBERS = dict(zip(TEMPS, range(0x01, 0x12)))
NUMBERS.update(zip(FANS, range(0x20, 0x26)))
NUMBERS.update(zip(VOLTS, range(0x30, 0x3B)))
NUMBERS.update(zip(POWER, range(0x40, 0x43)))
NUMBERS.update(zip(DISCRETE + EVENT_ONLY, range(0x50, 0x60)))
FRU_LOCATOR = "Simulated 2S Boa"                             # "Simulated 2S Board", cut to 16 by ipmitool
MC_LOCATOR = "bmcd"
# Engineering units as ipmitool prints them, and a sane range for a running host.
UNITS = {**{n: "degrees C" for n in TEMPS}, **{n: "RPM" for n in FANS}, **{n: "Volts" for n in VOLTS},
         **{n: "Watts" for n in POWER}}
RANGES = {**{n: (10, 90) for n in TEMPS}, **{n: (1000, 12000) for n in FANS},
          "12V": (11.4, 12.6), "5V": (4.75, 5.25), "3.3V": (3.14, 3.46), "5VSB": (4.75, 5.25),
          "VBAT": (2.7, 3.3), "CPU1 Vcore": (1.6, 1.95), "CPU2 Vcore": (1.6, 1.95), "CPU1 VDDQ": (1.1, 1.3),
          "CPU2 VDDQ": (1.1, 1.3), "PSU1 Vin": (200, 260), "PSU2 Vin": (200, 260),
          "PSU1 Power": (40, 700), "PSU2 Power": (40, 700), "Total Power": (80, 1200)}
# Sensors fed by the host's power: no reading while it is off (the rest are standby).
HOST_POWERED = FANS + ["12V", "5V", "3.3V", "CPU1 Vcore", "CPU2 Vcore", "CPU1 VDDQ", "CPU2 VDDQ"]
# Built-in thresholds (LNR, LC, LNC, UNC, UC, UNR), None = not readable.
THRESHOLDS = {
    "CPU1 Temp": (None, None, None, 85, 95, 100),
    "DIMM A1 Temp": (None, None, None, 80, 85, 95),
    "Inlet Temp": (0, 5, 10, 40, 45, 50),
    "FAN1": (300, 500, 800, None, None, None),
    "12V": (10.2, 10.8, 11.4, 12.6, 13.2, 13.8),
    "VBAT": (2.0, 2.5, 2.7, None, None, None),
    "Total Power": (None, None, None, 1200, 1400, None),
}


def rows(text: str, min_cols: int = 2) -> list:
    """'a | b | c' lines as lists of stripped columns."""
    out = []
    for line in text.splitlines():
        cols = [c.strip() for c in line.split("|")]
        if len(cols) >= min_cols:
            out.append(cols)
    return out


def number(text: str) -> float:
    """The leading number of '45 degrees C', '6000 RPM', '12.00 Volts', '45.000'."""
    m = re.match(r"^-?\d+(\.\d+)?", text.strip())
    if not m:
        raise ValueError(f"no number in {text!r}")
    return float(m.group(0))


def cache_dir(b) -> str:
    """A FreeIPMI SDR cache directory inside the test's temporary directory."""
    path = os.path.join(b.tmpdir, "sdr-cache")
    os.makedirs(path, exist_ok=True)
    return path


def thr(value):
    """A threshold as ipmitool/FreeIPMI columns show it."""
    return "na" if value is None else f"{value:.3f}"


class SensorCase(BmcdTestCase):
    def ok(self, r) -> str:
        self.assertEqual(r.returncode, 0, f"{r.args}\nstdout: {r.stdout}\nstderr: {r.stderr}")
        return r.stdout

    def ipmi(self, b, *args, timeout=60) -> str:
        return self.ok(ipmitool(b, *args, timeout=timeout))

    def ctl(self, b, *args) -> str:
        return self.ok(bmcctl(b, *args, timeout=30))

    def sdr_list(self, b, *args) -> dict:
        return {r[0]: r[1:] for r in rows(self.ipmi(b, "sdr", "list", *args), 3)}

    def assert_value_in_range(self, name, text):
        lo, hi = RANGES[name]
        self.assertTrue(text.endswith(UNITS[name]), f"{name}: {text!r} should be in {UNITS[name]}")
        self.assertTrue(lo <= number(text) <= hi, f"{name}: {text!r} not in {lo}..{hi}")


class IpmitoolSdr(SensorCase):
    def test_sdr_info_and_lists(self):
        b = self.start_bmcd()
        info = fields(self.ipmi(b, "sdr", "info"))
        self.assertEqual(info["SDR Version"], "0x51")
        self.assertEqual(info["Record Count"], str(len(ALL_SENSORS) + 2))
        self.assertEqual(info["Reserve SDR repository supported"], "yes")

        # "all": every record, in repository order (sensors in backend order, then locators).
        names = [r[0] for r in rows(self.ipmi(b, "sdr", "list", "all"), 3)]
        self.assertEqual(names, READABLE + EVENT_ONLY + [FRU_LOCATOR, MC_LOCATOR])

        # Default list: full and compact records with a reading and an "ok" status.
        listed = self.sdr_list(b)
        self.assertEqual(list(listed), READABLE)
        for name in THRESHOLD:
            reading, status = listed[name]
            self.assert_value_in_range(name, reading)
            self.assertEqual(status, "ok", name)
        for name in DISCRETE:
            self.assertRegex(listed[name][0], r"^0x[0-9a-f]{2}$", name)
            self.assertEqual(listed[name][1], "ok", name)

        self.assertEqual(list(self.sdr_list(b, "full")), THRESHOLD)
        self.assertEqual(list(self.sdr_list(b, "compact")), DISCRETE)
        self.assertEqual(self.sdr_list(b, "event"), {"Session Audit": ["Event-Only", "ns"]})
        self.assertEqual(self.sdr_list(b, "mcloc"), {MC_LOCATOR: ["Dynamic MC @ 20h", "ok"]})
        self.assertEqual(self.sdr_list(b, "fru"), {FRU_LOCATOR: ["Log FRU @00h 07.1", "ok"]})

        # elist: sensor number, status, entity id.instance, reading or state text.
        el = {r[0]: r[1:] for r in rows(self.ipmi(b, "sdr", "elist"), 5)}
        self.assertEqual(list(el), READABLE)
        for name in READABLE:
            self.assertEqual(el[name][0], f"{NUMBERS[name]:02X}h", name)
        self.assertEqual(el["CPU1 Temp"][2], "3.1")
        self.assertEqual(el["CPU2 Temp"][2], "3.2")
        self.assertEqual(el["FAN3"][2], "29.3")
        self.assertEqual(el["Inlet Temp"][2], "55.1")
        self.assertEqual(el["PSU1 Status"][3], "Presence detected")
        self.assertEqual(el["ACPI State"][3], "S0/G0: working")
        self.assert_value_in_range("CPU1 Temp", el["CPU1 Temp"][3])

    def test_sdr_type_and_get(self):
        b = self.start_bmcd()
        temps = rows(self.ipmi(b, "sdr", "type", "Temperature"), 5)
        self.assertEqual([r[0] for r in temps], TEMPS)
        for r in temps:
            self.assert_value_in_range(r[0], r[4])
        fans = rows(self.ipmi(b, "sdr", "type", "0x04"), 5)
        self.assertEqual([r[0] for r in fans], FANS)
        phys = rows(self.ipmi(b, "sdr", "type", "Physical Security"), 5)
        self.assertEqual([r[0] for r in phys], ["Intrusion"])

        got = fields(self.ipmi(b, "sdr", "get", "CPU1 Temp"))
        self.assertEqual(got["Sensor ID"], "CPU1 Temp (0x1)")
        self.assertEqual(got["Entity ID"], "3.1 (Processor)")
        self.assertEqual(got["Sensor Type (Threshold)"], "Temperature (0x01)")
        self.assertEqual(got["Status"], "ok")
        self.assertEqual(got["Nominal Reading"], "45.000")
        self.assertEqual(got["Upper non-critical"], "85.000")
        self.assertEqual(got["Upper critical"], "95.000")
        self.assertEqual(got["Upper non-recoverable"], "100.000")
        self.assertNotIn("Lower critical", got)
        self.assertEqual(got["Positive Hysteresis"], "2.000")
        self.assertEqual(got["Negative Hysteresis"], "2.000")
        self.assertEqual(got["Readable Thresholds"], "unc ucr unr")
        self.assertEqual(got["Settable Thresholds"], "unc ucr unr")
        self.assertEqual(got["Assertions Enabled"], "unc+ ucr+ unr+")
        self.assert_value_in_range("CPU1 Temp", got["Sensor Reading"].replace(" (+/- 0)", ""))

        got = fields(self.ipmi(b, "sdr", "get", "Intrusion"))
        self.assertEqual(got["Sensor ID"], "Intrusion (0x58)")
        self.assertEqual(got["Entity ID"], "23.1 (System Chassis)")
        self.assertEqual(got["Sensor Type (Discrete)"], "Physical Security (0x05)")

    def test_sensor_list_and_get(self):
        b = self.start_bmcd()
        table = {r[0]: r[1:] for r in rows(self.ipmi(b, "sensor", "list"), 10)}
        self.assertGreaterEqual(len(table), 40)
        self.assertEqual(set(READABLE), set(table))
        for name in THRESHOLD:
            value, unit, status = table[name][:3]
            self.assert_value_in_range(name, f"{value} {unit}")
            self.assertEqual(status, "ok", name)
        for name, want in THRESHOLDS.items():
            self.assertEqual(table[name][3:9], [thr(v) for v in want], name)

        got = fields(self.ipmi(b, "sensor", "get", "FAN1"))
        self.assertEqual(got["Sensor ID"], "FAN1 (0x20)")
        self.assertEqual(got["Entity ID"], "29.1")
        self.assertEqual(got["Sensor Type (Threshold)"], "Fan")
        self.assert_value_in_range("FAN1", got["Sensor Reading"].replace(" (+/- 0)", ""))
        self.assertEqual(got["Status"], "ok")
        self.assertEqual(got["Lower Non-Recoverable"], "300.000")
        self.assertEqual(got["Lower Critical"], "500.000")
        self.assertEqual(got["Lower Non-Critical"], "800.000")
        self.assertEqual(got["Upper Critical"], "na")
        self.assertEqual(got["Positive Hysteresis"], "200.000")  # 2 counts of 100 RPM
        self.assertEqual(got["Assertions Enabled"], "lnc- lcr- lnr-")

        # A reading pinned with bmcctl is what every client reads, with its status.
        self.assertIn("FAN1 set to 700 RPM", self.ctl(b, "sensor", "set", "FAN1", "700"))
        got = fields(self.ipmi(b, "sensor", "get", "FAN1"))
        self.assertEqual(got["Sensor Reading"], "700 (+/- 0) RPM")
        self.assertEqual(got["Status"], "Lower Non-Critical")
        self.assertEqual(got["Assertion Events"], "lnc-")
        self.assertEqual(self.sdr_list(b)["FAN1"], ["700 RPM", "nc"])

    def test_set_threshold_persists_and_order_is_checked(self):
        b = self.start_bmcd()
        out = self.ipmi(b, "sensor", "thresh", "CPU1 Temp", "unc", "80")
        self.assertIn('Setting sensor "CPU1 Temp" Upper Non-Critical threshold to 80.000', out)
        self.assertEqual(fields(self.ipmi(b, "sensor", "get", "CPU1 Temp"))["Upper Non-Critical"], "80.000")
        out = self.ipmi(b, "sensor", "thresh", "Inlet Temp", "lower", "1", "4", "9")
        got = fields(self.ipmi(b, "sensor", "get", "Inlet Temp"))
        self.assertEqual([got["Lower Non-Recoverable"], got["Lower Critical"], got["Lower Non-Critical"]],
                         ["1.000", "4.000", "9.000"])

        # Thresholds must stay in order (UNC <= UC <= UNR): bmcd refuses with CCh and
        # nothing changes. (For one threshold ipmitool checks the order itself, so the
        # three-value form and a raw Set Sensor Thresholds reach bmcd.)
        r = ipmitool(b, "sensor", "thresh", "CPU1 Temp", "upper", "99", "95", "100", timeout=60)
        self.assertIn("Error setting threshold: Invalid data field in request", r.stderr)
        for mask, values in ((0x08, (0, 0, 0, 99, 0, 0)), (0x10, (0, 0, 0, 0, 70, 0)), (0x20, (0, 0, 0, 0, 0, 90))):
            r = ipmitool(b, "raw", "0x04", "0x26", "0x01", hex(mask), *map(str, values), timeout=60)
            self.assertNotEqual(r.returncode, 0, mask)
            self.assertIn("rsp=0xcc", r.stderr, mask)
        r = ipmitool(b, "sensor", "thresh", "CPU1 Temp", "unc", "99", timeout=60)
        self.assertNotEqual(r.returncode, 0)
        # Thresholds the sensor does not have cannot be set.
        r = ipmitool(b, "sensor", "thresh", "CPU1 Temp", "lnc", "5", timeout=60)
        self.assertNotEqual(r.returncode, 0)
        got = fields(self.ipmi(b, "sensor", "get", "CPU1 Temp"))
        self.assertEqual([got["Upper Non-Critical"], got["Upper Critical"], got["Upper Non-Recoverable"]],
                         ["80.000", "95.000", "100.000"])
        self.assertEqual(got["Lower Non-Critical"], "na")

        # The change was durable before the reply: it survives SIGKILL.
        b.kill()
        b.start()
        got = fields(self.ipmi(b, "sensor", "get", "CPU1 Temp"))
        self.assertEqual(got["Upper Non-Critical"], "80.000")
        self.assertEqual(got["Upper Critical"], "95.000")
        self.assertEqual(fields(self.ipmi(b, "sdr", "get", "CPU1 Temp"))["Upper non-critical"], "80.000")
        self.assertEqual(fields(self.ipmi(b, "sensor", "get", "Inlet Temp"))["Lower Critical"], "4.000")
        # And back to the default value.
        self.ipmi(b, "sensor", "thresh", "CPU1 Temp", "unc", "85")
        b.restart()
        self.assertEqual(fields(self.ipmi(b, "sensor", "get", "CPU1 Temp"))["Upper Non-Critical"], "85.000")

    def test_power_off_and_on(self):
        b = self.start_bmcd()
        self.assertIn("Down/Off", self.ipmi(b, "chassis", "power", "off"))

        def all_off():
            listed = self.sdr_list(b)
            return listed if all(listed[n] == ["no reading", "ns"] for n in HOST_POWERED) else None

        listed = wait_for(all_off, timeout=20)
        self.assertTrue(listed, f"host-powered sensors still read: {self.sdr_list(b)}")
        # Standby sensors go on reading.
        for name in ("5VSB", "VBAT", "PSU1 Vin", "CPU1 Temp", "Inlet Temp"):
            self.assertEqual(listed[name][1], "ok", name)
            number(listed[name][0])
        self.assertLess(number(listed["Total Power"][0]), 40)  # standby draw
        table = {r[0]: r[1:] for r in rows(self.ipmi(b, "sensor", "list"), 10)}
        self.assertEqual(table["FAN1"][0], "na")
        self.assertEqual(table["FAN1"][2], "na")
        self.assertEqual(table["FAN1"][3:6], ["300.000", "500.000", "800.000"])
        r = ipmitool(b, "sensor", "get", "FAN1", timeout=60)  # exit status 1 for an unreadable sensor
        self.assertIn("Unable to read sensor: Device Not Present", r.stdout)
        self.assertIn("Event Status          : Unavailable", r.stdout)
        fi = {r[1]: r for r in rows(self.ok(freeipmi(b, "ipmi-sensors", f"--sdr-cache-directory={cache_dir(b)}", timeout=60)), 6)}
        self.assertEqual(fi["FAN1"][3], "N/A")
        # The Power Unit's "power off" state and its SEL event.
        self.assertIn("Power off/down | Asserted", self.ipmi(b, "sel", "elist"))

        self.assertIn("Up/On", self.ipmi(b, "chassis", "power", "on"))

        def all_on():
            listed = self.sdr_list(b)
            return listed if all(listed[n][1] == "ok" for n in HOST_POWERED) else None

        listed = wait_for(all_on, timeout=20)
        self.assertTrue(listed, f"host-powered sensors do not read again: {self.sdr_list(b)}")
        for name in ("12V", "5V", "CPU1 Vcore", "CPU1 VDDQ"):
            self.assert_value_in_range(name, listed[name][0])
        for name in FANS:
            self.assertGreater(number(listed[name][0]), 0, name)
            self.assertTrue(listed[name][0].endswith("RPM"))


class FreeipmiSensors(SensorCase):
    def sensors(self, b, cache, *args):
        return freeipmi(b, "ipmi-sensors", f"--sdr-cache-directory={cache}", *args, timeout=90)

    def test_ipmi_sensors_with_sdr_cache(self):
        b = self.start_bmcd()
        cache = cache_dir(b)
        first = self.sensors(b, cache)
        self.ok(first)
        self.assertIn("Caching SDR repository", first.stdout + first.stderr)
        cdir = os.path.join(cache, ".freeipmi", "sdr-cache")
        files = os.listdir(cdir)
        self.assertEqual(len(files), 1, files)
        self.assertTrue(files[0].endswith(f"127.0.0.1:{b.port}"), files)
        mtime = os.stat(os.path.join(cdir, files[0])).st_mtime_ns

        second = self.sensors(b, cache)
        out = self.ok(second)
        self.assertNotIn("Caching SDR", out + second.stderr)
        self.assertEqual(os.stat(os.path.join(cdir, files[0])).st_mtime_ns, mtime)
        table = rows(out, 6)
        self.assertEqual(table[0], ["ID", "Name", "Type", "Reading", "Units", "Event"])
        table = {r[1]: r for r in table[1:]}
        self.assertEqual(list(table), READABLE)  # ipmi-sensors skips event-only records
        units = {**{n: "C" for n in TEMPS}, **{n: "RPM" for n in FANS}, **{n: "V" for n in VOLTS},
                 **{n: "W" for n in POWER}}
        for i, name in enumerate(READABLE):
            self.assertEqual(table[name][0], str(i + 1), name)  # record id
        for name in THRESHOLD:
            _, _, _, reading, unit, event = table[name]
            self.assertEqual(unit, units[name], name)
            lo, hi = RANGES[name]
            self.assertTrue(lo <= float(reading) <= hi, f"{name}: {reading}")
            self.assertEqual(event, "'OK'", name)
        self.assertEqual(table["CPU1 Temp"][2], "Temperature")
        self.assertEqual(table["FAN1"][2], "Fan")
        self.assertEqual(table["Total Power"][2], "Other Units Based Sensor")
        for name in DISCRETE:
            self.assertEqual(table[name][3:5], ["N/A", "N/A"], name)
        self.assertEqual(table["PSU1 Status"][5], "'Presence detected'")
        self.assertEqual(table["CPU2 Status"][5], "'Processor Presence detected'")
        self.assertEqual(table["PS Redundancy"][5], "'Fully Redundant'")
        self.assertEqual(table["ACPI State"][5], "'S0/G0'")
        self.assertEqual(table["Intrusion"][5], "'OK'")

        # The cache stays valid across a restart of bmcd (its SDR did not change); it
        # used to be "out of date" after every restart.
        b.restart()
        third = self.sensors(b, cache)
        self.assertEqual(third.returncode, 0, third.stdout + third.stderr)
        self.assertNotIn("out of date", third.stdout + third.stderr)
        self.assertNotIn("Caching SDR", third.stdout + third.stderr)
        self.assertEqual([r[1] for r in rows(third.stdout, 6)[1:]], READABLE)

        # A state bmcctl forces shows up in the next reading.
        self.ctl(b, "sensor", "set", "CPU1 Temp", "96")
        self.ctl(b, "sensor", "assert", "Intrusion", "0")
        table = {r[1]: r for r in rows(self.ok(self.sensors(b, cache)), 6)}
        self.assertEqual(table["CPU1 Temp"][3], "96.00")
        self.assertEqual(table["CPU1 Temp"][5], "'At or Above (>=) Upper Critical Threshold'")
        self.assertEqual(table["Intrusion"][5], "'General Chassis Intrusion'")

    def test_thresholds_output(self):
        b = self.start_bmcd()
        cache = cache_dir(b)
        out = self.ok(self.sensors(b, cache, "--output-sensor-thresholds"))
        table = rows(out, 12)
        self.assertEqual(table[0][5:11], ["Lower NR", "Lower C", "Lower NC", "Upper NC", "Upper C", "Upper NR"])
        table = {r[1]: r for r in table[1:]}
        for name, want in THRESHOLDS.items():
            self.assertEqual(table[name][5:11], ["N/A" if v is None else f"{v:.2f}" for v in want], name)
        for name in DISCRETE:
            self.assertEqual(table[name][5:11], ["N/A"] * 6, name)

    def test_sensors_config_checkout_and_commit(self):
        b = self.start_bmcd()
        cache = cache_dir(b)

        def config(*args):
            return freeipmi(b, "ipmi-sensors-config", f"--sdr-cache-directory={cache}", *args, timeout=120)

        def section(name):
            return {line.split()[0]: line.split()[1] for line in
                    self.ok(config("--checkout", "-S", name)).splitlines()
                    if line.strip() and not line.strip().startswith(("#", "Section", "EndSection"))}

        full = self.ok(config("--checkout"))
        sections = re.findall(r"^Section (\S+)$", full, re.M)
        self.assertEqual(sections, [f"{i + 1}_{n.replace(' ', '_')}" for i, n in enumerate(READABLE)])
        cpu = section("1_CPU1_Temp")
        self.assertEqual(cpu["Upper_Non_Critical_Threshold"], "85.000000")
        self.assertEqual(cpu["Upper_Critical_Threshold"], "95.000000")
        self.assertEqual(cpu["Upper_Non_Recoverable_Threshold"], "100.000000")
        self.assertEqual(cpu["Positive_Going_Threshold_Hysteresis"], "2.000000")
        self.assertEqual(cpu["Enable_All_Event_Messages"], "Yes")
        self.assertEqual(cpu["Enable_Assertion_Event_Upper_Critical_Going_High"], "Yes")
        self.assertNotIn("Lower_Critical_Threshold", cpu)
        volt = section("24_12V")
        self.assertEqual(volt["Lower_Critical_Threshold"], "10.800000")

        self.ok(config("--commit", "-e", "1_CPU1_Temp:Upper_Non_Critical_Threshold=82",
                       "-e", "1_CPU1_Temp:Positive_Going_Threshold_Hysteresis=4",
                       "-e", "24_12V:Upper_Non_Critical_Threshold=12.90"))
        cpu = section("1_CPU1_Temp")
        self.assertEqual(cpu["Upper_Non_Critical_Threshold"], "82.000000")
        self.assertEqual(cpu["Positive_Going_Threshold_Hysteresis"], "4.000000")
        self.assertEqual(section("24_12V")["Upper_Non_Critical_Threshold"], "12.900000")
        got = fields(self.ipmi(b, "sensor", "get", "CPU1 Temp"))
        self.assertEqual(got["Upper Non-Critical"], "82.000")
        self.assertEqual(got["Positive Hysteresis"], "4.000")
        self.assertEqual(fields(self.ipmi(b, "sensor", "get", "12V"))["Upper Non-Critical"], "12.900")

        # Out of order: refused, and the value stays.
        r = config("--commit", "-e", "1_CPU1_Temp:Upper_Non_Critical_Threshold=120")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Failed to commit", r.stderr)
        self.assertEqual(section("1_CPU1_Temp")["Upper_Non_Critical_Threshold"], "82.000000")

        # A full checkout committed back unchanged is accepted.
        path = os.path.join(b.tmpdir, "sensors.conf")
        with open(path, "w") as f:
            f.write(self.ok(config("--checkout")))
        self.ok(config("--commit", "--filename", path))
        self.assertEqual(section("1_CPU1_Temp")["Upper_Non_Critical_Threshold"], "82.000000")


PYGHMI_SCRIPT = r"""
import json, os, sys
from pyghmi.ipmi import command
c = command.Command(bmc=sys.argv[1], port=int(sys.argv[2]), userid="admin", password=os.environ["BMCD_PW"])
out = {"data": [], "reading": None}
for s in c.get_sensor_data():
    out["data"].append({"name": s.name, "value": s.value, "units": s.units, "type": s.type,
                        "states": s.states, "health": s.health, "unavailable": s.unavailable})
r = c.get_sensor_reading("CPU1 Temp")
out["reading"] = {"name": r.name, "value": r.value, "units": r.units}
c.ipmi_session.logout()
print(json.dumps(out))
"""


class PyghmiSensors(SensorCase):
    def pyghmi(self, b):
        env = dict(os.environ, BMCD_PW=b.admin_password)
        r = run(["/usr/bin/python3", "-c", PYGHMI_SCRIPT, b.host, b.port], timeout=120, env=env)
        return json.loads(self.ok(r))

    def test_get_sensor_data_and_reading(self):
        b = self.start_bmcd()
        self.ctl(b, "sensor", "set", "CPU2 Temp", "77")
        got = self.pyghmi(b)
        data = {s["name"]: s for s in got["data"]}
        self.assertEqual([s["name"] for s in got["data"]], READABLE)
        units = {**{n: "°C" for n in TEMPS}, **{n: "RPM" for n in FANS}, **{n: "V" for n in VOLTS},
                 **{n: "W" for n in POWER}}
        for name in THRESHOLD:
            s = data[name]
            self.assertEqual(s["units"], units[name], name)
            self.assertFalse(s["unavailable"], name)
            lo, hi = RANGES[name]
            self.assertTrue(lo <= s["value"] <= hi, f"{name}: {s['value']}")
        self.assertEqual(data["CPU2 Temp"]["value"], 77.0)
        self.assertEqual(data["CPU1 Temp"]["type"], "Temperature")
        self.assertEqual(data["FAN1"]["type"], "Fan")
        self.assertEqual(data["12V"]["type"], "Voltage")
        for name in DISCRETE:
            self.assertIsNone(data[name]["value"], name)
        self.assertEqual(data["PSU1 Status"]["states"], ["Present"])
        self.assertEqual(data["CPU1 Memory"]["states"], ["Present"])
        self.assertEqual(data["PS Redundancy"]["states"], ["Redundant"])
        self.assertEqual(data["ACPI State"]["states"], ["Online"])
        self.assertEqual(data["Intrusion"]["states"], [])

        reading = got["reading"]
        self.assertEqual(reading["name"], "CPU1 Temp")
        self.assertEqual(reading["units"], "°C")
        self.assertTrue(10 <= reading["value"] <= 90, reading)


class SensorEvents(SensorCase):
    def elist(self, b) -> list:
        return rows(self.ipmi(b, "sel", "elist"), 6)

    def sensor_events(self, b, sensor: str) -> list:
        """`sel elist` rows of one sensor: [event, direction, (reading text)]."""
        return [r[4:] for r in self.elist(b) if r[3] == sensor]

    def wait_events(self, b, sensor, count):
        got = wait_for(lambda: len(self.sensor_events(b, sensor)) >= count and self.sensor_events(b, sensor),
                       timeout=10)
        self.assertTrue(got, f"fewer than {count} events for {sensor}: {self.ipmi(b, 'sel', 'elist')}")
        return got

    def test_threshold_events(self):
        b = self.start_bmcd()
        self.assertEqual(self.sensor_events(b, "Temperature CPU1 Temp"), [])
        self.assertIn("CPU1 Temp set to 95 degrees C", self.ctl(b, "sensor", "set", "CPU1 Temp", "95"))
        got = self.wait_events(b, "Temperature CPU1 Temp", 2)
        self.assertEqual(got, [
            ["Upper Non-critical going high", "Asserted", "Reading 95 > Threshold 85 degrees C"],
            ["Upper Critical going high", "Asserted", "Reading 95 > Threshold 95 degrees C"],
        ])
        # The processor throttles at its critical temperature (CPU1 Status is polled
        # within about a second).
        self.assertEqual(self.wait_events(b, "Processor CPU1 Status", 2)[1:], [["Throttled", "Asserted"]])

        self.ctl(b, "sensor", "auto", "CPU1 Temp")
        got = self.wait_events(b, "Temperature CPU1 Temp", 4)
        self.assertEqual([r[:2] for r in got[2:]], [["Upper Non-critical going high", "Deasserted"],
                                                    ["Upper Critical going high", "Deasserted"]])
        self.assertRegex(got[2][2], r"^Reading \d+ < Threshold 85 degrees C$")

        # The same events through bmcctl and FreeIPMI.
        lines = [l for l in self.ctl(b, "sel", "list").splitlines() if '"CPU1 Temp"' in l]
        self.assertEqual(len(lines), 4, lines)
        self.assertRegex(lines[0], r'^0x[0-9a-f]{4} \S+ sensor 0x01 "CPU1 Temp" type 0x01 \(Temperature\) '
                                   r'assert event type 0x01 data 57 5f 55$')
        self.assertTrue(lines[1].endswith("assert event type 0x01 data 59 5f 5f"), lines[1])
        self.assertIn("deassert event type 0x01 data 57", lines[2])
        cache = cache_dir(b)
        sel = [r for r in rows(self.ok(freeipmi(b, "ipmi-sel", f"--sdr-cache-directory={cache}", timeout=90)), 6)
               if r[3] == "CPU1 Temp"]
        self.assertEqual(len(sel), 4, sel)
        self.assertEqual(sel[0][4:], ["Temperature", "Upper Non-critical - going high ; Sensor Reading = 95.00 C ; "
                                                     "Threshold = 85.00 C"])
        self.assertEqual(sel[1][5], "Upper Critical - going high ; Sensor Reading = 95.00 C ; Threshold = 95.00 C")

    def test_event_enables_from_freeipmi(self):
        b = self.start_bmcd()
        cache = cache_dir(b)
        self.ok(freeipmi(b, "ipmi-sensors-config", f"--sdr-cache-directory={cache}", "--commit",
                         "-e", "1_CPU1_Temp:Enable_Assertion_Event_Upper_Critical_Going_High=No", timeout=120))
        self.assertEqual(fields(self.ipmi(b, "sensor", "get", "CPU1 Temp"))["Assertions Enabled"], "unc+ unr+")
        self.ctl(b, "sensor", "set", "CPU1 Temp", "101")
        got = self.wait_events(b, "Temperature CPU1 Temp", 2)
        time.sleep(1.5)
        got = self.sensor_events(b, "Temperature CPU1 Temp")
        self.assertEqual([r[:2] for r in got], [["Upper Non-critical going high", "Asserted"],
                                                ["Upper Non-recoverable going high", "Asserted"]])

    def test_discrete_events(self):
        b = self.start_bmcd()
        self.assertEqual(self.sensor_events(b, "Physical Security Intrusion"), [])
        self.ctl(b, "sensor", "assert", "Intrusion", "0")
        self.assertEqual(self.wait_events(b, "Physical Security Intrusion", 1),
                         [["General Chassis intrusion", "Asserted"]])
        cache = cache_dir(b)
        sel = [r for r in rows(self.ok(freeipmi(b, "ipmi-sel", f"--sdr-cache-directory={cache}", timeout=90)), 6)
               if r[3] == "Intrusion"]
        self.assertEqual([r[4:] for r in sel], [["Physical Security", "General Chassis Intrusion"]])
        lines = [l for l in self.ctl(b, "sel", "list").splitlines() if '"Intrusion"' in l]
        self.assertEqual(len(lines), 1, lines)
        self.assertTrue(lines[0].endswith('sensor 0x58 "Intrusion" type 0x05 (Physical Security) '
                                          'assert event type 0x6f data 00 ff ff'), lines[0])
        rid = int(lines[0].split()[0], 16)
        got = fields(self.ipmi(b, "sel", "get", hex(rid)))
        self.assertEqual(got["Generator ID"], "0020")
        self.assertEqual(got["Sensor Number"], "58")
        self.assertEqual(got["Event Type"], "Sensor-specific Discrete")
        self.assertEqual(got["Event Direction"], "Assertion Event")
        self.assertEqual(got["Event Data (RAW)"], "00ffff")
        self.assertEqual(got["Description"], "General Chassis intrusion")

        self.ctl(b, "sensor", "deassert", "Intrusion", "0")
        self.assertEqual(self.wait_events(b, "Physical Security Intrusion", 2)[1],
                         ["General Chassis intrusion", "Deasserted"])

    def test_bmcctl_sel_add_list_clear(self):
        b = self.start_bmcd(extra_config="[bmc]\nevent_receiver = off\n")
        self.assertEqual(fields(self.ipmi(b, "sel", "info"))["Entries"], "0")
        self.assertIn("added record 0x0001", self.ctl(b, "sel", "add", "0x05", "0x58", "0x6f", "0x00"))
        self.assertIn("added record 0x0002", self.ctl(b, "sel", "add", "0000e0112233445566778899aabbccdd"))
        self.assertIn("added record 0x0003", self.ctl(b, "sel", "add", "0x01", "0x01", "0x01", "0x59", "97", "95"))
        el = {int(r[0], 16): r[1:] for r in rows(self.ipmi(b, "sel", "elist"), 3)}
        self.assertEqual(sorted(el), [1, 2, 3])
        self.assertEqual(el[1][2:], ["Physical Security Intrusion", "General Chassis intrusion", "Asserted"])
        self.assertEqual(el[2], ["OEM record e0", "112233445566778899aabbccdd"])
        self.assertEqual(el[3][2:], ["Temperature CPU1 Temp", "Upper Critical going high", "Asserted",
                                     "Reading 97 > Threshold 95 degrees C"])
        got = fields(self.ipmi(b, "sel", "get", "1"))
        self.assertEqual(got["Generator ID"], "0020")
        self.assertEqual(got["EvM Revision"], "04")
        lines = self.ctl(b, "sel", "list").splitlines()
        self.assertEqual(len(lines), 3, lines)
        self.assertTrue(lines[1].startswith("0x0002 - oem 0xe0 0200e0112233445566778899aabbccdd"), lines[1])
        r = bmcctl(b, "sel", "add", "0000030000000020000401010157ffff")  # record type 03h: reserved
        self.assertEqual(r.returncode, 1, r)

        self.ctl(b, "sel", "clear")
        self.assertEqual(fields(self.ipmi(b, "sel", "info"))["Entries"], "0")
        self.assertEqual(self.ctl(b, "sel", "list").strip(), "")
        self.ctl(b, "sel", "add", "0x05", "0x58", "0x6f", "0x00")
        self.assertIn("Clearing SEL", self.ipmi(b, "sel", "clear"))
        self.assertEqual(self.ctl(b, "sel", "list").strip(), "")

    def test_event_receiver_off(self):
        b = self.start_bmcd(extra_config="[bmc]\nevent_receiver = off\n")
        # Get Event Receiver (§29.2): FFh = event message generation disabled.
        self.assertEqual(self.ipmi(b, "raw", "0x04", "0x01").split()[0], "ff")
        self.assertEqual(fields(self.ipmi(b, "sel", "info"))["Entries"], "0")  # no start-up states either
        self.ctl(b, "sensor", "set", "CPU1 Temp", "97")
        self.ctl(b, "sensor", "assert", "Intrusion", "0")
        self.ipmi(b, "chassis", "power", "off")
        time.sleep(2)
        self.assertEqual(fields(self.ipmi(b, "sel", "info"))["Entries"], "0")
        # The sensors still track their state.
        self.assertEqual(fields(self.ipmi(b, "sensor", "get", "CPU1 Temp"))["Status"], "Upper Critical")

        # Set Event Receiver to the BMC itself: changes from now on are logged.
        self.ipmi(b, "raw", "0x04", "0x00", "0x20", "0x00")
        self.assertEqual(self.ipmi(b, "raw", "0x04", "0x01").split(), ["20", "00"])
        self.ctl(b, "sensor", "set", "CPU1 Temp", "101")
        got = self.wait_events(b, "Temperature CPU1 Temp", 1)
        self.assertEqual(got, [["Upper Non-recoverable going high", "Asserted", "Reading 101 > Threshold 100 degrees C"]])


if __name__ == "__main__":
    unittest.main()
