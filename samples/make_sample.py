#!/usr/bin/env python3
"""Generate the sample CRM data set of the fictional "Northwind Coffee Roasters".

Writes samples/crm/{customers,relationships,referrals,transactions}.csv. Standard library only
and fully deterministic (one random.Random(2026) stream, no set iteration without sorting), so
every run gives byte-identical files. Run from the repository root:

    /usr/bin/python3 samples/make_sample.py

A short summary (the counts quoted in samples/crm/README.md) is printed at the end.

Planted story (tests and examples rely on it):
  C0042  hidden influencer: low own value, consumer-occasional, few purchases, but 30+ friend /
         influences ties and a large referral tree reaching high-value customers.
  C0007  champion: premium, high own value, social hub, referrer, investor.
  C0123  high-value loner: premium, the highest-value person, two ties, no referrals.
"""

import csv
import datetime as dt
import math
import os
import random
from collections import Counter, defaultdict

SEED = 2026
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "crm")

N_PEOPLE = 360
HIDDEN = "C0042"       # hidden influencer
CHAMPION = "C0007"     # high value and high reach
LONER = "C0123"        # high value, low reach
LONER_SPOUSE = "C0124"
SOCIAL_HUBS = ["C0101", "C0250"]  # other well-connected people (barista trainer, yoga teacher)

TX_START = dt.date(2024, 11, 1)
TX_END = dt.date(2026, 10, 31)
REL_START = dt.date(2015, 1, 1)
REL_END = dt.date(2026, 6, 30)
CHURN_CUTOFF = dt.date(2026, 1, 31)  # churned: last purchase before this (> 9 months before end)

rng = random.Random(SEED)

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

FIRST_NAMES = [
    "Emma", "Liam", "Sophie", "Daan", "Noah", "Julia", "Lucas", "Sara", "Milan", "Anna", "Sem",
    "Fleur", "Finn", "Lotte", "Jesse", "Eva", "Thijs", "Iris", "Ruben", "Lisa", "Mohammed",
    "Fatima", "Yusuf", "Amira", "Omar", "Layla", "Hamza", "Salma", "Priya", "Arjun", "Ananya",
    "Rohan", "Mei", "Wei", "Jun", "Hana", "Kenji", "Yuki", "Min-jun", "Seo-yeon", "Carlos",
    "Lucía", "Mateo", "Valentina", "Diego", "Camila", "Giulia", "Marco", "Francesca", "Luca",
    "Chiara", "Pierre", "Camille", "Louis", "Manon", "Hugo", "Léa", "Jan", "Katarzyna", "Piotr",
    "Agnieszka", "Tomasz", "Olga", "Dmitri", "Irina", "Nikolai", "Ingrid", "Lars", "Astrid",
    "Erik", "Sigrid", "Olaf", "Aoife", "Seán", "Niamh", "Declan", "Kwame", "Ama", "Chidi",
    "Ngozi", "Tunde", "Zanele", "Thabo", "Ahmet", "Elif", "Mehmet", "Zeynep", "Burak", "Deniz",
    "James", "Olivia", "William", "Charlotte", "George", "Amelia", "Oliver", "Grace", "Samuel",
    "Hannah", "Daniel", "Rachel", "David", "Miriam", "Noa", "Ari", "Tariq", "Nadia", "Reza",
    "Shirin", "Kofi", "Abena", "Mateus", "Beatriz", "João", "Inês", "Björn", "Chloé",
    "Maximilian", "Anouk", "Bram", "Femke", "Joris", "Maartje", "Wouter", "Sanne", "Tim", "Kim",
    "Rosa", "Felix", "Nora", "Elias", "Mila", "Adam", "Yara", "Ravi", "Aisha", "Ibrahim",
]

LAST_NAMES = [
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
    "Kok", "Jacobs", "Vermeulen", "Bouzid", "Yılmaz", "Kaya", "Demir", "Şahin", "Patel",
    "Sharma", "Singh", "Iyer", "Nguyen", "Tran", "Chen", "Wang", "Li", "Zhang", "Kim", "Park",
    "Lee", "Tanaka", "Sato", "Suzuki", "García", "Fernández", "López", "Martínez", "Rossi",
    "Russo", "Bianchi", "Romano", "Dubois", "Laurent", "Moreau", "Kowalski", "Nowak",
    "Wiśniewski", "Ivanova", "Petrov", "Smirnov", "Hansen", "Johansson", "Nielsen", "Andersen",
    "Lindqvist", "O'Brien", "Murphy", "Kelly", "Walsh", "Mensah", "Owusu", "Adeyemi", "Nkosi",
    "Dlamini", "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas",
    "Cohen", "Levi", "Haddad", "Khoury", "Rahimi", "Hosseini", "Silva", "Santos", "Oliveira",
    "Costa", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Novak", "Horvat",
    "Popescu", "Ionescu", "Papadopoulos", "Georgiou", "Achterberg", "Verhoeven", "Kuipers",
    "Okonkwo", "Mahlangu", "Castillo", "Ferreira", "Nakamura", "Bergström", "Eriksen",
]

