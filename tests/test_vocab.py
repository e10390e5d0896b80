"""Vocabulary files and the phrase matcher: normalization of real abstract wording."""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

from imatinib_cli import vocab
from imatinib_cli.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def tumors(text: str) -> list[tuple[str, str]]:
    return [(hit.as_written, hit.key) for hit in vocab.tumor_matcher().find(text)]


def events(text: str) -> list[tuple[str, str]]:
    return [(hit.as_written, hit.key) for hit in vocab.adverse_event_matcher().find(text)]


@pytest.fixture
def extra_dir(tmp_path: Path) -> Iterator[Path]:
    vocab.set_extra_dir(tmp_path)
    yield tmp_path
    vocab.set_extra_dir(None)


# --------------------------------------------------------------------------- adverse events


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("anaemia", "Anemia"),
        ("periorbital oedema", "Periorbital edema"),
        ("skin rash", "Rash maculo-papular"),
        ("granulocytopenia", "Neutrophil count decreased"),
        ("diarrhoea", "Diarrhea"),
        ("fatigue", "Fatigue"),
        ("nausea", "Nausea"),
        ("thrombocytopenia", "Platelet count decreased"),
        ("leucopenia", "White blood cell decreased"),
        ("muscle cramps", "Muscle cramp"),
        ("asthenia", "Fatigue"),
        ("edema", "Generalized edema"),
        ("fluid retention", "Generalized edema"),
        ("peripheral oedema", "Edema limbs"),
        ("GI bleeding", "Upper gastrointestinal hemorrhage"),
        ("intraabdominal hemorrhage", "Intra-abdominal hemorrhage"),
        ("intra-abdominal haemorrhage", "Intra-abdominal hemorrhage"),
        ("elevated transaminases", "Alanine aminotransferase increased"),
        ("hypophosphataemia", "Hypophosphatemia"),
        ("maculopapular rash", "Rash maculo-papular"),
        ("increased creatinine", "Creatinine increased"),
    ],
)
def test_adverse_event_synonyms(text: str, term: str) -> None:
    assert events(text) == [(text, term)]


def test_seed_side_effect_sentence() -> None:
    text = (
        "The most frequent side-effects were anaemia (92%), periorbital oedema (84%), skin rash (69%), "
        "fatigue (76%), nausea (57%), granulocytopenia (47%) and diarrhoea (47%)."
    )
    assert [key for _, key in events(text)] == [
        "Anemia",
        "Periorbital edema",
        "Rash maculo-papular",
        "Fatigue",
        "Nausea",
        "Neutrophil count decreased",
        "Diarrhea",
    ]


def test_adverse_event_entry_fields() -> None:
    (hit,) = vocab.adverse_event_matcher().find("anaemia")
    assert hit.entry["term"] == "Anemia"
    assert hit.entry["soc"] == "Blood and lymphatic system disorders"
    assert hit.entry["meddra_code"] == 10002272


def test_ambiguous_everyday_words_are_not_adverse_events() -> None:
    assert events("a fall in hemoglobin after bone marrow aspiration; disease progression") == []


# --------------------------------------------------------------------------- tumor types


def test_gist_with_acronym_in_parentheses() -> None:
    hits = vocab.tumor_matcher().find("gastrointestinal stroma tumours (GIST)")
    assert [(h.as_written, h.key, h.entry["group"]) for h in hits] == [
        ("gastrointestinal stroma tumours", "GIST", "GIST"),
        ("GIST", "GIST", "GIST"),
    ]


def test_other_soft_tissue_sarcomas() -> None:
    hits = vocab.tumor_matcher().find("other soft tissue sarcomas (STS)")
    assert [(h.key, h.entry["group"]) for h in hits] == [("STS", "non-GIST"), ("STS", "non-GIST")]
    assert hits[0].as_written == "other soft tissue sarcomas"
    assert tumors("soft-tissue sarcoma") == [("soft-tissue sarcoma", "STS")]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("solid tumors", "SOLID"),
        ("solid tumours", "SOLID"),
        ("hematologic malignancy", "HEME"),
        ("haematological malignancies", "HEME"),
        ("aggressive fibromatosis", "DES"),
        ("desmoid tumor", "DES"),
        ("dermatofibrosarcoma protuberans", "DFSP"),
        ("hypereosinophilic syndrome", "HES"),
        ("systemic mastocytosis", "SM"),
        ("myeloproliferative disorders", "MPN"),
        ("chronic myeloid leukaemia", "CML"),
        ("Ph+ CML", "CML"),
        ("Ph+ ALL", "BLLBCRABL1"),
        ("chronic myelomonocytic leukemia", "CMML"),
        ("small cell lung cancer", "SCLC"),
        ("SCLC", "SCLC"),
        ("glioblastoma multiforme", "GB"),
        ("acral melanoma", "ACRM"),
        ("mucosal melanoma", "MEL"),
        ("adenoid cystic carcinoma", "ACYC"),
        ("stromal tumors", "GIST"),
        ("GISTs", "GIST"),
        ("oesophageal cancer", "STOMACH"),
    ],
)
def test_tumor_synonyms(text: str, code: str) -> None:
    assert tumors(text) == [(text, code)]


