"""Vectorised decoders that turn byte spans of a chunk into column values.

Every decoder takes a padded ``uint8`` buffer and the ``starts``/``ends`` offsets of
one field in each row, and returns the values plus a boolean array that is False
where the text is not a valid value.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from uba.io._buffer import string_views, u64_at

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_CODES = np.array(
    [ord(m[0]) | ord(m[1]) << 8 | ord(m[2]) << 16 for m in _MONTHS], dtype=np.int64
)
_MONTH_ORDER = np.argsort(_MONTH_CODES)
_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])

# Width of the Common Log Format time "[dd/MMM/yyyy:HH:mm:ss +hhmm]".
CLF_TIME_WIDTH = 28

_MAX_DIGITS = 16
_DASH = ord("-")


def _repeat(byte):
    return np.uint64(int.from_bytes(bytes([byte]) * 8, "little"))


# Byte-wise constants for the SIMD-within-a-register helpers below.
_LOW_BYTES = np.array(
    [(1 << (8 * k)) - 1 for k in range(8)] + [0xFFFFFFFFFFFFFFFF], dtype=np.uint64
)
_ZEROS = _repeat(0x30)
_SIXES = _repeat(0x06)
_HIGH_NIBBLES = _repeat(0xF0)
_HIGH_BITS = _repeat(0x80)
_BELOW_A = _repeat(0x80 - 0x41)
_ABOVE_Z = _repeat(0x80 - 0x5B)
_PAIR_MASK = np.uint64(0x00FF00FF00FF00FF)
_QUAD_MASK = np.uint64(0x0000FFFF0000FFFF)
_HTTP_SLASH = np.uint64(int.from_bytes(b"HTTP/", "little"))


def byte_matrix(buf, starts, width):
    """Gather ``width`` bytes (a multiple of 8) from each start into an (n, width)
    uint8 matrix."""
    gather = u64_at(buf)
    words = np.empty((len(starts), width // 8), dtype=np.uint64)
    for k in range(width // 8):
        words[:, k] = gather[starts + 8 * k]
    return words.view(np.uint8).reshape(len(starts), width)


def is_dash(buf, starts, ends):
    """Return True where the span is exactly ``-``."""
    return ((ends - starts) == 1) & (buf[starts] == _DASH)


def _swar_digits(words, n_digits):
    """Check and convert right-aligned ASCII digits held in little-endian uint64s.

    ``words`` hold 8 bytes each, the last character in the most significant byte;
    ``n_digits`` (0 to 8) of them, counted from the right, are digits and the rest
    is ignored. This is the usual SIMD-within-a-register decimal parse: pairs,
    then quads, then the full 8 digits are combined by multiply and shift.
    """
    ignored = _LOW_BYTES[8 - n_digits]
    words = (words & ~ignored) | (_ZEROS & ignored)
    valid = (words & _HIGH_NIBBLES) == _ZEROS
    valid &= ((words + _SIXES) & _HIGH_NIBBLES) == _ZEROS
    words = words - _ZEROS
    words = ((words * np.uint64(10 * 256 + 1)) >> np.uint64(8)) & _PAIR_MASK
    words = ((words * np.uint64(100 * 65536 + 1)) >> np.uint64(16)) & _QUAD_MASK
    words = (words * np.uint64(10000 * 2**32 + 1)) >> np.uint64(32)
    return words.astype(np.int64), valid


def parse_unsigned(buf, starts, ends):
    """Parse spans of 1 to 16 ASCII digits.

    Returns
    -------
    values : numpy.ndarray of int64
        Parsed numbers; 0 where invalid.
    valid : numpy.ndarray of bool
    """
    lengths = ends - starts
    valid = (lengths >= 1) & (lengths <= _MAX_DIGITS)
    gather = u64_at(buf)
    low, low_ok = _swar_digits(gather[ends - 8], np.clip(lengths, 0, 8))
    valid &= low_ok
    if len(lengths) and lengths.max() > 8:
        high, high_ok = _swar_digits(gather[ends - 16], np.clip(lengths - 8, 0, 8))
        low = low + high * 100_000_000
        valid &= high_ok
    return np.where(valid, low, 0), valid


def is_upper_word(buf, starts, ends):
    """True where the span is 1 to 8 bytes of ``A``-``Z``."""
    lengths = ends - starts
    keep = _LOW_BYTES[np.clip(lengths, 0, 8)]
    words = u64_at(buf)[starts] & keep
    high_bits = _HIGH_BITS & keep
    valid = (words & _HIGH_BITS) == 0
    valid &= ((words + _BELOW_A) & high_bits) == high_bits
    valid &= ((words + _ABOVE_Z) & high_bits) == 0
    return valid & (lengths >= 1) & (lengths <= 8)


def is_http_version(buf, starts, ends):
    """True where the span is ``HTTP/d.d``."""
    words = u64_at(buf)[starts]
    prefix = (words & _LOW_BYTES[5]) == _HTTP_SLASH
    digits = words >> np.uint64(40)
    major = (digits & np.uint64(0xFF)) - np.uint64(48)
    dot = (digits >> np.uint64(8)) & np.uint64(0xFF)
    minor = (digits >> np.uint64(16)) - np.uint64(48)
    valid = prefix & (major <= 9) & (dot == ord(".")) & (minor <= 9)
    return valid & (ends - starts == 8)


def parse_decimal(buf, starts, ends, dots):
    """Parse spans such as ``12`` or ``0.250`` into float64.

    ``dots`` is the sorted array of offsets of ``.`` in ``buf``.
    """
    at = np.searchsorted(dots, starts)
    dot = dots[np.minimum(at, len(dots) - 1)] if len(dots) else np.full_like(starts, -1)
    has_dot = (at < len(dots)) & (dot < ends)
    int_end = np.where(has_dot, dot, ends)

    whole, valid = parse_unsigned(buf, starts, int_end)
    fraction, fraction_valid = parse_unsigned(buf, int_end + 1, ends)
    scale = 10.0 ** (ends - int_end - 1).clip(0, _MAX_DIGITS)
    values = whole + np.where(has_dot, fraction / scale, 0.0)
    valid &= ~has_dot | fraction_valid
    return values, valid


def parse_status(buf, starts, ends):
    """Parse an HTTP status: three digits, 100 to 999."""
    digits = (u64_at(buf)[starts] & np.uint64(0xFFFFFF)).view(np.uint8)
    digits = digits.reshape(len(starts), 8)[:, :3].astype(np.int16) - 48
    valid = ((digits >= 0) & (digits <= 9)).all(axis=1) & (ends - starts == 3)
    values = digits[:, 0] * 100 + digits[:, 1] * 10 + digits[:, 2]
    valid &= values >= 100
    return np.where(valid, values, 0).astype(np.int16), valid


def parse_bytes(buf, starts, ends):
    """Parse ``%b``/``%B``: digits, or ``-`` for zero."""
    values, valid = parse_unsigned(buf, starts, ends)
    dash = is_dash(buf, starts, ends)
    return np.where(dash, 0, values), valid | dash


def _days_from_civil(year, month, day):
    """Days since 1970-01-01 of proleptic Gregorian dates (Hinnant's algorithm)."""
    year = year - (month <= 2)
    era = np.floor_divide(year, 400)
    year_of_era = year - era * 400
    shifted_month = (month + 9) % 12
    day_of_year = (153 * shifted_month + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _two_digits(matrix, column):
    tens = matrix[:, column].astype(np.int64) - 48
    ones = matrix[:, column + 1].astype(np.int64) - 48
    valid = (tens >= 0) & (tens <= 9) & (ones >= 0) & (ones <= 9)
    return tens * 10 + ones, valid


def _check_literals(matrix, literals):
    valid = np.ones(len(matrix), dtype=bool)
    for column, char in literals.items():
        valid &= matrix[:, column] == ord(char)
    return valid


def _month_numbers(matrix):
    codes = (
        matrix[:, 4].astype(np.int64)
        | matrix[:, 5].astype(np.int64) << 8
        | matrix[:, 6].astype(np.int64) << 16
    )
    sorted_codes = _MONTH_CODES[_MONTH_ORDER]
    where = np.searchsorted(sorted_codes, codes).clip(0, 11)
    valid = sorted_codes[where] == codes
    return _MONTH_ORDER[where] + 1, valid


def valid_date(year, month, day):
    """Return True where ``day`` exists in ``month`` of ``year``."""
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days = _DAYS_IN_MONTH[(month - 1).clip(0, 11)] + ((month == 2) & leap)
    return (day >= 1) & (day <= days)


def parse_clf_time(buf, starts, ends):
    """Parse ``[dd/MMM/yyyy:HH:mm:ss +hhmm]`` spans (brackets included).

    Returns
    -------
    epoch_ns : numpy.ndarray of int64
        UTC time in nanoseconds since the epoch.
    offsets : numpy.ndarray of int16
        UTC offset written in the line, in minutes east of UTC.
    valid : numpy.ndarray of bool
    """
    matrix = byte_matrix(buf, starts, 32)
    valid = (ends - starts) == CLF_TIME_WIDTH
    valid &= _check_literals(
        matrix, {0: "[", 3: "/", 7: "/", 12: ":", 15: ":", 18: ":", 21: " ", 27: "]"}
    )
    sign = np.where(matrix[:, 22] == ord("-"), -1, 1)
    valid &= (matrix[:, 22] == ord("+")) | (matrix[:, 22] == ord("-"))

    day, ok_day = _two_digits(matrix, 1)
    month, ok_month = _month_numbers(matrix)
    century, ok_century = _two_digits(matrix, 8)
    year_in_century, ok_year = _two_digits(matrix, 10)
    hour, ok_hour = _two_digits(matrix, 13)
    minute, ok_minute = _two_digits(matrix, 16)
    second, ok_second = _two_digits(matrix, 19)
    offset_hours, ok_offset_hours = _two_digits(matrix, 23)
    offset_minutes, ok_offset_minutes = _two_digits(matrix, 25)
    year = century * 100 + year_in_century

    for ok in (ok_day, ok_month, ok_century, ok_year, ok_hour, ok_minute, ok_second,
               ok_offset_hours, ok_offset_minutes):
        valid &= ok
    valid &= valid_date(year, month, day)
    valid &= (hour <= 23) & (minute <= 59) & (second <= 59)
    valid &= (offset_hours <= 23) & (offset_minutes <= 59)

    offset = sign * (offset_hours * 60 + offset_minutes)
    local_seconds = _days_from_civil(year, month, day) * 86400 + (
        hour * 3600 + minute * 60 + second
    )
    epoch_ns = np.where(valid, (local_seconds - offset * 60) * 1_000_000_000, 0)
    return epoch_ns, np.where(valid, offset, 0).astype(np.int16), valid


def first_at_or_after(positions, starts, ends):
    """Return the first of the sorted ``positions`` inside each span, or -1."""
    if len(positions) == 0:
        return np.full(len(starts), -1, dtype=np.int64)
    at = np.searchsorted(positions, starts)
    found = positions[np.minimum(at, len(positions) - 1)]
    inside = (at < len(positions)) & (found < ends)
    return np.where(inside, found, -1)


def byte_positions(buf, value):
    """Return the sorted offsets of one byte value in ``buf``."""
    return np.flatnonzero(buf == value)


def dictionary_strings(buf, arrow_buf, starts, ends, valid=None):
    """Dictionary-encode the spans; ``valid`` False gives nulls."""
    views = string_views(buf, arrow_buf, starts, ends, valid)
    # Hashing a compact string array is faster than hashing the views.
    return pc.dictionary_encode(views.cast(pa.string()))


def dictionary_check(encoded, predicate):
    """Apply ``predicate`` to each distinct value; return a per-row bool array.

    Nulls count as valid.
    """
    values = encoded.dictionary.cast(pa.string()).to_pylist()
    good = np.array([predicate(value) for value in values] + [True], dtype=bool)
    indices = encoded.indices.fill_null(len(values)).to_numpy(zero_copy_only=False)
    return good[indices]
