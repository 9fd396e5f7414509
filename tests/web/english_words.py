"""English words that must not appear on a Danish page.

The list holds common English words that are not also Danish words (so "for", "to",
"by", "rent", "sent", "have", "plan", "score", "deadline", "optimal" are absent: they
are Danish words or in use in Danish), plus the
domain's English nouns and states that a forgotten translation would show ("offer",
"citizen", "declined", "optimal"). Names that Danish staff use as they are (Housing
First, the support methods' abbreviations, the product's name) are removed before the
check. Matching is on whole lower-case words, so "Accept" in a Danish sentence would
be caught while "accepteret" is not.
"""

from __future__ import annotations

import re


def _words(text: str) -> list[str]:
    return text.split()


ENGLISH = frozenset(
    _words(
        """
    the and with from which this that these those has was were are not you your our
    will would should could of in on or if an it its be been being there their they
    what when where who why how than then into only also such each other any some all
    none no yes true false unknown please error errors found invalid missing required
    offer offers offered citizen citizens home homes housed homeless case cases vacancy
    vacancies unit units household income benefit benefits support history rule rules
    rank alternate alternates proposed accepted declined expired withdrawn pending
    closed waiting queued running finished failed feasible infeasible month months
    year years days day share supply demand gap municipality municipalities
    association associations search cancel delete edit create close next previous page
    back street shelter planned unmatched matched reason reasons because left after
    before
    """
    )
)
# The solver's statuses and the matcher's codes, which a page must put into words.
RAW_CODES = frozenset(
    _words(
        """
    OPTIMAL FEASIBLE INFEASIBLE UNKNOWN MODEL_INVALID kontanthjaelp uddannelseshjaelp
    foertidspension doegnhjaelp boernetilskud skaev beskaeftigelsesfradrag
    """
    )
)

# Words and names in use as they are on Danish pages.
ALLOWED = re.compile(r"Housing First|boligmatch|OpenID Connect|Excel|CSV|PDF|PNG|JSON", re.I)
_WORD = re.compile(r"[^\W\d]+", re.UNICODE)


def english_words(text: str) -> list[str]:
    """The English words in ``text`` (in order, each once), after removing allowed names."""
    words = _WORD.findall(ALLOWED.sub(" ", text))
    return list(
        dict.fromkeys(
            w for w in words if w in RAW_CODES or (w.lower() in ENGLISH and not w.isupper())
        )
    )
