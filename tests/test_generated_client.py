"""A client generated from the committed contract works: openapi-python-client (pinned in
requirements-dev.txt) writes a Python package from openapi/openapi.json, and a short scenario
runs with it, anonymously, against the application (in process, over httpx's WSGI transport):
list a year's decisions, read one's timeline, comment on its consultation and read the receipt.

What this catches that the spec's own tests do not: an open operation typed as needing a
token, a schema the generator cannot turn into a model, operation names that collide."""

import importlib
import pathlib
import subprocess
import sys

import httpx
import pytest

from tests import factories

COMMITTED = pathlib.Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"
GENERATOR = pathlib.Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture(scope="module")
def juece_client(tmp_path_factory):
    """The generated package, imported; forgotten afterwards."""
    root = tmp_path_factory.mktemp("generated")
    config = root / "config.yml"
    # The title is Chinese: the package's name is given, not derived from it.
    config.write_text("project_name_override: juece-client\npackage_name_override: juece_client\npost_hooks: []\n")
    done = subprocess.run(
        [
            GENERATOR,
            "generate",
            "--path",
            COMMITTED,
            "--config",
            config,
            "--meta",
            "none",
            "--output-path",
            root / "juece_client",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # Every schema became a model: the generator leaves out what it cannot read, and says so.
    assert "Unable to" not in done.stdout, done.stdout
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("juece_client")
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n == "juece_client" or n.startswith("juece_client.")]:
            del sys.modules[name]


def test_an_anonymous_generated_client_reads_a_timeline_and_comments(app, tokens, juece_client):
    from juece_client.api.consultation import comment_on_consultation, show_receipt
    from juece_client.api.decisions import list_decisions
    from juece_client.api.records import show_timeline
    from juece_client.models import CommentIn, CommentInSubmitterType

    consultation_id = factories.consultation_open_today()
    # No token anywhere: the plain Client, which the generator offers only for open operations.
    client = juece_client.Client(base_url="http://localhost", httpx_args={"transport": httpx.WSGITransport(app=app)})

    from core import calendar

    decisions = list_decisions.sync(client=client, year=calendar.today().year)
    assert isinstance(decisions, list) and len(decisions) == 1
    [decision] = decisions
    assert decision.title == "嘉定区促进民营经济高质量发展若干措施"

    timeline = show_timeline.sync(decision.id, client=client)
    types = [entry.type_ for entry in timeline.entries]  # `type_`: the generator keeps clear of the builtin
    assert types == ["catalogued", "draft_published", "consultation_opened"]

    submitted = comment_on_consultation.sync_detailed(
        consultation_id,
        client=client,
        body=CommentIn(
            content="建议进一步加大对小微企业的贷款贴息支持。",
            submitter_type=CommentInSubmitterType.ENTERPRISE,
            organisation="上海某科技有限公司",
        ),
    )
    assert submitted.status_code == 201, submitted.content
    receipt = show_receipt.sync(submitted.parsed.receipt, client=client)
    assert receipt.comment_id == submitted.parsed.id
    assert receipt.consultation_id == consultation_id
