"""How each debtor type is worked: the settings the rest of the product reads
(the timing engine, the call queue, reminders, the script panel). Data, not
logic; DOMAIN.md's type table is the source."""

from __future__ import annotations

import dataclasses

from debtors.models import Channel, DebtorType


@dataclasses.dataclass(frozen=True)
class TypeStrategy:
    debtor_type: str
    # Channels to try, best first.
    preferred_channels: tuple[str, ...]
    # Days between steps of the dunning cadence; the last gap repeats.
    cadence_days: tuple[int, ...]
    offer_instalments: bool
    # Stop automatic reminders while a dispute is open.
    pause_dunning_on_dispute: bool
    # The escalation ladder after the cadence runs out.
    escalation: tuple[str, ...]
    tone_words: dict[str, tuple[str, ...]]

    def gap_after(self, step: int) -> int:
        """Days to wait after the given step (0-based) before the next one."""
        if step < 0:
            return self.cadence_days[0]
        return self.cadence_days[min(step, len(self.cadence_days) - 1)]


STRATEGIES = {
    DebtorType.FORGETFUL: TypeStrategy(
        debtor_type=DebtorType.FORGETFUL,
        preferred_channels=(Channel.SMS, Channel.EMAIL, Channel.CALL),
        cadence_days=(2, 3, 5),
        offer_instalments=False,
        pause_dunning_on_dispute=True,
        escalation=("call", "email", "manager"),
        tone_words={
            "en": ("friendly", "light", "helpful"),
            "zh-hans": ("友好", "轻松", "贴心"),
        },
    ),
    DebtorType.HARDSHIP: TypeStrategy(
        debtor_type=DebtorType.HARDSHIP,
        preferred_channels=(Channel.CALL, Channel.VISIT, Channel.EMAIL),
        cadence_days=(7, 7, 14),
        offer_instalments=True,
        pause_dunning_on_dispute=True,
        escalation=("call", "visit", "manager"),
        tone_words={
            "en": ("patient", "understanding", "practical"),
            "zh-hans": ("耐心", "理解", "务实"),
        },
    ),
    DebtorType.DISPUTE: TypeStrategy(
        debtor_type=DebtorType.DISPUTE,
        preferred_channels=(Channel.CALL, Channel.EMAIL, Channel.VISIT),
        cadence_days=(3, 5, 7),
        offer_instalments=False,
        pause_dunning_on_dispute=True,
        escalation=("call", "manager", "visit"),
        tone_words={
            "en": ("attentive", "factual", "fair"),
            "zh-hans": ("倾听", "讲证据", "公正"),
        },
    ),
    DebtorType.STALLING: TypeStrategy(
        debtor_type=DebtorType.STALLING,
        preferred_channels=(Channel.CALL, Channel.VISIT, Channel.LETTER),
        cadence_days=(2, 2, 3),
        offer_instalments=False,
        # A complaint raised only to buy time must not stop the cadence; the
        # disputed invoices themselves are still held out of the demand.
        pause_dunning_on_dispute=False,
        escalation=("visit", "manager", "letter", "legal"),
        tone_words={
            "en": ("firm", "calm", "consistent"),
            "zh-hans": ("坚定", "冷静", "一贯"),
        },
    ),
    DebtorType.UNKNOWN: TypeStrategy(
        debtor_type=DebtorType.UNKNOWN,
        preferred_channels=(Channel.CALL, Channel.EMAIL, Channel.SMS),
        cadence_days=(3, 5, 7),
        offer_instalments=False,
        pause_dunning_on_dispute=True,
        escalation=("call", "email", "manager", "letter"),
        tone_words={
            "en": ("neutral", "polite", "curious"),
            "zh-hans": ("中立", "礼貌", "了解情况"),
        },
    ),
}


def strategy_for(debtor_type: str) -> TypeStrategy:
    """The strategy for a type; the neutral one for anything unknown."""
    return STRATEGIES.get(debtor_type, STRATEGIES[DebtorType.UNKNOWN])
