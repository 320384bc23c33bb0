"""Fit a linear model of sensor drift against temperature (the example experiment).

Pure Python and seeded, so a re-run reproduces output_data/ byte for byte.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path


def load_rows(path: Path) -> list[tuple[float, float]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return [(float(row["temperature_c"]), float(row["drift_mv"])) for row in csv.DictReader(stream)]


def fit(rows: list[tuple[float, float]], start: dict[str, float], config: dict[str, float]) -> dict[str, float]:
    """Stochastic gradient descent on the mean squared error, visiting rows in a seeded order."""
    slope, intercept = start["slope"], start["intercept"]
    order = random.Random(int(config["seed"]))
    for _ in range(int(config["epochs"])):
        shuffled = rows[:]
        order.shuffle(shuffled)
        for x, y in shuffled:
            error = slope * x + intercept - y
            slope -= config["learning_rate"] * error * x
            intercept -= config["learning_rate"] * error
    return {"slope": round(slope, 6), "intercept": round(intercept, 6)}


def mean_squared_error(rows: list[tuple[float, float]], model: dict[str, float]) -> float:
    return round(sum((model["slope"] * x + model["intercept"] - y) ** 2 for x, y in rows) / len(rows), 6)


def main(config_path: str, output_dir: str, params_dir: str = "") -> dict[str, float]:
    """Train on input_data/data/train.csv, evaluate on test.csv, write the model and metrics."""
    config = json.loads(Path(params_dir, "config.json" if params_dir else config_path).read_text())
    start = json.loads(Path("input_data/weights/initial.json").read_text())
    train = load_rows(Path("input_data/data/train.csv"))
    test = load_rows(Path("input_data/data/test.csv"))
    model = fit(train, start, config)
    metrics = {"train_mse": mean_squared_error(train, model), "test_mse": mean_squared_error(test, model)}
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "model.json").write_text(json.dumps(model, indent=2, sort_keys=True) + "\n")
    with (out / "metrics.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["metric", "value"])
        writer.writerows(sorted(metrics.items()))
    return {**model, **metrics}
