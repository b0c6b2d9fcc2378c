"""`flask --app wsgi demo`: a believable district to explore, modelled on Shanghai's Jiading.

Everything is loaded through the services, so every rule of the catalogue, the procedure and
public participation applies and the audit log records each record under the actor "demo".
Several 2026 decisions have walked their procedure to different points (one all the way to its
execution report), so the portal shows real timelines at once. The enterprise-related decisions
taken to a meeting were consulted first, enterprises and industry associations among those who
commented, every opinion disposed of; one more was discussed at a symposium, and one decision
is out for comment today. 安亭镇 keeps its own 2026 catalogue, whose item went to the town's
党政联席会议 with a resident invited. Records are found again by their natural keys (unit code;
catalogue unit and year; decision year and title; adjustment decision and type; a draft's
title, a review's kind and completion day, a result's document number, an interpretation's
title; a meeting's body, unit, session and day; a consultation's decision, draft version,
method and opening day; a comment's consultation and content; a cluster's consultation and
summary; an inquiry's question), so a second run creates nothing.

It lives beside wsgi.py, above the domains, because it loads all of them: decisions never
imports consultation, but the demo needs both.
"""

import datetime as dt
from collections import Counter

import click
import sqlalchemy as sa
from flask import Blueprint, current_app, g

import demo_activities
from consultation.adoption.services import ADOPTION_REPORT
from consultation.assessments import services as assessments
from consultation.assessments.models import Assessment
from consultation.clusters import services as cluster_services
from consultation.clusters.models import Cluster
from consultation.comments import services as comment_services
from consultation.comments.models import Comment
from consultation.consultations import services as consultation_services
from consultation.consultations.models import Consultation
from consultation.dispositions import services as disposition_services
from consultation.inquiries import services as inquiries
from consultation.inquiries.models import Inquiry, InquiryState
from core import calendar
from core.auth import Account, Role
from core.errors import ServiceError
from core.extensions import db
from decisions import services
from decisions.catalogues import services as catalogue_services
from decisions.meetings import services as meetings
from decisions.meetings.models import Meeting
from decisions.models import DISTRICT, Adjustment, Catalogue, Decision, DecisionState, Unit
from decisions.records import services as records
from decisions.records.models import Draft
from decisions.units import services as unit_services

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

# --- How far the 2026 decisions have walked their procedure ----------------------------------
#
# Each walk is a decision's procedure as far as it has come, step by step, in the order things
# happened; each step is (what, fields), with the real days it was done and published. A
# meeting step puts the walk's decision on the agenda; its attendees speak to it.

PRIVATE_ECONOMY_V1 = "\n".join(
    (
        "嘉定区促进民营经济高质量发展若干措施（征求意见稿）",
        "第一条 为贯彻落实《中华人民共和国民营经济促进法》，持续优化营商环境，促进本区民营经济高质量发展，制定本措施。",
        "第二条 全面落实市场准入负面清单制度，清单以外的行业、领域、业务等，各类经营主体皆可依法平等进入。",
        "第三条 政府采购和招标投标活动中，不得以所有制形式、注册地、组织形式或者企业规模等设置不合理条件。",
        "第四条 每年安排不少于2亿元区级产业发展专项资金，支持民营企业技术改造、研发创新和数字化转型。",
        "第五条 对获得银行贷款的科技型中小企业，按同期贷款市场报价利率的30%给予贴息，单户每年最高50万元。",
        "第六条 新建标准厂房优先向成长型民营企业出租，租金不高于同区域市场平均水平。",
        "第七条 建立惠企政策“免申即享”清单，符合条件的企业无需申请即可享受政策。",
        "第八条 建立区领导联系重点民营企业制度，每季度召开一次民营企业座谈会，听取意见建议。",
        "第九条 本措施自印发之日起施行，有效期三年。",
    )
)

PRIVATE_ECONOMY_V2 = "\n".join(
    (
        "嘉定区促进民营经济高质量发展若干措施（送审稿）",
        "第一条 为贯彻落实《中华人民共和国民营经济促进法》，持续优化营商环境，促进本区民营经济高质量发展，制定本措施。",
        "第二条 全面落实市场准入负面清单制度，清单以外的行业、领域、业务等，各类经营主体皆可依法平等进入。",
        "第三条 政府采购和招标投标活动中，不得以所有制形式、注册地、组织形式或者企业规模等设置不合理条件。",
        "第四条 每年安排不少于3亿元区级产业发展专项资金，支持民营企业技术改造、研发创新和数字化转型。",
        "第五条 对获得银行贷款的科技型中小企业，按同期贷款市场报价利率的50%给予贴息，单户每年最高100万元。",
        "第六条 新建标准厂房通过公开方式向成长型中小企业出租，租金不高于同区域市场平均水平。",
        "第七条 建立惠企政策“免申即享”清单，符合条件的企业无需申请即可享受政策；确需申请的，申请材料不超过三项，"
        "自受理之日起30个工作日内兑现。",
        "第八条 建立区领导联系重点民营企业制度，每季度召开一次民营企业座谈会，听取意见建议。",
        "第九条 推行涉企行政检查“综合查一次”，对首次发生且危害后果轻微并及时改正的违法行为，依法不予行政处罚。",
        "第十条 本措施自印发之日起施行，有效期三年。",
    )
)

PRIVATE_ECONOMY_FINAL = "\n".join(
    (
        "嘉定区促进民营经济高质量发展若干措施",
        "第一条 为贯彻落实《中华人民共和国民营经济促进法》，持续优化营商环境，促进本区民营经济高质量发展，制定本措施。",
        "第二条 全面落实市场准入负面清单制度，清单以外的行业、领域、业务等，各类经营主体皆可依法平等进入。",
        "第三条 政府采购和招标投标活动中，不得以所有制形式、注册地、组织形式或者企业规模等设置不合理条件。",
        "第四条 每年安排不少于3亿元区级产业发展专项资金，支持民营企业技术改造、研发创新和数字化转型。",
        "第五条 对获得银行贷款（含设备更新贷款）的科技型中小企业和专精特新企业，"
        "按同期贷款市场报价利率的50%给予贴息，单户每年最高100万元。",
        "第六条 新建标准厂房通过公开方式向成长型中小企业出租，租金不高于同区域市场平均水平。",
        "第七条 建立惠企政策“免申即享”清单，符合条件的企业无需申请即可享受政策；确需申请的，申请材料不超过三项，"
        "自受理之日起30个工作日内兑现。",
        "第八条 建立区领导联系重点民营企业制度，每季度召开一次民营企业座谈会，邀请行业协会参加，听取意见建议。",
        "第九条 推行涉企行政检查“综合查一次”，对列入本市轻微违法违规经营行为免罚清单的行为，依法不予行政处罚。",
        "第十条 本措施自印发之日起施行，有效期三年，由区发展和改革委员会负责解释。",
    )
)

# --- Public participation --------------------------------------------------------------------
#
# A consultation step of a walk consults on a published draft (named by its title) and takes
# the comments that came in, each found again by its content. A comment says how it came in
# and on which day; most were received in the past, so the loader enters them as the lead
# unit's staff do (the service lets staff enter a comment after the close, with its real
# channel and `received_on` within the window). For the letters and 12345 calls that is what
# happened; for the portal, 一网通办, 人民建议征集信箱 and 随申办 submissions of a past window it
# is the honest way for a loader to put on record what the public sent then: the service takes
# a public submission only on the day it is made. A comment marked `live` is submitted the
# way the public does it today (anonymously on the portal, or by the 随申办 app), and only while
# its window is open. `moderation` publishes a comment or rejects it with a reason; each
# comment of a closed window has its disposition, directly or through its cluster
# (较为集中意见, named by `cluster`).

