"""Enquiries about a person (issue 13, item 1). The police "check" whereabouts, victim services try "to
locate" someone: telling anyone that a person uses the hub is disclosing personal data. Staff give the
default answer; anything more needs a legal basis and a shift lead's approval, recorded."""

from __future__ import annotations

from enum import StrEnum

DEFAULT_ANSWER = ("We can't confirm who uses the service. If you leave a message, we will pass it on if "
                  "the person comes in.")


class LegalBasis(StrEnum):
    NONE = "none"  # none claimed: the default answer only
    CONSENT = "consent"  # the person's own consent (see their sharing choices)
    CRIME = "crime"  # prevention or detection of crime
    SAFEGUARDING = "safeguarding"
    COURT_ORDER = "court_order"

    @property
    def label(self) -> str:
        return {"none": "None claimed", "consent": "The person's consent",
                "crime": "Prevention or detection of crime", "safeguarding": "Safeguarding",
                "court_order": "A court order"}[self.value]


class EnquiryAnswer(StrEnum):
    DEFAULT = "default"  # "we can't confirm who uses the service; we can pass a message on"
    DISCLOSED = "disclosed"  # more than that, with a lead's approval

    @property
    def label(self) -> str:
        return {"default": "The default answer", "disclosed": "More than the default (approved)"}[self.value]
