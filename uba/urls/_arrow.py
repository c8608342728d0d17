"""Column helpers on pyarrow string arrays and NumPy code arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from uba.urls._rules import MAX_ID_DIGITS

# Base64 value of each byte in a tiny-link code, where ``-`` is ``/`` and ``_`` is
# ``+``. The value 255 marks a byte outside the alphabet.
_SEXTET_OF_BYTE = np.full(256, 255, dtype=np.uint8)
_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_SEXTET_OF_BYTE[np.frombuffer(_ALPHABET, dtype=np.uint8)] = np.arange(
    64, dtype=np.uint8
)
# Three base64 quads of four characters: the 11-character maximum, rounded up.
_TINY_WIDTH = 12

# Value of each byte as a hex digit, or 255 for a byte that is not one.
_HEX_VALUE = np.full(256, 255, dtype=np.uint8)
_HEX_VALUE[np.frombuffer(b"0123456789", dtype=np.uint8)] = np.arange(10)
_HEX_VALUE[np.frombuffer(b"abcdef", dtype=np.uint8)] = np.arange(10, 16)
_HEX_VALUE[np.frombuffer(b"ABCDEF", dtype=np.uint8)] = np.arange(10, 16)


def to_arrow_strings(values: object, name: str) -> pa.Array:
    """Convert pandas values (Index, array or Series) to one pyarrow string array.

    Raises
    ------
    TypeError
        If the values are not strings, naming the input ``name``.
    """
    try:
        array = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise TypeError(
            f"{name} must contain strings or missing values, but pyarrow could not convert "
            f"it to strings: {error}"
        ) from None

    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if array.null_count == len(array):
        return pa.nulls(len(array), type=pa.large_string())
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        raise TypeError(
            f"{name} must contain strings or missing values, got values of type "
            f"{array.type}. Convert it with .astype('str') first"
        )
    return array.cast(pa.large_string())


def factorize_strings(series: pd.Series, name: str) -> tuple[np.ndarray, pa.Array]:
    """Return the code of every row (-1 when missing) and the distinct strings.

    A categorical Series is not hashed again: its codes and categories are used as
    they are, so unused categories appear among the distinct strings.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy().astype(np.intp, copy=False)
        return codes, to_arrow_strings(series.cat.categories, name)

    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes.astype(np.intp, copy=False), to_arrow_strings(uniques, name)


def factorize_rows(
    series: pd.Series, rows: np.ndarray, name: str
) -> tuple[np.ndarray, pa.Array]:
    """Factorize ``series`` at positions ``rows`` only, with code -1 when missing."""
    if not isinstance(series.dtype, pd.CategoricalDtype):
        return factorize_strings(series.iloc[rows], name)

    category_codes = series.cat.codes.to_numpy()[rows].astype(np.intp, copy=False)
    n_categories = len(series.cat.categories)
    present = np.zeros(n_categories + 1, dtype=bool)
    present[category_codes] = True  # code -1 marks the extra last slot
    used = np.flatnonzero(present[:n_categories])

    local_code = np.full(n_categories + 1, -1, dtype=np.intp)
    local_code[used] = np.arange(used.size)
    uniques = to_arrow_strings(series.cat.categories, name).take(used)
    return local_code[category_codes], uniques


def take_or_fill(values: np.ndarray, codes: np.ndarray, fill: object) -> np.ndarray:
    """Return ``values[codes]`` with ``fill`` wherever a code is -1."""
    extended = np.append(values, np.asarray(fill, dtype=values.dtype))
    return extended[codes]


def extract_group(strings: pa.Array, pattern: str, group: str) -> pa.Array:
    """Return one named group of ``pattern`` per string, null where it does not match."""
    extracted = pc.extract_regex(strings, pattern)
    return pc.if_else(extracted.is_valid(), extracted.field(group), None)


def to_bool(array: pa.Array) -> np.ndarray:
    """Convert a pyarrow boolean array to NumPy, reading nulls as False."""
    return pc.fill_null(array, False).to_numpy(zero_copy_only=False)


def replace_where(
    strings: pa.Array, mask: pa.Array, pattern: str, replacement: str
) -> pa.Array:
    """Run a regex replacement only on the rows where ``mask`` is true."""
    mask = pc.fill_null(mask, False)
    if not pc.any(mask).as_py():
        return strings

    replaced = pc.replace_substring_regex(strings.filter(mask), pattern, replacement)
    return pc.replace_with_mask(strings, mask, replaced)


def decode_percent_escapes(strings: pa.Array) -> pa.Array:
    """Percent-decode strings with NumPy, the column form of ``decode_path_segments``.

    ``%2F`` stays encoded (written in upper case) so that segments keep their
    boundaries. A ``%`` without two hex digits after it stays as it is. Rows whose
    decoded bytes are not valid UTF-8 are decoded in Python with U+FFFD replacement,
    one call per such row.
    """
    strings = strings.cast(pa.large_string())
    if strings.null_count:
        raise ValueError("decode_percent_escapes needs an array without nulls")
    if len(strings) == 0:
        return strings

    offsets, data = _string_buffers(strings)
    escapes, values = _find_escapes(data, offsets)
    escape_rows = np.searchsorted(offsets, escapes, "right") - 1
    decoded = _apply_escapes(data, offsets, escapes, values, escape_rows)
    try:
        return decoded.cast(pa.large_string())
    except pa.ArrowInvalid:
        repair = np.zeros(len(strings), dtype=bool)
        repair[escape_rows[values >= 128]] = True
        return _repair_utf8(decoded, repair)


