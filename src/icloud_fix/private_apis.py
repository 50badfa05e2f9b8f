"""Every use icloud-fix makes of what typer, click, questionary, prompt_toolkit and rich
do not promise to keep: each with where it is, what it is and why there is no public way.

A new release of one of these may change or drop any of them without notice, so each
package is pinned in pyproject.toml to the range the tests ran with (``TESTED``), and
tests/test_private_apis.py fails when the code uses one not listed here, when a listed
use is gone from its module, or when a pin and ``TESTED`` differ. Moving to a new
release: widen the pin and ``TESTED`` together, run the tests, and look again at each
use below.

This module is a list and imports nothing: it costs a scripted run nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PrivateUse:
    package: str
    # What is used, as it is written in the code (the test looks for this text).
    name: str
    # The module of icloud_fix that uses it.
    module: str
    why: str


# The version ranges the tests ran with; pyproject.toml's dependencies say the same.
TESTED: dict[str, str] = {
    "typer": ">=0.28,<0.29",
    "questionary": ">=2.1.1,<2.2",
    "prompt_toolkit": ">=3.0.53,<3.1",
    "rich": ">=15.0,<16",
}

USES: tuple[PrivateUse, ...] = (
    PrivateUse(
        "typer", "typer._click", "icloud_fix.cli",
        "typer<0.29 vendors click as typer._click; its ClickException and UsageError are "
        "the classes whose show() prints a usage error. Replacing show() is the only way "
        "to print click's errors as one line, like every other error of icloud-fix, "
        "instead of a usage block."),
    PrivateUse(
        "typer", "app._add_completion", "icloud_fix.cli",
        "typer builds --install-completion/--show-completion on every run, looking up the "
        "parent shell (about 13 ms); turning it off for runs that cannot use them keeps "
        "scripted runs fast. typer has no public switch per run."),
    PrivateUse(
        "questionary", "questionary.prompts.common", "icloud_fix.prompts.rich_prompter",
        "InquirerControl, the list a select prompt draws, is not exported at the top "
        "level. icloud-fix finds it in the prompt's layout to wrap the choices between "
        "words, start the pointer on no answer (pointed_at = -1) and show the help of "
        "the choice pointed at; questionary offers none of these."),
    PrivateUse(
        "questionary", "question.application.layout", "icloud_fix.prompts.rich_prompter",
        "questionary exposes the prompt_toolkit Application but not a way to draw the "
        "question line wrapped, or help between question and choices: the layout is "
        "replaced around questionary's own controls, so the keys it binds still act."),
)
