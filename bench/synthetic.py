"""A synthetic library for benches: English-like manuals of any size, deterministic per seed.

`generate_library(root, n)` writes a content folder in our format (docs/content-format.md);
`generate_sections(n)` returns the same sections in memory for benches that only need Sections.
The text mixes a fixed vocabulary of guidance-manual words (with inflections, so stemming has
work to do) and a long tail of generated words, so the index has a realistic lexicon size.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from manualviewer.core.model import Section, Status

# Manual codes, titles and slugs. IDs are CODE + 6 digits, as in HMRC manuals.
MANUALS = (
    ("DMBM", "Debt Management and Banking Manual", "debt-management"),
    ("PAYE", "PAYE Operations Manual", "paye-operations"),
    ("CTM", "Company Taxation Manual", "company-taxation"),
    ("VATREC", "VAT Recovery Manual", "vat-recovery"),
    ("ARTG", "Appeals, Reviews and Tribunals Guidance", "appeals-reviews"),
    ("CH", "Compliance Handbook", "compliance-handbook"),
    ("BENM", "Benefits Manual", "benefits"),
    ("EIM", "Employment Income Manual", "employment-income"),
)

# Words a guidance manual uses a lot. Inflected forms matter: "recorded" must find "recording".
DOMAIN = """
account accounts accounting accounted address addresses agent agents allowance allowances amount
amounts appeal appeals appealed appealing application applications apply applied applies applying
arrears assess assessed assessment assessments balance balances bank banks banking benefit benefits
business businesses calculate calculated calculating calculation case cases caseworker certificate
charge charged charges charging check checked checking checks claim claimed claimant claimants
claiming claims company companies complaint complaints complain complained compliance contact
contacted contacting correspondence court customer customers date dates debt debts debtor decide
decided decision decisions deduct deducted deduction deductions details direct disclosure document
documents due employee employees employer employers enforcement enquiry enquiries evidence
exemption exemptions file filed filing form forms guidance hardship income information instalment
instalments interest investigate investigated investigation letter letters liability liable manager
notice notices notify notified officer officers overpaid overpayment overpayments owed pay payable
paying payment payments penalty penalties period periods person personal procedure procedures
process processed processing record recorded recording records recover recovered recovering
recovery refund refunds relief repay repayment repayments request requested requests return returns
review reviewed reviewing reviews schedule scheme section sections service settle settled
statement statements submit submitted supervisor system tax taxpayer taxpayers team time tribunal
trust update updated updates vulnerable write written year years
""".split()

COMMON = """
the the the the the of of of of and and and to to to a a a in in in is is that that for for it
as as with with be be on on not by this this are or or from at an which have has will can may
must should when where if then there their they them it its all any each other such only also
more most some no than these those into about after before under within without between through
""".split()

VERBS = "must should may will can".split()
LINK_PHRASES = (
    "See {id} for more about this.",
    "The guidance at {id} explains the exceptions.",
    "Follow the steps in {id} before you continue.",
    "Where the customer disagrees, go to {id}.",
)
WITHHELD = "{withheld}"

SYLLABLES = (
    "ab ac ad al am an ar as at ba be bi bo ca ce co da de di do el em en er es fa fe fi fo ga ge "
    "gi ha he hi in is it la le li lo ma me mi mo na ne ni no ol on or pa pe pi po ra re ri ro sa "
    "se si so ta te ti to ul um un ur va ve vi vo"
).split()


@dataclass(frozen=True)
class _Plan:
    manual: str
    slug: str
    id: str
    parent: str | None
    title: str
    body: str
    status: Status


def _tail_words(rng: random.Random, n: int) -> list[str]:
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class _Writer:
    """Draws words for one topic at a time, so a word is common in some sections and absent from
    most (as in real manuals): common words often, the topic's own words next, general domain
    words and a Zipf-distributed tail of rare words seldom."""

    def __init__(self, rng: random.Random, tail_size: int, n_topics: int = 48) -> None:
        self.rng = rng
        self.tail = _tail_words(rng, tail_size)
        self.tail_cum = list(itertools.accumulate(1.0 / (i + 1) for i in range(len(self.tail))))
        domain_w = [1.0 / (i % 40 + 1) ** 0.5 for i in range(len(DOMAIN))]
        self.domain_cum = list(itertools.accumulate(domain_w))
        self.topics: list[tuple[list[str], list[float]]] = []
        for _ in range(n_topics):
            own = rng.sample(DOMAIN, 24) + rng.sample(self.tail[: max(200, tail_size // 4)], 40)
            # Per topic: 55 % common words, 35 % its own words, 10 % any domain word.
            weights = (
                [0.55 / len(COMMON)] * len(COMMON)
                + [0.35 / len(own)] * len(own)
                + [0.10 * w / self.domain_cum[-1] for w in domain_w]
            )
            # Cumulative weights, computed once: rng.choices would re-add them on every draw.
            self.topics.append(([*COMMON, *own, *DOMAIN], list(itertools.accumulate(weights))))
        self.topic = 0

    def sentence(self) -> str:
        pool, cum = self.topics[self.topic]
        n = self.rng.randint(8, 20)
        words = self.rng.choices(pool, cum_weights=cum, k=n)
        for _ in range(self.rng.randint(0, 3)):  # the rare words
            words[self.rng.randrange(n)] = self.rng.choices(self.tail, cum_weights=self.tail_cum)[0]
        if self.rng.random() < 0.3:
            words.insert(self.rng.randint(1, len(words) - 1), self.rng.choice(VERBS))
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def title(self) -> str:
        words = self.rng.choices(DOMAIN, cum_weights=self.domain_cum, k=self.rng.randint(2, 5))
        if self.rng.random() < 0.4:
            words.insert(1, self.rng.choice(("and", "for", "of", "after", "before")))
        return " ".join(words).capitalize()


def _ids(n_sections: int, rng: random.Random) -> list[tuple[str, str, str, str | None]]:
    """(code, slug, id, parent) for every section: three levels, spread over the manuals."""
    out: list[tuple[str, str, str, str | None]] = []
    per_manual = [n_sections // len(MANUALS)] * len(MANUALS)
    for i in range(n_sections - sum(per_manual)):
        per_manual[i] += 1
    for (code, _title, slug), count in zip(MANUALS, per_manual, strict=True):
        made = 0
        k = 0
        while made < count:
            # Six digits like HMRC's IDs while they last, seven beyond (only at very large sizes).
            top = 100000 + k * 10000 if k < 90 else 1000000 + k * 10000
            k += 1
            top_id = f"{code}{top}"
            out.append((code, slug, top_id, None))
            made += 1
            for c in range(1, rng.randint(5, 15) + 1):
                if made >= count:
                    break
                child_id = f"{code}{top + c * 100}"
                out.append((code, slug, child_id, top_id))
                made += 1
                for leaf in range(1, rng.randint(3, 15) + 1):
                    if made >= count:
                        break
                    out.append((code, slug, f"{code}{top + c * 100 + leaf}", child_id))
                    made += 1
    return out


def _plans(n_sections: int, seed: int) -> Iterator[_Plan]:
    rng = random.Random(seed)
    ids = _ids(n_sections, rng)
    all_ids = [i for _, _, i, _ in ids]
    writer = _Writer(rng, tail_size=max(500, min(40000, n_sections * 4)))
    for code, slug, section_id, parent in ids:
        if parent is None:  # a top-level section and everything under it share a topic
            writer.topic = rng.randrange(len(writer.topics))
        paragraphs: list[str] = []
        words = 0
        target = rng.randint(300, 600)
        while words < target:
            sentences = [writer.sentence() for _ in range(rng.randint(2, 5))]
            if rng.random() < 0.35:
                sentences.insert(rng.randint(0, len(sentences)), rng.choice(LINK_PHRASES).format(
                    id=rng.choice(all_ids)))
            if rng.random() < 0.03:
                sentences.append(WITHHELD)
            para = " ".join(sentences)
            words += len(para.split())
            if rng.random() < 0.12:
                para = "\n".join(f"- {writer.sentence()}" for _ in range(rng.randint(2, 4)))
            elif rng.random() < 0.08:
                paragraphs.append(f"## {writer.title()}")
            paragraphs.append(para)
        r = rng.random()
        status = (Status.LIVE if r < 0.9 else Status.ARCHIVE_PENDING if r < 0.95
                  else Status.ARCHIVED if r < 0.98 else Status.WITHDRAWN)
        yield _Plan(code, slug, section_id, parent, writer.title(), "\n\n".join(paragraphs) + "\n", status)


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def generate_sections(n: int, seed: int = 1) -> list[Section]:
    """The sections `generate_library(root, n, seed)` would write, without touching the disk."""
    root = Path("/synthetic")
    return [
        Section(
            id=p.id, manual=p.manual, title=p.title, body=p.body, path=root / p.slug / f"{p.id}.md",
            body_line=1, parent=p.parent, status=p.status,
            content_hash=_hash(p.id, p.title, p.body, p.status.value, p.manual),
        )
        for p in _plans(n, seed)
    ]


def generate_library(root: Path, n_sections: int, seed: int = 1) -> None:
    """Write a content folder of `n_sections` sections under `root` (created if needed)."""
    root = Path(root)
    for code, title, slug in MANUALS:
        folder = root / slug
        folder.mkdir(parents=True, exist_ok=True)
        meta = {"code": code, "title": title, "organisation": "Synthetic Revenue Office",
                "summary": f"Synthetic {title.lower()} for benchmarks.",
                "licence": "Open Government Licence v3.0"}
        (folder / "manual.md").write_text(
            f"---\n{yaml.safe_dump(meta, sort_keys=False)}---\n\nThis manual is generated for benchmarks.\n",
            encoding="utf-8")
    for p in _plans(n_sections, seed):
        meta: dict[str, object] = {"section_id": p.id, "title": p.title}
        if p.parent:
            meta["parent"] = p.parent
        if p.status is not Status.LIVE:
            meta["status"] = p.status.value
        front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
        (root / p.slug / f"{p.id}.md").write_text(f"---\n{front}---\n\n{p.body}", encoding="utf-8")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write a synthetic content folder.")
    parser.add_argument("root", type=Path)
    parser.add_argument("sections", type=int)
    parser.add_argument("--seed", type=int, default=1)
    ns = parser.parse_args()
    generate_library(ns.root, ns.sections, ns.seed)
