"""Hygiene of the code base itself (issue 11 item 7)."""

from __future__ import annotations

from django.apps import apps


def test_no_model_is_named_like_a_pytest_test_class():
    # pytest collects every class whose name starts with "Test" from a test module's namespace,
    # so a model imported into a test (`from ...models import TestItem`) was collected too
    # ("cannot collect test class 'TestItem' because it has a __init__ constructor").
    offenders = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("fangkong.") and model.__name__.startswith("Test")
    ]
    assert offenders == []
