"""FRU inventory (IPMI 2.0 §34, FRU spec v1.0) against ipmitool 1.8.19, FreeIPMI
1.6.10 ipmi-fru and pyghmi 1.5.34 on a real bmcd.

The simulated platform describes FRU device 0 from the [fru] section of the
configuration; the tests pin every field there (and the GUID), so the values are known
exactly."""

import json
import os
import unittest

from bmcd_fixture import BmcdTestCase, fields, freeipmi, ipmitool, run

PYTHON = "/usr/bin/python3"
GUID = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
CONFIG = ("[bmc]\nguid = %s\n[fru]\nchassis_type = 0x17\nchassis_part = BMCD-SIM-CH\n"
          "chassis_serial = CHA1B2C3D4E5F6\nboard_manufacturer = bmcd\nboard_product = bmcd simulated board\n"
          "board_serial = BDA1B2C3D4E5F6\nboard_part = BMCD-SIM-BD\nproduct_manufacturer = bmcd\n"
          "product_name = bmcd simulated server\nproduct_part = BMCD-SIM\nproduct_version = 1.0\n"
          "product_serial = SNA1B2C3D4E5F6\nboard_mfg_date = 2024-01-01\n" % GUID)
# The same, but serial numbers left to bmcd (derived from each BMC's GUID).
CONFIG_NO_SERIALS = "\n".join(line for line in CONFIG.split("\n") if "_serial" not in line and "guid" not in line)
HEX12 = "A1B2C3D4E5F6"
FRU_SIZE = 1024
TIMEOUT = 60

DEFAULT_FIELDS = {
    "Chassis Type": "Rack Mount Chassis",
    "Chassis Part Number": "BMCD-SIM-CH",
    "Chassis Serial": "CH" + HEX12,
    "Board Mfg": "bmcd",
    "Board Product": "bmcd simulated board",
    "Board Serial": "BD" + HEX12,
    "Board Part Number": "BMCD-SIM-BD",
    "Product Manufacturer": "bmcd",
    "Product Name": "bmcd simulated server",
    "Product Part Number": "BMCD-SIM",
    "Product Version": "1.0",
    "Product Serial": "SN" + HEX12,
}


# --- a FRU image codec of our own (FRU spec §8, §10-§13), to check what bmcd serves and
# to make the image a client writes.

def zero_sum(data: bytes) -> int:
    return (-sum(data)) & 0xFF


def parse_area(img: bytes, off: int, fixed: int, nfields: int):
    """An info area at off: (fixed bytes after version/length, [field texts]); checks
    version, length and checksum."""
    assert img[off] == 0x01, "area version"
    length = img[off + 1] * 8
    area = img[off:off + length]
    assert len(area) == length and sum(area) & 0xFF == 0, "area checksum"
    pos = off + 2 + fixed
    texts = []
    for _ in range(nfields):
        tl = img[pos]
        assert tl != 0xC1, "mandatory field missing"
        n = tl & 0x3F
        texts.append(img[pos + 1:pos + 1 + n].decode("latin-1"))
        pos += 1 + n
    while img[pos] != 0xC1:  # custom fields
        pos += 1 + (img[pos] & 0x3F)
        assert pos < off + length
    return img[off + 2:off + 2 + fixed], texts


def parse_image(img: bytes) -> dict:
    hdr = img[:8]
    assert hdr[0] == 0x01 and sum(hdr) & 0xFF == 0, "common header"
    out = {}
    if hdr[2]:
        fixed, out["chassis"] = parse_area(img, hdr[2] * 8, 1, 2)
        out["chassis_type"] = fixed[0]
    if hdr[3]:
        fixed, out["board"] = parse_area(img, hdr[3] * 8, 4, 5)
        out["board_lang"] = fixed[0]
    if hdr[4]:
        fixed, out["product"] = parse_area(img, hdr[4] * 8, 1, 7)
    out["offsets"] = list(hdr[1:6])
    return out


def tl_field(text: str) -> bytes:
    data = text.encode("latin-1")
    if len(data) == 1:
        data += b" "  # C1h would mean end-of-fields
    return bytes([0xC0 | len(data)]) + data


def info_area(fixed: bytes, texts) -> bytes:
    body = bytearray([0x01, 0x00]) + fixed + b"".join(tl_field(t) for t in texts) + b"\xc1"
    while (len(body) + 1) % 8:
        body.append(0)
    body[1] = (len(body) + 1) // 8
    return bytes(body) + bytes([zero_sum(body)])


def with_product(img: bytes, product_texts) -> bytes:
    """img with its product area (the last one bmcd writes) replaced."""
    hdr = img[:8]
    off = hdr[4] * 8
    area = info_area(bytes([0x00]), product_texts)
    new = img[:off] + area
    return new + bytes(len(img) - len(new))