PRIVATE_ECONOMY_CONSULTATION = dict(
    draft_title="嘉定区促进民营经济高质量发展若干措施（征求意见稿）",
    method="online",
    audience=["public", "enterprises", "industry_associations"],
    channels=["portal", "yiwangtongban", "suishenban", "suggestion_box", "letter", "hotline_12345"],
    opens_on=D(2026, 4, 10),
    closes_on=D(2026, 5, 10),
    comments_public=True,
    contact="区发展和改革委员会政策法规科",
    published_on=D(2026, 4, 10),
    clusters=[
        dict(
            tag="interest",
            summary="多条意见建议提高科技型中小企业贷款贴息比例和单户上限，并扩大贴息范围。",
            disposition="partially_adopted",
            reason_code="cost_or_feasibility",
            reason="贴息比例由30%提高到50%、单户上限由50万元提高到100万元，并将设备更新贷款和专精特新企业纳入贴息范围；"
            "进一步提高贴息比例超出区级财政承受能力，暂不采纳。",
        ),
    ],
    comments=[
        dict(
            content="第五条贴息比例30%偏低，单户50万元的上限对设备投入大的制造企业作用有限，建议贴息比例提高到50%以上，"
            "单户上限提高到100万元。",
            submitter_type="enterprise",
            organisation="上海嘉联精密机械有限公司",
            contact="021-59170000",
            channel="portal",
            received_on=D(2026, 4, 14),
            moderation="publish",
            cluster="interest",
        ),
        dict(
            content="（书面来函）我公司建议提高第五条的贷款贴息比例，具体意见已于4月14日在区政府网站提交。",
            submitter_type="enterprise",
            organisation="上海嘉联精密机械有限公司",
            channel="letter",
            received_on=D(2026, 4, 16),
            moderation="publish",
            disposition=dict(
                disposition="duplicate",
                reason_code="already_provided_for",
                reason="与该企业4月14日通过区政府门户网站提交的意见相同，已合并办理。",
            ),
        ),
        dict(
            content="小企业贷款利率仍然偏高，建议加大科技型中小企业贷款贴息力度。",
            submitter_type="individual",
            name="陈先生",
            contact="13800001234",
            channel="yiwangtongban",
            received_on=D(2026, 4, 18),
            moderation="publish",
            cluster="interest",
        ),
        dict(
            content="推广低息贷款、财税代办，当天放款，详情添加微信咨询。",
            submitter_type="individual",
            contact="wx-daiban-2026",
            channel="portal",
            received_on=D(2026, 4, 19),
            moderation=("reject", "含有商业广告内容，与本次征求意见无关，不予发布。"),
            disposition=dict(
                disposition="out_of_scope",
                reason_code="other",
                reason="广告信息，不属于对征求意见稿的意见建议。",
            ),
        ),
        dict(
            # Taken down by the 12345 operator as said, number and all: the public reads a marker.
            content="我家小区门口的城中路早晚高峰经常堵车，建议增设信号灯。有进展请回电13900005678。",
            submitter_type="individual",
            name="王女士",
            contact="13900005678",
            channel="hotline_12345",
            received_on=D(2026, 4, 20),
            moderation="publish",
            disposition=dict(
                disposition="out_of_scope",
                reason_code="outside_competence",
                reason="不属于本措施的内容，已转区交通委研究办理。",
            ),
        ),
        dict(
            content="第六条“优先向成长型民营企业出租”按所有制区别对待，外资和国有中小企业同样有厂房需求，"
            "建议改为公开招租、一视同仁。",
            submitter_type="enterprise",
            organisation="上海嘉和新材料科技有限公司",
            channel="suishenban",
            received_on=D(2026, 4, 21),
            moderation="publish",
            disposition=dict(
                disposition="adopted",
                reason="第六条修改为“通过公开方式向成长型中小企业出租”，对各类经营主体一视同仁。",
            ),
        ),
        dict(
            content="建议对专项资金开展绩效评价，贴息政策设置退出机制，避免同一企业长期依赖补贴。",
            submitter_type="expert",
            name="张国华",
            organisation="上海财经大学公共经济与管理学院",
            channel="portal",
            received_on=D(2026, 4, 24),
            moderation="publish",
            disposition=dict(
                disposition="partially_adopted",
                reason_code="already_provided_for",
                reason="专项资金绩效评价已纳入区级财政专项资金管理办法；贴息退出机制在兑现操作细则中规定，措施正文不再重复。",
            ),
        ),
        dict(
            content="会员企业普遍反映贴息比例偏低、单户上限不高，建议提高贴息比例，并将专精特新企业纳入支持范围。",
            submitter_type="industry_association",
            organisation="嘉定区中小企业协会",
            channel="letter",
            received_on=D(2026, 4, 27),
            moderation="publish",
            cluster="interest",
        ),
        dict(
            content="建议增加涉企行政检查“综合查一次”的规定，减少多头检查、重复检查。",
            submitter_type="deputy",
            name="沈建国",
            organisation="嘉定区人民代表大会",
            channel="letter",
            received_on=D(2026, 4, 29),
            moderation="publish",
            disposition=dict(
                disposition="adopted",
                reason="送审稿新增第九条，推行涉企行政检查“综合查一次”。",
            ),
        ),
        dict(
            content="第七条“免申即享”之外仍需申请的政策，建议明确申请材料和兑现时限，避免企业多头跑、长时间等。",
            submitter_type="industry_association",
            organisation="嘉定区工商业联合会",
            channel="letter",
            received_on=D(2026, 5, 6),
            moderation="publish",
            disposition=dict(
                disposition="adopted",
                reason="第七条明确确需申请的政策申请材料不超过三项，自受理之日起30个工作日内兑现。",
            ),
        ),
        dict(
            content="希望措施把个体工商户也纳入支持范围，个体户同样面临租金和融资压力。",
            submitter_type="individual",
            name="刘女士",
            contact="13700009876",
            channel="suggestion_box",
            received_on=D(2026, 5, 8),
            moderation="publish",
            disposition=dict(
                disposition="not_adopted",
                reason_code="already_provided_for",
                reason="个体工商户的扶持政策由区市场监管局会同有关部门另行制定，本措施不再重复规定。",
            ),
        ),
    ],
)

LOW_ALTITUDE_CONSULTATION = dict(
    draft_title="嘉定区低空经济产业发展若干措施（征求意见稿）",
    method="online",
    audience=["public", "enterprises", "industry_associations"],
    channels=["portal", "yiwangtongban", "suishenban", "suggestion_box", "letter", "hotline_12345"],
    opens_on=D(2026, 6, 10),
    closes_on=D(2026, 7, 10),
    comments_public=False,
    contact="区发展和改革委员会产业发展科",
    published_on=D(2026, 6, 10),
    clusters=[
        dict(
            tag="noise",
            summary="多位居民关注无人机飞行噪声、起降场选址和个人隐私保护。",
            disposition="adopted",
            reason="措施增加飞行噪声管控、起降场选址避让居住区和飞行数据安全管理的要求。",
        ),
    ],
    comments=[
        dict(
            content="建议开放低空物流应用场景，并由区里协助企业办理试飞空域申请。",
            submitter_type="enterprise",
            organisation="上海嘉航低空科技有限公司",
            channel="portal",
            received_on=D(2026, 6, 15),
            disposition=dict(
                disposition="adopted",
                reason="第二条增加低空物流应用场景；区发展改革委会同嘉定工业区协助企业办理空域申请。",
            ),
        ),
        dict(
            content="担心无人机在居民区上空飞行产生噪声，还可能拍到居民家里。",
            submitter_type="individual",
            name="赵先生",
            contact="13600002468",
            channel="hotline_12345",
            received_on=D(2026, 6, 18),
            cluster="noise",
        ),
        dict(
            content="建议在轨道交通站点周边增加共享单车停放点。",
            submitter_type="individual",
            channel="portal",
            received_on=D(2026, 6, 20),
            disposition=dict(
                disposition="out_of_scope",
                reason_code="outside_competence",
                reason="不属于本措施的内容，已转区交通委研究办理。",
            ),
        ),
        dict(
            content="电动垂直起降飞行器适航审定周期长、费用高，建议对审定费用给予补贴。",
            submitter_type="enterprise",
            organisation="上海翼启航空科技有限公司",
            channel="suishenban",
            received_on=D(2026, 6, 22),
            disposition=dict(
                disposition="partially_adopted",
                reason_code="cost_or_feasibility",
                reason="对取得型号合格证的企业给予一次性奖励；审定过程中的费用不予补贴。",
            ),
        ),
        dict(
            content="建议明确无人机飞行的时段和高度，避免夜间扰民。",
            submitter_type="individual",
            channel="yiwangtongban",
            received_on=D(2026, 6, 25),
            cluster="noise",
        ),
        dict(
            content="建议建立低空飞行安全事件报告和应急处置机制。",
            submitter_type="expert",
            name="周振宇",
            organisation="上海交通大学航空航天学院",
            channel="portal",
            received_on=D(2026, 6, 30),
            disposition=dict(disposition="adopted", reason="措施增加飞行安全事件报告和应急处置的要求。"),
        ),
        dict(
            content="建议设立低空经济产业基金，支持初创企业发展。",
            submitter_type="industry_association",
            organisation="嘉定区智能制造行业协会",
            channel="letter",
            received_on=D(2026, 7, 3),
            disposition=dict(
                disposition="not_adopted",
                reason_code="already_provided_for",
                reason="低空经济项目由区级产业引导基金统筹支持，不再单设产业基金。",
            ),
        ),
        dict(
            content="本区汽车零部件企业较多，建议将零部件企业转型进入低空产业链纳入支持范围。",
            submitter_type="industry_association",
            organisation="嘉定区汽车行业协会",
            channel="suggestion_box",
            received_on=D(2026, 7, 6),
            disposition=dict(disposition="adopted", reason="第一条增加支持汽车零部件企业转型配套低空产业的内容。"),
        ),
        dict(
            content="建议加强低空经济人才培养，与高校共建实训基地。",
            submitter_type="cppcc_member",
            organisation="政协嘉定区委员会",
            channel="letter",
            received_on=D(2026, 7, 7),
            disposition=dict(
                disposition="partially_adopted",
                reason_code="already_provided_for",
                reason="人才支持已在第四条规定；与高校共建实训基地由区人力资源社会保障局在人才政策中统筹。",
            ),
        ),
        dict(
            content="无人机起降场不要建在小区旁边。",
            submitter_type="individual",
            channel="portal",
            received_on=D(2026, 7, 8),
            cluster="noise",
        ),
    ],
)

ANTING_SYMPOSIUM = dict(
    draft_title="安亭镇汽车城核心区道路及配套设施提升工程实施方案（征求意见稿）",
    method="symposium",
    audience=["enterprises", "industry_associations"],
    channels=["meeting", "letter"],
    opens_on=D(2026, 9, 24),
    closes_on=D(2026, 9, 30),
    comments_public=False,
    contact="安亭镇规划建设和环境保护办公室",
    published_on=D(2026, 9, 17),
    comments=[
        dict(
            content="道路施工请分段进行，保障物流车辆通行，避开早晚通勤高峰。",
            submitter_type="enterprise",
            organisation="上海嘉安汽车零部件有限公司",
            channel="meeting",
            received_on=D(2026, 9, 24),
            disposition=dict(disposition="adopted", reason="实施方案明确分段施工、错峰作业，施工期间保留物流通道。"),
        ),
        dict(
            content="公共充电设施建议预留大功率快充和换电站的位置。",
            submitter_type="enterprise",
            organisation="上海安驰新能源汽车科技有限公司",
            channel="meeting",
            received_on=D(2026, 9, 24),
            disposition=dict(
                disposition="partially_adopted",
                reason_code="cost_or_feasibility",
                reason="首期在主要公共停车场预留大功率快充位置；换电站由企业按规划自行建设。",
            ),
        ),
        dict(
            content="建议开通园区至轨道交通11号线安亭站的通勤接驳公交。",
            submitter_type="industry_association",
            organisation="嘉定区汽车行业协会",
            channel="meeting",
            received_on=D(2026, 9, 24),
            disposition=dict(
                disposition="not_adopted",
                reason_code="outside_competence",
                reason="公交线路调整属区交通委职责，已转交研究；本工程在道路设计中预留公交港湾。",
            ),
        ),
        dict(
            content="施工期间建议设置临时停车场，减少对沿街商户经营的影响。",
            submitter_type="industry_association",
            organisation="安亭镇商会",
            channel="letter",
            received_on=D(2026, 9, 28),
            disposition=dict(disposition="adopted", reason="实施方案增加施工期间临时停车场的设置安排。"),
        ),
    ],
)