def test_only_gist_is_in_the_gist_group() -> None:
    entries = vocab.load("tumor_types")["tumor_types"]
    assert {e["code"] for e in entries if e["group"] == "GIST"} == {"GIST"}
    assert {e["group"] for e in entries} == {"GIST", "non-GIST"}


def test_seed_tumor_list() -> None:
    text = (
        "Notable activity of imatinib was observed in only five tumor types (aggressive fibromatosis, "
        "dermatofibrosarcoma protuberans, hypereosinophilic syndrome, myeloproliferative disorders, "
        "and systemic mastocytosis)."
    )
    assert [key for _, key in tumors(text)] == ["DES", "DFSP", "HES", "MPN", "SM"]


def test_lowercase_gist_in_prose_is_not_a_tumor() -> None:
    assert tumors("That is the gist of the matter.") == []
    assert tumors("the GIST of the matter") == [("GIST", "GIST")]


def test_leftmost_longest() -> None:
    hits = vocab.tumor_matcher().find("advanced gastrointestinal stromal tumor was treated")
    assert [(h.as_written, h.key) for h in hits] == [("gastrointestinal stromal tumor", "GIST")]
    assert (hits[0].start, hits[0].end) == (9, 39)


def test_hard_wrapped_phrase() -> None:
    text = "with advanced gastrointestinal stromal\ntumors."
    ((written, code),) = tumors(text)
    assert code == "GIST"
    assert written == "gastrointestinal stromal\ntumors"


def test_stop_phrases_swallow_false_mentions() -> None:
    assert tumors("Response Evaluation Criteria in Solid Tumors (RECIST)") == []
    assert tumors("the EORTC Soft Tissue and Bone Sarcoma Group") == []
    assert tumors("non-GIST sarcomas") == [("sarcomas", "SARCNOS")]
    assert tumors("sex cord stromal tumor") == []  # ambiguous (ovary/testis), and not GIST


def test_slice_never_yields_part_of_a_word() -> None:
    matcher = vocab.tumor_matcher()
    text = "xGIST and GIST"
    assert [(h.start, h.end) for h in matcher.find(text, 1)] == [(10, 14)]
    assert matcher.find("GISTx", 0, 4) == []
    assert [(h.start, h.end) for h in matcher.find(text, 10, 14)] == [(10, 14)]


# --------------------------------------------------------------------------- matcher rules


def test_matcher_rules_on_hand_built_vocabulary() -> None:
    matcher = vocab.Matcher(
        [
            ("hematologic malignancy", "HEME", {}),
            ("intra-abdominal hemorrhage", "IAH", {}),
            ("days 1-14", "D", {}),
            ("CR", "cr", {}),
        ],
        stop=["complete response rate"],
    )
    found = [
        (h.as_written, h.key) for h in matcher.find("hematologic malignancies, intraabdominal hemorrhage")
    ]
    assert found == [("hematologic malignancies", "HEME"), ("intraabdominal hemorrhage", "IAH")]
    assert [h.key for h in matcher.find("on days 1 - 14")] == ["D"]
    assert matcher.find("on days 11-4") == []
    assert matcher.find("cr") == [] and [h.key for h in matcher.find("(CR)")] == ["cr"]
    assert len(matcher) == 5


def test_later_triples_win() -> None:
    matcher = vocab.Matcher([("rash", "A", {}), ("Rash", "B", {})])
    assert [h.key for h in matcher.find("rash")] == ["B"]
    assert len(matcher) == 1


def test_term_hits_are_hashable() -> None:
    hits = vocab.tumor_matcher().find("GIST and GIST")
    assert len(set(hits)) == 2


# --------------------------------------------------------------------------- extensions