class FruCase(BmcdTestCase):
    def ipmitool_ok(self, b, *args, **kw):
        r = ipmitool(b, *args, timeout=TIMEOUT, **kw)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r

    def fru_print(self, b) -> dict:
        r = self.ipmitool_ok(b, "fru", "print", "0")
        return fields(r.stdout)

    def fru_read(self, b, name: str) -> bytes:
        path = os.path.join(b.tmpdir, name)
        self.ipmitool_ok(b, "fru", "read", "0", path)
        with open(path, "rb") as f:
            return f.read()


class Ipmitool(FruCase):
    def test_print_shows_default_description(self):
        b = self.start_bmcd(extra_config=CONFIG)
        got = self.fru_print(b)
        for key, want in DEFAULT_FIELDS.items():
            self.assertEqual(got.get(key), want, key)
        self.assertEqual(got.get("Board Mfg Date"), "Mon Jan  1 00:00:00 2024 UTC")

    def test_read_gives_the_image(self):
        b = self.start_bmcd(extra_config=CONFIG)
        r = self.ipmitool_ok(b, "fru", "read", "0", os.path.join(b.tmpdir, "x.bin"))
        self.assertIn("Fru Size         : 1024 bytes", r.stdout)
        img = self.fru_read(b, "fru.bin")
        self.assertEqual(len(img), FRU_SIZE)
        p = parse_image(img)
        self.assertEqual(p["offsets"], [0, 1, p["offsets"][2], p["offsets"][3], 0])
        self.assertEqual(p["chassis_type"], 0x17)
        self.assertEqual(p["chassis"], ["BMCD-SIM-CH", "CH" + HEX12])
        self.assertEqual(p["board_lang"], 0)
        self.assertEqual(p["board"], ["bmcd", "bmcd simulated board", "BD" + HEX12, "BMCD-SIM-BD", ""])
        self.assertEqual(p["product"], ["bmcd", "bmcd simulated server", "BMCD-SIM", "1.0", "SN" + HEX12, "", ""])
        end = p["offsets"][3] * 8 + img[p["offsets"][3] * 8 + 1] * 8
        self.assertEqual(img[end:], bytes(FRU_SIZE - end))  # zero padded to the device size

    def test_write_then_print_and_survive_sigkill(self):
        b = self.start_bmcd(extra_config=CONFIG)
        img = self.fru_read(b, "orig.bin")
        product = ["bmcd", "bmcd simulated server", "BMCD-SIM", "2.1", "SN-TEST-0042", "ASSET-7", ""]
        new = with_product(img, product)
        self.assertEqual(parse_image(new)["product"], product)
        path = os.path.join(b.tmpdir, "new.bin")
        with open(path, "wb") as f:
            f.write(new)
        r = self.ipmitool_ok(b, "fru", "write", "0", path)
        self.assertIn("Size to Write    : 1024 bytes", r.stdout)
        got = self.fru_print(b)
        self.assertEqual(got.get("Product Serial"), "SN-TEST-0042")
        self.assertEqual(got.get("Product Asset Tag"), "ASSET-7")
        self.assertEqual(got.get("Product Version"), "2.1")
        self.assertEqual(got.get("Board Serial"), "BD" + HEX12)  # untouched areas stay
        self.assertEqual(self.fru_read(b, "back.bin"), new)
        self.assertRegex(b.log(), r"info: audit: FRU 0 written: \d+ bytes at offset 0\n")

        b.kill()  # a crash: the writes were durable when answered
        b.start()
        got = self.fru_print(b)
        self.assertEqual(got.get("Product Serial"), "SN-TEST-0042")
        self.assertEqual(got.get("Product Asset Tag"), "ASSET-7")
        self.assertEqual(self.fru_read(b, "after.bin"), new)
        self.assertIn("FRU 0 image restored from the store", b.log())

    def test_unknown_device_and_privilege(self):
        b = self.start_bmcd(extra_config=CONFIG)
        r = ipmitool(b, "raw", "0x0a", "0x10", "0x01", timeout=TIMEOUT)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("rsp=0xcb", r.stderr)
        r = self.ipmitool_ok(b, "raw", "0x0a", "0x10", "0x00")
        self.assertEqual(r.stdout.split(), ["00", "04", "00"])
        r = self.ipmitool_ok(b, "raw", "0x0a", "0x11", "0x00", "0x00", "0x00", "0x08")
        self.assertEqual(r.stdout.split()[:2], ["08", "01"])  # count, header version
        r = ipmitool(b, "raw", "0x0a", "0x11", "0x00", "0x00", "0x04", "0x01", timeout=TIMEOUT)
        self.assertIn("rsp=0xc9", r.stderr)  # offset 1024: past the end
        # A User-privilege session may read but not write (IPMI 2.0 Appendix G).
        r = self.ipmitool_ok(b, "raw", "0x0a", "0x11", "0x00", "0x00", "0x00", "0x01", extra=("-L", "USER"))
        r = ipmitool(b, "raw", "0x0a", "0x12", "0x00", "0x00", "0x02", "0xaa", extra=("-L", "USER"),
                     timeout=TIMEOUT)
        self.assertIn("rsp=0xd4", r.stderr)
        self.assertNotIn("audit: FRU 0 written", b.log())

    def test_serials_differ_between_bmcs(self):
        a = self.start_bmcd(extra_config=CONFIG_NO_SERIALS)
        b = self.start_bmcd(extra_config=CONFIG_NO_SERIALS)
        sa, sb = self.fru_print(a).get("Product Serial"), self.fru_print(b).get("Product Serial")
        self.assertRegex(sa, r"^SN[0-9A-F]{12}$")
        self.assertRegex(sb, r"^SN[0-9A-F]{12}$")
        self.assertNotEqual(sa, sb)


