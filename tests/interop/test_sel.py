"""The System Event Log (IPMI 2.0 §31) with real clients: ipmitool 1.8.19 (lanplus, suite 17)
and FreeIPMI ipmi-sel (LAN_2_0, suite 17) against a bmcd on 127.0.0.1; and a crash test:
bmcd is SIGKILLed at random moments while a client adds entries, and every entry it
acknowledged must be there, intact, after the restart.

Times are UTC (TZ=UTC for the clients), so ipmitool's time strings are predictable.
ipmi-sel runs with --ignore-sdr-cache: it reads the SEL without the SDR repository.
"""

import os
import random
import re
import subprocess
import sys
import threading
import time
import unittest

from bmcd_fixture import BmcdTestCase, fields, freeipmi, ipmitool

os.environ["TZ"] = "UTC"

# ipmitool "sel add FILE": one event a line, 7 bytes: EvM rev, sensor type, sensor number,
# dir|type, event data 1-3 (ipmitool makes generator id 0041h, record type 02h).
EVENTS = (
    "0x04 0x01 0x30 0x01 0x57 0x5a 0x50  # temperature: upper non-critical going high\n"
    "0x04 0x05 0x01 0x6f 0x00 0xff 0xff  # physical security: chassis intrusion\n"
    "0x04 0x07 0x02 0x6f 0x01 0xff 0xff  # processor: thermal trip\n"
)
TEXTS = (
    ("Temperature #0x30", "Upper Non-critical going high", "Asserted"),
    ("Physical Security #0x01", "General Chassis intrusion", "Asserted"),
    ("Processor #0x02", "Thermal Trip", "Asserted"),
)
ROW_RE = re.compile(r"^\s*([0-9a-f]+) \| (.*)$")


def sel_rows(text: str) -> dict:
    """`ipmitool sel list` / `elist`: {record id: [date, time, sensor, event, direction]}."""
    rows = {}
    for line in text.splitlines():
        m = ROW_RE.match(line)
        if m:
            rows[int(m.group(1), 16)] = [c.strip() for c in m.group(2).split("|")]
    return rows


def freeipmi_rows(text: str) -> dict:
    """`ipmi-sel` output: {record id: [date, time, name, type, event]}."""
    rows = {}
    for line in text.splitlines()[1:]:
        cols = [c.strip() for c in line.split("|")]
        if len(cols) >= 6 and cols[0].isdigit():
            rows[int(cols[0])] = cols[1:]
    return rows


class SelTestCase(BmcdTestCase):
    # The simulated server's sensors log their start-up states (presence detected ...)
    # to the SEL; these tests want a SEL that holds only what they add.
    def start_bmcd(self, **kwargs):
        kwargs["extra_config"] = "[bmc]\nevent_receiver = off\n" + kwargs.get("extra_config", "")
        return super().start_bmcd(**kwargs)

    def ok(self, r):
        self.assertEqual(r.returncode, 0, f"{r.args}\nstdout: {r.stdout}\nstderr: {r.stderr}")
        return r.stdout

    def add_events(self, b):
        path = os.path.join(b.tmpdir, "events.txt")
        with open(path, "w") as f:
            f.write(EVENTS)
        return self.ok(ipmitool(b, "sel", "add", path))

    def ipmi_sel(self, b, *args):
        return self.ok(freeipmi(b, "ipmi-sel", "--ignore-sdr-cache", *args))


