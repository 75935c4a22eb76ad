#!/usr/bin/env python3
# Usage: python3 gen_corpus.py --articles N --out DIR [--hugo DIR2] [--zola DIR3] [--seed S]
"""Deterministic corpus generator for the union-news bulletin site generator.

Writes a site in the project's own format (see the project's content format): site.yaml with a
metrics section and content/YYYY/MM/*.md news items with YAML front matter. Bodies are
realistic Chinese text recombined from the sentences of the seed newspaper page
(seed/000_48f04b64fca4897a.txt beside this script). With --hugo and/or --zola it also writes equivalent
sites for those two tools (same titles and bodies, taxonomies `regions` and `topics`,
minimal comparable templates), used as performance anchors.

Python 3 standard library only. The same --seed and --articles give byte-identical output.
"""
import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SEED_PAGE = os.path.join(HERE, "seed", "000_48f04b64fca4897a.txt")

SITE_TITLE = "工会新闻简报"
BASE_URL = "https://example.org/bulletin/"
PER_PAGE = 20
START_DATE = dt.date(2021, 1, 1)
DAYS = 5 * 365 + 1  # 2021-01-01 .. 2025-12-31

# ---------------------------------------------------------------- reference data

# (short, full, pinyin slug, weight, localities)
PROVINCES = [
    ("北京", "北京市", "beijing", 4, ["朝阳区", "海淀区", "丰台区"]),
    ("天津", "天津市", "tianjin", 3, ["滨海新区", "和平区"]),
    ("河北", "河北省", "hebei", 4, ["石家庄市", "唐山市", "保定市雄县"]),
    ("山西", "山西省", "shanxi", 3, ["太原市", "大同市", "长治市"]),
    ("内蒙古", "内蒙古自治区", "neimenggu", 3, ["呼和浩特市", "包头市", "鄂尔多斯市"]),
    ("辽宁", "辽宁省", "liaoning", 3, ["沈阳市", "大连市", "鞍山市"]),
    ("吉林", "吉林省", "jilin", 3, ["长春市", "吉林市"]),
    ("黑龙江", "黑龙江省", "heilongjiang", 3, ["哈尔滨市", "大庆市"]),
    ("上海", "上海市", "shanghai", 4, ["浦东新区", "闵行区"]),
    ("江苏", "江苏省", "jiangsu", 5, ["南京市", "苏州市昆山市", "无锡市"]),
    ("浙江", "浙江省", "zhejiang", 5, ["杭州市", "宁波市", "温州市"]),
    ("安徽", "安徽省", "anhui", 4, ["合肥市", "芜湖市", "淮南市"]),
    ("福建", "福建省", "fujian", 4, ["福州市", "厦门市", "泉州市晋江市"]),
    ("江西", "江西省", "jiangxi", 3, ["南昌市", "赣州市"]),
    ("山东", "山东省", "shandong", 5, ["青岛市莱西市", "日照市五莲县", "济南市"]),
    ("河南", "河南省", "henan", 5, ["郑州市", "洛阳市"]),
    ("湖北", "湖北省", "hubei", 4, ["武汉市", "荆州市", "宜昌市"]),
    ("湖南", "湖南省", "hunan", 4, ["长沙市", "株洲市"]),
    ("广东", "广东省", "guangdong", 6, ["广州市", "深圳市", "江门市开平市"]),
    ("广西", "广西壮族自治区", "guangxi", 3, ["南宁市", "柳州市"]),
    ("海南", "海南省", "hainan", 2, ["海口市", "三亚市"]),
    ("重庆", "重庆市", "chongqing", 3, ["渝中区", "万州区"]),
    ("四川", "四川省", "sichuan", 5, ["成都市", "雅安市", "绵阳市"]),
    ("贵州", "贵州省", "guizhou", 3, ["贵阳市", "遵义市"]),
    ("云南", "云南省", "yunnan", 3, ["昆明市", "曲靖市"]),
    ("西藏", "西藏自治区", "xizang", 1, ["拉萨市", "日喀则市"]),
    ("陕西", "陕西省", "shaanxi", 3, ["西安市碑林区", "宝鸡市", "延安市"]),
    ("甘肃", "甘肃省", "gansu", 2, ["兰州市", "天水市"]),
    ("青海", "青海省", "qinghai", 1, ["西宁市", "海东市"]),
    ("宁夏", "宁夏回族自治区", "ningxia", 1, ["银川市", "石嘴山市"]),
    ("新疆", "新疆维吾尔自治区", "xinjiang", 2, ["乌鲁木齐市", "克拉玛依市"]),
    ("台湾", "台湾省", "taiwan", 0.2, []),
    ("香港", "香港特别行政区", "xianggang", 0.5, []),
    ("澳门", "澳门特别行政区", "aomen", 0.3, []),
]
NATIONAL = ("全国", "全国", "quanguo", 20, [])
BINGTUAN = ("新疆生产建设兵团", "新疆生产建设兵团", "bingtuan", 0.5, [])
REGIONS = PROVINCES + [NATIONAL, BINGTUAN]

TOPICS = [
    ("基层蹲点", "grassroots"),
    ("新就业形态", "new-employment"),
    ("劳模服务", "model-workers"),
    ("疗休养", "recuperation"),
    ("经审监督", "audit"),
    ("婚恋服务", "matchmaking"),
    ("安全生产", "work-safety"),
    ("技能培训", "skills-training"),
    ("维权服务", "rights-protection"),
    ("职工文化", "workers-culture"),
    ("困难帮扶", "hardship-aid"),
    ("劳动竞赛", "labour-competition"),
]

# key, label, unit, aggregate, magnitude class
METRICS = [
    ("members_joined", "新入会职工", "人", "sum", "people_large"),
    ("cadres_dispatched", "下派蹲点干部", "人", "latest", "people_mid"),
    ("special_funds", "专项经费", "元", "sum", "money"),
    ("workers_benefited", "惠及职工", "人次", "sum", "people_large"),
    ("trainees", "参训职工", "人次", "sum", "people_mid"),
    ("events_held", "举办活动", "场次", "sum", "count"),
    ("unions_total", "已建工会组织", "个", "latest", "count"),
    ("discount_rate", "就医费用减免比例", "%", "max", "percent"),
]
METRIC = {m[0]: m for m in METRICS}