# The catalogue lists public participation for these two: each consulted before its meeting
# (procedure-missing), and each opinion has its disposition (adoption-not-on-record).
SCHOOL_GROUPS_CONSULTATION = dict(
    draft_title="嘉定区中小学学区化集团化办学实施方案（征求意见稿）",
    method="online",
    audience=["public"],
    channels=["portal", "suishenban", "letter"],
    opens_on=D(2026, 3, 30),
    closes_on=D(2026, 4, 29),
    comments_public=False,
    contact="区教育局基础教育科",
    published_on=D(2026, 3, 30),
    comments=[
        dict(
            content="建议交流轮岗教师的职称评审和绩效考核向集团内薄弱学校倾斜，避免教师不愿流动。",
            submitter_type="individual",
            channel="portal",
            received_on=D(2026, 4, 7),
            disposition=dict(
                disposition="adopted", reason="方案增加交流轮岗教师在职称评审和绩效考核中予以倾斜的规定。"
            ),
        ),
        dict(
            content="希望集团化办学后保留各校的办学特色，不要搞“千校一面”。",
            submitter_type="individual",
            channel="letter",
            received_on=D(2026, 4, 15),
            disposition=dict(
                disposition="partially_adopted",
                reason_code="already_provided_for",
                reason="方案已明确“一校一品”特色发展要求；捆绑考核中增加特色发展指标，考核办法不再另设。",
            ),
        ),
    ],
)

NEW_CITY_CONSULTATION = dict(
    draft_title="嘉定新城“十五五”发展规划（征求意见稿）",
    method="online",
    audience=["public", "enterprises", "industry_associations"],
    channels=["portal", "suishenban"],
    opens_on=D(2026, 5, 8),
    closes_on=D(2026, 6, 8),
    comments_public=False,
    contact="区发展和改革委员会规划科",
    published_on=D(2026, 5, 8),
    comments=[
        dict(
            content="建议加快新城东西向轨道交通和快速路建设，缓解新城与中心城区之间的通勤压力。",
            submitter_type="individual",
            channel="portal",
            received_on=D(2026, 5, 12),
            disposition=dict(disposition="adopted", reason="第五章增加东西向快速通道和轨道交通前期研究的任务。"),
        ),
        dict(
            content="新城中心区商业配套不足，建议引进大型商业综合体。",
            submitter_type="individual",
            channel="suishenban",
            received_on=D(2026, 5, 20),
            disposition=dict(
                disposition="not_adopted",
                reason_code="outside_competence",
                reason="商业综合体由市场主体投资建设，规划在中心区预留商业用地，不对具体项目作出安排。",
            ),
        ),
    ],
)

# Open today: its comments are being studied, so none has a disposition yet.
WASTE_SORTING_CONSULTATION = dict(
    draft_title="嘉定区生活垃圾分类管理办法（修订征求意见稿）",
    method="online",
    audience=["public", "enterprises", "industry_associations"],
    channels=["portal", "yiwangtongban", "suishenban", "suggestion_box", "letter", "hotline_12345"],
    opens_on=D(2026, 11, 10),
    closes_on=D(2026, 12, 10),
    comments_public=True,
    contact="区绿化和市容管理局市容环境卫生管理科",
    published_on=D(2026, 11, 10),
    comments=[
        dict(
            content="建议在定时定点投放点增设洗手池和照明，方便居民夜间投放。",
            submitter_type="individual",
            channel="portal",
            received_on=D(2026, 11, 12),
            moderation="publish",
        ),
        dict(
            content="第三条只规定了物业服务企业的责任，建议同时明确居委会和业委会的配合责任。",
            submitter_type="enterprise",
            organisation="上海嘉宁物业管理有限公司",
            channel="yiwangtongban",
            received_on=D(2026, 11, 16),
            moderation="publish",
        ),
        dict(
            content="装修垃圾预约后经常一周都没人来收，建议规定上门时限并公开收运电话。",
            submitter_type="individual",
            name="孙女士",
            contact="13500003579",
            channel="hotline_12345",
            received_on=D(2026, 11, 19),
            moderation="publish",
        ),
        dict(
            content="建议对物业服务企业开展分类引导所需的人员配备给予经费补贴。",
            submitter_type="industry_association",
            organisation="嘉定区物业管理行业协会",
            channel="letter",
            received_on=D(2026, 11, 20),
            moderation="publish",
        ),
        dict(
            content="建议大件垃圾回收点每周至少开放两天。",
            submitter_type="individual",
            name="钱先生",
            contact="嘉定区清河路某弄",
            channel="letter",
            received_on=D(2026, 11, 23),
            moderation="publish",
        ),
        dict(
            content="建议对分类投放做得好的小区给予奖励。",
            submitter_type="individual",
            channel="portal",
            live=True,
        ),
        dict(
            content="建议在“随申办”上开通装修垃圾和大件垃圾的预约功能。",
            submitter_type="individual",
            channel="suishenban",
            live=True,
        ),
    ],
)

