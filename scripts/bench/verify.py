"""Checks that every tool produced the same changed records.

"The same changed records" means: the same number of lines and, line by
line in stream order, the same resource (kind, id), the same metrics (as
parsed JSON values, so 85.5 and 85.50 agree) and the same set of changed
metric names. Timestamps differ by nature; event_id is compared where both
tools report one (the curl|jq pipeline reads only the data lines, which do
not carry the SSE id). Stream order is well defined because every tool reads
the same pre-generated stream from the first byte.
"""
import json


def _records(path):
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            try:
                r = json.loads(line)
            except ValueError as e:
                raise ValueError(f"{path}:{n}: not JSON ({e})")
            if r.get("type") != "metrics":
                continue
            yield n, r


def _key(r):
    return (r.get("kind"), r.get("id"), r.get("metrics"), sorted(r.get("changed") or []))


def compare(reference, other):
    """None when `other` has the same records as `reference`, else what differs."""
    a_iter, b_iter = _records(reference), _records(other)
    count = 0
    while True:
        a, b = next(a_iter, None), next(b_iter, None)
        if a is None or b is None:
            if a is None and b is None:
                return None
            longer = other if a is None else reference
            return f"{longer} has more records than the other ({count} in common)"
        count += 1
        if _key(a[1]) != _key(b[1]):
            return (f"record {count} differs: {reference}:{a[0]} {json.dumps(_key(a[1]))} "
                    f"vs {other}:{b[0]} {json.dumps(_key(b[1]))}")
        ida, idb = a[1].get("event_id"), b[1].get("event_id")
        if ida is not None and idb is not None and ida != idb:
            return f"record {count}: event_id {ida} vs {idb}"


def last_state(path):
    """(kind, id) -> metrics of the last record written for that resource."""
    state = {}
    for _, r in _records(path):
        state[(r["kind"], r["id"])] = r["metrics"]
    return state
