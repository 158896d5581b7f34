"""The partner-report reconciliation as a block of the typed summary (issue 14), added without rebuilding it."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

from fxcost.summary.build import Summary

#: The JSON key of the block (``report --json``; the views key it the same way when they show it).
KEY = "partner_reconciliation"


def with_partner_reconciliation(summary: Summary, reconciliation) -> Summary:
    """``summary`` with ``reconciliation`` (analysis.partner_reconcile.Reconciliation) as its ``KEY`` block."""
    doc = dict(summary.document)
    doc[KEY] = reconciliation.json()
    return dataclasses.replace(summary, document=MappingProxyType(doc), partner_reconciliation=reconciliation)
