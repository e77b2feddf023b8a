"""The front desk: the screen staff live in (find, sign in, beds, exclusions, guest records).

Qt only; every change goes through ``safespace_desk.services`` and comes back as ``Changes``.
``FrontDeskPage`` is the one widget the app shell needs to register.
"""

from safespace_desk.ui.desk.page import FrontDeskPage

__all__ = ["FrontDeskPage"]