# A few fixed names (non-ASCII on purpose) for fixed ids.
FIXED_PEOPLE = {
    CHAMPION: ("Daniel Okafor", "consumer-premium", "email", "architect", "45-54", "Amsterdam"),
    "C0013": ("Zoë Müller", None, None, None, None, None),
    "C0027": ("José Peña", None, None, None, None, None),
    HIDDEN: ("Noor El Amrani", "consumer-occasional", "app", "food blogger", "25-34", "Utrecht"),
    "C0077": ("François Lefèvre", None, None, None, None, None),
    "C0101": ("Marta Kowalczyk", None, "in-store", "barista trainer", "25-34", "Utrecht"),
    LONER: ("Henrietta Vandersloot", "consumer-premium", "phone", "surgeon", "55-64", "Haarlem"),
    "C0188": ("Ayşe Yılmaz", None, None, None, None, None),
    "C0250": ("Sunita Ramdin", None, "app", "yoga teacher", "35-44", "Utrecht"),
}

PROFESSIONS = [
    "teacher", "nurse", "software developer", "accountant", "student", "graphic designer",
    "barista", "chef", "retired", "engineer", "sales manager", "lawyer", "doctor", "pharmacist",
    "architect", "marketing specialist", "shop assistant", "researcher", "civil servant",
    "consultant", "photographer", "electrician", "logistics planner", "HR advisor", "journalist",
    "musician", "physiotherapist", "project manager", "data analyst", "entrepreneur",
]
AGE_BANDS = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
AGE_WEIGHTS = [12, 24, 22, 18, 13, 11]
CITIES = ["Amsterdam", "Rotterdam", "Utrecht", "The Hague", "Haarlem", "Eindhoven"]
CITY_WEIGHTS = [30, 20, 22, 14, 8, 6]
PERSON_CHANNELS = ["email", "app", "in-store", "sms", "phone"]
PERSON_CHANNEL_WEIGHTS = [30, 25, 25, 10, 10]
BUSINESS_CHANNELS = ["email", "phone", "app", "in-store", "sms"]
BUSINESS_CHANNEL_WEIGHTS = [45, 35, 10, 5, 5]

# (id, name, segment, role, employees)
BUSINESSES = [
    ("B001", "Harbourview Insurance", "enterprise", "office", 28),
    ("B002", "Polder Logistics BV", "enterprise", "office", 12),
    ("B003", "Vermeer Technologies", "enterprise", "office", 10),
    ("B004", "Meridian Health Partners", "enterprise", "office", 9),
    ("B005", "Grachtenbank", "enterprise", "office", 8),
    ("B006", "Noordzee Energie", "enterprise", "office", 7),
    ("B007", "Tulip Telecom", "enterprise", "office", 6),
    ("B008", "Patel, Okafor & Partners", "enterprise", "office", 5),
    ("B009", "Café De Gouden Boon", "horeca", "cafe", 4),
    ("B010", "The Daily Grind", "horeca", "cafe", 3),
    ("B011", "Bistro Lumière", "horeca", "restaurant", 3),
    ("B012", "Hotel Amstelzicht", "horeca", "hotel", 4),
    ("B013", "Kaffeehaus Müller", "horeca", "cafe", 2),
    ("B014", "Brasserie Noord", "horeca", "restaurant", 3),
    ("B015", "Lunchroom Het Zonnetje", "horeca", "cafe", 2),
    ("B016", "Canal Side Kitchen", "horeca", "restaurant", 2),
    ("B017", "Espresso Bar Tramlijn", "horeca", "cafe", 2),
    ("B018", "Restaurant Olijf", "horeca", "restaurant", 2),
    ("B019", "Café Crème", "horeca", "cafe", 2),
    ("B020", 'The "Early Bird" Diner', "horeca", "restaurant", 2),
    ("B021", "Hotel De Zeven Bruggen", "horeca", "hotel", 3),
    ("B022", "Surf & Turf Scheveningen", "horeca", "restaurant", 2),
    ("B023", "Koffiebar Kompas", "horeca", "cafe", 2),
    ("B024", "Dakterras Zuid", "horeca", "cafe", 1),
    ("B025", "Smith, Jones & Co", "smb", "office", 4),
    ("B026", "Pixelwerk Design Studio", "smb", "office", 3),
    ("B027", "De Boekenhoek", "smb", "shop", 2),
    ("B028", "Van Leeuwen Architecten", "smb", "office", 3),
    ("B029", "Greenleaf Coworking", "smb", "office", 2),
    ("B030", "Fietsfabriek Repairs", "smb", "shop", 2),
    ("B031", "Bakkerij Jansen", "smb", "supplier", 3),
    ("B032", "BeanLine Distribution", "smb", "supplier", 3),
    ("B033", "Harvest Green Importers", "smb", "supplier", 2),
    ("B034", "Dutch Dairy Direct", "smb", "supplier", 2),
    ("B035", "Roastery Equipment NL", "smb", "supplier", 2),
    ("B036", "Cuppa Office Catering", "smb", "intermediary", 3),
    ("B037", "OfficeBrew Vending", "smb", "intermediary", 2),
    ("B038", "Studio Noorderlicht Yoga", "smb", "shop", 1),
    ("B039", "Tegelwerk Interiors", "smb", "office", 2),
    ("B040", "Bloem & Blad Florists", "smb", "shop", 1),
]
# Businesses whose office manager buys coffee on behalf of the business.
MANAGED_OFFICES = ["B001", "B002", "B003", "B004", "B005", "B006", "B007", "B008", "B025",
                   "B026", "B029"]

