"""The XX科技 example as HTTP requests: (name, user, method, path, body), in order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from interfaces.http.examples import BODIES, _review

Request = tuple[str, str, str, str, dict[str, Any]]


def xx_keji(deal: str) -> Iterator[Request]:
    """Every step after ``POST /deals`` (which answers the deal id used in ``deal``)."""
    d = f"/deals/{deal}"
    yield "grade", "zhangsan", "POST", f"{d}/grade", BODIES["grade"]
    yield "follow_up", "zhangsan", "POST", f"{d}/follow-ups", BODIES["follow_up"]
    yield "survey", "zhangsan", "POST", f"{d}/survey", BODIES["survey"]
    yield "proposal", "zhangsan", "POST", f"{d}/proposals", BODIES["proposal"]
    for who in ("zhaojingli", "qianpm", "wangwu"):
        yield f"review_{who}", who, "POST", f"{d}/proposals/V1.0/reviews", _review()
    yield "feedback", "zhangsan", "POST", f"{d}/proposals/V1.0/feedback", BODIES["feedback"]
    yield ("feedback_resolved", "lisi", "POST", f"{d}/proposals/V1.0/feedback/1/resolve",
           BODIES["feedback_resolve"])
    yield "commitment", "zhangsan", "POST", f"{d}/commitments", BODIES["commitment"]
    yield ("commitment_confirmed", "zhaojingli", "POST", f"{d}/commitments/1/decision",
           BODIES["commitment_decision"])
    yield "contract", "zhangsan", "POST", f"{d}/contract", BODIES["contract"]
    for who in ("zhaojingli", "wangwu", "sunzhuguan"):
        yield f"contract_{who}", who, "POST", f"{d}/contract/reviews", BODIES["contract_review"]
    yield "signed", "zhangsan", "POST", f"{d}/contract/sign", BODIES["sign"]
    for who in ("zhaojingli", "zhoujingli", "sunzhuguan"):
        yield f"order_{who}", who, "POST", f"{d}/order/reviews", BODIES["order_review"]
    yield "prepayment", "sunzhuguan", "POST", f"{d}/payments", BODIES["prepayment"]
    yield "delivered", "zhangsan", "POST", f"{d}/deliveries", BODIES["delivery"]
    yield "accepted", "zhangsan", "POST", f"{d}/acceptance", BODIES["acceptance"]
    yield "progress_paid", "sunzhuguan", "POST", f"{d}/payments", BODIES["progress_payment"]
    yield "final_paid", "sunzhuguan", "POST", f"{d}/payments", BODIES["final_payment"]
