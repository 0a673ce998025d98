"""The aggregator mounts the routers the apps register, the gate scan's first."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

from fangkong.api.api import api


def test_every_app_router_is_mounted_once_checkpoints_first() -> None:
    mounted = [router for _prefix, router in api._routers[1:]]  # [0] is Ninja's default
    expected = [
        import_module(f"{config.name}.api").router
        for config in apps.get_app_configs()
        if config.name.startswith("fangkong.") and config.name != "fangkong.api"
        if module_has_submodule(config.module, "api")
    ]
    assert len(mounted) == len(set(map(id, mounted)))
    assert {id(r) for r in mounted} == {id(r) for r in expected}
    assert mounted[0] is import_module("fangkong.checkpoints.api").router