PRIVATE_ECONOMY = [
    (
        "background",
        dict(
            necessity="民营经济是嘉定经济发展的重要力量，全区民营企业占市场主体总数的九成以上，贡献了约六成的税收和八成以上的城镇就业。《中华人民共和国民营经济促进法》自2025年5月20日起施行，需要结合本区实际，把法律规定转化为可操作、可兑现的具体措施。",
            problem="调研中企业反映较为集中的问题是：部分领域仍有隐性准入门槛；科技型中小企业融资难、融资贵；标准厂房供给与成长型企业需求不匹配；惠企政策分散在多个部门，申请材料多、兑现周期长；政企沟通渠道不够畅通。",
            legal_and_policy_basis="《中华人民共和国民营经济促进法》《优化营商环境条例》《上海市优化营商环境条例》，以及市委、市政府关于促进民营经济发展壮大的有关文件。",
            main_content="措施共九条，分为公平市场准入、要素保障、融资支持、政策兑现和政企沟通五个方面，明确各项措施的责任单位和兑现流程。",
            published_on=D(2026, 4, 8),
        ),
    ),
    (
        "draft",
        dict(
            kind="consultation_draft",
            title="嘉定区促进民营经济高质量发展若干措施（征求意见稿）",
            text=PRIVATE_ECONOMY_V1,
            explanation="现将征求意见稿向社会公开征求意见，征求意见期为2026年4月10日至5月10日。欢迎企业、行业协会和社会各界通过区政府门户网站、“随申办”和书面方式提出意见建议。",
            published_on=D(2026, 4, 10),
        ),
    ),
    ("consultation", PRIVATE_ECONOMY_CONSULTATION),
    (
        "review",
        dict(
            kind="expert_review",
            started_on=D(2026, 5, 11),
            completed_on=D(2026, 5, 15),
            summary="专家组认为，措施符合国家和本市促进民营经济发展的政策导向，针对性和可操作性较强。建议提高融资支持力度，明确政策兑现时限，并对专项资金开展绩效评价。",
            experts=[
                dict(name="王立新", organisation="同济大学经济与管理学院", no_direct_interest=True, dissent=None),
                dict(name="李慧敏", organisation="上海社会科学院应用经济研究所", no_direct_interest=True, dissent=None),
                dict(
                    name="张国华",
                    organisation="上海财经大学公共经济与管理学院",
                    no_direct_interest=True,
                    dissent="建议贴息政策设置退出机制，避免同一企业长期享受补贴。",
                ),
            ],
            published_on=D(2026, 5, 18),
        ),
    ),
    (
        "review",
        dict(
            kind="risk_assessment",
            started_on=D(2026, 5, 12),
            completed_on=D(2026, 5, 22),
            summary="经评估，措施实施的社会稳定风险等级为低风险，风险总体可控。",
            risk_points=["专项资金规模扩大带来的预算平衡压力", "政策兑现标准不统一可能引发企业投诉"],
            mitigation="专项资金纳入年度预算统筹安排并开展绩效评价；制定统一的兑现操作细则并向社会公开。",
            controllable=True,
            published_on=D(2026, 5, 25),
        ),
    ),
    (
        "review",
        dict(
            kind="fair_competition_review",
            started_on=D(2026, 5, 18),
            completed_on=D(2026, 5, 27),
            summary="经对照市场准入和退出、商品和要素自由流动、影响生产经营成本、影响生产经营行为四类标准审查，征求意见稿第六条“优先向成长型民营企业出租”以所有制形式区别对待经营主体，建议修改为面向各类经营主体公平适用；修改后不含排除、限制竞争的内容。",
            restricts_competition=False,
            published_on=D(2026, 5, 29),
        ),
    ),
    (
        "draft",
        dict(
            kind="review_draft",
            title="嘉定区促进民营经济高质量发展若干措施（送审稿）",
            text=PRIVATE_ECONOMY_V2,
            explanation="征求意见期间，通过区政府门户网站、“一网通办”、“随申办”、人民建议征集信箱、书面来信和12345热线共收到意见建议10条，其中企业3条、行业协会2条。根据征求意见、专家论证和公平竞争审查意见，主要作了以下修改：一是区级产业发展专项资金由2亿元提高到3亿元；二是提高贷款贴息比例和单户上限；三是标准厂房改为公开招租；四是明确依申请兑现政策的材料和时限；五是增加涉企行政检查“综合查一次”的规定。",
            published_on=D(2026, 6, 3),
        ),
    ),
    (
        "review",
        dict(
            kind="legality_review",
            submitted_on=D(2026, 6, 3),
            started_on=D(2026, 6, 4),
            completed_on=D(2026, 6, 16),
            summary="区司法局经审查认为，送审稿符合法律、法规和规章的规定，制定程序符合要求，建议作文字修改后提请区政府常务会议审议。",
            opinion="一、第九条“依法不予行政处罚”应与本市轻微违法违规经营行为免罚清单相衔接；二、第十条应明确本措施的解释机关。",
            result="lawful_with_changes",
            published_on=D(2026, 6, 18),
        ),
    ),
    (
        "meeting",
        dict(
            body_type="executive",
            session_no=99,
            held_on=D(2026, 6, 23),
            outcome="approved_with_changes",
            notes="会议原则通过，请区发展改革委根据会议意见和列席代表意见修改完善后，以区政府规范性文件印发实施。",
            attendees=[
                dict(
                    category="enterprise",
                    organisation="上海嘉联精密机械有限公司",
                    name="周立民",
                    name_consent=True,
                    opinion="建议将设备更新贷款纳入贴息范围，并覆盖专精特新企业。",
                    adoption="adopted",
                    adoption_note="已在第五条中增加设备更新贷款和专精特新企业。",
                ),
                dict(
                    category="industry_association",
                    organisation="嘉定区中小企业协会",
                    opinion="建议每季度的民营企业座谈会邀请行业协会参加，并逐条公开意见办理情况。",
                    adoption="partially_adopted",
                    adoption_note="已在第八条中增加邀请行业协会参加的规定；办理情况按季度汇总公开，不逐条公开。",
                ),
                dict(
                    category="citizen",
                    organisation="新成路街道居民代表",
                    opinion="希望政策兑现结果向社会公开，接受群众监督。",
                    adoption="adopted",
                    adoption_note="兑现结果将在区政府门户网站按季度公开（涉及商业秘密的除外）。",
                ),
            ],
            published_on=D(2026, 6, 24),
        ),
    ),
    (
        "result",
        dict(
            title="嘉定区促进民营经济高质量发展若干措施",
            doc_number="嘉府规〔2026〕3号",
            signed_on=D(2026, 6, 30),
            issued_on=D(2026, 7, 3),
            text=PRIVATE_ECONOMY_FINAL,
            published_on=D(2026, 7, 6),
        ),
    ),
    (
        "interpretation",
        dict(
            form="text",
            title="《嘉定区促进民营经济高质量发展若干措施》政策解读",
            text="一、制定背景：落实《中华人民共和国民营经济促进法》，回应企业关切。二、主要内容：十条措施，涵盖公平准入、要素保障、融资支持、政策兑现和政企沟通。三、与征求意见稿相比的主要变化：专项资金提高到3亿元，贴息比例提高到50%，标准厂房公开招租，增加“综合查一次”。",
            published_on=D(2026, 7, 6),
        ),
    ),
    (
        "interpretation",
        dict(
            form="graphic",
            title="一图读懂《嘉定区促进民营经济高质量发展若干措施》",
            text="3亿元专项资金｜贴息50%、单户最高100万元｜“免申即享”与30个工作日兑现｜“综合查一次”。",
            text_alternative="图解共四部分。一、设立3亿元民营经济发展专项资金；二、贷款贴息比例50%，单户企业每年最高100万元；三、符合条件的政策“免申即享”，需申报的30个工作日内兑现；四、对企业的行政检查实行“综合查一次”。",
            published_on=D(2026, 7, 7),
        ),
    ),
    (
        "interpretation",
        dict(
            form="press_conference",
            title="区政府新闻发布会：解读《嘉定区促进民营经济高质量发展若干措施》",
            url="https://www.jiading.gov.cn/zcjd/2026/fbh-3.html",
            text_alternative="发布会文字实录：区发展改革委主要负责人介绍十条措施的制定背景和主要内容，并回答了媒体关于专项资金申报、贷款贴息和“综合查一次”的提问。",
            published_on=D(2026, 7, 8),
        ),
    ),
    (
        "interpretation",
        dict(
            form="short_video",
            title="跟踪解读｜民营经济若干措施实施百日：贴息资金已兑现",
            url="https://www.jiading.gov.cn/zcjd/2026/sp-3.html",
            text_alternative="视频文字稿：措施实施百日，全区已有412家企业享受贷款贴息，兑现资金6800万元；“免申即享”事项平均12个工作日到账；下一步将把标准厂房公开招租扩大到各街镇。",
            follows="《嘉定区促进民营经济高质量发展若干措施》政策解读",
            published_on=D(2026, 10, 15),
        ),
    ),
    (
        "adoption_report",
        dict(
            summary="征求意见期间共收到意见建议，均已逐条研究处理：采纳的意见已在送审稿中体现；未予采纳的较为集中意见均说明了理由，逐条处理结果见下列统计和较为集中意见。",
            published_on=D(2026, 7, 10),
        ),
    ),
    # A letter received within the window reached the department only after the report was
    # published: the published version stays as it was; a correction publishes version 2.
    (
        "late_letter",
        dict(
            consultation_opens_on=D(2026, 4, 10),
            content="来信建议在“免申即享”清单中列明每项政策的兑现时限，便于企业查询。",
            submitter_type="enterprise",
            organisation="上海嘉定某精密机械有限公司",
            channel="letter",
            received_on=D(2026, 4, 30),
            disposition=dict(disposition="adopted", reason="已在实施细则中列明兑现时限。", disposed_on=D(2026, 7, 14)),
        ),
    ),
    (
        "correction",
        dict(
            of="adoption_report",
            reason="补录征求意见期间收到、意见汇总后转来的企业来信1件，统计数据相应更新。",
            summary="征求意见期间共收到意见建议，均已逐条研究处理（含补录的企业来信1件）：采纳的意见已在送审稿或实施细则中体现；未予采纳的较为集中意见均说明了理由。",
            published_on=D(2026, 7, 15),
        ),
    ),
    (
        "follow_up",
        dict(
            kind="execution_report",
            occurred_on=D(2026, 10, 30),
            title="《嘉定区促进民营经济高质量发展若干措施》2026年前三季度执行情况",
            reason="截至2026年9月底，已兑现贷款贴息1236万元，惠及科技型中小企业和专精特新企业187家；“免申即享”清单纳入政策14项，兑现资金4520万元；区领导联系重点民营企业82家，召开民营企业座谈会3次，收集问题126个，已办结118个。",
            published_on=D(2026, 11, 4),
        ),
    ),
]

NEW_CITY = [
    (
        "background",
        dict(
            necessity="“十五五”时期是嘉定新城建设成为独立综合性节点城市的关键阶段，需要编制新城发展规划，统筹产业、交通、公共服务和生态建设。",
            problem="新城产城融合不够，中心区功能集聚度不高，东西向交通联系偏弱，优质公共服务资源布局不均衡。",
            legal_and_policy_basis="《中华人民共和国城乡规划法》《上海市城市总体规划（2017—2035年）》，以及本市关于推进新城规划建设的实施意见。",
            main_content="规划明确新城发展定位和目标，提出“一核两轴多组团”的空间结构，部署产业发展、综合交通、公共服务和生态环境四个方面的重点任务。",
            published_on=D(2026, 4, 20),
        ),
    ),
    (
        "draft",
        dict(
            kind="consultation_draft",
            title="嘉定新城“十五五”发展规划（征求意见稿）",
            text="\n".join(
                (
                    "第一章 发展基础和面临形势",
                    "第二章 总体要求和发展目标",
                    "第三章 构建“一核两轴多组团”空间格局",
                    "第四章 打造汽车和智能传感器两大产业集群",
                    "第五章 完善综合交通体系",
                    "第六章 提升公共服务能级",
                    "第七章 建设生态宜居新城",
                    "第八章 保障措施",
                )
            ),
            explanation="征求意见期为2026年5月8日至6月8日，欢迎社会各界通过区政府门户网站和“随申办”提出意见建议。",
            published_on=D(2026, 5, 8),
        ),
    ),
    ("consultation", NEW_CITY_CONSULTATION),
    (
        "review",
        dict(
            kind="expert_review",
            started_on=D(2026, 7, 1),
            completed_on=D(2026, 7, 10),
            summary="专家组认为，规划定位准确、目标总体可行，建议加强与市级交通、产业专项规划的衔接，补充产业用地规模的测算依据。",
            experts=[
                dict(name="陈志刚", organisation="同济大学建筑与城市规划学院", no_direct_interest=True, dissent=None),
                dict(name="刘晓燕", organisation="华东师范大学城市发展研究院", no_direct_interest=True, dissent=None),
            ],
            published_on=D(2026, 7, 14),
        ),
    ),
    (
        "review",
        dict(
            kind="risk_assessment",
            started_on=D(2026, 7, 13),
            completed_on=D(2026, 7, 24),
            summary="规划涉及部分地块用途调整和征收，经评估风险等级为中低风险，采取措施后风险可控。",
            risk_points=["部分地块征收补偿可能引发矛盾", "重大项目建设期间交通和噪声影响周边居民"],
            mitigation="征收补偿依法公开、分期实施；重大项目开工前公示施工方案，设置居民意见反馈渠道。",
            controllable=True,
            published_on=D(2026, 7, 28),
        ),
    ),
    (
        "review",
        dict(
            kind="legality_review",
            submitted_on=D(2026, 8, 17),
            started_on=D(2026, 8, 18),
            completed_on=D(2026, 9, 2),
            summary="经审查，规划草案符合法律法规规定，制定程序符合要求。",
            opinion="同意提请区政府常务会议审议。",
            result="lawful",
        ),
    ),
    (
        "meeting",
        dict(
            body_type="executive",
            session_no=110,
            held_on=D(2026, 9, 15),
            outcome="returned",
            notes="会议认为，规划对新城东西向交通廊道和嘉闵线站点周边开发强度的安排与市级专项规划衔接不够，产业用地规模测算依据不足。请区发展改革委会同区规划资源局修改完善后，另行提请审议。",
            attendees=[
                dict(
                    category="citizen",
                    organisation="马陆镇居民代表",
                    opinion="希望规划明确新城中心区公共停车和社区养老设施的配置标准。",
                    adoption="adopted",
                    adoption_note="将在修改稿中补充公共停车和社区养老设施配置标准。",
                ),
                dict(
                    category="deputy",
                    organisation="嘉定区人民代表大会",
                    opinion="建议规划增加新城与虹桥国际中央商务区的交通衔接内容。",
                    adoption="partially_adopted",
                    adoption_note="交通衔接内容结合市级综合交通规划一并修改。",
                ),
                dict(
                    category="enterprise",
                    organisation="上海嘉新城市建设发展有限公司",
                    opinion="建议分期明确重点地块的开发时序。",
                    adoption="adopted",
                    adoption_note="将在修改稿中增加重点地块开发时序表。",
                ),
            ],
            published_on=D(2026, 9, 17),
        ),
    ),
]

