"""The yearly compliance report over a district of 50 units and 10 years, in one process.

    .venv/bin/python bench/compliance.py [--year 2025] [--regenerate]

The data set (bench/data/compliance.sqlite3, made on first use or with --regenerate): the
schema from the project's migrations, then with bulk INSERTs, consistent with the models and
checked with `PRAGMA foreign_key_check`: 50 units (bench/generate.py's), catalogues 2017–2026,
12 decisions per unit and year (6,000; about 30 % enterprise-related), each with its published
draft, consultations (online windows of 30 days and more, short ones with and without a stated
reason, symposiums), comments from every kind of submitter with moderation and dispositions
(reasons for those not adopted, some in clusters), a legality review, deliberation at the
district's executive meetings (about one a week) with invited attendees, results, adoption-report
obligations met on time or late, overdue or pending, adoption reports, questions answered on time,
late or not at all, and the public-record rows of every publication.

It then, in ONE process and inside an app context, calls
`consultation.compliance.services.compliance(year)` for all units: once cold (the first call of
the process) and three times warm, and reports the seconds; then once more under tracemalloc for
the peak of Python allocations, with the process's peak RSS (ru_maxrss) before and after.
Targets: under 2 s and under 200 MB. The first report it computes for a year is kept in
bench/data/ as the reference; later runs say whether they are identical to it (they must be:
an optimisation changes no figure). Results go to bench/results/compliance-*.json.
"""

import argparse
import bisect
import datetime as dt
import gc
import json
import os
import random
import resource
import sqlite3
import sys
import time
import tracemalloc

import generate  # bench/generate.py: the district's units
from common import DATA, machine_line, migrate, save_results, stamp, wait_for_other_benchmarks

DB = os.path.join(DATA, "compliance.sqlite3")
YEARS = range(2017, 2027)
PER_UNIT = 12
TODAY = dt.date(2026, 11, 27)
SECONDS_TARGET, MEMORY_TARGET_MB = 2.0, 200

SUBMITTERS = ["individual"] * 10 + ["enterprise"] * 3 + ["industry_association"] * 2 + [
    "expert", "deputy", "cppcc_member", "department", "other",
]  # fmt: skip
CHANNELS = ["portal", "portal", "yiwangtongban", "suggestion_box", "suishenban", "new_media"]
DISPOSITIONS = ["adopted"] * 3 + ["partially_adopted"] * 2 + ["not_adopted"] * 3 + ["out_of_scope", "duplicate"]
REASON_CODES = ["conflicts_with_law", "outside_competence", "already_provided_for", "insufficient_basis", "other"]
ATTENDEES = ["enterprise", "industry_association", "citizen", "expert", "media", "deputy", "cppcc_member", "other"]
OPINIONS = [
    "建议对小微企业的贷款贴息比例再提高一些。", "希望简化申请材料，压缩办理时限。", "建议明确资金使用的绩效考核办法。",
    "应加强与周边街镇的协同，避免重复建设。", "建议增加对老旧小区加装电梯的补贴。", "建议公开项目进度，接受社会监督。",
]  # fmt: skip


class Ids:
    """Explicit ids per table, as the bulk INSERTs give them."""

    def __init__(self):
        self.last = {}

    def __call__(self, table: str) -> int:
        self.last[table] = self.last.get(table, 0) + 1
        return self.last[table]


def _day(rng, start: dt.date, low: int, high: int) -> dt.date:
    return start + dt.timedelta(days=rng.randint(low, high))


