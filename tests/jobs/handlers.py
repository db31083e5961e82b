"""Job handlers used by the runner tests, in-process and in worker subprocesses."""

import time
from pathlib import Path

from app.core.errors import InvalidInput
from app.jobs.registry import job_handler
from app.jobs.runner import JobContext


@job_handler("test.steps")
def steps(ctx: JobContext) -> None:
    """Does ``steps`` slow steps, logging each to a file, checkpointing after each one."""
    total = ctx.payload["steps"]
    log = Path(ctx.payload["log"])
    start = ctx.checkpoint.get("next", 0)
    for step in range(start, total):
        with log.open("a") as out:
            out.write(f"{step}\n")
        time.sleep(ctx.payload.get("delay", 0))
        with ctx.session() as session:
            ctx.save(session, checkpoint={"next": step + 1}, done=step + 1, total=total)
            session.commit()


@job_handler("test.flaky")
def flaky(ctx: JobContext) -> None:
    """Fails until its ``succeed_on`` attempt."""
    if ctx.attempt < ctx.payload["succeed_on"]:
        raise RuntimeError(f"attempt {ctx.attempt} failed")


@job_handler("test.bad_input")
def bad_input(ctx: JobContext) -> None:
    raise InvalidInput("The category does not exist.")
