"""The records a decision's procedure produces: background, drafts, reviews, the result,
interpretations, and what happens after (execution reports, post-evaluation, suspension)."""

import datetime as dt
import enum
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from core.extensions import Timestamped, db


class Publishable(Timestamped):
    """Created unpublished by the lead unit, then published: frozen from then on.

    A correction is a new record that `corrects_id` the old one (which records its
    `superseded_by_id`); a withdrawal keeps the record, with the day and the reason.
    """

    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    # Guards against lost updates; `version` is the record's own number (a draft's version).
    revision: Mapped[int] = mapped_column(default=1)
    published_on: Mapped[dt.date | None]
    public_seq: Mapped[int | None] = mapped_column(sa.ForeignKey("public_record.seq"))
    withdrawn_on: Mapped[dt.date | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)

    # What it says, which a correction copies from the record it replaces; the other columns
    # are its place in the procedure (decision, number, publication, links).
    content: ClassVar[tuple[str, ...]] = ()

    def entry_title(self, decision) -> str:
        """The title its publication carries in the public record."""
        return decision.title

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.revision}

    @declared_attr
    def corrects_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey(f"{cls.__tablename__}.id"))

    @declared_attr
    def superseded_by_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey(f"{cls.__tablename__}.id"))

    @declared_attr
    def corrects(cls):
        return relationship(cls.__name__, foreign_keys=f"{cls.__name__}.corrects_id", remote_side=f"{cls.__name__}.id")

    @declared_attr
    def superseded_by(cls):
        return relationship(
            cls.__name__, foreign_keys=f"{cls.__name__}.superseded_by_id", remote_side=f"{cls.__name__}.id"
        )


class Background(Publishable, db.Model):
    """制订背景 / 起草说明: why the decision is needed and what it will say."""

    __tablename__ = "backgrounds"
    content = ("necessity", "problem", "legal_and_policy_basis", "main_content")

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]
    necessity: Mapped[str] = mapped_column(sa.Text)
    problem: Mapped[str] = mapped_column(sa.Text, default="")
    legal_and_policy_basis: Mapped[str] = mapped_column(sa.Text, default="")
    main_content: Mapped[str] = mapped_column(sa.Text, default="")

    __table_args__ = (sa.UniqueConstraint("decision_id", "version"),)

    def entry_title(self, decision) -> str:
        return f"制订背景及起草说明：{decision.title}"


class DraftKind(enum.StrEnum):
    consultation_draft = "consultation_draft"  # 征求意见稿
    review_draft = "review_draft"  # 送审稿
    deliberation_draft = "deliberation_draft"  # 审议稿
    alternative = "alternative"  # 备选方案


class Draft(Publishable, db.Model):
    """A numbered version of the draft decision (决策草案)."""

    __tablename__ = "drafts"
    content = ("kind", "title", "text", "explanation", "interpretation_required")

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(30))
    title: Mapped[str] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text)
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    # A draft published as a policy document for enterprises and citizens owes an
    # interpretation too (section 二(一)); most drafts are not, so the unit marks those that are.
    interpretation_required: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    __table_args__ = (sa.UniqueConstraint("decision_id", "version"),)

    def entry_title(self, decision) -> str:
        return f"决策草案（第{self.version}版）：{self.title}"


class ReviewKind(enum.StrEnum):
    expert_review = "expert_review"  # 专家论证
    risk_assessment = "risk_assessment"  # 风险评估
    legality_review = "legality_review"  # 合法性审查
    fair_competition_review = "fair_competition_review"  # 公平竞争审查


_REVIEW_TITLES = {
    ReviewKind.expert_review: "专家论证",
    ReviewKind.risk_assessment: "风险评估",
    ReviewKind.legality_review: "合法性审查",
    ReviewKind.fair_competition_review: "公平竞争审查",
}

LegalityResult = enum.StrEnum("LegalityResult", ["lawful", "lawful_with_changes", "unlawful"])


