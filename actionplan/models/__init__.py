"""The plan itself: Plan, Section, Action, its Leads, Evidence entries and the RAG rating.

Every model keeps full history (django-simple-history): who, when, what and why.
Change tracked models through ``save()`` (or the methods on them, which call it),
never ``queryset.update()`` or ``bulk_*``: those write no history.

- ``rag``: the rating's values, order, words and colours;
- ``base``: saving with a reason, optimistic locking, removal that deletes nothing;
- ``plan``: Plan and Section; ``actions``: Action and ActionLead; ``evidence``: EvidenceEntry;
  ``attachments``: files and links on an evidence entry.
"""

from .actions import Action, ActionLead, ActionQuerySet
from .attachments import Attachment
from .base import (
    EditConflict,
    Removable,
    Versioned,
    required_reason,
    save_with_reason,
)
from .evidence import EvidenceEntry
from .plan import Plan, Section
from .rag import NOT_RATED, RAG_VALUES, Rag

__all__ = [
    "NOT_RATED",
    "RAG_VALUES",
    "Action",
    "ActionLead",
    "ActionQuerySet",
    "Attachment",
    "EditConflict",
    "EvidenceEntry",
    "Plan",
    "Rag",
    "Removable",
    "Section",
    "Versioned",
    "required_reason",
    "save_with_reason",
]
