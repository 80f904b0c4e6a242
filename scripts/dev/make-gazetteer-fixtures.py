#!/usr/bin/env python3
"""Extracts the small committed test fixtures of Tests/GazetteerTests/Fixtures/gazetteer from the
fetched public data (scripts/fetch-gazetteer-data): every province, city and county of the MCA list,
Hubei's townships, Wuhan's villages, the rename list, Hubei's centres, the OpenCC character table,
a compact pinyin table and the boundaries of Wuhan's districts (GCJ-02, as published).

    scripts/dev/make-gazetteer-fixtures.py DATA_DIR OUT_DIR
"""
import json, os, shutil, sys

data, out = sys.argv[1], sys.argv[2]
os.makedirs(os.path.join(out, "boundaries"), exist_ok=True)

source = json.load(open(os.path.join(data, "divisions.json"), encoding="utf-8"))
keep = [row for row in source["divisions"] if row[0] <= 3 or row[1].startswith("42")]
json.dump({"metadata": {**source["metadata"], "fixture": "levels 1-3 everywhere, townships of Hubei (42)"}, "divisions": keep},
          open(os.path.join(out, "divisions.json"), "w", encoding="utf-8"), ensure_ascii=False, separators=(",", ":"))

lines = open(os.path.join(data, "china_location.txt"), encoding="utf-8").read().split("\n")
kept, province, county = [], None, None
for line in lines:
    depth = len(line) - len(line.lstrip("\t"))
    fields = [f for f in line.split("\t") if f]
    if not fields:
        continue
    if depth == 0:
        province = fields[1] if len(fields) > 1 else None
    if depth == 2:
        county = fields[1] if len(fields) > 1 else ""
    if depth <= 2 or (province == "420000" and depth == 3) or (depth == 4 and county.startswith("4201")):
        if depth <= 1 or province == "420000" or depth == 2:
            kept.append(line)
open(os.path.join(out, "china_location.txt"), "w", encoding="utf-8").write("\n".join(kept) + "\n")
shutil.copy(os.path.join(data, "china_location_change.txt"), out)
shutil.copy(os.path.join(data, "TSCharacters.txt"), out)

shutil.copy(os.path.join(data, "adcodes.csv"), out)

tones = str.maketrans("āáǎàēéěèêếềīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ", "aaaaeeeeeeeiiiioooouuuuvvvvvnnnm")
readings = json.load(open(os.path.join(data, "pinyin_dict.json"), encoding="utf-8"))
groups, others = {}, {}
for code, value in readings.items():
    code = int(code)
    if 0x4E00 <= code <= 0x9FFF:
        syllables = []
        for reading in value.split(","):
            syllable = "".join(c for c in reading.translate(tones) if c.isascii() and c.isalpha())
            if syllable and syllable not in syllables:
                syllables.append(syllable)
        for index, syllable in enumerate(syllables):
            (groups if index == 0 else others).setdefault(syllable, []).append(chr(code))
# First readings as `syllable<TAB>characters`, other readings as `syllable<TAB>*characters`.
open(os.path.join(out, "pinyin.txt"), "w", encoding="utf-8").write(
    "".join(f"{s}\t{''.join(sorted(cs))}\n" for s, cs in sorted(groups.items()))
    + "".join(f"{s}\t*{''.join(sorted(cs))}\n" for s, cs in sorted(others.items())))

for name in sorted(os.listdir(os.path.join(data, "boundaries"))):
    code = name[:-8]
    if len(code) == 6 and code.startswith("4201") and code != "420100":
        geometry = json.load(open(os.path.join(data, "boundaries", name), encoding="utf-8"))
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        json.dump({"type": "MultiPolygon", "coordinates": polygons}, open(os.path.join(out, "boundaries", name), "w"), separators=(",", ":"))
