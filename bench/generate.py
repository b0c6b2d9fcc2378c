"""Generate the benchmark's data set: a district with 50 units and 20 published catalogues
(2007–2026) holding 100,000 decisions with Chinese titles and summaries.

    .venv/bin/python bench/generate.py [--decisions 100000] [--db bench/data/juece.sqlite3]

The schema comes from the project's own migrations (`flask --app wsgi db upgrade`), so the
benchmark reads exactly the tables and indexes production has; the rows are then written
with sqlite3's executemany in one transaction, which takes a few seconds. The data is
deterministic (a fixed seed), so two runs measure the same rows.
"""

import argparse
import calendar
import datetime as dt
import json
import os
import random
import sqlite3
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DB = os.path.join(ROOT, "bench", "data", "juece.sqlite3")
FIRST_YEAR, LAST_YEAR = 2007, 2026

# --- The district: 1 office, 31 departments, 18 towns and streets = 50 units ----------------

DEPARTMENTS = [
    ("fgw", "发展和改革委员会"),
    ("jyj", "教育局"),
    ("kw", "科学技术委员会"),
    ("jjw", "经济委员会"),
    ("mzj", "民政局"),
    ("sfj", "司法局"),
    ("czj", "财政局"),
    ("rsj", "人力资源和社会保障局"),
    ("ghzyj", "规划和自然资源局"),
    ("sthjj", "生态环境局"),
    ("jsglw", "建设和管理委员会"),
    ("fgj", "房屋管理局"),
    ("jtw", "交通委员会"),
    ("nyw", "农业农村委员会"),
    ("swj", "水务局"),
    ("swwj", "商务委员会"),
    ("whlyj", "文化和旅游局"),
    ("wjw", "卫生健康委员会"),
    ("tyj", "体育局"),
    ("tjj", "统计局"),
    ("yjglj", "应急管理局"),
    ("scjgj", "市场监督管理局"),
    ("lhrj", "绿化和市容管理局"),
    ("ybj", "医疗保障局"),
    ("tyjrj", "退役军人事务局"),
    ("sjj", "审计局"),
    ("gzw", "国有资产监督管理委员会"),
    ("xfj", "信访办公室"),
    ("mzzj", "民族和宗教事务委员会"),
    ("zwfw", "政务服务办公室"),
    ("dsj", "大数据中心"),
]
TOWNS = [
    ("nx", "南翔镇", "town"),
    ("at", "安亭镇", "town"),
    ("ml", "马陆镇", "town"),
    ("xc", "徐行镇", "town"),
    ("hq", "华亭镇", "town"),
    ("wz", "外冈镇", "town"),
    ("jqz", "嘉定工业区", "other"),
    ("jgj", "江桥镇", "town"),
    ("jdz", "嘉定镇街道", "street"),
    ("zx", "真新街道", "street"),
    ("xlz", "新成路街道", "street"),
    ("jyl", "菊园新区", "other"),
    ("hjq", "嘉定新城（马陆镇）", "other"),
    ("qj", "曲家街道", "street"),
    ("bs", "白鹤街道", "street"),
    ("lh", "娄塘街道", "street"),
    ("yx", "叶新街道", "street"),
    ("wq", "望新街道", "street"),
]

# --- Word lists the titles and summaries are composed from -----------------------------------

