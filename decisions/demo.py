"""`flask --app wsgi demo`: a believable district to explore, modelled on Shanghai's Jiading.

Everything is loaded through the services, so every rule of the catalogue applies and the audit
log records each record under the actor "demo". Records are found again by their natural keys
(unit code; catalogue year; decision year and title; adjustment decision and type), so a second
run creates nothing.
"""

import datetime as dt
from collections import Counter

import click
import sqlalchemy as sa
from flask import Blueprint, current_app, g

from core.auth import Account, Role
from core.errors import ServiceError
from core.extensions import db
from decisions import services
from decisions.models import Adjustment, Catalogue, Decision, Unit

cli = Blueprint("demo_cli", __name__, cli_group=None)

D = dt.date

# --- Units -----------------------------------------------------------------------------------

UNITS = [
    ("jd-gov", "嘉定区人民政府办公室", "government"),
    ("jd-fgw", "嘉定区发展和改革委员会", "department"),
    ("jd-jyj", "嘉定区教育局", "department"),
    ("jd-wjw", "嘉定区卫生健康委员会", "department"),
    ("jd-sthjj", "嘉定区生态环境局", "department"),
    ("jd-jtw", "嘉定区交通委员会", "department"),
    ("jd-scjgj", "嘉定区市场监督管理局", "department"),
    ("jd-ghzyj", "嘉定区规划和自然资源局", "department"),
    ("jd-jsglw", "嘉定区住房和城乡建设管理委员会", "department"),
    ("jd-mzj", "嘉定区民政局", "department"),
    ("jd-czj", "嘉定区财政局", "department"),
    ("jd-sfj", "嘉定区司法局", "department"),
    ("jd-rsj", "嘉定区人力资源和社会保障局", "department"),
    ("jd-swj", "嘉定区商务委员会", "department"),
    ("jd-whlyj", "嘉定区文化和旅游局", "department"),
    ("jd-lhsrj", "嘉定区绿化和市容管理局", "department"),
    ("jd-gyq", "嘉定工业区", "town"),
    ("jd-nanxiang", "南翔镇", "town"),
    ("jd-anting", "安亭镇", "town"),
    ("jd-malu", "马陆镇", "town"),
    ("jd-jiangqiao", "江桥镇", "town"),
    ("jd-huating", "华亭镇", "town"),
    ("jd-xuhang", "徐行镇", "town"),
    ("jd-waigang", "外冈镇", "town"),
    ("jd-xinchenglu", "新成路街道", "street"),
    ("jd-zhenxin", "真新街道", "street"),
    ("jd-jiadingzhen", "嘉定镇街道", "street"),
    ("jd-juyuan", "菊园新区", "street"),
]

# --- Procedures a catalogue item lists -------------------------------------------------------

BASIC = ["public_participation", "legality_review", "collective_deliberation"]
EXPERT = ["public_participation", "expert_review", "legality_review", "collective_deliberation"]
FULL = ["public_participation", "expert_review", "risk_assessment", "legality_review", "collective_deliberation"]
ENTERPRISE = [
    "public_participation",
    "expert_review",
    "legality_review",
    "fair_competition_review",
    "collective_deliberation",
]

# --- The 2025 catalogue ----------------------------------------------------------------------

