"""FreeIPMI (freeipmi-tools 1.6.10) against a real bmcd over IPMI 2.0 / RMCP+.

Every tool runs with `-D LAN_2_0 -I 17` unless a test is about what happens
without them; no workaround flags (-W) are used. Each test fails if bmcd's log
shows a sanitizer report (BmcdTestCase.tearDown)."""

import os
import random
import re
import unittest

from bmcd_fixture import BmcdTestCase, freeipmi, ipmitool, run

IDENTITY = ("[bmc]\ndevice_id = 0x42\ndevice_revision = 3\nfirmware_version = 1.05\n"
            "manufacturer_id = 343\nproduct_id = 0x1234\naux_firmware = 0a0b0c0d\n"
            "guid = 00112233-4455-6677-8899-aabbccddeeff\n")
USER3_NAME = "operator3"
USER3_PW = "Op3rator-pass-16"  # 16 characters: IPMI 1.5 clients can send it too


def fields(text: str) -> dict:
    """`Name : value` lines (bmc-info) as a dict; the first occurrence wins."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^(\S.*?)\s*:\s?(.*)$", line)
        if m and m.group(1) not in out:
            out[m.group(1)] = m.group(2).strip()
    return out


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


def channel_blocks(text: str) -> list:
    """bmc-info's "Channel Information" entries, each a dict."""
    tail = text.split("Channel Information", 1)[-1]
    return [fields(b) for b in re.split(r"\n\s*\n", tail) if "Channel Number" in b]


class FreeipmiCase(BmcdTestCase):
    def fi(self, b, tool, *args, **kw):
        return freeipmi(b, tool, *args, **kw)

    def ok(self, r):
        self.assertEqual(r.returncode, 0, f"{r.args}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}")
        return r.stdout

    def checkout(self, b, section, *extra, **kw):
        out = self.ok(self.fi(b, "ipmi-config", "--checkout", "--section", section, *extra, **kw))
        self.assertIn(section, sections(out), out)
        return sections(out)[section]

    def commit(self, b, text):
        path = os.path.join(b.tmpdir, "commit.conf")
        with open(path, "w") as f:
            f.write(text)
        out = self.ok(self.fi(b, "ipmi-config", "--commit", "--filename", path, timeout=60))
        return path, out

    def add_user3(self, b):
        return self.commit(b, f"Section User3\n\tUsername {USER3_NAME}\n\tPassword {USER3_PW}\n"
                              "\tEnable_User Yes\n\tLan_Enable_IPMI_Msgs Yes\n"
                              "\tLan_Privilege_Limit Operator\nEndSection\n")