def test_extension_dir_adds_synonyms_and_entries(extra_dir: Path) -> None:
    (extra_dir / "tumor_types.yaml").write_text(
        "tumor_types:\n"
        "  - code: GIST\n"
        "    synonyms: [gastrointestinal mesenchymal tumor]\n"
        "  - code: XYZ\n"
        "    name: Made-up Tumor\n"
        "    synonyms: [made-up tumor]\n",
        encoding="utf-8",
    )
    vocab.set_extra_dir(extra_dir)  # re-read after writing the file
    hits = vocab.tumor_matcher().find("a gastrointestinal mesenchymal tumour and a made-up tumor")
    assert [(h.key, h.entry["group"]) for h in hits] == [("GIST", "GIST"), ("XYZ", "non-GIST")]
    gist = next(e for e in vocab.load("tumor_types")["tumor_types"] if e["code"] == "GIST")
    assert "gastrointestinal stromal tumor" in gist["synonyms"]
    assert gist["synonyms"][-1] == "gastrointestinal mesenchymal tumor"


def test_extension_synonym_overrides_packaged_one(extra_dir: Path) -> None:
    (extra_dir / "adverse_events.yaml").write_text(
        "adverse_events:\n  - term: Edema limbs\n    synonyms: [edema]\n", encoding="utf-8"
    )
    vocab.set_extra_dir(extra_dir)
    assert events("edema") == [("edema", "Edema limbs")]


def test_phrase_matcher_on_a_user_vocabulary(extra_dir: Path) -> None:
    (extra_dir / "colours.yaml").write_text(
        "colours:\n  - key: red\n    synonyms: [crimson, scarlet]\nstop_phrases: [scarlet fever]\n",
        encoding="utf-8",
    )
    vocab.set_extra_dir(extra_dir)
    matcher = vocab.phrase_matcher("colours", "key")
    assert [h.key for h in matcher.find("crimson or scarlet, not scarlet fever")] == ["red", "red"]


