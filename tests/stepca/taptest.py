# SPDX-License-Identifier: GPL-3.0-or-later
"""TAP output and the on-demand build of step-ca, shared by the tests in this folder."""

import fcntl
import os
import subprocess
import sys
import time


class Tap:
    def __init__(self):
        self.count = 0
        self.failed = 0

    def ok(self, condition, name, detail=None):
        self.count += 1
        print(f"{'ok' if condition else 'not ok'} {self.count} - {name}", flush=True)
        if not condition:
            self.failed += 1
            if detail is not None:
                self.diag(detail)
        return condition

    def eq(self, got, want, name):
        return self.ok(got == want, name, f"got:  {got!r}\nwant: {want!r}")

    def diag(self, text):
        for line in str(text).splitlines() or [""]:
            print(f"# {line}", flush=True)

    def bail(self, text):
        print(f"Bail out! {text}", flush=True)
        sys.exit(99)

    def done(self):
        print(f"1..{self.count}", flush=True)
        return 1 if self.failed else 0


def build_step_ca(tap, binary, ninja):
    """`ninja tests/stepca/step-ca` in the build folder, one test at a time: the
    target is not built by default, only when a test that needs it runs."""
    build_root = os.environ.get("MUTUAL_BUILD_ROOT")
    if not build_root:
        tap.bail("MUTUAL_BUILD_ROOT is not set: run this through `meson test`")
    target = os.path.relpath(binary, build_root)
    started = time.monotonic()
    with open(os.path.join(os.path.dirname(binary), "step-ca.build-lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = subprocess.run([ninja, "-C", build_root, target], stdin=subprocess.DEVNULL,
                                capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        tap.diag(result.stdout + result.stderr)
        reason = [l for l in (result.stdout + result.stderr).splitlines()
                  if l.startswith("step-ca build:")]
        tap.bail(reason[-1] if reason else "building step-ca failed (see above)")
    tap.ok(os.access(binary, os.X_OK), f"step-ca is built ({elapsed:.1f} s through ninja)")
    return elapsed
