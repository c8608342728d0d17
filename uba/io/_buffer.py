"""Read log files in bounded chunks of whole lines, plain or gzip-compressed.

Each chunk is one padded ``uint8`` buffer plus the start and end offset of every line
in it, so that the parsers can work on byte offsets with numpy instead of looping
over lines in Python.
"""

import gzip
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from uba.exceptions import LogFormatError

# Bytes of file read per chunk. Small enough that the per-chunk arrays stay in the
# CPU caches, large enough that per-chunk overhead stays small.
CHUNK_BYTES = 8 * 2**20

# Zero bytes before and after the data, so that 8-byte gathers near a line's ends
# never leave the buffer.
PAD = 32

_GZIP_MAGIC = b"\x1f\x8b"
_INVALID_BYTES = re.compile("[\udc80-\udcff]+")


@dataclass
class Chunk:
    """Whole lines of one file.

    Attributes
    ----------
    buf : numpy.ndarray of uint8
        The lines' bytes, with ``PAD`` zero bytes before and after.
    arrow_buf : pyarrow.Buffer
        The same memory, for building Arrow arrays that point into it.
    starts, ends : numpy.ndarray of int64
        Offset in ``buf`` of the first byte of each line, and of the byte after
        its last one; line ends (``\\n``, ``\\r\\n``) are excluded.
    first_line : int
        1-based line number of the first line.
    replaced : numpy.ndarray of bool
        True for the lines whose invalid UTF-8 bytes were replaced by U+FFFD.
    bytes_done : int
        Bytes of the file on disk consumed so far, for progress reports.
    truncated : bool
        True on the last chunk of a gzip file that ends before its end-of-stream
        marker, for example one still being written; the lines after the cut are
        lost.
    trailing_bytes : int
        On the last chunk of a gzip file, the bytes after its last complete member
        that start no new member, such as zero padding. They are ignored, as
        ``zcat`` ignores them.
    cut_lines : int
        On the last chunk of a gzip file that ends early in the middle of a line,
        1 for that incomplete line, which is not among the chunk's lines.
    """

    buf: np.ndarray
    arrow_buf: pa.Buffer
    starts: np.ndarray
    ends: np.ndarray
    first_line: int
    replaced: np.ndarray
    bytes_done: int
    truncated: bool = False
    trailing_bytes: int = 0
    cut_lines: int = 0

    @property
    def n_lines(self):
        """Number of lines in the chunk."""
        return len(self.starts)

    def line_numbers(self, rows):
        """Return the 1-based file line numbers of the rows ``rows``."""
        return self.first_line + np.asarray(rows, dtype=np.int64)

    def line_text(self, row):
        """Return the text of one line, decoded with replacement."""
        raw = self.buf[self.starts[row] : self.ends[row]].tobytes()
        return raw.decode("utf-8", errors="replace")

    def lines_array(self, rows):
        """Return the lines ``rows`` as a ``pyarrow.string`` array."""
        rows = np.asarray(rows, dtype=np.int64)
        views = string_views(
            self.buf, self.arrow_buf, self.starts[rows], self.ends[rows]
        )
        return views.cast(pa.string())


def is_gzip(path):
    """Tell whether a file starts with the gzip magic bytes."""
    with open(path, "rb") as handle:
        return handle.read(2) == _GZIP_MAGIC


def open_log(path):
    """Open a log file for binary reading, decompressing gzip transparently.

    Returns
    -------
    stream : file object
        The (decompressed) bytes.
    raw : file object
        The file on disk, whose position measures progress.
    """
    raw = open(path, "rb")
    if raw.read(2) == _GZIP_MAGIC:
        raw.seek(0)
        return _GzipStream(raw), raw
    raw.seek(0)
    return raw, raw


