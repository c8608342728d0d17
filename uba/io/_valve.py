"""Compile Tomcat ``AccessLogValve`` patterns into a regex and a split plan.

A pattern such as ``%t %{X-AUSERNAME}o %I %h %r %s %Dms %b %{Referer}i
%{User-Agent}i`` is parsed into literal text and fields. From that list two readers
are built:

* a regular expression with one named group per useful field, written in the syntax
  that both RE2 (``pyarrow.compute.extract_regex``) and Python :mod:`re` accept;
* a split plan for the vectorised reader. The line is cut at single spaces and a fixed
  number of tokens is taken from the left and from the right. At most one free-text
  field (normally the user agent) keeps whatever lies between them.
"""

import html
import re
from dataclasses import dataclass

# Patterns of the layouts that Confluence installs write, by format name.
KNOWN_PATTERNS = {
    "stock": "%t %{X-AUSERNAME}o %I %h %r %s %Dms %b %{Referer}i %{User-Agent}i",
    "proxy": (
        "%t %{X-Forwarded-For}i %{X-AUSERNAME}o %I %h %r %s %Dms %b %{Referer}i "
        "%{User-Agent}i"
    ),
    "kb2015": "%t %{X-AUSERNAME}o %{User-Agent}i %h %m %r %b %s %D %I",
    "docker": '%h %{X-AUSERNAME}o %t "%r" %s %b %D %U %I "%{User-Agent}i"',
}

# Other patterns read under a known format name. The example lines published with
# the 2015 knowledge-base recipe have no %D value between %s and %I.
PATTERN_VARIANTS = {
    "kb2015": ("%t %{X-AUSERNAME}o %{User-Agent}i %h %m %r %b %s %I",),
}

# Tomcat's shorthand names for two Apache layouts.
PATTERN_ALIASES = {
    "common": '%h %l %u %t "%r" %s %b',
    "combined": '%h %l %u %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"',
}

# Single-letter codes and the role their value plays; "drop" values are parsed
# and then discarded.
_CODE_ROLES = {
    "a": "remote_addr",
    "A": "drop",
    "b": "bytes",
    "B": "bytes",
    "D": "duration",
    "F": "drop",
    "h": "remote_host",
    "H": "drop",
    "I": "thread",
    "l": "drop",
    "L": "drop",
    "m": "method",
    "p": "drop",
    "q": "query",
    "r": "request",
    "s": "status",
    "S": "drop",
    "t": "time",
    "T": "duration",
    "u": "remote_user",
    "U": "url_path",
    "v": "drop",
    "X": "drop",
}

# Codes written as %{name}x.
_PARAM_CODES = {"a", "c", "i", "o", "p", "r", "s", "t", "T"}

# Headers with a meaning of their own; any other header is parsed and dropped.
_HEADER_ROLES = {
    ("o", "x-ausername"): "user",
    ("i", "x-forwarded-for"): "xff",
    ("i", "referer"): "referer",
    ("i", "user-agent"): "user_agent",
}

# Milliseconds per unit of %D and of the %{unit}T forms (Tomcat 10+).
_T_UNITS = {"s": 1000.0, "ms": 1.0, "us": 0.001, "fracsec": 1000.0}

# HTTP methods. RFC 9110 allows more characters ("tchar"), but letters alone keep
# a host or user name from being read as a method.
_METHOD = r"[A-Za-z_-]+"
_REGEX_SPECIAL = set("\\.^$|?*+()[]{}")

# Roles whose value becomes a column; the regex groups of other fields do not capture.
_CAPTURED_ROLES = {
    "time", "user", "remote_user", "xff", "remote_addr", "remote_host", "method",
    "url_path", "uri", "query", "status", "bytes", "duration", "referer",
    "user_agent",
}

_TOKEN_RE = re.compile(r"%(?:\{([^}]*)\})?(.)|([^%]+)")


@dataclass(frozen=True)
class _Field:
    """One ``%`` code of a pattern and how to read its value."""

    code: str
    param: str | None
    role: str
    group: str
    quoted: bool = False
    scale: float = 1.0


@dataclass(frozen=True)
class _Part:
    """A piece of one space-separated token: a field, or a part of one."""

    field: _Field
    part: str


