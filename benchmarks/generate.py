"""Deterministic benchmark corpus for imx: N abstract-sized imatinib-trial documents from a seed.

    python benchmarks/generate.py --out /tmp/imx-bench --count 2000 --seed 1

The same --count and --seed always give the same files, byte for byte. Every document is distinct
(imx skips files whose sha256 it has already read), and the text is built from templates with one
seeded random.Random: tumor types, doses, patient numbers, response counts and percents, and
toxicities vary from document to document. The formats and their shares:

    text      plain-text abstract (title, citation, structured abstract)        30%
    page      a PubMed abstract page saved as text (site chrome around it)      20%
    markdown  Markdown with YAML front matter                                   12%
    html      a journal article page of ~50 KB (chrome, body, references)       8%
    xml       PubMed efetch XML, many records per file (--xml-records)          20%
    ctgov     ClinicalTrials.gov API v2 JSON, one study with results            10%

--count counts documents (records), not files: an XML file of 50 records is 50 documents.
The shapes follow seeds/ and tests/fixtures/load/.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

SHARES = (
    ("text", 30),
    ("page", 20),
    ("markdown", 12),
    ("html", 8),
    ("xml", 20),
    ("ctgov", 10),
)
XML_RECORDS = 50
ELIGIBILITY = "Inclusion Criteria:\n\n* Age 18 years or older\n* ECOG 0-2"
HTML_BYTES = 50_000

TUMORS = (
    ("gastrointestinal stromal tumor", "GIST", "Gastrointestinal Stromal Tumor"),
    ("chronic myeloid leukemia in chronic phase", "CML-CP", "Chronic Myeloid Leukemia"),
    ("Philadelphia chromosome-positive acute lymphoblastic leukemia", "Ph+ ALL", "Ph+ ALL"),
    ("dermatofibrosarcoma protuberans", "DFSP", "Dermatofibrosarcoma Protuberans"),
    ("desmoid tumors", "desmoid", "Desmoid Tumor"),
    ("hypereosinophilic syndrome", "HES", "Hypereosinophilic Syndrome"),
    ("systemic mastocytosis", "SM", "Systemic Mastocytosis"),
    ("chordoma", "chordoma", "Chordoma"),
    ("KIT-mutated melanoma", "melanoma", "Melanoma"),
    ("small cell lung cancer", "SCLC", "Small Cell Lung Cancer"),
    ("recurrent glioblastoma", "GBM", "Glioblastoma"),
    ("thymic carcinoma", "thymic carcinoma", "Thymic Carcinoma"),
    ("pigmented villonodular synovitis", "PVNS", "Pigmented Villonodular Synovitis"),
    ("chronic myelomonocytic leukemia", "CMML", "Chronic Myelomonocytic Leukemia"),
)
DOSES = (
    ("400 mg daily", "400 mg/day"),
    ("400 mg once daily", "400 mg/day"),
    ("600 mg daily", "600 mg/day"),
    ("400 mg twice daily", "800 mg/day"),
    ("800 mg/day", "800 mg/day"),
    ("300 mg daily", "300 mg/day"),
)
TOXICITIES = (
    "neutropenia",
    "anemia",
    "thrombocytopenia",
    "fatigue",
    "nausea",
    "diarrhea",
    "edema",
    "periorbital edema",
    "rash",
    "muscle cramps",
    "elevated transaminases",
    "vomiting",
    "hypophosphatemia",
)
OUTCOMES = ("progression-free survival", "overall survival", "time to progression", "duration of response")
DESIGNS = (
    "a multicenter, open-label, single-arm phase II trial",
    "a phase II study",
    "an open-label phase I/II study",
    "a prospective, multicenter phase II trial",
    "a single-institution phase II study",
)
JOURNALS = (
    ("J Clin Oncol", "Journal of Clinical Oncology"),
    ("Clin Cancer Res", "Clinical Cancer Research"),
    ("Ann Oncol", "Annals of Oncology"),
    ("Cancer", "Cancer"),
    ("Br J Cancer", "British Journal of Cancer"),
    ("Blood", "Blood"),
    ("Eur J Cancer", "European Journal of Cancer"),
    ("Leukemia", "Leukemia"),
)
SURNAMES = (
    "Heinrich",
    "Demetri",
    "Blanke",
    "Verweij",
    "Casali",
    "Tanaka",
    "Okafor",
    "Lindqvist",
    "Kim",
    "Rossi",
    "Schmidt",
    "Dubois",
    "Nakamura",
    "Garcia",
    "Novak",
    "Chen",
    "Patel",
    "Kowalski",
    "Andersen",
    "Silva",
    "Moreau",
    "Fischer",
    "Ivanova",
    "Haddad",
    "Oduya",
    "Brennan",
)
INITIALS = ("MC", "GD", "CD", "J", "PG", "K", "N", "E", "JW", "A", "B", "F", "H", "S", "T", "L")
FILLER = (
    "Tyrosine kinase inhibition remains the cornerstone of treatment for tumors driven by KIT, PDGFR or ABL.",
    "Secondary resistance mutations were analysed in tumor samples obtained at progression.",
    "Plasma trough concentrations of imatinib were measured on day 29 of the first cycle.",
    "Tumor assessments were performed by computed tomography every eight weeks.",
    "Dose interruptions and reductions were allowed for grade 3 or 4 toxicity.",
    "The study was approved by the institutional review boards of all participating centers.",
    "Patients provided written informed consent before any study procedure.",
    "Quality of life was assessed with the EORTC QLQ-C30 questionnaire at baseline and every cycle.",
    "Mutational status of KIT exons 9, 11, 13 and 17 and PDGFRA exons 12, 14 and 18 was determined.",
    "Molecular responses were assessed by quantitative reverse transcription polymerase chain reaction.",
    "Statistical analyses were performed with SAS version 9.4.",
    "The sample size was chosen to exclude a response rate of 10% with 80% power.",
)


@dataclass
class Trial:
    """One synthetic trial: the facts every format writes in its own way."""

    index: int
    pmid: str
    nct: str
    doi: str
    year: int
    journal: tuple[str, str]
    authors: list[tuple[str, str]]
    tumor: tuple[str, str, str]
    dose: tuple[str, str]
    design: str
    phase: str
    enrolled: int
    evaluable: int
    cr: int
    pr: int
    sd: int
    median: float
    outcome: str
    toxicities: list[tuple[str, float]]
    filler: list[str] = field(default_factory=list)

    @property
    def orr(self) -> float:
        return 100.0 * (self.cr + self.pr) / self.evaluable

    @property
    def title(self) -> str:
        name = self.tumor[0]
        # Every title names its trial, so resolve never merges two unrelated synthetic documents.
        trial = f"IMX-{self.index:06d}"
        return {
            0: f"Imatinib mesylate in patients with {name}: results of the {trial} trial",
            1: f"Phase {self.phase} study of imatinib {self.dose[0]} in {name} ({trial})",
            2: f"Activity of imatinib in advanced {name}: the {trial} study",
            3: f"Imatinib for {name}: efficacy and safety in {self.enrolled} patients ({trial})",
        }[self.index % 4]

    @property
    def citation(self) -> str:
        volume = 10 + self.index % 40
        first = 100 + self.index % 900
        return f"{self.journal[0]}. {self.year};{volume}({1 + self.index % 12}):{first}-{first + 7}."


def _percent(count: int, total: int) -> str:
    return f"{100.0 * count / total:.1f}%"


def make_trial(rng: random.Random, index: int) -> Trial:
    enrolled = rng.randint(12, 420)
    evaluable = enrolled - rng.randint(0, max(1, enrolled // 10))
    cr = rng.randint(0, evaluable // 6)
    pr = rng.randint(0, (evaluable - cr) // 2)
    sd = rng.randint(0, evaluable - cr - pr)
    toxicities = [(name, round(rng.uniform(1, 35), 1)) for name in rng.sample(TOXICITIES, rng.randint(2, 5))]
    phase = "2" if rng.random() < 0.7 else rng.choice(("1", "1/2", "3"))
    return Trial(
        index=index,
        pmid=str(10_000_000 + index * 7 + rng.randint(0, 6)),
        nct=f"NCT{rng.randint(0, 9):01d}{index:07d}",
        doi=f"10.{rng.randint(1000, 9999)}/imx.bench.{index}",
        year=rng.randint(2001, 2024),
        journal=rng.choice(JOURNALS),
        authors=[(rng.choice(SURNAMES), rng.choice(INITIALS)) for _ in range(rng.randint(3, 8))],
        tumor=rng.choice(TUMORS),
        dose=rng.choice(DOSES),
        design=rng.choice(DESIGNS),
        phase=phase,
        enrolled=enrolled,
        evaluable=evaluable,
        cr=cr,
        pr=pr,
        sd=sd,
        median=round(rng.uniform(2, 40), 1),
        outcome=rng.choice(OUTCOMES),
        toxicities=toxicities,
        filler=rng.sample(FILLER, 3),
    )


def abstract_parts(t: Trial, rng: random.Random) -> list[tuple[str, str]]:
    """The structured abstract: (label, paragraph) pairs with the trial's numbers in varied phrasing."""
    name, short, _ = t.tumor
    background = (
        f"Imatinib inhibits the KIT, PDGFR and ABL tyrosine kinases implicated in {name}. "
        f"We evaluated the activity and safety of imatinib in patients with advanced {short} "
        f"in the IMX-{t.index:06d} trial."
    )
    methods = (
        f"In {t.design}, {t.enrolled} patients with {name} received imatinib {t.dose[0]} "
        f"until progression or unacceptable toxicity. {t.filler[0]}"
    )
    orr = f"{t.orr:.1f}%"
    results = rng.choice(
        (
            f"Of {t.evaluable} evaluable patients, {t.cr} had a complete response and {t.pr} a partial "
            f"response (objective response rate {orr}); {t.sd} patients had stable disease.",
            f"Complete responses were seen in {t.cr} ({_percent(t.cr, t.evaluable)}) and partial "
            f"responses in {t.pr} ({_percent(t.pr, t.evaluable)}) of {t.evaluable} evaluable patients; "
            f"the overall response rate was {orr}.",
            f"The objective response rate was {orr} ({t.cr + t.pr}/{t.evaluable}), with {t.cr} complete and "
            f"{t.pr} partial responses, and stable disease in {t.sd} patients "
            f"({_percent(t.sd, t.evaluable)}).",
        )
    )
    low, high = t.median * 0.7, t.median * 1.4
    results += f" Median {t.outcome} was {t.median} months (95% CI, {low:.1f} to {high:.1f})."
    tox = ", ".join(f"{term} ({pct}%)" for term, pct in t.toxicities)
    results += f" The most common grade 3 or 4 adverse events were {tox}."
    conclusions = rng.choice(
        (
            f"Imatinib {t.dose[0]} is active in {name} and was generally well tolerated.",
            f"Imatinib showed modest activity in {short}; further trials in selected patients are warranted.",
            f"These results support the use of imatinib in patients with {name}.",
        )
    )
    return [
        ("BACKGROUND", background),
        ("METHODS", methods),
        ("RESULTS", results),
        ("CONCLUSIONS", conclusions),
    ]