# sentences that carry a figure; {p} place, {v} the value as written
FIGURE_SENTENCES = {
    "members_joined": ["{p}工会今年已吸纳{v}名新就业形态劳动者入会",
                       "{p}累计发展新会员{v}人", "{p}新入会职工达{v}人"],
    "cadres_dispatched": ["{p}已下派蹲点干部{v}人", "{p}工会共选派{v}名干部赴基层蹲点"],
    "special_funds": ["{p}共安排专项经费{v}元,推动解决基层工会重点难点问题",
                      "{p}总工会设立{v}元专项资金,用于工会规范化建设"],
    "workers_benefited": ["{p}相关活动预计惠及{v}名职工", "{p}各项服务惠及职工{v}人次"],
    "trainees": ["{p}累计培训职工{v}人次", "{p}组织{v}名职工参加技能培训"],
    "events_held": ["{p}共举办各类活动{v}场次", "{p}全年开展主题活动{v}场"],
    "unions_total": ["{p}已建立工会组织{v}个", "{p}已建成基层工会{v}个"],
    "discount_rate": ["{p}劳模门诊检查检验项目减免{v}", "{p}劳模就医可享受{v}的费用减免"],
}
FREE_FIGURES = [  # figures without a metric: label required
    ("现场成功牵手", "对", "现场成功牵手{v}对"),
    ("参加活动的单身职工", "人次", "参加活动的单身职工达{v}人次"),
    ("外卖骑手入会", "名", "吸引{v}名外卖骑手入会"),
    ("直播间粉丝", "名", "直播间拥有{v}名粉丝"),
    ("优选疗休养基地", "家", "优选{v}家疗休养基地"),
]

TITLES = {
    "基层蹲点": ["{p}工会积极稳妥开展基层蹲点工作", "{p}工会干部下沉一线蹲点调研",
             "{p}总工会启动{y}年基层蹲点工作", "带着问题下基层 {p}蹲点干部把问题解决在一线"],
    "新就业形态": ["{p}推动新就业形态劳动者建会入会", "{p}工会为外卖骑手建起“小哥之家”",
              "{p}成立网约车行业工会联合会", "{p}开展新就业形态劳动者入会集中行动"],
    "劳模服务": ["{p}:劳模就医可享受优诊服务", "{p}工会为劳模开通就医绿色通道",
             "{p}开展劳模健康体检和走访慰问"],
    "疗休养": ["{p}工会{y}年疗休养活动启动", "{p}组织技术工人和先进职工疗休养",
            "{p}首批职工疗休养基地揭牌"],
    "经审监督": ["{p}工会构建新时代经审监督体系", "{p}工会强化预决算审查监督",
             "{p}推行基层工会“模板审计”工作法"],
    "婚恋服务": ["{p}工会“红娘”搭鹊桥 单身职工结良缘", "{p}举办青年职工交友联谊活动",
             "{p}“工会鹊桥”小程序正式上线"],
    "安全生产": ["{p}开展安全生产月系列活动", "{p}工地上的防暑演练", "{p}工会组织职工开展应急演练"],
    "技能培训": ["{p}技能大师直播带“课”", "{p}工会开展职工技能培训", "{p}举办职工职业技能大赛"],
    "维权服务": ["{p}工会为货车司机做好维权服务", "{p}设立劳动争议诉前调解室",
             "{p}工会法律援助为职工讨薪"],
    "职工文化": ["{p}职工书屋建设提质增效", "{p}举办第{n}届职工文化艺术节", "{p}工会送文化进企业"],
    "困难帮扶": ["{p}工会开展困难职工帮扶", "{p}“金秋助学”活动启动", "{p}工会为困难职工送温暖"],
    "劳动竞赛": ["{p}开展重点工程劳动竞赛", "{p}劳动竞赛助推项目建设",
             "{p}工会组织“建功新时代”劳动竞赛"],
}
LEADS = {
    "基层蹲点": ["全面启动领导机关干部赴基层蹲点工作", "选派干部深入基层一线开展蹲点调研"],
    "新就业形态": ["集中推进新就业形态劳动者建会入会工作", "为快递员、外卖送餐员等新就业形态劳动者送去关爱"],
    "劳模服务": ["面向劳动模范开展就医优诊和走访慰问工作", "推出劳模服务管理系列举措"],
    "疗休养": ["启动年度技术工人和先进职工疗休养活动", "组织一线职工代表参加疗休养"],
    "经审监督": ["召开工会经审工作会议,部署年度经审监督重点任务", "推进工会经审工作规范化建设"],
    "婚恋服务": ["举办青年职工交友联谊活动,为单身职工牵线搭桥", "打造“线上+线下”婚恋服务平台"],
    "安全生产": ["组织开展安全生产月系列活动和应急演练", "深入开展群众性安全生产监督检查"],
    "技能培训": ["开展职工技能培训和技能大师带徒活动", "举办职工职业技能大赛"],
    "维权服务": ["联合有关部门开展职工法律援助和劳动争议调解工作", "为货车司机等群体做好维权服务"],
    "职工文化": ["举办职工文化活动,推动职工书屋提质增效", "开展送文化进基层活动"],
    "困难帮扶": ["开展困难职工帮扶和走访慰问活动", "启动“金秋助学”活动"],
    "劳动竞赛": ["在重点工程项目中组织开展劳动竞赛", "启动“建功新时代”主题劳动竞赛"],
}
KICKERS = ["弘扬“三个精神” 培育劳模工匠", "喜迎二十大 建功新时代", "{p}总工会精准发力",
           "践行以职工为中心的工作导向", "新就业形态劳动者入会集中行动", "工会进万家"]
HEADINGS = ["摸清底数,心中有数", "分步实施,努力建“家”", "定制服务,温暖“家人”", "强化政策引领",
            "创新服务手段", "设立专项资金", "线上线下联动", "带着问题下基层", "把问题解决在基层",
            "打造示范样板", "健全工作机制", "延伸服务链条", "凝聚职工力量", "提升服务实效"]
