import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Failed logins are counted per address in the cache (`core.backends`); each test starts
    with none, as if from a new address."""
    cache.clear()
    yield
    cache.clear()