def _author_line(t: Trial) -> str:
    return ", ".join(f"{last} {ini}" for last, ini in t.authors) + "."


def write_text(t: Trial, rng: random.Random) -> str:
    parts = abstract_parts(t, rng)
    body = "\n\n".join(f"{label}: {text}" for label, text in parts)
    if rng.random() < 0.5:  # a bare abstract, read as plain text
        return f"{t.title}\n\n{body}\n"
    # with a citation line: PubMed's text export, read as a legacy page
    return f"{t.title}\n\n{_author_line(t)}\n{t.citation} doi: {t.doi}. PMID: {t.pmid}\n\n{body}\n"


def write_page(t: Trial, rng: random.Random) -> str:
    parts = abstract_parts(t, rng)
    body = "\n\n".join(f"{label.title()}: {text}" for label, text in parts)
    first = t.authors[0]
    return (
        "Skip to main page content\nU.S. flag\n\nAn official website of the United States government\n\n"
        "Dot gov\n\nThe .gov means it's official.\n\nHttps\n\nThe site is secure.\n\n"
        "Access keys NCBI Homepage MyNCBI Homepage Main Content Main Navigation\n"
        f"Clinical Trial\n. {t.citation}\ndoi: {t.doi}.\n\n{t.title}\n\nAffiliations\nClinical Trial\n\n"
        f"{t.title}\n\n{first[1]} {first[0]} et al. {t.journal[0]}. .\n\nAbstract\n\n{body}\n\n"
        f"Trial registration: ClinicalTrials.gov {t.nct}.\n\nPubMed Disclaimer\n\nPublication types\n\n"
        "Clinical Trial, Phase II\nMulticenter Study\n\nMeSH terms\n\nAntineoplastic Agents\n"
        f"Imatinib Mesylate / therapeutic use*\n\nRelated information\n\nPMID: {t.pmid}\n"
    )