DECISIONS_2025 = [
    dict(
        title="嘉定区优化营商环境行动方案（2025年版）",
        summary="对标世界银行营商环境评估新体系，提出政务服务、市场准入、跨境贸易和企业合规等方面的改革任务。明确各项任务的牵头单位和完成时限。",
        category="public_policy",
        lead_unit="jd-fgw",
        co_units=["jd-scjgj", "jd-swj", "jd-sfj"],
        legal_basis=["《优化营商环境条例》", "《上海市优化营商环境条例》"],
        planned_completion="2025-06",
        enterprise_related=True,
        procedures=ENTERPRISE,
    ),
    dict(
        title="嘉定区地下管线综合治理实施方案",
        summary="摸清全区供水、排水、燃气和通信地下管线底数，建立管线信息平台，分年度消除老旧和违规占压管线隐患。",
        category="public_project",
        lead_unit="jd-jsglw",
        co_units=["jd-jtw", "jd-ghzyj"],
        legal_basis=["《城镇排水与污水处理条例》", "《上海市燃气管理条例》"],
        planned_completion="2025-Q4",
        procedures=FULL,
    ),
    dict(
        title="嘉定区菜市场标准化改造三年计划",
        summary="分三年完成全区标准化菜市场改造，统一设施配置、食品安全快检和智慧化管理，方便居民就近买菜。",
        category="public_project",
        lead_unit="jd-swj",
        co_units=["jd-scjgj", "jd-jiangqiao", "jd-zhenxin"],
        legal_basis=["《上海市菜市场管理办法》"],
        planned_completion="2025-10",
        procedures=BASIC,
    ),
    dict(
        title="华亭镇乡村振兴示范村建设规划",
        summary="以毛桥村、联一村为重点，统筹村庄布局、农田整治和农文旅融合项目，打造市级乡村振兴示范村。",
        category="plan",
        lead_unit="jd-huating",
        co_units=["jd-ghzyj", "jd-whlyj"],
        legal_basis=["《中华人民共和国乡村振兴促进法》", "《中华人民共和国城乡规划法》"],
        planned_completion="2025",
        procedures=EXPERT,
    ),
    dict(
        title="嘉定区建设用地土壤污染风险管控办法",
        summary="对拟变更用途的工业用地实行土壤污染状况调查和风险评估制度，未达到管控要求的地块不得出让和开发。",
        category="resource_policy",
        lead_unit="jd-sthjj",
        co_units=["jd-ghzyj"],
        legal_basis=["《中华人民共和国土壤污染防治法》", "《上海市土壤污染防治条例》"],
        planned_completion="2025-09-30",
        enterprise_related=True,
        procedures=ENTERPRISE,
    ),
]

ADJUSTMENTS_2025 = [
    dict(
        title="嘉定区地下管线综合治理实施方案",
        type="carry_over",
        reason="管线普查数据量大，需与市级管线平台对接后完成方案审定，经区政府常务会议研究，结转至2026年度。",
        approved_on=D(2025, 12, 16),
        published_on=D(2025, 12, 19),
    ),
    dict(
        title="嘉定区菜市场标准化改造三年计划",
        type="carry_over",
        reason="部分菜市场涉及产权调整，需进一步听取经营户意见，经区政府常务会议研究，结转至2026年度。",
        approved_on=D(2025, 12, 16),
        published_on=D(2025, 12, 19),
    ),
]

# --- The 2026 catalogue ----------------------------------------------------------------------

