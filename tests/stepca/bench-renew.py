#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: `mutualctl renew --force` against the same renewal done with
`curl --cert --key` (POST /1.0/renew over mutual TLS), on one real step-ca, runs
alternated in this process tree. The difference is what Mutual adds: reading the key
from the keyring, parsing and checking the new certificate, and writing and reading
back the next generation. Prints figures; never fails on a time.

Usage: bench-renew.py STEP_CA NINJA MUTUALCTL [RUNS]
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import stepca  # noqa: E402
from taptest import Tap, build_step_ca  # noqa: E402


def timed(argv):
    started = time.perf_counter()
    result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    return time.perf_counter() - started, result


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    binary, ninja, mutualctl = sys.argv[1:4]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 30
    tap = Tap()
    build_step_ca(tap, binary, ninja)
    work = tempfile.mkdtemp(prefix="bench-renew-")
    state = None
    try:
        state = stepca.start(os.path.join(work, "ca"), binary)
        time.sleep(1.1)
        password = os.path.join(work, "password")
        with open(password, "w") as f:
            f.write(stepca.PASSWORDS[stepca.ADMIN] + "\n")
        enrolled = subprocess.run([mutualctl, "enroll", "--ca-url", state["url"], "--fingerprint",
                                   state["fingerprint"], "--provisioner", stepca.ADMIN,
                                   "--password-file", password, "--subject", "bench",
                                   "--label", "bench"], capture_output=True, text=True)
        if enrolled.returncode != 0:
            print(f"enroll failed: {enrolled.stderr}", file=sys.stderr)
            return 1
        identity = os.path.join(work, "identity.pem")
        subprocess.run([mutualctl, "export", "bench", "--format", "pem", "--out", identity], check=True,
                       capture_output=True)
        ours = [mutualctl, "renew", "bench", "--force"]
        curl = ["curl", "-sS", "--fail", "-o", "/dev/null", "--cacert", state["root"], "--cert", identity,
                "--key", identity, "-X", "POST", state["url"] + "/1.0/renew"]
        times = {"mutualctl": [], "curl": []}
        for argv in (ours, curl):  # warm-up, and both must work
            _, result = timed(argv)
            if result.returncode != 0:
                print(f"{argv[0]} failed: {result.stderr}", file=sys.stderr)
                return 1
        for _ in range(runs):
            for name, argv in (("mutualctl", ours), ("curl", curl)):
                elapsed, result = timed(argv)
                if result.returncode == 0:
                    times[name].append(elapsed)
        a = statistics.median(times["mutualctl"])
        b = statistics.median(times["curl"])
        print(f"renew (step-ca {state['url']}, ECDSA P-256, 24 h): mutualctl renew {a * 1000:.1f} ms, "
              f"curl POST /1.0/renew {b * 1000:.1f} ms (median of {len(times['mutualctl'])} and "
              f"{len(times['curl'])} runs), ratio {a / b:.2f}")
        print(f"  mutualctl min {min(times['mutualctl']) * 1000:.1f} ms, max "
              f"{max(times['mutualctl']) * 1000:.1f} ms; curl min {min(times['curl']) * 1000:.1f} ms, "
              f"max {max(times['curl']) * 1000:.1f} ms")
    finally:
        if state is not None:
            stepca.stop(state["dir"])
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
