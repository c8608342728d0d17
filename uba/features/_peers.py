"""Peer groups of users: read from a file, given as a mapping, or derived from views.

Peers are the users whose work is alike, usually a department. The context features
compare a user-day with the pooled user-days of its peer group, and flag reading in
spaces that the peers never open.
"""

import csv
import logging
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import coo_matrix
from scipy.spatial.distance import squareform
from sklearn.metrics import silhouette_score

from uba._dates import parse_day
from uba.exceptions import InvalidParameterError
from uba.features._event_codes import check_events, encode_events
from uba.features._history import ORGANISATION, PEERS
from uba.features._profiles import _SECONDS_PER_DAY, _local_seconds
from uba.features._windows import (
    DailyItems,
    DayAxis,
    count_unique,
    pack,
    seen_by_others_in_window,
)

logger = logging.getLogger(__name__)

# Groups with fewer members than this use the organisation's statistics, because a
# median over one or two colleagues is a poor reference for a role.
MIN_GROUP_SIZE = 3

# Maximum number of groups that clustering returns.
_MAX_GROUPS = 50

# Users clustered directly; further users join the group with the nearest centre. The
# cosine distance matrix of n users takes 8 * n**2 bytes.
_MAX_CLUSTERED_USERS = 3_000

# Users sampled to compare the cuts of the dendrogram by their silhouette.
_SILHOUETTE_SAMPLE = 1_000

# A cut whose mean silhouette stays below this shows no clear group structure, so
# every user then falls into one group.
# NOTE: 0.25 is a judgement call that separates the simulated departments; it has
# not been checked against real organisations.
_MIN_SILHOUETTE = 0.25

# A cut that leaves more than this share of users in groups of fewer than
# MIN_GROUP_SIZE is skipped: those users would have no peers. Without the limit a
# department of similar readers could split into pairs whose silhouette is high.
_MAX_STRANDED_SHARE = 0.1

_SEED = 0


