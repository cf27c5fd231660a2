"""The reference side of the runner benchmark: executes notebooks with Debian's nbclient, one kernel each.

Usage: python3 nbclient_run.py JOBS_JSON
JOBS_JSON is a list of {"input", "output", "timeout"}. Each notebook runs in its own folder, on the kernel its
kernelspec names (found through JUPYTER_PATH), and is written to "output". Prints one JSON list with, per
notebook: {"error": null or "ExceptionClass: first line", "seconds", "kernel_start_seconds"}, where the
kernel start-up runs from asking for a kernel to the kernel answering kernel_info (nbclient's
on_notebook_start hook fires right after wait_for_ready).
"""
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient


def run(job):
    notebook = nbformat.read(job["input"], as_version=4)
    marks = {}
    client = NotebookClient(
        notebook,
        timeout=job.get("timeout", 120),
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(job["input"]))}},
        on_notebook_start=lambda **_: marks.setdefault("ready", time.monotonic()),
    )
    started = time.monotonic()
    error = None
    try:
        client.execute()
    except Exception as exc:  # reported to the benchmark, which refuses to time a failing notebook
        error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
    seconds = time.monotonic() - started
    nbformat.write(notebook, job["output"])
    ready = marks.get("ready")
    return {"error": error, "seconds": seconds, "kernel_start_seconds": None if ready is None else ready - started}


if __name__ == "__main__":
    print(json.dumps([run(job) for job in json.loads(sys.argv[1])]))