DECISIONS_2026 = [
    dict(
        title="嘉定区促进民营经济高质量发展若干措施",
        summary="围绕市场准入、要素保障、融资支持和政企沟通，提出支持民营企业发展壮大的若干措施。明确各项措施的责任单位和兑现流程，推动政策直达快享。",
        category="public_policy",
        lead_unit="jd-fgw",
        co_units=["jd-scjgj", "jd-swj", "jd-czj"],
        legal_basis=["《中华人民共和国民营经济促进法》", "《优化营商环境条例》", "《上海市优化营商环境条例》"],
        planned_completion="2026-Q3",
        enterprise_related=True,
        procedures=ENTERPRISE,
    ),
    dict(
        title="嘉定新城“十五五”发展规划",
        summary="明确嘉定新城“十五五”时期的发展定位、空间布局和重点任务，统筹产业、交通、公共服务和生态建设。推动新城建设成为长三角城市群中的独立综合性节点城市。",
        category="plan",
        lead_unit="jd-fgw",
        co_units=["jd-ghzyj", "jd-jsglw", "jd-jtw", "jd-malu"],
        legal_basis=["《中华人民共和国城乡规划法》", "《上海市城市总体规划（2017—2035年）》"],
        planned_completion="2026-11",
        procedures=FULL,
    ),
    dict(
        title="嘉定区中小学学区化集团化办学实施方案",
        summary="以优质学校为龙头组建学区和教育集团，推动师资、课程和设施共享，缩小校际差距。明确集团内教师交流轮岗、统一教研和考核评价的办法。",
        category="public_policy",
        lead_unit="jd-jyj",
        co_units=["jd-czj", "jd-rsj"],
        legal_basis=["《中华人民共和国教育法》", "《中华人民共和国义务教育法》"],
        planned_completion="2026-06-30",
        procedures=EXPERT,
    ),
    dict(
        title="嘉定区生活垃圾分类管理办法修订",
        summary="根据《上海市生活垃圾管理条例》和近年执行情况，修订分类投放、收运和处置各环节的管理要求。重点完善居住区定时定点投放、装修垃圾和大件垃圾收运的规定。",
        category="public_policy",
        lead_unit="jd-lhsrj",
        co_units=["jd-sthjj", "jd-jsglw", "jd-xinchenglu"],
        legal_basis=["《中华人民共和国固体废物污染环境防治法》", "《上海市生活垃圾管理条例》"],
        planned_completion="2026-Q4",
        hearing_required=True,
        procedures=BASIC,
    ),
    dict(
        title="嘉定区公共停车场建设三年行动计划（2026—2028年）",
        summary="三年内新增公共停车泊位约一万个，重点缓解老旧小区、医院和轨道交通站点周边的停车难。明确选址、建设时序和资金安排。",
        category="public_project",
        lead_unit="jd-jtw",
        co_units=["jd-ghzyj", "jd-jsglw", "jd-czj"],
        legal_basis=["《上海市道路交通管理条例》", "《上海市停车场（库）管理办法》"],
        planned_completion="2026-09",
        procedures=FULL,
    ),
    dict(
        title="江桥镇老旧小区改造实施方案",
        summary="对江桥镇2000年以前建成的住宅小区实施综合改造，包括屋面外墙修缮、加装电梯、雨污分流和适老化改造。改造方案逐小区征求居民意见。",
        category="public_project",
        lead_unit="jd-jiangqiao",
        co_units=["jd-jsglw", "jd-czj"],
        legal_basis=["《国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见》", "《上海市住宅物业管理规定》"],
        planned_completion="2026",
        hearing_required=True,
        procedures=FULL,
    ),
    dict(
        title="嘉定区养老服务设施布局规划（2026—2035年）",
        summary="按照“15分钟养老服务圈”要求，规划养老机构、长者照护之家和社区综合为老服务中心的布局和规模。明确各街镇床位配置指标和用地保障措施。",
        category="plan",
        lead_unit="jd-mzj",
        co_units=["jd-ghzyj", "jd-wjw"],
        legal_basis=["《中华人民共和国老年人权益保障法》", "《上海市养老服务条例》"],
        planned_completion="2026-Q4",
        procedures=EXPERT,
    ),
    dict(
        title="嘉定区产业用地高质量利用实施意见",
        summary="推行产业用地“标准地”出让，建立亩均效益评价和低效用地退出机制。明确存量工业用地提容增效的规划和地价支持政策。",
        category="resource_policy",
        lead_unit="jd-ghzyj",
        co_units=["jd-fgw", "jd-swj", "jd-gyq"],
        legal_basis=["《中华人民共和国土地管理法》", "《中华人民共和国土地管理法实施条例》"],
        planned_completion="2026-Q3",
        enterprise_related=True,
        procedures=ENTERPRISE,
    ),
    dict(
        title="嘉定区农村集体经营性建设用地入市管理办法",
        summary="规范农村集体经营性建设用地入市的范围、程序和收益分配，保障农民集体和成员的合法权益。",
        category="resource_policy",
        lead_unit="jd-ghzyj",
        co_units=["jd-waigang", "jd-xuhang", "jd-huating"],
        legal_basis=["《中华人民共和国土地管理法》"],
        planned_completion="2026-10",
        procedures=FULL,
    ),
    dict(
        title="嘉定区医疗卫生服务体系规划（2026—2030年）",
        summary="优化区域医疗中心、社区卫生服务中心和村卫生室的布局，推进紧密型医联体建设。明确床位、人员配置和重点专科建设目标。",
        category="plan",
        lead_unit="jd-wjw",
        co_units=["jd-fgw", "jd-ghzyj", "jd-czj"],
        legal_basis=["《中华人民共和国基本医疗卫生与健康促进法》", "《医疗机构管理条例》"],
        planned_completion="2026-Q4",
        procedures=EXPERT,
    ),
    dict(
        title="安亭镇汽车城核心区道路及配套设施提升工程",
        summary="对安亭汽车城核心区道路、管网和公共充电设施进行整体提升，改善园区企业通勤和物流条件。工程分期实施，首期年内开工。",
        category="public_project",
        lead_unit="jd-anting",
        co_units=["jd-jtw", "jd-swj", "jd-jsglw"],
        legal_basis=["《政府投资条例》", "《中华人民共和国城乡规划法》"],
        planned_completion="2026-Q4",
        enterprise_related=True,
        procedures=FULL,
    ),
    dict(
        title="嘉定区就业创业补贴实施办法",
        summary="整合吸纳就业补贴、创业场地补贴和职业技能培训补贴，统一申请条件和标准。对吸纳重点群体就业的中小企业给予倾斜。",
        category="public_policy",
        lead_unit="jd-rsj",
        co_units=["jd-czj"],
        legal_basis=["《中华人民共和国就业促进法》", "《失业保险条例》"],
        planned_completion="2026-08",
        enterprise_related=True,
        procedures=ENTERPRISE,
    ),
    dict(
        title="嘉定区文旅商体展融合发展若干措施",
        summary="依托南翔古镇、州桥老街和上海国际赛车场等资源，推动文化、旅游、商业、体育和会展融合发展。对举办重大节庆赛事活动的企业给予扶持。",
        category="public_policy",
        lead_unit="jd-whlyj",
        co_units=["jd-swj", "jd-nanxiang", "jd-anting"],
        legal_basis=["《中华人民共和国旅游法》", "《上海市旅游条例》"],
        planned_completion="2026-07",
        enterprise_related=True,
        procedures=ENTERPRISE,
    ),
    dict(
        title="马陆镇葡萄产业高质量发展规划",
        summary="稳定马陆葡萄种植面积，推进品种改良、品牌建设和农旅结合，带动农民增收。",
        category="plan",
        lead_unit="jd-malu",
        co_units=["jd-ghzyj", "jd-whlyj"],
        legal_basis=["《中华人民共和国乡村振兴促进法》", "《中华人民共和国农业法》"],
        planned_completion="2026-10",
        procedures=EXPERT,
    ),
    dict(
        title="嘉定区公共法律服务体系建设三年行动方案",
        summary="完善区、街镇、村居三级公共法律服务平台，扩大法律援助覆盖面。推动人民调解、行政调解和司法调解衔接联动。",
        category="other",
        lead_unit="jd-sfj",
        co_units=["jd-czj", "jd-mzj"],
        legal_basis=["《中华人民共和国法律援助法》", "《中华人民共和国人民调解法》"],
        planned_completion="2026",
        procedures=BASIC,
    ),
    dict(
        title="嘉定区地下管线综合治理实施方案",
        summary="摸清全区供水、排水、燃气和通信地下管线底数，建立管线信息平台，分年度消除老旧和违规占压管线隐患。（由2025年度目录结转）",
        category="public_project",
        lead_unit="jd-jsglw",
        co_units=["jd-jtw", "jd-ghzyj"],
        legal_basis=["《城镇排水与污水处理条例》", "《上海市燃气管理条例》"],
        planned_completion="2026-Q2",
        procedures=FULL,
    ),
    dict(
        title="嘉定区菜市场标准化改造三年计划",
        summary="分三年完成全区标准化菜市场改造，统一设施配置、食品安全快检和智慧化管理，方便居民就近买菜。（由2025年度目录结转）",
        category="public_project",
        lead_unit="jd-swj",
        co_units=["jd-scjgj", "jd-jiangqiao", "jd-zhenxin"],
        legal_basis=["《上海市菜市场管理办法》"],
        planned_completion="2026-05",
        procedures=BASIC,
    ),
]

