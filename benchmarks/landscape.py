"""Loss-landscape engine speed and memory: `python -m benchmarks.landscape` prints a Markdown table.

Rows: 41² filter-normalized slices (training and validation sets, loss and accuracy) of MLPs of
width 32 on 1000 moons points (750 training, 250 validation) at depth 2 (2-32-32-2), 8 and 20, in
chunks of 256 grid points, and the 20-layer one in a single vmap for comparison. Per row: the
compile time (first call minus a warm call), the warm time (median of repeats, results read back
into NumPy) with the CPU time of the process during it (all threads, `getrusage`: on these shared
machines the wall time moves with the other sessions' load, the CPU time much less; on an idle
2-core machine the wall time lies between half the CPU time and all of it), and the peak memory.

Memory is the process's peak resident set, VmHWM in /proc/self/status (the kernel's high-water
mark: it sees XLA's own buffers, which tracemalloc does not), read in a fresh subprocess per row
after the slices; "of which the slice" subtracts the VmHWM read just before the first slice (the
interpreter, JAX, the data, θ and the directions). Last row: compilations caused by ten span and
centre changes (target 0).

`python -m benchmarks.landscape --roughness` prints the full-size version of the skip-connection
test instead (Li et al. 2018, Fig. 5): ReLU nets of width 32, depth 8 and 20, with and without
residual connections, trained on 1000 spiral points, and the roughness of their 41²
filter-normalized slices at span 1, for three seeds.
"""

import json
import resource
import statistics
import subprocess
import sys
import time

import jax

from networks import datasets, mlp
from networks.landscape import CHUNK, random_direction, roughness, slice_2d
from networks.mlp import NetConfig
from networks.train import Run, TrainConfig, train
from optimizers.compilations import count_compilations

GRID = 41
POINTS = 1000
CASES = (
    # (label, depth, chunk, warm repeats, target)
    ("2-32-32-2", 2, CHUNK, 5, "≤ 0.5 s"),
    ("8 × 32", 8, CHUNK, 3, ""),
    ("20 × 32", 20, CHUNK, 3, "≤ 3 s"),
    ("20 × 32, one vmap", 20, GRID * GRID, 3, ""),
)
MEMORY_TARGET = "≤ 1 GB"


def peak_memory_mb() -> float:
    """VmHWM, the peak resident set of this process, in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("No VmHWM in /proc/self/status.")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(action, repeats: int) -> tuple[float, float]:
    """Medians of `repeats` runs of `action`: (wall seconds, CPU seconds of this process)."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), cpu_seconds()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(cpu_seconds() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def setup(depth: int):
    net = NetConfig(depth=depth, width=32)
    params = mlp.init(net, jax.random.key(0))
    d1, d2 = random_direction(params, 1), random_direction(params, 2)
    return net, params, d1, d2, datasets.make("moons", POINTS)


def measure(depth: int, chunk: int, repeats: int) -> dict:
    """One row, in this process: compile, warm and memory figures."""
    net, params, d1, d2, data = setup(depth)
    jax.block_until_ready((d1, d2))
    before = peak_memory_mb()
    begin = time.perf_counter()
    slice_2d(net, params, d1, d2, data, 1.0, GRID, chunk=chunk)
    first = time.perf_counter() - begin
    warm, cpu = timed(lambda: slice_2d(net, params, d1, d2, data, 0.5, GRID, chunk=chunk), repeats)
    peak = peak_memory_mb()
    return {"compile": first - warm, "warm": warm, "cpu": cpu, "peak": peak, "slice": peak - before}


def span_moves() -> int:
    net, params, d1, d2, data = setup(2)
    slice_2d(net, params, d1, d2, data, 1.0, GRID)

    def moves():
        for i in range(10):
            slice_2d(net, params, d1, d2, data, 0.1 + i, GRID, centre=(0.1 * i, -0.1 * i))

    return count_compilations(moves)


def roughness_table():
    print("| depth | skips | strict local minima | total variation of log L | val. accuracy |")
    print("| --- | --- | --- | --- | --- |")
    for depth in (8, 20):
        for residual in (False, True):
            minima, variation, accuracy = [], [], []
            for seed in range(3):
                net = NetConfig(depth, 32, "relu", "he", residual=residual)
                adam = Run("adam", {"learning_rate": 0.003}, None, 64)
                config = TrainConfig("spirals", POINTS, 0.03, net=net, runs=(adam,), steps=1000)
                history = train(config.replace(seed=seed))
                params, _ = history.params_at(0, -1)
                d1, d2 = random_direction(params, 2 * seed), random_direction(params, 2 * seed + 1)
                grid = slice_2d(net, params, d1, d2, config.data(), 1.0, GRID)
                rough = roughness(grid.losses.train_loss)
                minima.append(str(rough.local_minima))
                variation.append(f"{rough.total_variation:.1f}")
                accuracy.append(f"{history.val_accuracy[0, -1]:.2f}")
            row = (depth, "yes" if residual else "no", minima, variation, accuracy)
            print("| {} | {} | {} | {} | {} |".format(*row[:2], *map(", ".join, row[2:])))


def in_subprocess(*args: str) -> dict:
    command = [sys.executable, "-m", "benchmarks.landscape", *args]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    header = f"{GRID}² slice, tanh, width 32, {POINTS} points"
    print(f"| {header} | compile | warm (CPU) | target | peak memory |")
    print("| --- | --- | --- | --- | --- |")
    for label, depth, chunk, repeats, target in CASES:
        row = in_subprocess("--case", str(depth), str(chunk), str(repeats))
        memory = f"{row['peak']:.0f} MB (of which the slice {row['slice']:.0f} MB)"
        print(
            f"| {label}, chunks of ≤ {chunk} | {row['compile']:.1f} s "
            f"| {row['warm']:.2f} s ({row['cpu']:.2f} s) "
            f"| {target} | {memory} |"
        )
    print(f"\nPeak memory target: {MEMORY_TARGET}.")
    compiles = in_subprocess("--moves")["compilations"]
    print(f"Compilations caused by 10 span and centre changes: {compiles} (target 0).")
    with open("/proc/loadavg") as load:
        print(f"Load average after measuring (2 cores): {' '.join(load.read().split()[:3])}.")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--case"]:
        depth, chunk, repeats = map(int, sys.argv[2:5])
        print(json.dumps(measure(depth, chunk, repeats)))
    elif sys.argv[1:2] == ["--moves"]:
        print(json.dumps({"compilations": span_moves()}))
    elif sys.argv[1:2] == ["--roughness"]:
        roughness_table()
    else:
        main()
