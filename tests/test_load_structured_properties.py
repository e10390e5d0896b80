"""Structured-format readers never crash, never lose a file, and number the records of a file."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.load import load_records

# Pieces of every structured format, so random files reach every reader and its edge cases.
FRAGMENTS = (
    '<?xml version="1.0"?>\n',
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD x//EN" "https://example.invalid/x.dtd">\n',
    '<!DOCTYPE x [<!ENTITY e "v">]>',
    "<PubmedArticleSet>",
    "<PubmedArticle><MedlineCitation><PMID>1</PMID><Article>",
    "<ArticleTitle>Imatinib 400 mg</ArticleTitle>",
    '<Abstract><AbstractText Label="RESULTS">5 of 20 (25%).</AbstractText></Abstract>',
    "<DataBankList><DataBank><DataBankName>ClinicalTrials.gov</DataBankName><AccessionNumberList>"
    "<AccessionNumber>NCT00000001</AccessionNumber></AccessionNumberList></DataBank></DataBankList>",
    "</Article></MedlineCitation></PubmedArticle>",
    "</PubmedArticleSet>",
    "<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info>",
    "<clinical_results><reported_events><group_list><group group_id='E1'><title>A</title></group>"
    "</group_list><other_events><category_list><category><title>X</title><event_list><event>"
    "<sub_title>Nausea</sub_title><counts group_id='E1' subjects_affected='2' subjects_at_risk='x'/>"
    "</event></event_list></category></category_list></other_events></reported_events></clinical_results>",
    "</clinical_study>",
    "&e;",
    '{"protocolSection": {"identificationModule": {"nctId": "NCT00000001"}}',
    '{"studies": [',
    '{"protocolSection": {}, "resultsSection": {"adverseEventsModule": {"otherEvents": [{"term": "x",'
    ' "stats": [{"groupId": "EG000", "numAffected": "NA"}]}]}}}',
    ', "hasResults": true}',
    "]}",
    "null",
    "PMID- 123\n",
    "TI  - Title\n",
    "AB  - RESULTS: 3 of 9.\n      continued\n",
    "SI  - ClinicalTrials.gov/NCT00000001\n",
    "TY  - JOUR\n",
    "T1  - A title\n",
    "N2  - BACKGROUND: x. RESULTS: y.\n",
    "ER  - \n",
    "1.\n",
    "\ufeff",
    "\r\n",
    "\n\n",
)
files = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=25).map("".join)


def check(data: bytes) -> None:
    documents = load_records("file", data)
    assert documents
    assert [d.record for d in documents] == list(range(len(documents)))
    for document in documents:
        assert document.status in ("ok", "skipped", "error")
        if document.status != "ok":
            assert document.reason and "\n" not in document.reason
            assert document.text == ""
            continue
        assert "\r" not in document.text
        end = 0
        for section in document.sections:
            assert end <= section.start < section.end <= len(document.text)
            end = section.end
        results = document.registry_results
        if results is not None:
            for item in results.measures + results.adverse_events:
                assert item.evidence.path and "\n" not in item.evidence.quote


@settings(max_examples=400, deadline=None)
@given(files)
def test_any_structured_text_loads_without_crashing(text: str) -> None:
    check(text.encode("utf-8"))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200).map(lambda tail: b"%PDF-1.4\n" + tail + b"\n%%EOF\n"))
def test_any_pdf_like_bytes_load_without_crashing(data: bytes) -> None:
    check(data)


def _xml_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_XML_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"), max_size=30
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_XML_TEXT, min_size=6, max_size=6), st.integers(0, 3))
def test_well_formed_records_with_any_values_are_read(values: list[str], records: int) -> None:
    import json

    a, b, c, d, e, f = values
    x = [_xml_escape(v) for v in values]
    article = (
        f"<PubmedArticle><MedlineCitation><PMID>{x[0]}</PMID><Article><ArticleTitle>{x[1]}</ArticleTitle>"
        f'<Abstract><AbstractText Label="{x[2].replace(chr(34), "")}">{x[3]}</AbstractText></Abstract>'
        f"<Pagination><MedlinePgn>{x[4]}</MedlinePgn></Pagination></Article></MedlineCitation></PubmedArticle>"
    )
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": a, "briefTitle": b},
            "designModule": {"phases": [c]},
        },
        "resultsSection": {
            "outcomeMeasuresModule": {
                "outcomeMeasures": [
                    {
                        "title": d,
                        "paramType": e,
                        "groups": [{"id": f, "title": a}],
                        "denoms": [{"counts": [{"groupId": f, "value": b}]}],
                        "classes": [{"categories": [{"measurements": [{"groupId": f, "value": c}]}]}],
                    }
                ]
            }
        },
    }
    clean = [" ".join(v.split()) for v in values]
    medline = "".join(f"PMID- {i}\nTI  - {clean[1]}\nAB  - {clean[3]}\n\n" for i in range(records + 1))
    ris = "".join(
        f"TY  - JOUR\nT1  - {clean[1]}\nAU  - {clean[0]}\nN2  - {clean[3]}\nER  - \n"
        for _ in range(records + 1)
    )
    for text, fmt in (
        (f"<PubmedArticleSet>{article * (records + 1)}</PubmedArticleSet>", "pubmed_xml"),
        (json.dumps({"studies": [study] * (records + 1)}), "ctgov_json"),
        (medline, "medline"),
        (ris, "ris"),
    ):
        documents = load_records("file", text.encode("utf-8"))
        assert {document.format for document in documents} == {fmt}
        assert len(documents) == records + 1
        check(text.encode("utf-8"))