SUPPLIER_ROWS = [  # supplier -> customer business
    ("B033", "B032"), ("B033", "B035"),
    ("B032", "B009"), ("B032", "B010"), ("B032", "B013"), ("B032", "B015"), ("B032", "B017"),
    ("B032", "B019"), ("B032", "B023"), ("B032", "B024"), ("B032", "B036"),
    ("B034", "B009"), ("B034", "B010"), ("B034", "B012"), ("B034", "B014"), ("B034", "B019"),
    ("B034", "B021"), ("B034", "B017"),
    ("B035", "B009"), ("B035", "B011"), ("B035", "B013"), ("B035", "B036"), ("B035", "B037"),
    ("B031", "B015"), ("B031", "B023"), ("B031", "B027"), ("B031", "B010"), ("B031", "B018"),
]
INTERMEDIARY_ROWS = [  # intermediary -> client business
    ("B036", "B001"), ("B036", "B003"), ("B036", "B005"), ("B036", "B025"),
    ("B037", "B002"), ("B037", "B004"), ("B037", "B006"), ("B037", "B007"), ("B037", "B029"),
]
PARTNER_ROWS = [
    ("B012", "B021"), ("B009", "B027"), ("B029", "B023"), ("B011", "B016"), ("B019", "B038"),
    ("B038", "B015"), ("B026", "B028"), ("B025", "B008"), ("B014", "B022"), ("B036", "B037"),
    ("B028", "B039"),
]

# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def wchoice(items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def lognormal(median, sigma, low, high):
    """A heavy-tailed draw, redrawn until it falls inside [low, high]."""
    while True:
        x = median * math.exp(rng.gauss(0.0, sigma))
        if low <= x <= high:
            return x


def rand_date(lo, hi):
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def money(x):
    return f"{x:.2f}"


def fmt_weight(w):
    text = f"{w:.2f}".rstrip("0").rstrip(".")
    return text


def pair_key(a, b):
    return (a, b) if a < b else (b, a)


# --------------------------------------------------------------------------------------------
# Customers
# --------------------------------------------------------------------------------------------

people_ids = [f"C{i:04d}" for i in range(1, N_PEOPLE + 1)]
business_ids = [b[0] for b in BUSINESSES]
customers = {}  # id -> dict
for cid in people_ids:
    customers[cid] = {"id": cid, "kind": "person"}
for bid, name, segment, role, staff in BUSINESSES:
    customers[bid] = {"id": bid, "kind": "business", "name": name, "segment": segment,
                      "role": role, "staff": staff, "profession": "", "age_band": "",
                      "channel": wchoice(BUSINESS_CHANNELS, BUSINESS_CHANNEL_WEIGHTS),
                      "city": wchoice(CITIES, CITY_WEIGHTS)}

# Segments and person attributes.
for cid in people_ids:
    c = customers[cid]
    c["segment"] = wchoice(["consumer-regular", "consumer-occasional", "consumer-premium"],
                           [40, 45, 15])
    c["channel"] = wchoice(PERSON_CHANNELS, PERSON_CHANNEL_WEIGHTS)
    c["age_band"] = wchoice(AGE_BANDS, AGE_WEIGHTS)
    if c["age_band"] == "18-24" and rng.random() < 0.5:
        c["profession"] = "student"
    elif c["age_band"] == "65+" and rng.random() < 0.7:
        c["profession"] = "retired"
    else:
        c["profession"] = rng.choice(PROFESSIONS)
for cid, (name, segment, channel, profession, age, city) in FIXED_PEOPLE.items():
    c = customers[cid]
    if segment:
        c["segment"] = segment
    if channel:
        c["channel"] = channel
    if profession:
        c["profession"] = profession
    if age:
        c["age_band"] = age
    if city:
        c["city"] = city
for hub in SOCIAL_HUBS:
    customers[hub]["segment"] = "consumer-regular"
customers[LONER_SPOUSE]["segment"] = "consumer-occasional"
customers[LONER_SPOUSE]["age_band"] = "55-64"
customers[LONER_SPOUSE]["city"] = "Haarlem"

# Households: partition people into households of 1-5; members share a city and often a surname.
special_household = [LONER, LONER_SPOUSE]
rest = [p for p in people_ids if p not in special_household]
rng.shuffle(rest)
households = [special_household]
i = 0
while i < len(rest):
    size = wchoice([1, 2, 3, 4, 5], [30, 36, 19, 11, 4])
    households.append(rest[i:i + size])
    i += size
household_of = {}
for h, members in enumerate(households):
    city = wchoice(CITIES, CITY_WEIGHTS)
    for p in members:
        household_of[p] = h
        if "city" not in customers[p]:
            customers[p]["city"] = city

used_names = set()
for cid, spec in FIXED_PEOPLE.items():
    used_names.add(spec[0])
for members in households:
    surname = rng.choice(LAST_NAMES)
    for p in members:
        if p in FIXED_PEOPLE:
            continue
        last = surname if rng.random() < 0.6 else rng.choice(LAST_NAMES)
        while True:
            name = f"{rng.choice(FIRST_NAMES)} {last}"
            if name not in used_names:
                break
            last = rng.choice(LAST_NAMES)
        used_names.add(name)
        customers[p]["name"] = name
for cid, spec in FIXED_PEOPLE.items():
    customers[cid]["name"] = spec[0]
customers[LONER_SPOUSE]["name"] = "Pieter Vandersloot"

# --------------------------------------------------------------------------------------------
# Relationships
# --------------------------------------------------------------------------------------------

