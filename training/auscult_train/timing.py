"""CPU timing of PyTorch models (the manifests' and `npm run bench`'s PyTorch figures)."""
import statistics
import time

WARMUP_RUNS = 3


def median_ms(fn, reps, warmup=WARMUP_RUNS):
    """Median wall time of ``fn()`` in ms over ``reps`` calls, after ``warmup`` unmeasured ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)
