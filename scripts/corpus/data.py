"""Slot fillers: people, places, sectors, markets. All firms and people are fictional.

Former socially-owned enterprises are given invented names so that no statement in the corpus
is about a real company; fairs and platforms are real (they are the world the firms live in).
"""

from __future__ import annotations

from typing import Any


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


MALE_FIRST = _words(
    "Dragan Milan Nenad Zoran Goran Dejan Saša Vladimir Miloš Nikola Marko Stefan Aleksandar "
    "Dušan Đorđe Živko Branislav Slobodan Predrag Miroslav Bojan Vuk Lazar Ivan Jovan Radoslav "
    "Srđan Željko Dalibor Čedomir Ljubomir Nebojša Uroš Vojislav Žarko Mladen Momčilo Ranko "
    "Tihomir Veljko Petar Filip Luka Ognjen Siniša Dobrivoje Velimir Ratko Đuro Aleksa"
)
FEMALE_FIRST = _words(
    "Milica Jelena Ana Marija Ivana Snežana Dragana Gordana Svetlana Tijana Jovana Katarina "
    "Ljiljana Biljana Vesna Nataša Maja Sanja Danijela Zorica Mirjana Teodora Đurđa Nevena "
    "Jasmina Slađana Bojana Olivera Radmila Kristina Dušica Ksenija Aleksandra Vera Nada Sonja"
)
SURNAMES = _words(
    "Đorđević Živković Čolić Šćepanović Petrović Jovanović Nikolić Marković Stanković Ilić "
    "Pavlović Popović Stojanović Kovačević Todorović Lazić Mitrović Radović Savić Tomić Vasić "
    "Kostić Ristić Đukić Stevanović Janković Bošković Lukić Nedeljković Simić Jović Obradović "
    "Vuković Knežević Matić Milenković Cvetković Zdravković Ćirić Šarić Ćosić Tešić Žugić "
    "Radenković Gajić Aćimović Veljković Babić Đurić Kecman Nađ Kiš Sabo Milovanović Pešić "
    "Dimitrijević Ćurčić Mićić Živanović Đokić Šljivić Ljubičić Njegić Gavrilović Rakić"
)

# (name in English, slug, Serbian name, locative, genitive)
TOWNS: dict[str, tuple[str, str, str, str]] = {
    "Belgrade": ("belgrade", "Beograd", "Beogradu", "Beograda"),
    "Novi Sad": ("novi_sad", "Novi Sad", "Novom Sadu", "Novog Sada"),
    "Niš": ("nis", "Niš", "Nišu", "Niša"),
    "Kragujevac": ("kragujevac", "Kragujevac", "Kragujevcu", "Kragujevca"),
    "Subotica": ("subotica", "Subotica", "Subotici", "Subotice"),
    "Čačak": ("cacak", "Čačak", "Čačku", "Čačka"),
    "Kraljevo": ("kraljevo", "Kraljevo", "Kraljevu", "Kraljeva"),
    "Šabac": ("sabac", "Šabac", "Šapcu", "Šapca"),
    "Pančevo": ("pancevo", "Pančevo", "Pančevu", "Pančeva"),
    "Zrenjanin": ("zrenjanin", "Zrenjanin", "Zrenjaninu", "Zrenjanina"),
    "Leskovac": ("leskovac", "Leskovac", "Leskovcu", "Leskovca"),
    "Valjevo": ("valjevo", "Valjevo", "Valjevu", "Valjeva"),
    "Užice": ("uzice", "Užice", "Užicu", "Užica"),
    "Sombor": ("sombor", "Sombor", "Somboru", "Sombora"),
    "Novi Pazar": ("novi_pazar", "Novi Pazar", "Novom Pazaru", "Novog Pazara"),
    "Kruševac": ("krusevac", "Kruševac", "Kruševcu", "Kruševca"),
    "Arilje": ("arilje", "Arilje", "Arilju", "Arilja"),
    "Smederevo": ("smederevo", "Smederevo", "Smederevu", "Smedereva"),
    "Vršac": ("vrsac", "Vršac", "Vršcu", "Vršca"),
    "Inđija": ("indjija", "Inđija", "Inđiji", "Inđije"),
    "Pirot": ("pirot", "Pirot", "Pirotu", "Pirota"),
    "Gornji Milanovac": ("gornji_milanovac", "Gornji Milanovac", "Gornjem Milanovcu",
                         "Gornjeg Milanovca"),
    "Kikinda": ("kikinda", "Kikinda", "Kikindi", "Kikinde"),
}