rel_rows = []          # dicts: source, target, type, weight(float|None), date(date|None)
pair_types = defaultdict(list)  # unordered pair -> types
degree = Counter()
# People kept out of the random social structure (the loner, his spouse).
QUIET = {LONER, LONER_SPOUSE}


def pair_free(a, b):
    return a != b and pair_key(a, b) not in pair_types


def add_rel(src, dst, rtype, weight=None, date=None, allow_multi=False):
    assert src != dst
    key = pair_key(src, dst)
    if key in pair_types and not allow_multi:
        return False
    if rtype in pair_types[key]:
        return False
    pair_types[key].append(rtype)
    rel_rows.append({"source": src, "target": dst, "type": rtype, "weight": weight,
                     "date": date})
    degree[src] += 1
    degree[dst] += 1
    return True


def maybe_weight(p, lo, hi):
    if rng.random() < p:
        return round(rng.uniform(lo, hi), rng.choice([1, 2]))
    return None


# Family: every pair inside a household.
for members in households:
    for a_i in range(len(members)):
        for b_i in range(a_i + 1, len(members)):
            a, b = members[a_i], members[b_i]
            w = rng.choice([2, 2, 1.5, 2.5, 3]) if rng.random() < 0.4 else None
            if rng.random() < 0.5:
                a, b = b, a
            add_rel(a, b, "family", w)
# The loner's household tie is strong.
for row in rel_rows:
    if {row["source"], row["target"]} == {LONER, LONER_SPOUSE}:
        row["weight"] = 2.0

# Employment: professional (person -> business) and coworker ties.
employable = [p for p in people_ids
              if p not in QUIET and p not in (HIDDEN, CHAMPION) and p not in SOCIAL_HUBS]
rng.shuffle(employable)
employees = defaultdict(list)
employer = {}
cursor = 0
for bid, name, segment, role, staff in BUSINESSES:
    employees[bid] = employable[cursor:cursor + staff]
    cursor += staff
    for p in employees[bid]:
        employer[p] = bid
office_manager = {}
for bid in MANAGED_OFFICES:
    manager = employees[bid][0]
    office_manager[bid] = manager
    customers[manager]["profession"] = "office manager"
for bid in business_ids:
    staff = employees[bid]
    for p in staff:
        if office_manager.get(bid) == p:
            add_rel(p, bid, "on_behalf", maybe_weight(0.3, 1.0, 2.0))
        else:
            add_rel(p, bid, "professional", maybe_weight(0.1, 0.5, 1.5))
    if len(staff) <= 4:
        for a_i in range(len(staff)):
            for b_i in range(a_i + 1, len(staff)):
                add_rel(staff[a_i], staff[b_i], "coworker", maybe_weight(0.15, 0.3, 1.5))
    else:
        for p in staff:
            for q in rng.sample(staff, 2):
                if q != p:
                    add_rel(p, q, "coworker", maybe_weight(0.15, 0.3, 1.5))
# Freelancers / consultants working for a few businesses.
freelancers = [p for p in people_ids if p not in employer and p not in QUIET
               and p not in (HIDDEN, CHAMPION) and p not in SOCIAL_HUBS]
for p in rng.sample(freelancers, 5):
    customers[p]["profession"] = "consultant"
    for bid in rng.sample(business_ids, rng.randint(1, 3)):
        add_rel(p, bid, "professional", maybe_weight(0.2, 0.3, 1.0))

# B2B chains.
for src, dst in SUPPLIER_ROWS:
    add_rel(src, dst, "supplier", maybe_weight(0.3, 0.5, 3.0))
for src, dst in INTERMEDIARY_ROWS:
    add_rel(src, dst, "intermediary", maybe_weight(0.2, 0.5, 2.0))
for src, dst in PARTNER_ROWS:
    if rng.random() < 0.5:
        src, dst = dst, src
    add_rel(src, dst, "partner", maybe_weight(0.3, 0.5, 2.5))

# Investors (person -> business).
add_rel(CHAMPION, "B009", "investor", 2.5)
premium_people = [p for p in people_ids if customers[p]["segment"] == "consumer-premium"
                  and p not in QUIET and p != CHAMPION]
for bid in ["B023", "B029", "B016", "B038", "B011"]:
    p = rng.choice([q for q in premium_people if pair_free(q, bid)])
    add_rel(p, bid, "investor", maybe_weight(0.5, 1.0, 3.0))

# on_behalf between a parent and an adult child living elsewhere (same surname, different
# households): the parent buys for the child.
parent_child = []
candidates = [p for p in people_ids if p not in QUIET and p not in FIXED_PEOPLE]
by_surname = defaultdict(list)
for p in candidates:
    by_surname[customers[p]["name"].split(" ", 1)[1]].append(p)
for surname in sorted(by_surname):
    group = by_surname[surname]
    found = False
    for a in group:
        for b in group:
            if a != b and household_of[a] != household_of[b] and pair_free(a, b):
                parent_child.append((a, b))
                found = True
                break
        if found:
            break
    if len(parent_child) >= 10:
        break
for parent, child in parent_child:
    customers[parent]["age_band"] = rng.choice(["45-54", "55-64", "65+"])
    customers[child]["age_band"] = "18-24"
    if customers[child]["profession"] in ("retired", "office manager", "consultant"):
        customers[child]["profession"] = "student"
    add_rel(parent, child, "on_behalf", maybe_weight(0.4, 1.5, 2.5))

