#!/usr/bin/env python3
"""Runs the README's bash blocks in order, as one bash session against fresh servers,
and compares what each prints with the output the README shows after it, so every
line of the walk-through is known to work.

The README's markup: an HTML comment (invisible once rendered) on the line before a
```bash block says how to run it:

  <!-- test: servers HOST:PORT ... -->  each line starts a server in the background,
                                        waits until each address answers, and prints
                                        what the servers printed on starting
  <!-- test: in checkout -->            run from the checkout (the others run from a
                                        scratch folder holding a copy of examples/, so
                                        the checkout stays clean)
  <!-- test: skip: WHY -->              not run (say why)

A ```text block after a bash block (before the next bash block) is what it prints:
`…` stands for any text within a line, and a line of `…` alone for any number of lines.

Usage: infra/readme-walkthrough.py [--print] [README.md]
(--print shows every block's output, to copy into the README when it changes.)
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

MARK = "\x1eblock "
# The walk-through's first block builds the binaries; after `cargo test --workspace`
# that still compiles the crates whose features differ between the two builds (most
# of the tree, on a fresh clone), which takes minutes on a small machine.
TIMEOUT_S = 2400


def blocks_of(text):
    """The fenced blocks in order: (language, annotation, first line number, lines)."""
    found = []
    lines = text.splitlines()
    i = 0
    annotation = None
    while i < len(lines):
        line = lines[i]
        fence = re.match(r"^(\s*)```(\w*)\s*$", line)
        if not fence:
            comment = re.match(r"^\s*<!--\s*test:\s*(.*?)\s*-->\s*$", line)
            if comment:
                annotation = comment.group(1)
            elif line.strip():
                annotation = None
            i += 1
            continue
        indent, lang = fence.group(1), fence.group(2)
        start = i + 1
        body = []
        i += 1
        while i < len(lines) and not re.match(r"^\s*```\s*$", lines[i]):
            body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i].lstrip())
            i += 1
        found.append((lang, annotation, start, body))
        annotation = None
        i += 1
    return found


def steps_of(blocks):
    """The bash blocks to run, each with the output the README expects of it (or None)."""
    steps = []
    for lang, annotation, line, body in blocks:
        if lang == "sh":
            raise SystemExit(f"README.md:{line}: a shell block says `sh`; write `bash` (the walk-through uses bash arrays)")
        if lang == "bash":
            if annotation and annotation.startswith("skip"):
                continue
            steps.append({"line": line, "annotation": annotation or "", "body": body, "expect": None})
        elif lang == "text" and steps and steps[-1]["expect"] is None:
            steps[-1]["expect"] = body
    return steps


def servers_of(annotation):
    words = annotation.split()
    return words[1:] if words and words[0] == "servers" else []


def script_of(steps, repo, scratch):
    """One bash script: each block after a marker line, servers in the background."""
    out = [
        "set -euo pipefail",
        "exec 2>&1",
        'servers=()',
        'trap \'kill "${servers[@]}" 2> /dev/null || true\' EXIT',
        f"cd {shquote(scratch)}",
    ]
    for n, step in enumerate(steps):
        out.append(f"printf '{MARK}%d\\n' {n}")
        annotation = step["annotation"]
        addresses = servers_of(annotation)
        if addresses:
            for k, command in enumerate(c for c in step["body"] if c.strip() and not c.lstrip().startswith("#")):
                log = shquote(os.path.join(scratch, f"server-{n}-{k}.log"))
                out.append(f"{command} > {log} 2>&1 &")
                out.append("servers+=($!)")
            for address in addresses:
                host, port = address.rsplit(":", 1)
                out.append(
                    f"for _ in $(seq 1 600); do (exec 3<> /dev/tcp/{host}/{port}) 2> /dev/null && break; sleep 0.1; done; "
                    f"(exec 3<> /dev/tcp/{host}/{port}) 2> /dev/null || {{ echo 'nothing answered on {address}; the servers said:'; cat {shquote(scratch)}/server-{n}-*.log; exit 1; }}"
                )
            # What each server printed on starting (its terminal, in the README).
            out.append(
                f"for log in {shquote(scratch)}/server-{n}-*.log; do "
                "for _ in $(seq 1 100); do [ -s \"$log\" ] && break; sleep 0.1; done; done; sleep 0.5; "
                f"for log in {shquote(scratch)}/server-{n}-*.log; do cat \"$log\"; done"
            )
            continue
        in_checkout = annotation == "in checkout"
        if in_checkout:
            out.append(f"cd {shquote(repo)}")
        out.extend(step["body"])
        if in_checkout:
            out.append(f"cd {shquote(scratch)}")
    out.append(f"printf '{MARK}end\\n'")
    return "\n".join(out) + "\n"


def shquote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def pattern_of(expected):
    """A regex for the README's shown output: `…` is any text, a line of `…` any lines."""
    parts = []
    for line in expected:
        if line.strip() == "…":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            pieces = [re.escape(p) for p in line.rstrip().split("…")]
            parts.append("[^\n]*".join(pieces) + r"[ \t]*\n")
    return re.compile("".join(parts), re.DOTALL)