def write_markdown(t: Trial, rng: random.Random) -> str:
    parts = abstract_parts(t, rng)
    body = "\n\n".join(f"**{label.title()}:** {text}" for label, text in parts)
    title = t.title.replace('"', "'")
    return (
        f'---\ntitle: "{title}"\npmid: {t.pmid}\ndoi: {t.doi}\nyear: {t.year}\n'
        f"journal: {t.journal[0]}\nnct_id: {t.nct}\n---\n# {t.title}\n\n{body}\n"
    )


def write_html(t: Trial, rng: random.Random) -> str:
    parts = abstract_parts(t, rng)
    e = escape
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '  <meta charset="utf-8">',
        f"  <title>{e(t.title)} | {e(t.journal[1])}</title>",
        f'  <meta name="citation_title" content="{e(t.title)}">',
        *(f'  <meta name="citation_author" content="{e(last)}, {e(ini)}">' for last, ini in t.authors),
        f'  <meta name="citation_journal_title" content="{e(t.journal[1])}">',
        f'  <meta name="citation_journal_abbrev" content="{e(t.journal[0])}">',
        f'  <meta name="citation_publication_date" content="{t.year}/01/01">',
        f'  <meta name="citation_doi" content="doi:{t.doi}">',
        f'  <meta name="citation_pmid" content="{t.pmid}">',
        '  <link rel="stylesheet" href="/static/css/article.css">',
        "  <script>window.dataLayer = window.dataLayer || [];"
        " function gtag(){dataLayer.push(arguments);}</script>",
        "</head>",
        "<body>",
        '  <header class="site-header"><nav>'
        + " ".join(f'<a href="/section/{i}">Section {i}</a>' for i in range(30))
        + "</nav><p>Subscribe now: 50% off for 12 months</p></header>",
        "  <article>",
        f'    <h1 class="c-article-title">{e(t.title)}</h1>',
        '    <ul class="authors">'
        + "".join(f"<li>{e(ini)} {e(last)}</li>" for last, ini in t.authors)
        + "</ul>",
        '    <section class="abstract" aria-labelledby="abs-title">',
        '      <h2 id="abs-title">Abstract</h2>',
        *(f"      <p><b>{label.title()}</b> {e(text)}</p>" for label, text in parts),
        "    </section>",
        '    <div class="c-article-body">',
    ]
    tail_refs: list[str] = []
    body: list[str] = []
    sections = ("Introduction", "Methods", "Results", "Discussion")
    for number, heading in enumerate(sections):
        paragraphs = " ".join(rng.choice(FILLER) for _ in range(6))
        body.append(f'      <section id="sec{number}"><h2>{heading}</h2><p>{e(paragraphs)}</p></section>')
    size = sum(len(line) + 1 for line in head + body)
    target = HTML_BYTES + rng.randint(-5000, 5000)
    ref = 0
    while size < target - 600:
        ref += 1
        last, ini = rng.choice(SURNAMES), rng.choice(INITIALS)
        journal = rng.choice(JOURNALS)[0]
        line = (
            f'        <li id="ref{ref}">{last} {ini}, {rng.choice(SURNAMES)} {rng.choice(INITIALS)}, et al. '
            f"{rng.choice(('Imatinib', 'Sunitinib', 'Nilotinib', 'Dasatinib'))} in "
            f"{rng.choice(TUMORS)[0]}. {journal}. {rng.randint(1995, 2024)};{rng.randint(1, 99)}:"
            f"{rng.randint(1, 999)}. "
            f'<a href="https://doi.org/10.{rng.randint(1000, 9999)}/ref.{ref}">doi</a></li>'
        )
        tail_refs.append(line)
        size += len(line) + 1
    tail = [
        "      <section><h2>References</h2><ol>",
        *tail_refs,
        "      </ol></section>",
        "    </div>",
        "  </article>",
        '  <aside class="related"><h3>Related articles</h3><p>Sunitinib after imatinib failure</p></aside>',
        f"  <footer><p>&copy; {t.year} Example Publisher. All rights reserved.</p></footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(head + body + tail) + "\n"


def xml_record(t: Trial, rng: random.Random) -> str:
    parts = abstract_parts(t, rng)
    e = escape
    authors = "".join(
        f'<Author ValidYN="Y"><LastName>{e(last)}</LastName><Initials>{e(ini)}</Initials></Author>'
        for last, ini in t.authors
    )
    abstract = "".join(
        f'<AbstractText Label="{label}" NlmCategory="{label}">{e(text)}</AbstractText>'
        for label, text in parts
    )
    phase = {"1": "I", "1/2": "II", "2": "II", "3": "III"}[t.phase]
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{t.pmid}</PMID>'
        f'<Article PubModel="Print"><Journal><JournalIssue CitedMedium="Internet"><Volume>{10 + t.index % 40}'
        f"</Volume><PubDate><Year>{t.year}</Year></PubDate></JournalIssue><Title>{e(t.journal[1])}</Title>"
        f"<ISOAbbreviation>{e(t.journal[0])}</ISOAbbreviation></Journal><ArticleTitle>{e(t.title)}."
        f"</ArticleTitle><Pagination><MedlinePgn>{100 + t.index % 900}-7</MedlinePgn></Pagination>"
        f'<ELocationID EIdType="doi" ValidYN="Y">{e(t.doi)}</ELocationID><Abstract>{abstract}</Abstract>'
        f'<AuthorList CompleteYN="Y">{authors}</AuthorList><Language>eng</Language>'
        f'<DataBankList CompleteYN="Y"><DataBank><DataBankName>ClinicalTrials.gov</DataBankName>'
        f"<AccessionNumberList><AccessionNumber>{t.nct}</AccessionNumber></AccessionNumberList></DataBank>"
        f'</DataBankList><PublicationTypeList><PublicationType UI="D017427">Clinical Trial, Phase {phase}'
        f"</PublicationType></PublicationTypeList></Article></MedlineCitation></PubmedArticle>"
    )


