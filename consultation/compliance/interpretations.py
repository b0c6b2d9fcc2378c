"""The interpretation duty's figures (政策解读, section 二(一)) in the compliance report: the
year's policy documents without a published interpretation, and the multi-form rate per unit
(interpreted documents with a form beyond text ÷ interpreted documents) against its threshold.
Which documents owe one and which interpretation counts for which: decisions.records.interpretations."""

from decisions.records import interpretations


def blank() -> dict:
    return {
        "documents": 0,
        "interpreted": 0,
        "not_interpreted": 0,
        "multi_form": 0,
        "multi_form_rate": None,
        "threshold": interpretations.MULTI_FORM_THRESHOLD,
        "met": None,
        "records": {"interpreted": [], "not_interpreted": [], "multi_form": [], "interpretations": []},
    }


def add(year: int, *, unit: str | None, figures: dict, district: dict) -> None:
    """Count the year's documents (those of `unit`) into each unit's figures and the district's."""
    for document in interpretations.documents(year, unit=unit):
        for target in (figures.get(document.unit), district):
            if target is None:
                continue
            section, records = target["interpretations"], target["interpretations"]["records"]
            section["documents"] += 1
            outcome = "interpreted" if document.interpreted else "not_interpreted"
            section[outcome] += 1
            records[outcome].append(document.path)
            records["interpretations"].extend(path for path, _ in document.interpretations)
            if document.multi_form:
                section["multi_form"] += 1
                records["multi_form"].append(document.path)
    for target in (*figures.values(), district):
        section = target["interpretations"]
        if section["interpreted"]:
            section["multi_form_rate"] = round(section["multi_form"] / section["interpreted"], 4)
            # 3 of 5 is 0.6 exactly as a float too: compared unrounded.
            section["met"] = section["multi_form"] / section["interpreted"] >= interpretations.MULTI_FORM_THRESHOLD
    district["interpretations"]["met"] = None  # the threshold is each unit's