# ---- Referrals (the rows also become `referral` relationships) ----
referrals = []          # dicts: referrer, referred, date, converted
referred_on = {}        # customer -> (date, converted)
in_forest = set()
children = defaultdict(list)


def add_referral(referrer, referred, date, converted):
    referrals.append({"referrer": referrer, "referred": referred, "date": date,
                      "converted": converted})
    referred_on[referred] = (date, converted)
    in_forest.add(referrer)
    in_forest.add(referred)
    children[referrer].append(referred)
    add_rel(referrer, referred, "referral")


def free_candidates(referrer, pool):
    return [c for c in pool if c not in in_forest and c not in QUIET and c != referrer
            and pair_free(referrer, c)]


def child_dates(referrer, k, window=240):
    floor = referred_on[referrer][0] if referrer in referred_on else TX_START - dt.timedelta(1)
    lo = floor + dt.timedelta(days=3)
    hi = min(floor + dt.timedelta(days=window), TX_END)
    if lo > hi:
        return []
    return sorted(rand_date(lo, hi) for _ in range(k))


protected = {HIDDEN, CHAMPION} | set(SOCIAL_HUBS) | QUIET
person_pool = [p for p in people_ids if p not in protected]
premium_pool = [p for p in person_pool if customers[p]["segment"] == "consumer-premium"]
regular_pool = [p for p in person_pool if customers[p]["segment"] == "consumer-regular"]
in_forest.update([HIDDEN, CHAMPION])

# C0042: 15 direct referrals, 13 converted: 5 premium people, 2 cafés, the rest regulars.
hidden_children = (rng.sample(free_candidates(HIDDEN, premium_pool), 5)
                   + rng.sample(free_candidates(HIDDEN, ["B013", "B017", "B019", "B024"]), 2))
hidden_children += rng.sample([c for c in free_candidates(HIDDEN, regular_pool)
                               if c not in hidden_children], 8)
hidden_dates = child_dates(HIDDEN, len(hidden_children), window=300)
hidden_converted = [True] * 13 + [False] * 2
rng.shuffle(hidden_converted)
if not hidden_converted[0]:  # the earliest referral converts: it starts the deep chain
    j = hidden_converted.index(True)
    hidden_converted[0], hidden_converted[j] = True, False
rng.shuffle(hidden_children)
for child, d, conv in zip(hidden_children, hidden_dates, hidden_converted):
    add_referral(HIDDEN, child, d, conv)
# A deep chain below C0042's earliest referral: depth 6 counted from C0042.
chain_head = hidden_children[0]
cur = chain_head
for _ in range(5):
    nxt = rng.choice(free_candidates(cur, regular_pool + premium_pool))
    d = referred_on[cur][0] + dt.timedelta(days=rng.randint(20, 60))
    add_referral(cur, nxt, d, True)
    cur = nxt
chain_nodes = [chain_head]
while children[chain_nodes[-1]]:
    chain_nodes.append(children[chain_nodes[-1]][0])

# Champion: 8 direct referrals, 7 converted, mostly premium.
champ_children = rng.sample(free_candidates(CHAMPION, premium_pool), 4)
champ_children += rng.sample([c for c in free_candidates(CHAMPION, person_pool)
                              if c not in champ_children], 4)
champ_conv = [True] * 7 + [False]
rng.shuffle(champ_conv)
for child, d, conv in zip(champ_children, child_dates(CHAMPION, 8, window=400), champ_conv):
    add_referral(CHAMPION, child, d, conv)

# Second generation: converted children of C0042 and the champion refer a few more.
propensity = {}
queue = []
for r in list(referrals):
    if r["referrer"] in (HIDDEN, CHAMPION) and r["converted"] and r["referred"] not in chain_nodes:
        queue.append((r["referred"], 1))


def expand(queue, pool, target):
    """Breadth-first growth of referral trees from (referrer, depth) entries."""
    while queue and len(referrals) < target:
        referrer, depth = queue.pop(0)
        is_business = customers[referrer]["kind"] == "business"
        if referrer not in propensity:
            propensity[referrer] = wchoice([0.1, 0.5, 0.85], [30, 35, 35])
        if depth == 0:
            k = wchoice([1, 2, 3, 4, 5, 6, 8], [20, 25, 20, 13, 10, 7, 5])
        else:
            if rng.random() < 0.45:
                continue
            k = wchoice([1, 2, 3, 4], [45, 30, 15, 10])
        dates = child_dates(referrer, k)
        for d in dates:
            cands = free_candidates(referrer, business_ids if is_business else pool)
            if not cands or len(referrals) >= target:
                break
            child = rng.choice(cands)
            converted = rng.random() < propensity[referrer]
            add_referral(referrer, child, d, converted)
            if converted and depth < 4:
                queue.append((child, depth + 1))


expand(queue, person_pool, target=75)
# Businesses that refer other businesses.
for bid in ["B029", "B009", "B036"]:
    propensity[bid] = 0.7
    expand([(bid, 0)], business_ids, target=len(referrals) + 3)
# Ordinary people who refer friends: roots chosen among people not yet in the forest.
REFERRAL_TARGET = 200
while len(referrals) < REFERRAL_TARGET:
    roots = [p for p in person_pool if p not in in_forest]
    root = rng.choice(roots)
    in_forest.add(root)
    expand([(root, 0)], person_pool, REFERRAL_TARGET)