COLUMNS = ["新闻特写", "基层蹲点", "劳模风采", "工会视窗", "职工之声", "一线传真"]
KINDS = [("消息", 75), ("通讯", 10), ("特写", 6), ("图片新闻", 5), ("评论", 4)]
SURNAMES = "朱陈魏张杨叶田谢鹿戚郭黄吴王李刘赵孙周徐胡高林何马罗梁宋郑韩冯邓曹彭曾萧田董袁潘蒋蔡余杜"
GIVEN = "欣华强士好明清楠小钟甜迅慧敏静晓军良鹏婷雪雷山远淑鑫凤佳运怀巍俊吉惠伟芳娜秀英丽军磊洋勇艳杰涛超"
LINKS = [("中华全国总工会", "https://www.acftu.org/"), ("工人日报", "https://www.workercn.cn/"),
         ("中工网", "https://www.workercn.cn/"), ("国家统计局", "https://www.stats.gov.cn/")]
CODE_LANGS = ["rust", "python", "yaml", "json"]


# ---------------------------------------------------------------- seed text

TERMINAL = "。!?！？"


def split_sentences(text):
    """Splits on 。!? outside quotation marks; a closing quote stays with its sentence."""
    out, cur, depth = [], "", 0
    for i, c in enumerate(text):
        cur += c
        if c == "“":
            depth += 1
        elif c == "”":
            depth = max(0, depth - 1)
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if depth == 0 and (c in TERMINAL or c == "”" and cur[-2:-1] in TERMINAL) \
                and nxt not in TERMINAL + "”":
            out.append(cur)
            cur = ""
    if cur.strip():
        out.append(cur)
    return out


def load_seed(path):
    """Returns (sentences, short_lines) recombined from the seed page."""
    with open(path, encoding="utf-8") as f:
        lines = [ln.strip() for ln in f.read().splitlines()]
    lines = [ln for ln in lines if ln]
    paras, buf = [], ""
    for i, ln in enumerate(lines):
        buf += ln
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        # a line broken by the page layout: long and unterminated, or the next line
        # starts with the tail of a sentence ("务。我们……")
        broken = ln[-1] not in TERMINAL + "”" and not ln.endswith("——") and (
            len(ln) >= 38 or re.match(r"^[^。!?！？]{1,3}[。!?！？]", nxt))
        if broken:
            continue
        paras.append(buf)
        buf = ""
    if buf:
        paras.append(buf)
    sentences, short = [], []
    for p in paras:
        if any(c in p for c in TERMINAL) and len(p) > 30:
            for s in split_sentences(p):
                s = s.strip().replace("~", "至")
                if len(s) >= 12 and "本报讯" not in s and s.count("“") == s.count("”"):
                    sentences.append(s)
        elif 4 <= len(p) <= 30 and "本报" not in p and "摄" not in p:
            short.append(p)
    return sentences, short


# ---------------------------------------------------------------- helpers

