"""`core.warmup`: the server's objects of startup are frozen; the WSGI module warms itself."""

from __future__ import annotations

import gc
import importlib
import sys

from fangkong.core.warmup import warm_and_freeze


def test_warm_and_freeze_moves_startup_objects_out_of_the_collector() -> None:
    gc.unfreeze()
    try:
        warm_and_freeze()
        assert gc.get_freeze_count() > 10_000
        assert "fangkong.checkpoints.api" in sys.modules  # the URLconf's views are loaded
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0


def test_the_wsgi_module_builds_a_warmed_application() -> None:
    gc.unfreeze()
    sys.modules.pop("fangkong.wsgi", None)
    try:
        module = importlib.import_module("fangkong.wsgi")
        assert callable(module.application)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
