"""The manual's XX科技 example as HTTP request bodies: the OpenAPI examples, the README's
walk-through and the e2e tests all use these. Every step names its business date, so
the example runs on any day (no clock tricks needed)."""

from __future__ import annotations

from typing import Any

from application import examples as ex
from domain.chain import plain

DOC = ex.DOC
CHEN = {"name": "陈总", "title": "技术总监"}


def _review(role: str | None = None, on: str = "2024-03-06") -> dict[str, Any]:
    body = {"decision": "approve", "comment": "同意", "on": on}
    return body | ({"role": role} if role else {})


BODIES: dict[str, dict[str, Any]] = {
    "open": {
        "customer": {"name": "XX科技有限公司", "industry": "互联网", "employees": 5000,
                     "annual_revenue": "1000000000.00", "address": "北京市海淀区XX路1号",
                     "business": "互联网服务，自有数据中心", "needs": "服务器运维成本高",
                     "strategic": False},
        "contacts": [{"name": "陈总", "title": "技术总监", "decision_maker": True,
                      "phone": "138XXXX0001"}],
        "source": "exhibition", "referrer": None, "owner": "zhangsan", "currency": "CNY",
        "on": "2024-03-01"},
    "contact": {"name": "王经理", "title": "采购经理", "decision_maker": False,
                "phone": "138XXXX0003", "on": "2024-03-01"},
    "contact_update": {"title": "CTO", "phone": "138XXXX0009", "on": "2024-03-02"},
    "customer": {"employees": 5200, "on": "2024-03-02"},
    "owner": {"owner": "zhangsan", "on": "2024-03-02"},
    "grade": {"grade": "A", "need": "clear", "budget": "sufficient", "decision_chain": "clear",
              "note": "高匹配度+高需求强度", "on": "2024-03-01"},
    "follow_up": {"on": "2024-03-01", "channel": "visit", "contact": "陈总",
                  "summary": "介绍服务器租赁方案", "feedback": "需提供详细成本对比",
                  "next_step": "发送方案", "next_step_due": "2024-03-05"},
    "survey": {"surveyed_on": "2024-03-05", "method": "onsite",
               "needs": [{"category": "效率提升", "current": "人工统计订单数据，耗时4小时/天",
                          "target": "自动化统计，控制在1小时内/天", "priority": "high"},
                         {"category": "成本控制", "current": "现有服务器年维护费50万元",
                          "target": "维护费降至35万元以内", "priority": "medium"}],
               "decision_factors": [{"factor": "价格", "weight": "30"},
                                    {"factor": "服务响应速度", "weight": "40"},
                                    {"factor": "技术稳定性", "weight": "30"}],
               "budget": {"min": "250000.00", "max": "350000.00"},
               "signed_by": CHEN, "signed_on": "2024-03-05"},
    "proposal": {"version": "V1.0",
                 "responses": [{"need": 0, "response": "订单数据自动采集与报表"},
                               {"need": 1, "response": "服务器租赁替代自建运维"}],
                 "items": [{"sku": "SRV-A", "description": "服务器A型", "kind": "hardware",
                            "quantity": 5, "unit_price": "50000.00"},
                           {"sku": "IMPL", "description": "实施服务", "kind": "service",
                            "quantity": 1, "unit_price": "50000.00"}],
                 "discount": "0.00", "floor_price": "280000.00",
                 "payment_plan": plain(ex.PLAN_30_60_10), "delivery_days": 15,
                 "expected_outcomes": ["3个月内上线，效率提升60%", "年维护费降至35万元以内"],
                 "cases": ["某互联网企业实施后效率提升58%"], "on": "2024-03-06"},
    "proposal_review": _review("sales_supervisor"),
    "feedback": {"on": "2024-03-06", "from": "陈总", "objection": "担心实施周期影响业务",
                 "resolution": "缩短实施周期至2个月，分阶段上线", "owner": "lisi",
                 "due": "2024-03-07", "major": False},
    "feedback_resolve": {"on": "2024-03-07", "resolution": "缩短实施周期至2个月，分阶段上线"},
    "commitment": {"text": "质保期1年，可付费延长至18个月", "made_on": "2024-03-08"},
    "commitment_decision": {"decision": "confirm", "comment": "在权限内", "on": "2024-03-09"},
    "contract": plain(ex.CONTRACT_285K) | {"on": "2024-03-10"},
    "contract_review": _review(on="2024-03-10"),
    "sign": {"signed_on": "2024-03-10", "customer_signatory": CHEN, "document_sha256": DOC},
    "order_review": _review(on="2024-03-11"),
    "prepayment": {"received_on": "2024-03-12", "amount": "85500.00", "reference": "预付款",
                   "milestone": "prepayment"},
    "delivery": {"delivered_on": "2024-03-25", "items": [{"sku": "SRV-A", "quantity": 5},
                                                        {"sku": "IMPL", "quantity": 1}],
                 "received_by": CHEN, "tracking_no": "SF1234567890", "qc_report": "质检合格"},
    "delay": {"reported_on": "2024-03-20", "cause": "客户机房未就绪", "responsible": "customer",
              "new_due": "2024-03-30"},
    "acceptance": {"accepted_on": "2024-03-26",
                   "results": [{"item": "服务器功能", "result": "95%通过，5项小bug已修复",
                                "passed": True},
                               {"item": "实施服务培训满意度", "result": "92分", "passed": True}],
                   "signed_by": CHEN, "rectifications": [], "document_sha256": DOC},
    "progress_payment": {"received_on": "2024-04-24", "amount": "85500.00",
                         "reference": "进度款", "milestone": "progress"},
    "final_payment": {"received_on": "2024-05-25", "amount": "114000.00", "reference": "尾款",
                      "milestone": "final"},
    "overdue_reason": {"reason": "客户财务审批流程延迟", "on": "2024-03-15"},
    "change": {"requested_on": "2024-03-15", "content": "增加1台服务器A型",
               "reason": "业务量增长", "impact": {"amount_delta": "50000.00",
                                                   "delivery_days_delta": 5}},
    "assessment": {"decision": "feasible", "comment": "库存充足", "on": "2024-03-16"},
    "agreement": {"agreement_no": "SA2024031701", "signed_on": "2024-03-17",
                  "customer_signatory": CHEN, "document_sha256": DOC},
    "lost": {"on": "2024-03-05", "reason": "客户选择了竞争对手"},
    "complaint": {"on": "2024-04-01", "from": "陈总", "content": "服务器响应变慢",
                  "owner": "zhangsan"},
    "complaint_note": {"on": "2024-04-02", "note": "已远程排查并修复"},
    "document": {"kind": "contract", "sha256": DOC, "on": "2024-03-10", "note": "合同扫描件"},
    "task_done": {"on": "2024-03-11", "note": "已发送预付款通知"},
}


def example(name: str) -> dict[str, Any]:
    """``json_schema_extra`` for a body model: the XX科技 example of that step."""
    return {"examples": [BODIES[name]]}