def wchoice(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def person(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def yaml_str(s):
    """A YAML scalar for a string: plain where that is unambiguous, else double-quoted."""
    if s == "" or s[0] in "-?:,[]{}#&*!|>'\"%@`“" or ": " in s or " #" in s or \
            re.fullmatch(r"[0-9.+\-eE:TZ ]+|true|false|yes|no|null|on|off|~", s, re.I) or \
            s != s.strip():
        return json.dumps(s, ensure_ascii=False)
    return s


def yaml_val(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(yaml_val(x) for x in v) + "]"
    return yaml_str(v)


def chinese_value(rng, cls):
    """A number as written in Chinese news: 6283, 1.5万, 2900余万, 约30万, 100多, 20% ..."""
    r = rng.random()
    if cls == "percent":
        return "%d%%" % rng.choice((5, 10, 15, 20, 25, 30, 40, 50))
    if cls == "money":
        if r < 0.3:
            return "%d万" % rng.randrange(10, 999)
        if r < 0.55:
            return "%d余万" % (rng.randrange(1, 300) * 10)
        if r < 0.7:
            return "%d.%d亿" % (rng.randrange(1, 9), rng.randrange(1, 9))
        if r < 0.85:
            return "约%d万" % rng.randrange(5, 500)
        return str(rng.randrange(5, 999) * 1000)
    if cls == "people_large":
        if r < 0.3:
            return str(rng.randrange(1000, 99999))
        if r < 0.5:
            return "%d.%d万" % (rng.randrange(1, 9), rng.randrange(1, 9))
        if r < 0.6:
            return "%d万" % rng.randrange(2, 50)
        if r < 0.72:
            return "约%d万" % rng.randrange(2, 80)
        if r < 0.82:
            return "%d余万" % rng.randrange(1, 20)
        if r < 0.92:
            return "%d余" % (rng.randrange(10, 99) * 10)
        if r < 0.97:
            return "%d多" % (rng.randrange(1, 9) * 100)
        return "近千"
    if cls == "people_mid":
        if r < 0.5:
            return str(rng.randrange(20, 9999))
        if r < 0.7:
            return "%d余" % (rng.randrange(2, 99) * 10)
        if r < 0.85:
            return "%d多" % (rng.randrange(1, 20) * 100)
        return "约%d" % (rng.randrange(2, 99) * 100)
    # count
    if r < 0.6:
        return str(rng.randrange(3, 500))
    if r < 0.8:
        return "%d余" % (rng.randrange(1, 50) * 10)
    return "%d多" % (rng.randrange(1, 9) * 100)


def cn_date(d):
    return "%d月%d日" % (d.month, d.day)


# ---------------------------------------------------------------- one item

class Item:
    pass


def pick_region(rng):
    reg = wchoice(rng, REGIONS, [r[3] for r in REGIONS])
    short, full, slug, _, locs = reg
    loc = ""
    if locs and rng.random() < 0.3:
        loc = rng.choice(locs)
    if reg in (NATIONAL, BINGTUAN):
        written = short
    else:
        r = rng.random()
        if loc:
            written = (full if r < 0.4 else short) + loc
        elif r < 0.6:
            written = short
        elif r < 0.93:
            written = full
        else:
            written = slug
    # the place named in the text, and the shorter form used in headlines
    place = (loc if rng.random() < 0.3 else full + loc) if loc else full
    title_place = short
    if loc:
        last = re.findall(r".+?(?:新区|市|区|县)", loc)[-1]
        title_place = short + (last if last.endswith("新区") else last[:-1])
    return reg, written, place, title_place


def make_figures(rng, item):
    n = wchoice(rng, [0, 1, 2, 3, 4, 5], [25, 25, 20, 15, 10, 5])
    figs, used = [], set()
    for _ in range(n):
        fig = {}
        if rng.random() < 0.08:
            label, unit, tmpl = rng.choice(FREE_FIGURES)
            v = chinese_value(rng, "people_mid")
            fig = {"label": label, "value": v, "unit": unit}
            sentence = tmpl.format(v=v)
        else:
            key = rng.choice([m[0] for m in METRICS if m[0] not in used])
            used.add(key)
            _, mlabel, munit, _, cls = METRIC[key]
            v = chinese_value(rng, cls)
            fig["metric"] = key
            if rng.random() < 0.15:
                fig["label"] = mlabel + rng.choice(("", "(累计)", "(本年度)"))
            # YAML: plain numbers as numbers, qualified values as strings
            fig["value"] = int(v) if v.isdigit() and rng.random() < 0.5 else v
            if cls != "percent" and rng.random() < 0.7:
                fig["unit"] = munit
            place = item.place
            override = (item.reg is NATIONAL and rng.random() < 0.6) or rng.random() < 0.03
            if override:
                oreg = wchoice(rng, PROVINCES, [p[3] for p in PROVINCES])
                fig["region"] = oreg[0]
                place = oreg[1]
            sentence = rng.choice(FIGURE_SENTENCES[key]).format(p=place, v=v)
            if METRIC[key][3] == "latest" and rng.random() < 0.3:
                as_of = item.date - dt.timedelta(days=rng.randrange(0, 20))
                fig["as_of"] = as_of.isoformat()
                sentence = "截至%s," % cn_date(as_of) + sentence
        figs.append((fig, sentence + "。"))
    return figs


def paragraph(rng, sentences, k_lo=2, k_hi=5):
    return "".join(rng.sample(sentences, rng.randint(k_lo, k_hi)))


def code_block(rng, item, lang):
    figs = [f for f, _ in item.figures if "metric" in f] or [{"metric": "members_joined", "value": 6283}]
    if lang == "json":
        body = json.dumps({"region": item.reg[2], "date": item.date.isoformat(),
                           "figures": [{"metric": f["metric"], "value": str(f["value"])} for f in figs]},
                          ensure_ascii=False, indent=2)
    elif lang == "yaml":
        body = "region: %s\ndate: %s\nfigures:\n" % (item.reg[2], item.date.isoformat()) + \
            "".join("  - metric: %s\n    value: \"%s\"\n" % (f["metric"], f["value"]) for f in figs)
    elif lang == "python":
        body = ("import json\n\n\ndef total(figures, metric):\n"
                "    \"\"\"Adds up the parsed figures of one metric.\"\"\"\n"
                "    return sum(f[\"parsed\"] for f in figures if f[\"metric\"] == metric)\n\n\n"
                "with open(\"%s.json\", encoding=\"utf-8\") as fh:\n"
                "    data = json.load(fh)\nprint(total(data[\"figures\"], \"%s\"))\n"
                % (item.reg[2], figs[0]["metric"]))
    else:
        body = ("#[derive(Debug, Clone)]\npub struct Figure {\n    pub metric: String,\n"
                "    pub value: f64,\n    pub region: Option<String>,\n}\n\n"
                "pub fn total(figures: &[Figure], metric: &str) -> f64 {\n"
                "    figures.iter().filter(|f| f.metric == metric).map(|f| f.value).sum()\n}\n\n"
                "fn main() {\n    let figures = vec![Figure { metric: \"%s\".into(), value: %d.0, region: None }];\n"
                "    println!(\"{}\", total(&figures, \"%s\"));\n}\n"
                % (figs[0]["metric"], rng.randrange(10, 9999), figs[0]["metric"]))
    return "```%s\n%s```" % (lang, body if body.endswith("\n") else body + "\n")


def make_body(rng, item, sentences, short_lines):
    target = int(rng.triangular(700, 2700, 1100))
    credit = []
    if item.byline.get("reporters"):
        credit.append("记者" + " ".join(item.byline["reporters"]))
    if item.byline.get("correspondents"):
        credit.append("通讯员" + " ".join(item.byline["correspondents"]))
    if item.byline.get("interns"):
        credit.append("实习生" + " ".join(item.byline["interns"]))
    lead = ""
    if item.source == "本报讯":
        lead = "本报讯" + ("(%s)" % " ".join(credit) if credit else "")
    org = item.place + ("" if item.reg is NATIONAL else "总工会")
    if rng.random() < 0.5:
        lead += "记者日前从%s获悉,%s" % (org, "各级工会" if item.reg is NATIONAL else "该会")
    else:
        lead += "%s,%s" % (cn_date(item.date), org)
    lead += rng.choice(LEADS[item.topics[0]]) + "。"
    paras = [lead + "".join(rng.choice(sentences) for _ in range(rng.randint(1, 2)))]
    size = len(paras[0])
    while size < target:
        p = paragraph(rng, sentences)
        paras.append(p)
        size += len(p)
    # figure sentences: the first in the lead, the others anywhere
    for i, (_, s) in enumerate(item.figures):
        if i == 0:
            paras[0] = paras[0].replace("。", "。" + s, 1)
        else:
            paras[rng.randrange(len(paras))] += s
    if rng.random() < 0.4:  # bold the opening clause of a paragraph
        j = rng.randrange(1, len(paras)) if len(paras) > 1 else 0
        head, sep, tail = paras[j].partition(",")
        if sep and 2 <= len(head) <= 20:
            paras[j] = "**%s**,%s" % (head, tail)
    if rng.random() < 0.3:
        name, url = rng.choice(LINKS)
        j = rng.randrange(len(paras))
        paras[j] += "详情可登录[%s](%s)查询。" % (name, url)
    blocks = list(paras)
    if rng.random() < 0.3 and len(paras) >= 3:  # ## headings
        pool = HEADINGS + [s for s in short_lines if 4 <= len(s) <= 16]
        for j in sorted(rng.sample(range(1, len(paras)), min(len(paras) - 1, rng.randint(2, 3))),
                        reverse=True):
            blocks.insert(j, "## " + rng.choice(pool))
    if rng.random() < 0.25:  # a list
        items = [rng.choice(sentences).rstrip("。") for _ in range(rng.randint(3, 5))]
        ordered = rng.random() < 0.4
        lst = "\n".join(("%d. " % (i + 1) if ordered else "- ") + it for i, it in enumerate(items))
        blocks.insert(rng.randrange(1, len(blocks) + 1), "主要做法包括:\n\n" + lst)
    if rng.random() < 0.05:  # a table
        rows = ["| 地区 | 指标 | 数值 |", "| --- | --- | ---: |"]
        for _ in range(rng.randint(3, 6)):
            p = wchoice(rng, PROVINCES, [x[3] for x in PROVINCES])
            m = rng.choice(METRICS)
            rows.append("| %s | %s | %s |" % (p[0], m[1], chinese_value(rng, m[4])))
        blocks.insert(rng.randrange(1, len(blocks) + 1), "各地主要数据如下:\n\n" + "\n".join(rows))
    if rng.random() < 0.05:  # a fenced code block
        blocks.append("附:数据报送格式示例。\n\n" + code_block(rng, item, rng.choice(CODE_LANGS)))
    return "\n\n".join(blocks) + "\n"


def make_items(n, seed, sentences, short_lines):
    rng = random.Random(seed)
    days = sorted(rng.randrange(DAYS) for _ in range(n))
    titles_seen = {}
    day_titles = set()
    order_in = {}
    items = []
    for idx, day in enumerate(days):
        it = Item()
        it.idx = idx
        it.date = START_DATE + dt.timedelta(days=day)
        it.bulletin = it.date + dt.timedelta(days=1) if rng.random() < 0.12 else it.date
        order_in[it.bulletin] = order_in.get(it.bulletin, 0) + 1
        it.order = order_in[it.bulletin]
        it.reg, it.region, it.place, it.title_place = pick_region(rng)
        k = wchoice(rng, [1, 2, 3], [55, 35, 10])
        it.topics = rng.sample([t[0] for t in TOPICS], k)
        it.kind = wchoice(rng, [k_[0] for k_ in KINDS], [k_[1] for k_ in KINDS])
        it.source = "本报讯" if it.kind == "消息" else ("" if it.kind == "图片新闻" else
                                                   rng.choice(("本报讯", "", "")))
        by = {}
        if it.kind != "图片新闻" and rng.random() < 0.85:
            by["reporters"] = [person(rng) for _ in range(rng.choice((1, 1, 2)))]
        if rng.random() < 0.4:
            by["correspondents"] = [person(rng) for _ in range(rng.choice((1, 2)))]
        if rng.random() < 0.08:
            by["interns"] = [person(rng)]
        if it.kind == "图片新闻":
            by["photographers"] = [person(rng) for _ in range(rng.choice((1, 2)))]
        it.byline = by
        it.figures = make_figures(rng, it)
        # title: repeated headlines are allowed (as in a real paper), but avoid most repeats
        p_title = it.title_place
        for _ in range(4):
            t = rng.choice(TITLES[it.topics[0]]).format(p=p_title, y=it.date.year, n=rng.randint(2, 12))
            if t not in titles_seen:
                break
        metric_figs = [f for f, _ in it.figures if "metric" in f and "label" not in f]
        if metric_figs and (t in titles_seen or rng.random() < 0.3):
            f = metric_figs[0]  # headlines often carry the news item's key number
            m = METRIC[f["metric"]]
            t += " %s%s%s" % (m[1], f["value"], "" if m[2] == "%" else m[2])
        titles_seen[t] = titles_seen.get(t, 0) + 1
        it.title = t
        it.kicker = rng.choice(KICKERS).format(p=it.place) if rng.random() < 0.1 else ""
        it.subtitle = ""
        if it.figures and rng.random() < 0.6:
            sub = it.figures[0][1].rstrip("。")
            if sub.startswith("截至"):
                sub = sub.split(",", 1)[1]
            it.subtitle = sub.split(",", 1)[0]
        elif rng.random() < 0.15:
            it.subtitle = rng.choice(short_lines)
        it.column = rng.choice(COLUMNS) if rng.random() < 0.2 else ""
        # explicit slugs are unique: (bulletin, order) identifies an item
        it.slug = "%s-%s-%s-%d" % (it.reg[2], dict(TOPICS)[it.topics[0]], it.bulletin.strftime("%Y%m%d"),
                                   it.order) if rng.random() < 0.3 else ""
        # two items of one day whose headlines begin alike may get the same URL from a generator
        # that shortens slugs made from the title: the editor gives the later one a slug
        # (陕西 and 山西 read alike without tones: compare them as one)
        key = (it.date, t.replace("陕", "山")[:12])
        if not it.slug and key in day_titles:
            it.slug = "%s-%s-%s-%d" % (it.reg[2], dict(TOPICS)[it.topics[0]], it.bulletin.strftime("%Y%m%d"),
                                       it.order)
        day_titles.add(key)
        it.rfc3339 = rng.random() < 0.1
        it.time = "%02d:%02d:00" % (rng.randrange(6, 23), rng.randrange(0, 60))
        it.write_bulletin = it.bulletin != it.date or rng.random() < 0.6
        it.write_order = rng.random() < 0.9
        it.write_kind = it.kind != "消息" or rng.random() < 0.3
        it.write_draft = rng.random() < 0.05
        it.image = ""
        if it.kind == "图片新闻":
            it.image = "https://example.org/img/%s/%05d.jpg" % (it.date.strftime("%Y/%m"), idx)
            it.image_alt = rng.choice(short_lines)
        it.extra = {"editor": person(rng)} if rng.random() < 0.05 else None
        it.body = make_body(rng, it, sentences, short_lines)
        it.summary = ""
        if rng.random() < 0.1:
            it.summary = rng.choice(sentences)
        it.fname = "%02d-%05d-%s-%s.md" % (it.date.day, idx, it.reg[2], dict(TOPICS)[it.topics[0]])
        items.append(it)
    return items


# ---------------------------------------------------------------- writers

def date_str(it):
    if it.rfc3339:
        return "%sT%s+08:00" % (it.date.isoformat(), it.time)
    return it.date.isoformat()


def fig_yaml(figs, indent):
    out = []
    for f, _ in figs:
        first = True
        for k in ("metric", "label", "value", "unit", "region", "as_of"):
            if k in f:
                out.append("%s%s %s: %s" % (" " * indent, "-" if first else " ", k, yaml_val(f[k])))
                first = False
    return out


def byline_yaml(by, indent):
    out = []
    for k in ("reporters", "correspondents", "interns", "photographers"):
        if k in by:
            out.append("%s%s: %s" % (" " * indent, k, yaml_val(by[k])))
    return out


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def item_ours(it):
    fm = ["title: " + yaml_str(it.title)]
    if it.kicker:
        fm.append("kicker: " + yaml_str(it.kicker))
    if it.subtitle:
        fm.append("subtitle: " + yaml_str(it.subtitle))
    fm.append("date: " + date_str(it))
    if it.write_bulletin:
        fm.append("bulletin: " + it.bulletin.isoformat())
    if it.write_order:
        fm.append("order: %d" % it.order)
    fm.append("region: " + yaml_str(it.region))
    fm.append("topics: " + yaml_val(it.topics))
    if it.write_kind:
        fm.append("kind: " + it.kind)
    if it.column:
        fm.append("column: " + yaml_str(it.column))
    if it.source:
        fm.append("source: " + it.source)
    if it.byline:
        fm.append("byline:")
        fm += byline_yaml(it.byline, 2)
    if it.slug:
        fm.append("slug: " + it.slug)
    if it.summary:
        fm.append("summary: " + yaml_str(it.summary))
    if it.image:
        fm.append("image: " + yaml_str(it.image))
        fm.append("image_alt: " + yaml_str(it.image_alt))
    if it.write_draft:
        fm.append("draft: false")
    if it.figures:
        fm.append("figures:")
        fm += fig_yaml(it.figures, 2)
    if it.extra:
        fm.append("extra:")
        fm += ["  %s: %s" % (k, yaml_val(v)) for k, v in it.extra.items()]
    return "---\n" + "\n".join(fm) + "\n---\n" + it.body


def common_params(it, indent):
    """The item's own data, for Hugo (top-level params) and Zola (extra)."""
    p = " " * indent
    fm = []
    if it.kicker:
        fm.append(p + "kicker: " + yaml_str(it.kicker))
    if it.subtitle:
        fm.append(p + "subtitle: " + yaml_str(it.subtitle))
    fm.append(p + "region: " + yaml_str(it.region))
    fm.append(p + "bulletin: " + yaml_str(it.bulletin.isoformat()))
    fm.append(p + "order: %d" % it.order)
    fm.append(p + "news_kind: " + it.kind)
    if it.column:
        fm.append(p + "column: " + yaml_str(it.column))
    if it.source:
        fm.append(p + "source: " + it.source)
    if it.byline:
        fm.append(p + "byline:")
        fm += byline_yaml(it.byline, indent + 2)
    if it.image:
        fm.append(p + "image: " + yaml_str(it.image))
        fm.append(p + "image_alt: " + yaml_str(it.image_alt))
    if it.figures:
        fm.append(p + "figures:")
        fm += fig_yaml(it.figures, indent + 2)
    return fm


def item_hugo(it):
    fm = ["title: " + yaml_str(it.title), "date: " + date_str(it)]
    if it.slug:
        fm.append("slug: " + it.slug)
    if it.summary:
        fm.append("summary: " + yaml_str(it.summary))
    fm.append("regions: " + yaml_val([it.reg[0]]))
    fm.append("topics: " + yaml_val(it.topics))
    fm += common_params(it, 0)
    return "---\n" + "\n".join(fm) + "\n---\n" + it.body


def item_zola(it):
    fm = ["title: " + yaml_str(it.title), "date: " + date_str(it)]
    if it.slug:
        fm.append("slug: " + it.slug)
    fm.append("taxonomies:")
    fm.append("  regions: " + yaml_val([it.reg[0]]))
    fm.append("  topics: " + yaml_val(it.topics))
    fm.append("extra:")
    if it.summary:
        fm.append("  summary: " + yaml_str(it.summary))
    fm += common_params(it, 2)
    return "---\n" + "\n".join(fm) + "\n---\n" + it.body


STYLE_CSS = """body{font-family:"Noto Sans CJK SC","PingFang SC",sans-serif;max-width:46rem;margin:0 auto;padding:1rem;line-height:1.7;color:#222}
header{border-bottom:3px solid #b22;margin-bottom:1rem}header a{color:#b22;font-weight:bold;text-decoration:none}
nav a{margin-left:1rem;font-weight:normal}.kicker,.subtitle{color:#555;margin:.2rem 0}.meta{color:#777;font-size:.9rem}
ul.items{list-style:none;padding:0}ul.items li{margin:.6rem 0}ul.items time{color:#888;margin-left:.5rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem}pre{overflow:auto;padding:.6rem}
.giallo-l{display:inline-block;min-height:1lh;width:100%}.giallo-ln{display:inline-block;user-select:none;margin-right:.4em;padding:.4em;min-width:3ch;text-align:right;opacity:.8}
"""


def write_ours(out, items):
    lines = ["title: " + SITE_TITLE, "base_url: " + BASE_URL, "language: zh-CN", "theme: default",
             "output_dir: public", "per_page: %d" % PER_PAGE, "metrics:"]
    for key, label, unit, agg, _ in METRICS:
        lines.append("  %s: { label: %s, unit: %s, aggregate: %s }" % (key, label, yaml_str(unit), agg))
    lines.append("topics:")
    for name, slug in TOPICS:
        lines.append("  %s: { slug: %s }" % (name, slug))
    write(os.path.join(out, "site.yaml"), "\n".join(lines) + "\n")
    write(os.path.join(out, "static", "style.css"), STYLE_CSS)
    for it in items:
        write(os.path.join(out, "content", it.date.strftime("%Y"), it.date.strftime("%m"), it.fname),
              item_ours(it))


# ---- Hugo

HUGO_CONFIG = """baseURL = "%(base)s"
languageCode = "zh-CN"
title = "%(title)s"
hasCJKLanguage = true
paginate = %(per)d
disableKinds = ["section", "sitemap", "robotsTXT"]

[taxonomies]
  region = "regions"
  topic = "topics"

[outputs]
  home = ["HTML"]
  page = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML", "RSS"]

[markup.highlight]
  codeFences = true
  noClasses = true
  style = "github"
  guessSyntax = false

[markup.goldmark.extensions]
  typographer = false
  linkify = false
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{{ block "title" . }}{{ .Title }} - {{ site.Title }}{{ end }}</title>
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a><nav><a href="{{ "regions/" | relURL }}">地区</a><a href="{{ "topics/" | relURL }}">专题</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p>{{ site.Title }}</p></footer>
</body>
</html>
""",
    "partials/item.html": """<li><a href="{{ .RelPermalink }}">{{ .Title }}</a><time>{{ .Date.Format "2006-01-02" }}</time> <span class="region">{{ .Params.region }}</span>{{ with .Params.subtitle }}<p class="subtitle">{{ . }}</p>{{ end }}</li>
""",
    "partials/pager.html": """{{ $p := .Paginator }}{{ if gt $p.TotalPages 1 }}<nav class="pager">{{ if $p.HasPrev }}<a href="{{ $p.Prev.URL }}">上一页</a>{{ end }} 第 {{ $p.PageNumber }} / {{ $p.TotalPages }} 页 {{ if $p.HasNext }}<a href="{{ $p.Next.URL }}">下一页</a>{{ end }}</nav>{{ end }}
""",
    "index.html": """{{ define "title" }}{{ site.Title }}{{ end }}
{{ define "main" }}<h1>最新消息</h1>
<ul class="items">{{ range (.Paginate site.RegularPages).Pages }}{{ partial "item.html" . }}{{ end }}</ul>
{{ partial "pager.html" . }}{{ end }}
""",
    "_default/single.html": """{{ define "main" }}<article>
{{ with .Params.kicker }}<p class="kicker">{{ . }}</p>{{ end }}
<h1>{{ .Title }}</h1>
{{ with .Params.subtitle }}<p class="subtitle">{{ . }}</p>{{ end }}
<p class="meta"><time>{{ .Date.Format "2006-01-02" }}</time> · {{ range .GetTerms "regions" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }} {{ .Params.region }} · {{ range .GetTerms "topics" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
<div class="body">{{ .Content }}</div>
{{ with .Params.figures }}<table class="figures"><thead><tr><th>指标</th><th>数值</th><th>单位</th><th>地区</th></tr></thead><tbody>
{{ range . }}{{ $label := .label }}{{ $unit := .unit }}{{ with .metric }}{{ with index site.Params.metrics . }}{{ if not $label }}{{ $label = .label }}{{ end }}{{ if not $unit }}{{ $unit = .unit }}{{ end }}{{ end }}{{ end }}<tr><td>{{ $label }}</td><td>{{ .value }}</td><td>{{ $unit }}</td><td>{{ .region | default $.Params.region }}</td></tr>
{{ end }}</tbody></table>{{ end }}
</article>{{ end }}
""",
    "_default/term.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul class="items">{{ range (.Paginate .Pages).Pages }}{{ partial "item.html" . }}{{ end }}</ul>
{{ partial "pager.html" . }}{{ end }}
""",
    "_default/taxonomy.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul class="terms">{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ end }}
""",
    "_default/rss.xml": """{{- printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\"?>" | safeHTML }}
<rss version="2.0"><channel><title>{{ .Title }} - {{ site.Title }}</title><link>{{ .Permalink }}</link><description>{{ .Title }}</description>
{{ range first 20 .Pages }}<item><title>{{ .Title }}</title><link>{{ .Permalink }}</link><guid>{{ .Permalink }}</guid><pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate><description>{{ .Plain | truncate 120 }}</description></item>
{{ end }}</channel></rss>
""",
    "404.html": """{{ define "main" }}<h1>页面不存在</h1>{{ end }}
""",
}


def toml_metrics(prefix):
    out = []
    for key, label, unit, agg, _ in METRICS:
        out.append('\n[%s.%s]\n  label = "%s"\n  unit = "%s"\n  aggregate = "%s"' % (prefix, key, label, unit, agg))
    return "\n".join(out) + "\n"


def write_hugo(out, items):
    cfg = HUGO_CONFIG % {"base": BASE_URL, "title": SITE_TITLE, "per": PER_PAGE}
    write(os.path.join(out, "hugo.toml"), cfg + toml_metrics("params.metrics"))
    for rel, text in HUGO_LAYOUTS.items():
        write(os.path.join(out, "layouts", rel), text)
    write(os.path.join(out, "static", "style.css"), STYLE_CSS)
    write(os.path.join(out, "content", "regions", "_index.md"), "---\ntitle: 地区\n---\n")
    # only the region terms get a feed (as in the Zola site): topics' terms are HTML only
    write(os.path.join(out, "content", "topics", "_index.md"),
          "---\ntitle: 专题\ncascade:\n  outputs: [HTML]\n---\n")
    for it in items:
        write(os.path.join(out, "content", it.date.strftime("%Y"), it.date.strftime("%m"), it.fname),
              item_hugo(it))


# ---- Zola

ZOLA_CONFIG = """base_url = "%(base)s"
title = "%(title)s"
default_language = "zh"
compile_sass = false
build_search_index = false
generate_feeds = false
feed_filenames = ["rss.xml"]
feed_limit = 20
generate_sitemap = false
generate_robots_txt = false
taxonomies = [
  { name = "regions", paginate_by = %(per)d, feed = true },
  { name = "topics", paginate_by = %(per)d },
]

[slugify]
taxonomies = "safe"

[markdown.highlighting]
theme = "github-light"

[extra]
"""

ZOLA_TEMPLATES = {
    "base.html": """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
<link rel="stylesheet" href="{{ get_url(path="style.css") }}">
</head>
<body>
<header><a href="{{ config.base_url }}/">{{ config.title }}</a><nav><a href="{{ get_url(path="regions/") }}">地区</a><a href="{{ get_url(path="topics/") }}">专题</a></nav></header>
<main>{% block main %}{% endblock main %}</main>
<footer><p>{{ config.title }}</p></footer>
</body>
</html>
""",
    "macros.html": """{% macro item(page) %}<li><a href="{{ page.permalink }}">{{ page.title }}</a><time>{{ page.date | date(format="%Y-%m-%d") }}</time> <span class="region">{{ page.extra.region }}</span>{% if page.extra.subtitle %}<p class="subtitle">{{ page.extra.subtitle }}</p>{% endif %}</li>
{% endmacro item %}
{% macro pager(paginator) %}{% if paginator.number_pagers > 1 %}<nav class="pager">{% if paginator.previous %}<a href="{{ paginator.previous }}">上一页</a>{% endif %} 第 {{ paginator.current_index }} / {{ paginator.number_pagers }} 页 {% if paginator.next %}<a href="{{ paginator.next }}">下一页</a>{% endif %}</nav>{% endif %}
{% endmacro pager %}
""",
    "index.html": """{% extends "base.html" %}{% import "macros.html" as macros %}
{% block main %}<h1>最新消息</h1>
<ul class="items">{% for page in paginator.pages %}{{ macros::item(page=page) }}{% endfor %}</ul>
{{ macros::pager(paginator=paginator) }}{% endblock main %}
""",
    "section.html": """{% extends "base.html" %}
{% block main %}<h1>{{ section.title }}</h1>{% endblock main %}
""",
    "page.html": """{% extends "base.html" %}
{% block title %}{{ page.title }} - {{ config.title }}{% endblock title %}
{% block main %}<article>
{% if page.extra.kicker %}<p class="kicker">{{ page.extra.kicker }}</p>{% endif %}
<h1>{{ page.title }}</h1>
{% if page.extra.subtitle %}<p class="subtitle">{{ page.extra.subtitle }}</p>{% endif %}
<p class="meta"><time>{{ page.date | date(format="%Y-%m-%d") }}</time> · {% for r in page.taxonomies.regions %}<a href="{{ get_taxonomy_url(kind="regions", name=r) }}">{{ r }}</a>{% endfor %} {{ page.extra.region }} · {% for t in page.taxonomies.topics %}<a href="{{ get_taxonomy_url(kind="topics", name=t) }}">{{ t }}</a> {% endfor %}</p>
<div class="body">{{ page.content | safe }}</div>
{% if page.extra.figures %}<table class="figures"><thead><tr><th>指标</th><th>数值</th><th>单位</th><th>地区</th></tr></thead><tbody>
{% for f in page.extra.figures %}{% set label = f.label | default(value="") %}{% set unit = f.unit | default(value="") %}{% if f.metric %}{% set m = config.extra.metrics[f.metric] %}{% if not label %}{% set label = m.label %}{% endif %}{% if not unit %}{% set unit = m.unit %}{% endif %}{% endif %}<tr><td>{{ label }}</td><td>{{ f.value }}</td><td>{{ unit }}</td><td>{{ f.region | default(value=page.extra.region) }}</td></tr>
{% endfor %}</tbody></table>{% endif %}
</article>{% endblock main %}
""",
    "taxonomy_single.html": """{% extends "base.html" %}{% import "macros.html" as macros %}
{% block title %}{{ term.name }} - {{ config.title }}{% endblock title %}
{% block main %}<h1>{{ term.name }}</h1>
<ul class="items">{% for page in paginator.pages %}{{ macros::item(page=page) }}{% endfor %}</ul>
{{ macros::pager(paginator=paginator) }}{% endblock main %}
""",
    "taxonomy_list.html": """{% extends "base.html" %}
{% block main %}<h1>{{ taxonomy.name }}</h1>
<ul class="terms">{% for t in terms %}<li><a href="{{ t.permalink }}">{{ t.name }}</a> ({{ t.page_count }})</li>{% endfor %}</ul>{% endblock main %}
""",
    "rss.xml": """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{{ term.name }} - {{ config.title }}</title><link>{{ term.permalink }}</link><description>{{ term.name }}</description>
{% for page in pages %}<item><title>{{ page.title }}</title><link>{{ page.permalink }}</link><guid>{{ page.permalink }}</guid><pubDate>{{ page.date | date(format="%a, %d %b %Y %H:%M:%S %z") }}</pubDate><description>{{ page.content | striptags | truncate(length=120) }}</description></item>
{% endfor %}</channel></rss>
""",
    "404.html": """{% extends "base.html" %}
{% block main %}<h1>页面不存在</h1>{% endblock main %}
""",
}


def write_zola(out, items):
    cfg = ZOLA_CONFIG % {"base": BASE_URL, "title": SITE_TITLE, "per": PER_PAGE}
    write(os.path.join(out, "config.toml"), cfg + toml_metrics("extra.metrics"))
    for rel, text in ZOLA_TEMPLATES.items():
        write(os.path.join(out, "templates", rel), text)
    write(os.path.join(out, "static", "style.css"), STYLE_CSS)
    write(os.path.join(out, "content", "_index.md"),
          "+++\nsort_by = \"date\"\npaginate_by = %d\n+++\n" % PER_PAGE)
    sections = set()
    for it in items:
        y, m = it.date.strftime("%Y"), it.date.strftime("%m")
        for sec in (y, y + "/" + m):
            if sec not in sections:
                sections.add(sec)
                # year and month folders pass their items up to the home page's list
                write(os.path.join(out, "content", sec, "_index.md"),
                      "+++\ntransparent = true\nrender = false\nsort_by = \"date\"\n+++\n")
        write(os.path.join(out, "content", y, m, it.fname), item_zola(it))


def fresh(path):
    if os.path.exists(path):
        shutil.rmtree(path)
    os.makedirs(path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, required=True, help="number of news items")
    ap.add_argument("--out", required=True, help="site in the project's own format")
    ap.add_argument("--hugo", help="also write an equivalent Hugo site here")
    ap.add_argument("--zola", help="also write an equivalent Zola site here")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--seed-page", default=DEFAULT_SEED_PAGE, help="the seed newspaper page")
    a = ap.parse_args(argv)
    sentences, short_lines = load_seed(a.seed_page)
    if len(sentences) < 20:
        sys.exit("gen_corpus: too few sentences in %s" % a.seed_page)
    items = make_items(a.articles, a.seed, sentences, short_lines)
    fresh(a.out)
    write_ours(a.out, items)
    if a.hugo:
        fresh(a.hugo)
        write_hugo(a.hugo, items)
    if a.zola:
        fresh(a.zola)
        write_zola(a.zola, items)
    chars = sum(len(it.body) for it in items)
    print("gen_corpus: %d items, %d sentences in the seed, body chars mean %d (min %d, max %d)"
          % (len(items), len(sentences), chars // max(1, len(items)),
             min((len(it.body) for it in items), default=0), max((len(it.body) for it in items), default=0)))


if __name__ == "__main__":
    main()
