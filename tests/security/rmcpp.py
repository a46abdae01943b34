"""A small hand-built RMCP / RMCP+ client for the attack suite (IPMI 2.0 §13).

Written from the spec for these tests, separately from bmcd and from
tests/unit/lanplus_client.c; standard library only, except AES-CBC for suite 17
in-session packets, which uses the `cryptography` module (python3-cryptography,
installed by scripts/install-deps.sh).

    c = Client("127.0.0.1", port, src="127.0.0.2")
    c.login("admin", password)            # cipher suite 17
    cc, data = c.cmd(0x06, 0x01)          # Get Device ID
"""

import hashlib
import hmac
import os
import socket
import struct
import time

RMCP = bytes([0x06, 0x00, 0xFF, 0x07])
ASF_PING = bytes([0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x80, 0x21, 0x00, 0x00])

P_IPMI, P_OPEN_REQ, P_OPEN_RSP, P_RAKP1, P_RAKP2, P_RAKP3, P_RAKP4 = 0x00, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15

# Cipher suites 0-17, IPMI 2.0 table 22-20: (authentication, integrity, confidentiality).
SUITES = {
    0: (0, 0, 0), 1: (1, 0, 0), 2: (1, 1, 0), 3: (1, 1, 1), 4: (1, 1, 2), 5: (1, 1, 3),
    6: (2, 0, 0), 7: (2, 2, 0), 8: (2, 2, 1), 9: (2, 2, 2), 10: (2, 2, 3), 11: (2, 3, 0),
    12: (2, 3, 1), 13: (2, 3, 2), 14: (2, 3, 3), 15: (3, 0, 0), 16: (3, 4, 0), 17: (3, 4, 1),
}


def hm(key: bytes, data: bytes, sha256: bool = True) -> bytes:
    return hmac.new(key, data, hashlib.sha256 if sha256 else hashlib.sha1).digest()


def ipmi_msg(netfn: int, cmd: int, data: bytes = b"", seq: int = 1) -> bytes:
    """A request from the remote console (SWID 81h) to the BMC (20h), §13.8."""
    h = bytes([0x20, netfn << 2])
    h += bytes([(-sum(h)) & 0xFF])
    b = bytes([0x81, (seq & 0x3F) << 2, cmd]) + data
    return h + b + bytes([(-sum(b)) & 0xFF])


def plain(ptype: int, payload: bytes, sid: int = 0, seq: int = 0, length: int = None) -> bytes:
    """An RMCP+ packet outside a session (or with a forged header)."""
    n = len(payload) if length is None else length
    return RMCP + struct.pack("<BBIIH", 0x06, ptype, sid, seq, n) + payload


def open_session_req(csid: int, suite=17, algs=None, tag: int = 0x42, priv: int = 4) -> bytes:
    a, i, c = algs if algs is not None else SUITES[suite]
    p = struct.pack("<BBHI", tag, priv, 0, csid)
    p += bytes([0, 0, 0, 8, a, 0, 0, 0, 1, 0, 0, 8, i, 0, 0, 0, 2, 0, 0, 8, c, 0, 0, 0])
    return plain(P_OPEN_REQ, p)


def rakp1(bsid: int, rm: bytes, user: bytes, role: int = 0x14, tag: int = 0x43) -> bytes:
    return plain(P_RAKP1, struct.pack("<BBHI", tag, 0, 0, bsid) + rm + bytes([role, 0, 0, len(user)]) + user)


def rakp3(bsid: int, code: bytes, status: int = 0, tag: int = 0x44) -> bytes:
    return plain(P_RAKP3, struct.pack("<BBHI", tag, status, 0, bsid) + code)


def parse_plain(pkt: bytes):
    """(payload type, payload) of an RMCP+ packet outside a session, or None."""
    if len(pkt) < 16 or pkt[:4] != RMCP or pkt[4] != 0x06:
        return None
    n = struct.unpack_from("<H", pkt, 14)[0]
    if 16 + n != len(pkt):
        return None
    return pkt[5] & 0x3F, pkt[16:]


