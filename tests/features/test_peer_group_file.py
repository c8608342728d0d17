import re

import pytest

from uba.features import read_peer_groups


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "groups.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_reads_users_and_groups(tmp_path):
    path = write(tmp_path, "user,group\nalice,finance\nbob,engineering\n")

    assert read_peer_groups(path) == {"alice": "finance", "bob": "engineering"}


def test_header_order_case_and_extra_columns(tmp_path):
    text = '\ufeffGroup, User ,site\n"sales, north",carol,HQ\n\n  sales , dave ,HQ\n'
    path = write(tmp_path, text)

    assert read_peer_groups(path) == {"carol": "sales, north", "dave": "sales"}


def test_repeated_identical_row_allowed(tmp_path):
    path = write(tmp_path, "user,group\nalice,finance\nalice,finance\n")

    assert read_peer_groups(path) == {"alice": "finance"}


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the file is empty"),
        (
            "user,team\nalice,x\n",
            "line 1: the header ['user', 'team'] lacks the column(s) ['group']",
        ),
        ("user,group\n", "no user is listed"),
        (
            "user,group\nalice,finance\nbob\n",
            "line 3: expected 2 fields as in the header, found 1",
        ),
        ("user,group\n,finance\n", "line 2: the user is empty"),
        ("user,group\nalice, \n", "line 2: the group of user 'alice' is empty"),
        (
            "user,group\nalice,finance\nbob,sales\nalice,sales\n",
            (
                "line 4: user 'alice' is in group 'sales' here but in group "
                "'finance' on line 2"
            ),
        ),
    ],
)
def test_errors_name_file_and_line(tmp_path, text, message):
    path = write(tmp_path, text)

    with pytest.raises(ValueError, match=re.escape(f"{path}")) as error:
        read_peer_groups(path)

    assert message in str(error.value)


def test_line_numbers_count_quoted_line_breaks(tmp_path):
    path = write(tmp_path, 'user,group\nalice,"two\nlines"\n,sales\n')

    with pytest.raises(ValueError, match="line 4: the user is empty"):
        read_peer_groups(path)


def test_non_utf8_file_rejected(tmp_path):
    path = write(tmp_path, "user,group\nrené,vente\n", encoding="latin-1")

    with pytest.raises(ValueError, match="not UTF-8 text"):
        read_peer_groups(path)


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.csv"):
        read_peer_groups(tmp_path / "missing.csv")
