"""One request through filing, admission and resolution, with the client that
openapi-python-client generated from arco's /openapi.json (see client-roundtrip.sh).

Only the generated code speaks to the server: its operations, its models for the bodies
and its models for the answers. A schema the generator misread, or an answer that its
models cannot read, fails here.
"""

import datetime
import os
import sys

from arco_client import AuthenticatedClient
from arco_client.api.solicitudes import act_requests, file_requests, show_requests
from arco_client.models import (
    CaseDetail,
    FileRequest,
    Problem,
    RequestActAdmitted,
    RequestActAdmittedAct,
    RequestActInput,
    RequestActResolutionNotified,
    RequestActResolutionNotifiedAct,
    RequestActResolved,
    RequestActResolvedAct,
    RequestActResolvedOutcome,
)

URL = os.environ["ARCO_URL"]
staff = AuthenticatedClient(base_url=URL, token=os.environ["STAFF_TOKEN"], raise_on_unexpected_status=True)
committee = AuthenticatedClient(base_url=URL, token=os.environ["COMMITTEE_TOKEN"], raise_on_unexpected_status=True)


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def case(answer, what):
    """The case of an answer, as the generated model read it."""
    if not isinstance(answer.parsed, CaseDetail):
        fail(f"{what}: {answer.status_code} {answer.parsed!r} {answer.content!r}")
    print(f"{what}: {answer.parsed.folio} estado: {answer.parsed.state}")
    return answer.parsed


filed = case(
    file_requests.sync_detailed(
        client=staff, body=FileRequest(right="access", at="2026-02-05T10:00", body="SEJ")
    ),
    "presentación",
)
folio = filed.folio
if filed.state != "filed" or not filed.timeline:
    fail(f"la solicitud recién presentada: {filed.to_dict()}")

admitted = case(
    act_requests.sync_detailed(
        folio,
        client=staff,
        body=RequestActInput(act=RequestActAdmitted(act=RequestActAdmittedAct.ADMITTED), at="2026-02-06T10:00"),
    ),
    "admisión",
)
if admitted.state != "admitted":
    fail(f"después de admitir: {admitted.state}")

# The Comité resolves: the staff may not (403, a problem the client reads).
refused = act_requests.sync_detailed(
    folio,
    client=staff,
    body=RequestActInput(
        act=RequestActResolved(act=RequestActResolvedAct.RESOLVED, outcome=RequestActResolvedOutcome.GRANTED),
        at="2026-02-12T10:00",
    ),
)
if refused.status_code != 403 or not isinstance(refused.parsed, Problem):
    fail(f"la Unidad resolvió: {refused.status_code} {refused.content!r}")
print(f"la Unidad no resuelve: {refused.parsed.type_}")

resolved = case(
    act_requests.sync_detailed(
        folio,
        client=committee,
        body=RequestActInput(
            act=RequestActResolved(act=RequestActResolvedAct.RESOLVED, outcome=RequestActResolvedOutcome.GRANTED),
            at="2026-02-12T10:00",
        ),
    ),
    "resolución",
)
if resolved.state != "resolved":
    fail(f"después de resolver: {resolved.state}")

notified = case(
    act_requests.sync_detailed(
        folio,
        client=staff,
        body=RequestActInput(
            act=RequestActResolutionNotified(act=RequestActResolutionNotifiedAct.RESOLUTION_NOTIFIED),
            at="2026-02-13T10:00",
        ),
    ),
    "notificación",
)

shown = case(show_requests.sync_detailed(folio, client=staff, as_of=datetime.date(2026, 2, 13)), "expediente")
acts = [a.act for a in shown.acts]
if [str(a) for a in acts] != ["filed", "admitted", "resolved", "resolution_notified"]:
    fail(f"los actos del expediente: {acts}")
if not all(t.explanation for t in shown.timeline):
    fail("un plazo sin explicación")
print("ok:", folio, "con", len(shown.log), "actos en la bitácora")