SCHOOL_GROUPS = [
    (
        "background",
        dict(
            necessity="推进学区化集团化办学是扩大优质教育资源覆盖面、促进义务教育优质均衡发展的重要举措，需要在总结前期试点经验的基础上，形成全区统一的实施方案。",
            problem="目前全区已组建紧密型教育集团12个、覆盖学校32所，但集团内师资交流和课程共享的机制不够健全，部分新建学校和农村学校的办学质量与城区学校仍有差距。",
            legal_and_policy_basis="《中华人民共和国教育法》《中华人民共和国义务教育法》，以及本市关于推进学区化集团化办学的指导意见。",
            main_content="方案明确到2028年紧密型教育集团覆盖全区公办义务教育学校，规定集团内教师交流轮岗、统一教研和捆绑考核的办法。",
            published_on=D(2026, 3, 27),
        ),
    ),
    (
        "correction",
        dict(
            of="background",
            reason="原文“覆盖学校32所”有误，应为“覆盖学校36所”，予以更正。",
            problem="目前全区已组建紧密型教育集团12个、覆盖学校36所，但集团内师资交流和课程共享的机制不够健全，部分新建学校和农村学校的办学质量与城区学校仍有差距。",
            published_on=D(2026, 4, 3),
        ),
    ),
    (
        "draft",
        dict(
            kind="consultation_draft",
            title="嘉定区中小学学区化集团化办学实施方案（征求意见稿）",
            text="\n".join(
                (
                    "一、总体目标：到2028年，紧密型教育集团覆盖全区公办义务教育学校。",
                    "二、组建方式：以优质学校为龙头，按“城乡结对、强弱搭配”原则组建学区和教育集团。",
                    "三、教师交流：集团内符合条件的教师每年交流轮岗比例不低于10%。",
                    "四、课程共享：集团内统一教研、共享课程资源和场馆设施。",
                    "五、考核评价：对教育集团实行捆绑考核。",
                )
            ),
            explanation="征求意见期为2026年3月30日至4月29日。",
            published_on=D(2026, 3, 30),
        ),
    ),
    ("consultation", SCHOOL_GROUPS_CONSULTATION),
    (
        "review",
        dict(
            kind="expert_review",
            started_on=D(2026, 5, 6),
            completed_on=D(2026, 5, 8),
            summary="专家组认为，方案目标明确、措施可行，建议轮岗原则上在同一学区内进行，兼顾教师通勤。",
            experts=[
                dict(name="孙丽华", organisation="华东师范大学教育学部", no_direct_interest=True, dissent=None),
                dict(name="赵建平", organisation="上海师范大学教育学院", no_direct_interest=True, dissent=None),
            ],
            published_on=D(2026, 5, 12),
        ),
    ),
    (
        "review",
        dict(
            kind="legality_review",
            submitted_on=D(2026, 5, 11),
            completed_on=D(2026, 5, 19),
            summary="经审查，方案符合法律法规规定。",
            result="lawful",
        ),
    ),
    (
        "meeting",
        dict(
            body_type="executive",
            session_no=96,
            held_on=D(2026, 5, 26),
            outcome="approved",
            notes="会议同意该方案，请区教育局会同区财政局、区人力资源社会保障局抓好落实。",
            attendees=[
                dict(
                    category="citizen",
                    organisation="菊园新区家长代表",
                    opinion="希望教师交流轮岗兼顾教师通勤距离，保持教学的连续性。",
                    adoption="adopted",
                    adoption_note="方案明确轮岗原则上在同一学区内进行，并以学年为周期。",
                ),
            ],
            published_on=D(2026, 5, 27),
        ),
    ),
    (
        "result",
        dict(
            title="嘉定区中小学学区化集团化办学实施方案",
            doc_number="嘉府办发〔2026〕21号",
            signed_on=D(2026, 6, 2),
            issued_on=D(2026, 6, 5),
            published_on=D(2026, 6, 8),
        ),
    ),
    (
        "interpretation",
        dict(
            form="text",
            title="《嘉定区中小学学区化集团化办学实施方案》政策解读",
            text="方案明确，集团内教师每年交流轮岗比例不低于15%……",
            published_on=D(2026, 6, 9),
            withdrawn=dict(
                withdrawn_on=D(2026, 6, 12),
                reason="解读中“教师交流轮岗比例不低于15%”与正式文件（符合条件的教师不低于10%）不一致，予以撤回，修改后以政策问答形式重新发布。",
            ),
        ),
    ),
    (
        "interpretation",
        dict(
            form="text",
            title="《嘉定区中小学学区化集团化办学实施方案》政策问答",
            text="问：哪些教师需要交流轮岗？答：集团内符合条件的教师每年交流轮岗比例不低于10%，原则上在同一学区内进行。",
            published_on=D(2026, 6, 12),
        ),
    ),
]

RURAL_LAND = [
    (
        "background",
        dict(
            necessity="农村集体经营性建设用地入市试点经验需要总结推广，规范入市的范围、程序和收益分配。",
            problem="入市地块的范围认定、交易程序和集体收益分配缺乏统一规范。",
            legal_and_policy_basis="《中华人民共和国土地管理法》《中华人民共和国土地管理法实施条例》。",
            main_content="办法拟规定入市范围、入市主体、交易程序、收益分配和监督管理。",
            published_on=D(2026, 5, 14),
        ),
    ),
    (
        "draft",
        dict(
            kind="consultation_draft",
            title="嘉定区农村集体经营性建设用地入市管理办法（征求意见稿）",
            text="\n".join(
                (
                    "第一条 入市范围：符合国土空间规划、依法登记的集体经营性建设用地。",
                    "第二条 入市主体：农村集体经济组织。",
                    "第三条 交易方式：招标、拍卖、挂牌或者协议方式。",
                    "第四条 收益分配：集体收益主要用于成员分配和公益事业。",
                )
            ),
            explanation="征求意见期为2026年6月5日至7月5日。",
            published_on=D(2026, 6, 5),
        ),
    ),
]

LOW_ALTITUDE = [
    (
        "background",
        dict(
            necessity="低空经济是新兴战略性产业，本区具备汽车和智能制造的产业基础，需要出台专项措施抢抓发展机遇。",
            problem="低空飞行服务保障设施不足，应用场景开放有限，企业适航审定周期长。",
            legal_and_policy_basis="《无人驾驶航空器飞行管理暂行条例》《上海市优化营商环境条例》。",
            main_content="措施围绕研发制造、场景开放、基础设施和人才支持四个方面提出十二条支持政策。",
            published_on=D(2026, 6, 2),
        ),
    ),
    (
        "draft",
        dict(
            kind="consultation_draft",
            title="嘉定区低空经济产业发展若干措施（征求意见稿）",
            text="\n".join(
                (
                    "第一条 支持无人机和电动垂直起降飞行器整机及核心零部件研发制造。",
                    "第二条 开放低空物流、应急救援和城市治理应用场景。",
                    "第三条 建设低空飞行服务站和起降场。",
                    "第四条 对落户企业给予研发、场地和人才支持。",
                )
            ),
            explanation="征求意见期为2026年6月10日至7月10日。",
            published_on=D(2026, 6, 10),
        ),
    ),
    ("consultation", LOW_ALTITUDE_CONSULTATION),
    (
        "review",
        dict(
            kind="expert_review",
            started_on=D(2026, 8, 12),
            completed_on=D(2026, 8, 20),
            summary="专家组认为，措施方向正确，建议加强飞行安全和噪声管控，完善数据安全管理要求。",
            experts=[
                dict(name="周振宇", organisation="上海交通大学航空航天学院", no_direct_interest=True, dissent=None),
                dict(name="吴敏", organisation="中国民航大学上海研究院", no_direct_interest=True, dissent=None),
            ],
            published_on=D(2026, 8, 24),
        ),
    ),
    (
        "review",
        dict(
            kind="fair_competition_review",
            completed_on=D(2026, 9, 4),
            summary="经审查，措施对各类经营主体一视同仁，不含排除、限制竞争的内容。",
            restricts_competition=False,
            published_on=D(2026, 9, 8),
        ),
    ),
    (
        "review",
        dict(
            kind="legality_review",
            submitted_on=D(2026, 10, 16),
            completed_on=D(2026, 10, 28),
            summary="经审查，措施符合法律法规规定，同意提请审议。",
            result="lawful",
        ),
    ),
    (
        "meeting",
        dict(
            body_type="executive",
            session_no=117,
            held_on=D(2026, 11, 17),
            outcome="approved",
            notes="会议同意该措施，请区发展改革委抓紧印发，并会同嘉定工业区做好应用场景开放。",
            attendees=[
                dict(
                    category="enterprise",
                    organisation="上海嘉航低空科技有限公司",
                    opinion="建议开放更多低空物流应用场景，并简化试飞空域申请流程。",
                    adoption="adopted",
                    adoption_note="第二条增加低空物流场景，区里将协助企业办理空域申请。",
                ),
                dict(
                    category="industry_association",
                    organisation="嘉定区智能制造行业协会",
                    opinion="建议设立低空经济产业基金。",
                    adoption="not_adopted",
                    adoption_note="产业基金由区级产业引导基金统筹，不再单设。",
                ),
                dict(
                    category="citizen",
                    organisation="嘉定工业区居民代表",
                    opinion="关注无人机飞行噪声和个人隐私保护。",
                    adoption="adopted",
                    adoption_note="措施增加飞行噪声管控和数据安全管理要求。",
                ),
            ],
            published_on=D(2026, 11, 18),
        ),
    ),
]

