"""Integer codes for normalised space keys, shared by path and query extraction."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from uba.urls._arrow import take_or_fill
from uba.urls._text import normalize_space_key


class SpaceKeyCodes:
    """Vocabulary of normalised space keys, where code -1 is a missing key.

    Raw keys are decoded and normalised once per distinct raw value, so that
    ``ds``, ``DS`` and ``%44S`` share one code.
    """

    def __init__(self) -> None:
        self._code_of_key: dict[str, int] = {}

    def encode(self, raw_keys: pa.Array, decode: Callable[[str], str]) -> np.ndarray:
        """Return the code of every raw key, or -1 for a missing or invalid key.

        Parameters
        ----------
        raw_keys : pyarrow.Array
            Keys as cut from a path or query string.
        decode : callable
            Turns one raw key into text, e.g. by percent-decoding it.
        """
        encoded = pc.dictionary_encode(raw_keys)
        distinct = encoded.dictionary.to_pylist()
        code_of_distinct = np.array(
            [self._code(normalize_space_key(decode(text))) for text in distinct],
            dtype=np.int32,
        )

        indices = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
        return take_or_fill(code_of_distinct, indices.astype(np.intp), -1)

    def to_categorical(self, codes: np.ndarray) -> pd.Categorical:
        """Build the ``space_key`` column, with the keys sorted as categories."""
        keys = sorted(self._code_of_key)
        new_code_of_old = np.empty(len(keys), dtype=np.int32)
        for new_code, key in enumerate(keys):
            new_code_of_old[self._code_of_key[key]] = new_code

        sorted_codes = take_or_fill(new_code_of_old, codes.astype(np.intp), -1)
        categories = pd.Index(keys, dtype="str")
        return pd.Categorical.from_codes(sorted_codes, categories=categories)

    def _code(self, key: str | None) -> int:
        if key is None:
            return -1
        return self._code_of_key.setdefault(key, len(self._code_of_key))
