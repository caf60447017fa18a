"""Plan the corpus: firms (cases), documents, formats, languages, speakers and codes."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from . import data

KNOWLEDGE = ("colocation", "diaspora", "emigration_experience", "online_platforms",
             "outsourcing_contacts", "trade_fairs", "foreign_buyers", "fdi_links",
             "universities_training")
N_DOCS = 145
FORMAT_MIX = {"txt": 55, "md": 55, "docx": 12, "odt": 8, "vtt": 8, "srt": 7}
# language -> {format: count}
LANG_MIX = {
    "sr-Latn": {"md": 3, "txt": 2, "docx": 1, "odt": 1, "srt": 1},
    "sr-Cyrl": {"md": 2, "txt": 2, "docx": 1, "vtt": 1},
    "mixed": {"md": 5, "txt": 4, "docx": 1, "odt": 1, "vtt": 1},
}
SECTOR_COUNTS = {"it": 27, "metal": 25, "furniture": 15, "food": 17, "apparel": 14,
                 "plastics": 10, "machinery": 10, "auto": 7, "printing": 5}
MARKETS_GOODS = {
    "Germany": 20, "Austria": 10, "Italy": 10, "Slovenia": 8, "Sweden": 4, "the USA": 3,
    "Russia": 4, "Montenegro": 5, "Switzerland": 4, "the Netherlands": 4, "France": 4,
    "the UK": 3, "Bosnia and Herzegovina": 5, "North Macedonia": 2, "Croatia": 4,
    "Hungary": 3, "Romania": 2, "Canada": 1, "Denmark": 2, "Norway": 2,
    "the Czech Republic": 2, "Belgium": 2,
}
MARKETS_IT = {
    "the USA": 14, "Germany": 12, "the UK": 9, "the Netherlands": 7, "Switzerland": 6,
    "Sweden": 5, "Denmark": 4, "Austria": 4, "Canada": 3, "Norway": 3, "France": 2,
    "Belgium": 2, "Slovenia": 2,
}

# code -> (base probability present, probability denied) ; sector multipliers below
BASE = {
    "colocation": (0.40, 0.12), "diaspora": (0.34, 0.12), "emigration_experience": (0.32, 0.12),
    "online_platforms": (0.22, 0.13), "outsourcing_contacts": (0.38, 0.10),
    "trade_fairs": (0.42, 0.12), "foreign_buyers": (0.50, 0.09), "fdi_links": (0.30, 0.12),
    "universities_training": (0.36, 0.12),
    "entry_mode": (0.92, 0.0), "target_markets": (0.75, 0.0),
    "value_chain_position": (0.50, 0.04),
    "repurposed_assets": (0.30, 0.07), "inherited_skills": (0.35, 0.06),
    "former_soe": (0.0, 0.07),
    "barrier_finance": (0.50, 0.08), "barrier_brain_drain": (0.55, 0.08),
    "barrier_institutions": (0.48, 0.06), "barrier_standards": (0.40, 0.05),
    "export_promotion": (0.28, 0.06), "subsidies": (0.33, 0.07), "state_support": (0.05, 0.22),
    "crisis_impact": (0.60, 0.0), "crisis_response": (0.50, 0.0), "post2008_shift": (0.08, 0.10),
}
SECTOR_MULT: dict[str, dict[str, float]] = {
    "it": {"online_platforms": 3.4, "diaspora": 1.5, "outsourcing_contacts": 1.5,
           "colocation": 0.7, "trade_fairs": 0.45, "fdi_links": 0.45,
           "universities_training": 1.5, "repurposed_assets": 0.15, "inherited_skills": 0.25,
           "barrier_standards": 0.2, "emigration_experience": 1.3},
    "metal": {"fdi_links": 1.7, "colocation": 1.3, "repurposed_assets": 1.6,
              "inherited_skills": 1.5, "online_platforms": 0.6},
    "auto": {"fdi_links": 2.4, "colocation": 1.2, "online_platforms": 0.4,
             "barrier_standards": 1.4},
    "plastics": {"fdi_links": 1.6, "online_platforms": 0.7},
    "machinery": {"trade_fairs": 1.5, "inherited_skills": 1.4, "repurposed_assets": 1.4,
                  "online_platforms": 0.6},
    "furniture": {"trade_fairs": 1.5, "colocation": 1.3, "online_platforms": 1.3},
    "food": {"trade_fairs": 1.5, "diaspora": 1.3, "barrier_standards": 1.5,
             "online_platforms": 1.1, "colocation": 1.1},
    "apparel": {"outsourcing_contacts": 1.9, "colocation": 1.3, "online_platforms": 1.1},
    "printing": {"trade_fairs": 1.2},
}


@dataclass
class Case:
    id: str
    sector: str
    town: str
    size: str
    n_emp: int
    founded: int
    export_share: int
    ownership: str
    soe_roots: bool
    markets: list[str]
    products: list[str]
    soe: str
    dept: str
    zone: int
    fdi: str
    fair: str
    platform: str
    dcity: tuple[str, str]
    emig: tuple[int, int]  # indexes into data.EMIGRATION and its jobs
    emig_years: int
    seed: int


@dataclass
class Doc:
    num: int
    case: Case
    fmt: str
    lang: str
    interview_no: int  # 1 or 2 for the case
    respondent: str
    female: bool
    role: str
    interviewer: str
    interviewer_female: bool
    date: str
    label_style: str
    timestamps: bool
    layout: str
    vtt_style: str
    q_style: str
    heading: bool
    third: str | None
    target_words: int
    codes: dict[str, str] = field(default_factory=dict)
    seed: int = 0

    @property
    def filename(self) -> str:
        slug = data.TOWNS[self.case.town][0]
        return f"int_{self.num:03d}_{slug}_{self.case.sector}.{self.fmt}"


def _weighted(rng: random.Random, weights: dict[str, int], k: int) -> list[str]:
    pool = dict(weights)
    out: list[str] = []
    for _ in range(k):
        names = list(pool)
        pick = rng.choices(names, [pool[n] for n in names])[0]
        out.append(pick)
        del pool[pick]
    return out


def _size(rng: random.Random, bias: tuple[float, float, float]) -> tuple[str, int]:
    size = rng.choices(["micro", "small", "medium"], list(bias))[0]
    lo, hi = {"micro": (3, 9), "small": (10, 49), "medium": (50, 230)}[size]
    return size, rng.randint(lo, hi)


def make_case(rng: random.Random, sector: str) -> Case:
    sec = data.SECTORS[sector]
    town = rng.choice(sec["towns"])
    size, n_emp = _size(rng, sec["size_bias"])
    soe_roots = sector != "it" and rng.random() < 0.32
    if soe_roots:
        founded = rng.randint(1991, 2008)
    elif sector == "it":
        founded = rng.choice([rng.randint(1995, 2020), rng.randint(2006, 2020)])
    else:
        founded = rng.randint(1990, 2020)
    if sector == "it":
        export_share = rng.choice([rng.randint(70, 100), 100, 95, rng.randint(40, 100)])
    else:
        export_share = rng.choice([rng.randint(5, 100), rng.randint(30, 95), rng.randint(50, 100)])
    ownership = rng.choices(["domestic", "diaspora-owned", "mixed"], [78, 12, 10])[0]
    markets = _weighted(rng, MARKETS_IT if sector == "it" else MARKETS_GOODS, 3)
    products = rng.sample(sec["product"], 2)
    platforms = data.PLATFORMS_IT if sector == "it" else data.PLATFORMS_GOODS
    return Case(
        id="", sector=sector, town=town, size=size, n_emp=n_emp, founded=founded,
        export_share=export_share, ownership=ownership, soe_roots=soe_roots, markets=markets,
        products=products, soe=rng.choice(sec["soe"]), dept=rng.choice(sec["dept"]),
        zone=rng.randrange(len(data.ZONES)), fdi=rng.choice(sec["fdi"]),
        fair=rng.choice(sec["fairs"]), platform=rng.choice(platforms),
        dcity=rng.choice(data.DIASPORA_CITIES),
        emig=(ei := rng.randrange(len(data.EMIGRATION)),
              rng.randrange(len(data.EMIGRATION[ei][3]))),
        emig_years=rng.randint(3, 14), seed=rng.getrandbits(32),
    )


def _prob(case: Case, code: str) -> tuple[float, float]:
    p, d = BASE[code]
    p *= SECTOR_MULT.get(case.sector, {}).get(code, 1.0)
    if code == "diaspora" and case.ownership != "domestic":
        p = 0.9
    if code == "emigration_experience" and case.ownership == "diaspora-owned":
        p = 0.8
    if code == "former_soe":
        p = 0.85 if case.soe_roots else 0.0
    if code in ("repurposed_assets", "inherited_skills") and case.soe_roots:
        p = max(p, 0.6)
    if code in ("crisis_impact", "crisis_response", "post2008_shift") and case.founded > 2008:
        return 0.0, 0.0
    if code == "online_platforms" and case.founded < 2000 and case.sector != "it":
        p *= 0.6
    return min(p, 0.95), d


def assign_codes(rng: random.Random, case: Case, lang: str, target: int) -> dict[str, str]:
    """Codes for one document; longer interviews touch on more of them."""
    scale = 0.7 + 0.6 * min(1.0, max(0.0, (target - 1700) / 3000))
    if lang in ("sr-Latn", "sr-Cyrl"):
        scale = 1.25  # the Serbian bank is smaller: more topics rather than longer answers
    codes: dict[str, str] = {}
    for code in BASE:
        p, d = _prob(case, code)
        p = min(0.97, p * scale)
        r = rng.random()
        if r < p:
            codes[code] = "present"
        elif r < p + d:
            codes[code] = "denied"
    if codes.get("state_support") == "denied":
        codes.pop("export_promotion", None)
        codes.pop("subsidies", None)
    if codes.get("post2008_shift") == "denied":
        codes.pop("crisis_impact", None)
        codes.pop("crisis_response", None)
    if lang in ("sr-Latn", "sr-Cyrl"):
        # the Serbian bank has no general "present" passage for these two
        for c in ("state_support", "post2008_shift"):
            if codes.get(c) == "present":
                codes.pop(c)
    return codes


def _name(rng: random.Random, female: bool) -> str:
    first = rng.choice(data.FEMALE_FIRST if female else data.MALE_FIRST)
    return f"{first} {rng.choice(data.SURNAMES)}"


def make_docs(seed: int) -> list[Doc]:
    rng = random.Random(seed)
    sectors = [s for s, n in SECTOR_COUNTS.items() for _ in range(n)]
    rng.shuffle(sectors)
    n_cases = N_DOCS - 15
    cases = [make_case(rng, s) for s in sectors[:n_cases]]
    slots = [(c, 1) for c in cases] + [(c, 2) for c in rng.sample(cases, N_DOCS - n_cases)]
    rng.shuffle(slots)
    # a second interview never comes before the first
    seen: set[int] = set()
    ordered: list[tuple[Case, int]] = []
    for c, _ in slots:
        ordered.append((c, 2 if id(c) in seen else 1))
        seen.add(id(c))
    n = 0
    for c, k in ordered:
        if k == 1:
            n += 1
            c.id = f"F{n:03d}"
    fmts = [f for f, k in FORMAT_MIX.items() for _ in range(k)]
    rng.shuffle(fmts)
    langs = ["en"] * N_DOCS
    for lang, mix in LANG_MIX.items():
        for fmt, k in mix.items():
            free = [i for i in range(N_DOCS) if fmts[i] == fmt and langs[i] == "en"]
            for i in rng.sample(free, k):
                langs[i] = lang
    docs: list[Doc] = []
    owner_done: dict[str, str] = {}
    for i, (case, k) in enumerate(ordered):
        docs.append(_make_doc(rng, i + 1, case, k, fmts[i], langs[i], owner_done))
    return docs


def _make_doc(rng: random.Random, num: int, case: Case, k: int, fmt: str, lang: str,
              owner_done: dict[str, str]) -> Doc:
    female = rng.random() < 0.34
    roles = [r for r in data.RESPONDENT_ROLES if k == 1 or r[1] != owner_done.get(case.id)]
    if k == 1:
        roles = [r for r in roles if r[1] == "owner"] if rng.random() < 0.75 else roles
    role, kind = rng.choice(roles)
    owner_done[case.id] = kind
    iv, iv_female = rng.choice(data.INTERVIEWERS)
    month = rng.randint(0, 16)
    date = f"{2024 + (month + 1) // 13}-{(month % 12) + 1:02d}-{rng.randint(1, 28):02d}"
    serbian = lang in ("sr-Latn", "sr-Cyrl")
    if serbian:
        label_style = "names"
    elif fmt in ("vtt", "srt"):
        label_style = rng.choice(["names", "names", "mixed", "role"])
    else:
        label_style = rng.choices(["role", "names", "initials", "mixed"], [40, 28, 14, 18])[0]
    timestamps = fmt in ("txt", "md", "docx", "odt") and rng.random() < 0.22
    lognormal = int(min(5500, max(1700, rng.lognormvariate(7.82, 0.27))))
    target = rng.randint(1700, 3100) if serbian else lognormal
    third = None
    if not serbian and fmt in ("txt", "md") and label_style == "names" and rng.random() < 0.3:
        third = _name(rng, rng.random() < 0.5)
    return Doc(
        num=num, case=case, fmt=fmt, lang=lang, interview_no=k,
        respondent=_name(rng, female), female=female, role=role,
        interviewer=iv, interviewer_female=iv_female, date=date, label_style=label_style,
        timestamps=timestamps, layout=rng.choice(["blank", "blank", "tight"]),
        vtt_style=rng.choice(["voice_each", "voice_start", "prefix"]),
        q_style=rng.choice(["formal", "formal", "brisk", "casual"]),
        heading=rng.random() < 0.5, third=third, target_words=target,
        codes=assign_codes(rng, case, lang, target), seed=rng.getrandbits(32),
    )
