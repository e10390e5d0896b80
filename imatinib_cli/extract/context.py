"""What every extractor needs about a document: its readable sentences, their numbers and tumors.

Built once per document so each extractor scans the text for its own cues only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from imatinib_cli import vocab
from imatinib_cli.extract import cues
from imatinib_cli.extract.numbers import (
    Dropped,
    Fraction,
    Num,
    find_fractions,
    find_numbers,
    find_numbers_across,
)
from imatinib_cli.extract.sentences import Sentence, quote, split_sentences
from imatinib_cli.models import Document, Evidence, Section, TumorMention
from imatinib_cli.regexes import case_blind_alternation, prefix_alternation, prefix_options

# Sections whose sentences may carry results. Eligibility criteria and site chrome never do.
READABLE_KINDS = frozenset({"title", "abstract", "body", "results", "registry"})
# Registry sections that define outcomes rather than report them.
DEFINITION_LABELS = frozenset({"outcome_measures"})
# At most this many characters of a document's readable sections are read for results; the rest is
# left with a warning (extract: the limit named). A full-text trial report is some 100,000 characters;
# reading costs about 10 to 20 seconds a million characters on a text made only of numbers.
MAX_DOCUMENT_CHARS = 1_000_000


@dataclass(init=False)
class SentenceInfo:
    """A readable sentence with its numbers, fractions and tumor mentions, and what readers ask of it.

    `evidence` (the sentence quoted) is made on its first read when build_context gives only
    the document's path: about half the sentences are never cited, and a quote and an Evidence cost
    more than the rest of a sentence's setup. `fractions` likewise, when given as None with the
    document's text: a reader asks for them in fewer than half the sentences with two numbers.
    Still a dataclass to `dataclasses` (its fields compared, printed, `replace`d), with this
    __init__: `SentenceInfo(sentence, "abstract", "", [], [], [], evidence)`.
    """

    __slots__ = (
        "sentence",
        "kind",
        "label",
        "numbers",
        "_fractions",
        "tumors",
        "_evidence",
        "cached",
        "inline_label",
        "_path",
        "_text",
        "start",
        "end",
        "reports_results",
        "lower",
        "states_results",
    )
    sentence: Sentence
    kind: str
    label: str
    numbers: list[Num]
    fractions: list[Fraction]  # (the property below: a field to `dataclasses`)
    tumors: list[TumorMention]
    evidence: Evidence  # (the property below: a field to `dataclasses`, compared and printed)
    # Facts about the whole sentence that several clauses ask for; computed once.
    cached: dict[str, object]
    # The last label written inside the section's text before this sentence's end
    # ("... Background: ...", "RESULTS: ..."), when the section itself has none that says so.
    inline_label: str

    def __init__(
        self,
        sentence: Sentence,
        kind: str,
        label: str,
        numbers: list[Num],
        fractions: list[Fraction] | None,
        tumors: list[TumorMention],
        evidence: Evidence | None,
        cached: dict[str, object] | None = None,
        inline_label: str = "",
        path: str = "",
        text: str = "",
    ) -> None:
        self.sentence = sentence
        self.kind = kind
        self.label = label
        self.numbers = numbers
        self._fractions = fractions
        self.tumors = tumors
        self._evidence = evidence
        self._path = path  # for the evidence, when it is made on first read
        self._text = text  # the document's, for the fractions when they are found on first read
        self.cached = {} if cached is None else cached
        self.inline_label = inline_label
        # Read often (start and end ~190 times a document, reports_results ~24, states_results ~14,
        # lower ~54): plain slots, not properties (a property is a Python call on each read; a slot
        # a specialised load). Not fields to `dataclasses`.
        self.start = sentence.start
        self.end = sentence.end
        self.reports_results = reports = kind != "title" and label not in DEFINITION_LABELS
        # False in sections that describe the plan ('METHODS:'): no response or toxicity read there.
        named = inline_label or label
        self.states_results = reports and (
            not named or named.lower().rstrip(":") not in cues_non_result_labels()
        )
        # The sentence in lowercase, for cheap 'could this sentence matter' checks: every
        # sentence's is read (vocab.lowercase, written out: the same length as the text).
        written = sentence.text
        lowered = written.lower()
        self.lower = lowered if len(lowered) == len(written) else vocab.lowercase(written)

    @property
    def fractions(self) -> list[Fraction]:
        """The sentence's fractions ("12 of 40"), found on the first read when build_context gave
        None and the document's text."""
        fractions = self._fractions
        if fractions is None:
            numbers = self.numbers
            fractions = self._fractions = find_fractions(self._text, numbers) if len(numbers) > 1 else []
        return fractions

    @property
    def evidence(self) -> Evidence:
        """The sentence quoted (made on the first read when build_context gave only the path)."""
        evidence = self._evidence
        if evidence is None:
            sentence = self.sentence
            evidence = self._evidence = Evidence.__new__(
                Evidence, self._path, sentence.start, sentence.end, quote(sentence)
            )
        return evidence

    def has_word(self, pattern: re.Pattern[str]) -> bool:
        lowered = self.lower
        if lowered.isascii():
            pattern = _ascii_twins.get(pattern) or _ascii_twin(pattern)
        return pattern.search(lowered) is not None

    def cite(self, start: int, end: int) -> Evidence:
        """Evidence for a value at text[start:end], quoting its sentence."""
        evidence = self._evidence or self.evidence  # (the property once, only if not made yet)
        # (Evidence's own __new__, the record's generated constructor, called directly: the same
        # record without the class call's look-up of __new__ and its argument tuple)
        return Evidence.__new__(Evidence, evidence.document, start, end, evidence.quote)


