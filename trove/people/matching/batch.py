"""Many persons against each other: ``find_duplicates`` and the benchmark.

Blocks live in memory as a dict from blocking key to record positions; each record probes its keys (birth year ±1
included) and is scored against the records it meets that come after it, so each pair is scored once. A block
larger than ``MAX_BLOCK`` (a very common name in a whole province) is skipped: its pairs are met through narrower
keys, and scoring a block of thousands with itself is what turns minutes into hours.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable, Iterable

from trove.people.matching.keys import probe_keys, stored_keys
from trove.people.matching.profile import PersonData, Profile, UnitResolver, build_profile
from trove.people.matching.scoring import MATCH_THRESHOLD, score_profiles

MAX_BLOCK = 400

Progress = Callable[[str, int, int], None]


def _id_keys(profile: Profile) -> set[str]:
    return {f"id|{kind}|{value}" for kind, value in profile.ids.items() if kind != "phone"}


class BatchMatcher:
    """Collects records, then yields every pair scoring at least ``threshold``."""

    def __init__(self, resolver: UnitResolver, *, threshold: float = MATCH_THRESHOLD) -> None:
        self.resolver = resolver
        self.threshold = threshold
        self.ids: list = []
        self.profiles: list[Profile] = []
        self.blocks: dict[int, list[int]] = defaultdict(list)

    def add(self, record_id, data: PersonData) -> None:
        position = len(self.ids)
        profile = build_profile(data, self.resolver)
        self.ids.append(record_id)
        self.profiles.append(profile)
        for key in stored_keys(profile) | _id_keys(profile):
            self.blocks[hash(key)].append(position)

    def add_all(self, records: Iterable[tuple[object, PersonData]], progress: Progress | None = None,
                total: int = 0) -> None:
        for count, (record_id, data) in enumerate(records, start=1):
            self.add(record_id, data)
            if progress and count % 1000 == 0:
                progress("read", count, total)

    def _pairs_for(self, positions: range) -> list[tuple[int, int, float]]:
        found = []
        blocks, profiles, threshold = self.blocks, self.profiles, self.threshold
        for i in positions:
            profile = profiles[i]
            met: set[int] = set()
            for key in list(probe_keys(profile)) + list(_id_keys(profile)):
                block = blocks.get(hash(key))
                if block and (len(block) <= MAX_BLOCK or key.startswith("id|")):
                    met.update(block)
            for j in met:
                if j > i:
                    score = score_profiles(profile, profiles[j])[0]
                    if score >= threshold:
                        found.append((i, j, score))
        return found

    def pairs(self, progress: Progress | None = None, workers: int = 1) -> list[tuple[object, object, float]]:
        """Every pair judged the same person, as (id_a, id_b, score), in the order the records were added."""
        total = len(self.profiles)
        step = 2000
        chunks = [range(start, min(start + step, total)) for start in range(0, total, step)]
        found: list[tuple[int, int, float]] = []
        if workers > 1 and len(chunks) > 1 and "fork" in multiprocessing.get_all_start_methods():
            # Forked workers share the blocks and profiles without copying them.
            global _MATCHER
            _MATCHER = self
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                done = 0
                for chunk_pairs in pool.imap(_work, chunks):
                    found.extend(chunk_pairs)
                    done += step
                    if progress:
                        progress("match", min(done, total), total)
            _MATCHER = None
        else:
            for chunk in chunks:
                found.extend(self._pairs_for(chunk))
                if progress:
                    progress("match", chunk.stop, total)
        found.sort()
        return [(self.ids[i], self.ids[j], score) for i, j, score in found]


_MATCHER: BatchMatcher | None = None


def _work(chunk: range) -> list[tuple[int, int, float]]:
    return _MATCHER._pairs_for(chunk)


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))
