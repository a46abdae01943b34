"""pyghmi (python3-pyghmi 1.5.34) against a real bmcd.

pyghmi keeps its sessions in a process-wide cache, so every scenario runs in its
own /usr/bin/python3 subprocess (with a timeout) that prints one JSON object.
Each test fails if bmcd's log shows a sanitizer report (BmcdTestCase.tearDown)."""

import json
import unittest

from bmcd_fixture import BmcdTestCase, freeipmi, run

PYTHON = "/usr/bin/python3"

# Runs `body` with c = a logged-in Command; `body` fills the dict `out`.
TEMPLATE = r'''
import json, sys
from pyghmi.ipmi import command
port, user, pw, priv = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
out = {}
try:
    c = command.Command(bmc="127.0.0.1", userid=user, password=pw, port=port,
                        privlevel=None if priv == "auto" else int(priv))
except Exception as e:
    out["login_error"] = "%s: %s" % (type(e).__name__, e)
else:
    try:
@BODY@
    finally:
        c.ipmi_session.logout()
print(json.dumps(out, default=str))
'''


def indent(body: str) -> str:
    return "\n".join("        " + line for line in body.strip("\n").splitlines())


class PyghmiCase(BmcdTestCase):
    def pyghmi(self, b, body: str = "pass", user: str = "admin", password: str = None, priv="auto",
               timeout: float = 60) -> dict:
        if password is None:
            password = b.admin_password
        script = TEMPLATE.replace("@BODY@", indent(body))
        r = run([PYTHON, "-c", script, b.port, user, password, priv], timeout=timeout)
        self.assertFalse(r.timed_out, r.stderr)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout.strip().splitlines()[-1])


class Basics(PyghmiCase):
    def test_raw_get_device_id(self):
        b = self.start_bmcd(extra_config="[bmc]\ndevice_id = 0x42\nfirmware_version = 1.05\n"
                                         "manufacturer_id = 343\nproduct_id = 0x1234\n")
        out = self.pyghmi(b, '''
rsp = c.raw_command(netfn=6, command=1)
out["code"] = rsp.get("code")
out["data"] = list(rsp["data"])
out["devid"] = c._get_device_id()
''')
        self.assertEqual(out["code"], 0)
        d = out["data"]
        self.assertEqual(len(d), 15, d)
        self.assertEqual(d[0], 0x42)                    # device id
        self.assertEqual(d[2] & 0x7F, 1)                # firmware major
        self.assertEqual(d[3], 0x05)                    # firmware minor, BCD
        self.assertEqual(d[4], 0x02)                    # IPMI version 2.0
        self.assertEqual(d[6] | d[7] << 8 | d[8] << 16, 343)
        self.assertEqual(d[9] | d[10] << 8, 0x1234)
        devid = out["devid"]
        self.assertEqual(devid["device_id"], 0x42)
        self.assertEqual(devid["manufacturer_id"], 343)
        self.assertEqual(devid["product_id"], 0x1234)

    def test_suite_17_negotiated(self):
        # pyghmi proposes RAKP-HMAC-SHA256 / HMAC-SHA256-128 / AES-CBC-128 itself.
        b = self.start_bmcd()
        out = self.pyghmi(b, 'out["ok"] = True')
        self.assertTrue(out.get("ok"), out)
        self.assertRegex(b.log(), r'audit: session \d+ opened for user 2 "admin" from 127\.0\.0\.1:\d+, suite 17,')

    def test_channel_info_and_access(self):
        b = self.start_bmcd()
        out = self.pyghmi(b, '''
out["netchan"] = c.get_network_channel()
out["info"] = c.get_channel_info(1)
out["access"] = c.get_channel_access(1)
''')
        self.assertEqual(out["netchan"], 1)
        info = out["info"]
        self.assertEqual(info["Channel Medium type"], "802.3 LAN")
        self.assertEqual(info["session_support"], "multi")
        self.assertEqual(info["active_session_count"], 1)
        self.assertEqual(info["Vendor ID"], [0xF2, 0x1B, 0x00])
        acc = out["access"]
        self.assertEqual(acc["access_mode"], "always")
        self.assertEqual(acc["privilege_level"], "administrator")
        self.assertFalse(acc["alerting"])

    def test_users(self):
        b = self.start_bmcd()
        out = self.pyghmi(b, '''
out["max"] = c.get_channel_max_user_count(1)
out["name2"] = c.get_user_name(2)
out["user2"] = c.get_user(2, 1)
out["users"] = c.get_users(1)
''')
        self.assertGreaterEqual(out["max"], 2)
        self.assertEqual(out["name2"], "admin")
        self.assertEqual(out["user2"]["access"]["privilege_level"], "administrator")
        self.assertTrue(out["user2"]["access"]["ipmi_msg"])
        names = {int(k): v["name"] for k, v in out["users"].items()}
        self.assertEqual(names, {2: "admin"})