# A word start as regexes.word_start_alternation writes it: the first letter consumed, then "not
# after a word character" checked behind it. In ASCII text "\w" reads [0-9A-Za-z_]; as a set `re`
# tests it from a bitmap instead of a Unicode look-up (~10 % of has_word's ~46 searches a document).
_WORD_START = r"(?<!\w\w)"
_ASCII_WORD_START = r"(?<![0-9A-Za-z_][0-9A-Za-z_])"
_ascii_twins: dict[re.Pattern[str], re.Pattern[str]] = {}


def _ascii_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` with each word-start test written for ASCII text: the same matches on a text
    that `str.isascii()`; kept per pattern (a process holds a few dozen cue patterns)."""
    twin = pattern
    if _WORD_START in pattern.pattern and not pattern.flags & (re.I | re.A):
        twin = re.compile(pattern.pattern.replace(_WORD_START, _ASCII_WORD_START), pattern.flags)
    if len(_ascii_twins) < 256:
        _ascii_twins[pattern] = twin
    return twin


@dataclass(slots=True)
class Context:
    document: Document
    sentences: list[SentenceInfo] = field(default_factory=list)
    # Numerals that are not read (numbers.Dropped: too long, a power beyond 10^15, unsure separators)
    dropped: list[Dropped] = field(default_factory=list)
    # Sentences longer than sentences.MAX_SENTENCE_CHARS, read in pieces (each piece a SentenceInfo).
    long_sentences: int = 0
    # The readable characters a document has, when more than MAX_DOCUMENT_CHARS (0: all were read),
    # and the limit it was read up to.
    readable_chars: int = 0
    read_limit: int = 0
    # The sections read, cut or not: every extractor that looks beyond one sentence looks here only.
    sections: list[Section] = field(default_factory=list)
    # The document's text: a slot set once, not a property (readers read it ~85 times a document,
    # each a Python call as a property).
    text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.text = self.document.text


@vocab.cached
def cues_non_result_labels() -> frozenset[str]:
    return frozenset(str(label).lower() for label in vocab.load("cues")["non_result_labels"])


def _label_name(label: str) -> str:
    """'Patients  and\nMETHODS :' -> 'patients and methods'."""
    return " ".join(label.rstrip(":").split()).lower()


@vocab.cached
def _result_labels() -> frozenset[str]:
    return frozenset(str(label).lower() for label in vocab.load("cues")["result_labels"])


@vocab.cached
def _result_label_words() -> tuple[str, ...] | None:
    """The first words of the results labels, none holding another ('result' for 'results'); None
    if one is not ASCII. An ASCII word lowercases the same in any text around it (a label's name
    is its text lowercased, a Greek final sigma would not), so it is in the section lowercased."""
    firsts = {label.split()[0] for label in _result_labels() if label.strip()}
    if not all(word.isascii() for word in firsts):
        return None
    return cues.substring_gate(firsts)


def _label_words() -> list[str]:
    data = vocab.load("cues")
    labels = [str(x) for x in data["non_result_labels"]] + [str(x) for x in data["result_labels"]]
    return sorted({label.lower() for label in labels if "_" not in label})


@vocab.cached
def _inline_label() -> re.Pattern[str]:
    """'Background:', 'RESULTS:', 'Patients and methods:' written inside a section's text."""
    # Opening with a label's first letter in every case ("ſ" reads "s"), so the engine skips in C
    # to where a label may start; the labels share their prefixes. The same matches as
    # "(?<![\w-])(?i:label|label...)\s*:".
    options = [(first, rest.replace(r"\ ", r"\s+")) for first, rest in prefix_options(_label_words())]
    return re.compile(case_blind_alternation(options, r"[\w-]") + r"\s*:", re.I)


@vocab.cached
def _inline_label_backwards() -> re.Pattern[str] | None:
    """_inline_label spelled backwards, to match from a colon in the reversed text: ':\\s*' and a
    label reversed, longest first, not after a word character or hyphen. None when a label has a
    colon or an edge of spaces (then a match might not end at the first colon after its start)."""
    words = _label_words()
    if any(":" in word or word != word.strip() for word in words):
        return None
    alternation = prefix_alternation(word[::-1] for word in words).replace(r"\ ", r"\s+")
    return re.compile(rf":\s*(?:{alternation})(?![\w-])", re.I)


def _label_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans _inline_label().finditer(text, start, end) finds, found from each colon
    backwards: "Methods: ... Results: ..." has two colons and hundreds of places a label could
    start, so one match per colon costs a sixth of the forward scan. A match ends at the first
    colon after its start (no label holds one), so the label before a colon is the longest that
    ends there; before the section, one character stands for what the lookbehind sees (a label
    never holds "_" nor a NUL)."""
    backwards = _inline_label_backwards()
    if backwards is None:
        return [m.span() for m in _inline_label().finditer(text, start, end)]
    end = min(end, len(text))
    colon = text.find(":", start, end)
    if colon < 0:
        return []
    # ("[\w-]" reads what str.isalnum reads, "_" and "-": sre's \w is Py_UNICODE_ISALNUM or "_")
    before = "_" if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_-") else "\0"
    # A match reads from its colon back: only the text up to the last colon is reversed (a
    # section's label opens it, so mostly a few characters instead of the whole section).
    last = text.rfind(":", colon, end)
    reversed_text = text[start : last + 1][::-1] + before
    spans = []
    while colon >= 0:
        match = backwards.match(reversed_text, last - colon)
        if match is not None and last + 1 - match.end() >= start:
            spans.append((last + 1 - match.end(), colon + 1))
        colon = text.find(":", colon + 1, end)
    return spans


def _inline_labels(text: str, sentences: list[Sentence]) -> list[str]:
    """For each sentence, the last inline label at or before it; a label that opens with a capital.
    Only in a structured abstract, one whose labels include a results label ('Results:'): a
    registry page's 'Study Design:' or 'Condition:' does not silence the results tables after it."""
    start, end = sentences[0].start, sentences[-1].end
    words = _result_label_words()
    # A results label's name holds its first word as written, lowercased: a section without any
    # ("Methods: ...", a title) has no results label (two thirds of the sections of a structured
    # abstract; a lowercasing and a few `in`s instead of a backwards search).
    if words is not None and not cues.holds_any(text[start:end].lower(), words):
        return [""] * len(sentences)
    spans = _label_spans(text, start, end)
    if not spans:
        return [""] * len(sentences)  # every label ends with a colon: none here (no regex pass)
    found = []
    results = _result_labels()
    any_results = False
    for at, stop in spans:  # (a loop, not two comprehensions: most sections have one label)
        if text[at].isupper():
            name = _label_name(text[at:stop])
            found.append((at, name))
            any_results = any_results or name in results
    if not any_results:
        return [""] * len(sentences)
    labels: list[str] = []
    current, at = "", 0
    for sentence in sentences:
        while at < len(found) and found[at][0] < sentence.end:
            current = found[at][1]
            at += 1
        labels.append(current)
    return labels


def readable_sections(document: Document) -> list[Section]:
    sections = [s for s in document.sections if s.kind in READABLE_KINDS]
    if not document.sections:
        sections = [Section("body", 0, len(document.text))]
    return sorted(sections, key=lambda s: s.start)


def _first_chars(text: str, sections: list[Section], budget: int) -> list[Section]:
    """The sections cut to their first `budget` characters in all (a section past it is left out);
    the cut at the last line break before it when there is one in the last tenth, so no line is
    read in part."""
    kept: list[Section] = []
    for section in sections:
        if budget <= 0:
            break
        end = section.end
        if section.start + budget < end:
            end = section.start + budget
            line_end = text.rfind("\n", max(section.start, end - budget // 10), end)
            end = line_end if line_end > section.start else end
        kept.append(Section(section.kind, section.start, end, section.label))
        budget -= end - section.start
        if end < section.end:
            break
    return kept


def build_context(document: Document) -> Context:
    """Sentences with their numbers and tumor mentions; each scan runs once per section."""
    context = Context(document)
    text = document.text
    tumors = vocab.tumor_matcher()
    sections = readable_sections(document)
    total = sum(section.end - section.start for section in sections)
    if total > MAX_DOCUMENT_CHARS:
        context.readable_chars, context.read_limit = total, MAX_DOCUMENT_CHARS
        sections = _first_chars(text, sections, MAX_DOCUMENT_CHARS)
    context.sections = sections
    if (len(sections) > 1 or context.readable_chars) and all(a.end <= b.start for a, b in pairwise(sections)):
        # Phrases are looked up section by section: never tokenize what no extractor reads.
        vocab.scan_regions(text, [(section.start, section.end) for section in sections])
    path = document.path
    infos = context.sentences
    # The records' own __new__ (their generated constructors), called directly: the same records.
    new_evidence, new_mention = Evidence.__new__, TumorMention.__new__
    # Every section's numbers in one scan (find_numbers_across), or section by section when the
    # sections cannot be joined; either way in order, so each sentence's are a run of them.
    across = find_numbers_across(
        text, [(section.start, section.end) for section in sections], context.dropped
    )
    numbers = across or []
    number_at = 0
    for section in sections:
        if across is None:
            numbers = find_numbers(text, section.start, section.end, context.dropped)
            number_at = 0
        sentences = split_sentences(text, section.start, section.end)
        if not sentences:  # only whitespace
            continue
        inline = _inline_labels(text, sentences)
        hits = tumors.find(text, section.start, section.end)
        kind, label = section.kind, section.label
        hit_at = 0
        count, hit_count = len(numbers), len(hits)
        for sentence, inline_label in zip(sentences, inline, strict=True):
            if sentence.cut_after and not sentence.cut_before:
                context.long_sentences += 1
            sentence_start, sentence_end = sentence.start, sentence.end
            evidence = None  # (made when first read, unless a tumor mention quotes it now)
            # The sentence's numbers: a run of the section's (sorted by start, none across a sentence end).
            while number_at < count and numbers[number_at].start < sentence_start:
                number_at += 1
            first = number_at
            while number_at < count and numbers[number_at].end <= sentence_end:
                number_at += 1
            mine = numbers[first:number_at]
            while hit_at < hit_count and hits[hit_at].start < sentence_start:
                hit_at += 1
            mentions = []
            while hit_at < hit_count and hits[hit_at].end <= sentence_end:
                hit = hits[hit_at]
                if evidence is None:
                    evidence = new_evidence(Evidence, path, sentence_start, sentence_end, quote(sentence))
                entry = hit.entry
                mentions.append(
                    new_mention(
                        TumorMention,
                        hit.key,
                        str(entry.get("name", hit.key)),
                        str(entry.get("group", "non-GIST")),
                        hit.as_written,
                        new_evidence(Evidence, path, hit.start, hit.end, evidence.quote),
                    )
                )
                hit_at += 1
            infos.append(
                SentenceInfo(
                    sentence,
                    kind,
                    label,
                    mine,
                    None,  # (found on first read)
                    mentions,
                    evidence,
                    None,
                    inline_label,
                    path,
                    text,
                )
            )
    return context
