#!/usr/bin/env python3
"""Captures the datagrams real clients send, as fuzz seeds for fuzz/fuzz_input.c.

Starts a UDP relay on 127.0.0.1:RELAY in front of a running bmcd, runs the real
clients through it, and writes each client->BMC datagram as a seed file
fuzz/corpus/input/<client>-NN (first byte 00: "one raw datagram" mode), plus one
seed per client holding the whole pre-session exchange (mode 01: length-prefixed
datagrams). Usage: capture_seeds.py BMCD_PORT PASSWORD. Re-run only to refresh the
committed seeds."""
import os
import socket
import subprocess
import sys
import threading

bmc_port, password = int(sys.argv[1]), sys.argv[2]
out_dir = os.path.join(os.path.dirname(__file__), "..", "..", "fuzz", "corpus", "input")
os.makedirs(out_dir, exist_ok=True)

relay = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
relay.bind(("127.0.0.1", 0))
relay_port = relay.getsockname()[1]
captured = []
stop = False


def pump():
    upstream = {}
    relay.settimeout(0.2)
    while not stop:
        try:
            data, addr = relay.recvfrom(4096)
        except socket.timeout:
            continue
        captured.append(data)
        s = upstream.get(addr)
        if s is None:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.connect(("127.0.0.1", bmc_port))
            upstream[addr] = s

            def back(sock=s, peer=addr):
                sock.settimeout(0.2)
                while not stop:
                    try:
                        relay.sendto(sock.recv(4096), peer)
                    except socket.timeout:
                        continue
            threading.Thread(target=back, daemon=True).start()
        s.send(data)


threading.Thread(target=pump, daemon=True).start()
P = str(relay_port)
clients = {
    "ipmitool": ["ipmitool", "-I", "lanplus", "-H", "127.0.0.1", "-p", P, "-U", "admin", "-P", password,
                 "-C", "17", "mc", "info"],
    "ipmitool-lan": ["ipmitool", "-I", "lanplus", "-H", "127.0.0.1", "-p", P, "-U", "admin", "-P", password,
                     "-C", "17", "lan", "print", "1"],
    "ipmitool-users": ["ipmitool", "-I", "lanplus", "-H", "127.0.0.1", "-p", P, "-U", "admin", "-P", password,
                       "-C", "17", "user", "list", "1"],
    "freeipmi": ["bmc-info", "-D", "LAN_2_0", "-h", "127.0.0.1:" + P, "-u", "admin", "-p", password, "-I", "17"],
    "pyghmi": ["/usr/bin/python3", "-c",
               "from pyghmi.ipmi import command as c; "
               "x=c.Command(bmc='127.0.0.1',userid='admin',password='%s',port=%s); "
               "print(x.raw_command(netfn=6,command=1)); x.ipmi_session.logout()" % (password, P)],
    "rmcpping": ["rmcpping", "-c", "1", "127.0.0.1"],
}
for name, cmd in clients.items():
    before = len(captured)
    subprocess.run(cmd, timeout=30, capture_output=True)
    got = captured[before:]
    for i, d in enumerate(got[:12]):
        with open(os.path.join(out_dir, "%s-%02d" % (name, i)), "wb") as f:
            f.write(b"\x00" + d)
    chain = b"\x01" + b"".join(bytes([len(d)]) + d for d in got[:6] if len(d) < 256)
    with open(os.path.join(out_dir, "%s-chain" % name), "wb") as f:
        f.write(chain)
    print(name, len(got), "datagrams")
stop = True
