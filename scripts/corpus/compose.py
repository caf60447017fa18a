"""Compose one interview: a list of speaker turns, each a list of paragraphs of segments.

A segment is one expanded template (one or a few sentences). A segment that expresses a code
carries ``(code, polarity)``; the quote for a code is the run of consecutive segments in one
paragraph that carry it, joined by single spaces, so it is an exact substring of the paragraph.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from . import data
from .banks import Entry, load
from .grammar import Slots, expand, tidy
from .plan import Doc
from .translit import strip_protect, to_cyrillic

TOPICS = ("background", "history", "location", "first_export", "clients", "learning",
          "people", "barriers", "crisis", "state", "future")
TOPIC_CODES = {
    "background": ("emigration_experience", "inherited_skills", "universities_training"),
    "history": ("former_soe", "repurposed_assets", "inherited_skills", "emigration_experience"),
    "location": ("colocation", "repurposed_assets"),
    "first_export": ("entry_mode", "target_markets", "diaspora", "online_platforms",
                     "outsourcing_contacts", "trade_fairs", "emigration_experience"),
    "clients": ("online_platforms", "trade_fairs", "diaspora", "outsourcing_contacts",
                "target_markets", "value_chain_position", "foreign_buyers"),
    "learning": ("foreign_buyers", "fdi_links", "colocation", "universities_training",
                 "emigration_experience", "trade_fairs"),
    "people": ("barrier_brain_drain", "inherited_skills", "universities_training", "fdi_links"),
    "barriers": ("barrier_finance", "barrier_institutions", "barrier_standards",
                 "barrier_brain_drain"),
    "crisis": ("crisis_impact", "crisis_response", "post2008_shift"),
    "state": ("export_promotion", "subsidies", "state_support"),
    "future": ("value_chain_position", "target_markets"),
}
ALWAYS = ("background", "history", "first_export")
OPTIONAL_P = {"location": 0.3, "clients": 0.6, "learning": 0.8, "people": 0.5,
              "barriers": 0.6, "crisis": 0.5, "state": 0.5, "future": 0.5}
PADS = ("day", "covid", "succession", "competition", "product", "town", "prices", "energy",
        "family", "quality", "digital", "workers_day", "suppliers", "marketing", "hobby",
        "management")
NUM_WORDS = str.split(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
)

FAIR_CITY_SR = {
    "it": ("u Lisabonu", "u Hanoveru", "u Beču", "u Helsinkiju"),
    "metal": ("u Hanoveru", "u Štutgartu", "u Beogradu"),
    "furniture": ("u Kelnu", "u Milanu", "u Beogradu"),
    "food": ("u Kelnu", "u Parizu", "u Berlinu", "u Novom Sadu"),
    "apparel": ("u Parizu", "u Minhenu", "u Firenci", "u Moskvi"),
    "plastics": ("u Diseldorfu", "u Fridrihshafenu", "u Beogradu"),
    "machinery": ("u Hanoveru", "u Bolonji", "u Novom Sadu"),
    "auto": ("u Frankfurtu", "u Beogradu"),
    "printing": ("u Diseldorfu", "u Frankfurtu", "u Beogradu"),
}
FDI_SR = {
    "it": "strana softverska kompanija", "metal": "nemačka fabrika kablova",
    "furniture": "švedska fabrika nameštaja", "food": "danska mlekara",
    "apparel": "italijanska fabrika obuće", "plastics": "nemačka fabrika guma",
    "machinery": "američka fabrika traktora", "auto": "italijanska fabrika automobila",
    "printing": "nemačka fabrika ambalaže",
}
EMIG_JOB_SR = {
    "it": "kao programer", "metal": "u fabrici mašinskih delova",
    "furniture": "u stolarskoj radionici", "food": "u fabrici hrane",
    "apparel": "u jednoj tekstilnoj firmi", "plastics": "u fabrici plastike",
    "machinery": "u fabrici mašina", "auto": "kod jednog dobavljača za autoindustriju",
    "printing": "u štampariji",
}


@dataclass
class Seg:
    text: str
    codes: tuple[tuple[str, str], ...] = ()


@dataclass
class Turn:
    speaker: str  # "I", "R" or "R2"
    paras: list[list[Seg]] = field(default_factory=list)
    lang: str = "en"

    def words(self) -> int:
        return sum(len(s.text.split()) for p in self.paras for s in p)


def _years(rng: random.Random, lo: int, hi: int) -> str:
    return str(rng.randint(lo, max(lo, hi)))


def make_slots(doc: Doc) -> dict[str, object]:
    c = doc.case
    sec = data.SECTORS[c.sector]
    rng = random.Random(c.seed)
    country, country2, country3 = c.markets
    ctry = data.COUNTRIES
    city = rng.choice(ctry[country][1])
    ecity, ecountry, elang, ejobs = data.EMIGRATION[c.emig[0]]
    dcity, dcountry = c.dcity
    f = c.founded
    town_sr = data.TOWNS[c.town]
    others = [t for t in data.TOWNS if t != c.town]
    town2 = rng.choice(others)
    ret = min(2021, max(1993, f - rng.randint(0, 3)))
    v: dict[str, object] = {
        "town": c.town, "town2": town2, "zone": data.ZONES[c.zone],
        "product": c.products[0], "product2": c.products[1],
        "first_job": list(sec["first_job"]), "sector_word": sec["sector_word"],
        "material": sec["material"], "unit": sec["unit"], "machine": list(sec["machine"]),
        "soe": c.soe, "dept": c.dept, "fair": c.fair, "fdi": c.fdi,
        "uni": data.UNIVERSITY.get(c.town, f"the technical school in {c.town}"),
        "platform": c.platform,
        "country": country, "country2": country2, "country3": country3,
        "country_adj": ctry[country][0], "country2_adj": ctry[country2][0],
        "city_abroad": city,
        "year_found": str(f), "year_fx": str(min(2023, f + rng.randint(0, 5))),
        "yr_early": lambda r: _years(r, max(1991, f), 2005),
        "yr_mid": lambda r: _years(r, max(2006, f + 1), 2016),
        "yr_late": lambda r: _years(r, max(2015, f + 2), 2023),
        "yr_soe": lambda r: _years(r, 1996, 2010),
        "yr_fdi": lambda r: _years(r, 2006, 2019),
        "yr_upwork": lambda r: _years(r, max(2012, f - 2), 2020),
        "yr_fair": lambda r: _years(r, max(1995, f + 1), 2023),
        "yr_return": str(ret), "yr_leave": str(ret - c.emig_years),
        "emig_city": ecity, "emig_country": ecountry, "emig_lang": elang,
        "emig_job": ejobs[c.emig[1]], "emig_adj": ctry[ecountry][0],
        "emig_years": NUM_WORDS[c.emig_years], "emig_years_n": str(c.emig_years),
        "dcity": dcity, "dcountry": dcountry, "dcountry_adj": ctry[dcountry][0],
        "legacy_country": list(data.LEGACY_COUNTRIES),
        "pm": lambda r: f"{r.choice(data.MALE_FIRST)} {r.choice(data.SURNAMES)}",
        "pf": lambda r: f"{r.choice(data.FEMALE_FIRST)} {r.choice(data.SURNAMES)}",
        "n_emp": str(c.n_emp), "pct": str(c.export_share),
        # Serbian forms
        "town_sr": town_sr[1], "town_loc": "u " + town_sr[2], "town_gen": town_sr[3],
        "town2_loc": "u " + data.TOWNS[town2][2],
        "zone_sr": data.ZONES_SR[c.zone % len(data.ZONES_SR)],
        "prod_sr": list(sec["sr_prod"]), "sr_word": sec["sr_word"],
        "country_sr": ctry[country][2], "country2_sr": ctry[country2][2],
        "country_gen": ctry[country][3], "country_loc": "u " + ctry[country][4],
        "country_acc": ctry[country][5], "country_dat": ctry[country][4],
        "country2_acc": ctry[country2][5], "town2_gen": data.TOWNS[town2][3],
        "city_sr_gen": data.CITY_SR[city][1] if city in data.CITY_SR else ctry[country][3],
        "city_sr_loc": ("u " + data.CITY_SR[city][2]) if city in data.CITY_SR
        else "u " + ctry[country][4],
        "dcity_loc": "u " + data.CITY_SR[dcity][2], "dcountry_loc": "u " + ctry[dcountry][4],
        "emig_country_loc": "u " + data.EMIG_SR[ecountry],
        "emig_city_loc": ("u " + data.CITY_SR[ecity][2]) if ecity in data.CITY_SR
        else "u " + data.EMIG_SR[ecountry],
        "emig_job_sr": EMIG_JOB_SR[c.sector],
        "uni_sr": data.UNIVERSITY_SR.get(c.town, "tehničkom školom " + "u " + town_sr[2]),
        "legacy_sr": list(data.LEGACY_COUNTRIES_SR),
        "platform_sr": rng.choice(("Upwork", "Upwork", "Toptal")) if c.sector == "it"
        else rng.choice(("Alibaba", "Europages")),
        "fair_city_loc": list(FAIR_CITY_SR[c.sector]), "fdi_sr": FDI_SR[c.sector],
    }
    return v


class Composer:
    """Builds the turns of one document. ``used`` is the corpus-wide set of quotes."""

    def __init__(self, doc: Doc, used: set[str]) -> None:
        self.doc = doc
        self.rng = random.Random(doc.seed)
        self.used = used
        values = make_slots(doc)
        self.slots_r = Slots(values, doc.female)  # type: ignore[arg-type]
        self.slots_i = Slots(values, doc.interviewer_female)  # type: ignore[arg-type]
        self.taken: set[tuple[str, str, int]] = set()
        self.banks = {"en": load("en"), "sr": load("sr")}
        self.dropped: list[str] = []
        self.serbian = doc.lang in ("sr-Latn", "sr-Cyrl")
        self.story_p = 0.1
        self.lead_neutral = 0.35
        self.padded: set[int] = set()

    # ---- bank access ---------------------------------------------------------------
    def entries(self, key: str, lang: str) -> tuple[tuple[str, Entry], ...]:
        bank = self.banks[lang]
        return tuple((lang, e) for e in bank.get(key, ()))

    def ok(self, e: Entry) -> bool:
        return e.fits(self.doc.case.sector, self.doc.case.founded)

    def has(self, key: str, lang: str) -> bool:
        return bool(self.entries(key, lang))

    def pick(self, key: str, lang: str, who: str = "R", reuse: bool = False,
             slots: Slots | None = None) -> str | None:
        cands = [(lg, e) for lg, e in self.entries(key, lang) if self.ok(e)]
        fresh = [(lg, e) for lg, e in cands if (lg, e.key, e.index) not in self.taken]
        pool = fresh or (cands if reuse else [])
        if not pool:
            return None
        lg, e = self.rng.choice(pool)
        self.taken.add((lg, e.key, e.index))
        base = self.slots_r if who == "R" else self.slots_i
        s = slots or base.fresh()
        return tidy(expand(e.text, s, self.rng))

    # ---- passages ------------------------------------------------------------------
    def passage(self, code: str, pol: str, lang: str) -> list[Seg] | None:
        key = f"code.{code}.{pol}"
        cands = [(lg, e) for lg, e in self.entries(key, lang) if self.ok(e)]
        cands = [(lg, e) for lg, e in cands if (lg, e.key, e.index) not in self.taken]
        if not cands:
            return None
        for _ in range(16):
            lg, e = self.rng.choice(cands)
            slots = self.slots_r.fresh()
            core = tidy(expand(e.text, slots, self.rng))
            codes = ((code, pol), *((a, "present") for a in e.also))
            segs = [Seg(core, codes)]
            xkey = f"code.{code}.extra"
            n_extra = 0
            if pol == "present":
                n_extra = self.rng.choices((0, 1, 2), (50, 38, 12))[0]
            for _ in range(n_extra):
                xs = [x for xl, x in self.entries(xkey, lg)
                      if (xl, x.key, x.index) not in self.taken and self.ok(x)]
                if xs:
                    x = self.rng.choice(xs)
                    self.taken.add((lg, x.key, x.index))
                    segs.append(Seg(tidy(expand(x.text, slots, self.rng)), ((code, pol),)))
            quote = " ".join(s.text for s in segs)
            if quote.casefold() in self.used:
                continue
            self.used.add(quote.casefold())
            self.taken.add((lg, e.key, e.index))
            return segs
        return None

    # ---- turns ---------------------------------------------------------------------
    def i_turn(self, text: str, lang: str) -> Turn:
        return Turn("I", [[Seg(text)]], lang)

    def question(self, topic: str, lang: str, ack: bool = True) -> str:
        style = {"formal": ("long", "long", "short"), "brisk": ("short", "short", "long"),
                 "casual": ("casual", "short", "long")}[self.doc.q_style]
        q = None
        for st in (self.rng.choice(style), "long", "short"):
            q = self.pick(f"q.{topic}.{st}", lang, "I", reuse=True)
            if q:
                break
        assert q, topic
        if ack and self.rng.random() < 0.35:
            a = self.pick("ack", lang, "I", reuse=True)
            if a:
                q = f"{a} {q}"
        return q

    def paragraphs(self, units: list[list[Seg]]) -> list[list[Seg]]:
        paras: list[list[Seg]] = [[]]
        words = 0
        for u in units:
            w = sum(len(s.text.split()) for s in u)
            if paras[-1] and (words >= 150 or (words >= 55 and self.rng.random() < 0.4)):
                paras.append([])
                words = 0
            paras[-1].extend(u)
            words += w
        return [p for p in paras if p]

    def answer(self, lang: str, topic: str | None, codes: list[tuple[str, str]],
               neutral: int, opener: float = 0.5) -> list[list[Seg]]:
        rng = self.rng
        units: list[list[Seg]] = []

        def add(key: str) -> None:
            t = self.pick(key, lang)
            if t:
                units.append([Seg(t)])

        if rng.random() < opener:
            add("opener")
        if topic and codes and rng.random() < self.lead_neutral:
            add(f"neutral.{topic}")
        for k, (code, pol) in enumerate(codes):
            segs = self.passage(code, pol, lang)
            if segs is None:
                self.dropped.append(code)
                continue
            if k and rng.random() < 0.5:
                add("bridge")
            units.append(segs)
            if rng.random() < 0.16:
                add("aside")
        for _ in range(neutral):
            if topic:
                add(f"neutral.{topic}")
        if topic and rng.random() < self.story_p:
            add("story")
        if rng.random() < 0.2:
            add("aside")
        if not units:
            units.append([Seg(self.pick("opener", lang, reuse=True) or "Hm.")])
        return self.paragraphs(units)


def split_long(c: Composer, turns: list[Turn], lang: str) -> list[Turn]:
    """Cut a long respondent turn with an interviewer backchannel now and then."""
    out: list[Turn] = []
    for t in turns:
        if t.speaker == "R" and len(t.paras) >= 3 and c.rng.random() < 0.45:
            bc = c.pick("backchannel", lang, "I", reuse=True) or "Mhm."
            out += [Turn("R", t.paras[:1], t.lang), c.i_turn(bc, lang),
                    Turn("R", t.paras[1:], t.lang)]
        else:
            out.append(t)
    return out


def block_lang(c: Composer, codes: list[tuple[str, str]]) -> str:
    if c.serbian:
        return "sr"
    if c.doc.lang != "mixed" or c.rng.random() > 0.42:
        return "en"
    ok = all(c.banks["sr"].get(f"code.{code}.{pol}") for code, pol in codes)
    return "sr" if ok else "en"


def topic_block(c: Composer, topic: str, codes: list[tuple[str, str]], richness: float
                ) -> list[Turn]:
    rng = c.rng
    lang = block_lang(c, codes)
    present = [x for x in codes if x[1] == "present"]
    k = rng.choice([0, 1, 1, 2]) if present else 0
    general = present[:k]
    probed = [x for x in codes if x not in general]
    turns = [c.i_turn(c.question(topic, lang), lang)]
    n_neutral = rng.choice([0, 1, 1, 2]) + (1 if richness > 0.5 else 0)
    if not general:
        n_neutral += 1
    turns.append(Turn("R", c.answer(lang, topic, general, n_neutral), lang))
    for code, pol in probed:
        probe = c.pick(f"probe.{code}", lang, "I", reuse=True)
        if not probe:
            continue
        if rng.random() < 0.25:
            a = c.pick("ack", lang, "I", reuse=True)
            probe = f"{a} {probe}" if a else probe
        c.lead_neutral = 0.0
        ans = c.answer(lang, topic, [(code, pol)], rng.choice([0, 0, 1]), opener=0.4)
        c.lead_neutral = 0.35
        if not any(s.codes for p in ans for s in p):
            continue  # no fresh passage left for this code: the question is not asked
        turns += [c.i_turn(probe, lang), Turn("R", ans, lang)]
        n_follow = 0
        if pol == "present":
            n_follow = int(rng.random() < 0.15 + 0.6 * richness)
            n_follow += int(n_follow > 0 and rng.random() < 0.6 * richness)
            n_follow += int(n_follow > 1 and rng.random() < 0.4 * richness)
        for _ in range(n_follow):
            fu = c.pick("followup", lang, "I", reuse=True)
            ans = c.answer(lang, topic if rng.random() < 0.3 else None, [(code, pol)], 0,
                           opener=0.3)
            if fu and any(s.codes for p in ans for s in p):
                turns += [c.i_turn(fu, lang), Turn("R", ans, lang)]
    return split_long(c, turns, lang)


def pad_block(c: Composer, pad: str) -> list[Turn]:
    lang = "sr" if c.serbian else ("sr" if c.doc.lang == "mixed" and c.rng.random() < 0.3
                                   else "en")
    if not c.has(f"pad.{pad}.q", lang):
        return []
    entries = tuple(x for x in c.entries(f"pad.{pad}.a", lang) if c.ok(x[1]))
    if len(entries) < 3:
        return []
    q = c.pick(f"pad.{pad}.q", lang, "I", reuse=True)
    if not q:
        return []
    n = min(len(entries), c.rng.randint(3, 5))
    chosen = sorted(c.rng.sample(range(len(entries)), n))
    units = []
    if c.rng.random() < 0.4:
        o = c.pick("opener", lang)
        if o:
            units.append([Seg(o)])
    for i in chosen:
        _, e = entries[i]
        units.append([Seg(tidy(expand(e.text, c.slots_r.fresh(), c.rng)))])
    if c.rng.random() < 0.3:
        a = c.pick("aside", lang)
        if a:
            units.append([Seg(a)])
    return split_long(c, [c.i_turn(q, lang), Turn("R", c.paragraphs(units), lang)], lang)


def third_block(c: Composer) -> list[Turn]:
    name = c.doc.third or ""
    first = name.split()[0]
    intro = tidy(expand(
        "{Actually|Wait}, {FIRST} {just came in|is here} — {she knows this better than me|"
        "he knows the details better than me|this is our production manager}. {FIRST}, "
        "{come, sit with us for a minute|tell us about the machines}.".replace("FIRST", "first"),
        Slots({"first": first}, False), c.rng))
    units = [[Seg(tidy(expand(e.text, c.slots_r.fresh(), c.rng)))]
             for _, e in c.rng.sample([x for x in c.entries("pad.product.a", "en")
                                       if c.ok(x[1])], 3)]
    units.insert(0, [Seg("Hello. [laughs] I'll try.")])
    q = c.pick("followup", "en", "I", reuse=True) or "Can you give me an example?"
    units2 = [[Seg(tidy(expand(e.text, c.slots_r.fresh(), c.rng)))]
              for _, e in c.rng.sample([x for x in c.entries("pad.day.a", "en")
                                        if c.ok(x[1])], 2)]
    return [Turn("R", [[Seg(intro)]]), Turn("R2", c.paragraphs(units)),
            c.i_turn(q, "en"), Turn("R2", c.paragraphs(units2)),
            Turn("R", [[Seg(f"Thank you, {first}. (pause) So, where were we.")]])]


def plan_topics(c: Composer) -> dict[str, list[tuple[str, str]]]:
    rng = c.rng
    by_topic: dict[str, list[tuple[str, str]]] = {t: [] for t in TOPICS}
    for code, pol in c.doc.codes.items():
        options = [t for t in TOPICS if code in TOPIC_CODES[t]]
        by_topic[rng.choice(options)].append((code, pol))
    for t in TOPICS:
        order = TOPIC_CODES[t]
        by_topic[t].sort(key=lambda x, o=order: o.index(x[0]))  # type: ignore[misc]
    chosen: dict[str, list[tuple[str, str]]] = {}
    for t in TOPICS:
        if t == "crisis" and c.doc.case.founded > 2008:
            continue
        if by_topic[t] or t in ALWAYS or rng.random() < OPTIONAL_P.get(t, 0):
            chosen[t] = by_topic[t]
    return chosen


def compose(doc: Doc, used: set[str]) -> tuple[list[Turn], list[str]]:
    c = Composer(doc, used)
    rng = c.rng
    lang0 = "sr" if c.serbian else "en"
    richness = min(1.0, max(0.0, (doc.target_words - 1800) / 3500))
    if c.serbian:
        richness = 0.7
    c.story_p = 0.08 + 0.3 * richness
    head = [c.i_turn(c.pick("intro.i", lang0, "I", reuse=True) or "", lang0),
            Turn("R", [[Seg(c.pick("intro.r", lang0, reuse=True) or "")]], lang0)]
    if doc.lang == "mixed":
        head[0].paras[0].append(Seg(rng.choice((
            "And please, feel free to switch to Serbian whenever it's easier.",
            "We can switch to Serbian any time, of course.",
            "If something is easier to say in Serbian, just say it in Serbian."))))
    topics = plan_topics(c)
    order = list(topics)
    for i in range(3, len(order) - 1):
        if rng.random() < 0.2:
            order[i], order[i + 1] = order[i + 1], order[i]
    blocks: list[tuple[str | None, list[Turn]]] = [
        (t, topic_block(c, t, topics[t], richness)) for t in order]
    if doc.third:
        blocks.insert(rng.randint(3, len(blocks)), (None, third_block(c)))
    tail = [c.i_turn(c.pick("closing.i", lang0, "I", reuse=True) or "", lang0),
            Turn("R", c.paragraphs([[Seg(c.pick("closing.r", lang0, reuse=True) or "")]]),
                 lang0),
            c.i_turn(c.pick("closing.i2", lang0, "I", reuse=True) or "", lang0)]

    def total() -> int:
        return sum(t.words() for t in head + tail) + sum(t.words() for _, b in blocks for t in b)

    pads = list(PADS)
    rng.shuffle(pads)
    start = next((i for i, (t, _) in enumerate(blocks) if t == "first_export"), 2) + 1
    while total() < doc.target_words and pads:
        b = pad_block(c, pads.pop())
        if not b:
            continue
        # spread the small talk: never two padding exchanges in a row if it can be helped
        gaps = [i for i in range(start, len(blocks) + 1)
                if blocks[i - 1][0] is not None and (i == len(blocks) or blocks[i][0] is not None)]
        blocks.insert(rng.choice(gaps) if gaps else rng.randint(start, len(blocks)), (None, b))
    guard = 0
    while total() < doc.target_words and guard < 150:
        guard += 1
        _extend(c, blocks)
    turns = head + [t for _, b in blocks for t in b] + tail
    assert all(t.paras and t.paras[0] for t in turns), doc.filename
    if doc.lang == "sr-Cyrl":
        for t in turns:
            for p in t.paras:
                for s in p:
                    s.text = to_cyrillic(s.text)
    for t in turns:
        for p in t.paras:
            for s in p:
                s.text = strip_protect(s.text)
    return turns, c.dropped


def _extend(c: Composer, blocks: list[tuple[str | None, list[Turn]]]) -> None:
    """Lengthen the interview: one more neutral sentence or aside in some answer."""
    rng = c.rng
    topic, b = rng.choice(blocks)
    rs = [t for t in b if t.speaker == "R"]
    if not rs:
        return
    t = rng.choice(rs)
    key = rng.choice((f"neutral.{topic}", "aside", f"neutral.{topic}", "story")) if topic \
        else rng.choice(("aside", "story"))
    if key in ("aside", "story") and id(t) in c.padded:
        return
    c.padded.add(id(t))
    text = c.pick(key, t.lang)
    if text:
        t.paras.append([Seg(text)]) if rng.random() < 0.3 else t.paras[-1].append(Seg(text))