COLUMNS = {
    "units": "code, name, kind, created_at, updated_at, version",
    "catalogues": "year, title, issuer_unit, party_consent_on, published_on, created_at, updated_at, version",
    "decisions": "id, catalogue_year, seq_no, title, summary, category, lead_unit, co_units, legal_basis,"
    " planned_completion, planned_completion_by, enterprise_related, hearing_required, procedures, state,"
    " adjustment, catalogued_on, created_at, updated_at, version",
    "public_record": "seq, decision_id, type, occurred_on, recorded_at, title, target",
    "drafts": "id, version, kind, title, text, explanation, decision_id, revision, published_on, public_seq,"
    " created_at, updated_at",
    "meetings": "id, body_type, session_no, held_on, published_on, version, created_at, updated_at",
    "meeting_attendees": "id, meeting_id, position, category, organisation, name_consent, opinion",
    "consultations": "id, decision_id, draft_id, draft_version, method, audience, channels, opens_on, closes_on,"
    " shortened_reason, comments_public, published_on, public_seq, closed_seq, participants, version,"
    " created_at, updated_at",
    "clusters": "id, consultation_id, summary, disposition, reason_code, reason, version, created_at, updated_at",
    "comments": "id, consultation_id, content, submitter_type, name, contact, organisation, channel, received_on,"
    " submitted_at, receipt, moderation, disposition, reason_code, reason, cluster_id, disposed_on, version,"
    " created_at, updated_at",
    "reviews": "id, kind, completed_on, summary, experts, risk_points, submitted_on, opinion, result, decision_id,"
    " revision, created_at, updated_at",
    "agenda_items": "id, meeting_id, position, decision_id, outcome, against_majority, public_seq",
    "results": "id, version, title, issuer_unit, doc_number, doc_year, signed_on, issued_on, meeting_id,"
    " decision_id, revision, published_on, public_seq, created_at, updated_at",
    "adoption_reports": "id, version, summary, decision_id, revision, published_on, public_seq, created_at, updated_at",
    "obligations": "id, decision_id, type, counted_from, due_on, calendar_status, fulfilled_on, fulfilled_by,"
    " overdue_since, version, created_at, updated_at",
    "inquiries": "id, decision_id, question, channel, received_on, reply_due_on, calendar_status, simple, answer,"
    " answered_on, overdue_since, version, created_at, updated_at, state, unit, receipt",
}


