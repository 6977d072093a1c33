"""Run one `quizapp` command in its own process, as cron would on one server, for tests/jobs:
`python -m tests.jobs.hold POINT MARKER FD ARGS...`.

POINT says where the first run to get there stops until the test closes its end of the pipe FD:
"lock" (just after taking the job's lock), "send" (before the first message goes out, its lock
held and the day's deliveries on record) or "none" (never). "First" is decided by creating MARKER
(O_EXCL: one process of the race wins), so even if the lock failed and two runs got there, only one
would wait and the test could never hang: the other would go on and be caught sending twice.
"""

from __future__ import annotations

import contextlib
import os
import sys


def _first(marker: str) -> bool:
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def _wait(fd: int) -> None:
    os.read(fd, 1)  # b"" once the test closes its end: no data is ever written


def _install(point: str, marker: str, fd: int) -> None:
    if point == "lock":
        from quizapp import jobs

        exclusive = jobs.exclusive

        @contextlib.contextmanager
        def holding(job: str):
            with exclusive(job) as mine:
                if mine and _first(marker):
                    _wait(fd)
                yield mine

        jobs.exclusive = holding
    elif point == "send":
        from quizapp.deliveries import service

        deliver = service.deliver

        def sending(*args, **kwargs):
            if _first(marker):
                _wait(fd)
            return deliver(*args, **kwargs)

        service.deliver = sending


def main(argv: list[str]) -> None:
    point, marker, fd, *args = argv
    _install(point, marker, int(fd))
    from quizapp.cli import main as quizapp

    quizapp.main(args=args, prog_name="quizapp")


if __name__ == "__main__":
    main(sys.argv[1:])