class Freeipmi(FruCase):
    # --ignore-sdr-cache: ipmi-fru otherwise first builds an SDR cache, and FRU 0 (the
    # "default FRU device") needs no SDR.
    def test_ipmi_fru_shows_the_fields(self):
        b = self.start_bmcd(extra_config=CONFIG)
        r = freeipmi(b, "ipmi-fru", "--ignore-sdr-cache", timeout=TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        got = fields(r.stdout)
        want = {
            "FRU Chassis Type": "Rack Mount Chassis",
            "FRU Chassis Part Number": "BMCD-SIM-CH",
            "FRU Chassis Serial Number": "CH" + HEX12,
            "FRU Board Manufacturer": "bmcd",
            "FRU Board Product Name": "bmcd simulated board",
            "FRU Board Serial Number": "BD" + HEX12,
            "FRU Board Part Number": "BMCD-SIM-BD",
            "FRU Product Manufacturer Name": "bmcd",
            "FRU Product Name": "bmcd simulated server",
            "FRU Product Part/Model Number": "BMCD-SIM",
            "FRU Product Version": "1.0",
            "FRU Product Serial Number": "SN" + HEX12,
        }
        for key, value in want.items():
            self.assertEqual(got.get(key), value, key)
        self.assertNotIn("checksum", r.stdout.lower() + r.stderr.lower())

    def test_ipmi_fru_sees_a_written_image(self):
        b = self.start_bmcd(extra_config=CONFIG)
        img = self.fru_read(b, "orig.bin")
        new = with_product(img, ["ACME", "Roadrunner 9000", "RR-9", "3", "RR-SERIAL-1", "", ""])
        path = os.path.join(b.tmpdir, "new.bin")
        with open(path, "wb") as f:
            f.write(new)
        self.ipmitool_ok(b, "fru", "write", "0", path)
        r = freeipmi(b, "ipmi-fru", "--ignore-sdr-cache", timeout=TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        got = fields(r.stdout)
        self.assertEqual(got.get("FRU Product Manufacturer Name"), "ACME")
        self.assertEqual(got.get("FRU Product Name"), "Roadrunner 9000")
        self.assertEqual(got.get("FRU Product Version"), "3")  # "3 " on the wire
        self.assertEqual(got.get("FRU Product Serial Number"), "RR-SERIAL-1")


PYGHMI = r'''
import json, sys
from pyghmi.ipmi import command
port, pw = int(sys.argv[1]), sys.argv[2]
out = {}
c = command.Command(bmc="127.0.0.1", userid="admin", password=pw, port=port)
try:
    # get_inventory yields FRU 0 as "System" first; what follows comes from the SDR.
    name, info = next(c.get_inventory())
    out["name"] = name
    out["info"] = info
finally:
    c.ipmi_session.logout()
print(json.dumps(out, default=str))
'''


class Pyghmi(FruCase):
    def test_inventory_lists_fru_0(self):
        b = self.start_bmcd(extra_config=CONFIG)
        r = run([PYTHON, "-c", PYGHMI, b.port, b.admin_password], timeout=TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout.strip().splitlines()[-1])
        self.assertEqual(out["name"], "System")
        info = out["info"]
        want = {
            "Chassis type": "Rack Mount Chassis",
            "Chassis serial number": "CH" + HEX12,
            "Board manufacturer": "bmcd",
            "Board product name": "bmcd simulated board",
            "Board serial number": "BD" + HEX12,
            "Board model": "BMCD-SIM-BD",
            "Manufacturer": "bmcd",
            "Product name": "bmcd simulated server",
            "Model": "BMCD-SIM",
            "Hardware Version": "1.0",
            "Serial Number": "SN" + HEX12,
        }
        for key, value in want.items():
            self.assertEqual(info.get(key), value, key)
        self.assertEqual(info.get("product_extra"), [])


if __name__ == "__main__":
    unittest.main()
