"""Average pupil dilation per tone type (example analysis of the bundled repository)."""

import csv
from pathlib import Path

rows = list(csv.DictReader(Path("input_data/stimuli.csv").open()))
print(f"{len(rows)} trials")
