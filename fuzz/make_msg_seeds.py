#!/usr/bin/env python3
"""Writes fuzz/corpus/input/msg-* seeds: mode 02 (logged in, one IPMI message) for
every command bmcd implements, with typical request data. Re-run to refresh."""
import os

OUT = os.path.join(os.path.dirname(__file__), "corpus", "input")
CMDS = [
    (0x06, 0x01, b""), (0x06, 0x02, b""), (0x06, 0x03, b""), (0x06, 0x04, b""), (0x06, 0x08, b""),
    (0x06, 0x2E, b"\x0c"), (0x06, 0x2F, b""), (0x06, 0x37, b""), (0x06, 0x38, b"\x8e\x04"),
    (0x06, 0x3B, b"\x04"), (0x06, 0x3C, b"\x00\x00\x00\x00\x01"), (0x06, 0x3D, b"\x00"),
    (0x06, 0x3D, b"\xff\x01\x02\x03\x04"), (0x06, 0x40, b"\x01\x62\x44"), (0x06, 0x41, b"\x01\x40"),
    (0x06, 0x42, b"\x0e"), (0x06, 0x43, b"\x91\x03\x04\x00"), (0x06, 0x44, b"\x01\x02"),
    (0x06, 0x45, b"\x03bob" + b"\x00" * 13), (0x06, 0x46, b"\x02"),
    (0x06, 0x47, b"\x03\x02" + b"secret" + b"\x00" * 10), (0x06, 0x47, b"\x83\x03" + b"x" * 20),
    (0x06, 0x47, b"\x03\x01"), (0x06, 0x4C, b"\x01\x03\x02\x00\x00\x00"), (0x06, 0x4D, b"\x01\x02"),
    (0x06, 0x54, b"\x0e\x00\x80"), (0x06, 0x54, b"\x0e\x00\x00"),
    (0x0C, 0x01, b"\x01\x00\x01"), (0x0C, 0x01, b"\x01\x03\x0a\x01\x02\x03"), (0x0C, 0x01, b"\x01\x14\x64\x80"),
    (0x0C, 0x01, b"\x01\x18\x00\x44\x44\x44\x44\x44\x44\x44\x44"), (0x0C, 0x02, b"\x01\x03\x00\x00"),
    (0x0C, 0x02, b"\x01\x17\x00\x00"), (0x0C, 0x02, b"\x81\x00\x00\x00"),
    # SOL configuration parameters and channel payload information (IPMI 2.0 §26, §24.8-24.10)
    (0x0C, 0x21, b"\x01\x00\x01"), (0x0C, 0x21, b"\x01\x02\xc4"), (0x0C, 0x21, b"\x01\x03\x0a\x40"),
    (0x0C, 0x22, b"\x01\x01\x00\x00"), (0x0C, 0x22, b"\x81\x08\x00\x00"),
    (0x06, 0x4E, b"\x0e"), (0x06, 0x4F, b"\x01\x01"), (0x06, 0x50, b"\x01\x02\x00\x00\x00\x00\x00"),
]


def msg(netfn, cmd, data, seq=1):
    h = bytes([0x20, netfn << 2])
    h += bytes([(-sum(h)) & 0xFF])
    b = bytes([0x81, seq << 2, cmd]) + data
    return h + b + bytes([(-sum(b)) & 0xFF])


os.makedirs(OUT, exist_ok=True)
for i, (netfn, cmd, data) in enumerate(CMDS):
    with open(os.path.join(OUT, "msg-%02x-%02x-%02d" % (netfn, cmd, i)), "wb") as f:
        f.write(b"\x02" + msg(netfn, cmd, data))
with open(os.path.join(OUT, "asf-ping"), "wb") as f:
    f.write(b"\x00" + bytes([6, 0, 0xFF, 6, 0, 0, 0x11, 0xBE, 0x80, 0x21, 0, 0]))
