import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The token endpoint's throttle counts in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()
