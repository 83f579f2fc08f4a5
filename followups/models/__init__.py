"""The follow-up engine's models, one module per concept. Every model is
imported here so Django finds them and ``from followups.models import X``
works as before."""

from .cadences import Cadence, CadenceState, CadenceStep, ContactRate
from .calendar_days import CalendarDay
from .followups import REASON_RANK, DebtorClaim, FollowUp
from .interactions import Interaction
from .policy import ContactPolicy, DebtorPolicyOverride, EngineSettings
from .promises import Instalment, PromiseToPay
from .type_review import TypeSuggestion

__all__ = [
    "REASON_RANK",
    "Cadence",
    "CadenceState",
    "CadenceStep",
    "CalendarDay",
    "ContactPolicy",
    "ContactRate",
    "DebtorClaim",
    "DebtorPolicyOverride",
    "EngineSettings",
    "FollowUp",
    "Instalment",
    "Interaction",
    "PromiseToPay",
    "TypeSuggestion",
]