# ---- Social ties ----
# C0042: 34 friends (mostly around Utrecht) and 4 stated influences on followers.
social_pool = [p for p in people_ids if p not in QUIET]


def pick_friends(person, n, prefer_city=None):
    cands = [p for p in social_pool if pair_free(person, p)]
    weights = [3 if prefer_city and customers[p]["city"] == prefer_city else 1 for p in cands]
    chosen = []
    while len(chosen) < n and cands:
        j = rng.choices(range(len(cands)), weights=weights, k=1)[0]
        chosen.append(cands.pop(j))
        weights.pop(j)
    return chosen


for f in pick_friends(HIDDEN, 34, "Utrecht"):
    a, b = (HIDDEN, f) if rng.random() < 0.5 else (f, HIDDEN)
    add_rel(a, b, "friend", maybe_weight(0.25, 0.3, 2.0))
for f in pick_friends(HIDDEN, 4):
    add_rel(HIDDEN, f, "influences", maybe_weight(0.5, 0.5, 1.5))
for f in pick_friends("C0101", 2):
    add_rel("C0101", f, "influences")
for f in pick_friends(CHAMPION, 26, "Amsterdam"):
    add_rel(CHAMPION, f, "friend", maybe_weight(0.3, 0.5, 2.0))
for hub, n in zip(SOCIAL_HUBS, [24, 26]):
    for f in pick_friends(hub, n, customers[hub]["city"]):
        add_rel(hub, f, "friend", maybe_weight(0.2, 0.3, 1.5))

# Friend circles: groups of 4-8 people from one city, ties with probability 0.45.
for _ in range(32):
    city = wchoice(CITIES, CITY_WEIGHTS)
    local = [p for p in social_pool if customers[p]["city"] == city]
    members = rng.sample(local, min(len(local), rng.randint(4, 8)))
    for a_i in range(len(members)):
        for b_i in range(a_i + 1, len(members)):
            if rng.random() < 0.45:
                add_rel(members[a_i], members[b_i], "friend", maybe_weight(0.2, 0.3, 2.0))

# Preferential attachment: extra friend ties favour the already well connected.
for _ in range(70):
    a = rng.choice(social_pool)
    weights = [degree[p] + 1 for p in social_pool]
    b = rng.choices(social_pool, weights=weights, k=1)[0]
    if customers[a]["kind"] == "person" and pair_free(a, b):
        add_rel(a, b, "friend", maybe_weight(0.2, 0.3, 1.5))

# Five coworker pairs who are also friends (the only pairs with two types).
coworker_pairs = [pair_key(r["source"], r["target"]) for r in rel_rows if r["type"] == "coworker"]
for a, b in rng.sample(coworker_pairs, 5):
    add_rel(a, b, "friend", maybe_weight(0.5, 0.8, 2.0), allow_multi=True)

# Generic "knows" ties (empty type): weak acquaintances.
knows = 0
while knows < 10:
    a, b = rng.sample(social_pool, 2)
    if customers[a]["kind"] == "person" and customers[b]["kind"] == "person" and pair_free(a, b):
        add_rel(a, b, "", maybe_weight(0.5, 0.2, 0.5))
        knows += 1

# The loner's only other tie: an old friend.
loner_friend = rng.choice([p for p in person_pool if customers[p]["city"] == "Haarlem"
                           and pair_free(LONER, p)])
add_rel(LONER, loner_friend, "friend", 0.5)

# Most people with fewer than two ties get a friend in their city (about 10% are left as is).
for p in people_ids:
    if p in QUIET or p == loner_friend:
        continue
    if degree[p] < 2 and rng.random() < 0.9:
        while degree[p] < 2:
            local = [q for q in social_pool if customers[q]["kind"] == "person"
                     and customers[q]["city"] == customers[p]["city"] and pair_free(p, q)]
            add_rel(p, rng.choice(local), "friend", maybe_weight(0.2, 0.3, 1.0))

# Relationship dates (2015-01-01 .. 2026-06-30, ~30% empty). Referral ties start on the referral
# date when it falls inside that range.
referral_date = {(r["referrer"], r["referred"]): r["date"] for r in referrals}
for row in rel_rows:
    if row["type"] == "referral":
        d = referral_date[(row["source"], row["target"])]
        row["date"] = d if d <= REL_END else None
    elif rng.random() < 0.31:
        row["date"] = None
    else:
        row["date"] = rand_date(REL_START, REL_END)

# --------------------------------------------------------------------------------------------
# Values, costs, opt-outs
# --------------------------------------------------------------------------------------------

VALUE_PROFILES = {  # median, sigma, low, high (EUR per year)
    "consumer-occasional": (55, 0.6, 20, 300),
    "consumer-regular": (230, 0.45, 70, 900),
    "consumer-premium": (950, 0.55, 400, 4800),
    "smb": (3500, 0.7, 1000, 30000),
    "horeca": (12000, 0.6, 2500, 60000),
    "enterprise": (35000, 0.45, 12000, 80000),
}
for cid in people_ids + business_ids:
    c = customers[cid]
    c["target_value"] = round(lognormal(*VALUE_PROFILES[c["segment"]]), 2)
    c["cost"] = round(rng.uniform(5, 30) if c["kind"] == "person" else rng.uniform(50, 500), 2)
