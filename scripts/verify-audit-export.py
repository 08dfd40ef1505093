#!/usr/bin/env python3
"""Re-verify an audit log exported from Pointsmarket (CSV), with nothing but Python's standard
library: every entry's SHA-256 is recomputed from the fields it covers, and each entry must follow
the one before it in its chain (its "前一条哈希" is that entry's "本条哈希").

    python3 scripts/verify-audit-export.py village-1-audit-2026-11-01.csv

It prints the last hash of each chain, to compare with the roots the public board printed, and
exits 1 naming each entry that does not verify. An export made for someone outside the village
masks names and phone numbers in the text, so its hashes do not verify; its links still do.
"""
import csv
import hashlib
import sys

NEUTRALISED = tuple("=+-@\t\r")  # the export puts an apostrophe before cells starting so


def cell(value):
    if value.startswith("'") and value[1:].startswith(NEUTRALISED):
        return value[1:]
    return value


def uvarint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def entry_hash(row):
    h = hashlib.sha256()

    def field(b):
        h.update(uvarint(len(b)))
        h.update(b)

    def text(name):
        field(cell(row[name]).encode("utf-8"))

    text("链")
    text("序号")
    field(bytes.fromhex(row["前一条哈希"]))
    text("时间（UTC）")
    text("操作人")
    text("角色")
    text("乡镇编号")
    text("村编号")
    text("操作")
    text("对象")
    text("对象编号")
    text("变更前")
    text("变更后")
    text("IP")
    text("请求编号")
    return h.hexdigest()


def main(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    problems = []
    last = {}
    for row in sorted(rows, key=lambda r: (r["链"], int(r["序号"]))):
        chain, seq = row["链"], int(row["序号"])
        if entry_hash(row) != row["本条哈希"]:
            problems.append(f"entry {row['编号']} (chain {chain} seq {seq}): its content does not match its hash")
        prev = last.get(chain)
        if prev is None and seq == 1 and row["前一条哈希"] != "0" * 64:
            problems.append(f"entry {row['编号']} (chain {chain} seq 1): a chain's first entry follows nothing")
        if prev is not None:
            if seq != prev[0] + 1:
                problems.append(f"chain {chain}: seq {prev[0]} is followed by {seq} (entries missing)")
            elif row["前一条哈希"] != prev[1]:
                problems.append(f"entry {row['编号']} (chain {chain} seq {seq}): it does not follow the entry before it")
        last[chain] = (seq, row["本条哈希"])
    first = {}
    for row in rows:
        first[row["链"]] = min(first.get(row["链"], 1 << 62), int(row["序号"]))
    for chain, (seq, h) in sorted(last.items()):
        print(f"{chain} seq {first[chain]}–{seq}: {h}")
    for p in problems:
        print("BREACH:", p)
    if problems:
        print(f"FAILED: {len(problems)} of {len(rows)} entries do not verify")
        return 1
    print(f"OK: {len(rows)} entries in {len(last)} chains verify")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
