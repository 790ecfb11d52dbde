"""What a notice or message is for. Essential ones reach everybody; the others respect opt-outs."""

from __future__ import annotations

EMERGENCY = "emergency"  # water or power cut, fire drill, safety: always sent, quiet hours too
FEE = "fee"  # fee-collection notices (物业费、水电费缴纳通知): essential
SERVICE = "service"  # service notices: maintenance works, a ticket's progress, one-time codes: essential
ACTIVITY = "activity"  # community activities (社区文化活动): non-essential
SURVEY = "survey"  # satisfaction survey invitations: non-essential
MARKETING = "marketing"  # offers: non-essential, needs the person's prior consent

PURPOSES = (EMERGENCY, FEE, SERVICE, ACTIVITY, SURVEY, MARKETING)
ESSENTIAL = frozenset({EMERGENCY, FEE, SERVICE})
OPTIONAL = frozenset(PURPOSES) - ESSENTIAL
