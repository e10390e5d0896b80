"""Reader for PubMed efetch XML (`PubmedArticleSet` with one or many `PubmedArticle` records).

Each PubmedArticle becomes one Document whose text is the title and the abstract, one paragraph per
`AbstractText` (its `Label` written in front, "RESULTS: ...", and kept as the section label).
Metadata comes from the record's own elements: PMID, ArticleTitle, AuthorList, Journal
(ISOAbbreviation, else Title), JournalIssue, Pagination, ELocationID / ArticleIdList DOI,
Language, PublicationTypeList, and NCT IDs from DataBankList (ClinicalTrials.gov) and the abstract.
The DTD a file names is never fetched (see _structured.parse_xml).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from imatinib_cli.load import limits
from imatinib_cli.load._biblio import NCT_RE, clean_doi, normalize_phase, year_of
from imatinib_cli.load._build import document, rest_of_file, skipped, with_warnings
from imatinib_cli.load._render import article_text
from imatinib_cli.load._structured import Unreadable, XmlStream, dropped_reasons, findtext, root_name, text_of
from imatinib_cli.load._text import collapse
from imatinib_cli.models import Document

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

FORMAT = "pubmed_xml"

_ROOTS = ("PubmedArticleSet", "PubmedArticle")
_RECORD_RE = re.compile(r"<Pubmed(?:Book)?Article[\s>]")
_RECORD_TAGS = frozenset(("PubmedArticle", "PubmedBookArticle"))
_NOUNS = {"AbstractText": "AbstractText parts in one abstract"}
_CLINICAL_TRIALS_GOV = "clinicaltrials.gov"
_PHASE_TYPE_RE = re.compile(r"^Clinical Trial, Phase (?P<phase>I{1,3}|IV)$")


def sniff(text: str) -> bool:
    return root_name(text) in _ROOTS and bool(_RECORD_RE.search(text))


def read(path: str, sha256: str, text: str) -> list[Document]:
    """One Document per record, read as the parser reaches each record's end (see XmlStream)."""
    caps = {"AbstractText": limits.MAX_ABSTRACT_PARTS}
    stream = XmlStream(text, caps=caps)
    documents: list[Document] = []
    records = 0
    try:
        if root_name(text) == "PubmedArticle":
            root = stream.tree()
            found: Iterator[Element] = iter((root,))
        else:
            found = stream.children()
        for record in found:
            if record.tag not in _RECORD_TAGS:
                continue
            records += 1
            dropped = stream.take_dropped()
            if records > limits.MAX_RECORDS_PER_FILE:
                continue
            documents.append(
                with_warnings(_record(path, sha256, record), dropped_reasons(dropped, caps, _NOUNS))
            )
    except Unreadable as exc:
        return [exc.document(path, sha256, FORMAT)]
    if records > limits.MAX_RECORDS_PER_FILE:
        documents.append(rest_of_file(path, sha256, FORMAT, records))
    if not documents:
        tag = stream.root.tag if stream.root is not None else "?"
        return [skipped(path, sha256, FORMAT, f"<{tag}> holds no PubmedArticle record")]
    return documents


def _record(path: str, sha256: str, record: Element) -> Document:
    if record.tag == "PubmedArticle":
        return _article(path, sha256, record)
    pmid = findtext(record, "BookDocument/PMID")
    return skipped(path, sha256, FORMAT, f"PubMed book record{f' (PMID {pmid})' if pmid else ''} not read")


def _authors(article: Element) -> tuple[str, ...]:
    """ "Flaherty KT" style names (as PubMed lists them) and collective names as written."""
    names: list[str] = []
    for author in article.findall("AuthorList/Author"):
        collective = findtext(author, "CollectiveName")
        last = findtext(author, "LastName")
        if last:
            initials = findtext(author, "Initials") or findtext(author, "ForeName")
            names.append(f"{last} {initials}".strip())
        elif collective:
            names.append(collective)
    return tuple(names)