class _GzipStream:
    """Decompress a gzip file, keeping every byte before a cut or damage.

    :class:`gzip.GzipFile` drops the data it decompressed in a call that reaches a
    cut, so a file still being compressed would read as nothing. This reader feeds
    ``zlib`` itself, returns all complete data, then raises :class:`EOFError` at the
    cut. Files of several gzip members, as ``cat a.gz b.gz`` writes, read as one.
    """

    _RAW_BLOCK = 2**20

    def __init__(self, raw):
        self._raw = raw
        self._decompressor = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
        self._pending = b""
        self._finished = False
        self._after_member = False
        self.trailing_bytes = 0

    def readinto(self, view):
        while len(self._pending) < len(view) and not self._finished:
            self._decompress_block()
        n_read = min(len(view), len(self._pending))
        view[:n_read] = self._pending[:n_read]
        self._pending = self._pending[n_read:]
        if n_read == 0 and self._finished == "cut":
            raise EOFError("gzip file ends before its end-of-stream marker")
        return n_read

    def _decompress_block(self):
        data = self._decompressor.unused_data or self._raw.read(self._RAW_BLOCK)
        if not data:
            self._finished = True if self._decompressor.eof else "cut"
            return
        if self._decompressor.eof:
            if len(data) < len(_GZIP_MAGIC):
                data += self._raw.read(len(_GZIP_MAGIC) - len(data))
            if not data.startswith(_GZIP_MAGIC):
                self._skip_trailing_bytes(data)
                return
            # The next member of a multi-member file starts here.
            self._decompressor = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
            self._after_member = True
        try:
            self._pending += self._decompressor.decompress(data)
        except zlib.error:
            # A damaged later member ends the file like a cut and keeps the members
            # before it. Damage in the first member makes the file unreadable.
            if not self._after_member:
                raise
            self._finished = "cut"

    def _skip_trailing_bytes(self, data):
        """Count the bytes from ``data`` to the end of the file, and stop there."""
        position = self._raw.tell()
        end = self._raw.seek(0, 2)
        self.trailing_bytes = len(data) + end - position
        self._finished = True

    def close(self):
        self._raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def read_head_bytes(path, max_bytes):
    """Return up to ``max_bytes`` decompressed bytes from the start of a file."""
    return _read_head_bytes(path, max_bytes)[0]


def _read_head_bytes(path, max_bytes):
    """Return (up to ``max_bytes`` bytes, whether a gzip file ended early)."""
    stream, raw = open_log(path)
    data = bytearray()
    truncated = False
    with raw, stream:
        while len(data) < max_bytes:
            block = bytearray(min(2**16, max_bytes - len(data)))
            n_read, truncated = _read_into(stream, memoryview(block), path)
            if n_read == 0:
                break
            data += block[:n_read]
    return bytes(data), truncated


def read_head(path, max_lines=200, max_bytes=2**20):
    """Return up to ``max_lines`` non-empty lines from the start of a file.

    Bytes that are not valid UTF-8 are replaced; line ends are removed.
    """
    data, truncated = _read_head_bytes(path, max_bytes)
    if len(data) == max_bytes and b"\n" in data:
        data = data[: data.rfind(b"\n")]
    elif truncated:
        # The line at the cut of a gzip file is incomplete, so detection ignores it.
        data = data[: data.rfind(b"\n") + 1]
    lines = data.decode("utf-8", errors="replace").split("\n")
    stripped = (line.rstrip("\r") for line in lines)
    return [line for line in stripped if line.strip()][:max_lines]