def _rows(rng: random.Random) -> dict[str, list[tuple]]:
    """Every table's rows, each tuple in the order of COLUMNS."""
    ids = Ids()
    now = stamp(dt.datetime(2026, 11, 20, 2))
    rows = {table: [] for table in COLUMNS}

    def publish(decision_id, type_, day, title, target):
        seq = ids("public_record")
        recorded = stamp(dt.datetime.combine(day, dt.time(2)) + dt.timedelta(seconds=rng.randint(0, 30000)))
        rows["public_record"].append((seq, decision_id, type_, day, recorded, title, target))
        return seq

    units = generate.units()
    rows["units"] = [(code, name, kind, now, now, 1) for code, name, kind in units]
    # The district's executive meetings: every Thursday up to today; 92 % published.
    meetings, day, session = [], dt.date(2017, 1, 5), 0
    while day < TODAY:
        session = 1 if not meetings or meetings[-1][1].year != day.year else session + 1
        meeting_id = ids("meetings")
        published = day + dt.timedelta(days=2) if rng.random() < 0.92 and day + dt.timedelta(days=2) < TODAY else None
        meetings.append((meeting_id, day, published))
        rows["meetings"].append((meeting_id, "executive", session, day, published, 1, now, now))
        for position in range(rng.choice((0, 0, 1, 1, 2, 3, 4))):
            category = rng.choice(ATTENDEES)
            organisation = "嘉定区某企业" if category in ("enterprise", "industry_association") else None
            rows["meeting_attendees"].append(
                (ids("meeting_attendees"), meeting_id, position + 1, category, organisation, 0, "建议加快实施。")
            )
        day += dt.timedelta(days=7)
    meeting_days = [m[1] for m in meetings]
    agenda_positions = {}
    receipt = 0

    for year in YEARS:
        catalogued = dt.date(year, 3, rng.randint(5, 28)) if year != 2019 else dt.date(2019, 4, 8)  # one late
        rows["catalogues"].append(
            (
                year,
                f"嘉定区人民政府{year}年度重大行政决策事项目录",
                "jd-gov",
                dt.date(year, 2, 20),
                catalogued,
                now,
                now,
                1,
            )
        )
        seq_no = 0
        for code, _, _ in units:
            for _ in range(PER_UNIT):
                seq_no += 1
                decision_id = ids("decisions")
                enterprise = rng.random() < 0.3
                heard = enterprise and rng.random() < 0.6  # enterprises and associations consulted
                title = f"嘉定区{code[3:]}关于第{seq_no}项重大行政决策事项的实施意见（{year}年）"
                state = "drafting"
                publish(decision_id, "catalogued", catalogued, title, f"/catalogues/{year}")

                draft_id = ids("drafts")
                drafted = _day(rng, catalogued, 15, 150)
                if drafted >= TODAY - dt.timedelta(days=30):
                    drafted = TODAY - dt.timedelta(days=rng.randint(30, 90))
                draft_seq = publish(
                    decision_id, "draft_published", drafted, f"决策草案：{title}", f"/decisions/{decision_id}/drafts/1"
                )
                rows["drafts"].append(
                    (draft_id, 1, "consultation_draft", f"{title}（征求意见稿）", "第一条……", "", decision_id, 1,
                     drafted, draft_seq, now, now)
                )  # fmt: skip

                # An online consultation (85 %): 30 days or more, or shorter with or without a
                # stated reason; then for some a symposium.
                last_close = drafted
                for n in range((1 if rng.random() < 0.85 else 0) + (1 if rng.random() < 0.25 else 0)):
                    consultation_id = ids("consultations")
                    opens = last_close + dt.timedelta(days=1)
                    if n == 0:
                        method, kind = "online", rng.random()
                        days = rng.randint(30, 45) if kind < 0.7 else rng.randint(15, 20)
                        reason = "上级部署时限要求" if kind >= 0.85 else None
                        audience = ["public", "enterprises", "industry_associations"] if heard else ["public"]
                    else:
                        method, days, reason = "symposium", rng.randint(1, 2), None
                        audience = ["enterprises", "industry_associations"] if enterprise else ["experts"]
                    closes = opens + dt.timedelta(days=days - 1)
                    last_close = closes
                    target = f"/consultations/{consultation_id}"
                    opened_seq = publish(decision_id, "consultation_opened", opens, f"征求意见：{title}", target)
                    closed_seq = None
                    if closes < TODAY:
                        closed_seq = publish(
                            decision_id, "consultation_closed", closes, f"意见征集结束：{title}", target
                        )
                    rows["consultations"].append(
                        (consultation_id, decision_id, draft_id, 1, method, json.dumps(audience),
                         json.dumps(["portal"] if method == "online" else ["meeting"]), opens, closes, reason, 0,
                         opens - dt.timedelta(days=1), opened_seq, closed_seq, "[]", 1, now, now)
                    )  # fmt: skip
                    state = "consulting" if closes >= TODAY else "reviewing"
                    cluster_id = None
                    if rng.random() < 0.3:
                        cluster_id = ids("clusters")
                        rows["clusters"].append(
                            (cluster_id, consultation_id, "较为集中的意见：加大扶持力度", "partially_adopted",
                             "cost_or_feasibility", "财力有限，分步实施。", 1, now, now)
                        )  # fmt: skip
                    submitters = [rng.choice(SUBMITTERS) for _ in range(rng.randint(5, 60))]
                    if heard:
                        submitters += ["enterprise", "industry_association"]
                    for submitter in submitters:
                        receipt += 1
                        received = min(_day(rng, opens, 0, (closes - opens).days), TODAY)
                        moderation = rng.choice(("published", "published", "pending", "rejected"))
                        disposition = reason_code = why = disposed = in_cluster = None
                        if closes < TODAY and rng.random() < 0.85:
                            in_cluster = cluster_id if cluster_id and rng.random() < 0.3 else None
                            disposition = "partially_adopted" if in_cluster else rng.choice(DISPOSITIONS)
                            if disposition != "adopted":
                                reason_code, why = rng.choice(REASON_CODES), "已有相关规定，暂不采纳。"
                            disposed = min(_day(rng, closes, 1, 40), TODAY)
                        organisation = "嘉定区某企业" if submitter in ("enterprise", "industry_association") else None
                        submitted = stamp(
                            dt.datetime.combine(received, dt.time(3)) + dt.timedelta(seconds=receipt % 997)
                        )
                        rows["comments"].append(
                            (ids("comments"), consultation_id, rng.choice(OPINIONS), submitter, "张三", "13800000000",
                             organisation, rng.choice(CHANNELS), received, submitted, f"r{receipt:012d}", moderation,
                             disposition, reason_code, why, in_cluster, disposed, 1, now, now)
                        )  # fmt: skip

                # A legality review, deliberation at the next meeting, the result, the adoption
                # report it owes.
                reviewed = last_close + dt.timedelta(days=rng.randint(5, 20))
                if reviewed < TODAY and rng.random() < 0.9:
                    rows["reviews"].append(
                        (ids("reviews"), "legality_review", reviewed, "经审查，合法。", "[]", "[]", reviewed, "合法",
                         "lawful", decision_id, 1, now, now)
                    )  # fmt: skip
                    index = bisect.bisect_left(meeting_days, reviewed + dt.timedelta(days=rng.randint(3, 40)))
                    if index < len(meetings) and rng.random() < 0.85:
                        meeting_id, held, meeting_published = meetings[index]
                        position = agenda_positions[meeting_id] = agenda_positions.get(meeting_id, 0) + 1
                        outcome = rng.choice(("approved", "approved", "approved", "approved_with_changes", "returned"))
                        agenda_seq = None
                        if meeting_published:
                            agenda_seq = publish(
                                decision_id, "meeting_deliberated", held, f"区政府常务会议审议：{title}",
                                f"/meetings/{meeting_id}",
                            )  # fmt: skip
                        rows["agenda_items"].append(
                            (ids("agenda_items"), meeting_id, position, decision_id, outcome, 0, agenda_seq)
                        )
                        approved = outcome in ("approved", "approved_with_changes")
                        state = "deliberated" if approved else "drafting"
                        issued = held + dt.timedelta(days=rng.randint(3, 20))
                        if approved and meeting_published and issued + dt.timedelta(days=1) < TODAY:
                            result_id = ids("results")
                            result_on = issued + dt.timedelta(days=1)
                            result_seq = publish(
                                decision_id, "result_published", result_on, f"决策结果：{title}",
                                f"/decisions/{decision_id}/result/versions/1",
                            )  # fmt: skip
                            rows["results"].append(
                                (result_id, 1, title, code, f"嘉府规〔{issued.year}〕{result_id}号", issued.year,
                                 issued - dt.timedelta(days=1), issued, meeting_id, decision_id, 1, result_on,
                                 result_seq, now, now)
                            )  # fmt: skip
                            state = "implementing" if year < 2026 else "decided"
                            due = issued + dt.timedelta(days=14)  # about ten working days
                            kind = rng.random()
                            fulfilled = fulfilled_by = overdue = None
                            if kind < 0.6:
                                fulfilled = _day(rng, issued, 2, 14)
                            elif kind < 0.8:
                                fulfilled = _day(rng, due, 1, 30)
                            if fulfilled is not None and fulfilled >= TODAY:
                                fulfilled = None
                            if fulfilled is not None:
                                fulfilled_by = f"/decisions/{decision_id}/adoption-report/versions/1"
                                report_seq = publish(
                                    decision_id, "adoption_report_published", fulfilled, f"意见采纳情况：{title}",
                                    fulfilled_by,
                                )  # fmt: skip
                                rows["adoption_reports"].append(
                                    (ids("adoption_reports"), 1, "共收到意见若干条，采纳情况如下。", decision_id, 1,
                                     fulfilled, report_seq, now, now)
                                )  # fmt: skip
                            elif due < TODAY:
                                overdue = due + dt.timedelta(days=1)
                            rows["obligations"].append(
                                (ids("obligations"), decision_id, "adoption_report", issued, due, "official",
                                 fulfilled, fulfilled_by, overdue, 1, now, now)
                            )  # fmt: skip

                # Questions on the decision's page: answered on time, late, or not (yet).
                for _ in range(rng.randint(0, 8)):
                    received = _day(rng, catalogued, 0, 400)
                    if received >= TODAY:
                        continue
                    due = received + dt.timedelta(days=7)  # about five working days
                    kind = rng.random()
                    answered = None
                    if kind < 0.7:
                        answered = _day(rng, received, 0, 7)
                    elif kind < 0.85:
                        answered = _day(rng, due, 1, 20)
                    if answered is not None and answered >= TODAY:
                        answered = None
                    overdue = due + dt.timedelta(days=1) if answered is None and due < TODAY else None
                    # The holding unit, the state and the receipt the inquiries table has since asked for.
                    inquiry_id = ids("inquiries")
                    rows["inquiries"].append(
                        (inquiry_id, decision_id, "请问该政策何时实施？", "portal", received, due, "official", 0,
                         "预计年内实施。" if answered else None, answered, overdue, 1, now, now,
                         "answered" if answered else "received", code, f"bench-{inquiry_id}")
                    )  # fmt: skip

                rows["decisions"].append(
                    (decision_id, year, seq_no, title, "为优化营商环境，拟制定本决策事项。", "public_policy", code,
                     "[]", "[]", f"{year}-12", dt.date(year, 12, 31), int(enterprise), 0,
                     '["public_participation", "legality_review", "collective_deliberation"]', state, None,
                     catalogued, now, now, 1)
                )  # fmt: skip
    return rows