UNIVERSITY = {
    "Belgrade": "the Faculty of Mechanical Engineering in Belgrade",
    "Novi Sad": "the Faculty of Technical Sciences in Novi Sad",
    "Niš": "the Faculty of Electronic Engineering in Niš",
    "Kragujevac": "the Faculty of Engineering in Kragujevac",
    "Čačak": "the Faculty of Technical Sciences in Čačak",
    "Kraljevo": "the Faculty of Mechanical Engineering in Kraljevo",
    "Subotica": "the technical college in Subotica",
    "Zrenjanin": "the Technical Faculty in Zrenjanin",
}
UNIVERSITY_SR = {
    "Belgrade": "Mašinskim fakultetom u Beogradu",
    "Novi Sad": "Fakultetom tehničkih nauka u Novom Sadu",
    "Niš": "Elektronskim fakultetom u Nišu",
    "Kragujevac": "Fakultetom inženjerskih nauka u Kragujevcu",
    "Čačak": "Fakultetom tehničkih nauka u Čačku",
    "Kraljevo": "Mašinskim fakultetom u Kraljevu",
    "Subotica": "Visokom tehničkom školom u Subotici",
    "Zrenjanin": "Tehničkim fakultetom u Zrenjaninu",
}

# English name -> (adjective, cities, Serbian nom, gen, loc, acc)
COUNTRIES: dict[str, tuple[str, tuple[str, ...], str, str, str, str]] = {
    "Germany": ("German", ("Stuttgart", "Munich", "Düsseldorf", "Frankfurt", "Hamburg"),
                "Nemačka", "Nemačke", "Nemačkoj", "Nemačku"),
    "Austria": ("Austrian", ("Vienna", "Linz", "Graz", "Salzburg"),
                "Austrija", "Austrije", "Austriji", "Austriju"),
    "Italy": ("Italian", ("Milan", "Treviso", "Bologna", "Padua", "Udine"),
              "Italija", "Italije", "Italiji", "Italiju"),
    "Slovenia": ("Slovenian", ("Ljubljana", "Celje", "Maribor"),
                 "Slovenija", "Slovenije", "Sloveniji", "Sloveniju"),
    "Sweden": ("Swedish", ("Malmö", "Gothenburg", "Stockholm"),
               "Švedska", "Švedske", "Švedskoj", "Švedsku"),
    "the USA": ("American", ("Chicago", "Austin", "New York", "Denver"),
                "Amerika", "Amerike", "Americi", "Ameriku"),
    "Russia": ("Russian", ("Moscow", "Kazan", "St Petersburg"),
               "Rusija", "Rusije", "Rusiji", "Rusiju"),
    "Montenegro": ("Montenegrin", ("Podgorica", "Nikšić", "Budva"),
                   "Crna Gora", "Crne Gore", "Crnoj Gori", "Crnu Goru"),
    "Switzerland": ("Swiss", ("Zurich", "Basel", "Bern"),
                    "Švajcarska", "Švajcarske", "Švajcarskoj", "Švajcarsku"),
    "the Netherlands": ("Dutch", ("Rotterdam", "Eindhoven", "Utrecht"),
                        "Holandija", "Holandije", "Holandiji", "Holandiju"),
    "France": ("French", ("Lyon", "Paris", "Lille"),
               "Francuska", "Francuske", "Francuskoj", "Francusku"),
    "the UK": ("British", ("London", "Manchester", "Leeds"),
               "Engleska", "Engleske", "Engleskoj", "Englesku"),
    "Bosnia and Herzegovina": ("Bosnian", ("Banja Luka", "Sarajevo", "Bijeljina"),
                               "Bosna", "Bosne", "Bosni", "Bosnu"),
    "North Macedonia": ("Macedonian", ("Skopje", "Bitola"),
                        "Makedonija", "Makedonije", "Makedoniji", "Makedoniju"),
    "Croatia": ("Croatian", ("Zagreb", "Osijek", "Rijeka"),
                "Hrvatska", "Hrvatske", "Hrvatskoj", "Hrvatsku"),
    "Hungary": ("Hungarian", ("Szeged", "Budapest"),
                "Mađarska", "Mađarske", "Mađarskoj", "Mađarsku"),
    "Romania": ("Romanian", ("Timișoara", "Cluj"),
                "Rumunija", "Rumunije", "Rumuniji", "Rumuniju"),
    "Canada": ("Canadian", ("Toronto", "Vancouver", "Calgary"),
               "Kanada", "Kanade", "Kanadi", "Kanadu"),
    "Denmark": ("Danish", ("Aarhus", "Copenhagen", "Odense"),
                "Danska", "Danske", "Danskoj", "Dansku"),
    "Norway": ("Norwegian", ("Oslo", "Bergen"),
               "Norveška", "Norveške", "Norveškoj", "Norvešku"),
    "the Czech Republic": ("Czech", ("Brno", "Prague"),
                           "Češka", "Češke", "Češkoj", "Češku"),
    "Belgium": ("Belgian", ("Antwerp", "Ghent"),
                "Belgija", "Belgije", "Belgiji", "Belgiju"),
}

