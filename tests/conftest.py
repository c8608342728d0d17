import pytest


@pytest.fixture(params=[0, 1, 2], ids=lambda seed: f"seed{seed}")
def seed(request):
    """Run a test once for each of three random seeds."""
    return request.param