def generate_data(db_path: str) -> dict:
    started = time.perf_counter()
    os.makedirs(os.path.dirname(db_path), exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    migrate(f"sqlite:///{db_path}")
    rows = _rows(random.Random(2025))
    sqlite3.register_adapter(dt.date, dt.date.isoformat)
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")  # a throw-away file
    db.execute("PRAGMA foreign_keys=OFF")  # checked once at the end instead
    db.execute("BEGIN")
    for table, names in COLUMNS.items():
        marks = ", ".join("?" * len(names.split(",")))
        db.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows[table])
    db.execute("COMMIT")
    broken = db.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        sys.exit(f"foreign keys broken: {broken[:5]}")
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    counts = {table: len(rows[table]) for table in COLUMNS}
    db.close()
    print(
        f"{db_path}: {os.path.getsize(db_path) / 1e6:.0f} MB in {time.perf_counter() - started:.0f} s; "
        + ", ".join(f"{n} {t}" for t, n in counts.items()),
        flush=True,
    )
    return counts


# --- Measuring -------------------------------------------------------------------------------


def _canonical(report: dict) -> str:
    return json.dumps(report, sort_keys=True, ensure_ascii=False, default=str)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(year: int, warm_runs: int) -> dict:
    """compliance(year) in this process: cold, warm, then under tracemalloc."""
    from app import create_app
    from consultation.compliance.services import compliance
    from core.extensions import db

    app = create_app({"DATABASE_URL": f"sqlite:///{DB}", "LOG_LEVEL": "WARNING"})
    rss_start = _maxrss_mb()
    with app.app_context():
        started = time.perf_counter()
        report = compliance(year)
        cold = time.perf_counter() - started
        rss_after_cold = _maxrss_mb()
        warm = []
        for _ in range(warm_runs):
            db.session.remove()
            started = time.perf_counter()
            again = compliance(year)
            warm.append(time.perf_counter() - started)
            if _canonical(again) != _canonical(report):
                sys.exit("two calls of compliance() gave different reports")
        db.session.remove()
        gc.collect()
        tracemalloc.start()
        started = time.perf_counter()
        compliance(year)
        traced = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db.session.remove()
    return {
        "report": report,
        "cold_s": cold,
        "warm_s": warm,
        "traced_s": traced,
        "tracemalloc_peak_mb": peak / 2**20,
        "maxrss_after_create_app_mb": rss_start,
        "maxrss_after_cold_call_mb": rss_after_cold,
        "maxrss_end_mb": _maxrss_mb(),
    }


