"""The Partnership page's tests use the real shell offscreen, like the other page tests."""
