"""One run of icloud-fix, in three parts: the plan (options checked, the flow loaded,
the answers given ahead gathered: nothing printed), the conversation (the engine asking
through the prompter), and the delivery (the report, files, kept state and exit code,
made by a pure function and carried out in one place). cli.py parses the options into
SessionOptions and calls run()."""

from __future__ import annotations

import contextlib
import sys

from icloud_fix.engine import PromptUnavailable
from icloud_fix.session.options import TIMEOUT, PromptMode, SessionOptions, prompt_mode
from icloud_fix.session.plan import Plan, load_flow, make_plan

__all__ = ["TIMEOUT", "Plan", "PromptMode", "SessionOptions", "load_flow", "make_plan",
           "prompt_mode", "run"]


def run(options: SessionOptions) -> int:
    """Run one session; returns the exit code. Raises IcloudFixError for bad input."""
    from icloud_fix.session.process import ProcessState

    # What the prompters change in the process (a hook, warnings, loggers) lasts as
    # long as the session, and the signal handlers are put back as they were.
    with ProcessState():
        return _run(options)


def _run(options: SessionOptions) -> int:
    from icloud_fix.session import delivery
    from icloud_fix.session.conversation import Conversation

    plan = make_plan(options)
    try:
        conversation = Conversation(plan)
        talk = conversation.run()
    except PromptUnavailable as exc:  # left at "continue where you stopped?" or the like
        with contextlib.suppress(OSError):
            sys.stderr.write(f"\nStopped: {exc.reason}. Nothing was changed: what you answered "
                             f"before is still kept.\n")
        return exc.exit_code
    delivery.check_missing(plan, talk)
    readings = conversation.readings
    status = device = None
    if readings is not None:
        # A scripted run waits for the feed (3 s at most); a person has waited long
        # enough, and a stopped session stops.
        status = readings.status(0 if plan.asks or talk.stopped is not None else TIMEOUT)
        if options.auto and not plan.asks and talk.stopped is None:
            # --auto: the report names the iPhone and follows its iOS and region, even
            # when every answer was given (3 s at most, as for the feed).
            readings.start()
            readings.reading(TIMEOUT)
        device = readings.device()
    # Checks answered ahead, if no question has said so (a finished session's).
    ahead = (tuple(conversation.asking.finish())
             if conversation.asking is not None and talk.stopped is None else ())
    return delivery.carry_out(
        delivery.make_delivery(plan, talk, status, device, conversation.console,
                               conversation.state_token, ahead),
        conversation)
