#!/usr/bin/env python3
"""Regenerate src/scan/rules/gitleaks.json, the credential rules of `vaultfile scan`.

The rules are gitleaks' default configuration (config/gitleaks.toml, v8.30.1, MIT), as the
crates.io crate `keyspoor` 0.1.4 ships them already transformed to JSON with regexes that
Rust's `regex` crate compiles (src/builtin_rules.json, Apache-2.0 for the transformation).
We take the crate from the cargo registry rather than depend on it (it needs a newer Rust
than ours, and we only want its data) and write a compact file:

- the global allow-list, which keyspoor repeats as the first group of every rule, once at
  the top level;
- per rule only what the scanner uses: id, description, regex, secret group, keywords,
  entropy, path and the rule's own allow-list groups.

Usage: python3 scripts/update-scan-rules.py [--check]
  --check   exit 1 if the committed file differs from what would be written

The crate is found in $CARGO_HOME/registry/src (or ~/.cargo); if it is not there, a
throwaway cargo project with `keyspoor = "=0.1.4"` is fetched (`cargo fetch`) first.
See src/scan/rules/NOTICE for the licences.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile

CRATE = "keyspoor"
VERSION = "0.1.4"
# The SHA-256 of the crate's src/builtin_rules.json that this script was written against:
# a different file means the transformation below must be reviewed again.
RULES_SHA256 = "5c5323a02c4f00f70fc5e48d219ad6728778a83d011e303579eb6e6d9d07ee1b"
EXPECTED_RULES = 221

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src", "scan", "rules", "gitleaks.json")


def cargo_home() -> str:
    return os.environ.get("CARGO_HOME") or os.path.join(os.path.expanduser("~"), ".cargo")


def find_crate() -> str | None:
    pattern = os.path.join(cargo_home(), "registry", "src", "*", f"{CRATE}-{VERSION}")
    hits = sorted(glob.glob(pattern))
    return hits[0] if hits else None


def fetch_crate() -> str:
    """Downloads the crate into the cargo registry through a throwaway project."""
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "Cargo.toml"), "w") as f:
            f.write(
                '[package]\nname = "fetch-scan-rules"\nversion = "0.0.0"\nedition = "2021"\n'
                f'[dependencies]\n{CRATE} = "={VERSION}"\n'
            )
        os.makedirs(os.path.join(tmp, "src"))
        with open(os.path.join(tmp, "src", "lib.rs"), "w") as f:
            f.write("")
        subprocess.run(["cargo", "fetch", "--quiet"], cwd=tmp, check=True)
        # `cargo fetch` downloads the .crate; reading its metadata unpacks it into src/.
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--quiet"],
            cwd=tmp,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    path = find_crate()
    if path is None:
        # Unpack the downloaded archive ourselves.
        archives = glob.glob(
            os.path.join(cargo_home(), "registry", "cache", "*", f"{CRATE}-{VERSION}.crate")
        )
        if not archives:
            sys.exit(f"cannot find {CRATE}-{VERSION} after cargo fetch")
        dest = tempfile.mkdtemp()
        subprocess.run(["tar", "-xzf", archives[0], "-C", dest], check=True)
        path = os.path.join(dest, f"{CRATE}-{VERSION}")
    return path


# keyspoor 0.1.4 narrowed gitleaks' generic-api-key rule to allow only whitespace between
# the credential word and the operator (its docs/RULE_SOURCES.md, "Local context
# corrections"), so `DB_PASSWORD_PROD=...` or `password_3: ...` no longer match. vaultfile
# restores gitleaks' own `[ \t\w.-]{0,20}` there (the rule's allow-list, which names
# `key_id`, `api_version`, ..., is written for it).
CORRECTIONS = {
    "generic-api-key": ("(?:[ \\t]{0,20})", "(?:[ \\t\\w.-]{0,20})"),
}


def group(g: dict) -> dict:
    """One allow-list group with empty categories and default values left out."""
    out: dict = {}
    if g.get("condition", "or") != "or":
        out["condition"] = g["condition"]
    if g.get("target", "secret") != "secret":
        out["target"] = g["target"]
    for key in ("regexes", "paths", "stopwords"):
        if g.get(key):
            out[key] = g[key]
    return out


def transform(data: dict) -> dict:
    rules = data["rules"]
    if len(rules) != EXPECTED_RULES:
        sys.exit(f"expected {EXPECTED_RULES} rules, found {len(rules)}")
    global_group = rules[0]["allowlist"][0]
    out_rules = []
    for r in rules:
        if r["allowlist"][0] != global_group:
            sys.exit(f"rule {r['id']}: its first allow-list group is not the global one")
        if r.get("exclude_paths"):
            sys.exit(f"rule {r['id']}: exclude_paths is not supported")
        regex = r["pattern"]
        if r["id"] in CORRECTIONS:
            old, new = CORRECTIONS[r["id"]]
            if regex.count(old) != 1:
                sys.exit(f"rule {r['id']}: the correction no longer applies: review it")
            regex = regex.replace(old, new)
        rule: dict = {"id": r["id"], "description": r["name"], "regex": regex}
        if r.get("secret_group") is not None:
            rule["secret_group"] = r["secret_group"]
        rule["keywords"] = r["keywords"]
        if r.get("min_entropy"):
            rule["entropy"] = r["min_entropy"]
        if r.get("path"):
            rule["path"] = r["path"]
        own = [group(g) for g in r["allowlist"][1:]]
        if own:
            rule["allowlists"] = own
        out_rules.append(rule)
    return {
        "source": (
            f"gitleaks v8.30.1 config/gitleaks.toml (MIT, Copyright (c) 2019 Zachary Rice), "
            f"as transformed by the crate {CRATE} {VERSION} (Apache-2.0), compacted by "
            "scripts/update-scan-rules.py; see NOTICE"
        ),
        "allowlist": group(global_group),
        "rules": out_rules,
    }


def render(doc: dict) -> str:
    """One rule per line: compact, and a rule change is a one-line diff."""
    lines = ["{"]
    lines.append(f' "source": {json.dumps(doc["source"])},')
    lines.append(f' "allowlist": {json.dumps(doc["allowlist"], ensure_ascii=False)},')
    lines.append(' "rules": [')
    body = [json.dumps(r, ensure_ascii=False) for r in doc["rules"]]
    lines.append(",\n".join("  " + b for b in body))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> None:
    check = "--check" in sys.argv[1:]
    crate = find_crate() or fetch_crate()
    src = os.path.join(crate, "src", "builtin_rules.json")
    raw = open(src, "rb").read()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != RULES_SHA256:
        sys.exit(f"{src}: SHA-256 {digest}, expected {RULES_SHA256}: review the transformation")
    text = render(transform(json.loads(raw)))
    if check:
        current = open(OUT, encoding="utf-8").read() if os.path.exists(OUT) else ""
        if current != text:
            sys.exit(f"{OUT} is out of date: run scripts/update-scan-rules.py")
        print(f"{OUT} is up to date")
        return
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {OUT} ({EXPECTED_RULES} rules from {crate})")


if __name__ == "__main__":
    main()
