"""The agenda: every deadline of SPEC §4's policies, per owner, from the event that
opens it until the event or ``TaskDone`` that closes it. Numbers come from the policy
object. ``overdue`` (due before ``as_of``) is computed at query time.

Rows are a pure function of the deal's state. ``role`` names a role whose members
also see the row (a major objection goes to the supervisor; a receivable more than
the policy's days overdue goes to the supervisor and legal).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Column, Date, Index, MetaData, String, Table, Text

from domain.deal import Deal
from domain.policy import Policy
from projections.base import Rebuilt, deal_columns, deal_values

metadata = MetaData()
agenda = Table(
    "rm_agenda", metadata,
    *deal_columns(),
    Column("task", String(40), primary_key=True),
    Column("ref", String(120), primary_key=True),
    Column("role", String(40), primary_key=True),
    Column("assignee", String(200), nullable=False, index=True),
    Column("due", Date, nullable=False),
    Column("rule", Text, nullable=False),
    # the list's order, alone and behind each filter of whose row it is
    Index("ix_rm_agenda_due", "due", "deal_id", "task", "ref", "role"),
    Index("ix_rm_agenda_owner_due", "owner", "due", "deal_id", "task", "ref", "role"),
    # with ``owner`` last, finding a rep's rows on others' deals reads no table rows
    Index("ix_rm_agenda_assignee_due", "assignee", "due", "deal_id", "task", "ref", "role",
          "owner"),
)
Item = tuple[str, str, date, str, str | None, str | None]  # task, ref, due, rule, assignee, role


def days(n: int) -> timedelta:
    return timedelta(days=n)


def hours_as_days(hours: int) -> timedelta:
    return timedelta(days=max(1, -(-hours // 24)))


class Agenda(Rebuilt):
    name = "agenda"
    metadata = metadata
    table = agenda

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def rows(self, deal: Deal) -> list[dict[str, Any]]:
        base = deal_values(deal)
        seen: dict[tuple[str, str, str], dict[str, Any]] = {}
        for task, ref, due, rule, assignee, role in items(deal, self.policy):
            seen[(task, ref, role or "")] = {**base, "task": task, "ref": ref,
                                             "role": role or "", "due": due, "rule": rule,
                                             "assignee": assignee or deal.owner}
        return list(seen.values())


def done(deal: Deal, task: str, ref: str = "") -> bool:
    return any(t["task"] == task and (not t["ref"] or t["ref"] == ref) for t in deal.tasks_done)


def items(deal: Deal, p: Policy) -> Iterator[Item]:
    yield from complaints(deal, p)
    if deal.stage == "lost":
        return
    yield from prospecting(deal, p)
    yield from proposals(deal)
    yield from execution(deal, p)
    yield from receivables(deal, p)


def prospecting(deal: Deal, p: Policy) -> Iterator[Item]:
    graded = deal.grades[-1] if deal.grades else None
    if graded and deal.survey is None:
        on = graded["on"]
        if graded["grade"] == "A":
            contacted = any(f["on"] >= on for f in deal.follow_ups) or done(deal, "first_contact")
            if not contacted:
                yield ("first_contact", "", on + days(p.grade_a_first_contact_days),
                       f"grade A: first contact within {p.grade_a_first_contact_days} days",
                       None, None)
            yield ("survey", "", on + days(p.grade_a_survey_days),
                   f"grade A: needs communication within {p.grade_a_survey_days} days", None, None)
        if graded["grade"] == "B":
            if not done(deal, "industry_solution"):
                yield ("industry_solution", "", on + days(p.grade_b_solution_days),
                       f"grade B: industry solution within {p.grade_b_solution_days} days",
                       None, None)
            yield ("activation", "", on + days(p.grade_b_activation_days),
                   f"grade B: activation within {p.grade_b_activation_days} days", None, None)
    if deal.follow_ups and not done(deal, "follow_up_email"):
        yield ("follow_up_email", "", deal.follow_ups[0]["on"] + hours_as_days(
            p.follow_up_email_hours), (f"follow-up e-mail within {p.follow_up_email_hours} "
            "hours of the first contact"), None, None)
    if deal.follow_ups:
        last = deal.follow_ups[-1]
        yield ("next_step", "", last["next_step_due"], f"next step: {last['next_step']}",
               None, None)
    rechecks = [t["on"] for t in deal.tasks_done if t["task"] == "info_recheck"]
    since = max([deal.stage_history[0]["on"], *rechecks])
    yield ("info_recheck", "", since + days(p.info_recheck_days),
           f"re-check customer information every {p.info_recheck_days} days", None, None)


def proposals(deal: Deal) -> Iterator[Item]:
    for proposal in deal.proposals.values():
        for f in proposal["feedback"]:
            if f["resolved_on"] is not None:
                continue
            ref = f"{proposal['version']}#{f['no']}"
            rule = f"resolve the customer's objection: {f['objection']}"
            yield ("feedback", ref, f["due"], rule, f["owner"], None)
            if f["major"]:
                yield ("feedback", ref, f["due"], "major objection: " + rule, None,
                       "sales_supervisor")


def execution(deal: Deal, p: Policy) -> Iterator[Item]:
    if deal.signature is None:
        return
    signed_on = deal.signature["signed_on"]
    if any(m.trigger == "signing" for m in deal.schedule) and not done(
            deal, "prepayment_notice") and deal.unpaid_signing_milestones():
        yield ("prepayment_notice", "", signed_on + days(p.prepayment_notice_days),
               f"prepayment notice within {p.prepayment_notice_days} days of signing",
               None, None)
    if deal.delivery_completed_on is None and deal.delivery_due is not None:
        yield ("delivery", "", deal.delivery_due, "deliver by the contract's due date",
               None, None)
    for d in deal.delays:
        if not done(deal, "delay_analysis", str(d["no"])):
            yield ("delay_analysis", str(d["no"]), d["reported_on"] + hours_as_days(
                p.delay_analysis_hours), (f"analyse the delay within {p.delay_analysis_hours} "
                "hours"), None, None)
    if deal.accepted_on is None and deal.acceptance and not deal.acceptance[-1]["passed"]:
        for r in deal.acceptance[-1]["rectifications"]:
            yield ("rectification", r.item, r.due, "rectify before acceptance", None, None)
    if deal.delivery_completed_on is not None and not done(deal, "satisfaction_survey"):
        yield ("satisfaction_survey", "", deal.delivery_completed_on + days(
            p.satisfaction_survey_days), (f"satisfaction survey within "
            f"{p.satisfaction_survey_days} days of delivery"), None, None)
    if deal.accepted_on is not None and not done(deal, "return_visit"):
        yield ("return_visit", "", deal.accepted_on + days(p.return_visit_days),
               f"return visit within {p.return_visit_days} days of acceptance", None, None)


def receivables(deal: Deal, p: Policy) -> Iterator[Item]:
    for r in deal.receivables():
        if r["received"] >= r["amount"] or r["due_on"] is None:
            continue
        name = r["milestone"]
        if r["trigger"] == "acceptance" and not done(deal, "collection_letter", name):
            yield ("collection_letter", name, r["due_on"],
                   "collection letter when an acceptance milestone falls due", None, None)
        if r["trigger"] == "warranty_end" and not done(deal, "final_payment_reminder", name):
            yield ("final_payment_reminder", name, r["due_on"] - days(
                p.final_payment_reminder_days), (f"final-payment reminder "
                f"{p.final_payment_reminder_days} days before the warranty ends"), None, None)
        late = r["due_on"] + days(p.escalation_overdue_days + 1)
        rule = f"more than {p.escalation_overdue_days} days overdue: escalate"
        for role in ("sales_supervisor", "legal"):
            yield ("escalation", name, late, rule, None, role)


def complaints(deal: Deal, p: Policy) -> Iterator[Item]:
    for c in deal.complaints:
        ref = str(c["no"])
        if c["responded_on"] is None and c["resolved_on"] is None:
            yield ("complaint_response", ref, c["on"] + hours_as_days(p.complaint_response_hours),
                   f"respond within {p.complaint_response_hours} hours", c["owner"], None)
        if c["resolved_on"] is None:
            yield ("complaint_resolution", ref, c["on"] + hours_as_days(
                p.complaint_resolution_hours), (f"resolve within {p.complaint_resolution_hours} "
                "hours, else escalate to the technical director"), c["owner"], None)
