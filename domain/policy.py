"""The manual's numbers in one place. Defaults come from the manual; a TOML file may
override them (see ``application.config``)."""

from __future__ import annotations

from decimal import Decimal

import attrs

VAGUE_WORDS = (
    "大概", "尽量", "盡量", "左右", "大约", "大約", "差不多", "原则上", "原則上",
)
VAGUE_PHRASES = (
    "approximately", "roughly", "as far as possible", "try to",
    "best effort", "best efforts", "reasonable efforts",
)
#: 约/約 directly before a number (约30天) is vague; 违约金, 约定, 合约 are not.
VAGUE_BEFORE_NUMBER = ("约", "約")
#: ...unless 约 ends a word: 签约30日内 is "within 30 days of signing", not "about 30 days".
WORDS_ENDING_IN_YUE = (
    "违", "違", "合", "签", "簽", "节", "節", "预", "預", "履", "解", "毁", "毀", "公", "条",
    "條", "契", "制", "特", "缔", "締", "邀", "订", "訂", "守", "失", "赴", "践", "踐", "立",
)


@attrs.frozen
class Policy:
    # §一 prospecting (days)
    grade_a_first_contact_days: int = 3
    grade_a_survey_days: int = 30
    grade_b_solution_days: int = 7
    grade_b_activation_days: int = 60
    follow_up_email_hours: int = 24
    info_recheck_days: int = 90
    # §五 receivables
    escalation_overdue_days: int = 30
    prepayment_notice_days: int = 3
    final_payment_reminder_days: int = 7
    # §四 after delivery
    return_visit_days: int = 3
    satisfaction_survey_days: int = 7
    delay_analysis_hours: int = 24
    # §六 complaints (hours)
    complaint_response_hours: int = 24
    complaint_resolution_hours: int = 48
    # §三 contract penalties (per cent)
    max_penalty_cap_percent: Decimal = Decimal(5)
    default_daily_penalty_percent: Decimal = Decimal("0.1")
    # §五 maintenance classes (contracted amount over 12 months)
    class_a_threshold: Decimal = Decimal(500000)
    class_b_threshold: Decimal = Decimal(200000)
    vague_words: tuple[str, ...] = VAGUE_WORDS
    vague_phrases: tuple[str, ...] = VAGUE_PHRASES
    vague_before_number: tuple[str, ...] = VAGUE_BEFORE_NUMBER
    not_vague_before_yue: tuple[str, ...] = WORDS_ENDING_IN_YUE


DEFAULT_POLICY = Policy()