# Entered after the catalogue was published; the `add` adjustment below brings it in.
ENTERED_LATER_2026 = [
    dict(
        title="嘉定区低空经济产业发展若干措施",
        summary="支持无人机和电动垂直起降飞行器研发制造、适航审定和应用场景开放，建设低空飞行服务保障设施。对落户企业给予研发、场地和人才支持。",
        category="public_policy",
        lead_unit="jd-fgw",
        co_units=["jd-gyq", "jd-jtw", "jd-scjgj"],
        legal_basis=["《无人驾驶航空器飞行管理暂行条例》", "《上海市优化营商环境条例》"],
        planned_completion="2026-12",
        enterprise_related=True,
        procedures=ENTERPRISE,
    ),
]

ADJUSTMENTS_2026 = [
    dict(
        title="嘉定区低空经济产业发展若干措施",
        type="add",
        reason="根据市委、市政府关于加快低空经济发展的部署，经区政府常务会议研究，增补列入年度目录。",
        approved_on=D(2026, 5, 12),
        published_on=D(2026, 5, 15),
    ),
    dict(
        title="嘉定区养老服务设施布局规划（2026—2035年）",
        type="modify",
        reason="征求意见中居民对设施选址意见较为集中，增加区住房和城乡建设管理委为协办单位，并增设听证程序。",
        approved_on=D(2026, 6, 9),
        published_on=D(2026, 6, 12),
        changes={"co_units": ["jd-ghzyj", "jd-wjw", "jd-jsglw"], "hearing_required": True},
    ),
    dict(
        title="嘉定区公共停车场建设三年行动计划（2026—2028年）",
        type="postpone",
        reason="部分停车场选址涉及多个街镇，需补充开展社会稳定风险评估，完成时间延至年底。",
        approved_on=D(2026, 8, 25),
        published_on=D(2026, 8, 28),
        planned_completion="2026-12",
    ),
    dict(
        title="嘉定区农村集体经营性建设用地入市管理办法",
        type="withdraw",
        reason="市级层面将统一出台农村集体经营性建设用地入市办法，经区政府常务会议研究，撤销该事项。",
        approved_on=D(2026, 9, 22),
        published_on=D(2026, 9, 25),
    ),
]

