"""Personal data in free text: what is found and replaced by its marker, and what must survive
(dates, document numbers, amounts, postcodes, articles, ordinary long numbers)."""

import datetime as dt

import pytest

from core import redaction
from core.errors import Invalid
from core.redaction import MARKERS, Kind, findings, public_text, redact

PHONE, ID, EMAIL, CARD, ADDRESS, OTHER = (
    MARKERS[k] for k in (Kind.phone, Kind.id_number, Kind.email, Kind.bank_card, Kind.address, Kind.other)
)

# (text, what the public reads). Check digits computed by hand: 310114199003071232 and
# 11010519491231002X are valid IDs, 6222021000112345672 and 6217001234567893 pass Luhn.
FOUND = [
    ("mobile", "我的手机13912345678，请回电。", f"我的手机{PHONE}，请回电。"),
    ("mobile-spaces", "联系人王先生 139 1234 5678", f"联系人王先生 {PHONE}"),
    ("mobile-dashes", "号码是138-0013-8000。", f"号码是{PHONE}。"),
    ("mobile-plus86", "境外请拨+86 139-1234-5678", f"境外请拨{PHONE}"),
    ("mobile-0086", "0086 13912345678", PHONE),
    ("mobile-86-dash", "86-13912345678", PHONE),
    ("mobile-full-width", "请拨打１３９１２３４５６７８咨询", f"请拨打{PHONE}咨询"),
    ("mobile-at-end", "有问题打13800138000", f"有问题打{PHONE}"),
    ("two-mobiles", "13912345678、13800138000均可", f"{PHONE}、{PHONE}均可"),
    ("landline-dash", "办公室021-59992000", f"办公室{PHONE}"),
    ("landline-brackets", "（021）5999 2000", PHONE),
    ("landline-ascii-brackets", "(021)59992000", PHONE),
    ("landline-extension", "021-59992000转8001", PHONE),
    ("landline-unbroken", "电话02159992000", f"电话{PHONE}"),
    ("landline-four-digit-area", "杭州0571-88886666", f"杭州{PHONE}"),
    ("local-after-phone-word", "联系电话：59992000", f"联系电话：{PHONE}"),
    ("local-after-tel", "Tel: 5999-2000", f"Tel: {PHONE}"),
    ("local-after-landline-word", "座机 6998 1234，工作日接听", f"座机 {PHONE}，工作日接听"),
    ("id", "身份证310114199003071232，", f"身份证{ID}，"),
    ("id-x", "证件号11010519491231002X", f"证件号{ID}"),
    # A second number close behind the first: the window around the first must not cut it.
    ("phone-then-id", "电话13912345678，身份证号11010519491231002X，", f"电话{PHONE}，身份证号{ID}，"),
    ("id-lower-x", "11010519491231002x", ID),
    ("card-unbroken", "补贴请打到6222021000112345672", f"补贴请打到{CARD}"),
    ("card-groups", "卡号6217 0012 3456 7893", f"卡号{CARD}"),
    ("card-dashes", "4367-4212-3456-7896", CARD),
    ("email", "请回复zhangsan.jd@163.com，谢谢", f"请回复{EMAIL}，谢谢"),
    ("email-full-width-at", "邮箱zhangsan＠qq.com", f"邮箱{EMAIL}"),
    ("email-with-mobile-name", "13912345678@139.com", EMAIL),
    ("address-lane-house-room", "我住嘉定区博乐路123弄4号501室，", f"我住嘉定区博乐路{ADDRESS}，"),
    ("address-house-floor", "城中路20号3楼的商户", f"城中路{ADDRESS}的商户"),
    ("address-range", "叶城路1-3号门口", f"叶城路{ADDRESS}门口"),
    ("address-street", "南大街12号", f"南大街{ADDRESS}"),
    ("address-alley", "仁里巷5号", f"仁里巷{ADDRESS}"),
    ("address-house-bare-room", "胜辛路1200弄8号-302", f"胜辛路{ADDRESS}"),
    (
        "several-kinds",
        "王女士，13912345678，住博乐路123弄4号，邮箱wang@example.cn",
        f"王女士，{PHONE}，住博乐路{ADDRESS}，邮箱{EMAIL}",
    ),
]