class Client:
    """One console: a UDP socket bound to src (any 127.x.y.z), talking to host:port."""

    def __init__(self, host: str, port: int, src: str = "127.0.0.1", timeout: float = 1.0):
        self.addr = (host, port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((src, 0))
        self.sock.settimeout(timeout)
        self.seq = 0
        self.rq_seq = 0
        self.csid = struct.unpack("<I", os.urandom(4))[0] | 1
        self.bsid = 0
        self.sent = []  # every in-session packet sent, for replay tests

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, pkt: bytes):
        self.sock.sendto(pkt, self.addr)

    def recv(self, timeout: float = None):
        """The next datagram, or None after timeout."""
        old = self.sock.gettimeout()
        if timeout is not None:
            self.sock.settimeout(timeout)
        try:
            data, _ = self.sock.recvfrom(4096)
            return data
        except socket.timeout:
            return None
        finally:
            self.sock.settimeout(old)

    def xfer(self, pkt: bytes, timeout: float = None):
        self.drain()
        self.send(pkt)
        return self.recv(timeout)

    def drain(self):
        self.sock.setblocking(False)
        try:
            while True:
                self.sock.recvfrom(4096)
        except (BlockingIOError, socket.timeout):
            pass
        finally:
            self.sock.setblocking(True)
            self.sock.settimeout(1.0)

    # -- session set-up ------------------------------------------------------

    def open_session(self, suite=17, algs=None, priv=4):
        """Returns the Open Session Response status (None: no answer)."""
        self.suite = suite
        r = self.xfer(open_session_req(self.csid, suite, algs, priv=priv))
        p = r and parse_plain(r)
        if not p or p[0] != P_OPEN_RSP or len(p[1]) < 8:
            return None
        status = p[1][1]
        if status == 0 and len(p[1]) == 36:
            self.bsid = struct.unpack_from("<I", p[1], 8)[0]
        return status

    def rakp1(self, user: bytes, role: int = 0x14, rm: bytes = None):
        """Sends RAKP 1; returns the RAKP 2 payload (None: no answer)."""
        self.user, self.role = user, role
        self.rm = rm or os.urandom(16)
        r = self.xfer(rakp1(self.bsid, self.rm, user, role))
        p = r and parse_plain(r)
        if not p or p[0] != P_RAKP2:
            return None
        self.rakp2_raw = r
        if p[1][1] == 0 and len(p[1]) >= 40:
            self.rc, self.guid = p[1][8:24], p[1][24:40]
        return p[1]

    def rakp2_ok(self, rakp2: bytes, password: bytes) -> bool:
        key = password.ljust(20, b"\0")
        want = hm(key, struct.pack("<II", self.csid, self.bsid) + self.rm + self.rc + self.guid +
                  bytes([self.role, len(self.user)]) + self.user)
        return hmac.compare_digest(want, rakp2[40:72])

    def rakp3_code(self, password: bytes) -> bytes:
        key = password.ljust(20, b"\0")
        return hm(key, self.rc + struct.pack("<I", self.csid) + bytes([self.role, len(self.user)]) + self.user)

    def rakp3(self, password: bytes):
        """Sends RAKP 3; returns the RAKP 4 status (None: no answer) and derives keys."""
        r = self.xfer(rakp3(self.bsid, self.rakp3_code(password)))
        p = r and parse_plain(r)
        if not p or p[0] != P_RAKP4 or len(p[1]) < 8:
            return None
        key = password.ljust(20, b"\0")
        self.sik = hm(key, self.rm + self.rc + bytes([self.role, len(self.user)]) + self.user)
        self.k1 = hm(self.sik, b"\x01" * 20)
        self.k2 = hm(self.sik, b"\x02" * 20)
        return p[1][1]

    def login(self, user: str, password: str, suite: int = 17) -> bool:
        u, pw = user.encode(), password.encode()
        if self.open_session(suite) != 0:
            return False
        r2 = self.rakp1(u)
        if not r2 or r2[1] != 0 or not self.rakp2_ok(r2, pw):
            return False
        return self.rakp3(pw) == 0

    # -- in session (suite 17: HMAC-SHA256-128, AES-CBC-128) -------------------

    def wrap(self, msg: bytes, seq: int = None) -> bytes:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        if seq is None:
            self.seq += 1
            seq = self.seq
        pad = (16 - (len(msg) + 1) % 16) % 16
        clear = msg + bytes(range(1, pad + 1)) + bytes([pad])
        iv = os.urandom(16)
        enc = Cipher(algorithms.AES(self.k2[:16]), modes.CBC(iv)).encryptor()
        payload = iv + enc.update(clear) + enc.finalize()
        body = struct.pack("<BBIIH", 0x06, 0xC0, self.bsid, seq, len(payload)) + payload
        ipad = (4 - (len(body) + 2) % 4) % 4
        body += b"\xff" * ipad + bytes([ipad, 0x07])
        pkt = RMCP + body + hm(self.k1, body)[:16]
        self.sent.append(pkt)
        return pkt

    def unwrap(self, pkt: bytes):
        """The IPMI message in a reply from the BMC, or None if it does not verify."""
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        if not pkt or len(pkt) < 16 + 32 + 16 or pkt[:4] != RMCP or pkt[5] != 0xC0:
            return None
        body, icv = pkt[4:-16], pkt[-16:]
        if not hmac.compare_digest(hm(self.k1, body)[:16], icv):
            return None
        n = struct.unpack_from("<H", pkt, 14)[0]
        payload = pkt[16:16 + n]
        dec = Cipher(algorithms.AES(self.k2[:16]), modes.CBC(payload[:16])).decryptor()
        clear = dec.update(payload[16:]) + dec.finalize()
        return clear[:len(clear) - 1 - clear[-1]]

    def cmd(self, netfn: int, cmd: int, data: bytes = b"", timeout: float = 1.0):
        """(completion code, data) of an in-session request, or None without a reply."""
        self.rq_seq += 1
        r = self.xfer(self.wrap(ipmi_msg(netfn, cmd, data, self.rq_seq)), timeout)
        m = self.unwrap(r)
        if not m or len(m) < 8:
            return None
        return m[6], m[7:-1]


def wait_quiet(seconds: float):
    time.sleep(seconds)