class BmcInfo(FreeipmiCase):
    def test_device_id_and_guid(self):
        b = self.start_bmcd(extra_config=IDENTITY)
        f = fields(self.ok(self.fi(b, "bmc-info", "--get-device-id")))
        self.assertEqual(f["Device ID"], "66")
        self.assertEqual(f["Device Revision"], "3")
        self.assertEqual(f["Firmware Revision"], "1.05")
        self.assertEqual(f["IPMI Version"], "2.0")
        self.assertEqual(f["Device Available"], "yes (normal operation)")
        self.assertEqual(f["Manufacturer ID"], "Intel Corporation (343)")
        self.assertEqual(f["Product ID"], "4660")
        # FreeIPMI shows the four auxiliary bytes as one little-endian number.
        self.assertEqual(f["Auxiliary Firmware Revision Information"], "0D0C0B0Ah")
        # The configured GUID's bytes are sent in the order written (IPMI byte order,
        # least significant first); FreeIPMI prints them reversed as a UUID, ipmitool
        # as the raw bytes. Both name the same 16 bytes.
        sys_guid = self.ok(self.fi(b, "bmc-info", "--get-system-guid")).strip()
        self.assertEqual(sys_guid, "ffeeddcc-bbaa-9988-7766-554433221100")
        dev_guid = self.ok(self.fi(b, "bmc-info", "--get-device-guid")).strip()
        self.assertEqual(dev_guid, sys_guid)
        r = ipmitool(b, "mc", "guid")
        self.assertEqual(r.returncode, 0, r.stderr)
        raw = fields(r.stdout)["System GUID"].replace("-", "").lower()
        self.assertEqual(bytes.fromhex(raw)[::-1].hex(), sys_guid.replace("-", ""))

    def test_generated_guid_matches_ipmitool(self):
        b = self.start_bmcd()
        sys_guid = self.ok(self.fi(b, "bmc-info", "--get-system-guid")).strip()
        self.assertRegex(sys_guid, r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        self.assertNotEqual(sys_guid, "00000000-0000-0000-0000-000000000000")
        # A random GUID has a valid RFC 4122 version, so ipmitool decodes it too (the
        # configured one in test_device_id_and_guid has none and is shown raw).
        r = ipmitool(b, "mc", "guid")
        self.assertEqual(r.returncode, 0, r.stderr)
        g = fields(r.stdout)
        self.assertEqual(g["System GUID"], sys_guid)
        self.assertEqual(g["GUID Encoding"], "IPMI")
        self.assertEqual(g["GUID Version"], "Random or pseudo-random")
        # ... and it is kept across a restart.
        b.restart()
        self.assertEqual(self.ok(self.fi(b, "bmc-info", "--get-system-guid")).strip(), sys_guid)

    def test_full_report_and_channels(self):
        b = self.start_bmcd()
        out = self.ok(self.fi(b, "bmc-info"))
        f = fields(out)
        self.assertEqual(f["IPMI Version"], "2.0")
        self.assertEqual(f["Firmware Revision"], "0.10")
        chans = channel_blocks(out)
        self.assertGreaterEqual(len(chans), 1, out)
        # The first entry is channel 1, the LAN channel this session runs on.
        self.assertEqual(chans[0]["Channel Number"], "1")
        self.assertEqual(chans[0]["Medium Type"], "802.3 LAN")
        self.assertEqual(chans[0]["Protocol Type"], "IPMB-1.0")
        self.assertEqual(chans[0]["Session Support"], "multi-session")
        self.assertEqual(chans[0]["Active Session Count"], "1")
        self.assertEqual(chans[0]["Vendor ID"], "Intelligent Platform Management Interface forum (7154)")
        # FreeIPMI 1.6.10 display bug, not bmcd's: bmc-info asks Get Channel Info for
        # channels 0..0Bh; bmcd answers CCh (invalid data field) for every channel it
        # does not have, the generic answer for a channel number that does not exist
        # (§22.24 defines no other). bmc-info 1.6.10 keeps its 16-entry result array on
        # the stack uninitialised and does not advance its index after a failed query,
        # so entries after the last success are printed from stack garbage (channel
        # numbers > 15, "OEM" media). FreeIPMI fixed both in 1.6.16 (commits "bmc-info:
        # zero channel_info_list before populating" and "advance channel index for
        # failed channel queries"). No answer from bmcd can avoid it: even 12 successful
        # answers leave entries 12..15 uninitialised. So only assert that no real
        # channel other than 1 is claimed with a valid number and a known medium.
        for c in chans[1:]:
            if c.get("Channel Number", "").isdigit() and int(c["Channel Number"]) < 16:
                self.assertNotEqual(c.get("Medium Type"), "802.3 LAN", c)


class IpmiConfig(FreeipmiCase):
    def test_user2_admin(self):
        b = self.start_bmcd()
        u = self.checkout(b, "User2")
        self.assertEqual(u["Username"], "admin")
        self.assertEqual(u["Enable_User"], "Yes")
        self.assertEqual(u["Lan_Enable_IPMI_Msgs"], "Yes")
        self.assertEqual(u["Lan_Privilege_Limit"], "Administrator")
        self.assertEqual(u["SOL_Payload_Access"], "Yes")
        # An unused slot.
        u3 = self.checkout(b, "User3")
        self.assertEqual(u3["Username"], "")
        self.assertEqual(u3["Enable_User"], "No")
        self.assertEqual(u3["Lan_Privilege_Limit"], "No_Access")

    def test_lan_conf(self):
        cfg = "[lan]\nmac = 02:12:34:56:78:9a\nip = 10.1.2.3\nnetmask = 255.255.252.0\ngateway = 10.1.0.1\n"
        b = self.start_bmcd(extra_config=cfg)
        lan = self.checkout(b, "Lan_Conf")
        self.assertEqual(lan["IP_Address_Source"], "Static")
        self.assertEqual(lan["IP_Address"], "10.1.2.3")
        self.assertEqual(lan["MAC_Address"].lower(), "02:12:34:56:78:9a")
        self.assertEqual(lan["Subnet_Mask"], "255.255.252.0")
        self.assertEqual(lan["Default_Gateway_IP_Address"], "10.1.0.1")
        self.assertEqual(lan["Default_Gateway_MAC_Address"], "00:00:00:00:00:00")
        self.assertEqual(lan["Backup_Gateway_IP_Address"], "0.0.0.0")

    def test_lan_channel_and_user_security(self):
        b = self.start_bmcd()
        ch = self.checkout(b, "Lan_Channel")
        for prefix in ("Volatile_", "Non_Volatile_"):
            self.assertEqual(ch[prefix + "Access_Mode"], "Always_Available")
            self.assertEqual(ch[prefix + "Enable_User_Level_Auth"], "Yes")
            self.assertEqual(ch[prefix + "Enable_Per_Message_Auth"], "Yes")
            self.assertEqual(ch[prefix + "Enable_Pef_Alerting"], "No")
            self.assertEqual(ch[prefix + "Channel_Privilege_Limit"], "Administrator")
        sec = self.checkout(b, "Lan_Conf_User_Security")
        self.assertEqual(sec["Bad_Password_Threshold"], "0")
        self.assertEqual(sec["Attempt_Count_Reset_Interval"], "0")
        self.assertEqual(sec["User_Lockout_Interval"], "0")
        self.assertEqual(sec["Enable_Event_Message_When_User_Disabled"], "No")

    def test_lan_conf_auth(self):
        # With IPMI 1.5 off (the default) bmcd reports no IPMI 1.5 authentication type
        # (LAN parameter 1 = 00h). ipmi-config then hides every Lan_Conf_Auth key as
        # unsupported and exits 1; -vv shows them all, every one "No".
        b = self.start_bmcd()
        r = self.fi(b, "ipmi-config", "--checkout", "--section", "Lan_Conf_Auth")
        self.assertEqual(sections(r.stdout).get("Lan_Conf_Auth"), {}, r.stdout)
        auth = self.checkout(b, "Lan_Conf_Auth", "-vv")
        self.assertEqual(len(auth), 25, auth)
        self.assertEqual(set(auth.values()), {"No"})
        b.stop()
        # With IPMI 1.5 on, only MD5 is offered, enabled for callback..administrator;
        # the other types stay hidden (so the exit status is still 1).
        b = self.start_bmcd(extra_config="[lan]\nipmi15 = on\n")
        r = self.fi(b, "ipmi-config", "--checkout", "--section", "Lan_Conf_Auth")
        auth = sections(r.stdout).get("Lan_Conf_Auth")
        self.assertEqual(auth, {f"{lvl}_Enable_Auth_Type_MD5": "Yes" if lvl != "OEM" else "No"
                                for lvl in ("Callback", "User", "Operator", "Admin", "OEM")})

    def test_commit_user(self):
        b = self.start_bmcd()
        path, _ = self.add_user3(b)
        u = self.checkout(b, "User3")
        self.assertEqual(u["Username"], USER3_NAME)
        self.assertEqual(u["Enable_User"], "Yes")
        self.assertEqual(u["Lan_Enable_IPMI_Msgs"], "Yes")
        self.assertEqual(u["Lan_Privilege_Limit"], "Operator")
        self.assertIn("SOL_Payload_Access", u)
        self.assertRegex(b.log(), r"audit: user 3 name set")
        # --diff against the committed file: no difference left.
        r = self.fi(b, "ipmi-config", "--diff", "--filename", path)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout.strip(), "")
        # The new user logs in at OPERATOR ...
        f = fields(self.ok(self.fi(b, "bmc-info", "--get-device-id", user=USER3_NAME, password=USER3_PW,
                                   extra=["-l", "OPERATOR"])))
        self.assertEqual(f["Device ID"], "32")
        self.assertRegex(b.log(), rf'session \d+ opened for user 3 "{USER3_NAME}" .*suite 17, max privilege 3')
        # ... not as ADMINISTRATOR, and not with another password.
        r = self.fi(b, "bmc-info", "--get-device-id", user=USER3_NAME, password=USER3_PW, extra=["-l", "ADMIN"])
        self.assertNotEqual(r.returncode, 0, r.stdout)
        r = self.fi(b, "bmc-info", "--get-device-id", user=USER3_NAME, password=USER3_PW + "x",
                    extra=["-l", "OPERATOR"])
        self.assertNotEqual(r.returncode, 0, r.stdout)
        # An operator cannot change users.
        r2 = self.commit_as(b, USER3_NAME, USER3_PW, "Section User4\n\tUsername intruder\nEndSection\n")
        self.assertNotEqual(r2.returncode, 0, r2.stdout)
        self.assertEqual(self.checkout(b, "User4")["Username"], "")

    def commit_as(self, b, user, pw, text):
        path = os.path.join(b.tmpdir, "commit-as.conf")
        with open(path, "w") as f:
            f.write(text)
        return self.fi(b, "ipmi-config", "--commit", "--filename", path, user=user, password=pw,
                       extra=["-l", "OPERATOR"], timeout=60)

    def test_commit_lan_conf(self):
        b = self.start_bmcd()
        path, _ = self.commit(b, "Section Lan_Conf\n\tIP_Address 192.168.7.20\n\tSubnet_Mask 255.255.255.0\n"
                                 "\tDefault_Gateway_IP_Address 192.168.7.1\n"
                                 "\tMAC_Address 02:aa:bb:cc:dd:ee\nEndSection\n")
        lan = self.checkout(b, "Lan_Conf")
        self.assertEqual(lan["IP_Address"], "192.168.7.20")
        self.assertEqual(lan["Subnet_Mask"], "255.255.255.0")
        self.assertEqual(lan["Default_Gateway_IP_Address"], "192.168.7.1")
        self.assertEqual(lan["MAC_Address"].lower(), "02:aa:bb:cc:dd:ee")
        r = self.fi(b, "ipmi-config", "--diff", "--filename", path)
        self.assertEqual((r.returncode, r.stdout.strip()), (0, ""), r.stderr)
        # Stored: the values survive a restart.
        b.restart()
        lan = self.checkout(b, "Lan_Conf")
        self.assertEqual(lan["IP_Address"], "192.168.7.20")
        self.assertEqual(lan["Subnet_Mask"], "255.255.255.0")
        # A non-contiguous netmask is refused and changes nothing.
        path = os.path.join(b.tmpdir, "bad.conf")
        with open(path, "w") as f:
            f.write("Section Lan_Conf\n\tSubnet_Mask 255.0.255.0\nEndSection\n")
        r = self.fi(b, "ipmi-config", "--commit", "--filename", path)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertEqual(self.checkout(b, "Lan_Conf")["Subnet_Mask"], "255.255.255.0")

    # Open question for the lead (core/lanparm.c, LAN parameter 24): bmcd lays out
    # the 16 privilege nibbles of "RMCP+ Messaging Cipher Suite Privilege Levels" in
    # the order of parameter 23's entries (nibble 0 = first enabled suite), FreeIPMI
    # indexes them by cipher suite ID (nibble 3 = suite 3; its source says so
    # deliberately: "index at [id] not [i]"). With cipher_suites = 3,17 bmcd sends
    # nibbles {0: Admin, 1: Admin}, so FreeIPMI shows suite 3 as "Unused". FreeIPMI
    # 1.6.10 also only has keys for ids 0..15: suite 17, bmcd's default and only
    # suite, never appears, and the section exits 1 for every id it cannot find.
    @unittest.expectedFailure
    def test_rmcpplus_conf_privilege(self):
        b = self.start_bmcd(extra_config="[lan]\ncipher_suites = 3,17\n")
        r = self.fi(b, "ipmi-config", "--checkout", "--section", "Rmcpplus_Conf_Privilege", timeout=60)
        priv = sections(r.stdout).get("Rmcpplus_Conf_Privilege", {})
        self.assertEqual(priv.get("Maximum_Privilege_Cipher_Suite_Id_3"), "Administrator", r.stdout)


