"""Tiny links: the documented check value, round trips and invalid codes."""

import base64

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from uba.urls import classify_requests, decode_tiny_link, encode_tiny_link
from uba.urls._arrow import decode_tiny_links

EDGE_IDS = [1, 255, 256, 65535, 65536, 2**24, 2**32 - 1, 2**32, 2**48 + 7, 2**63 - 1]


def test_check_value_decodes():
    assert decode_tiny_link("AoCLRg") == 1183547394


def test_check_value_encodes():
    assert encode_tiny_link(1183547394) == "AoCLRg"


@pytest.mark.parametrize("content_id", EDGE_IDS)
def test_round_trip_edge_ids(content_id):
    code = encode_tiny_link(content_id)
    assert "=" not in code
    assert decode_tiny_link(code) == content_id


def test_round_trip_random_ids(seed):
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, 2**63 - 1, size=2000, dtype=np.int64).tolist()
    ids += rng.integers(1, 10**7, size=2000).tolist()
    for content_id in ids:
        assert decode_tiny_link(encode_tiny_link(content_id)) == content_id


def test_codes_use_url_safe_substitutes():
    # 0xFB 0xFF 0xBF encodes to "+/+/" in standard base64.
    content_id = int.from_bytes(bytes([0xFB, 0xFF, 0xBF]), "little")
    assert encode_tiny_link(content_id) == "_-_-"
    assert decode_tiny_link("_-_-") == content_id


@pytest.mark.parametrize(
    "code", ["", "A", "AAAAA", "AoCL+g", "AoCL/g", "AoCLRg==", "AAAAAAAAAAAA", "AA"]
)
def test_invalid_codes_raise(code):
    with pytest.raises(ValueError, match="tiny-link code"):
        decode_tiny_link(code)


def test_code_above_int64_raises():
    raw = (2**63).to_bytes(8, "little")
    standard = base64.b64encode(raw).decode("ascii").rstrip("=")
    code = standard.replace("/", "-").replace("+", "_")
    with pytest.raises(ValueError, match="between 1 and"):
        decode_tiny_link(code)


def test_non_string_code_raises_type_error():
    with pytest.raises(TypeError, match="str"):
        decode_tiny_link(12345)


@pytest.mark.parametrize("content_id", [0, -1, 2**63])
def test_encode_rejects_out_of_range(content_id):
    with pytest.raises(ValueError, match="between 1 and"):
        encode_tiny_link(content_id)


def test_column_decoder_matches_scalar_decoder(seed):
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, 2**63 - 1, size=300, dtype=np.int64).tolist()
    codes = [encode_tiny_link(i) for i in ids + EDGE_IDS]
    alphabet = list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    codes += [
        "".join(rng.choice(alphabet, size=rng.integers(1, 13))) for _ in range(500)
    ]

    values, valid = decode_tiny_links(pa.array(codes, type=pa.large_string()))
    for code, value, ok in zip(codes, values, valid):
        try:
            expected = decode_tiny_link(code)
        except ValueError:
            expected = None
        assert (int(value) if ok else None) == expected, code


def test_tiny_links_in_a_frame():
    ids = [1183547394, 65601, 2**40 + 3]
    paths = [f"/x/{encode_tiny_link(i)}" for i in ids] + ["/x/A", "/wiki/x/AoCLRg/"]
    n_rows = len(paths)
    frame = classify_requests(
        pd.Series(["GET"] * n_rows),
        pd.Series(paths),
        pd.Series([None] * n_rows, dtype="str"),
    )
    assert frame["page_id"].tolist() == ids + [pd.NA, 1183547394]
    assert (frame["action"] == "page_view").all()
