"""Renderers: typed results turned into what people and machines read, in one place.

Pure functions from values to strings. One caret renderer (:mod:`.finding`) prints every
located finding, a lint diagnostic or a server error alike; :mod:`.lint` adds the summary, JSON
(the one JSON form), SARIF 2.1.0 and GitHub annotations; :mod:`.check` and :mod:`.perf` print
``dbarch check``, ``explain`` and ``advise`` results for people; :mod:`.reqtest` prints
requirement-test reports (``dbarch test``) and their failures (``dbarch memory check`` and
``migrate``).
"""
