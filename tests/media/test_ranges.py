"""RFC 7233 single ranges: every header the original crashed on now gets a defined answer."""

from __future__ import annotations

import pytest

from sora2.media import ByteRange, RangeNotSatisfiable, content_range_header, parse_range
from sora2.media.ranges import unsatisfied_range_header

SIZE = 1000


@pytest.mark.parametrize("header", [None, "", "   "])
def test_no_range_means_the_whole_file(header: str | None) -> None:
    assert parse_range(header, SIZE) is None


@pytest.mark.parametrize(("header", "expected"), [
    ("bytes=0-499", ByteRange(0, 499)),
    ("bytes=0-0", ByteRange(0, 0)),
    ("bytes=999-999", ByteRange(999, 999)),
    ("bytes=500-", ByteRange(500, 999)),          # open-ended: what <video> sends first
    ("bytes=0-", ByteRange(0, 999)),
    ("bytes=0-999999", ByteRange(0, 999)),        # end past EOF is clamped (the original sent a wrong length)
    ("bytes=-500", ByteRange(500, 999)),          # suffix: crashed the original server
    ("bytes=-1", ByteRange(999, 999)),
    ("bytes=-5000", ByteRange(0, 999)),           # suffix longer than the file: all of it
    ("Bytes = 10-19", ByteRange(10, 19)),         # the unit is case-insensitive; whitespace tolerated
    ("bytes=0-1,5-6", ByteRange(0, 1)),           # several ranges: only the first is served
    ("bytes=5000-,10-19", ByteRange(10, 19)),     # …the first one that is satisfiable
    ("bytes=, 3-4", ByteRange(3, 4)),             # empty list elements are allowed by the grammar
])
def test_satisfiable_ranges(header: str, expected: ByteRange) -> None:
    assert parse_range(header, SIZE) == expected


@pytest.mark.parametrize("header", [
    "bytes=1000-", "bytes=5000-", "bytes=1000-2000",  # start at or beyond the end
    "bytes=-0",                                       # a zero-length suffix selects nothing
    "bytes=5000-6000,7000-",                          # no satisfiable range in the set
])
def test_unsatisfiable_ranges_raise(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable, match="outside the file"):
        parse_range(header, SIZE)


@pytest.mark.parametrize("header", [
    "bytes=abc", "bytes=100-50", "bytes=-", "bytes=", "bytes", "items=0-1", "bytes=1-2-3", "bytes=+1-2",
    "bytes=0x10-20", "bytes=0-1,abc", "bytes=٣-٤",  # non-ASCII digits are not digits in HTTP
])
def test_malformed_headers_raise(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, SIZE)


def test_reversed_range_says_why() -> None:
    with pytest.raises(RangeNotSatisfiable, match="ends before it starts"):
        parse_range("bytes=100-50", SIZE)


def test_every_range_of_an_empty_file_is_unsatisfiable() -> None:
    assert parse_range(None, 0) is None
    for header in ("bytes=0-", "bytes=-10", "bytes=0-0"):
        with pytest.raises(RangeNotSatisfiable):
            parse_range(header, 0)


def test_too_many_ranges_are_refused() -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range("bytes=" + ",".join(f"{i}-{i}" for i in range(101)), SIZE)


def test_headers_and_length() -> None:
    byte_range = parse_range("bytes=-500", 1234)
    assert byte_range is not None and byte_range.length == 500
    assert content_range_header(byte_range, 1234) == "bytes 734-1233/1234"
    assert unsatisfied_range_header(1234) == "bytes */1234"


def test_range_error_is_a_media_error() -> None:
    from sora2.media import MediaError

    assert issubclass(RangeNotSatisfiable, MediaError)
