"""What the API's codes are called in the portal's Chinese: states, entries of the public
record, consultation methods and statuses, dispositions, submitters. A code the portal does not
know yet is shown as it is, never hidden."""

STATES = {
    "initiated": "决策启动",
    "drafting": "起草中",
    "consulting": "征求意见中",
    "reviewing": "审查论证中",
    "deliberated": "已审议",
    "rejected": "审议未通过",
    "decided": "已作出决定",
    "implementing": "执行中",
    "evaluated": "已评估",
    "suspended": "暂缓",
    "withdrawn": "已撤回",
}

ENTRIES = {
    "catalogued": "列入目录",
    "background_published": "制订背景",
    "draft_published": "决策草案",
    "consultation_opened": "征求意见",
    "consultation_closed": "征求意见结束",
    "review_completed": "审查论证",
    "meeting_deliberated": "会议审议",
    "result_published": "决策结果",
    "adoption_report_published": "意见采纳情况",
    "interpretation_published": "政策解读",
    "execution_reported": "执行情况",
    "post_evaluated": "决策后评估",
    "suspended": "暂缓",
    "resumed": "恢复",
    "adjusted": "目录调整",
    "correction": "更正",
    "withdrawn": "撤回",
    "comment_published": "公开意见",
    "comment_hidden": "意见隐去",
    "disposition_set": "意见处理",
    "disposition_changed": "意见处理变更",
    "cluster_created": "较为集中意见",
    "cluster_changed": "较为集中意见变更",
    "inquiry_published": "公开留言",
    "inquiry_answered": "答复留言",
    "deadline_overdue": "逾期",
}

CONSULTATION_STATUSES = {"draft": "未发布", "announced": "即将开始", "open": "正在征求意见", "closed": "已结束"}

DISPOSITIONS = {
    "adopted": "采纳",
    "partially_adopted": "部分采纳",
    "not_adopted": "不予采纳",
    "duplicate": "重复意见",
    "out_of_scope": "与本事项无关",
}

SUBMITTERS = {
    "individual": "个人",
    "enterprise": "企业",
    "industry_association": "行业协会商会",
    "expert": "专家学者",
    "deputy": "人大代表",
    "cppcc_member": "政协委员",
    "department": "部门",
    "other": "其他",
}
# Who a resident may say they are in the portal's form (staff enter the others).
FORM_SUBMITTERS = ("individual", "enterprise", "industry_association", "expert", "other")


def label(table: dict, code) -> str:
    return table.get(code, code) if code is not None else ""


RECORD_KINDS = {
    "background": "制订背景及起草说明",
    "drafts": "决策草案",
    "reviews": "审查论证",
    "result": "决策结果",
    "adoption-report": "公众意见采纳情况",
    "interpretations": "政策解读",
    "follow-ups": "执行与评估",
}

# The fields of a record the portal shows, in this order, with their names; a record shows
# those it has.
RECORD_FIELDS = (
    ("doc_number", "文号"),
    ("signed_on", "签发日期"),
    ("issued_on", "印发日期"),
    ("completed_on", "完成日期"),
    ("occurred_on", "日期"),
    ("form", "形式"),
    ("necessity", "制订的必要性"),
    ("problem", "拟解决的主要问题"),
    ("legal_and_policy_basis", "法律和政策依据"),
    ("main_content", "主要内容"),
    ("summary", "概述"),
    ("explanation", "起草说明"),
    ("text", "全文"),
    ("text_alternative", "文字版本"),
    ("result", "结论"),
)

OUTCOMES = {
    "approved": "审议通过",
    "approved_with_changes": "修改后通过",
    "returned": "退回修改",
    "deferred": "暂缓审议",
    "rejected": "未通过",
}

ATTENDEES = {
    "citizen": "公众代表",
    "enterprise": "企业",
    "industry_association": "行业协会商会",
    "expert": "专家",
    "media": "媒体",
    "deputy": "人大代表",
    "cppcc_member": "政协委员",
    "other": "其他",
}

ADOPTIONS = {"adopted": "采纳", "partially_adopted": "部分采纳", "not_adopted": "未采纳"}
