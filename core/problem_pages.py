"""Each problem type's page: `/problems/{name}` says in words, in Chinese and English, what a
`type` a client received means and what to do next; `/problems` lists them all.

A problem's `type` is an identifier fixed by the contract (`https://juece.example/problems/…`,
api.md), not an address that changes with the host serving it; its last part names the page
here, on every deployment (ADR 0025)."""

from flask import Blueprint, render_template

from core.errors import NotFound
from core.problems import PROBLEM_CATALOGUE

blp = Blueprint("problems", __name__, template_folder="templates")

# What to do next, by status: the same advice the problem's `detail` gives in its own words.
NEXT_STEP = {
    400: ("检查请求体是否为合法的 JSON（UTF-8），修正后重新提交。", "Send a body that is valid JSON (UTF-8)."),
    401: ("请求需要凭证：在 Authorization 请求头中发送 `Bearer` 令牌。", "Send `Authorization: Bearer TOKEN`."),
    403: (
        "您的账户（角色或所属单位）不能进行此操作；如需办理，请联系区政府办公室。",
        "Your account's role or unit may not do this: ask the district government office.",
    ),
    404: ("该地址没有已公开的内容；请检查编号，或等待其公开。", "Nothing is published here: check the id, or wait."),
    409: (
        "记录当前的状态或程序规则不允许此操作；按 `detail` 所说补齐所缺事项后再试。",
        "The record's state or a rule of the procedure forbids this now: do what `detail` says is missing.",
    ),
    422: (
        "部分输入无效：`errors` 按位置和字段列出每一处，修正后重新提交。",
        "Some input is not valid: `errors` lists each place; correct it and send again.",
    ),
    429: ("请求过于频繁：请在 `Retry-After` 所示秒数后再试。", "Too many requests: retry after `Retry-After` seconds."),
}


@blp.get("/problems")
def index():
    return render_template("problems.html", problems=PROBLEM_CATALOGUE.values(), next_step=NEXT_STEP)


@blp.get("/problems/<string:name>")
def page(name):
    found = PROBLEM_CATALOGUE.get(name)
    if found is None:
        raise NotFound(f"No problem type {name!r}: GET /problems lists them all.")
    return render_template("problem.html", problem=found, next_step=NEXT_STEP.get(found.status))
