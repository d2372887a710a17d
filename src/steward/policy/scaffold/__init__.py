"""A starting data management plan built from questionnaire answers.

``steward init`` asks the data-security questionnaire (or reads the answers from a
YAML file), then :func:`scaffold` turns the answers into a complete, commented plan
that loads, classifies and passes ``steward policy check``. Everything here is pure:
answers in, plan data and YAML text out. Only :func:`load_answers` reads a file.

Places where a person must decide (a complaints procedure, the oversight body, a
law to cite) are filled with text starting ``TODO:`` and listed at the top of the file.

* :mod:`~steward.policy.scaffold.answers`: the questionnaire answers and their parsing;
* :mod:`~steward.policy.scaffold.builder`: answers to plan data;
* :mod:`~steward.policy.scaffold.render`: plan data to commented YAML;
* :mod:`~steward.policy.scaffold.defaults`: the packaged defaults.
"""

from steward.policy.scaffold.answers import (
    TODO,
    Answers,
    AnswersError,
    HostingAnswer,
    PrivacyOfficerAnswer,
    SourceAnswer,
    answer_message,
    load_answers,
    parse_answers,
    split_list,
)
from steward.policy.scaffold.builder import Scaffold, scaffold
from steward.policy.scaffold.render import render

__all__ = [
    "TODO",
    "Answers",
    "AnswersError",
    "HostingAnswer",
    "PrivacyOfficerAnswer",
    "Scaffold",
    "SourceAnswer",
    "answer_message",
    "load_answers",
    "parse_answers",
    "render",
    "scaffold",
    "split_list",
]