# Serbian forms of cities abroad: nom, gen, loc
CITY_SR: dict[str, tuple[str, str, str]] = {
    "Stuttgart": ("Štutgart", "Štutgarta", "Štutgartu"),
    "Munich": ("Minhen", "Minhena", "Minhenu"),
    "Düsseldorf": ("Diseldorf", "Diseldorfa", "Diseldorfu"),
    "Frankfurt": ("Frankfurt", "Frankfurta", "Frankfurtu"),
    "Hamburg": ("Hamburg", "Hamburga", "Hamburgu"),
    "Vienna": ("Beč", "Beča", "Beču"),
    "Linz": ("Linc", "Linca", "Lincu"),
    "Graz": ("Grac", "Graca", "Gracu"),
    "Salzburg": ("Salcburg", "Salcburga", "Salcburgu"),
    "Milan": ("Milano", "Milana", "Milanu"),
    "Zurich": ("Cirih", "Ciriha", "Cirihu"),
    "Basel": ("Bazel", "Bazela", "Bazelu"),
    "Chicago": ("Čikago", "Čikaga", "Čikagu"),
    "Toronto": ("Toronto", "Toronta", "Torontu"),
    "Malmö": ("Malme", "Malmea", "Malmeu"),
    "Gothenburg": ("Geteborg", "Geteborga", "Geteborgu"),
    "Stockholm": ("Stokholm", "Stokholma", "Stokholmu"),
    "Paris": ("Pariz", "Pariza", "Parizu"),
    "Ljubljana": ("Ljubljana", "Ljubljane", "Ljubljani"),
    "Moscow": ("Moskva", "Moskve", "Moskvi"),
    "Podgorica": ("Podgorica", "Podgorice", "Podgorici"),
    "Berlin": ("Berlin", "Berlina", "Berlinu"),
    "Amsterdam": ("Amsterdam", "Amsterdama", "Amsterdamu"),
    "Oslo": ("Oslo", "Osla", "Oslu"),
    "London": ("London", "Londona", "Londonu"),
}