customers[HIDDEN]["target_value"] = 45.80
customers[CHAMPION]["target_value"] = 3420.00
customers[LONER]["target_value"] = 5650.00
customers[HIDDEN]["cost"] = 8.50
customers[CHAMPION]["cost"] = 24.00
customers[LONER]["cost"] = 28.00
for hub in SOCIAL_HUBS:
    customers[hub]["target_value"] = round(rng.uniform(150, 320), 2)

STORY = protected | {loner_friend} | set(chain_nodes)
plain_people = [p for p in people_ids if p not in STORY]
empty_value = set(rng.sample(plain_people, 36))
plain_all = [c for c in people_ids + business_ids if c not in STORY]
opted_out = set(rng.sample(plain_all, 16))

# --------------------------------------------------------------------------------------------
# Transactions
# --------------------------------------------------------------------------------------------

INTERVALS = {  # days between purchases (low, high)
    "consumer-occasional": (60, 180),
    "consumer-regular": (7, 21),
    "consumer-premium": (7, 28),
    "smb": (25, 40),
    "horeca": (10, 30),
    "enterprise": (27, 33),
}
TX_CHANNEL_OF = {"email": "online", "sms": "online", "app": "app", "phone": "phone",
                 "in-store": "in-store"}
TX_CHANNELS = ["in-store", "online", "app", "phone"]


def tx_channel(c):
    if c["kind"] == "business":
        return wchoice(["phone", "online", "app", "in-store"], [40, 45, 10, 5])
    if rng.random() < 0.7:
        return TX_CHANNEL_OF[c["channel"]]
    return wchoice(TX_CHANNELS, [40, 30, 20, 10])


transactions = []  # (date, customer, amount, channel, on_behalf_of)
first_day = {}  # the day each customer's own purchase history starts
for cid in people_ids + business_ids:
    c = customers[cid]
    lo, hi = INTERVALS[c["segment"]]
    interval = rng.uniform(lo, hi)
    if cid == HIDDEN:
        interval = 120
    basket = c["target_value"] * interval / 365.0
    if cid in referred_on:
        d, conv = referred_on[cid]
        start = d + dt.timedelta(days=rng.randint(0, 10) if conv else rng.randint(30, 240))
        start = min(start, TX_END - dt.timedelta(days=7))
    elif rng.random() < 0.8 or cid in STORY:
        start = TX_START + dt.timedelta(days=rng.randint(0, int(interval)))
    else:
        start = rand_date(TX_START + dt.timedelta(days=30), TX_END - dt.timedelta(days=60))
    end = TX_END
    if cid not in STORY and start < dt.date(2025, 10, 1) and rng.random() < 0.15:
        end = rand_date(start + dt.timedelta(days=20), CHURN_CUTOFF - dt.timedelta(days=1))
    occasional = c["segment"] == "consumer-occasional"
    first_day[cid] = start
    t = start
    first = True
    while t <= end or first:
        amount = max(2.5, basket * math.exp(rng.gauss(0.0, 0.35)))
        transactions.append((t, cid, round(amount, 2), tx_channel(c), ""))
        first = False
        factor = min(3.0, max(0.2, rng.expovariate(1.0))) if occasional else rng.uniform(0.6, 1.4)
        t = t + dt.timedelta(days=max(1, round(interval * factor)))

# Purchases on behalf of someone else.
on_behalf_streams = []
for bid in MANAGED_OFFICES:
    on_behalf_streams.append((office_manager[bid], bid, rng.uniform(18, 35),
                              rng.uniform(80, 350)))
for parent, child in parent_child:
    on_behalf_streams.append((parent, child, rng.uniform(45, 90), rng.uniform(20, 60)))
# A few household members buying for each other (no on_behalf row: the family row exists).
family_pairs = [(r["source"], r["target"]) for r in rel_rows if r["type"] == "family"
                and r["source"] not in QUIET and r["target"] not in QUIET]
household_on_behalf = rng.sample(family_pairs, 4)
for buyer, receiver in household_on_behalf:
    on_behalf_streams.append((buyer, receiver, rng.uniform(90, 150), rng.uniform(15, 45)))
for buyer, receiver, interval, basket in on_behalf_streams:
    begin = max(first_day[buyer], first_day[receiver])
    t = begin + dt.timedelta(days=rng.randint(0, int(interval)))
    while t <= TX_END:
        amount = max(2.5, basket * math.exp(rng.gauss(0.0, 0.3)))
        channel = wchoice(["online", "phone", "app", "in-store"], [45, 25, 15, 15])
        transactions.append((t, buyer, round(amount, 2), channel, receiver))
        t = t + dt.timedelta(days=max(1, round(interval * rng.uniform(0.7, 1.3))))
transactions.sort(key=lambda x: (x[0], x[1], x[2], x[3], x[4]))

# --------------------------------------------------------------------------------------------
# Write the files
# --------------------------------------------------------------------------------------------

os.makedirs(OUT_DIR, exist_ok=True)