TOPICS = [
    "民营经济",
    "营商环境",
    "新能源汽车产业",
    "集成电路产业",
    "智能传感器产业",
    "老旧小区改造",
    "城市更新",
    "生活垃圾分类",
    "养老服务体系",
    "婴幼儿照护服务",
    "学前教育",
    "义务教育优质均衡",
    "职业教育",
    "公共文化服务",
    "全民健身",
    "社区卫生服务",
    "医疗联合体",
    "公共交通",
    "停车设施",
    "慢行交通",
    "河道综合治理",
    "黑臭水体治理",
    "农村人居环境",
    "乡村振兴",
    "高标准农田",
    "耕地保护",
    "住房租赁市场",
    "保障性租赁住房",
    "人才安居",
    "就业创业",
    "稳岗扩岗",
    "科技创新",
    "知识产权保护",
    "数字化转型",
    "一网通办",
    "一网统管",
    "安全生产",
    "应急管理体系",
    "消防安全",
    "食品安全",
    "药品安全",
    "大气污染防治",
    "土壤污染防治",
    "碳达峰碳中和",
    "绿色低碳发展",
    "生态廊道",
    "公园城市",
    "历史文化风貌区保护",
    "商业网点布局",
    "夜间经济",
    "文化旅游融合",
    "体育设施",
    "残疾人保障",
    "退役军人服务",
    "社会救助",
    "基层治理",
    "物业管理",
    "燃气安全",
    "地下管网",
    "海绵城市",
    "轨道交通沿线开发",
    "产业园区转型",
    "低效工业用地",
    "国有企业改革",
    "政府投资项目",
    "政府债务管理",
    "财政资金绩效",
    "医疗保障",
]
ACTIONS = [
    "关于加快推进{t}的若干措施",
    "关于进一步优化{t}的实施意见",
    "{t}三年行动计划（{y}—{y2}年）",
    "{t}专项规划（{y}—{y3}年）",
    "{t}发展“十四五”规划",
    "关于支持{t}高质量发展的若干政策",
    "{t}实施方案",
    "关于深化{t}改革的实施意见",
    "{t}管理办法",
    "{t}建设项目",
    "{t}补助资金管理办法",
    "关于完善{t}工作机制的意见",
    "{t}扶持办法",
    "{t}提升工程实施方案",
    "{t}布局规划",
]
PLACES = ["嘉定区", "嘉定新城", "安亭国际汽车城", "南翔古镇", "嘉定工业区", "马陆镇", "江桥镇", "菊园新区"]
AIMS = [
    "优化营商环境",
    "提升公共服务水平",
    "保障和改善民生",
    "推动产业转型升级",
    "促进城乡融合发展",
    "加强生态环境保护",
    "提高城市治理能力",
    "增强区域综合竞争力",
    "满足群众多样化需求",
    "防范化解重大风险",
]
MEASURES = [
    "明确目标任务和责任分工",
    "加大财政资金支持力度",
    "完善用地和规划保障",
    "健全考核评估机制",
    "强化部门协同和市区联动",
    "引导社会资本参与",
    "推进数据共享和业务协同",
    "建立动态调整机制",
    "加强事中事后监管",
    "畅通群众意见反映渠道",
    "优化审批流程、压减办理时限",
    "开展试点并逐步推广",
]
EFFECTS = [
    "预计惠及居民约{n}万人",
    "计划总投资约{n}亿元",
    "涉及企业约{n}家",
    "覆盖{n}个街镇",
    "新增服务设施{n}处",
    "每年安排专项资金{n}千万元",
]
LEGAL_BASIS = [
    "《重大行政决策程序暂行条例》",
    "《上海市重大行政决策程序规定》",
    "《优化营商环境条例》",
    "《中华人民共和国城乡规划法》",
    "《中华人民共和国土地管理法》",
    "《中华人民共和国环境保护法》",
    "《中华人民共和国安全生产法》",
    "《中华人民共和国预算法》",
    "《政府投资条例》",
    "《中华人民共和国教育法》",
    "《中华人民共和国老年人权益保障法》",
    "《上海市城市更新条例》",
    "《上海市养老服务条例》",
]
CATEGORIES = ["public_policy"] * 5 + ["plan"] * 2 + ["resource_policy", "public_project", "public_project", "other"]
PROCEDURES = [
    "public_participation",
    "expert_review",
    "risk_assessment",
    "legality_review",
    "fair_competition_review",
    "collective_deliberation",
]
# How far a decision of an old catalogue got, and of this year's.
STATES_OLD = ["evaluated"] * 4 + ["implementing"] * 4 + ["decided", "withdrawn", "suspended"]
STATES_NEW = ["initiated", "drafting", "drafting", "consulting", "consulting", "reviewing", "deliberated", "decided"]
ADJUSTMENTS = [None] * 30 + ["modified", "postponed", "added", "carried_over"]


def units():
    rows = [("jd-gov", "嘉定区人民政府办公室", "government")]
    rows += [(f"jd-{code}", f"嘉定区{name}", "department") for code, name in DEPARTMENTS]
    rows += [(f"jd-{code}", name, kind) for code, name, kind in TOWNS]
    assert len(rows) == 50 and len({r[0] for r in rows}) == 50 and len({r[1] for r in rows}) == 50
    return rows


def _stamp(moment: dt.datetime) -> str:
    # How SQLAlchemy's SQLite dialect stores a DateTime (UTCDateTime keeps it in UTC).
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _completion(rng, year):
    """A planned completion at a random precision, and the last day of its period."""
    kind = rng.random()
    if kind < 0.45:
        q = rng.randint(1, 4)
        month = q * 3
        return f"{year}-Q{q}", dt.date(year, month, calendar.monthrange(year, month)[1])
    if kind < 0.80:
        month = rng.randint(3, 12)
        return f"{year}-{month:02d}", dt.date(year, month, calendar.monthrange(year, month)[1])
    if kind < 0.92:
        return f"{year}", dt.date(year, 12, 31)
    month, day = rng.randint(3, 12), rng.randint(1, 28)
    return f"{year}-{month:02d}-{day:02d}", dt.date(year, month, day)


def _summary(rng, topic):
    aims = "、".join(rng.sample(AIMS, 2))
    measures = "；".join(rng.sample(MEASURES, rng.randint(2, 4)))
    effect = rng.choice(EFFECTS).format(n=rng.randint(2, 80))
    return (
        f"为{aims}，围绕{topic}，结合{rng.choice(PLACES)}实际，拟制定本决策事项。"
        f"主要内容包括：{measures}。{effect}，将按程序开展公众参与、专家论证和合法性审查后提请集体讨论决定。"
    )