class IpmitoolSel(SelTestCase):
    def test_info_add_list_get_delete_clear(self):
        b = self.start_bmcd()
        info = fields(self.ok(ipmitool(b, "sel", "info")))
        self.assertEqual(info["Version"], "1.5 (v1.5, v2 compliant)")
        self.assertEqual(info["Entries"], "0")
        self.assertEqual(info["Free Space"], "65535 bytes or more")
        self.assertEqual(info["Last Add Time"], "Not Available")
        self.assertEqual(info["Last Del Time"], "Not Available")
        self.assertEqual(info["Overflow"], "false")
        self.assertEqual(info["# of Alloc Units"], "4096")
        self.assertEqual(info["Alloc Unit Size"], "16")
        self.assertIn("'Delete'", info["Supported Cmds"])
        self.assertIn("'Reserve'", info["Supported Cmds"])

        self.add_events(b)
        for cmd in ("list", "elist"):
            rows = sel_rows(self.ok(ipmitool(b, "sel", cmd)))
            self.assertEqual(sorted(rows), [1, 2, 3], cmd)
            for rid, (sensor, event, direction) in zip((1, 2, 3), TEXTS):
                self.assertEqual(rows[rid][2:], [sensor, event, direction], cmd)
                self.assertTrue(rows[rid][1].endswith("UTC"), rows[rid])

        got = fields(self.ok(ipmitool(b, "sel", "get", "2")))
        self.assertEqual(got["SEL Record ID"], "0002")
        self.assertEqual(got["Record Type"], "02")
        self.assertEqual(got["Generator ID"], "0041")
        self.assertEqual(got["EvM Revision"], "04")
        self.assertEqual(got["Sensor Type"], "Physical Security")
        self.assertEqual(got["Sensor Number"], "01")
        self.assertEqual(got["Event Direction"], "Assertion Event")
        self.assertEqual(got["Event Data"], "00ffff")
        self.assertEqual(got["Description"], "General Chassis intrusion")

        self.assertIn("Deleted entry 2", self.ok(ipmitool(b, "sel", "delete", "2")))
        self.assertEqual(sorted(sel_rows(self.ok(ipmitool(b, "sel", "list")))), [1, 3])
        r = ipmitool(b, "sel", "delete", "2")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Unable to delete entry 2", r.stderr)
        info = fields(self.ok(ipmitool(b, "sel", "info")))
        self.assertEqual(info["Entries"], "2")
        self.assertEqual(info["Free Space"], str(4094 * 16) + " bytes")
        self.assertNotEqual(info["Last Del Time"], "Not Available")

        self.assertIn("Clearing SEL", self.ok(ipmitool(b, "sel", "clear")))
        info = fields(self.ok(ipmitool(b, "sel", "info")))
        self.assertEqual(info["Entries"], "0")
        r = ipmitool(b, "sel", "list")
        self.assertEqual(sel_rows(self.ok(r)), {})
        self.assertIn("SEL has no entries", r.stderr)
        # Record ids continue after a clear.
        self.add_events(b)
        self.assertEqual(sorted(sel_rows(self.ok(ipmitool(b, "sel", "list")))), [4, 5, 6])

    def test_time_get_set(self):
        b = self.start_bmcd()
        now = time.time()
        got = self.ok(ipmitool(b, "sel", "time", "get")).strip()
        t = time.mktime(time.strptime(got, "%m/%d/%y %H:%M:%S UTC"))
        self.assertLess(abs(t - now), 30, got)
        # ipmitool parses the locale's "%x %X": MM/DD/YY HH:MM:SS in the C locale.
        self.assertIn("01/02/24 10:20:30 UTC", self.ok(ipmitool(b, "sel", "time", "set", "01/02/24 10:20:30")))
        got = self.ok(ipmitool(b, "sel", "time", "get")).strip()
        self.assertRegex(got, r"^01/02/24 10:20:(3\d|4\d) UTC$")
        self.add_events(b)
        rows = sel_rows(self.ok(ipmitool(b, "sel", "list")))
        self.assertEqual(rows[1][0], "01/02/24")
        self.assertRegex(rows[1][1], r"^10:20:\d\d UTC$")

    def test_add_needs_operator(self):
        b = self.start_bmcd()
        r = ipmitool(b, "-L", "USER", "raw", "0x0a", "0x44", "0", "0", "2", *["0"] * 13)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("rsp=0xd4", r.stderr)
        # USER may read.
        self.assertEqual(fields(self.ok(ipmitool(b, "-L", "USER", "sel", "info")))["Entries"], "0")

    def test_survives_restart(self):
        b = self.start_bmcd()
        self.add_events(b)
        self.ok(ipmitool(b, "sel", "delete", "3"))
        before = self.ok(ipmitool(b, "sel", "list"))
        b.restart()
        self.assertEqual(self.ok(ipmitool(b, "sel", "list")), before)
        # The deleted newest id 3 is not handed out again.
        self.add_events(b)
        self.assertEqual(sorted(sel_rows(self.ok(ipmitool(b, "sel", "list")))), [1, 2, 4, 5, 6])


