#!/usr/bin/env python3
"""Extracts the small committed test fixtures of Tests/GazetteerTests/Fixtures/gazetteer from the
fetched public data (scripts/fetch-gazetteer-data): every province, city and county of the MCA list,
Hubei's townships, Wuhan's villages, the rename list, Hubei's centres, the OpenCC character table,
a compact pinyin table and simplified boundaries of Wuhan's districts (still GCJ-02, as published).

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

rows = open(os.path.join(data, "adcodes.csv"), encoding="utf-8").read().split("\n")
open(os.path.join(out, "adcodes.csv"), "w", encoding="utf-8").write(
    "\n".join([rows[0]] + [r for r in rows[1:] if r.startswith("42") or r[:6] in ("110105", "220104")]) + "\n")

tones = str.maketrans("āáǎàēéěèêếềīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ", "aaaaeeeeeeeiiiioooouuuuvvvvvnnnm")
readings = json.load(open(os.path.join(data, "pinyin_dict.json"), encoding="utf-8"))
groups = {}
for code, value in readings.items():
    code = int(code)
    if 0x4E00 <= code <= 0x9FFF:
        syllable = "".join(c for c in value.split(",")[0].translate(tones) if c.isascii() and c.isalpha())
        groups.setdefault(syllable, []).append(chr(code))
open(os.path.join(out, "pinyin.txt"), "w", encoding="utf-8").write(
    "".join(f"{s}\t{''.join(sorted(cs))}\n" for s, cs in sorted(groups.items())))

def simplify(ring, tolerance):
    if len(ring) < 5:
        return ring
    def dp(points):
        if len(points) < 3:
            return points
        (x1, y1), (x2, y2) = points[0], points[-1]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5 or 1e-12
        index, worst = 0, -1
        for i in range(1, len(points) - 1):
            x, y = points[i]
            d = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm
            if d > worst:
                index, worst = i, d
        if worst <= tolerance:
            return [points[0], points[-1]]
        return dp(points[: index + 1])[:-1] + dp(points[index:])
    result = dp(ring)
    return result if len(result) >= 4 else ring[:: max(1, len(ring) // 8)] + [ring[0]]

for name in sorted(os.listdir(os.path.join(data, "boundaries"))):
    code = name[:-8]
    if len(code) == 6 and code.startswith("4201") and code != "420100":
        geometry = json.load(open(os.path.join(data, "boundaries", name), encoding="utf-8"))
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        polygons = [[[[round(x, 6), round(y, 6)] for x, y in simplify(ring, 0.002)] for ring in polygon[:1]] for polygon in polygons]
        polygons = [p for p in polygons if len(p[0]) >= 4]
        json.dump({"type": "MultiPolygon", "coordinates": polygons}, open(os.path.join(out, "boundaries", name), "w"), separators=(",", ":"))