@dataclass(frozen=True)
class _Token:
    """One space-separated token of the split plan."""

    prefix: str
    part: _Part | None
    suffix: str


@dataclass(frozen=True)
class SplitPlan:
    """Token layout used by the vectorised reader.

    Attributes
    ----------
    left : tuple of _Token
        Tokens counted from the start of the line.
    remainder : _Token or None
        The free-text token that may contain spaces; ``None`` when every token is
        counted.
    right : tuple of _Token
        Tokens counted from the end of the line, last token first.
    xff_index : int or None
        Index in ``left`` of the X-Forwarded-For token, whose comma-separated list
        may contain spaces.
    """

    left: tuple
    remainder: _Token | None
    right: tuple
    xff_index: int | None


@dataclass(frozen=True)
class ValvePattern:
    """A compiled ``AccessLogValve`` pattern.

    Attributes
    ----------
    text : str
        The pattern, with aliases expanded and XML entities decoded.
    fields : tuple of _Field
        Fields in the order they appear.
    regex : str
        Anchored regular expression, valid in RE2 and Python ``re``, in which
        free-text fields may contain spaces.
    strict_regex : str
        The same expression with every field but the split plan's remainder held to
        one token; it describes exactly the lines that the split plan reads.
    plan : SplitPlan or None
        Split plan, or ``None`` when the pattern joins two fields without a space
        between them in a way the plan cannot cut (such lines are read with
        ``regex``).
    items : tuple
        Literal strings and fields in pattern order.
    """

    text: str
    fields: tuple
    regex: str
    strict_regex: str
    plan: SplitPlan | None
    items: tuple = ()

    def field_for(self, role):
        """Return the first field with ``role``, or ``None``."""
        for field in self.fields:
            if field.role == role:
                return field
        return None

    def explain_mismatch(self, line):
        """Describe where ``line`` stops matching the pattern.

        Returns a short text naming the first field or literal that does not
        match and its 1-based character position.
        """
        remainder = _choose_remainder(self.fields)
        ends = [0]
        for count in range(1, len(self.items) + 1):
            prefix = _build_regex(list(self.items[:count]), False, remainder, False)
            found = re.match(prefix, line)
            if found is not None:
                ends.append(found.end())
                continue
            failed = count - 1
            # A literal that does not follow usually means the field before it
            # has the wrong shape, so name that field.
            if isinstance(self.items[failed], str) and failed > 0:
                failed -= 1
            item = self.items[failed]
            if isinstance(item, str):
                expected = f"the text {item!r}"
            else:
                expected = f"the pattern field {_field_text(item)}"
            return f"expected {expected} at character {ends[failed] + 1}"
        return f"unexpected text at character {ends[-1] + 1}"


def _field_text(field):
    if field.param is None:
        return "%" + field.code
    return "%{" + field.param + "}" + field.code


def _escape(text):
    return "".join("\\" + char if char in _REGEX_SPECIAL else char for char in text)


def _normalise(pattern):
    text = html.unescape(pattern.strip())
    return PATTERN_ALIASES.get(text, text)


def _make_field(param, code, index, pattern):
    group = f"f{index}"

    if param is not None:
        if code not in _PARAM_CODES:
            raise ValueError(
                f"pattern={pattern!r}: '%{{{param}}}{code}' is not an AccessLogValve "
                "code; check the pattern attribute in server.xml."
            )
        return _make_param_field(param, code, group, pattern)

    if code not in _CODE_ROLES:
        raise ValueError(
            f"pattern={pattern!r}: '%{code}' is not a supported AccessLogValve code; "
            f"supported codes are {', '.join('%' + c for c in sorted(_CODE_ROLES))} "
            "and the %{name}x forms."
        )
    scale = 1000.0 if code == "T" else 1.0
    return _Field(code, None, _CODE_ROLES[code], group, scale=scale)