class FreeipmiSel(SelTestCase):
    def test_list_delete_clear(self):
        b = self.start_bmcd()
        self.add_events(b)
        rows = freeipmi_rows(self.ipmi_sel(b))
        self.assertEqual(sorted(rows), [1, 2, 3])
        self.assertEqual(rows[1][2:4], ["Sensor #48", "Temperature"])
        self.assertTrue(rows[1][4].startswith("Upper Non-critical - going high"), rows[1])
        self.assertEqual(rows[2][2:], ["Sensor #1", "Physical Security", "General Chassis Intrusion"])
        self.assertEqual(rows[3][2:], ["Sensor #2", "Processor", "Thermal Trip"])

        self.ipmi_sel(b, "--delete=2")
        self.assertEqual(sorted(freeipmi_rows(self.ipmi_sel(b))), [1, 3])
        info = fields(self.ipmi_sel(b, "--info"))
        self.assertEqual(info["Number of log entries"], "2")
        self.assertEqual(info["Delete SEL Command"], "supported")
        self.assertEqual(info["Events dropped due to lack of space"], "No")
        self.assertEqual(info["Number of free allocation units"], "4094")

        self.ipmi_sel(b, "--clear")
        self.assertEqual(freeipmi_rows(self.ipmi_sel(b)), {})
        self.assertEqual(fields(self.ipmi_sel(b, "--info"))["Number of log entries"], "0")