def _string_buffers(strings: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Return the offsets (starting at 0) and UTF-8 bytes of a large_string array."""
    first = strings.offset
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int64)
    offsets = offsets[first : first + len(strings) + 1]
    data = np.frombuffer(strings.buffers()[2], dtype=np.uint8)
    data = data[offsets[0] : offsets[-1]]
    return offsets - offsets[0], data


def _find_escapes(
    data: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the positions of ``%XX`` escapes inside one string and their bytes."""
    candidates = np.flatnonzero(data == ord("%"))
    candidates = candidates[candidates + 2 < data.size]
    high = _HEX_VALUE[data[candidates + 1]]
    low = _HEX_VALUE[data[candidates + 2]]
    row_end = offsets[np.searchsorted(offsets, candidates, "right")]
    valid = (high != 255) & (low != 255) & (candidates + 2 < row_end)

    escapes = candidates[valid]
    return escapes, (high[valid] << 4) | low[valid]


def _apply_escapes(
    data: np.ndarray,
    offsets: np.ndarray,
    escapes: np.ndarray,
    values: np.ndarray,
    escape_rows: np.ndarray,
) -> pa.Array:
    """Write each escape's byte in place of its ``%`` and drop its two hex digits."""
    slash = values == ord("/")
    decoded = escapes[~slash]
    output = data.copy()
    output[decoded] = values[~slash]
    output[escapes[slash] + 2] = ord("F")  # %2f becomes %2F, as in the Python decoder

    keep = np.ones(data.size, dtype=bool)
    keep[decoded + 1] = False
    keep[decoded + 2] = False
    n_rows = len(offsets) - 1
    dropped_per_row = 2 * np.bincount(escape_rows[~slash], minlength=n_rows)
    new_offsets = offsets - np.concatenate([[0], np.cumsum(dropped_per_row)])

    buffers = [None, pa.py_buffer(new_offsets), pa.py_buffer(output[keep])]
    return pa.LargeBinaryArray.from_buffers(pa.large_binary(), n_rows, buffers)


def _repair_utf8(decoded: pa.Array, repair: np.ndarray) -> pa.Array:
    """Cast bytes to strings, replacing invalid UTF-8 in ``repair`` rows with U+FFFD."""
    rows = np.flatnonzero(repair)
    repaired = [
        value.decode("utf-8", "replace").encode("utf-8")
        for value in decoded.take(rows).to_pylist()
    ]
    replacement = pa.array(repaired, type=pa.large_binary())
    fixed = pc.replace_with_mask(decoded, pa.array(repair), replacement)
    return fixed.cast(pa.large_string())


def parse_ids(digits: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Parse decimal strings into int64 content ids.

    Returns the values and a validity mask. Missing or empty strings and strings of
    more than ``MAX_ID_DIGITS`` digits are invalid. The caller guarantees that every
    non-empty string consists of ASCII digits.
    """
    lengths = pc.fill_null(pc.utf8_length(digits), 0).to_numpy(zero_copy_only=False)
    valid = (lengths >= 1) & (lengths <= MAX_ID_DIGITS)
    values = np.zeros(len(digits), dtype=np.int64)
    if valid.any():
        kept = digits.filter(pa.array(valid))
        values[valid] = pc.cast(kept, pa.int64()).to_numpy(zero_copy_only=False)
    return values, valid


def decode_tiny_links(codes: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Decode tiny-link codes to content ids with NumPy, the column form of
    ``decode_tiny_link``.

    Returns the values and a validity mask. A code that ``decode_tiny_link`` rejects
    is invalid here.
    """
    lengths = pc.fill_null(pc.utf8_length(codes), 0).to_numpy(zero_copy_only=False)
    valid = (lengths >= 1) & (lengths <= 11) & (lengths % 4 != 1)
    values = np.zeros(len(codes), dtype=np.int64)
    rows = np.flatnonzero(valid)
    if rows.size == 0:
        return values, valid

    sextets, in_alphabet = _code_sextets(codes.take(rows))
    decoded_bytes = _sextets_to_bytes(sextets, lengths[rows])
    content_ids = np.zeros(rows.size, dtype=np.uint64)
    for position in range(8):
        content_ids |= decoded_bytes[:, position].astype(np.uint64) << np.uint64(
            8 * position
        )

    fits = (decoded_bytes[:, 7] < 128) & (content_ids > 0) & in_alphabet
    values[rows[fits]] = content_ids[fits].astype(np.int64)
    valid[rows] = fits
    return values, valid


def _code_sextets(codes: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Return the base64 values of codes right-padded with ``A`` (zero bits)."""
    padded = pc.utf8_rpad(codes, width=_TINY_WIDTH, padding="A")
    fixed = padded.cast(pa.binary(_TINY_WIDTH))
    start = fixed.offset * _TINY_WIDTH
    raw = np.frombuffer(fixed.buffers()[1], dtype=np.uint8)
    characters = raw[start : start + len(fixed) * _TINY_WIDTH].reshape(-1, _TINY_WIDTH)

    sextets = _SEXTET_OF_BYTE[characters]
    return sextets.astype(np.uint32), (sextets != 255).all(axis=1)


def _sextets_to_bytes(sextets: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Turn four sextets into three bytes, dropping the bits past the last full byte."""
    quads = sextets.reshape(len(sextets), _TINY_WIDTH // 4, 4)
    words = (
        (quads[..., 0] << 18)
        | (quads[..., 1] << 12)
        | (quads[..., 2] << 6)
        | quads[..., 3]
    )
    triples = np.stack([(words >> 16) & 255, (words >> 8) & 255, words & 255], axis=-1)
    decoded = triples.reshape(len(sextets), -1).astype(np.uint8)

    # Base64 decoders drop the leftover bits of a last, incomplete byte.
    full_bytes = (6 * lengths) // 8
    decoded[np.arange(decoded.shape[1]) >= full_bytes[:, None]] = 0
    return decoded
