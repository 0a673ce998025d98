"""Fixtures of the people tests: the browser (Chromium on Django's live server)."""

from fangkong.browser import chromium, phone

__all__ = ["chromium", "phone"]