PARKING = [
    (
        "background",
        dict(
            necessity="本区机动车保有量快速增长，老旧小区、医院和轨道交通站点周边停车矛盾突出，需要系统谋划公共停车场建设。",
            problem="全区公共停车泊位缺口约两万个，停车资源分布不均，共享利用率不高。",
            legal_and_policy_basis="《上海市道路交通管理条例》《上海市停车场（库）管理办法》。",
            main_content="计划三年新增公共停车泊位约一万个，明确选址原则、建设时序和资金安排。",
            published_on=D(2026, 4, 16),
        ),
    ),
    (
        "draft",
        dict(
            kind="consultation_draft",
            title="嘉定区公共停车场建设三年行动计划（2026—2028年）（征求意见稿）",
            text="\n".join(
                (
                    "一、目标：三年新增公共停车泊位约一万个。",
                    "二、重点区域：老旧小区、医院和轨道交通站点周边。",
                    "三、建设方式：新建停车楼、挖潜存量用地和错峰共享。",
                    "四、资金安排：区级财政和社会资本共同投入。",
                )
            ),
            explanation="征求意见期为2026年5月20日至6月19日。",
            published_on=D(2026, 5, 20),
        ),
    ),
    (
        "review",
        dict(
            kind="expert_review",
            started_on=D(2026, 7, 1),
            completed_on=D(2026, 7, 8),
            summary="专家组认为，计划总体可行，建议优先利用存量用地，控制新建停车楼规模。",
            experts=[
                dict(name="黄建华", organisation="同济大学交通运输工程学院", no_direct_interest=True, dissent=None),
                dict(name="许文静", organisation="上海市城市规划设计研究院", no_direct_interest=True, dissent=None),
            ],
            published_on=D(2026, 7, 10),
        ),
    ),
    (
        "review",
        dict(
            kind="risk_assessment",
            started_on=D(2026, 9, 1),
            completed_on=D(2026, 10, 16),
            summary="补充开展社会稳定风险评估。部分停车场选址涉及居民小区周边，经评估风险等级为低风险，风险可控。",
            risk_points=["停车楼建设影响周边居民采光和出行", "收费标准调整可能引发居民意见"],
            mitigation="逐个项目开展居民意见征询，收费标准按规定履行价格听证程序。",
            controllable=True,
            published_on=D(2026, 10, 20),
        ),
    ),
    (
        "review",
        dict(
            kind="legality_review",
            submitted_on=D(2026, 10, 28),
            completed_on=D(2026, 11, 13),
            summary="经审查，计划符合法律法规规定，建议补充停车场运营管理的有关要求。",
            opinion="建议在第四部分中补充社会资本投资停车场的运营管理要求。",
            result="lawful_with_changes",
        ),
    ),
]

WASTE_SORTING = [
    (
        "background",
        dict(
            necessity="《上海市生活垃圾管理条例》施行以来，本区生活垃圾分类取得明显成效，但装修垃圾和大件垃圾收运等方面仍有短板，需要修订区级管理办法。",
            problem="装修垃圾和大件垃圾收运不及时，部分居住区定时定点投放执行不到位。",
            legal_and_policy_basis="《中华人民共和国固体废物污染环境防治法》《上海市生活垃圾管理条例》。",
            main_content="修订稿完善分类投放、收运和处置各环节的管理要求，重点规范装修垃圾和大件垃圾的预约收运。",
            published_on=D(2026, 10, 26),
        ),
    ),
    (
        "draft",
        dict(
            kind="consultation_draft",
            title="嘉定区生活垃圾分类管理办法（修订征求意见稿）",
            text="\n".join(
                (
                    "第一条 居住区实行定时定点投放，投放时间由业主大会或者居民委员会确定。",
                    "第二条 装修垃圾和大件垃圾实行预约收运，收运单位应当在预约后三日内上门。",
                    "第三条 物业服务企业应当做好分类投放的引导和监督。",
                )
            ),
            explanation="征求意见期为2026年11月10日至12月10日；该事项需举行听证会，听证会安排另行公告。",
            published_on=D(2026, 11, 10),
        ),
    ),
    ("consultation", WASTE_SORTING_CONSULTATION),
]

ANTING = [
    (
        "background",
        dict(
            necessity="安亭汽车城核心区集聚整车和零部件企业三百余家，道路、管网和公共充电设施建成已近二十年，难以适应企业通勤、物流和新能源汽车发展的需要。",
            problem="核心区部分道路断面窄、路面破损，雨污管网混接，公共充电桩数量不足、分布不均，早晚高峰通勤和货运车辆混行拥堵。",
            legal_and_policy_basis="《政府投资条例》《中华人民共和国城乡规划法》，以及本市关于推进新能源汽车充电基础设施建设的有关规定。",
            main_content="方案对核心区道路进行拓宽改造，实施雨污分流，新建公共充电设施，工程分两期实施，首期年内开工。",
            published_on=D(2026, 9, 8),
        ),
    ),
    (
        "draft",
        dict(
            kind="consultation_draft",
            title="安亭镇汽车城核心区道路及配套设施提升工程实施方案（征求意见稿）",
            text="\n".join(
                (
                    "一、工程范围：汽车城核心区主次干道约12公里及配套管网。",
                    "二、道路工程：拓宽墨玉路、安智路等主要道路，增设非机动车道。",
                    "三、管网工程：实施雨污分流改造。",
                    "四、充电设施：在公共停车场和主要道路沿线新建公共充电桩。",
                    "五、实施安排：工程分两期实施，首期2026年第四季度开工。",
                )
            ),
            explanation="安亭镇将于2026年9月24日召开企业和行业协会座谈会听取意见，会后至9月30日可提交书面意见。",
            published_on=D(2026, 9, 14),
        ),
    ),
    ("consultation", ANTING_SYMPOSIUM),
]

ELDERLY_CARE = [
    (
        "background",
        dict(
            necessity="本区60岁及以上户籍老年人口占比已超过三成，需要按照“15分钟养老服务圈”要求统筹养老服务设施布局。",
            problem="养老床位和社区为老服务设施分布不均，新城和部分街镇缺口较大。",
            legal_and_policy_basis="《中华人民共和国老年人权益保障法》《上海市养老服务条例》。",
            main_content="规划明确养老机构、长者照护之家和社区综合为老服务中心的布局和规模，以及各街镇的床位配置指标。",
            published_on=D(2026, 5, 6),
        ),
    ),
    (
        "draft",
        dict(
            kind="consultation_draft",
            title="嘉定区养老服务设施布局规划（2026—2035年）（征求意见稿）",
            text="\n".join(
                (
                    "一、规划目标：到2035年，全区养老床位数达到户籍老年人口的3%。",
                    "二、设施布局：每个街镇至少设置一家社区综合为老服务中心。",
                    "三、用地保障：新建居住区按标准配建养老服务设施。",
                )
            ),
            explanation="征求意见期为2026年5月6日至6月5日。",
            published_on=D(2026, 5, 6),
        ),
    ),
]

# 2025: the market renovation plan was consulted online for 31 days, its opinions disposed of,
# so the 2025 assessment scores the commerce commission on a kept consultation window.
MARKETS_2025 = [
    (
        "draft",
        dict(
            kind="consultation_draft",
            title="嘉定区菜市场标准化改造三年计划（征求意见稿）",
            text="\n".join(
                (
                    "一、目标：三年完成全区标准化菜市场改造。",
                    "二、改造内容：统一设施配置、食品安全快检和智慧化管理。",
                    "三、实施安排：每年改造约三分之一，改造期间设置临时售卖点。",
                )
            ),
            explanation="征求意见期为2025年4月1日至5月1日。",
            published_on=D(2025, 4, 1),
        ),
    ),
    (
        "consultation",
        dict(
            draft_title="嘉定区菜市场标准化改造三年计划（征求意见稿）",
            method="online",
            audience=["public"],
            channels=["portal", "letter"],
            opens_on=D(2025, 4, 1),
            closes_on=D(2025, 5, 1),
            comments_public=False,
            contact="区商务委员会市场建设科",
            published_on=D(2025, 4, 1),
            comments=[
                dict(
                    content="改造期间请设置临时售卖点，方便老年人就近买菜。",
                    submitter_type="individual",
                    channel="portal",
                    received_on=D(2025, 4, 8),
                    disposition=dict(disposition="adopted", reason="第三条已明确改造期间设置临时售卖点。"),
                ),
                dict(
                    content="建议菜市场延长营业时间到晚上九点。",
                    submitter_type="individual",
                    channel="letter",
                    received_on=D(2025, 4, 20),
                    disposition=dict(
                        disposition="out_of_scope",
                        reason_code="outside_competence",
                        reason="营业时间由各市场经营者确定，不属于本计划的内容。",
                    ),
                ),
            ],
        ),
    ),
]

# (decision title, its walk), in the order they are loaded.
WALKS_2026 = [
    ("嘉定区中小学学区化集团化办学实施方案", SCHOOL_GROUPS),
    ("嘉定区促进民营经济高质量发展若干措施", PRIVATE_ECONOMY),
    ("嘉定新城“十五五”发展规划", NEW_CITY),
    ("嘉定区农村集体经营性建设用地入市管理办法", RURAL_LAND),
    ("嘉定区低空经济产业发展若干措施", LOW_ALTITUDE),
    ("嘉定区公共停车场建设三年行动计划（2026—2028年）", PARKING),
    ("嘉定区生活垃圾分类管理办法修订", WASTE_SORTING),
    ("安亭镇汽车城核心区道路及配套设施提升工程", ANTING),
    ("嘉定区养老服务设施布局规划（2026—2035年）", ELDERLY_CARE),
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
        walks=[("嘉定区菜市场标准化改造三年计划", MARKETS_2025)],
    ),
    dict(
        year=2026,
        title="嘉定区人民政府2026年度重大行政决策事项目录",
        issuer_unit="jd-gov",
        publication=dict(party_consent_on=D(2026, 2, 24), published_on=D(2026, 3, 16), doc_number="嘉府发〔2026〕6号"),
        decisions=DECISIONS_2026,
        entered_later=ENTERED_LATER_2026,
        adjustments=ADJUSTMENTS_2026,
        walks=WALKS_2026,
    ),
]

# --- A unit's own catalogue and decision meeting ---------------------------------------------
# 安亭镇 keeps its own catalogue (确定并发布本单位重大行政决策事项目录), consented by the town's
# Party committee and published by 31 March; its item went to the town's 党政联席会议, to
# which a resident of the estates concerned was invited (the district's rule of three a
# year counts it for the town, with the topic from the town's own catalogue).

ANTING_LIFTS = "安亭镇老旧小区加装电梯三年行动方案（2026—2028年）"

