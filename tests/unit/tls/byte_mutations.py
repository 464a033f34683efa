"""One Hypothesis strategy for every fuzz test that starts from valid bytes: a seed with a few random edits (bit
flips, overwritten bytes, cuts, insertions), which reaches deeper into a parser than random bytes do."""
from __future__ import annotations

from typing import Sequence

from hypothesis import strategies as st


@st.composite
def mutated(draw, seeds: Sequence[bytes], max_edits: int = 6) -> bytes:
    data = bytearray(draw(st.sampled_from(list(seeds))))
    for dummy in range(draw(st.integers(1, max_edits))):
        pos = draw(st.integers(0, len(data) - 1))
        operation = draw(st.sampled_from(["flip", "set", "cut", "insert"]))
        if operation == "flip":
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif operation == "set":
            data[pos] = draw(st.integers(0, 255))
        elif operation == "cut":
            del data[pos:pos + draw(st.integers(1, 40))]
        else:
            data[pos:pos] = draw(st.binary(min_size=1, max_size=20))
        if not data:
            break
    return bytes(data)