def write_xml(records: list[str]) -> str:
    return (
        '<?xml version="1.0" ?>\n'
        '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN"'
        ' "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n'
        + "\n".join(records)
        + "\n</PubmedArticleSet>\n"
    )


def write_ctgov(t: Trial, rng: random.Random) -> str:
    name, _, condition = t.tumor
    phases = {"1": ["PHASE1"], "1/2": ["PHASE1", "PHASE2"], "2": ["PHASE2"], "3": ["PHASE3"]}[t.phase]
    group = {"id": "OG000", "title": "Imatinib", "description": f"Imatinib {t.dose[0]}."}
    events = [
        {
            "term": term.capitalize(),
            "organSystem": "General disorders",
            "stats": [
                {"groupId": "EG000", "numAffected": round(pct * t.enrolled / 100), "numAtRisk": t.enrolled}
            ],
        }
        for term, pct in t.toxicities
    ]
    study = {
        "protocolSection": {
            "identificationModule": {
                "nctId": t.nct,
                "orgStudyIdInfo": {"id": f"IMX-BENCH-{t.index:06d}"},
                "briefTitle": f"Imatinib in {condition}",
                "officialTitle": t.title,
            },
            "statusModule": {
                "overallStatus": rng.choice(("COMPLETED", "TERMINATED", "ACTIVE_NOT_RECRUITING"))
            },
            "descriptionModule": {
                "briefSummary": f"Patients with {name} receive imatinib {t.dose[0]}. {t.filler[1]}",
            },
            "conditionsModule": {"conditions": [condition]},
            "designModule": {
                "studyType": "INTERVENTIONAL",
                "phases": phases,
                "designInfo": {"allocation": "NA", "maskingInfo": {"masking": "NONE"}},
                "enrollmentInfo": {"count": t.enrolled, "type": "ACTUAL"},
            },
            "armsInterventionsModule": {
                "armGroups": [
                    {"label": "Imatinib", "type": "EXPERIMENTAL", "description": f"Imatinib {t.dose[0]}."}
                ],
                "interventions": [{"type": "DRUG", "name": "Imatinib mesylate"}],
            },
            "outcomesModule": {
                "primaryOutcomes": [{"measure": "Objective response rate", "timeFrame": "6 months"}],
            },
            "eligibilityModule": {"eligibilityCriteria": ELIGIBILITY},
            "referencesModule": {"references": [{"pmid": t.pmid, "type": "RESULT", "citation": t.citation}]},
        },
        "resultsSection": {
            "participantFlowModule": {
                "groups": [{"id": "FG000", "title": "Imatinib", "description": f"Imatinib {t.dose[0]}."}],
                "periods": [
                    {
                        "title": "Overall Study",
                        "milestones": [
                            {
                                "type": "STARTED",
                                "achievements": [{"groupId": "FG000", "numSubjects": str(t.enrolled)}],
                            },
                        ],
                    }
                ],
            },
            "outcomeMeasuresModule": {
                "outcomeMeasures": [
                    {
                        "type": "PRIMARY",
                        "title": "Objective Response",
                        "paramType": "COUNT_OF_PARTICIPANTS",
                        "unitOfMeasure": "Participants",
                        "groups": [group],
                        "denoms": [
                            {
                                "units": "Participants",
                                "counts": [{"groupId": "OG000", "value": str(t.evaluable)}],
                            }
                        ],
                        "classes": [
                            {
                                "categories": [
                                    {
                                        "title": "Complete Response",
                                        "measurements": [{"groupId": "OG000", "value": str(t.cr)}],
                                    },
                                    {
                                        "title": "Partial Response",
                                        "measurements": [{"groupId": "OG000", "value": str(t.pr)}],
                                    },
                                ]
                            }
                        ],
                    }
                ]
            },
            "adverseEventsModule": {
                "eventGroups": [{"id": "EG000", "title": "Imatinib", "otherNumAtRisk": t.enrolled}],
                "otherEvents": events,
            },
        },
        "hasResults": True,
    }
    return json.dumps(study, indent=2) + "\n"