class UserRoundTrip(PyghmiCase):
    def test_create_user_and_log_in(self):
        b = self.start_bmcd()
        out = self.pyghmi(b, '''
c.set_user_name(4, "pyop")
c.set_user_password(4, password="py-Operator-pass1")
c.set_user_password(4, mode="enable", password="py-Operator-pass1")
c.set_user_access(4, 1, privilege_level="operator")
out["user4"] = c.get_user(4, 1)
out["test_ok"] = c.set_user_password(4, mode="test_password", password="py-Operator-pass1")
out["test_bad"] = c.set_user_password(4, mode="test_password", password="something-else")
c.create_user(5, "pyadmin", "py-Admin-password-20", channel=1, privilege_level="administrator")
''')
        self.assertEqual(out["user4"]["name"], "pyop")
        self.assertEqual(out["user4"]["access"]["privilege_level"], "operator")
        self.assertTrue(out["user4"]["access"]["ipmi_msg"])
        self.assertIs(out["test_ok"], True)
        self.assertIs(out["test_bad"], False)
        log = b.log()
        self.assertIn('audit: user 4 name set to "pyop"', log)
        self.assertIn("audit: user 4 enabled", log)
        self.assertNotIn("py-Operator-pass1", log)

        # The operator logs in at OPERATOR. pyghmi asks for ADMINISTRATOR first and
        # falls back to OPERATOR only when RAKP 2 says 09h or 0Dh; bmcd says 0Ah
        # ("unauthorized role or privilege level", IPMI 2.0 table 13-15), so ask for
        # OPERATOR explicitly.
        out = self.pyghmi(b, 'out["data"] = list(c.raw_command(netfn=6, command=1)["data"])',
                          user="pyop", password="py-Operator-pass1", priv="3")
        self.assertNotIn("login_error", out)
        self.assertEqual(out["data"][4], 0x02)
        self.assertRegex(b.log(), r'session \d+ opened for user 4 "pyop" .*suite 17, max privilege 3')
        # ... and cannot do administrator things.
        out = self.pyghmi(b, '''
try:
    c.set_user_name(6, "nope")
    out["set"] = "accepted"
except Exception as e:
    out["set"] = str(e)
''', user="pyop", password="py-Operator-pass1", priv="3")
        self.assertNotEqual(out["set"], "accepted")
        # The administrator made by create_user logs in with pyghmi's defaults.
        out = self.pyghmi(b, 'out["name"] = c.get_user_name(5)', user="pyadmin", password="py-Admin-password-20")
        self.assertEqual(out, {"name": "pyadmin"})
        # FreeIPMI sees the same users.
        r = freeipmi(b, "bmc-info", "--get-device-id", user="pyadmin", password="py-Admin-password-20")
        self.assertEqual(r.returncode, 0, r.stderr)


class Refusals(PyghmiCase):
    def test_wrong_password(self):
        b = self.start_bmcd()
        out = self.pyghmi(b, password="wrong-password-1234")
        self.assertIn("login_error", out)
        err = out["login_error"]
        self.assertRegex(err, r"^IpmiException: ")
        self.assertEqual(err, "IpmiException: Incorrect password provided")
        unknown = self.pyghmi(b, user="nosuchuser")
        self.assertEqual(unknown.get("login_error"), err)
        self.assertTrue(b.running())
        self.assertNotRegex(b.log(), r"session \d+ opened")
        # Still serving.
        out = self.pyghmi(b, 'out["id"] = c._get_device_id()["device_id"]')
        self.assertEqual(out, {"id": 0x20})


if __name__ == "__main__":
    unittest.main()