ANTING_LIFTS_WALK = [
    (
        "background",
        dict(
            necessity="安亭镇建成于上世纪八九十年代的多层住宅小区有四十余个，六十岁以上居民占比超过三成，上下楼难问题突出。",
            problem="加装电梯意愿征询难、资金筹措难、管线迁移难，已加装的电梯集中在少数小区。",
            legal_and_policy_basis="《上海市既有多层住宅加装电梯的指导意见》，以及本区关于既有多层住宅加装电梯的有关规定。",
            main_content="方案明确三年加装目标、镇级补贴标准、意见征询和管线迁移的办理流程。",
            published_on=D(2026, 4, 8),
        ),
    ),
    (
        "draft",
        dict(
            kind="consultation_draft",
            title="安亭镇老旧小区加装电梯三年行动方案（2026—2028年）（征求意见稿）",
            text="\n".join(
                (
                    "一、工作目标：三年内完成加装电梯一百五十台。",
                    "二、补贴标准：在市、区补贴基础上，镇级每台补贴十万元。",
                    "三、办理流程：居民意见征询、方案公示、联合审批、施工监管。",
                )
            ),
            explanation="方案经镇党政联席会议审议，会议邀请居民代表列席。",
            published_on=D(2026, 4, 10),
        ),
    ),
    (
        "review",
        dict(
            kind="legality_review",
            submitted_on=D(2026, 4, 20),
            completed_on=D(2026, 4, 28),
            summary="经镇司法所审查，方案符合法律法规规定。",
            result="lawful",
        ),
    ),
    (
        "meeting",
        dict(
            body_type="joint_party_government_meeting",
            unit="jd-anting",
            session_no=9,
            held_on=D(2026, 5, 12),
            outcome="approved",
            notes="会议同意该方案，请镇城建办会同各居委会抓好落实。",
            attendees=[
                dict(
                    category="citizen",
                    organisation="安亭镇新安社区居民代表",
                    opinion="建议对一楼住户给予适当补偿，减少加装阻力。",
                    adoption="adopted",
                    adoption_note="已在方案第三条中增加协商补偿的指导意见。",
                )
            ],
            published_on=D(2026, 5, 14),
        ),
    ),
]

UNIT_CATALOGUES = [
    dict(
        unit="jd-anting",
        year=2026,
        title="安亭镇2026年度重大行政决策事项目录",
        publication=dict(party_consent_on=D(2026, 3, 2), published_on=D(2026, 3, 18), doc_number="安府发〔2026〕3号"),
        decisions=[
            dict(
                catalogue_unit="jd-anting",
                title=ANTING_LIFTS,
                summary="明确三年加装电梯目标、镇级补贴标准和办理流程，解决老旧小区居民上下楼难问题。",
                category="public_policy",
                lead_unit="jd-anting",
                co_units=["jd-jsglw"],
                legal_basis=["《上海市既有多层住宅加装电梯的指导意见》"],
                planned_completion="2026-Q2",
                procedures=["legality_review", "collective_deliberation"],
            )
        ],
        walks=[(ANTING_LIFTS, ANTING_LIFTS_WALK)],
    ),
]

# --- Inquiries (政策留言, 网上咨询) ------------------------------------------------------------
# Questions on decisions' pages and one general one, as the office entered them from each
# channel with their real day, each found again by its question. Most were answered; one was
# published (选登) and awaits its answer; one was declined (not about the policy); one was
# transferred (转办) to the unit whose money it is, keeping its deadline, and one general
# question was assigned by the office. Names and contacts never reach the public.

INQUIRIES = [
    dict(
        decision="嘉定区促进民营经济高质量发展若干措施",
        question="贴息申请需要提交哪些材料？",
        channel="portal",
        received_on=D(2026, 4, 7),
        name="陈先生",
        contact="13800001111",
        answer=dict(
            answer="需提交营业执照、贷款合同及付息凭证，详见区发展改革委网站办事指南。", answered_on=D(2026, 4, 10)
        ),
    ),
    dict(
        decision="嘉定区促进民营经济高质量发展若干措施",
        question="个体工商户能否享受房租补贴？",
        channel="suishenban",
        received_on=D(2026, 4, 8),
        answer=dict(answer="可以，个体工商户与小微企业同等适用。", answered_on=D(2026, 4, 9), simple=True),
    ),
    dict(
        decision="嘉定区促进民营经济高质量发展若干措施",
        question="我家楼下餐馆油烟扰民，谁来管？",
        channel="portal",
        received_on=D(2026, 4, 15),
        name="李女士",
        decline=dict(reason="与本政策无关，已告知通过12345市民服务热线反映。", declined_on=D(2026, 4, 16)),
    ),
    dict(
        decision="嘉定区中小学学区化集团化办学实施方案",
        question="实行学区化集团化办学后，入学划片会调整吗？",
        channel="yiwangtongban",
        received_on=D(2026, 11, 9),
        publish=True,
    ),
    dict(
        decision="嘉定区生活垃圾分类管理办法修订",
        question="垃圾分类示范小区的奖励资金由哪个部门发放？",
        channel="hotline_12345",
        received_on=D(2026, 11, 2),
        transfer=dict(to_unit="jd-czj", reason="奖励资金由区财政局拨付，转财政局答复。", transferred_on=D(2026, 11, 3)),
        answer=dict(answer="由区财政局按季度拨付至街镇，再发放至示范小区。", answered_on=D(2026, 11, 6)),
    ),
    dict(
        decision=None,
        question="老年人助餐点在哪里可以查询？",
        channel="portal",
        received_on=D(2026, 10, 26),
        transfer=dict(to_unit="jd-mzj", reason="属民政局职责。", transferred_on=D(2026, 10, 26)),
        answer=dict(answer="可在“随申办”搜索“养老助餐”查询就近助餐点。", answered_on=D(2026, 10, 28)),
    ),
]

# --- Loading ---------------------------------------------------------------------------------


def _decision(year: int, title: str) -> Decision | None:
    return db.session.scalar(sa.select(Decision).where(Decision.catalogue_year == year, Decision.title == title))


# What each step of a walk records, and the fields that find it again (its natural key). The
# first version is found, not a correction of it: a correction keeps most of its fields.
STEP_KINDS = {
    "background": (records.BACKGROUND, ()),
    "draft": (records.DRAFT, ("title",)),
    "review": (records.REVIEW, ("kind", "completed_on")),
    "result": (records.RESULT, ("doc_number",)),
    "interpretation": (records.INTERPRETATION, ("title",)),
    "follow_up": (records.FOLLOW_UP, ("kind", "title")),
    "adoption_report": (ADOPTION_REPORT, ()),
}


def _submitted(consultation: Consultation, by: Account | None, values: dict) -> Comment:
    made, _ = comment_services.submit_comment(consultation.id, by=by, **values)
    return db.session.get(Comment, made.id)


