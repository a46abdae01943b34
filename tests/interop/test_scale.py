"""A chassis with more than 1,000 sensors on several LUNs and two controllers (IPMI 2.0
§33, §35, §6.12, §22.7): the simulated server with 518 DIMM temperature sensors (LUNs 0,
1 and 3 of the BMC) and a storage backplane controller at IPMB 2Ch with 240 drives (a
temperature and a slot sensor each, 481 sensors on its LUNs 0, 1 and 3). The BMC's SDR
repository describes all 1,044; the backplane's are read by bridging through the BMC
(Send Message with tracking), which is what ipmitool does by itself and FreeIPMI does
with --bridge-sensors (its documented switch for sensors behind other controllers, and
for BMC LUNs other than 0).
"""

import os
import re
import unittest

from bmcd_fixture import BmcdTestCase, bmcctl, fields, freeipmi, ipmitool, wait_for

BIG = "[sim]\ndimm_sensors = 518\nbackplane_drives = 240\n[bmc]\nevent_receiver = off\n"
SMALL = "[sim]\nbackplane_drives = 4\n"

DIMMS = [f"DIMM {'ABCDEFGH'[k % 8]}{k // 8 + 1} Temp" for k in range(518)]
DRIVES = [f"Drive{k} {kind}" for k in range(240) for kind in ("Temp", "Slot")]
BUILT_IN_READABLE = 52  # the 53 of the default server, less the event-only Session Audit


def rows(text: str) -> list:
    return [[c.strip() for c in line.split("|")] for line in text.splitlines() if line.count("|") >= 2]


class Scale(BmcdTestCase):
    def ok(self, proc):
        self.assertEqual(proc.returncode, 0, proc.stderr + proc.stdout)
        return proc.stdout

    def test_ipmitool_reads_every_sensor(self):
        b = self.start_bmcd(extra_config=BIG)
        got = {r[0]: r[1:] for r in rows(self.ok(ipmitool(b, "sdr", "list", timeout=600)))}
        # ipmitool cuts names to 16 characters; ours are at most 13.
        self.assertEqual(len(got), BUILT_IN_READABLE - 8 + len(DIMMS) + 1 + len(DRIVES), len(got))
        self.assertGreater(len(got), 1000)
        for name in DIMMS + ["BP Temp"] + [d for d in DRIVES if d.endswith("Temp")]:
            self.assertIn(name, got)
            value, status = got[name]
            self.assertRegex(value, r"^\d+ degrees C$", name)
            self.assertEqual(status, "ok", name)
        for name in (d for d in DRIVES if d.endswith("Slot")):
            self.assertEqual(got[name], ["0x01", "ok"], name)  # drive presence
        # The MC locator of the backplane, next to the BMC's.
        mcs = self.ok(ipmitool(b, "sdr", "elist", "mcloc"))
        self.assertIn("MC at 2Ch", mcs)
        self.assertIn("bmcd", mcs)
        self.assertEqual(fields(self.ok(ipmitool(b, "sdr", "info")))["Record Count"], str(len(got) + 1 + 3))

    def test_freeipmi_reads_every_sensor(self):
        b = self.start_bmcd(extra_config=BIG)
        cache = os.path.join(b.tmpdir, "sdr-cache")
        os.mkdir(cache, 0o700)
        args = (f"--sdr-cache-directory={cache}", "--quiet-cache")
        plain = rows(self.ok(freeipmi(b, "ipmi-sensors", *args, timeout=600)))
        self.assertEqual(len(plain), 1043 + 1)  # and its header; event-only records are not listed
        bridged = {r[1]: r for r in rows(self.ok(freeipmi(b, "ipmi-sensors", "--bridge-sensors", *args,
                                                           timeout=600)))[1:]}
        self.assertEqual(len(bridged), 1043)
        for name in DIMMS + ["BP Temp"] + [d for d in DRIVES if d.endswith("Temp")]:
            self.assertRegex(bridged[name][3], r"^\d+\.\d\d$", name)
            self.assertEqual(bridged[name][5], "'OK'", name)
        for name in (d for d in DRIVES if d.endswith("Slot")):
            self.assertEqual(bridged[name][5], "'Drive Presence'", name)

    def test_bridged_thresholds_persist_and_events_reach_the_sel(self):
        b = self.start_bmcd(extra_config=SMALL)
        # Set Sensor Thresholds travels to the backplane; it keeps it in its own store.
        self.ok(ipmitool(b, "sensor", "thresh", "Drive1 Temp", "ucr", "58"))
        self.assertEqual(fields(self.ok(ipmitool(b, "sensor", "get", "Drive1 Temp")))["Upper Critical"],
                         "58.000")
        b.kill()
        b.start()
        self.assertEqual(fields(self.ok(ipmitool(b, "sensor", "get", "Drive1 Temp")))["Upper Critical"],
                         "58.000")
        # An event of the backplane's sensor reaches the BMC's SEL over IPMB: generator
        # 2Ch, sensor 03h (Drive1 Temp).
        self.ok(bmcctl(b, "sensor", "set", "Drive1 Temp", "59"))

        def crit():
            for r in rows(self.ok(ipmitool(b, "sel", "list"))):
                if r[3] == "Temperature #0x03" and r[4] == "Upper Critical going high":
                    return r
            return None

        row = wait_for(crit, timeout=10)
        self.assertTrue(row, self.ok(ipmitool(b, "sel", "list")))
        rec = fields(self.ok(ipmitool(b, "sel", "get", "0x" + row[0].strip())))
        self.assertEqual(rec["Generator ID"], "002c")
        self.assertEqual(rec["Trigger Reading"], "59.000degrees C")  # sic, ipmitool 1.8.19

    def test_user_cannot_bridge_a_set_command(self):
        b = self.start_bmcd(extra_config=SMALL)
        self.ok(ipmitool(b, "user", "set", "name", "3", "viewer"))
        self.ok(ipmitool(b, "user", "set", "password", "3", "viewer-pass-1"))
        self.ok(ipmitool(b, "channel", "setaccess", "1", "3", "privilege=2", "ipmi=on"))
        self.ok(ipmitool(b, "user", "enable", "3"))
        # USER may read the backplane's sensor through the bridge ...
        got = fields(self.ok(ipmitool(b, "sensor", "get", "Drive0 Temp", user="viewer",
                                      password="viewer-pass-1", extra=("-L", "USER"))))
        self.assertRegex(got["Sensor Reading"], r"^\d+ \(\+/- 0\) degrees C$")
        # ... but not change it: Set Sensor Thresholds needs OPERATOR on both sides.
        proc = ipmitool(b, "sensor", "thresh", "Drive0 Temp", "ucr", "50", user="viewer",
                        password="viewer-pass-1", extra=("-L", "USER"))
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(fields(self.ok(ipmitool(b, "sensor", "get", "Drive0 Temp")))["Upper Critical"],
                         "60.000")


if __name__ == "__main__":
    unittest.main()