class Ping(FreeipmiCase):
    """ipmi-ping and rmcpping always send to port 623 (no option changes it), so bmcd
    listens on 623 at a random loopback address (all of 127/8 is loopback)."""

    def start_on_623(self):
        if os.geteuid() != 0:
            self.skipTest("port 623 needs root")
        host = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"
        return self.start_bmcd(host=host, port=623)

    def test_ipmi_ping(self):
        b = self.start_on_623()
        for version in ("1.5", "2.0"):
            r = run(["ipmi-ping", "-r", version, "-c", "2", "-i", "1", "-t", "5", b.host], timeout=30)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual(len(re.findall(rf"response received from {re.escape(b.host)}", r.stdout)), 2, r.stdout)
            self.assertIn("2 requests transmitted, 2 responses received in time, 0.0% packet loss", r.stdout)

    def test_rmcpping(self):
        b = self.start_on_623()
        r = run(["rmcpping", "-c", "2", "-i", "1", "-t", "5", b.host], timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(len(re.findall(rf"pong received from {re.escape(b.host)}", r.stdout)), 2, r.stdout)
        self.assertIn("2 pings transmitted, 2 pongs received in time, 0.0% packet loss", r.stdout)


class Refusals(FreeipmiCase):
    def refused(self, r, message):
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertEqual(r.stdout, "")
        self.assertIn(message, r.stderr)

    def test_cipher_suite_0(self):
        b = self.start_bmcd()
        self.refused(self.fi(b, "bmc-info", "--get-device-id", cipher=0), "cipher suite id unavailable")
        self.assertNotRegex(b.log(), r"session \d+ opened")

    def test_default_cipher_suite_3(self):
        b = self.start_bmcd()
        self.refused(self.fi(b, "bmc-info", "--get-device-id", cipher=None), "cipher suite id unavailable")
        self.assertNotRegex(b.log(), r"session \d+ opened")
        b.stop()
        b = self.start_bmcd(extra_config="[lan]\ncipher_suites = 3,17\n")
        f = fields(self.ok(self.fi(b, "bmc-info", "--get-device-id", cipher=None)))
        self.assertEqual(f["IPMI Version"], "2.0")
        self.assertRegex(b.log(), r'session \d+ opened for user 2 "admin" .*suite 3,')

    def test_ipmi15_refused(self):
        # FreeIPMI refuses 20-character passwords for IPMI 1.5 itself, so use a user
        # with a 16-character one.
        b = self.start_bmcd()
        self.add_user3(b)
        for driver in (None, "LAN"):  # None: FreeIPMI's default driver, IPMI 1.5
            with self.subTest(driver=driver):
                r = self.fi(b, "bmc-info", "--get-device-id", user=USER3_NAME, password=USER3_PW, driver=driver,
                            cipher=None, extra=["-l", "OPERATOR"])
                self.assertNotEqual(r.returncode, 0, r.stdout)
                self.assertEqual(r.stdout, "")
                # bmcd's Get Channel Authentication Capabilities offers no IPMI 1.5
                # authentication type, so FreeIPMI gives up before Activate Session.
                self.assertIn("authentication type unavailable", r.stderr)
        self.assertNotRegex(b.log(), r'session \d+ opened for user 3')

    def test_wrong_password_and_unknown_user_look_the_same(self):
        b = self.start_bmcd()
        wrong = self.fi(b, "bmc-info", "--get-device-id", password="not-the-password")
        unknown = self.fi(b, "bmc-info", "--get-device-id", user="nosuchuser")
        self.refused(wrong, "password invalid")
        self.assertEqual((unknown.returncode, unknown.stdout, unknown.stderr),
                         (wrong.returncode, wrong.stdout, wrong.stderr))
        self.assertNotRegex(b.log(), r"session \d+ opened")
        # bmcd is still serving.
        self.assertEqual(fields(self.ok(self.fi(b, "bmc-info", "--get-device-id")))["Device ID"], "32")

    # RAKP 1 naming an existing user with a role above the user's limit must not be
    # refused before the password is proven, or a peer learns which names exist.
    def test_role_refusal_does_not_reveal_user_names(self):
        b = self.start_bmcd()
        self.add_user3(b)
        existing = self.fi(b, "bmc-info", "--get-device-id", user=USER3_NAME, password="wrong-password",
                           extra=["-l", "ADMIN"])
        unknown = self.fi(b, "bmc-info", "--get-device-id", user="nosuchuser", password="wrong-password",
                          extra=["-l", "ADMIN"])
        self.assertNotEqual(existing.returncode, 0)
        self.assertEqual(existing.stderr, unknown.stderr)
        # With the right password the refusal comes after the proof (RAKP 4 status 0Ah,
        # which FreeIPMI reports as "bad rmcpplus status code"), not as a bad password,
        # and bmcd's audit line names the reason.
        right = self.fi(b, "bmc-info", "--get-device-id", user=USER3_NAME, password=USER3_PW,
                        extra=["-l", "ADMIN"])
        self.assertNotEqual(right.returncode, 0)
        self.assertNotIn("password invalid", right.stderr)
        self.assertIn("role above the user's privilege limit", b.log())


class Persistence(FreeipmiCase):
    def test_user_survives_sigkill(self):
        b = self.start_bmcd()
        self.add_user3(b)
        b.kill()
        b.start()
        f = fields(self.ok(self.fi(b, "bmc-info", "--get-device-id", user=USER3_NAME, password=USER3_PW,
                                   extra=["-l", "OPERATOR"])))
        self.assertEqual(f["IPMI Version"], "2.0")
        u = self.checkout(b, "User3")
        self.assertEqual((u["Username"], u["Enable_User"], u["Lan_Privilege_Limit"]),
                         (USER3_NAME, "Yes", "Operator"))
        # The admin is unchanged too.
        self.assertEqual(self.checkout(b, "User2")["Username"], "admin")


if __name__ == "__main__":
    unittest.main()