def _make_param_field(param, code, group, pattern):
    if code == "t":
        # %{begin}t and %{end}t write the default CLF time; other forms use a
        # SimpleDateFormat string that this reader does not decode.
        if param.replace("begin", "").replace("end", "").strip(":") != "":
            raise ValueError(
                f"pattern={pattern!r}: the time format '%{{{param}}}t' is not "
                "supported; only %t, %{begin}t and %{end}t can be read."
            )
        return _Field(code, param, "time", group)

    if code == "T":
        if param not in _T_UNITS:
            raise ValueError(
                f"pattern={pattern!r}: '%{{{param}}}T' has an unknown unit; "
                f"expected one of {sorted(_T_UNITS)}."
            )
        return _Field(code, param, "duration", group, scale=_T_UNITS[param])

    if code == "a":
        return _Field(code, param, "remote_addr", group)

    role = _HEADER_ROLES.get((code, param.lower()), "header")
    if code == "p":
        role = "drop"
    return _Field(code, param, role, group)


def parse_pattern(pattern):
    """Split a valve pattern into literal strings and fields.

    Parameters
    ----------
    pattern : str
        Pattern as written in ``server.xml`` (``&quot;`` is accepted), or one of
        the aliases ``common`` and ``combined``.

    Returns
    -------
    text : str
        The normalised pattern.
    items : list
        Literal strings and :class:`_Field` objects, in order. ``%U%q`` is merged
        into one field with role ``uri``.

    Raises
    ------
    ValueError
        If the pattern is empty or uses a code that Tomcat does not define.
    """
    text = _normalise(pattern)
    if not text:
        raise ValueError("pattern='': an AccessLogValve pattern must not be empty.")

    items = []
    index = 0
    for match in _TOKEN_RE.finditer(text):
        param, code, literal = match.groups()
        if literal is not None:
            items.append(literal)
            continue
        if code == "%" and param is None:
            items.append("%")
            continue
        items.append(_make_field(param, code, index, text))
        index += 1

    items = _merge_uri_query(items)
    return text, _mark_quoted(items)


def _merge_uri_query(items):
    merged = []
    for item in items:
        previous = merged[-1] if merged else None
        if (
            isinstance(item, _Field)
            and item.role == "query"
            and isinstance(previous, _Field)
            and previous.role == "url_path"
        ):
            merged[-1] = _Field("U%q", None, "uri", previous.group)
            continue
        merged.append(item)
    return merged


def _mark_quoted(items):
    marked = []
    for position, item in enumerate(items):
        if isinstance(item, _Field):
            before = items[position - 1] if position > 0 else ""
            after = items[position + 1] if position + 1 < len(items) else ""
            quoted = (
                isinstance(before, str)
                and before.endswith('"')
                and isinstance(after, str)
                and after.startswith('"')
            )
            item = _Field(
                item.code, item.param, item.role, item.group, quoted, item.scale
            )
        marked.append(item)
    return marked


def _is_free(field):
    """Tell whether a field's value may contain spaces."""
    return field.role in {"user", "remote_user", "referer", "user_agent", "header"}


def _subpattern(field, strict, remainder, last):
    group = field.group
    role = field.role

    if role == "time":
        if strict:
            body = r"\[\d\d/[A-Za-z]{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\]"
        else:
            body = r"\[[^\]]*\]"
        return f"(?P<{group}>{body})"

    if role == "request":
        line = (
            f"(?P<{group}m>{_METHOD}) (?P<{group}u>\\S+) "
            f"(?P<{group}p>[A-Za-z]+/[0-9.]+)"
        )
        return f"(?:-|{line})"

    if role == "xff":
        # The strict form, used to detect layouts, takes IP addresses only, so a
        # user name with a space is not mistaken for an X-Forwarded-For value.
        address = r"[0-9A-Fa-f.:\[\]]+" if strict else "[^ ,]+"
        return f"(?P<{group}>-|{address}(?:, ?{address})*)"

    capture = f"?P<{group}>" if role in _CAPTURED_ROLES else "?:"
    if _is_free(field):
        return f"({capture}{_free_body(field, strict, remainder, last)})"

    return f"({capture}{_token_body(field, strict)})"


def _free_body(field, strict, remainder, last):
    if field.quoted:
        return r'(?:[^"\\]|\\.)*'
    if strict and not remainder:
        return r"\S+"
    return ".+" if last else ".+?"


def _token_body(field, strict):
    role = field.role
    if role == "status":
        return r"\d{3}" if strict else r"-|\d+"
    if role == "bytes":
        return r"\d+|-"
    if role == "duration":
        return r"\d+(?:\.\d+)?" if field.code == "T" else r"\d+"
    if role == "method":
        return _METHOD
    if role == "query":
        return r"(?:\?\S*)?"
    return r"\S+"