SURVIVES = [
    ("date-iso", "请于2026-09-28前反馈"),
    ("date-unbroken", "自20260928起施行"),
    ("date-chinese", "2026年9月28日召开座谈会"),
    ("date-after-contact-word", "联系时间20260928上午"),
    ("date-range", "2026-04-10至2026-05-10"),
    ("doc-number", "依据嘉府发〔2026〕3号文件"),
    ("doc-number-decree", "沪府令35号"),
    ("doc-number-council", "国务院令第713号"),
    ("doc-number-file", "第3号文件"),
    ("doc-number-after-street-office", "菊园新区街道3号文件"),
    ("amount-decimals", "总投资1,234,567.89元"),
    ("amount-wan", "安排资金3000万元"),
    ("amount-eleven-digits", "总投资13800000000元"),
    ("postcode", "邮编201800"),
    ("article-chinese", "第十五条规定"),
    ("article-arabic", "第3条第2款"),
    ("percentage", "贴息比例由30%提高到50%"),
    ("years", "2026年至2030年"),
    ("statute", "《中华人民共和国行政许可法》第二十条"),
    ("metro-line", "轨道交通11号线安亭站"),
    ("hotline-short", "拨打12345热线反映"),
    ("id-bad-check-digit", "编号310114199003071230"),
    ("id-impossible-date", "编号310114199002301235"),
    ("id-no-such-province", "编号990114199003071239"),
    ("card-not-luhn", "编号6222021000112345"),
    ("credit-code", "统一社会信用代码91310114MA1GT8XY2K"),
    ("credit-code-digits", "代码909010202020300333"),
    ("order-number", "订单号20260928123456"),
    ("tracking-number", "快递单号SF1234567890123"),
    ("isbn", "ISBN 978-7-01-012345-6"),
    ("decimal", "圆周率3.1415926535"),
    ("road-without-number", "北京东路、南京西路沿线"),
    ("road-then-year", "城中路2026年改造"),
    ("plain", "建议进一步加大对小微企业的支持力度。"),
]


@pytest.mark.parametrize(("text", "shown"), [case[1:] for case in FOUND], ids=[case[0] for case in FOUND])
def test_personal_data_is_replaced_by_its_marker(text, shown):
    assert redact(text) == shown


@pytest.mark.parametrize("text", [case[1] for case in SURVIVES], ids=[case[0] for case in SURVIVES])
def test_what_is_not_personal_data_survives(text):
    assert redact(text) == text
    assert public_text(text) is None


def test_findings_say_where_and_what():
    text = "电话13912345678，身份证310114199003071232"
    assert [(f.kind, f.text, text[f.start : f.end]) for f in findings(text)] == [
        ("phone", "13912345678", "13912345678"),
        ("id_number", "310114199003071232", "310114199003071232"),
    ]


def test_a_restored_text_is_never_redacted_and_a_hidden_one_always_is():
    text = "请到城中路20号区政府办事，联系人张三，电话13912345678"
    assert redact(text, keep=("城中路20号",)) == f"请到城中路20号区政府办事，联系人张三，电话{PHONE}"
    # A keep covers a finding only as a whole: part of it restores nothing.
    assert redact(text, keep=("20",)) == redact(text)
    assert redact(text, hide=("张三",)) == f"请到城中路{ADDRESS}区政府办事，联系人{OTHER}，电话{PHONE}"
    # Overlapping a finding, a hide makes one marker of both.
    assert redact("电话13912345678", hide=("话1391",)) == f"电{OTHER}"


def test_the_last_override_of_a_text_stands():
    overrides = [
        {"action": "hide", "text": "张三"},
        {"action": "restore", "text": "城中路20号"},
        {"action": "restore", "text": "张三"},
    ]
    assert redaction.effect(overrides) == (("城中路20号", "张三"), ())
    assert public_text("张三在城中路20号", overrides) is None
    assert public_text("张三在城中路20号", overrides[:2]) == f"{OTHER}在城中路20号"


AT = dt.datetime(2026, 4, 12, 8, 30, tzinfo=dt.UTC)


def test_an_override_is_kept_with_who_when_and_why():
    text = "我住城中路20号"
    overrides = redaction.overridden(text, None, action="restore", text="城中路20号", reason="区政府地址", by=3, at=AT)
    assert overrides == [
        {"action": "restore", "text": "城中路20号", "reason": "区政府地址", "by": 3, "at": "2026-04-12T08:30:00+00:00"}
    ]
    assert public_text(text, overrides) is None


@pytest.mark.parametrize(
    ("action", "text", "problem"),
    [
        ("hide", "李四", "not in the comment"),
        ("restore", "李四", "not in the comment"),
        ("restore", "我住", "Nothing hidden"),
        ("restore", "20", "Nothing hidden"),  # a part of what is hidden
        ("hide", "20号", "hidden already"),
    ],
    ids=["hide-absent", "restore-absent", "restore-nothing-hidden", "restore-part", "hide-hidden-already"],
)
def test_an_override_that_changes_nothing_is_refused(action, text, problem):
    with pytest.raises(Invalid) as refused:
        redaction.overridden("我住城中路20号", [], action=action, text=text, reason="理由", by=3, at=AT)
    assert problem in refused.value.detail
    assert refused.value.extra["errors"]["json"]["text"]


def test_check_digits():
    assert redaction.is_id_number("310114199003071232")
    assert not redaction.is_id_number("310114199003071233")
    assert redaction.luhn("6217001234567893") and not redaction.luhn("6217001234567894")