# Where Serbian emigrants live: cities for diaspora talk (English name, country)
DIASPORA_CITIES = (
    ("Vienna", "Austria"), ("Stuttgart", "Germany"), ("Munich", "Germany"),
    ("Frankfurt", "Germany"), ("Düsseldorf", "Germany"), ("Zurich", "Switzerland"),
    ("Basel", "Switzerland"), ("Chicago", "the USA"), ("Toronto", "Canada"),
    ("Malmö", "Sweden"), ("Gothenburg", "Sweden"), ("Paris", "France"),
    ("Linz", "Austria"), ("Ljubljana", "Slovenia"), ("Berlin", "Germany"),
)

# Where owners emigrated to, and what they did there: (city, country, language, jobs)
EMIGRATION = (
    ("Stuttgart", "Germany", "German", (
        "first on construction sites and then in a tool shop",
        "as a CNC operator in a family firm that made parts for Bosch",
        "in a furniture workshop, a small one, eleven people")),
    ("Vienna", "Austria", "German", (
        "as a carpenter, then as a foreman",
        "in a print shop in the tenth district",
        "in a software company as a junior developer")),
    ("Munich", "Germany", "German", (
        "as a developer in a bank's IT department",
        "in a machine factory, on assembly",
        "as a welder for a steel-construction firm")),
    ("Zurich", "Switzerland", "German", (
        "in a precision-mechanics shop",
        "as a cook and later as a restaurant manager",
        "as a software tester for an insurance company")),
    ("Chicago", "the USA", "English", (
        "as a truck driver and then in a machine shop",
        "in a company that made store fixtures",
        "as a programmer for a logistics firm")),
    ("Toronto", "Canada", "English", (
        "as a cabinet maker",
        "in an IT consultancy",
        "in a food-processing plant, on the line and then as a shift leader")),
    ("Malmö", "Sweden", "Swedish", (
        "in a plastics factory",
        "as an engineer in a firm that built packaging machines",
        "in a textile company's warehouse and then in purchasing")),
    ("Ljubljana", "Slovenia", "Slovenian", (
        "in a metalworking firm that supplied the car industry",
        "as a sales representative for a furniture maker")),
    ("Moscow", "Russia", "Russian", (
        "for a Yugoslav construction company, on their projects",
        "as a representative of a Serbian food exporter")),
    ("London", "the UK", "English", (
        "as a developer for a fintech startup",
        "in a clothing company, first in the warehouse and then in production planning")),
    ("Milan", "Italy", "Italian", (
        "in a furniture showroom and then in a factory near Como",
        "in a fashion house's pattern room")),
)

EMIG_SR = {
    "Germany": "Nemačkoj", "Austria": "Austriji", "Switzerland": "Švajcarskoj",
    "the USA": "Americi", "Canada": "Kanadi", "Sweden": "Švedskoj", "Slovenia": "Sloveniji",
    "Russia": "Rusiji", "the UK": "Engleskoj", "Italy": "Italiji",
}

LEGACY_COUNTRIES = ("the Soviet Union", "Iraq", "Libya", "Czechoslovakia", "East Germany",
                    "Algeria", "Poland")
LEGACY_COUNTRIES_SR = ("Sovjetski Savez", "Irak", "Libiju", "Čehoslovačku", "Istočnu Nemačku",
                       "Alžir", "Poljsku")

PLATFORMS_IT = ("Upwork", "Upwork", "Upwork", "Toptal", "Fiverr", "Freelancer.com")
PLATFORMS_GOODS = ("Alibaba", "Europages", "Etsy", "Amazon", "a B2B portal")


class Sector:
    def __init__(self, name: str, slug: str, **kw: Any) -> None:
        self.name = name
        self.slug = slug
        self.kw = kw

    def __getitem__(self, key: str) -> Any:
        return self.kw[key]


SECTORS: dict[str, Sector] = {}


def _sector(name: str, slug: str, **kw: Any) -> None:
    SECTORS[slug] = Sector(name, slug, **kw)