def matches(expected, actual):
    text = "".join(line.rstrip() + "\n" for line in actual)
    return pattern_of(expected).fullmatch(text) is not None


def port_taken(address):
    host, port = address.rsplit(":", 1)
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex((host, int(port))) == 0


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    args = [a for a in sys.argv[1:] if a != "--print"]
    show_all = "--print" in sys.argv[1:]
    readme = args[0] if args else os.path.join(repo, "README.md")
    with open(readme, encoding="utf-8") as f:
        steps = steps_of(blocks_of(f.read()))
    for step in steps:
        for address in servers_of(step["annotation"]):
            if port_taken(address):
                raise SystemExit(f"{address} is in use; the walk-through needs it (stop what listens there)")
    scratch = tempfile.mkdtemp(prefix="junction-readme-")
    shutil.copytree(os.path.join(repo, "examples"), os.path.join(scratch, "examples"))
    script = script_of(steps, repo, scratch)
    # The walk-through is a newcomer's shell: none of the test command's settings.
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUNCTION_")}
    started = time.monotonic()
    # A session of its own, so that a timeout takes the servers down with the script.
    shell = subprocess.Popen(["bash", "-c", script], env=env, stdout=subprocess.PIPE, start_new_session=True)
    try:
        raw, _ = shell.communicate(timeout=TIMEOUT_S)
        code = shell.returncode
    except subprocess.TimeoutExpired:
        os.killpg(shell.pid, 9)
        raw, _ = shell.communicate()
        code = f"timeout after {TIMEOUT_S} s"
    output = raw.decode("utf-8", "replace")
    printed = {}
    current = None
    for line in output.split("\n"):
        if line.startswith(MARK):
            current = line[len(MARK):]
            printed[current] = []
        elif current is not None:
            printed[current].append(line)
    failures = 0
    for n, step in enumerate(steps):
        got = printed.get(str(n))
        first = step["body"][0] if step["body"] else ""
        where = f"README.md:{step['line']} ({first.strip()[:60]})"
        if got is None:
            break
        finished = str(n + 1) in printed or (n + 1 == len(steps) and "end" in printed)
        if not finished:
            print(f"✗ {where}: the block failed (exit status {code}); it printed:")
            print("\n".join("    " + l for l in got))
            failures += 1
            break
        if step["expect"] is not None and not matches(step["expect"], got):
            print(f"✗ {where}: printed something else than the README shows.\n  README:")
            print("\n".join("    " + l for l in step["expect"]))
            print("  printed:")
            print("\n".join("    " + l for l in got))
            failures += 1
        else:
            checked = "output as shown" if step["expect"] is not None else "ran"
            print(f"✓ {where}: {checked}")
        if show_all:
            print("\n".join("    " + l for l in got))
    ran = len([k for k in printed if k != "end"])
    if code != 0 and failures == 0:
        print(f"✗ the walk-through stopped (exit status {code}) after {ran} of {len(steps)} blocks")
        failures += 1
    if failures:
        print(f"(scratch folder kept: {scratch})")
        sys.exit(1)
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"README walk-through: {len(steps)} blocks ran as written in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
