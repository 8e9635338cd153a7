"""The vague-wording check of SPEC §4.3 (NO_VAGUE_TERMS)."""

from __future__ import annotations

import pytest

from domain.base import vague_word
from domain.policy import DEFAULT_POLICY


@pytest.mark.parametrize("text", [
    "大概30天内交付", "尽量在月底前完成", "盡量配合", "响应时间2小时左右", "大约一周",
    "約30天", "约30天内完成", "约 30 天", "差不多完成即可", "原则上免费", "原則上免費",
    "approximately 30 days", "Approximately 30 days", "ROUGHLY on time",
    "as far as possible", "we try to deliver", "best effort", "Best Efforts apply",
    "reasonable efforts will be made", "签约后约30天交付", "违约金5%，约3个月内付清",
])
def test_vague_wording_is_flagged(text: str) -> None:
    assert vague_word(DEFAULT_POLICY, text) is not None


@pytest.mark.parametrize("text", [
    "违约金为合同额的5%", "違约金", "双方约定30天内交付", "合约30天内有效", "功能测试通过率100%",
    "entry to the data centre", "a thorough effort", "30天内交付", "约定",
    "签约30日内支付预付款", "簽約3日內", "节约30%成本", "履约30天", "解约30日前书面通知",
])
def test_precise_wording_is_not_flagged(text: str) -> None:
    assert vague_word(DEFAULT_POLICY, text) is None