_sector(
    "IT services", "it",
    towns=("Belgrade", "Novi Sad", "Niš", "Kragujevac", "Subotica", "Čačak", "Novi Sad",
           "Belgrade", "Niš"),
    product=["custom software", "web and mobile apps", "back-end systems for e-commerce",
             "QA and test automation", "data pipelines and dashboards",
             "booking and logistics software", "game art and small games"],
    first_job=["a two-week bug-fixing job on a web shop", "a landing page for a dentist",
               "a small Android app for a parking company", "a scraping script",
               "testing an app before its launch"],
    sector_word="software", material="code", unit="projects",
    machine=["laptops", "a rented server", "two old desktop computers"],
    soe=["Elektronska industrija Jug", "Računski centar Morava", "EI Sloga"],
    dept=["computing centre", "automation department", "electronics lab"],
    fairs=["Web Summit in Lisbon", "CeBIT in Hannover", "a startup conference in Vienna",
           "the Slush conference in Helsinki"],
    fdi=["the German automotive software centre", "the big American IT company's development "
         "centre", "the Austrian bank's IT hub"],
    sr_prod=["softver po narudžbini", "veb i mobilne aplikacije", "sisteme za onlajn prodaju",
             "testiranje softvera"],
    sr_word="softverskih", size_bias=(0.35, 0.45, 0.2),
)
_sector(
    "metal processing", "metal",
    towns=("Kragujevac", "Čačak", "Kraljevo", "Valjevo", "Užice", "Niš", "Smederevo",
           "Pančevo", "Gornji Milanovac", "Kragujevac", "Čačak"),
    product=["welded steel frames", "CNC-machined parts", "sheet-metal enclosures",
             "steel structures for halls", "hydraulic cylinder parts", "brackets and fittings",
             "parts for agricultural machines"],
    first_job=["three hundred welded brackets", "a small series of turned shafts",
               "a steel staircase for a hotel", "frames for garden furniture"],
    sector_word="metalworking", material="steel", unit="pieces",
    machine=["an old lathe", "a CNC machining centre", "a press brake", "a welding robot"],
    soe=["Metalac Jug", "IMT Sloga", "Livnica Morava", "Kovina Šumadija", "Fabrika alata Rudnik"],
    dept=["tool room", "maintenance department", "forge", "machining workshop"],
    fairs=["the Hannover Messe", "EMO in Hannover", "the Belgrade technology fair",
           "Blechexpo in Stuttgart"],
    fdi=["the German cable-harness plant", "the Italian car plant",
         "the Japanese components factory", "the Austrian crane-maker's plant"],
    sr_prod=["metalne delove po crtežu", "zavarene čelične konstrukcije", "delove za mašine",
             "limena kućišta"],
    sr_word="metaloprerađivačkih", size_bias=(0.2, 0.5, 0.3),
)
_sector(
    "furniture", "furniture",
    towns=("Užice", "Kraljevo", "Sombor", "Vršac", "Novi Sad", "Kikinda", "Novi Pazar",
           "Gornji Milanovac"),
    product=["solid oak tables", "beech chairs", "kitchen fronts", "hotel furniture",
             "upholstered sofas", "children's furniture", "wooden garden furniture"],
    first_job=["forty oak tables for a shop in Ljubljana", "chairs for a hotel in Budva",
               "a container of beech chairs", "wardrobes for a student dormitory"],
    sector_word="furniture", material="wood", unit="pieces",
    machine=["an old edge-bander", "a CNC router", "a drying kiln", "a spray booth"],
    soe=["Drvna industrija Javor", "Stolarija Bukva", "Drvni kombinat Golija"],
    dept=["chair factory", "sawmill", "upholstery unit"],
    fairs=["imm cologne", "the Salone del Mobile in Milan", "the Belgrade Furniture Fair",
           "Interzum in Cologne"],
    fdi=["the Swedish furniture group's plant", "the Austrian sawmill group",
         "the Italian upholstery factory"],
    sr_prod=["nameštaj od punog drveta", "stolice od bukve", "kuhinjske elemente",
             "hotelski nameštaj"],
    sr_word="drvnih", size_bias=(0.25, 0.5, 0.25),
)
_sector(
    "food processing", "food",
    towns=("Arilje", "Šabac", "Valjevo", "Subotica", "Zrenjanin", "Sombor", "Čačak",
           "Leskovac", "Arilje"),
    product=["frozen raspberries", "ajvar and jams", "dried mushrooms", "sheep cheese",
             "plum brandy", "frozen vegetables", "honey and honey products"],
    first_job=["one truck of frozen raspberries", "a pallet of ajvar for a shop in Vienna",
               "two tonnes of dried mushrooms", "a trial order of jams"],
    sector_word="food", material="fruit", unit="tonnes",
    machine=["an old cold store", "a pasteuriser", "a used packing line", "a dryer"],
    soe=["Hladnjača Malina", "PIK Zlatno klasje", "Voćar Podrinje", "Mlekara Bačka"],
    dept=["cold store", "canning plant", "dairy"],
    fairs=["Anuga in Cologne", "SIAL in Paris", "Fruit Logistica in Berlin",
           "the Novi Sad agricultural fair"],
    fdi=["the big Danish dairy", "the German frozen-food plant", "the Swiss chocolate factory"],
    sr_prod=["smrznutu malinu", "ajvar i džemove", "sušene pečurke", "ovčiji sir"],
    sr_word="prehrambenih", size_bias=(0.3, 0.45, 0.25),
)
_sector(
    "apparel", "apparel",
    towns=("Leskovac", "Novi Pazar", "Niš", "Čačak", "Pirot", "Leskovac", "Novi Pazar"),
    product=["women's coats", "workwear", "knitted sweaters", "children's clothing",
             "jeans", "lingerie", "uniforms"],
    first_job=["two thousand pairs of jeans", "a small series of wool coats",
               "uniforms for a hotel chain", "five hundred knitted sweaters"],
    sector_word="textile", material="fabric", unit="pieces",
    machine=["old sewing machines", "a cutting table", "knitting machines", "a steam press"],
    soe=["Tekstilni kombinat Jablanica", "Konfekcija Nada", "Trikotaža Zvezda"],
    dept=["sewing hall", "knitting plant", "cutting room"],
    fairs=["Texworld in Paris", "the Munich Fabric Start", "Pitti Uomo in Florence",
           "the CPM fair in Moscow"],
    fdi=["the Italian shoe factory", "the Turkish textile plant", "the German workwear plant"],
    sr_prod=["ženske kapute", "radnu odeću", "pletene džempere", "dečiju odeću"],
    sr_word="tekstilnih", size_bias=(0.25, 0.45, 0.3),
)
_sector(
    "plastics", "plastics",
    towns=("Pančevo", "Šabac", "Zrenjanin", "Inđija", "Kruševac", "Pančevo"),
    product=["injection-moulded parts", "plastic packaging", "PVC profiles", "technical foils",
             "housings for electronics", "crates and containers"],
    first_job=["a series of plastic caps", "housings for a Slovenian electronics firm",
               "a trial run of packaging trays", "crates for a fruit exporter"],
    sector_word="plastics", material="granulate", unit="pieces",
    machine=["an old injection-moulding machine", "an extruder", "a blow-moulding machine"],
    soe=["Hemoplast", "Polimer kombinat Tamiš", "Plastika Morava"],
    dept=["moulding shop", "extrusion plant", "tool shop"],
    fairs=["K in Düsseldorf", "Fakuma in Friedrichshafen", "the Belgrade technology fair"],
    fdi=["the German tyre plant", "the American packaging group's factory",
         "the Japanese components factory"],
    sr_prod=["plastične delove", "plastičnu ambalažu", "tehničke folije"],
    sr_word="plastičarskih", size_bias=(0.2, 0.5, 0.3),
)
_sector(
    "machinery", "machinery",
    towns=("Kragujevac", "Kraljevo", "Novi Sad", "Subotica", "Kikinda", "Zrenjanin"),
    product=["agricultural trailers", "seed drills", "conveyors", "food-processing machines",
             "packaging machines", "compressors"],
    first_job=["ten trailers for a dealer in Bosnia", "one conveyor line for a Slovenian mill",
               "a prototype seed drill", "two washing machines for a fruit plant"],
    sector_word="machine-building", material="steel", unit="machines",
    machine=["an old boring mill", "a CNC lathe", "a plasma cutter"],
    soe=["Fabrika mašina Napredak", "IMP Zenit", "Industrija poljoprivrednih mašina Banat"],
    dept=["design office", "assembly hall", "foundry"],
    fairs=["Agritechnica in Hanover", "EIMA in Bologna", "the Novi Sad agricultural fair",
           "Interpack in Düsseldorf"],
    fdi=["the American tractor plant", "the German compressor plant",
         "the Italian car plant"],
    sr_prod=["poljoprivredne mašine", "prikolice", "transportere", "mašine za pakovanje"],
    sr_word="mašinskih", size_bias=(0.15, 0.5, 0.35),
)
_sector(
    "automotive parts", "auto",
    towns=("Kragujevac", "Šabac", "Inđija", "Pančevo", "Čačak", "Kragujevac"),
    product=["metal stampings", "rubber seals", "cable-harness components", "brake parts",
             "plastic interior parts"],
    first_job=["a trial series of stampings", "seals for a Slovenian supplier",
               "clips for a harness maker"],
    sector_word="automotive", material="steel", unit="pieces",
    machine=["an old press", "a stamping line", "a rubber press"],
    soe=["Zavod Crvena iskra", "Fabrika delova Šumadija", "Gumara Posavina"],
    dept=["press shop", "tool room", "rubber department"],
    fairs=["Automechanika in Frankfurt", "the IAA in Frankfurt", "the Belgrade technology fair"],
    fdi=["the Italian car plant", "the German cable-harness plant",
         "the Japanese components factory"],
    sr_prod=["delove za automobile", "gumene zaptivke", "štancovane delove"],
    sr_word="autoindustrijskih", size_bias=(0.1, 0.45, 0.45),
)
_sector(
    "printing", "printing",
    towns=("Belgrade", "Novi Sad", "Čačak", "Subotica"),
    product=["printed packaging", "labels", "books for foreign publishers", "catalogues"],
    first_job=["a run of children's books for a Slovenian publisher",
               "labels for a wine cellar in Montenegro", "catalogues for an Austrian firm"],
    sector_word="printing", material="paper", unit="runs",
    machine=["an old Heidelberg press", "a second-hand folding machine", "a die-cutter"],
    soe=["Grafičko preduzeće Proleter", "Štamparija Bratstvo"],
    dept=["bindery", "print shop"],
    fairs=["drupa in Düsseldorf", "the Frankfurt Book Fair", "the Belgrade Book Fair"],
    fdi=["the German packaging group's plant", "the Swiss pharma plant"],
    sr_prod=["ambalažu i etikete", "knjige za strane izdavače", "kataloge"],
    sr_word="grafičkih", size_bias=(0.3, 0.5, 0.2),
)

ZONES = (
    "the northern industrial zone", "the old industrial quarter", "the free zone",
    "the zone by the railway", "the industrial zone on the Belgrade road",
    "the business park on the edge of town", "the southern industrial zone",
)
ZONES_SR = (
    "severnoj industrijskoj zoni", "staroj industrijskoj zoni", "slobodnoj zoni",
    "zoni pored pruge", "poslovnoj zoni na izlazu iz grada", "južnoj industrijskoj zoni",
)

INTERVIEWERS = (
    ("Ana Petrović", True), ("Marko Jovanović", False), ("Jelena Ristić", True),
    ("Nikola Stanković", False), ("Tamara Vuković", True),
)

RESPONDENT_ROLES = (
    ("founder and owner", "owner"), ("co-owner", "owner"), ("managing director", "manager"),
    ("export manager", "manager"), ("founder and director", "owner"),
    ("owner's daughter, now director", "owner"), ("production manager", "manager"),
    ("commercial director", "manager"),
)
