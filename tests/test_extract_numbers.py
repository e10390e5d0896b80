from imatinib_cli.extract.numbers import find_fractions, find_numbers, words_to_int, written_number
from imatinib_cli.extract.sentences import split_sentences
from imatinib_cli.extract.toxicity import _number as _toxicity_number


def test_spelled_out_numbers() -> None:
    assert words_to_int("One hundred eighty-six") == 186
    assert words_to_int("twenty-seven") == 27
    assert words_to_int("two") == 2
    assert words_to_int("several") is None


def test_numbers_with_percents_and_spans() -> None:
    text = "Overall, 79 patients (53.7 percent) had a partial response; 4% had CR."
    numbers = find_numbers(text)
    assert [(n.value, n.percent) for n in numbers] == [(79, False), (53.7, True), (4, True)]
    assert text[numbers[1].start : numbers[1].end] == "53.7 percent"


def test_identifiers_are_not_numbers() -> None:
    values = [n.value for n in find_numbers("KIT mutation (D816T) per RECIST v1.0, pages 2717-25")]
    assert 816 not in values and 1.0 not in values and 25 not in values


def test_fractions() -> None:
    text = "response rate was 12% (3/25); two of 30 patients responded"
    numbers = find_numbers(text)
    fractions = [(f.count.value, f.total.value) for f in find_fractions(text, numbers)]
    assert fractions == [(3, 25), (2, 30)]


def test_sentences_keep_offsets_and_skip_abbreviations() -> None:
    text = "Heinrich et al. reported 8.9% responses. Doses were 400 mg b.i.d. in all. Done"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Heinrich et al. reported 8.9% responses.",
        "Doses were 400 mg b.i.d. in all.",
        "Done",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_written_numbers_read_as_one_helper() -> None:
    """outcomes and toxicity read a matched numeral or number words through written_number."""
    values = [written_number(t) for t in ("12", "5·2", "18.5", "three", "Twenty-one", "several")]
    assert values == [12.0, 5.2, 18.5, 3.0, 21.0, None]
    assert _toxicity_number("none") == 0.0 and _toxicity_number("None") == 0.0
    assert _toxicity_number("") is None and _toxicity_number("7") == 7.0