CATALOGUES = [
    dict(
        year=2025,
        title="嘉定区人民政府2025年度重大行政决策事项目录",
        issuer_unit="jd-gov",
        publication=dict(party_consent_on=D(2025, 2, 25), published_on=D(2025, 3, 20), doc_number="嘉府发〔2025〕5号"),
        decisions=DECISIONS_2025,
        entered_later=[],
        adjustments=ADJUSTMENTS_2025,
    ),
    dict(
        year=2026,
        title="嘉定区人民政府2026年度重大行政决策事项目录",
        issuer_unit="jd-gov",
        publication=dict(party_consent_on=D(2026, 2, 24), published_on=D(2026, 3, 16), doc_number="嘉府发〔2026〕6号"),
        decisions=DECISIONS_2026,
        entered_later=ENTERED_LATER_2026,
        adjustments=ADJUSTMENTS_2026,
    ),
]

# --- Loading ---------------------------------------------------------------------------------


def _decision(year: int, title: str) -> Decision | None:
    return db.session.scalar(sa.select(Decision).where(Decision.catalogue_year == year, Decision.title == title))


def load() -> Counter:
    """Create what is missing, through the services; returns what was created."""
    created = Counter()
    # create_decision asks who enters an item: the district office. This account is never
    # saved; the audit log names the loader through g.actor.
    office = Account(name="demo", role=Role.admin)

    def ensure_decision(year, fields):
        if _decision(year, fields["title"]) is None:
            services.create_decision(year, by=office, **fields)
            created["decisions"] += 1

    for code, name, kind in UNITS:
        if db.session.get(Unit, code) is None:
            services.create_unit(code, name=name, kind=kind)
            created["units"] += 1
    for spec in CATALOGUES:
        year = spec["year"]
        catalogue = db.session.get(Catalogue, year)
        if catalogue is None:
            catalogue = services.create_catalogue(year, title=spec["title"], issuer_unit=spec["issuer_unit"])
            created["catalogues"] += 1
        for fields in spec["decisions"]:
            ensure_decision(year, fields)
        if catalogue.published_on is None:
            services.publish_catalogue(catalogue, **spec["publication"])
            created["publications"] += 1
        for fields in spec["entered_later"]:
            ensure_decision(year, fields)
        for adjustment in spec["adjustments"]:
            fields = dict(adjustment)
            decision = _decision(year, fields.pop("title"))
            exists = sa.select(Adjustment.id).where(
                Adjustment.decision_id == decision.id, Adjustment.type == fields["type"]
            )
            if db.session.scalar(exists) is None:
                services.adjust(catalogue, decision_id=decision.id, **fields)
                created["adjustments"] += 1
    return created


@cli.cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only into a database that has no units at all.")
def demo_command(if_empty):
    """Load the demo district (idempotent)."""
    # An app context of our own: its `g` names the loader in the audit log and its database
    # session ends with it, whatever context the caller holds.
    with current_app.app_context():
        g.actor = "demo"
        if if_empty and db.session.scalar(sa.select(Unit.code).limit(1)) is not None:
            click.echo("The database has units already: the demo district was not loaded.")
            return
        try:
            created = load()
        except ServiceError as error:
            raise click.ClickException(error.detail) from error
    if not created:
        click.echo("The demo district is loaded already: nothing to create.")
        return
    made = ", ".join(f"{created[k]} {k}" for k in ("units", "catalogues", "decisions", "adjustments") if created[k])
    published = f"; published {created['publications']} catalogues" if created["publications"] else ""
    click.echo(f"Demo district loaded: created {made or 'no records'}{published}.")
