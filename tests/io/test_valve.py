import re

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from uba.io import KNOWN_PATTERNS, compile_pattern
from uba.io._valve import PATTERN_ALIASES


@pytest.mark.parametrize("name", [*KNOWN_PATTERNS, *PATTERN_ALIASES])
def test_regexes_compile_in_re2_and_python(name):
    compiled = compile_pattern(name)
    for regex in (compiled.regex, compiled.strict_regex):
        re.compile(regex)
        pc.extract_regex(pa.array(["x"]), regex)


@pytest.mark.parametrize("name", list(KNOWN_PATTERNS))
def test_known_layouts_have_split_plan(name):
    assert compile_pattern(name).plan is not None


def test_xml_quote_entity_is_decoded():
    compiled = compile_pattern("%h &quot;%r&quot; %t")
    assert compiled.text == '%h "%r" %t'


def test_combined_alias_expands():
    compiled = compile_pattern("combined")
    roles = [field.role for field in compiled.fields]
    assert roles == [
        "remote_host", "drop", "remote_user", "time", "request", "status", "bytes",
        "referer", "user_agent",
    ]
    assert all(f.quoted for f in compiled.fields if f.role in ("referer", "user_agent"))


def test_url_path_and_query_merge():
    compiled = compile_pattern("%t %U%q %s")
    assert [field.role for field in compiled.fields] == ["time", "uri", "status"]


def test_joined_fields_have_no_split_plan():
    compiled = compile_pattern("%h:%p %t %r %s")
    assert compiled.plan is None
    assert re.match(compiled.regex, "198.51.100.4:8090 [03/Mar/2025:09:14:02 +0100] "
                                     "GET / HTTP/1.1 200")


def test_tomcat10_time_unit_forms():
    assert compile_pattern("%t %{ms}T").fields[1].scale == 1.0
    assert compile_pattern("%t %{us}T").fields[1].scale == 0.001
    assert compile_pattern("%t %T").fields[1].scale == 1000.0


@pytest.mark.parametrize(
    "pattern, message",
    [
        ("", "must not be empty"),
        ("%t %Z", "'%Z' is not a supported"),
        ("%t %{x}q", "is not an AccessLogValve code"),
        ("%t %{yyyy-MM-dd}t", "time format"),
        ("%h %r %s", "no %t field"),
        ("%t %{minutes}T", "unknown unit"),
    ],
)
def test_invalid_patterns_raise(pattern, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        compile_pattern(pattern)


def test_explain_mismatch_names_field():
    compiled = compile_pattern("stock")
    line = ("[03/Mar/2025:09:14:02 +0100] jdoe http-nio-8090-exec-1 203.0.113.17 "
            "GET / HTTP/1.1 2x0 5ms 10 - curl/8.5.0")
    assert compiled.explain_mismatch(line) == "expected the pattern field %s at character 84"
    assert compiled.explain_mismatch("garbage") == (
        "expected the pattern field %t at character 1"
    )
