"""Did-you-mean hints for ids and words that are not known."""

from __future__ import annotations

from collections.abc import Iterable

MAX_WORD = 100


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a choice is close to word, else ''."""
    import difflib  # only on the way to an error message
    from itertools import islice

    # Comparing against a thousand candidates at most keeps one lookup cheap.
    close = difflib.get_close_matches(word[:MAX_WORD], list(islice(choices, 1000)), n=1,
                                      cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
