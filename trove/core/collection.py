"""Long batch jobs and Python's garbage collector.

An import keeps hundreds of thousands of small objects for its whole run (the profiles of the registry persons its
duplicate check has read, the persons it has written) and makes millions more that live for one batch. With
CPython's default thresholds a collection runs every 700 new objects and, as the kept objects grow, dozens of full
collections walk all of them: on 100,000 rows that was 73 s of the writing process's 186 s of CPU and 52 s of the
helper process's 208 s. The batches' objects are freed by reference counting when the batch ends, not by the
collector, so collecting a few hundred times less often costs little memory (docs/benchmarks.md).
"""

from __future__ import annotations

import contextlib
import gc

# A young collection after 100,000 new objects (not 700); older ones far less often.
THRESHOLDS = (100_000, 50, 100)


@contextlib.contextmanager
def fewer_collections():
    """Collect garbage less often until the block ends. (Not ``gc.freeze``: undoing it would also thaw what the
    process froze before, and leaving it would keep for ever the garbage of later cycles.)"""
    before = gc.get_threshold()
    gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