def write_csv(name, header, rows):
    path = os.path.join(OUT_DIR, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        w.writerows(rows)


cust_rows = []
for cid in people_ids + business_ids:
    c = customers[cid]
    value = "" if cid in empty_value else money(c["target_value"])
    cust_rows.append([cid, c["kind"], c["name"], c["segment"], value, money(c["cost"]),
                      "true" if cid in opted_out else "false", c["channel"], c["profession"],
                      c["age_band"], c["city"]])
write_csv("customers.csv",
          ["id", "kind", "name", "segment", "value", "cost", "opt_out", "channel", "profession",
           "age_band", "city"], cust_rows)

rng.shuffle(rel_rows)
write_csv("relationships.csv", ["source", "target", "type", "weight", "date"],
          [[r["source"], r["target"], r["type"],
            "" if r["weight"] is None else fmt_weight(r["weight"]),
            "" if r["date"] is None else r["date"].isoformat()] for r in rel_rows])


def reward(r):
    if not r["converted"]:
        return 0.0
    a, b = customers[r["referrer"]]["kind"], customers[r["referred"]]["kind"]
    if a == "business" and b == "business":
        return 100.0
    if b == "business":
        return 25.0
    return 10.0


referrals.sort(key=lambda r: (r["date"], r["referrer"], r["referred"]))
write_csv("referrals.csv", ["referrer", "referred", "date", "converted", "reward"],
          [[r["referrer"], r["referred"], r["date"].isoformat(),
            "true" if r["converted"] else "false", money(reward(r))] for r in referrals])

write_csv("transactions.csv", ["customer", "date", "amount", "channel", "on_behalf_of"],
          [[cust, d.isoformat(), money(a), ch, ob] for d, cust, a, ch, ob in transactions])

# --------------------------------------------------------------------------------------------
# Summary (the numbers quoted in samples/crm/README.md)
# --------------------------------------------------------------------------------------------


def subtree(node):
    out = []
    stack = list(children[node])
    while stack:
        n = stack.pop()
        out.append(n)
        stack.extend(children[n])
    return out


def converted_subtree(node):
    converted = {r["referred"] for r in referrals if r["converted"]}
    out = []
    stack = [c for c in children[node] if c in converted]
    while stack:
        n = stack.pop()
        out.append(n)
        stack.extend(c for c in children[n] if c in converted)
    return out


def depth_of(node):
    parent_of = {r["referred"]: r["referrer"] for r in referrals}
    d = 0
    while node in parent_of:
        node = parent_of[node]
        d += 1
    return d


print(f"customers: {len(cust_rows)}")
print("  by kind:", dict(sorted(Counter(c["kind"] for c in customers.values()).items())))
print("  by segment:", dict(sorted(Counter(c["segment"] for c in customers.values()).items())))
print(f"  empty value: {len(empty_value)}, opt_out true: {len(opted_out)}")
print(f"relationships: {len(rel_rows)}")
print("  by type:", dict(sorted(Counter(r["type"] or "(empty)" for r in rel_rows).items())))
print(f"  with weight: {sum(r['weight'] is not None for r in rel_rows)}, "
      f"without date: {sum(r['date'] is None for r in rel_rows)}")
multi = sorted(k for k, v in pair_types.items() if len(v) > 1)
print(f"  pairs with two types: {len(multi)}")
pdeg = sorted((degree[p] for p in people_ids))
print(f"  person degree: min {pdeg[0]}, median {pdeg[len(pdeg) // 2]}, max {pdeg[-1]}, "
      f"2-8: {sum(2 <= d <= 8 for d in pdeg)}, 25+: {sum(d >= 25 for d in pdeg)}, "
      f"0: {sum(d == 0 for d in pdeg)}")
print("  person degree histogram:", dict(sorted(Counter(pdeg).items())))
print("  25+ hubs:", [(n, degree[n]) for n in sorted(degree) if degree[n] >= 25])
conv = sum(r["converted"] for r in referrals)
print(f"referrals: {len(referrals)}, converted {conv}, "
      f"roots {len(set(children) - set(referred_on))}, "
      f"max depth {max(depth_of(r['referred']) for r in referrals)}, "
      f"dates {min(r['date'] for r in referrals)} .. {max(r['date'] for r in referrals)}")
ob = sum(1 for t in transactions if t[4])
print(f"transactions: {len(transactions)}, on_behalf_of set: {ob} "
      f"({100.0 * ob / len(transactions):.1f}%), dates {transactions[0][0]} .. "
      f"{transactions[-1][0]}")
last_row = {}
for d, cust, _, _, _ in transactions:
    last_row[cust] = d
churned = sum(1 for c, d in last_row.items() if d < CHURN_CUTOFF)
print(f"  customers whose last transaction row is before {CHURN_CUTOFF}: {churned}")
for who in (HIDDEN, CHAMPION, LONER):
    c = customers[who]
    sub = subtree(who)
    direct = children[who]
    ties = dict(sorted(Counter(t for k, v in pair_types.items() if who in k for t in v).items()))
    print(f"{who} {c['name']}: {c['segment']}, value {c['target_value']:.2f}, "
          f"own transactions {sum(1 for t in transactions if t[1] == who)}, degree {degree[who]}, "
          f"ties by type {ties}, "
          f"direct referrals {len(direct)} (converted "
          f"{sum(1 for r in referrals if r['referrer'] == who and r['converted'])}), "
          f"referral tree {len(sub)} customers worth "
          f"{sum(customers[n]['target_value'] for n in sub if n not in empty_value):.2f} EUR/yr "
          f"(value column; empty counts as 0)")
    conv_sub = converted_subtree(who)
    print(f"  reached through converted referrals only: {len(conv_sub)} customers worth "
          f"{sum(customers[n]['target_value'] for n in conv_sub if n not in empty_value):.2f} "
          f"EUR/yr")
print(f"  C0042 direct referrals: {sorted(children[HIDDEN])}")
print(f"  deep chain: {' -> '.join([HIDDEN] + chain_nodes)}")