class Review(Publishable, db.Model):
    """A procedure review. It counts for the procedure's rules once recorded, published or not
    (legality opinions are often internal)."""

    __tablename__ = "reviews"
    content = (
        "kind",
        "started_on",
        "completed_on",
        "summary",
        "experts",
        "risk_points",
        "mitigation",
        "controllable",
        "submitted_on",
        "opinion",
        "result",
        "restricts_competition",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    started_on: Mapped[dt.date | None]
    completed_on: Mapped[dt.date]
    summary: Mapped[str] = mapped_column(sa.Text)
    # expert_review: [{name, organisation, no_direct_interest, dissent}]
    experts: Mapped[list] = mapped_column(sa.JSON, default=list)
    # risk_assessment
    risk_points: Mapped[list] = mapped_column(sa.JSON, default=list)
    mitigation: Mapped[str | None] = mapped_column(sa.Text)
    controllable: Mapped[bool | None]
    # legality_review
    submitted_on: Mapped[dt.date | None]
    opinion: Mapped[str | None] = mapped_column(sa.Text)
    result: Mapped[str | None] = mapped_column(sa.String(30))
    # fair_competition_review
    restricts_competition: Mapped[bool | None]

    def entry_title(self, decision) -> str:
        return f"{_REVIEW_TITLES[self.kind]}：{decision.title}"


class Result(Publishable, db.Model):
    """决策结果: the decision document."""

    __tablename__ = "results"
    content = ("title", "issuer_unit", "doc_number", "signed_on", "issued_on", "url", "text", "interpretation_required")

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(sa.String(300))
    issuer_unit: Mapped[str] = mapped_column(sa.ForeignKey("units.code"))
    doc_number: Mapped[str] = mapped_column(sa.String(100))
    doc_year: Mapped[int]
    signed_on: Mapped[dt.date]
    issued_on: Mapped[dt.date]
    url: Mapped[str | None] = mapped_column(sa.String(1000))
    text: Mapped[str | None] = mapped_column(sa.Text)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"))
    # A major decision's result is a public policy document for enterprises and citizens, so it
    # owes an interpretation (政策解读, section 二(一)) unless the unit says it is not one.
    interpretation_required: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    # A document number is unique per issuer and year; a correction of the same document
    # keeps its number, so only the current version of each document holds it.
    __table_args__ = (
        sa.Index(
            "uq_results_document",
            "issuer_unit",
            "doc_year",
            "doc_number",
            unique=True,
            sqlite_where=sa.text("superseded_by_id IS NULL"),
            postgresql_where=sa.text("superseded_by_id IS NULL"),
        ),
    )

    def entry_title(self, decision) -> str:
        return f"决策结果：{self.title}（{self.doc_number}）"


class InterpretationForm(enum.StrEnum):
    """How a policy is interpreted: `text` is the plain form (文字解读); the others are the
    seed's forms (section 二(一)), then the forms recorded before them (video, interview, other)."""

    text = "text"  # 文字解读
    press_conference = "press_conference"  # 新闻发布会
    policy_briefing = "policy_briefing"  # 政策通气会
    graphic = "graphic"  # 图示图解
    scenario_demo = "scenario_demo"  # 场景演示
    animation = "animation"  # 卡通动漫
    expert_interview = "expert_interview"  # 专家访谈
    short_video = "short_video"  # 短视频
    video = "video"  # 视频
    interview = "interview"  # 访谈
    other = "other"


class Interpretation(Publishable, db.Model):
    """政策解读: the first interpretation of a decision's policy, or a follow-up (二次解读/跟踪解读)
    that `follows_id` a published one of the same decision."""

    __tablename__ = "interpretations"
    content = ("form", "title", "url", "text", "text_alternative", "follows_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    form: Mapped[str] = mapped_column(sa.String(30))
    title: Mapped[str] = mapped_column(sa.String(300))
    url: Mapped[str | None] = mapped_column(sa.String(1000))
    text: Mapped[str | None] = mapped_column(sa.Text)
    # What a picture, a video or an event says, in words, for those who cannot see or hear it
    # (section 六(一)); every form but text has one.
    text_alternative: Mapped[str | None] = mapped_column(sa.Text)
    follows_id: Mapped[int | None] = mapped_column(sa.ForeignKey("interpretations.id"))

    def entry_title(self, decision) -> str:
        prefix = "政策解读" if self.follows_id is None else "政策跟踪解读"
        return f"{prefix}：{self.title}"


class FollowUpKind(enum.StrEnum):
    execution_report = "execution_report"  # 执行情况
    post_evaluation = "post_evaluation"  # 决策后评估
    suspension = "suspension"  # 暂停执行
    resumption = "resumption"  # 恢复执行


class FollowUp(Publishable, db.Model):
    """What happens after the decision: execution reports, post-evaluation, suspension and
    resumption, each with its date and reason."""

    __tablename__ = "follow_ups"
    content = ("kind", "occurred_on", "title", "reason", "url")

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    occurred_on: Mapped[dt.date]
    title: Mapped[str] = mapped_column(sa.String(300))
    reason: Mapped[str] = mapped_column(sa.Text)
    url: Mapped[str | None] = mapped_column(sa.String(1000))

    def entry_title(self, decision) -> str:
        return self.title
