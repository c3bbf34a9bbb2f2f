"""Inside the sandbox, before any learner code: try what a hostile notebook would, report what worked.

    python -m tools.grading.selftest MARKER TARGET [TARGET ...] --probe [PATH ...]

Prints one JSON line: ``{"escapes": [...], "missing": [...]}``. An escape is anything that worked and must not:
running as root or with a capability, remounting a read-only folder writable, writing MARKER into a TARGET (the
course, the venv) or the system, reading ``/etc/shadow``, reaching the network, seeing a PROBE path (the
submissions, the report folder, the course's solutions). ``missing`` is what notebooks need and cannot reach.
"""

from __future__ import annotations

import ctypes
import json
import os
import socket
import subprocess
import sys


def _writes(path: str) -> bool:
    try:
        with open(path, "w") as f:
            f.write("escaped")
        return True
    except OSError:
        return False


def main(argv: list[str]) -> int:
    marker, rest = argv[0], argv[1:]
    split = rest.index("--probe") if "--probe" in rest else len(rest)
    targets, probes = rest[:split], rest[split + 1:]
    escapes, missing = [], []
    if os.getuid() == 0 or os.geteuid() == 0:
        escapes.append("learner code runs as root (uid 0)")
    with open("/proc/self/status") as f:
        caps = {k: v.strip() for k, v in (line.split(":", 1) for line in f if line.startswith("Cap"))}
    if int(caps.get("CapEff", "0"), 16) or int(caps.get("CapPrm", "0"), 16):
        escapes.append(f"learner code holds capabilities (CapEff {caps.get('CapEff')})")
    libc = ctypes.CDLL(None, use_errno=True)
    ms_remount, ms_bind = 32, 4096
    for target in [*targets, "/", "/usr", "/etc"]:
        if not os.path.isdir(target):
            continue
        if libc.mount(b"none", target.encode(), None, ms_remount | ms_bind, None) == 0:
            escapes.append(f"remounted {target} writable (mount syscall)")
        try:
            done = subprocess.run(["mount", "-o", "remount,rw,bind", target], capture_output=True, timeout=10)
            if done.returncode == 0:
                escapes.append(f"remounted {target} writable (mount -o remount,rw,bind)")
        except (OSError, subprocess.SubprocessError):
            pass
        if _writes(os.path.join(target, marker)):
            escapes.append(f"wrote into {target}")
    if _writes("/usr/" + marker) or _writes("/etc/" + marker):
        escapes.append("wrote into /usr or /etc")
    for knob in ("/proc/sys/kernel/core_pattern", "/proc/sysrq-trigger", "/sys/kernel/uevent_helper"):
        try:
            with open(knob, "a"):
                escapes.append(f"opened {knob} for writing")
        except OSError:
            pass
    try:
        with open("/etc/shadow") as f:
            f.read(1)
        escapes.append("read /etc/shadow")
    except OSError:
        pass
    for address in (("1.1.1.1", 53), ("8.8.8.8", 443)):
        try:
            with socket.create_connection(address, timeout=2):
                escapes.append(f"opened a connection to {address[0]}")
        except OSError:
            pass
    interfaces = [name for _, name in socket.if_nameindex()]
    if [i for i in interfaces if i != "lo"]:
        escapes.append(f"sees network interfaces {interfaces}")
    for probe in probes:
        if os.path.exists(probe):
            escapes.append(f"sees {probe}")
    try:
        os.setuid(0)
        escapes.append("became root with setuid(0)")
    except OSError:
        pass
    for module in ("numpy", "utils.checks", "nbclient", "ipykernel", "tools.grading.callee", "matplotlib"):
        try:
            __import__(module)
        except Exception as exc:  # noqa: BLE001
            missing.append(f"import {module} ({type(exc).__name__}: {exc}) — is the Python environment readable?")
    for folder in (os.environ.get("TMPDIR", "/tmp"), os.environ.get("HOME", "/"), os.getcwd()):
        if not _writes(os.path.join(folder, "scratch")):
            missing.append(f"write to its own folder {folder}")
    print(json.dumps({"escapes": escapes, "missing": missing}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
