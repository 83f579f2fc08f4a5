"""Shipped content for the script library: talk tracks, objection responses and
phrase rules, in English and Simplified Chinese. Written for this product; the
field knowledge comes from the shared DOMAIN.md. `scripts_library.loader` turns
these modules into rows."""

DEBTOR_TYPES = ("forgetful", "hardship", "dispute", "stalling", "unknown")
STAGES = (
    "preparation",
    "opening",
    "reminder",
    "negotiation",
    "closing",
    "voicemail",
    "sms",
    "email",
    "letter",
    "visit",
)
# Which channel a stage's track is written for.
STAGE_CHANNEL = {
    "preparation": "call",
    "opening": "call",
    "reminder": "call",
    "negotiation": "call",
    "objection": "call",
    "closing": "call",
    "voicemail": "call",
    "sms": "sms",
    "email": "email",
    "letter": "letter",
    "visit": "visit",
}
