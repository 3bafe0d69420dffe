"""Greet every name of an input file, one line each, into an output file."""

import argparse
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inputfile", type=Path, required=True)
    parser.add_argument("--outputfile", type=Path, required=True)
    parser.add_argument("--greeting", default="Hello")
    parser.add_argument("--sleeptime", type=float, default=0.0, help="seconds to wait per name")
    args = parser.parse_args()
    names = [line.strip() for line in args.inputfile.read_text().splitlines() if line.strip()]
    args.outputfile.parent.mkdir(parents=True, exist_ok=True)
    with args.outputfile.open("w") as out:
        for name in names:
            time.sleep(args.sleeptime)
            print(f"{args.greeting} {name}!", file=out, flush=True)
            print(f"greeted {name}", flush=True)


if __name__ == "__main__":
    main()
