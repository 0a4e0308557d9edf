#!/usr/bin/env python3
"""Baseline: a Python loop that only `json.load`s every file of a directory (no analysis at all)."""
import json
import os
import sys

directory = sys.argv[1]
count = 0
for name in sorted(os.listdir(directory)):
    with open(os.path.join(directory, name), "rb") as handle:
        json.load(handle)
    count += 1
print(count)
