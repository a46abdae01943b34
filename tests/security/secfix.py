"""Shared bits of the attack suite: the interop fixture (imported, not copied) and
quick ipmitool options for attempts that are expected to fail."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))

from bmcd_fixture import Bmcd, BmcdTestCase, bmcctl, freeipmi, ipmitool, run  # noqa: E402,F401

# One try, one retry: a refused login fails fast instead of after ipmitool's default
# retries and timeouts.
FAST = ("-N", "1", "-R", "1")

# Attackers bind these loopback sources; bmcd listens on 127.0.0.1.
ATTACKER = "127.0.0.2"
