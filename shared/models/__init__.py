"""SQLAlchemy tables, one module per aggregate."""

from shared.models.access import ApiKey, AuditEntry, RevokedSession, User
from shared.models.actionlink import ActionLinkUse
from shared.models.base import Base
from shared.models.calendar import CalendarDay
from shared.models.case import Case, CaseEvent, Referral, ReferralOffer
from shared.models.directory import Coordinator
from shared.models.duplicate import CaseNameKey, PossibleDuplicate
from shared.models.gaps import ServiceGapDigest
from shared.models.imports import Import, ImportRow
from shared.models.messages import InboundMessage
from shared.models.notification import Notification
from shared.models.outbox import OutboxEvent, ProcessedEvent
from shared.models.preferences import NotificationPreference, NotificationSettings
from shared.models.reference import (
    Category,
    Pillar,
    ReferenceVersion,
    Region,
    RegionSuccessor,
)
from shared.models.rollup import dashboard_case_ends, dashboard_rollup_deltas, dashboard_rollups
from shared.models.rules import RuleSetVersion

__all__ = [
    "ActionLinkUse",
    "ApiKey",
    "AuditEntry",
    "Base",
    "CalendarDay",
    "Case",
    "CaseEvent",
    "CaseNameKey",
    "Category",
    "Coordinator",
    "Import",
    "ImportRow",
    "InboundMessage",
    "Notification",
    "NotificationPreference",
    "NotificationSettings",
    "OutboxEvent",
    "Pillar",
    "PossibleDuplicate",
    "ProcessedEvent",
    "ReferenceVersion",
    "Referral",
    "ReferralOffer",
    "Region",
    "RegionSuccessor",
    "RevokedSession",
    "RuleSetVersion",
    "ServiceGapDigest",
    "User",
    "dashboard_case_ends",
    "dashboard_rollup_deltas",
    "dashboard_rollups",
]