def decisions(count: int, unit_codes: list[str], seed: int = 2026):
    """`count` decision rows spread evenly over the years and, within each, the units."""
    rng = random.Random(seed)
    years = list(range(FIRST_YEAR, LAST_YEAR + 1))
    per_year = count // len(years)
    next_id = 1
    for year in years:
        n = per_year + (1 if year - FIRST_YEAR < count % len(years) else 0)
        leads = [unit_codes[i % len(unit_codes)] for i in range(n)]
        rng.shuffle(leads)
        published = dt.date(year, 3, rng.randint(5, 28))
        for seq_no, lead in enumerate(leads, start=1):
            topic = rng.choice(TOPICS)
            y = year
            title = rng.choice(PLACES) + rng.choice(ACTIONS).format(t=topic, y=y, y2=y + 2, y3=y + 4)
            planned, planned_by = _completion(rng, year if rng.random() < 0.8 else year + 1)
            co = rng.sample([c for c in unit_codes if c != lead], rng.choice((0, 1, 1, 2, 3)))
            procedures = sorted(
                rng.sample(PROCEDURES, rng.randint(2, 5)) + ["legality_review", "collective_deliberation"],
                key=PROCEDURES.index,
            )
            procedures = list(dict.fromkeys(procedures))
            state = rng.choice(STATES_NEW if year >= LAST_YEAR else STATES_OLD)
            adjustment = rng.choice(ADJUSTMENTS)
            if state == "withdrawn":
                adjustment = "withdrawn"
            catalogued = published + dt.timedelta(days=rng.randint(30, 200)) if adjustment == "added" else published
            created = dt.datetime(year, 1, 1, 8) + dt.timedelta(
                seconds=rng.randint(0, 60 * 86400), microseconds=rng.randint(0, 999999)
            )
            updated = created + dt.timedelta(seconds=rng.randint(0, 300 * 86400), microseconds=rng.randint(0, 999999))
            yield (
                next_id,
                year,
                seq_no,
                title,
                _summary(rng, topic),
                rng.choice(CATEGORIES),
                lead,
                json.dumps(co),
                json.dumps(rng.sample(LEGAL_BASIS, rng.randint(1, 3))),
                planned,
                planned_by.isoformat(),
                int(rng.random() < 0.3),
                int(rng.random() < 0.15),
                json.dumps(procedures),
                state,
                adjustment,
                catalogued.isoformat(),
                _stamp(created),
                _stamp(updated),
                1,
            )
            next_id += 1


def migrate(db_path: str) -> None:
    """Create the schema with the project's migrations."""
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{db_path}", LOG_LEVEL="WARNING")
    done = subprocess.run(
        [os.path.join(ROOT, ".venv", "bin", "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"flask db upgrade failed:\n{done.stdout}{done.stderr}")


def generate(db_path: str, count: int) -> None:
    started = time.perf_counter()
    os.makedirs(os.path.dirname(db_path), exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    migrate(db_path)
    migrated = time.perf_counter()

    connection = sqlite3.connect(db_path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")  # a throw-away file: no need to wait for the disk
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("BEGIN")
    base = dt.datetime(FIRST_YEAR - 1, 12, 1, 9)
    unit_rows = units()
    connection.executemany(
        "INSERT INTO units (code, name, kind, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, 1)",
        [(code, name, kind, _stamp(base), _stamp(base)) for code, name, kind in unit_rows],
    )
    rng = random.Random(7)
    catalogue_rows = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        published = dt.date(year, 3, rng.randint(5, 28))
        catalogue_rows.append(
            (
                year,
                f"嘉定区人民政府{year}年度重大行政决策事项目录",
                "jd-gov",
                (published - dt.timedelta(days=10)).isoformat(),
                published.isoformat(),
                f"嘉府发〔{year}〕{rng.randint(1, 30)}号",
                f"https://www.jiading.gov.cn/zwgk/{year}/ml.html",
                _stamp(dt.datetime(year, 1, 5, 9)),
                _stamp(dt.datetime(year, 3, 1, 9)),
            )
        )
    connection.executemany(
        "INSERT INTO catalogues (year, title, issuer_unit, party_consent_on, published_on, doc_number, url,"
        " created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        catalogue_rows,
    )
    connection.executemany(
        "INSERT INTO decisions (id, catalogue_year, seq_no, title, summary, category, lead_unit, co_units,"
        " legal_basis, planned_completion, planned_completion_by, enterprise_related, hearing_required,"
        " procedures, state, adjustment, catalogued_on, created_at, updated_at, version)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        decisions(count, [code for code, _, _ in unit_rows]),
    )
    connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    total = connection.execute("SELECT count(*) FROM decisions").fetchone()[0]
    connection.close()
    done = time.perf_counter()
    size = os.path.getsize(db_path) / 1e6
    print(
        f"{db_path}: {total} decisions, {len(unit_rows)} units, {len(catalogue_rows)} catalogues, "
        f"{size:.0f} MB; migrations {migrated - started:.1f} s, rows {done - migrated:.1f} s"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=100_000, help="how many decisions (default 100000)")
    parser.add_argument("--db", default=DEFAULT_DB, help="the SQLite file to (re)create")
    args = parser.parse_args(argv)
    generate(os.path.abspath(args.db), args.decisions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
