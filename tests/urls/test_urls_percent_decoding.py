"""Percent-decoding of path segments: the NumPy decoder against the Python one."""

import numpy as np
import pyarrow as pa
import pytest

from uba.urls._arrow import decode_percent_escapes
from uba.urls._text import decode_path_segments

PIECES = [
    "%", "%2", "%2F", "%2f", "%7E", "%7e", "%C3", "%A4", "%C3%A4", "%E2%9C%93", "%E2%9C",
    "%FF", "%00", "%zz", "%%41", "/", "a", "ä", "~", "%41", "%4", "+", "%25", "%252F",
    "✓", "%F0%9F%98%80", "%F0%9F", "",
]  # fmt: skip


@pytest.mark.parametrize(
    ("encoded", "decoded"),
    [
        ("/display/%7Ejane.doe/T%C3%A4st", "/display/~jane.doe/Täst"),
        ("/a%2Fb/c%2fd", "/a%2Fb/c%2Fd"),
        ("/100%/%zz/%4", "/100%/%zz/%4"),
        ("/%FF%C3/x", "/\ufffd\ufffd/x"),
        ("/%2541", "/%41"),
    ],
)
def test_decoders_on_known_paths(encoded, decoded):
    assert decode_path_segments(encoded) == decoded
    assert decode_percent_escapes(pa.array([encoded])).to_pylist() == [decoded]


def test_numpy_decoder_matches_python_decoder(seed):
    rng = np.random.default_rng(seed)
    strings = [
        "".join(rng.choice(PIECES, size=rng.integers(0, 9))) for _ in range(5000)
    ]
    decoded = decode_percent_escapes(pa.array(strings)).to_pylist()
    for text, result in zip(strings, decoded):
        assert result == decode_path_segments(text), text


def test_numpy_decoder_on_sliced_array():
    strings = ["/x%41", "/%C3%A4", "/%FF", "/%2f", "/plain"]
    sliced = pa.array(strings, type=pa.large_string()).slice(1, 3)
    expected = [decode_path_segments(text) for text in strings[1:4]]
    assert decode_percent_escapes(sliced).to_pylist() == expected


def test_numpy_decoder_rejects_nulls():
    with pytest.raises(ValueError, match="without nulls"):
        decode_percent_escapes(pa.array(["/a", None]))
