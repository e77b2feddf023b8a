"""Forms, dialogs and banners the audit opens (registered in screens.SCREENS)."""

from __future__ import annotations