def summary(report: dict) -> str:
    d = report["district"]
    return (
        f"{len(report['units'])} units; district: consultations {d['consultations']['total']} "
        f"({d['consultations']['compliant']} compliant), adoption reports "
        + "/".join(str(d["adoption_reports"][s]) for s in ("on_time", "late", "overdue", "pending"))
        + " (on time/late/overdue/pending), inquiries "
        + "/".join(str(d["inquiries"][s]) for s in ("on_time", "late", "overdue", "pending"))
        + f", meetings with stakeholders {d['invited_meetings']['count']}, enterprise-related deliberated "
        f"{d['enterprise_hearing']['deliberated']} (heard {d['enterprise_hearing']['heard']})"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Time compliance(year) for all units in one process.")
    parser.add_argument("--year", type=int, default=2025, help="the year reported (2025)")
    parser.add_argument("--warm", type=int, default=3, help="warm calls after the cold one (3)")
    parser.add_argument("--regenerate", action="store_true", help="make the data set again")
    args = parser.parse_args(argv)

    wait_for_other_benchmarks()
    if args.regenerate or not os.path.exists(DB):
        generate_data(DB)
    wait_for_other_benchmarks()
    print(f"machine: {machine_line()}", flush=True)
    m = measure(args.year, args.warm)
    report = m.pop("report")
    print(f"compliance({args.year}): {summary(report)}")
    reference = os.path.join(DATA, f"compliance-{args.year}.reference.json")
    if os.path.exists(reference):
        with open(reference) as f:
            same = f.read() == _canonical(report)
        print(f"report identical to the reference ({os.path.relpath(reference)}): {'yes' if same else 'NO'}")
    else:
        with open(reference, "w") as f:
            f.write(_canonical(report))
        same = None
        print(f"reference kept: {os.path.relpath(reference)}")
    worst = max(m["cold_s"], *m["warm_s"])
    memory = max(m["tracemalloc_peak_mb"], m["maxrss_end_mb"])
    print(
        f"seconds: cold {m['cold_s']:.3f}, warm "
        + ", ".join(f"{s:.3f}" for s in m["warm_s"])
        + f" (under tracemalloc {m['traced_s']:.3f})"
        + f"   target < {SECONDS_TARGET:.0f} s: {'met' if worst < SECONDS_TARGET else 'MISSED'}"
    )
    print(
        f"memory: tracemalloc peak {m['tracemalloc_peak_mb']:.1f} MB during the call; process peak RSS "
        f"{m['maxrss_after_create_app_mb']:.0f} MB after create_app, {m['maxrss_after_cold_call_mb']:.0f} MB after "
        f"the cold call, {m['maxrss_end_mb']:.0f} MB at the end"
        f"   target < {MEMORY_TARGET_MB} MB: {'met' if memory < MEMORY_TARGET_MB else 'MISSED'}"
    )
    path = save_results(
        "compliance", {"machine": machine_line(), "args": vars(args), **m, "identical_to_reference": same}
    )
    print(f"results: {os.path.relpath(path)}")
    return 0 if same is not False else 1


if __name__ == "__main__":
    sys.exit(main())
