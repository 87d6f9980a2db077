"""Medallia Agent Connect feedback exports (Settings > Export Responses / Feedback Exports, CSV).

Documented in "Feedback Exports: field descriptions and request delivery status"
(docs.medallia.com, Agent Connect): one header row of snake_case field names that follow the
Data Return API - ``request_id``, ``request_sent_at`` (UTC), ``request_delivery_status``,
``response_received_at`` (UTC), ``star_rating`` (1-5), ``comments``, ``reward_name``,
``areas_for_improvement``, ``additional_question_response``, ``ext_interaction_id``,
``external_url``, ``channel``, ``tags``, ``brand``, ``customer_name``, ``request_sent_to``,
``employee_first_name``, ``employee_last_name``, ``employee_email``, ``employee_custom_id``,
``employee_status``, ``employee_employment_status``, ``employee_start_date``, ``team_leader``.
Timestamps are UTC.
"""

from __future__ import annotations

import re

from cxm_lab.importers.base import Header, Importer, RawTable, count_present, find_columns

__all__ = ["MedalliaImporter"]

FIELDS = (
    "request_id",
    "request_sent_at",
    "request_delivery_status",
    "response_received_at",
    "star_rating",
    "comments",
    "reward_name",
    "areas_for_improvement",
    "additional_question_response",
    "ext_interaction_id",
    "external_url",
    "channel",
    "tags",
    "brand",
    "customer_name",
    "request_sent_to",
    "employee_first_name",
    "employee_last_name",
    "employee_email",
    "employee_custom_id",
    "employee_status",
    "employee_employment_status",
    "employee_start_date",
    "team_leader",
)
_ROLES = {
    "response_id": ("request_id",),
    "response_date": ("response_received_at",),
    "status": ("request_delivery_status",),
    "email": ("request_sent_to",),
}


class MedalliaImporter(Importer):
    """Medallia Agent Connect: ``request_id``, ``response_received_at``, ``star_rating`` ..."""

    name = "medallia"
    title = "Medallia"
    file_hint = re.compile(r"medallia|agent[_ -]?connect|stella", re.IGNORECASE)

    def detect(self, raw: RawTable) -> float:
        start = raw.first_row()
        if start is None:
            return 0.0
        top = raw.row(start)
        hits = count_present(top, FIELDS)
        if "request_id" in top and "response_received_at" in top and hits >= 4:
            return 0.95
        return 0.5 if hits >= 6 else 0.0

    def header(self, raw: RawTable) -> Header:
        start = raw.first_row()
        top = raw.row(start)
        if start is None or count_present(top, FIELDS) < 3:
            raise self.not_mine(raw, "no request_id / response_received_at fields")
        return Header(
            start,
            1,
            top,
            roles=find_columns(top, _ROLES),
            timezone="UTC",
            notes=["Medallia Agent Connect fields; timestamps documented as UTC"],
        )
