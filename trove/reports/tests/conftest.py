import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_statistics_cache():
    """Each test's data is rolled back afterwards; statistics cached from it must not leak into the next test."""
    cache.clear()
    yield
    cache.clear()