def _doi(article: Element, record: Element) -> str | None:
    for location in article.findall("ELocationID"):
        if location.get("EIdType", "").lower() == "doi" and location.get("ValidYN", "Y") != "N":
            value = text_of(location)
            if value:
                return clean_doi(value)
    for article_id in record.findall("PubmedData/ArticleIdList/ArticleId"):
        if article_id.get("IdType", "").lower() == "doi" and text_of(article_id):
            return clean_doi(text_of(article_id))
    return None


def _pages(article: Element) -> str | None:
    pages = findtext(article, "Pagination/MedlinePgn")
    if pages:
        return pages
    start, end = findtext(article, "Pagination/StartPage"), findtext(article, "Pagination/EndPage")
    if start:
        return f"{start}-{end}" if end and end != start else start
    return None


def _year(article: Element) -> int | None:
    date = article.find("Journal/JournalIssue/PubDate")
    if date is not None:
        year = year_of(findtext(date, "Year") or findtext(date, "MedlineDate"))
        if year:
            return year
    return year_of(findtext(article, "ArticleDate/Year"))


def _nct_ids(article: Element, abstract_text: str) -> list[str]:
    """NCT IDs from DataBankList (ClinicalTrials.gov) first, then those the abstract names."""
    found: list[str] = []
    for bank in article.findall("DataBankList/DataBank"):
        if findtext(bank, "DataBankName").lower() != _CLINICAL_TRIALS_GOV:
            continue
        for accession in bank.findall("AccessionNumberList/AccessionNumber"):
            match = NCT_RE.search(text_of(accession).upper())
            if match and match.group(0) not in found:
                found.append(match.group(0))
    for match in NCT_RE.finditer(abstract_text):
        if match.group(0) not in found:
            found.append(match.group(0))
    return found


def phase_from_types(types: tuple[str, ...]) -> str | None:
    """The phase the NLM indexers assigned ("Clinical Trial, Phase III" -> "3"; I and II -> "1/2")."""
    phases = [match.group("phase") for t in types if (match := _PHASE_TYPE_RE.match(t))]
    if not phases:
        return None
    return normalize_phase("Phase " + "/".join(dict.fromkeys(phases)))


def _article(path: str, sha256: str, record: Element) -> Document:
    citation = record.find("MedlineCitation")
    article = citation.find("Article") if citation is not None else None
    if citation is None or article is None:
        return skipped(path, sha256, FORMAT, "PubmedArticle without MedlineCitation/Article")
    title = findtext(article, "ArticleTitle") or findtext(article, "VernacularTitle")
    parts: list[tuple[str, str]] = []
    for element in article.findall("Abstract/AbstractText"):
        body = text_of(element)
        if not body:
            continue
        label = collapse(element.get("Label", "")).upper()
        parts.append((label, f"{label}: {body}" if label else body))
    text, sections = article_text(title, parts)
    if not text.strip():
        return skipped(path, sha256, FORMAT, "PubMed record without title or abstract")

    fields: dict[str, Any] = {
        "title": title,
        "pmid": findtext(citation, "PMID"),
        "authors": _authors(article),
        "journal": findtext(article, "Journal/ISOAbbreviation")
        or findtext(article, "Journal/Title")
        or findtext(citation, "MedlineJournalInfo/MedlineTA"),
        "volume": findtext(article, "Journal/JournalIssue/Volume"),
        "issue": findtext(article, "Journal/JournalIssue/Issue"),
        "pages": _pages(article),
        "year": _year(article),
        "doi": _doi(article, record),
        "language": findtext(article, "Language"),
        "publication_types": tuple(
            text_of(t) for t in article.findall("PublicationTypeList/PublicationType")
        ),
    }
    fields["phase"] = phase_from_types(fields["publication_types"])
    nct_ids = _nct_ids(article, " ".join(part for _, part in parts))
    if nct_ids:
        fields["nct_id"] = nct_ids[0]
        fields["other_ids"] = tuple(nct_ids[1:])
    return document(path, sha256, FORMAT, text, fields, sections)