def test_bad_extension_files_are_reported(extra_dir: Path) -> None:
    (extra_dir / "tumor_types.yaml").write_text("tumor_types: [\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"tumor_types.yaml: malformed YAML \(line 2: "):
        vocab.set_extra_dir(extra_dir)  # checked up front, not when a document needs it
    assert vocab.extra_dir() is None
    with pytest.raises(UsageError):
        vocab.set_extra_dir(extra_dir / "missing")


# --------------------------------------------------------------------------- packaged files


def test_every_ctcae_term_is_present() -> None:
    entries = vocab.load("adverse_events")["adverse_events"]
    assert len(entries) == 837
    other = [e for e in entries if e["term"].endswith("- Other, specify")]
    assert other and all(e["synonyms"] == [] for e in other)


@pytest.mark.parametrize(("name", "field"), [("tumor_types", "code"), ("adverse_events", "term")])
def test_no_phrase_belongs_to_two_entries(name: str, field: str) -> None:
    owner: dict[str, str] = {}
    for entry in vocab.load(name)[name]:
        for synonym in entry["synonyms"]:
            key = vocab.normalize(synonym)[0]
            assert owner.setdefault(key, entry[field]) == entry[field], synonym


@pytest.mark.skipif(not (SHARED / "vocab").is_dir(), reason="needs ../shared/vocab")
def test_generated_files_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_vocab.py"), "--shared", str(SHARED), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def _slice_alone(matcher: vocab.Matcher, text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """What the matcher finds in text[start:end] read on its own, with the edge words blanked
    when the slice cuts them (a cut word neither starts nor ends a phrase), in text offsets."""
    piece = list(text[start:end])
    if start > 0 and text[start - 1].isalnum():
        for i, ch in enumerate(piece):
            if not ch.isalnum():
                break
            piece[i] = " "
    if end < len(text) and text[end].isalnum():
        for i in range(len(piece) - 1, -1, -1):
            if not piece[i].isalnum():
                break
            piece[i] = " "
    return [(h.start + start, h.end + start, h.key) for h in matcher.find("".join(piece))]


ABSTRACTS = sorted((ROOT / "tests" / "cases" / "abstracts").glob("*.txt"))
DIGIT_RUNS = "GIST treated days 1-14 or 1 - 4 of 28-day cycles; grade 3-4 anemia, 12% had GISTs 400 mg.\n" * 3


@pytest.mark.parametrize("path", [*ABSTRACTS[:6], None], ids=lambda p: p.stem if p else "digits")
def test_a_slice_reads_as_if_tokenized_alone(path: Path | None) -> None:
    """Slices reuse one tokenization of the whole text; they must read exactly like the slice alone,
    including edges that cut a word or fall between two digits ("days 1-14")."""
    rng = random.Random(0)
    text = path.read_text(encoding="utf-8") if path else DIGIT_RUNS
    matchers = [vocab.tumor_matcher(), vocab.adverse_event_matcher()]
    for _ in range(300):
        start = rng.randrange(len(text))
        end = min(len(text), start + rng.randrange(1, 400))
        for matcher in matchers:
            found = [(h.start, h.end, h.key) for h in matcher.find(text, start, end)]
            assert found == _slice_alone(matcher, text, start, end), (start, end)


# --------------------------------------------------------------------------- compiled snapshot

_PROBE_TEXT = "Soft tissue sarcomas and GISTs; grade 3 anaemia."
_SNAPSHOT_PROBE = (
    "import json, sys; from imatinib_cli import vocab; "
    "vocab.set_extra_dir(sys.argv[2] if len(sys.argv) > 2 else None); "
    "hits = vocab.tumor_matcher().find(sys.argv[1]) + vocab.adverse_event_matcher().find(sys.argv[1]); "
    "print(json.dumps([[h.start, h.end, h.key] for h in hits]))"
)


def _probe(cache: Path, *extra: str) -> list[list[object]]:
    import json
    import os

    env = {**os.environ, "IMX_CACHE_DIR": str(cache)}
    command = [sys.executable, "-c", _SNAPSHOT_PROBE, _PROBE_TEXT, *extra]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout)


def _at(phrase: str) -> list[int]:
    start = _PROBE_TEXT.index(phrase)
    return [start, start + len(phrase)]


def test_snapshot_is_written_once_and_reused(tmp_path: Path) -> None:
    first = _probe(tmp_path)
    assert first == [
        [*_at("Soft tissue sarcomas"), "STS"],
        [*_at("GISTs"), "GIST"],
        [*_at("anaemia"), "Anemia"],
    ]
    snapshots = sorted(tmp_path.glob("vocab-*.json"))
    assert len(snapshots) == 1
    written = snapshots[0].stat().st_mtime_ns
    assert _probe(tmp_path) == first
    assert [snapshot.stat().st_mtime_ns for snapshot in tmp_path.glob("vocab-*.json")] == [written]


def test_snapshot_follows_an_extension_folder(tmp_path: Path) -> None:
    extension, cache = tmp_path / "vocab", tmp_path / "cache"
    extension.mkdir()
    (extension / "tumor_types.yaml").write_text(
        "tumor_types:\n  - code: GIST\n    synonyms: [grade 3 anaemia]\n", encoding="utf-8"
    )
    plain = _probe(cache)
    extended = _probe(cache, str(extension))
    assert len(list(cache.glob("vocab-*.json"))) == 2  # one per vocabulary state
    assert [*_at("grade 3 anaemia"), "GIST"] in extended
    assert [*_at("grade 3 anaemia"), "GIST"] not in plain
    assert _probe(cache) == plain


def test_a_damaged_snapshot_is_ignored(tmp_path: Path) -> None:
    good = _probe(tmp_path)
    for snapshot in tmp_path.glob("vocab-*.json"):
        snapshot.write_bytes(b"not a pickle")
    assert _probe(tmp_path) == good


def test_an_unwritable_cache_folder_is_only_slower(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would be", encoding="utf-8")
    assert _probe(blocker / "imx") == _probe(tmp_path / "cache")


def test_a_warm_run_reads_no_yaml(tmp_path: Path) -> None:
    import os

    probe = (
        "import sys; from imatinib_cli import vocab; vocab.tumor_matcher(); "
        "[vocab.load(name) for name in ('cues', 'responses', 'schedules', 'numbers')]; "
        "print('yaml' in sys.modules)"
    )
    env = {**os.environ, "IMX_CACHE_DIR": str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
        ).stdout
        for _ in range(2)
    ]
    # Neither run imports yaml: the first reads the packaged files' pre-parsed forms (and writes the
    # snapshot), the second the snapshot (tests/test_vocab_parsed.py has the stale-form cases).
    assert runs == ["False\n", "False\n"]
    assert len(list(tmp_path.glob("vocab-*.json"))) == 1


@pytest.mark.parametrize("joined_gap", [None, 0], ids=["near-joined", "apart"])
@pytest.mark.parametrize("gapped", [False, True], ids=["touching", "gapped"])
@pytest.mark.parametrize("path", [*ABSTRACTS[:4], None], ids=lambda p: p.stem if p else "digits")
def test_a_slice_inside_a_region_reads_as_in_the_whole_text(
    path: Path | None, gapped: bool, joined_gap: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """scan_regions tokenizes a text region by region; slices inside a region (and slices across
    regions, which fall back to the whole text) must find exactly what they found before. Regions
    that touch (or have only whitespace between them) are read as one; "gapped" regions leave a
    line's first and last characters out: three characters apart, they are read as one too
    (fewer than vocab._JOINED_GAP between them), and each apart when no gap is joined."""
    if joined_gap is not None:
        monkeypatch.setattr(vocab, "_JOINED_GAP", joined_gap)
    rng = random.Random(1)
    whole = path.read_text(encoding="utf-8") if path else DIGIT_RUNS
    text = "".join(whole)  # a distinct object: regions belong to one text object
    lines = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"] + [len(text)]
    cuts = sorted(set(rng.sample(lines, min(6, len(lines)))) | {0, len(text)})
    regions = list(pairwise(cuts))
    if gapped:
        regions = [(start + 1, end - 2) for start, end in regions if end - start > 4]
    matchers = [vocab.tumor_matcher(), vocab.adverse_event_matcher()]
    slices = [(start, end) for start, end in regions]
    for _ in range(200):
        start = rng.randrange(len(text))
        slices.append((start, min(len(text), start + rng.randrange(1, 300))))
    expected = {
        (m, s): [(h.start, h.end, h.key) for h in m.find(whole, *s)] for m in matchers for s in slices
    }
    vocab.scan_regions(text, regions)
    for (matcher, (start, end)), found in expected.items():
        assert [(h.start, h.end, h.key) for h in matcher.find(text, start, end)] == found, (start, end)
    # Touching regions are one: a slice in the first and one in the last read the same scan.
    first, last = regions[0], regions[-1]
    apart = gapped and joined_gap == 0
    assert (vocab._text_scan(text, *first) is vocab._text_scan(text, *last)) is not apart


def test_regions_with_only_whitespace_between_them_are_tokenized_once() -> None:
    """An abstract's labelled parts ("Methods: ...", blank line, "Results: ...") are sections of
    their own; with nothing but whitespace between them they are one pass of the tokenizer."""
    navigation = "Navigation " * 12  # (132 characters: more than vocab._JOINED_GAP)
    text = "".join(["Title line\n", navigation, "\nMethods: GIST patients.\n\nResults: 5 had edema.\n"])
    methods = text.index("Methods")
    results = text.index("Results")
    vocab.scan_regions(text, [(0, 10), (methods, results - 2), (results, len(text) - 1)])
    scan = vocab._text_scan(text, methods, methods + 5)
    assert vocab._text_scan(text, results, results + 5) is scan
    assert vocab._text_scan(text, 0, 5) is not scan  # the navigation lies between: apart
    hits = vocab.adverse_event_matcher().find(text, results, len(text) - 1)
    assert [h.as_written for h in hits] == ["edema"]


def test_regions_a_few_characters_apart_are_tokenized_once() -> None:
    """A journal page's title and abstract with its author names between them (fewer than
    vocab._JOINED_GAP characters) are one pass of the tokenizer, and read what the whole text
    reads: a phrase in the names between them is never part of a slice inside either."""
    text = "".join(["Imatinib in GIST\nS Okafor\nL Kim\nAbstract\nEdema in 5 GIST patients.\n"])
    abstract = text.index("Abstract")
    whole = "".join(text)
    vocab.scan_regions(text, [(0, 16), (abstract, len(text) - 1)])
    assert vocab._text_scan(text, 0, 5) is vocab._text_scan(text, abstract, abstract + 5)
    for matcher in (vocab.tumor_matcher(), vocab.adverse_event_matcher()):
        for start, end in [(0, 16), (abstract, len(text) - 1), (12, 16), (abstract + 9, abstract + 14)]:
            assert matcher.find(text, start, end) == matcher.find(whole, start, end)
    assert [h.as_written for h in vocab.tumor_matcher().find(text, 0, 16)] == ["GIST"]


def test_a_snapshot_others_could_have_written_is_not_read(tmp_path: Path) -> None:
    import json

    good = _probe(tmp_path)
    (snapshot,) = tmp_path.glob("vocab-*.json")
    # What another user could plant: a well-formed snapshot that would change what the matcher finds.
    snapshot.write_text(json.dumps({"format": 3, "vocabularies": {}, "matchers": []}), encoding="utf-8")
    snapshot.chmod(0o666)
    assert _probe(tmp_path) == good  # not read: rebuilt from the YAML files
    assert snapshot.stat().st_mode & 0o777 == 0o600  # and replaced by a private one
