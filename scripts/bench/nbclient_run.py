"""The reference executor: runs notebooks with Debian's nbclient, one kernel each (benchmark and parity tests).

Usage: python3 nbclient_run.py JOBS_JSON
JOBS_JSON is a list of {"input", "output", "timeout", "allow_errors"?, "interrupt_on_timeout"?, "kernel_name"?}. Each
notebook runs in its own folder, on the kernel "kernel_name" or else its kernelspec names (found through JUPYTER_PATH),
and is written to "output" even when execution fails (the partial notebook is what the parity tests compare).
Prints one JSON list with, per notebook: {"error": exception class name or null, "message": its first line,
"seconds", "kernel_start_seconds"}, where the kernel start-up runs from asking for a kernel to the kernel answering
kernel_info (nbclient's on_notebook_start hook fires right after wait_for_ready).
"""
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient


def run(job):
    notebook = nbformat.read(job["input"], as_version=nbformat.NO_CONVERT)
    marks = {}
    client = NotebookClient(
        notebook,
        timeout=job.get("timeout", 120),
        allow_errors=job.get("allow_errors", False),
        interrupt_on_timeout=job.get("interrupt_on_timeout", False),
        **({"kernel_name": job["kernel_name"]} if "kernel_name" in job else {}),
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(job["input"]))}},
        on_notebook_start=lambda **_: marks.setdefault("ready", time.monotonic()),
    )
    started = time.monotonic()
    error = message = None
    try:
        client.execute()
    except Exception as exc:  # the class name is compared with the runner's error; the message is shown
        error = type(exc).__name__
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    seconds = time.monotonic() - started
    nbformat.write(notebook, job["output"])
    ready = marks.get("ready")
    return {"error": error, "message": message, "seconds": seconds,
            "kernel_start_seconds": None if ready is None else ready - started}


if __name__ == "__main__":
    print(json.dumps([run(job) for job in json.loads(sys.argv[1])]))
