#!/usr/bin/env python3
"""Runs the peers of the gazetteer benchmark on the addresses it generated (JSON lines with the
truth): cpca.transform on all of them (batch; county level), and JioNLP's
parse_location(addr, town_village=True) on a sample (it is slow). Prints throughput and accuracy.

    bench-gazetteer-peers.py ADDRESSES.jsonl [JIONLP_SAMPLE]
"""
import json, sys, time, warnings, logging

warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)
path = sys.argv[1]
sample = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
rows = [json.loads(line) for line in open(path, encoding="utf-8")]
texts = [row["text"] for row in rows]

def pct(part, whole):
    return f"{100.0 * part / max(whole, 1):.2f} %"

import cpca
start = time.perf_counter()
frame = cpca.transform(texts)
elapsed = time.perf_counter() - start
adcodes = [str(code or "")[:6] for code in frame["adcode"]]
county_ok = sum(1 for code, row in zip(adcodes, rows) if code == row["county"])
print(f"cpca 0.5.5: batch {len(texts) / elapsed:.0f} addresses/s ({len(texts)} in {elapsed:.1f} s); "
      f"county {pct(county_ok, len(rows))}; township n/a (cpca stops at the county)")

import jionlp
subset = rows[:sample]
jionlp.parse_location(subset[0]["text"], town_village=True)  # load its dictionaries first
start = time.perf_counter()
parsed = [jionlp.parse_location(row["text"], town_village=True) for row in subset]
elapsed = time.perf_counter() - start
county_ok = township_ok = 0
for result, row in zip(parsed, subset):
    county = result.get("county") or (result.get("city") if row["county"].endswith("00") else None)
    if county == row["county_name"]:
        county_ok += 1
    if result.get("town") == row["township_name"]:
        township_ok += 1
print(f"JioNLP {jionlp.__version__}: {len(subset) / elapsed:.0f} addresses/s single ({len(subset)} in {elapsed:.1f} s); "
      f"county {pct(county_ok, len(subset))}; township {pct(township_ok, len(subset))} (first {len(subset)} addresses)")