def iter_chunks(path, chunk_bytes=None):
    """Yield the lines of a file as :class:`Chunk` objects.

    A chunk ends at a newline; a line longer than ``chunk_bytes`` makes its chunk
    larger. The last line needs no final newline.
    """
    chunk_bytes = chunk_bytes or CHUNK_BYTES
    stream, raw = open_log(path)
    with raw, stream:
        carry = b""
        next_line = 1
        while True:
            buf = np.zeros(len(carry) + chunk_bytes + 2 * PAD, dtype=np.uint8)
            buf[PAD : PAD + len(carry)] = np.frombuffer(carry, dtype=np.uint8)
            view = memoryview(buf)[PAD + len(carry) : PAD + len(carry) + chunk_bytes]
            n_read, truncated = _read_into(stream, view, path)
            size = len(carry) + n_read
            at_end = n_read == 0
            body = buf[PAD : PAD + size]
            newlines = np.flatnonzero(body == 10)
            if not at_end:
                if len(newlines) == 0:
                    carry = body.tobytes()
                    continue
                cut = int(newlines[-1]) + 1
                carry = body[cut:].tobytes()
                buf[PAD + cut : PAD + size] = 0
                size = cut
            trailing_bytes = getattr(stream, "trailing_bytes", 0) if at_end else 0
            if truncated and size:
                # Only the incomplete line at the cut is left, so it is counted, not
                # parsed.
                yield _empty_chunk(
                    next_line, raw.tell(), truncated, trailing_bytes, cut_lines=1
                )
            elif size:
                chunk = _make_chunk(buf, size, newlines + PAD, next_line, raw.tell())
                chunk.truncated = truncated
                chunk.trailing_bytes = trailing_bytes
                next_line += chunk.n_lines
                yield chunk
            elif truncated or trailing_bytes:
                yield _empty_chunk(next_line, raw.tell(), truncated, trailing_bytes)
            if at_end:
                return


def _read_into(stream, view, path):
    """Fill ``view`` from ``stream``; return (bytes read, whether the gzip was cut).

    A gzip file that ends early, as one still being compressed does, reads as its
    complete part followed by the end of data. Any other decompression failure is a
    file that cannot be read at all.
    """
    try:
        return stream.readinto(view), False
    except EOFError:
        return 0, True
    except (gzip.BadGzipFile, zlib.error) as error:
        raise LogFormatError(
            f"{path}: not a readable gzip file ({error}). Check that the file is "
            "complete and really gzip-compressed, or leave it out."
        ) from error


def _empty_chunk(first_line, bytes_done, truncated, trailing_bytes, cut_lines=0):
    empty = np.zeros(2 * PAD, dtype=np.uint8)
    no_lines = np.empty(0, dtype=np.int64)
    return Chunk(
        empty,
        pa.py_buffer(empty),
        no_lines,
        no_lines,
        first_line,
        np.zeros(0, dtype=bool),
        bytes_done,
        truncated=truncated,
        trailing_bytes=trailing_bytes,
        cut_lines=cut_lines,
    )


def _make_chunk(buf, size, newlines, first_line, bytes_done):
    end_of_data = PAD + size
    if (buf[PAD:end_of_data] >= 0x80).any():
        buf, size, newlines, replaced_at = _repair_chunk(buf, size)
        end_of_data = PAD + size
    else:
        replaced_at = []

    newlines = newlines[newlines < end_of_data]
    if len(newlines) == 0 or newlines[-1] != end_of_data - 1:
        newlines = np.append(newlines, end_of_data)
    starts = np.empty(len(newlines), dtype=np.int64)
    starts[0] = PAD
    starts[1:] = newlines[:-1] + 1
    ends = newlines.astype(np.int64)
    carriage = (ends > starts) & (buf[ends - 1] == 13)
    ends -= carriage

    replaced = np.zeros(len(starts), dtype=bool)
    if replaced_at:
        rows = np.searchsorted(newlines, np.asarray(replaced_at) + PAD)
        replaced[rows] = True
    return Chunk(buf, pa.py_buffer(buf), starts, ends, first_line, replaced, bytes_done)


def _repair_chunk(buf, size):
    """Re-encode a chunk that contains non-ASCII bytes; see ``_repair_utf8``."""
    data, replaced_at = _repair_utf8(buf[PAD : PAD + size].tobytes())
    if not replaced_at:
        newlines = np.flatnonzero(buf[PAD : PAD + size] == 10) + PAD
        return buf, size, newlines, []
    repaired = np.zeros(len(data) + 2 * PAD, dtype=np.uint8)
    repaired[PAD : PAD + len(data)] = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(repaired[PAD : PAD + len(data)] == 10) + PAD
    return repaired, len(data), newlines, replaced_at