class CrashDurability(SelTestCase):
    """ipmitool `exec` adds entries through one session per client (raw Add SEL Entry,
    each request marked with its round, client and sequence number) while bmcd is
    SIGKILLed at a random moment. An entry is acknowledged when ipmitool printed its
    record id (completion code 0). After each restart the whole SEL is read raw (`sel
    writeraw`) and checked. With several clients, requests arrive together and bmcd
    commits them as a group (one fdatasync per batch, DESIGN.md §6): the kill then
    lands among several writes in flight, none of which may be lost once answered.
    A SIGKILL leaves the kernel's page cache intact, so this proves that no reply
    leaves before its record is written and that the batch bookkeeping loses nothing;
    that the fdatasync comes before the replies is proven with a counting sync hook in
    tests/unit/test_store_group.c (only a power cut would lose unsynced pages)."""

    ROUNDS = 10
    PER_ROUND = 300

    def add_until_killed(self, b, rnd, kill_after, jitter, clients=1):
        """Adds entries from `clients` concurrent sessions until kill_after of them were
        acknowledged in all, then (jitter seconds later: mid-request, mid-fsync, between
        requests) SIGKILLs bmcd. Returns, per client, the record ids it was given."""
        procs, lines, readers = [], [], []
        for c in range(clients):
            cmds = os.path.join(b.tmpdir, f"adds-{rnd}-{c}.txt")
            with open(cmds, "w") as f:
                for k in range(self.PER_ROUND):
                    f.write(f"raw 0x0a 0x44 0 0 0x02 0 0 0 0 0x41 0 0x04 0x01 {rnd} 0x01 {c} {k & 0xFF} {k >> 8}\n")
            cmd = ["stdbuf", "-oL", "ipmitool", "-I", "lanplus", "-H", b.host, "-p", str(b.port), "-U", "admin",
                   "-P", b.admin_password, "-C", "17", "exec", cmds]
            client = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            out = []
            reader = threading.Thread(target=lambda p=client, o=out: o.extend(p.stdout), daemon=True)
            reader.start()
            procs.append(client)
            lines.append(out)
            readers.append(reader)
        deadline = time.monotonic() + 20
        while (sum(len(out) for out in lines) < kill_after and any(p.poll() is None for p in procs)
               and time.monotonic() < deadline):
            time.sleep(0.001)
        time.sleep(jitter)
        b.kill()
        acked = []
        for client, reader, out in zip(procs, readers, lines):
            client.kill()
            client.wait()
            reader.join(5)
            client.stdout.close()
            ids = []
            for line in out:
                m = re.fullmatch(r"\s*([0-9a-f]{2}) ([0-9a-f]{2})\s*", line)
                if m:
                    ids.append(int(m.group(1), 16) | int(m.group(2), 16) << 8)
            acked.append(ids)  # acked[c][k] = record id of client c's k-th request
        return acked

    def read_sel(self, b):
        path = os.path.join(b.tmpdir, "sel.raw")
        if os.path.exists(path):
            os.unlink(path)
        r = ipmitool(b, "sel", "writeraw", path)
        if "SEL has no entries" in r.stdout + r.stderr:
            return {}
        self.ok(r)
        with open(path, "rb") as f:
            data = f.read()
        self.assertEqual(len(data) % 16, 0)
        recs = {}
        for i in range(0, len(data), 16):
            rec = data[i:i + 16]
            rid = rec[0] | rec[1] << 8
            self.assertNotIn(rid, recs, "duplicate record id")
            recs[rid] = rec
        return recs

    def check_record(self, rec, rnd, c, k, t0):
        ts = int.from_bytes(rec[3:7], "little")
        self.assertLessEqual(abs(ts - t0), 120, rec.hex())
        self.assertEqual(rec[2], 0x02, rec.hex())
        self.assertEqual(rec[7:16], bytes([0x41, 0, 0x04, 0x01, rnd, 0x01, c, k & 0xFF, k >> 8]), rec.hex())

    def kill_rounds(self, rounds, clients, kill_after):
        seed = int(os.environ.get("SEL_CRASH_SEED", random.randrange(1 << 30)))
        rng = random.Random(seed)
        b = self.start_bmcd()
        t0 = int(time.time())
        expected = {}  # record id -> (round, client, k), every acknowledged entry so far
        total_acked = 0
        for rnd in range(rounds):
            acked = self.add_until_killed(b, rnd, rng.randrange(*kill_after), rng.uniform(0, 0.01), clients)
            for c, ids in enumerate(acked):
                total_acked += len(ids)
                for k, rid in enumerate(ids):
                    self.assertNotIn(rid, expected, f"seed {seed}: id {rid} acknowledged twice")
                    expected[rid] = (rnd, c, k)
            b.start()
            recs = self.read_sel(b)
            for rid, (r, c, k) in expected.items():
                self.assertIn(rid, recs, f"seed {seed}: acknowledged record {rid} (round {r}, client {c}, #{k}) lost")
                self.check_record(recs[rid], r, c, k, t0)
            # Beyond the acknowledged ones, only the request each client had in flight
            # at the kill (its next one) may have made it.
            extra = {rid: rec for rid, rec in recs.items() if rid not in expected}
            self.assertLessEqual(len(extra), clients, f"seed {seed}: {sorted(extra)}")
            for rid, rec in extra.items():
                c = rec[13]
                self.assertLess(c, clients, f"seed {seed}: {rec.hex()}")
                self.check_record(rec, rnd, c, len(acked[c]), t0)
                expected[rid] = (rnd, c, len(acked[c]))
        print(f"\n  crash test: seed {seed}, {total_acked} acknowledged adds from {clients} client(s) "
              f"over {rounds} kills", file=sys.stderr)
        # The test only means something if entries were acknowledged across the rounds.
        self.assertGreater(total_acked, rounds, f"seed {seed}")

    def test_sigkill_while_adding(self):
        self.kill_rounds(self.ROUNDS, 1, (1, 250))

    def test_sigkill_with_many_in_flight(self):
        self.kill_rounds(6, 6, (30, 600))


if __name__ == "__main__":
    unittest.main()
