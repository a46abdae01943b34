"""A loopback UDP proxy that loses and reorders packets, for tests of protocols that must
survive both (SOL's ACK/NACK and retries, IPMI 2.0 §15; RMCP+ retransmission).
Python 3 standard library only.

    from udp_proxy import UdpProxy

    with Bmcd() as b, UdpProxy(b.port, drop=0.05, reorder=0.05, seed=7) as p:
        ipmitool(..., "-p", str(p.port), ...)   # the client talks to the proxy
        print(p.stats())

The proxy listens on 127.0.0.1 at a free port (`port` after start()), or where
listen_host/listen_port say: SOL consoles such as ipmitool insist that the port in the
Activate Payload reply is the one they talk to, so a proxy for them listens on another
loopback address with the target's own port number. Each client
address gets its own upstream socket to the target, so the target sees one peer per
client, as it would without the proxy. In each direction ("up": client to target,
"down": target to client) every packet is, by a seeded random draw made in arrival
order:

  dropped      with probability `drop`;
  held back    with probability `reorder`: it is sent right after the next packet of the
               same flow and direction (the pair arrives swapped: counted as
               reordered), or, when no other packet comes within `hold_s`, on its own
               (counted as delayed; nothing is ever lost this way);
  forwarded    otherwise.

Each direction has its own random stream (seed, direction), so the choices for one
direction do not depend on how the two interleave in time: the same seed and the same
traffic give the same drops (`drop_log`). `drop` and `reorder` may be changed while
the proxy runs (e.g. 0 during a login, then the real rates).
"""

import random
import select
import socket
import threading
import time

__all__ = ["UdpProxy"]

DIRECTIONS = ("up", "down")


class _Flow:
    """One client and its upstream socket; a held packet per direction."""

    def __init__(self, client, upstream):
        self.client = client
        self.upstream = upstream
        self.held = {"up": None, "down": None}  # (data, since)


class UdpProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1", drop: float = 0.05,
                 reorder: float = 0.05, seed: int = 1, hold_s: float = 0.1, listen_host: str = "127.0.0.1",
                 listen_port: int = 0):
        if not (0 <= drop <= 1 and 0 <= reorder <= 1 and drop + reorder <= 1):
            raise ValueError("drop and reorder are fractions whose sum is at most 1")
        self.target = (target_host, target_port)
        self.listen_host = listen_host
        self.listen_port = listen_port  # 0: any free port
        self.drop = drop
        self.reorder = reorder
        self.seed = seed
        self.hold_s = hold_s
        self.port = None
        self._rng = {d: random.Random(f"{seed}/{d}") for d in DIRECTIONS}
        self._lock = threading.Lock()
        self._counts = {k: {d: 0 for d in DIRECTIONS}
                        for k in ("received", "forwarded", "dropped", "reordered", "delayed")}
        self._index = {d: 0 for d in DIRECTIONS}
        self.drop_log = []  # (direction, index of the packet in that direction), in order
        self._sock = None
        self._flows = {}   # client address -> _Flow
        self._by_up = {}   # upstream socket -> _Flow
        self._thread = None
        self._stop = threading.Event()

    # -- life cycle ------------------------------------------------------------

    def start(self) -> "UdpProxy":
        if self._thread:
            raise RuntimeError("already started")
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind((self.listen_host, self.listen_port))
        self._sock.setblocking(False)
        self.port = self._sock.getsockname()[1]
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"udp-proxy-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stops the thread and closes every socket; held packets are discarded."""
        if not self._thread:
            return
        self._stop.set()
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise RuntimeError("udp proxy thread did not stop")
        self._thread = None
        for flow in self._flows.values():
            flow.upstream.close()
        self._flows.clear()
        self._by_up.clear()
        self._sock.close()
        self._sock = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> "UdpProxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- counters --------------------------------------------------------------

    def stats(self) -> dict:
        """A snapshot: {"received"|"forwarded"|"dropped"|"reordered"|"delayed": {"up": n, "down": n}}."""
        with self._lock:
            return {k: dict(v) for k, v in self._counts.items()}

    @property
    def dropped(self) -> dict:
        return self.stats()["dropped"]

    @property
    def reordered(self) -> dict:
        return self.stats()["reordered"]

    # -- the work --------------------------------------------------------------

    def _count(self, what, direction, n=1):
        with self._lock:
            self._counts[what][direction] += n

    def _send(self, flow, direction, data):
        try:
            if direction == "up":
                flow.upstream.send(data)
            else:
                self._sock.sendto(data, flow.client)
        except OSError:
            return  # e.g. ECONNREFUSED from an earlier send to a closed port: like a loss
        self._count("forwarded", direction)

    def _packet(self, flow, direction, data):
        with self._lock:
            index = self._index[direction]
            self._index[direction] += 1
            self._counts["received"][direction] += 1
        r = self._rng[direction].random()
        if r < self.drop:
            with self._lock:
                self.drop_log.append((direction, index))
            self._count("dropped", direction)
            return
        held = flow.held[direction]
        if held is None and r < self.drop + self.reorder:
            flow.held[direction] = (data, time.monotonic())
            return
        self._send(flow, direction, data)
        if held is not None:
            flow.held[direction] = None
            self._send(flow, direction, held[0])
            self._count("reordered", direction)

    def _flow_for(self, client):
        flow = self._flows.get(client)
        if flow is None:
            up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            up.connect(self.target)
            up.setblocking(False)
            flow = _Flow(client, up)
            self._flows[client] = flow
            self._by_up[up] = flow
        return flow

    def _flush_held(self, now):
        for flow in self._flows.values():
            for direction in DIRECTIONS:
                held = flow.held[direction]
                if held is not None and now - held[1] >= self.hold_s:
                    flow.held[direction] = None
                    self._send(flow, direction, held[0])
                    self._count("delayed", direction)

    def _drain(self, sock, direction, flow=None, budget=256):
        for _ in range(budget):
            try:
                data, addr = sock.recvfrom(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return  # ICMP errors surface here on connected sockets
            self._packet(flow or self._flow_for(addr), direction, data)

    def _run(self):
        while not self._stop.is_set():
            socks = [self._sock, *self._by_up]
            readable, _, _ = select.select(socks, [], [], 0.02)
            for s in readable:
                if s is self._sock:
                    self._drain(s, "up")
                else:
                    self._drain(s, "down", self._by_up[s])
            self._flush_held(time.monotonic())