class _Walker:
    """Walks decisions through their procedure, doing only the steps not on record yet."""

    def __init__(self, by: Account, created: Counter):
        self.by = by
        self.created = created
        # The 随申办 app as a partner: its submissions carry its channel. Like `by`, never saved.
        self.partner = Account(name="随申办", role=Role.partner, channel="suishenban")

    def walk(self, decision: Decision, steps) -> None:
        for step, fields in steps:
            fields = dict(fields)
            if step == "meeting":
                self.meeting(decision, fields)
            elif step == "consultation":
                self.consultation(decision, fields)
            elif step == "correction":
                self.correction(decision, fields)
            elif step == "late_letter":
                self.late_letter(decision, fields)
            else:
                self.record(step, decision, fields)

    def record(self, step: str, decision: Decision, fields: dict) -> None:
        kind, key = STEP_KINDS[step]
        published_on = fields.pop("published_on", None)
        withdrawn = fields.pop("withdrawn", None)
        model = kind.model
        if "follows" in fields:  # a follow-up interpretation names the one it follows by its title
            fields["follows_id"] = db.session.scalar(
                sa.select(model.id).where(model.decision_id == decision.id, model.title == fields.pop("follows"))
            )
        record = db.session.scalar(
            sa.select(model)
            .where(
                model.decision_id == decision.id,
                model.corrects_id.is_(None),
                *(getattr(model, name) == fields[name] for name in key),
            )
            .order_by(model.id)
            .limit(1)
        )
        if record is None:
            if kind.singular:
                record, _ = records.put_singular(kind, decision, by=self.by, **fields)
            else:
                record = records.create(kind, decision, by=self.by, **fields)
            self.created["records"] += 1
        if published_on is not None and record.published_on is None:
            records.publish(kind, record, by=self.by, published_on=published_on)
            self.created["record publications"] += 1
        if withdrawn is not None and record.withdrawn_on is None:
            records.withdraw(kind, record, by=self.by, **withdrawn)
            self.created["record withdrawals"] += 1

    def correction(self, decision: Decision, fields: dict) -> None:
        """Correct the current version of a published record. The demo corrects each kind of record
        of a decision at most once, so a correction on record means this one was made."""
        kind, _ = STEP_KINDS[fields.pop("of")]
        model = kind.model
        corrected = sa.select(model.id).where(model.decision_id == decision.id, model.corrects_id.is_not(None))
        if db.session.scalar(corrected.limit(1)) is not None:
            return
        current = db.session.scalar(
            sa.select(model)
            .where(model.decision_id == decision.id, model.superseded_by_id.is_(None))
            .order_by(model.id.desc())
            .limit(1)
        )
        records.correct(kind, current, by=self.by, **fields)
        self.created["record corrections"] += 1

    def late_letter(self, decision: Decision, fields: dict) -> None:
        """A letter received within a consultation's window but entered later, with its disposition."""
        disposition = fields.pop("disposition")
        consultation = db.session.scalar(
            sa.select(Consultation).filter_by(decision_id=decision.id, opens_on=fields.pop("consultation_opens_on"))
        )
        comment = db.session.scalar(
            sa.select(Comment).where(Comment.consultation_id == consultation.id, Comment.content == fields["content"])
        )
        if comment is None:
            comment = _submitted(consultation, self.by, fields)
            self.created["comments"] += 1
        if comment.disposition is None:
            disposition_services.dispose(comment, by=self.by, **disposition)
            self.created["dispositions"] += 1

    def consultation(self, decision: Decision, fields: dict) -> None:
        """A consultation on a published draft, found by its draft version, method and opening day;
        then its comments (found by content), their moderation, clusters and dispositions."""
        comments = fields.pop("comments")
        clusters = fields.pop("clusters", [])
        published_on = fields.pop("published_on")
        version = db.session.scalar(
            sa.select(Draft.version).where(
                Draft.decision_id == decision.id, Draft.title == fields.pop("draft_title"), Draft.corrects_id.is_(None)
            )
        )
        key = dict(decision_id=decision.id, draft_version=version, method=fields["method"], opens_on=fields["opens_on"])
        consultation = db.session.scalar(sa.select(Consultation).filter_by(**key))
        if consultation is None:
            consultation = consultation_services.create_consultation(
                decision, by=self.by, draft_version=version, **fields
            )
            self.created["consultations"] += 1
        if consultation.published_on is None:
            consultation_services.publish_consultation(consultation, by=self.by, published_on=published_on)
            self.created["consultation publications"] += 1

        def find(content):
            return db.session.scalar(
                sa.select(Comment).where(Comment.consultation_id == consultation.id, Comment.content == content)
            )

        for spec in comments:
            values = {k: v for k, v in spec.items() if k not in ("moderation", "disposition", "cluster", "live")}
            comment = find(values["content"])
            if comment is None:
                if not spec.get("live"):
                    # Entered as staff, with the channel and the day it came in (see above).
                    comment = _submitted(consultation, self.by, values)
                elif consultation_services.status_of(consultation) == "open":
                    # Sent today, as the public sends it: by the partner app or on the portal.
                    by = self.partner if values["channel"] == self.partner.channel else None
                    if by is not None:
                        del values["channel"]
                    comment = _submitted(consultation, by, values)
                else:
                    continue  # a comment sent while the window is open; it is not open today
                self.created["comments"] += 1
            moderation = spec.get("moderation")
            if moderation is not None and comment.moderation == "pending":
                action, reason = ("publish", None) if moderation == "publish" else moderation
                comment_services.moderate(comment, by=self.by, action=action, reason=reason)
                self.created["moderations"] += 1
        # The department studies the opinions in the week after the window closes.
        decided_on = min(consultation.closes_on + dt.timedelta(days=7), calendar.today())
        for cluster in clusters:
            cluster = dict(cluster)
            tag = cluster.pop("tag")
            exists = sa.select(Cluster.id).where(
                Cluster.consultation_id == consultation.id, Cluster.summary == cluster["summary"]
            )
            if db.session.scalar(exists) is None:
                ids = [find(c["content"]).id for c in comments if c.get("cluster") == tag]
                cluster_services.create_cluster(
                    consultation, by=self.by, comment_ids=ids, disposed_on=decided_on, **cluster
                )
                self.created["clusters"] += 1
        for spec in (c for c in comments if "disposition" in c):
            comment = find(spec["content"])
            if comment.disposition is None:
                disposition_services.dispose(comment, by=self.by, disposed_on=decided_on, **spec["disposition"])
                self.created["dispositions"] += 1

    def meeting(self, decision: Decision, fields: dict) -> None:
        """A meeting that deliberated the walk's decision, found by body, session and day."""
        published_on = fields.pop("published_on", None)
        key = {name: fields.pop(name) for name in ("body_type", "session_no", "held_on")}
        key["unit"] = fields.pop("unit", None)  # a unit's own meeting; the district's have none
        meeting = db.session.scalar(sa.select(Meeting).filter_by(**key))
        if meeting is None:
            item = {"decision_id": decision.id, "outcome": fields.pop("outcome"), "notes": fields.pop("notes", None)}
            attendees = [{**attendee, "decision_id": decision.id} for attendee in fields.pop("attendees", [])]
            meeting = meetings.record_meeting(**key, agenda=[item], attendees=attendees)
            self.created["meetings"] += 1
        if published_on is not None and meeting.published_on is None:
            meetings.publish_meeting(meeting, published_on=published_on)
            self.created["meeting publications"] += 1


def load() -> Counter:
    """Create what is missing, through the services; returns what was created."""
    created = Counter()
    # create_decision asks who enters an item: the district office. This account is never
    # saved; the audit log names the loader through g.actor.
    office = Account(name="demo", role=Role.admin)
    walker = _Walker(office, created)

    def ensure_decision(year, fields):
        if _decision(year, fields["title"]) is None:
            services.create_decision(year, by=office, **fields)
            created["decisions"] += 1

    def ensure_adjustments(catalogue, adjustments):
        for adjustment in adjustments:
            fields = dict(adjustment)
            decision = _decision(catalogue.year, fields.pop("title"))
            exists = sa.select(Adjustment.id).where(
                Adjustment.decision_id == decision.id, Adjustment.type == fields["type"]
            )
            if db.session.scalar(exists) is None:
                catalogue_services.adjust(catalogue, decision_id=decision.id, **fields)
                created["adjustments"] += 1

    for code, name, kind in UNITS:
        if db.session.get(Unit, code) is None:
            unit_services.create_unit(code, name=name, kind=kind)
            created["units"] += 1
    for spec in CATALOGUES:
        year = spec["year"]
        catalogue = db.session.get(Catalogue, (DISTRICT, year))
        if catalogue is None:
            catalogue = catalogue_services.create_catalogue(year, title=spec["title"], issuer_unit=spec["issuer_unit"])
            created["catalogues"] += 1
        for fields in spec["decisions"]:
            ensure_decision(year, fields)
        if catalogue.published_on is None:
            catalogue_services.publish_catalogue(catalogue, **spec["publication"])
            created["publications"] += 1
        for fields in spec["entered_later"]:
            ensure_decision(year, fields)
        # A withdrawn decision takes no new records, so its withdrawal comes after the walks
        # (which all end before it); the `add` must come before, so the added item can publish.
        withdrawals = [a for a in spec["adjustments"] if a["type"] == "withdraw"]
        ensure_adjustments(catalogue, [a for a in spec["adjustments"] if a["type"] != "withdraw"])
        for title, steps in spec["walks"]:
            decision = _decision(year, title)
            # A database loaded before the walks existed has the item withdrawn already.
            if decision.state != DecisionState.withdrawn:
                walker.walk(decision, steps)
        ensure_adjustments(catalogue, withdrawals)
    for spec in UNIT_CATALOGUES:
        unit, year = spec["unit"], spec["year"]
        catalogue = db.session.get(Catalogue, (unit, year))
        if catalogue is None:
            catalogue = catalogue_services.create_catalogue(year, unit=unit, title=spec["title"], by=office)
            created["catalogues"] += 1
        for fields in spec["decisions"]:
            ensure_decision(year, fields)
        if catalogue.published_on is None:
            catalogue_services.publish_catalogue(catalogue, by=office, **spec["publication"])
            created["publications"] += 1
        for title, steps in spec["walks"]:
            walker.walk(_decision(year, title), steps)
    _load_inquiries(office, created)
    demo_activities.load(office, created)
    _load_assessment(created)
    return created


# The office's assessment of 2025 (年度政务公开工作考核评估), scored by the default rules and
# published. Loaded after the fact, it is read and published on the day the demo loads: past
# 31 March 2026 it says so (`deadline: late`), as it would of any assessment entered late.
ASSESSED_YEAR = 2025


def _load_assessment(created: Counter) -> None:
    """Take and publish the 2025 assessment, unless a version of it is published already."""
    published = sa.select(Assessment.id).where(Assessment.year == ASSESSED_YEAR, Assessment.published_on.is_not(None))
    if db.session.scalar(published.limit(1)) is not None:
        return
    assessments.take(ASSESSED_YEAR)
    created["assessments"] += 1
    assessments.publish(ASSESSED_YEAR)
    created["assessment publications"] += 1


def _load_inquiries(office: Account, created: Counter) -> None:
    """Ask each question that is missing, then take it as far as its spec says."""
    for spec in INQUIRIES:
        fields = dict(spec)
        title = fields.pop("decision")
        steps = {key: fields.pop(key, None) for key in ("publish", "decline", "transfer", "answer")}
        inquiry = db.session.scalar(sa.select(Inquiry).where(Inquiry.question == fields["question"]))
        if inquiry is None:
            if title is None:
                inquiry = inquiries.ask_generally(by=office, **fields)
            else:
                inquiry = inquiries.ask(_decision(2026, title), by=office, **fields)
            created["inquiries"] += 1
        if steps["transfer"] and not inquiry.transfers:
            inquiries.transfer(inquiry, by=office, **steps["transfer"])
        if inquiry.state == InquiryState.received:
            if steps["publish"]:
                inquiries.publish(inquiry, by=office)
            elif steps["decline"]:
                inquiries.decline(inquiry, by=office, **steps["decline"])
            elif steps["answer"]:
                inquiries.reply(inquiry, by=office, **steps["answer"])


CREATED = (
    "units",
    "catalogues",
    "decisions",
    "adjustments",
    "records",
    "meetings",
    "consultations",
    "comments",
    "clusters",
    "inquiries",
    "assessments",
    "activities",
    "registrations",
    "activity opinions",
    "feedback reports",
)
PUBLISHED = (
    ("publications", "catalogues"),
    ("record publications", "records"),
    ("meeting publications", "meetings"),
    ("consultation publications", "consultations"),
    ("assessment publications", "assessments"),
    ("activity publications", "activities"),
    ("feedback publications", "feedback reports"),
)
AMENDED = (("record corrections", "corrected"), ("record withdrawals", "withdrawn"))
HANDLED = (("moderations", "moderated"), ("dispositions", "disposed of"))


def _report(created: Counter) -> str:
    made = ", ".join(f"{created[k]} {k}" for k in CREATED if created[k]) or "no records"
    published = ", ".join(f"{created[k]} {what}" for k, what in PUBLISHED if created[k])
    amended = ", ".join(f"{created[k]} {what}" for k, what in AMENDED if created[k])
    handled = ", ".join(f"{created[k]} {what}" for k, what in HANDLED if created[k])
    return (
        f"Demo district loaded: created {made}"
        + (f"; published {published}" if published else "")
        + (f"; records {amended}" if amended else "")
        + (f"; comments {handled}" if handled else "")
        + "."
    )


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
    click.echo(_report(created))
