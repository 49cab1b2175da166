"""One process of the concurrency proof: open cases and fire steps on shared ones.

Run as ``python -m tests.reliability.worker SEED COUNT NUMBER...`` with ``WORKFLOW_DB``
and ``WORKFLOW_TODAY`` set. Each command goes through ``CaseService`` as a handler's
does (its own transaction, its letters rendered ahead). Prints one JSON line: the
commands that succeeded (each wrote one event) and how many were refused, and why.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter

from workflow.application import Application
from workflow.cases.service import NewCase, find_case
from workflow.errors import StaleCase, StoreBusy, TransitionRejected
from workflow.lifecycle import StepInput
from workflow.settings import Settings

AGENCIES = ("zbgd", "city")
# Steps that can follow each other for ever on a case: a third party consulted, its reply.
NEXT: dict[str, tuple[str, str | None]] = {  # the trigger, and the party it names
    "received": ("consult_third_party", "淄博某某精密机械有限公司"),
    "third_party_consultation": ("receive_third_party_reply", None),
}


def main(seed: str, count: int, shared: list[str]) -> dict[str, object]:
    chance = random.Random(seed)
    application = Application(Settings.resolve())
    cases = application.cases
    today = application.clock.today()
    opened: list[str] = []
    fired: list[list[object]] = []
    refused: Counter[str] = Counter()
    for _ in range(count):
        if chance.random() < 0.3:
            new = NewCase(
                agency=chance.choice(AGENCIES),
                applicant=f"申请人{seed}",
                applicant_type="natural_person",
                channel="online",
                received_on=today,
                request="2025年度财政预算执行情况",
                by="李四",
            )
            try:
                opened.append(cases.open(new).number)
            except StoreBusy:
                refused["busy"] += 1
            continue
        number = chance.choice(shared)
        with application.database.reading() as session:
            state = find_case(session, number).state
        trigger, party = NEXT[state]
        try:
            result = cases.fire(number, trigger, StepInput(on=today, by="李四", party=party))
        except StaleCase:
            refused["stale"] += 1
        except TransitionRejected:
            refused["rejected"] += 1  # another process moved the case since it was read
        except StoreBusy:
            refused["busy"] += 1
        else:
            fired.append([number, result.event_seq])
    application.close()
    return {"opened": opened, "fired": fired, "refused": dict(refused)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), sys.argv[3:])))
