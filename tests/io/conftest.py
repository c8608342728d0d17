import gzip

import pytest


@pytest.fixture
def write_log(tmp_path):
    """Write text (or bytes) to a file in a temporary folder and return its path."""

    def write(name, content, compress=False):
        path = tmp_path / name
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        if compress:
            data = gzip.compress(data)
        path.write_bytes(data)
        return path

    return write
