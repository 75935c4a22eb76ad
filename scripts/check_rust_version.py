#!/usr/bin/env python3
"""Checks the `rust-version` Cargo.toml declares, on a machine with one toolchain.

Only one Rust toolchain exists where CI runs and no other can be fetched, so `cargo +1.91 check`
is not possible. What is checked instead, every part of it real:

1. the installed rustc is at least the declared rust-version (else the declaration is a lie
   that this very CI run would not notice);
2. no package in the resolved dependency graph (Cargo.lock, `--locked`, every target and the
   dev-dependencies included) declares a rust-version newer than ours: a `cargo update` that
   pulls in a crate needing a newer compiler fails here, naming the crate;
3. our own code's use of the standard library is checked by clippy's `incompatible_msrv` lint,
   which reads the same rust-version, in the clippy step of .ci/run (-D warnings).

Not covered: language features of our own code newer than rust-version (only a build with
that toolchain would tell). Usage: check_rust_version.py [MANIFEST]  (default: Cargo.toml).
"""
import json
import re
import subprocess
import sys


def version(text):
    parts = [int(p) for p in re.findall(r"\d+", text)[:3]]
    return tuple(parts + [0] * (3 - len(parts)))


def main():
    manifest = sys.argv[1] if len(sys.argv) > 1 else "Cargo.toml"
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked", "--manifest-path", manifest],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    ours = [p for p in meta["packages"] if p["id"] in meta["workspace_members"]]
    failed = False
    for package in ours:
        declared = package.get("rust_version")
        if not declared:
            print(f"error: {package['name']} declares no rust-version in {manifest}")
            failed = True
            continue
        rustc = subprocess.run(["rustc", "--version"], check=True, capture_output=True, text=True).stdout
        installed = re.search(r"\d+\.\d+\.\d+", rustc).group(0)
        print(f"{package['name']}: rust-version {declared}; installed rustc {installed}")
        if version(installed) < version(declared):
            print(f"error: rustc {installed} is older than the declared rust-version {declared}")
            failed = True
        resolved = {node["id"] for node in meta["resolve"]["nodes"]}
        newer = sorted(
            (version(p["rust_version"]), p["name"], p["version"], p["rust_version"])
            for p in meta["packages"]
            if p["id"] in resolved and p.get("rust_version") and version(p["rust_version"]) > version(declared)
        )
        for _, name, ver, needs in newer:
            print(f"error: {name} {ver} needs Rust {needs}, newer than rust-version {declared}")
            failed = True
        highest = max(
            (version(p["rust_version"]), p["rust_version"], p["name"])
            for p in meta["packages"]
            if p["id"] in resolved and p.get("rust_version") and p["id"] not in meta["workspace_members"]
        )
        print(f"{len(resolved)} resolved packages; the most demanding: {highest[2]} (Rust {highest[1]})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