def read_peer_groups(path):
    """Read a CSV file that assigns each user to a peer group.

    Parameters
    ----------
    path : str or os.PathLike
        UTF-8 CSV file (a byte-order mark is allowed) whose header names the columns
        ``user`` and ``group``, in any order and in any letter case. Further columns
        are ignored. Blank lines are skipped, and surrounding spaces are removed.

    Returns
    -------
    peer_groups : dict of str to str
        Group name of each user.

    Raises
    ------
    ValueError
        When the file is empty, lacks a column, has a row with another number of
        fields than the header or an empty user or group, or assigns a user to two
        different groups. The message names the file and the line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from uba.features import read_peer_groups
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "groups.csv").write_text("user,group\\nalice,finance\\n")
    >>> read_peer_groups(folder / "groups.csv")
    {'alice': 'finance'}
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return _parse_peer_groups(csv.reader(handle), path)
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{path}: the file is not UTF-8 text ({error.reason} at byte "
            f"{error.start}); save it as UTF-8 CSV"
        ) from None


def _parse_peer_groups(reader, path):
    header = next(reader, None)
    if header is None:
        raise ValueError(f"{path}: the file is empty; expected the header 'user,group'")

    names = [name.strip().lower() for name in header]
    missing = [column for column in ("user", "group") if column not in names]
    if missing:
        raise ValueError(
            f"{path}, line 1: the header {header} lacks the column(s) {missing}; "
            f"the first line must name the columns, for example 'user,group'"
        )
    user_column, group_column = names.index("user"), names.index("group")

    groups, first_line = {}, {}
    for row in reader:
        if not row or all(not field.strip() for field in row):
            continue
        line = reader.line_num
        user, group = _parse_row(
            row, len(header), user_column, group_column, path, line
        )

        if user in groups and groups[user] != group:
            raise ValueError(
                f"{path}, line {line}: user {user!r} is in group {group!r} here but in "
                f"group {groups[user]!r} on line {first_line[user]}; give each user "
                f"one group"
            )
        groups[user] = group
        first_line.setdefault(user, line)

    if not groups:
        raise ValueError(f"{path}: no user is listed below the header")
    return groups


def _parse_row(row, n_fields, user_column, group_column, path, line):
    if len(row) != n_fields:
        raise ValueError(
            f"{path}, line {line}: expected {n_fields} fields as in the header, found "
            f"{len(row)}; quote values that contain a comma"
        )

    user, group = row[user_column].strip(), row[group_column].strip()
    if not user:
        raise ValueError(f"{path}, line {line}: the user is empty")
    if not group:
        raise ValueError(f"{path}, line {line}: the group of user {user!r} is empty")
    return user, group


def normalise_peer_groups(peer_groups):
    """Return ``peer_groups`` as a dict of str to str, or None when it is None.

    Accepts a mapping from user to group, or a DataFrame with the columns ``user`` and
    ``group``. Group names that are not strings, such as department numbers, are
    converted with ``str``.
    """
    if peer_groups is None:
        return None
    if isinstance(peer_groups, pd.DataFrame):
        return _frame_to_mapping(peer_groups)
    if isinstance(peer_groups, Mapping):
        return _checked_mapping(peer_groups.items())
    raise InvalidParameterError(
        f"peer_groups must be None, a mapping from user to group or a DataFrame with "
        f"the columns user and group, got {type(peer_groups).__name__}"
    )


def _frame_to_mapping(frame):
    missing = [column for column in ("user", "group") if column not in frame.columns]
    if missing:
        raise InvalidParameterError(
            f"the peer_groups DataFrame lacks the column(s) {missing}; it needs the "
            f"columns user and group"
        )

    pairs = frame[["user", "group"]].drop_duplicates()
    repeated = pairs["user"][pairs["user"].duplicated()]
    if len(repeated):
        user = repeated.iloc[0]
        found = sorted(map(str, pairs.loc[pairs["user"] == user, "group"]))
        raise InvalidParameterError(
            f"peer_groups assigns user {user!r} to several groups {found}; give each "
            f"user one group"
        )
    return _checked_mapping(zip(pairs["user"], pairs["group"]))


def _checked_mapping(items):
    mapping = {}
    for user, group in items:
        if not isinstance(user, str) or not user:
            raise InvalidParameterError(
                f"peer_groups has the user {user!r}; users must be non-empty strings"
            )
        if group is None or (not isinstance(group, str) and pd.isna(group)):
            raise InvalidParameterError(f"peer_groups has no group for user {user!r}")
        mapping[user] = str(group)
    return mapping


def derive_peer_groups(events):
    """Derive peer groups by clustering users on the spaces they read.

    Parameters
    ----------
    events : pandas.DataFrame
        Events as returned by :func:`uba.read_events`. Pass the events of a training
        period, so that the days being scored cannot move a user to another group.

    Returns
    -------
    peer_groups : dict of str to str
        Group name (``"group-01"``, ``"group-02"``, ... from the largest group) of each
        user who read at least one page in a space. Users without such views are left
        out, and the context features compare them with the whole organisation.

    Notes
    -----
    Each user is a vector over spaces with ``log1p(d) * log(n / n_s)`` per space, where
    ``d`` is the number of days the user read the space, ``n`` the number of users and
    ``n_s`` the number of users who read the space. Counting days, not views, keeps one
    bulk read from outweighing weeks of routine. The inverse document frequency
    ``log(n / n_s)`` gives a space that everyone reads no weight, so a shared home space
    does not join departments. The vectors are compared by cosine distance and joined
    by average-linkage agglomerative clustering. Every cut of the dendrogram into 2 to
    50 groups (at most one group per three users) is scored by its mean silhouette on a
    fixed sample of up to 1,000 users. The best cut wins, and a tie goes to the cut
    with fewer groups. When no cut reaches a silhouette of 0.25 the users have no
    clear group structure, and all of them form one group. With more than 3,000
    users, a fixed random sample of 3,000 is clustered and every other user joins the
    group whose mean vector is the most similar. The result depends only on the
    events, not on their order or on any global random state.

    Examples
    --------
    >>> import pandas as pd
    >>> from uba.features import derive_peer_groups
    >>> rows = [(user, space, day) for user, space in
    ...         [("ann", "FIN"), ("amy", "FIN"), ("abe", "FIN"),
    ...          ("bob", "ENG"), ("ben", "ENG"), ("bea", "ENG")]
    ...         for day in ("2026-03-02", "2026-03-03")]
    >>> times = [f"{day} 10:00" for _, _, day in rows]
    >>> events = pd.DataFrame({
    ...     "timestamp": pd.to_datetime(times, utc=True),
    ...     "utc_offset": 0, "user": [user for user, _, _ in rows],
    ...     "client_ip": "192.0.2.1", "path": "/display/X", "status": 200,
    ...     "user_agent": "Mozilla/5.0", "action": "page_view",
    ...     "space_key": [space for _, space, _ in rows],
    ...     "page_id": pd.array([None] * len(rows), dtype="Int64"),
    ... })
    >>> groups = derive_peer_groups(events)
    >>> groups["ann"] == groups["amy"] != groups["bob"] == groups["ben"]
    True
    """
    check_events(events)
    codes = encode_events(events)
    space_view = codes.view & (codes.space >= 0)
    if not space_view.any():
        return {}

    axis = DayAxis(codes.day[space_view].min(), codes.day[space_view].max(), 0)
    spaces = DailyItems(
        codes.user[space_view],
        axis.offset(codes.day[space_view]),
        codes.space[space_view],
        axis.n_days,
    )
    return cluster_users(spaces, codes.users)


def derive_peer_groups_before(events, day):
    """Derive peer groups from the events of the local days before ``day`` only.

    Parameters
    ----------
    events : pandas.DataFrame
        Events as returned by :func:`uba.read_events`.
    day : str, date or pandas.Timestamp
        First local day whose events are left out, usually the first scored day.

    Returns
    -------
    peer_groups : dict of str to str
        As :func:`derive_peer_groups`; empty when no event comes before ``day``.

    Raises
    ------
    ValueError
        If ``day`` is not a date.
    """
    earlier = local_days(events) < day_number(day)
    if not earlier.any():
        return {}
    return derive_peer_groups(events.loc[earlier])


def local_days(events):
    """Return the local day of each event as whole days since 1970-01-01."""
    return _local_seconds(events) // _SECONDS_PER_DAY


def day_number(day):
    """Return ``day`` as whole days since 1970-01-01."""
    timestamp = parse_day(day, "peer_groups_before", allow_zone=False)
    return (timestamp - pd.Timestamp("1970-01-01")).days


def cluster_users(spaces, users):
    """Return the derived peer group of each user, as :func:`derive_peer_groups` does.

    Parameters
    ----------
    spaces : DailyItems
        Spaces viewed on each user-day.
    users : numpy.ndarray of str
        Name of each user code.
    """
    vectors, candidates = _space_vectors(spaces)
    if len(candidates) == 0:
        return {}

    labels = _cluster_vectors(vectors)
    names = _group_names(labels, users[candidates])
    groups = {str(users[user]): names[label] for user, label in zip(candidates, labels)}
    logger.info(
        "Derived peer groups from the users' space views: %d groups of %d users",
        len(set(groups.values())),
        len(groups),
    )
    return groups


def _space_vectors(spaces):
    """Return the unit space vectors of the users who read a distinctive space.

    Also returns the user codes of those vectors.
    """
    if len(spaces) == 0:
        return None, np.zeros(0, dtype="int64")

    n_spaces = int(spaces.item.max()) + 1
    pairs, days = count_unique(pack(spaces.user, spaces.item, n_spaces))
    pair_user, pair_space = pairs // n_spaces, pairs % n_spaces

    candidates, row = np.unique(pair_user, return_inverse=True)
    readers = np.bincount(pair_space, minlength=n_spaces)
    idf = np.log(len(candidates) / np.maximum(readers, 1))

    weight = np.log1p(days) * idf[pair_space]
    matrix = coo_matrix(
        (weight, (row, pair_space)), shape=(len(candidates), n_spaces)
    ).toarray()
    norm = np.linalg.norm(matrix, axis=1)

    # A user who only reads spaces that everyone reads has no distinctive vector.
    distinctive = norm > 0
    vectors = matrix[distinctive] / norm[distinctive, None]
    return vectors, candidates[distinctive]


def _cluster_vectors(vectors):
    """Return a cluster label per row of L2-normalised ``vectors``."""
    n_users = len(vectors)
    if n_users < 2 * MIN_GROUP_SIZE:
        return np.zeros(n_users, dtype="int64")

    rng = np.random.default_rng(_SEED)
    clustered = np.arange(n_users)
    if n_users > _MAX_CLUSTERED_USERS:
        clustered = np.sort(rng.choice(n_users, _MAX_CLUSTERED_USERS, replace=False))

    distance = np.clip(1.0 - vectors[clustered] @ vectors[clustered].T, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = _best_cut(tree, distance, rng)

    if len(clustered) == n_users:
        return labels
    return _assign_to_nearest_centre(vectors, clustered, labels)


def _best_cut(tree, distance, rng):
    """Return the labels of the dendrogram cut with the highest mean silhouette.

    Cuts that leave more than ``_MAX_STRANDED_SHARE`` of the users in groups too small
    to serve as peers are skipped.
    """
    n_users = len(distance)
    sample = np.arange(n_users)
    if n_users > _SILHOUETTE_SAMPLE:
        sample = np.sort(rng.choice(n_users, _SILHOUETTE_SAMPLE, replace=False))
    sample_distance = distance[np.ix_(sample, sample)]

    best_labels, best_score = np.zeros(n_users, dtype="int64"), _MIN_SILHOUETTE
    for n_groups in range(2, min(_MAX_GROUPS, n_users // MIN_GROUP_SIZE) + 1):
        labels = fcluster(tree, n_groups, criterion="maxclust") - 1
        n_sampled_labels = len(np.unique(labels[sample]))
        if not 2 <= n_sampled_labels < len(sample):
            continue
        if _stranded_share(labels) > _MAX_STRANDED_SHARE:
            continue

        score = silhouette_score(sample_distance, labels[sample], metric="precomputed")
        if score > best_score:
            best_labels, best_score = labels.astype("int64"), score
    return best_labels


def _stranded_share(labels):
    """Return the share of users whose group has fewer than MIN_GROUP_SIZE members."""
    sizes = np.bincount(labels)
    return float(np.mean(sizes[labels] < MIN_GROUP_SIZE))


def _assign_to_nearest_centre(vectors, clustered, labels):
    n_groups = int(labels.max()) + 1
    centres = np.zeros((n_groups, vectors.shape[1]))
    np.add.at(centres, labels, vectors[clustered])
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)

    result = np.argmax(vectors @ centres.T, axis=1)
    result[clustered] = labels
    return result


def _group_names(labels, user_names):
    """Name groups ``group-01``, ``group-02``, ... by size, then by first member."""
    frame = pd.DataFrame({"label": labels, "user": user_names})
    summary = frame.groupby("label")["user"].agg(["size", "min"])
    summary = summary.sort_values(["size", "min"], ascending=[False, True])
    width = max(2, len(str(len(summary))))
    return {
        label: f"group-{rank + 1:0{width}d}" for rank, label in enumerate(summary.index)
    }


class PeerAssignment:
    """Peer groups of the user codes after small groups were merged away.

    Parameters
    ----------
    mapping : dict of str to str
        Group of each user, as given or derived.
    users : numpy.ndarray of str
        Sorted names of the user codes.

    Attributes
    ----------
    user_group : numpy.ndarray of int64
        Group code of each user code; -1 for users who take the whole organisation as
        peers (no group, or a group with fewer than :data:`MIN_GROUP_SIZE` members
        among ``users``).
    group_names : numpy.ndarray of str
        Name of each group code.
    merged_users : int
        Users with a group that was too small.
    unassigned_users : int
        Users that ``mapping`` does not list.
    """

    def __init__(self, mapping, users):
        assigned = np.array([mapping.get(name) for name in users], dtype=object)
        listed = np.array([group is not None for group in assigned], dtype=bool)

        names, codes = np.unique(assigned[listed].astype(str), return_inverse=True)
        sizes = np.bincount(codes, minlength=len(names))
        large = sizes >= MIN_GROUP_SIZE

        renumbered = np.cumsum(large) - 1
        self.user_group = np.full(len(users), -1, dtype="int64")
        self.user_group[np.flatnonzero(listed)] = np.where(
            large[codes], renumbered[codes], -1
        )
        self.group_names = names[large]
        self.merged_users = int(sizes[~large].sum())
        self.unassigned_users = int((~listed).sum())


def foreign_space_share(spaces, queries, reference, axis):
    """Return the share of each query's space views in spaces its peers did not read.

    Parameters
    ----------
    spaces : DailyItems
        Spaces viewed on each user-day, counted in views, with day offsets on ``axis``.
    queries : tuple of numpy.ndarray
        ``(user, day_offset)`` of distinct query user-days.
    reference : tuple of numpy.ndarray
        ``(peer_reference, group, user_group)``: ``PEERS``, ``ORGANISATION`` or
        ``NONE`` per query, the group code per query and the group of each user code.
    axis : DayAxis

    Returns
    -------
    share : numpy.ndarray of float64
        0 for queries without space views or without a peer reference.
    """
    peer_reference = reference[0]
    share = np.zeros(len(queries[0]))
    entry_query, row = spaces.match(queries, axis.n_days)
    if len(entry_query) == 0:
        return share

    foreign = np.zeros(len(entry_query), dtype=bool)
    for kind in (PEERS, ORGANISATION):
        selected = peer_reference[entry_query] == kind
        if selected.any():
            entries = (entry_query[selected], spaces.item[row[selected]])
            foreign[selected] = ~_read_by_peers(
                spaces, entries, queries, reference, axis
            )

    views = spaces.count[row]
    foreign_views = np.bincount(
        entry_query, weights=views * foreign, minlength=len(share)
    )
    all_views = np.bincount(entry_query, weights=views, minlength=len(share))
    np.divide(foreign_views, all_views, out=share, where=all_views > 0)
    return share


def _read_by_peers(spaces, entries, queries, reference, axis):
    """Return whether another user of the entry's peer reference read its space."""
    entry_query, entry_space = entries
    query_user, query_day = queries
    peer_reference, group, user_group = reference

    # All entries share one kind of reference: their group, or the organisation.
    if peer_reference[entry_query[0]] == PEERS:
        view_entity = user_group[spaces.user]
        query_entity = group[entry_query]
    else:
        view_entity = np.zeros_like(spaces.user)
        query_entity = np.zeros_like(entry_query)

    member = view_entity >= 0
    reference_views = (
        view_entity[member],
        spaces.item[member],
        spaces.day[member],
        spaces.user[member],
    )
    query = (query_entity, entry_space, query_day[entry_query], query_user[entry_query])
    return seen_by_others_in_window(
        reference_views, query, axis.n_days, axis.window_days
    )
