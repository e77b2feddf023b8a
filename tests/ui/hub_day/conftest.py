"""The front desk's fixtures serve the hub's day pages too."""

from tests.ui.desk.conftest import make_page  # noqa: F401