def _repair_utf8(data):
    """Replace invalid UTF-8 sequences by U+FFFD.

    Returns the repaired bytes and the byte offsets (in the repaired bytes) of the
    replacements, so the caller can find the lines that had them.
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return data, []

    text = data.decode("utf-8", errors="surrogateescape")
    pieces = []
    positions = []
    length = 0
    previous = 0
    for match in _INVALID_BYTES.finditer(text):
        good = text[previous : match.start()].encode("utf-8")
        pieces.append(good)
        length += len(good)
        positions.append(length)
        pieces.append("\ufffd".encode("utf-8"))
        length += 3
        previous = match.end()
    pieces.append(text[previous:].encode("utf-8"))
    return b"".join(pieces), positions


def u64_at(buf):
    """Return a view that reads the 8 bytes starting at any offset as one uint64."""
    return np.ndarray(shape=(len(buf) - 7,), dtype="<u8", buffer=buf.data, strides=(1,))


# _LOW_BYTES[k] keeps the k low-order bytes of a little-endian uint64.
_LOW_BYTES = np.array(
    [(1 << (8 * k)) - 1 for k in range(8)] + [0xFFFFFFFFFFFFFFFF], dtype=np.uint64
)


def string_views(buf, arrow_buf, starts, ends, valid=None):
    """Build a ``pyarrow.string_view`` array that points into ``buf``.

    Parameters
    ----------
    buf : numpy.ndarray of uint8
        Padded buffer (see ``PAD``) holding valid UTF-8 at the spans.
    arrow_buf : pyarrow.Buffer
        The same memory as an Arrow buffer.
    starts, ends : numpy.ndarray of int64
        Byte span of each string; ``ends >= starts``.
    valid : numpy.ndarray of bool, optional
        False marks a null.

    Returns
    -------
    pyarrow.Array
        Array of type ``string_view``. Following the Arrow layout, strings of up to
        12 bytes are stored inline in the 16-byte view and longer ones keep a 4-byte
        prefix plus their offset in ``arrow_buf``.
    """
    n = len(starts)
    lengths = ends - starts
    gather = u64_at(buf)

    views = np.empty((n, 2), dtype=np.uint64)
    low = views[:, 0]
    np.bitwise_and(gather[starts], _LOW_BYTES[np.minimum(lengths, 4)], out=low)
    np.left_shift(low, np.uint64(32), out=low)
    np.bitwise_or(low, lengths.astype(np.uint64), out=low)

    high = views[:, 1]
    np.left_shift(starts.astype(np.uint64), np.uint64(32), out=high)
    short = np.flatnonzero(lengths <= 12)
    inline = gather[starts[short] + 4] & _LOW_BYTES[(lengths[short] - 4).clip(0, 8)]
    high[short] = inline

    validity = None
    null_count = 0
    if valid is not None and not valid.all():
        validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
        null_count = int(n - np.count_nonzero(valid))
    return pa.Array.from_buffers(
        pa.string_view(),
        n,
        [validity, pa.py_buffer(views), arrow_buf],
        null_count=null_count,
    )


def concat_string_arrays(arrays):
    """Copy the values of several string arrays into one padded buffer.

    Parameters
    ----------
    arrays : list of pyarrow.StringArray
        Arrays of equal length (regex groups of the same lines).

    Returns
    -------
    buf : numpy.ndarray of uint8
        Padded buffer holding every value.
    spans : list of (starts, ends)
        Byte span of each value in ``buf``, one pair per input array.
    """
    pieces = [np.zeros(PAD, dtype=np.uint8)]
    spans = []
    base = PAD
    for array in arrays:
        array = array.cast(pa.large_string())
        offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)
        offsets = offsets[array.offset : array.offset + len(array) + 1]
        data = array.buffers()[2]
        values = (
            np.frombuffer(data, dtype=np.uint8)
            if data is not None
            else np.empty(0, np.uint8)
        )
        values = values[offsets[0] : offsets[-1]]
        spans.append(
            (offsets[:-1] - offsets[0] + base, offsets[1:] - offsets[0] + base)
        )
        pieces.append(values)
        base += len(values)
    pieces.append(np.zeros(PAD, dtype=np.uint8))
    return np.concatenate(pieces), spans


def file_size(path):
    """Return the size of a file on disk in bytes."""
    return Path(path).stat().st_size
