"""The Prometheus IPMI exporter (Debian's prometheus-ipmi-exporter 1.6.1, which runs
FreeIPMI's bmc-info, ipmimonitoring, ipmi-chassis and ipmi-sel) scraping a bmcd in
remote mode: GET /ipmi?target=127.0.0.1:PORT&module=bmcd.

The exporter writes user, password, driver and privilege into a FreeIPMI
configuration file; the cipher suite has no key of its own, so each collector gets
`--cipher-suite-id=17` through `custom_args` (they come before the collector's own
arguments). FreeIPMI takes the target's UDP port from "host:port" in `-h`.
"""

import os
import re
import signal
import subprocess
import unittest
import urllib.error
import urllib.request

from bmcd_fixture import BmcdTestCase, bmcctl, free_tcp_port, ipmitool, wait_for

EXPORTER = "/usr/bin/prometheus-ipmi-exporter"
COLLECTORS = ["bmc", "ipmi", "chassis", "sel"]

TEMPS = ["CPU1 Temp", "CPU2 Temp"] + [f"DIMM {c}1 Temp" for c in "ABCDEFGH"] + \
        ["Inlet Temp", "Exhaust Temp", "PSU1 Temp", "PSU2 Temp", "PCH Temp", "CPU1 VR Temp", "CPU2 VR Temp"]
FANS = [f"FAN{i}" for i in range(1, 7)]
VOLTS = ["12V", "5V", "3.3V", "5VSB", "VBAT", "CPU1 Vcore", "CPU2 Vcore", "CPU1 VDDQ", "CPU2 VDDQ",
         "PSU1 Vin", "PSU2 Vin"]
POWER = ["PSU1 Power", "PSU2 Power", "Total Power"]
DISCRETE = ["PSU1 Status", "PSU2 Status", "PS Redundancy", "Power Unit", "CPU1 Status", "CPU2 Status",
            "CPU1 Memory", "CPU2 Memory", "Intrusion", "Watchdog", "System Event", "Button", "Event Log",
            "FW Progress", "ACPI State"]
HOST_POWERED = FANS + ["12V", "5V", "3.3V", "CPU1 Vcore", "CPU2 Vcore", "CPU1 VDDQ", "CPU2 VDDQ"]

SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL_RE = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text: str) -> list:
    """Prometheus text format → [(name, {label: value}, float)]."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE_RE.match(line)
        if not m:
            raise ValueError(f"unparsable metric line {line!r}")
        out.append((m.group(1), dict(LABEL_RE.findall(m.group(2) or "")), float(m.group(3))))
    return out


class Exporter:
    """prometheus-ipmi-exporter on 127.0.0.1:free port with a module for one bmcd."""

    def __init__(self, bmcd, tmpdir: str, module: str = "bmcd", cipher_args: bool = True):
        self.port = free_tcp_port()
        self.config_path = os.path.join(tmpdir, "ipmi_exporter.yml")
        self.log_path = os.path.join(tmpdir, "ipmi_exporter.log")
        self.home = os.path.join(tmpdir, "exporter-home")  # FreeIPMI's SDR cache goes to $HOME/.freeipmi
        os.makedirs(self.home, exist_ok=True)
        lines = ["modules:", f"  {module}:", "    user: \"admin\"",
                 f"    pass: \"{bmcd.admin_password}\"",  # [A-Za-z0-9]: no YAML quoting issues
                 "    driver: \"LAN_2_0\"", "    privilege: \"admin\"", "    timeout: 10000",
                 "    collectors:"] + [f"    - {c}" for c in COLLECTORS]
        if cipher_args:
            lines.append("    custom_args:")
            for c in COLLECTORS:
                lines += [f"      {c}:", "      - \"--cipher-suite-id=17\""]
        with open(self.config_path, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(self.config_path, 0o600)
        self.module = module
        self.target = f"{bmcd.host}:{bmcd.port}"
        env = dict(os.environ, HOME=self.home, TMPDIR=tmpdir)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [EXPORTER, f"--web.listen-address=127.0.0.1:{self.port}", f"--config.file={self.config_path}",
                 "--log.level=debug"], stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env)
        if not wait_for(self._ready, timeout=15, interval=0.1):
            raise RuntimeError(f"exporter not listening on 127.0.0.1:{self.port}:\n{self.log()}")

    def _ready(self) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"exporter exited with status {self.proc.returncode}:\n{self.log()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2) as r:
                return r.status == 200
        except (urllib.error.URLError, ConnectionError):
            return False

    def scrape(self, timeout: float = 90) -> list:
        url = f"http://127.0.0.1:{self.port}/ipmi?target={self.target}&module={self.module}"
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return parse_metrics(r.read().decode())

    def log(self) -> str:
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def by_name(metrics, name: str) -> dict:
    """{labels['name']: value} of one metric family."""
    return {labels.get("name"): value for n, labels, value in metrics if n == name}


def one(metrics, metric: str, **labels) -> float:
    found = [v for n, l, v in metrics if n == metric and all(l.get(k) == w for k, w in labels.items())]
    if len(found) != 1:
        raise AssertionError(f"{metric}{labels}: {len(found)} samples")
    return found[0]


@unittest.skipUnless(os.access(EXPORTER, os.X_OK), f"{EXPORTER} not installed (scripts/install-deps.sh)")
class PrometheusExporter(BmcdTestCase):
    def setUp(self):
        super().setUp()
        self.exporters = []

    def tearDown(self):
        for e in self.exporters:
            e.stop()
        super().tearDown()

    def exporter(self, b, **kwargs) -> Exporter:
        e = Exporter(b, b.tmpdir, **kwargs)
        self.exporters.append(e)
        return e

    def ok(self, r) -> str:
        self.assertEqual(r.returncode, 0, f"{r.args}\nstdout: {r.stdout}\nstderr: {r.stderr}")
        return r.stdout

    def test_scrape_every_sensor(self):
        b = self.start_bmcd()
        # Pinned readings are exact; the rest follow the simulated load.
        self.ok(bmcctl(b, "sensor", "set", "CPU1 Temp", "77"))
        self.ok(bmcctl(b, "sensor", "set", "FAN2", "4300"))
        self.ok(bmcctl(b, "sensor", "set", "12V", "12.24"))
        self.ok(bmcctl(b, "sensor", "set", "Total Power", "400"))
        self.ok(bmcctl(b, "sensor", "assert", "Intrusion", "0"))
        e = self.exporter(b)
        m = e.scrape()
        for c in COLLECTORS:
            self.assertEqual(one(m, "ipmi_up", collector=c), 1.0, f"collector {c}:\n{e.log()}")

        temps = by_name(m, "ipmi_temperature_celsius")
        self.assertEqual(set(temps), set(TEMPS))
        self.assertEqual(temps["CPU1 Temp"], 77.0)
        for name in TEMPS:
            self.assertTrue(10 <= temps[name] <= 90, f"{name}: {temps[name]}")
        fans = by_name(m, "ipmi_fan_speed_rpm")
        self.assertEqual(set(fans), set(FANS))
        self.assertEqual(fans["FAN2"], 4300.0)
        for name in FANS:
            self.assertTrue(1000 <= fans[name] <= 12000, f"{name}: {fans[name]}")
        volts = by_name(m, "ipmi_voltage_volts")
        self.assertEqual(set(volts), set(VOLTS))
        self.assertAlmostEqual(volts["12V"], 12.24, places=6)
        self.assertTrue(4.75 <= volts["5VSB"] <= 5.25, volts["5VSB"])
        self.assertTrue(200 <= volts["PSU1 Vin"] <= 260, volts["PSU1 Vin"])
        watts = by_name(m, "ipmi_power_watts")
        self.assertEqual(set(watts), set(POWER))
        self.assertEqual(watts["Total Power"], 400.0)
        self.assertTrue(40 <= watts["PSU1 Power"] <= 700, watts["PSU1 Power"])
        # States: 0 nominal, 1 warning, 2 critical (FreeIPMI's interpretation).
        self.assertEqual(set(by_name(m, "ipmi_temperature_state").values()), {0.0})
        states = by_name(m, "ipmi_sensor_state")
        self.assertEqual(set(states), set(DISCRETE))
        self.assertEqual(states["Intrusion"], 2.0)
        self.assertEqual(states["PSU1 Status"], 0.0)
        # The record id label is the SDR record id.
        self.assertEqual(one(m, "ipmi_temperature_celsius", name="CPU1 Temp", id="1"), 77.0)
        self.assertEqual(one(m, "ipmi_fan_speed_rpm", name="FAN1", id="18"), fans["FAN1"])

        info = [l for n, l, v in m if n == "ipmi_bmc_info" and v == 1.0]
        self.assertEqual(len(info), 1, info)
        self.assertEqual(info[0]["firmware_revision"], "0.10")
        self.assertEqual(one(m, "ipmi_chassis_power_state"), 1.0)

        sel_info = {}
        for line in self.ok(ipmitool(b, "sel", "info", timeout=60)).splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                sel_info[k.strip()] = v.strip()
        self.assertEqual(one(m, "ipmi_sel_logs_count"), float(sel_info["Entries"]))
        self.assertGreaterEqual(one(m, "ipmi_sel_logs_count"), 8)  # start-up states + the intrusion
        self.assertEqual(one(m, "ipmi_sel_free_space_bytes"), (4096 - int(sel_info["Entries"])) * 16)

        # The SEL count follows adds and a clear.
        self.ok(bmcctl(b, "sel", "clear"))
        self.ok(bmcctl(b, "sel", "add", "0x05", "0x58", "0x6f", "0x00"))
        m = e.scrape()
        self.assertEqual(one(m, "ipmi_sel_logs_count"), 1.0)
        self.assertEqual(one(m, "ipmi_sel_free_space_bytes"), 4095 * 16)

    def test_power_off(self):
        b = self.start_bmcd()
        e = self.exporter(b)
        self.ok(ipmitool(b, "chassis", "power", "off", timeout=60))

        def readings(m):
            return {**by_name(m, "ipmi_fan_speed_rpm"), **by_name(m, "ipmi_voltage_volts")}

        # Host-powered sensors lose their reading (ipmimonitoring leaves them out) once
        # bmcd has polled them (about a second); standby sensors still report.
        def off():
            m = e.scrape()
            got = readings(m)
            return m if one(m, "ipmi_chassis_power_state") == 0.0 and \
                not any(n in got and got[n] == got[n] for n in HOST_POWERED) else None

        m = wait_for(off, timeout=20, interval=0.5)
        self.assertTrue(m, f"after power off: {readings(e.scrape())}")
        for c in COLLECTORS:
            self.assertEqual(one(m, "ipmi_up", collector=c), 1.0, c)
        readings = readings(m)
        self.assertIn("5VSB", readings)
        self.assertIn("CPU1 Temp", by_name(m, "ipmi_temperature_celsius"))

        self.ok(ipmitool(b, "chassis", "power", "on", timeout=60))

        def fans_back():
            m = e.scrape()
            fans = by_name(m, "ipmi_fan_speed_rpm")
            return m if one(m, "ipmi_chassis_power_state") == 1.0 and set(fans) == set(FANS) and \
                all(v > 0 for v in fans.values()) else None

        self.assertTrue(wait_for(fans_back, timeout=20, interval=0.5), "fans do not read again after power on")

    def test_default_cipher_suite_is_refused(self):
        # Without custom_args FreeIPMI proposes suite 3, which bmcd does not enable by
        # default: every collector is down, and nothing else is reported.
        b = self.start_bmcd()
        e = self.exporter(b, cipher_args=False)
        m = e.scrape()
        for c in COLLECTORS:
            self.assertEqual(one(m, "ipmi_up", collector=c), 0.0, c)
        self.assertEqual(by_name(m, "ipmi_temperature_celsius"), {})
        self.assertIn("cipher suite id unavailable", e.log())


if __name__ == "__main__":
    unittest.main()
