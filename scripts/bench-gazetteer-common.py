"""Shared by the gazetteer benchmark's evaluation scripts (bench-gazetteer-evalset.py builds the
independent set, bench-gazetteer-score.py scores it): reading JioNLP's list and Unihan, and the stems
that names are compared by."""
import bz2, unicodedata

COUNTY_SUFFIXES = ["自治旗", "自治县", "林区", "特区", "新区", "矿区", "区", "县", "市", "旗"]
TOWN_SUFFIXES = ["街道办事处", "地区办事处", "办事处", "街道", "地区", "民族乡", "民族苏木", "苏木", "镇", "乡"]
# The 55 minority nationalities, longest first, for names like 四排赫哲族乡 or 长阳土家族自治县.
ETHNIC_GROUPS = sorted(
    "乌孜别克 柯尔克孜 达斡尔 鄂温克 鄂伦春 俄罗斯 维吾尔 哈萨克 塔吉克 塔塔尔 蒙古 布依 朝鲜 土家 哈尼 傈僳 高山 拉祜 东乡 纳西 景颇 仫佬 "
    "布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 德昂 保安 裕固 独龙 赫哲 门巴 珞巴 基诺 回 藏 苗 彝 壮 满 侗 瑶 白 傣 黎 佤 畲 水 土 羌 怒 京".split(),
    key=len, reverse=True)


def stem(name, suffixes):
    """The name without its level word and any nationality part: 四排赫哲族乡 → 四排, 平泉县 → 平泉."""
    if not isinstance(name, str) or not name:
        return None
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
            break
    stripped = True
    while stripped:
        stripped = False
        for group in ETHNIC_GROUPS:
            if name.endswith(group + "族") and len(name) > len(group) + 2:
                name = name[: -len(group) - 1]
                stripped = True
                break
    return name


class Unit:
    """A township-level unit of JioNLP's list, with what lies above and below it."""
    __slots__ = ("province", "city", "county", "county_code", "township", "villages")


def read_jionlp(path):
    """JioNLP's `china_location.txt`: (province shorts, city shorts, county shorts, township units)."""
    provinces, cities, county_short, townships = {}, {}, {}, []
    province = city = county = code = current = None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip("\t"))
        fields = [f for f in line.split("\t") if f]
        if depth == 0:
            province = fields[0]
            provinces[province] = fields[2] if len(fields) > 2 else province
        elif depth == 1:
            city = fields[0]
            cities[(province, city)] = fields[2] if len(fields) > 2 else city
        elif depth == 2:
            county = fields[0]
            code = fields[1] if len(fields) > 1 else None
            if len(fields) > 2:
                county_short[(province, county)] = fields[2]
        elif depth == 3:
            current = Unit()
            current.province, current.city, current.county, current.county_code = province, city, county, code
            current.township, current.villages = fields[0], []
            if code and not province.startswith("台湾"):
                townships.append(current)
        elif current is not None:
            current.villages.append(fields[0])
    return provinces, cities, county_short, townships


def unihan(directory, name):
    """(character, field, value) of one Unihan file (Debian's unicode-data ships them bzip2'd)."""
    with bz2.open(f"{directory}/Unihan_{name}.txt.bz2", "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("U+"):
                cp, field, value = line.rstrip("\n").split("\t", 2)
                yield chr(int(cp[2:], 16)), field, value


def toneless(reading):
    plain = unicodedata.normalize("NFD", reading)
    return "".join(c for c in plain if c.isascii() and c.isalpha())


def unihan_variants(directory):
    """character → its traditional, simplified, z- and semantic variants (Unihan)."""
    variants = {}
    for char, field, value in unihan(directory, "Variants"):
        if field in ("kTraditionalVariant", "kSimplifiedVariant", "kZVariant", "kSemanticVariant", "kSpecializedSemanticVariant"):
            for target in (chr(int(v.split("<")[0][2:], 16)) for v in value.split()):
                if target != char:
                    variants.setdefault(char, set()).add(target)
                    variants.setdefault(target, set()).add(char)
    return variants