EXTENSIONS = {"text": "txt", "page": "txt", "markdown": "md", "html": "html", "xml": "xml", "ctgov": "json"}
OWN_NAME = re.compile(
    r"(?:text|page)_\d{6}\.txt|markdown_\d{6}\.md|html_\d{6}\.html|ctgov_\d{6}\.json|pubmed_\d{5}\.xml"
)
WRITERS = {
    "text": write_text,
    "page": write_page,
    "markdown": write_markdown,
    "html": write_html,
    "ctgov": write_ctgov,
}


def generate(
    out: Path, count: int, seed: int, xml_records: int = XML_RECORDS, only: tuple[str, ...] = ()
) -> dict[str, int]:
    """Write the corpus into out (created; must be empty or absent). Returns documents per kind.

    only: the kinds to write (default every kind, in the shares of SHARES).
    """
    rng = random.Random(seed)
    shares = [(kind, weight) for kind, weight in SHARES if not only or kind in only]
    kinds = [kind for kind, _ in shares]
    weights = [weight for _, weight in shares]
    out.mkdir(parents=True, exist_ok=True)
    counts = dict.fromkeys(kinds, 0)
    pending_xml: list[str] = []
    xml_files = 0

    def flush() -> None:
        nonlocal xml_files
        if pending_xml:
            (out / f"pubmed_{xml_files:05d}.xml").write_text(write_xml(pending_xml), encoding="utf-8")
            xml_files += 1
            pending_xml.clear()

    for index in range(count):
        kind = rng.choices(kinds, weights)[0]
        trial = make_trial(rng, index)
        counts[kind] += 1
        if kind == "xml":
            pending_xml.append(xml_record(trial, rng))
            if len(pending_xml) >= xml_records:
                flush()
            continue
        text = WRITERS[kind](trial, rng)
        (out / f"{kind}_{index:06d}.{EXTENSIONS[kind]}").write_text(text, encoding="utf-8")
    flush()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", required=True, type=Path, help="folder to write (absent, empty or an earlier corpus)"
    )
    parser.add_argument("--count", type=int, default=2000, help="number of documents (records)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--xml-records", type=int, default=XML_RECORDS, help="records per PubMed XML file")
    parser.add_argument(
        "--kinds",
        default="",
        help=f"comma-separated kinds to write (default all: {','.join(kind for kind, _ in SHARES)})",
    )
    args = parser.parse_args(argv)
    only = tuple(kind for kind in args.kinds.split(",") if kind)
    unknown = sorted(set(only) - {kind for kind, _ in SHARES})
    if unknown:
        parser.error(f"unknown kinds: {', '.join(unknown)}")
    if args.count < 1 or args.xml_records < 1:
        parser.error("--count and --xml-records must be at least 1")
    if args.out.exists():
        if not args.out.is_dir():
            parser.error(f"{args.out} is not a folder")
        # Rerunning into the same folder replaces an earlier corpus; anything else there is left alone
        # and stops the run (the runner would read it too).
        others = sorted(p.name for p in args.out.iterdir() if not OWN_NAME.fullmatch(p.name))
        if others:
            parser.error(f"{args.out} holds files this generator did not write: {', '.join(others[:5])}")
        for old in args.out.iterdir():
            old.unlink()
    counts = generate(args.out, args.count, args.seed, args.xml_records, only)
    files = sum(1 for _ in args.out.iterdir())
    size = sum(p.stat().st_size for p in args.out.iterdir())
    summary = ", ".join(f"{kind} {n}" for kind, n in counts.items())
    print(
        f"{args.count} documents in {files} files, {size / 1e6:.1f} MB, in {args.out} ({summary})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
