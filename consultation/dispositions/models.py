"""What may become of an opinion, and the controlled list of reasons why not."""

import enum


class Disposition(enum.StrEnum):
    adopted = "adopted"
    partially_adopted = "partially_adopted"
    not_adopted = "not_adopted"
    out_of_scope = "out_of_scope"
    duplicate = "duplicate"


class ReasonCode(enum.StrEnum):
    """Why an opinion was not (fully) adopted: the controlled list."""

    conflicts_with_law = "conflicts_with_law"  # 与法律法规相抵触
    outside_competence = "outside_competence"  # 超出本单位职权
    already_provided_for = "already_provided_for"  # 已有规定或已采纳类似意见
    insufficient_basis = "insufficient_basis"  # 依据不足
    cost_or_feasibility = "cost_or_feasibility"  # 成本或可行性
    other = "other"