def _build_regex(items, strict, remainder_field, full=True):
    pieces = ["^"]
    last_field = max(
        (position for position, item in enumerate(items) if isinstance(item, _Field)),
        default=-1,
    )
    for position, item in enumerate(items):
        if isinstance(item, str):
            pieces.append(_escape(item))
            continue
        is_last = full and position == last_field
        pieces.append(_subpattern(item, strict, item is remainder_field, is_last))
    if full:
        pieces.append("$")
    return "".join(pieces)


def _atoms(items):
    """Expand fields into the parts that space-separated tokens contain."""
    atoms = []
    for item in items:
        if isinstance(item, str):
            atoms.extend(item)
        elif item.role == "time":
            atoms.extend([_Part(item, "date"), " ", _Part(item, "zone")])
        elif item.role == "request":
            atoms.extend(
                [_Part(item, "method"), " ", _Part(item, "uri"), " ",
                 _Part(item, "protocol")]
            )
        else:
            atoms.append(_Part(item, "value"))
    return atoms


def _tokenise(items):
    """Cut the pattern at literal spaces; return ``None`` when a token is not
    of the form literal + one field part + literal."""
    tokens = []
    current = []
    for atom in _atoms(items) + [" "]:
        if atom != " ":
            current.append(atom)
            continue
        token = _make_token(current)
        if token is None:
            return None
        tokens.append(token)
        current = []
    return tokens


def _make_token(atoms):
    parts = [position for position, atom in enumerate(atoms) if isinstance(atom, _Part)]
    if len(parts) > 1:
        return None
    if not parts:
        return _Token("".join(atoms), None, "")
    where = parts[0]
    return _Token("".join(atoms[:where]), atoms[where], "".join(atoms[where + 1 :]))


def _choose_remainder(fields):
    free = [field for field in fields if _is_free(field)]
    for field in free:
        if field.role == "user_agent":
            return field
    return None


def _build_plan(items, remainder_field):
    tokens = _tokenise(items)
    if tokens is None:
        return None

    if remainder_field is None:
        return _finish_plan(tuple(tokens), None, ())

    where = [
        position
        for position, token in enumerate(tokens)
        if token.part is not None and token.part.field is remainder_field
    ]
    position = where[0]
    left = tuple(tokens[:position])
    right = tuple(reversed(tokens[position + 1 :]))
    if any(token.part and token.part.field.role == "xff" for token in right):
        return None
    return _finish_plan(left, tokens[position], right)


def _finish_plan(left, remainder, right):
    xff_index = None
    for position, token in enumerate(left):
        if token.part is not None and token.part.field.role == "xff":
            xff_index = position
    return SplitPlan(left, remainder, right, xff_index)


def compile_pattern(pattern):
    """Compile an ``AccessLogValve`` pattern.

    Parameters
    ----------
    pattern : str
        Pattern as written in ``server.xml`` (``&quot;`` is accepted), one of the
        aliases ``common`` and ``combined``, or one of the format names
        ``stock``, ``proxy``, ``kb2015`` and ``docker``.

    Returns
    -------
    ValvePattern
        The regex, the split plan and the list of fields.

    Raises
    ------
    ValueError
        If the pattern is empty, uses a code that is not supported, or has no
        ``%t`` time field.

    Examples
    --------
    >>> compiled = compile_pattern("%h %t %r %s")
    >>> [field.role for field in compiled.fields]
    ['remote_host', 'time', 'request', 'status']
    """
    text, items = parse_pattern(KNOWN_PATTERNS.get(pattern.strip(), pattern))
    fields = tuple(item for item in items if isinstance(item, _Field))
    if not any(field.role == "time" for field in fields):
        raise ValueError(
            f"pattern={text!r} has no %t field, so its lines carry no time; "
            "add %t to the valve pattern or pass the pattern actually used."
        )

    remainder = _choose_remainder(fields)
    return ValvePattern(
        text=text,
        fields=fields,
        regex=_build_regex(items, False, remainder),
        strict_regex=_build_regex(items, True, remainder),
        plan=_build_plan(items, remainder),
        items=tuple(items),
    )
