"""The word and name lists the synthetic catalogue draws from."""

from __future__ import annotations

from itertools import accumulate


def _listed(text: str, separator: str | None = None) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(separator) if item.strip())


# No two names fold to the same ASCII slug: a person without an ORCID iD gets an IRI minted
# from the slug of their name, and two people with one IRI would have two names.
GIVEN = _listed(
    """Andrei N., Maria, James, Aiko, Øyvind, Zoë, José, Małgorzata, Chinedu, Priya,
    Henrik, Fatima, Lucía, Mehmet, Anh, Ingrid, Kwame, Sofía, Dmitri, Hannah, Rafael, Yuki, Amélie,
    Tomasz, Leila, Björn, Nadia, Samuel, Mei, Olusegun, Clara, Arjun, Eleni, Pedro, Siobhán, Kenji,
    Ewa, Jürgen, Thandiwe, William, Ruth, Hyun-woo, Ana, François, Gabriela, Ibrahim, Lars, Marta,
    Noor, Oskar, Paula, Rashid, Sven, Teresa, Valentina, Wei, Yasmin, Zainab, Élodie, Mikhail""",
    ",",
)
FAMILY = _listed(
    """Lankov, Müller, Đặng, Nørgaard, Smith, García, Nakamura, Kowalski, Okafor,
    Sharma, Johansson, Haddad, Fernández, Yılmaz, Nguyễn, Berg, Mensah, Ivanova, Cohen, Rossi,
    Tanaka, Dubois, Nowak, Karimi, Lindqvist, Petrov, Adeyemi, Schmidt, Chen, Wójcik, Papadopoulos,
    Silva, Ó Briain, Watanabe, Kim, Park, Moreau, Oliveira, Hassan, Eriksson, Bianchi, Jones,
    Novák, Çelik, Singh, Wright, Horvát, Sato, Andersen, Lopes, Zhang, Mbeki, Kovačević, Lefèvre,
    Ahmed, Brennan, Santos, Vogel, Rahman, Marchetti""",
    ",",
)
# People known by one name as printed, without name parts (a CSV cell without a comma).
WHOLE_NAMES = ("王伟", "山田花子", "김민준", "Rabindra", "Ngũgĩ wa Thiong'o", "Kalidasa")
# A publisher is always in the same place: its IRI is minted from its name.
PUBLISHERS = (
    ("University of Hawai'i Press", "Honolulu"), ("Ashgrove University Press", "Oxford"),
    ("Meridian Academic", "London"), ("Presses de l'Université de Lumière", "Lyon"),
    ("Verlag Müller & Söhne", "Zürich"), ("Northfield Press", None),
    ("Editora Atlântica", "São Paulo"), ("Harbour Scholarly Books", "Wellington"),
    ("Wydawnictwo Kraków", "Kraków"), ("Lakeside University Press", "Chicago"),
    ("Nordic Academic Publishing", "Oslo"), ("Pacific Rim Books", None),
)  # fmt: skip
LANGUAGES = ("en", "de", "fr", "es", "pt-BR", "ja", "nb")
LANGUAGE_WEIGHTS = (80, 5, 5, 4, 2, 2, 2)
SUBJECTS = _listed(
    """History; Korea -- History -- 1945-; Political science; Economic history;
    Cold War; Literature -- Translations; Anthropology; Urban studies; Environmental history;
    Philosophy; Religion; Art history; Sociology; Migration; Labor movement; Women's studies;
    Colonialism; Linguistics""",
    ";",
)
LICENSES = ("CC-BY-4.0", "CC-BY-NC-ND-4.0", "https://creativecommons.org/licenses/by-sa/4.0/")
WORDS = _listed("""archive state reform party society history memory empire border city river
    labor market nation village family court church school press army trade colony frontier
    province revolution movement culture identity language ritual landscape economy crisis policy
    war peace treaty alliance faction leadership opposition purge campaign congress delegation
    power authority knowledge science medicine body gender kinship migration exile diaspora
    translation literature poetry novel theatre music image print reader audience censorship""")
ADJECTIVES = _listed("""early modern colonial imperial postwar rural urban global local hidden
    forgotten contested moral political social intellectual material visual northern southern
    eastern western unfinished radical quiet long uncertain divided shared sacred secular""")
FILLER = _listed("""the of and in to a that is was for on as with by from this his their which
    its were have been these not but at between during after before under within across through""")
VERBS = _listed("""shows argues traces examines reveals explores reconstructs demonstrates
    documents follows questions situates challenges revisits considers maps""")
PLACES = _listed(
    """Pyongyang, Seoul, Kraków, Zürich, São Paulo, Montréal, Reykjavík, Hanoi,
    Istanbul, Lagos, Lima, Bogotá, Kyoto, Odesa, Trondheim, Gdańsk, Marseille, Dakar""",
    ",",
)

# Running text: nouns mostly, function words, and a place now and then (some non-ASCII).
VOCABULARY = (*WORDS, *FILLER, *PLACES)
VOCABULARY_WEIGHTS = tuple(
    accumulate([6.0] * len(WORDS) + [10.0] * len(FILLER) + [1.5] * len(PLACES))
)
