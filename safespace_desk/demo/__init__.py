"""A demo store with synthetic data at Derby Safe Space's volumes (times a scale).

Used by ``safespace-desk demo`` (to look around) and by bench/ (a real-sized store).
"""

from safespace_desk.demo.generate import (
    DEMO_MANAGER,
    DEMO_STAFF,
    DemoOptions,
    DemoResult,
    SignIn,
    generate_demo,
)

__all__ = ["DEMO_MANAGER", "DEMO_STAFF", "DemoOptions", "DemoResult", "SignIn", "generate_demo"]
