"""Language understanding: French and English questions and statements to an intent with slots.

Rule-based and typo-tolerant: text is normalised (lowercase, no accents, no apostrophes), each
unknown word is corrected to the nearest cue word or name with rapidfuzz, then ordered rules pick
the intent and slot finders read the product, lab test, vaccine, document kind and period. A
statistical intent model (:mod:`bot.engine.intent_model`, trained on every labelled case) then
gives a second opinion: it decides when the rules find nothing and overrules them only when it
is sure and gives their intent little weight (fresh phrasings the rules were not written for).

| intent               | examples (FR / EN)                                                    |
| -------------------- | --------------------------------------------------------------------- |
| treatments.current   | quels sont mes traitements ? / what meds am I on?                     |
| treatments.past      | qu'ai-je pris en mars ? / what did I take last summer?                |
| treatment.purpose    | à quoi sert le Levothyrox ? / what is metformin for?                  |
| treatment.start      | depuis quand je prends X ? / when did I start X?                      |
| treatment.prescriber | qui m'a prescrit X ? / who prescribed X?                              |
| can_take             | puis-je prendre de l'ibuprofène ? / can I take aspirin?               |
| allergies.list       | mes allergies ? / what am I allergic to?                              |
| vaccines.list        | mes vaccins / when was my last tetanus shot?                          |
| vaccines.due         | quels vaccins dois-je faire ? / am I up to date with my vaccines?     |
| labs.value           | ma dernière glycémie / my cholesterol on March 3                      |
| labs.out_of_range    | quelles valeurs sont hors normes ? / abnormal results                 |
| labs.trend           | évolution du cholestérol / chart my HbA1c                             |
| labs.list            | mes analyses / my lab results                                         |
| documents.show       | montre-moi l'ordonnance du 3 mars / send me the lab report of May     |
| documents.list       | mes documents / my documents                                          |
| reminders.list       | mes rappels / upcoming reminders                                      |
| reminders.pause      | arrête les rappels du Doliprane / stop the Doliprane reminders        |
| reminders.follow_up  | rappelle-moi de refaire une prise de sang dans 3 mois / remind me ... |
| state.allergy        | je suis allergique à la pénicilline / allergic to peanuts             |
| state.vaccination    | vaccin grippe le 15 octobre / I got my flu shot yesterday             |
| state.treatment      | je prends du Levothyrox 75 le matin / I take metformin 500 twice a day|
| state.stop           | j'ai arrêté l'amoxicilline / I stopped taking ibuprofen               |
| state.condition      | je suis diabétique / I have asthma                                    |
| help, export, delete, greeting, thanks, unknown                                              |
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.engine import intent_model, lexicon, nlu_fallback
from bot.engine.delays import FOLLOW_UP_CUE, delay_in
from bot.engine.periods import MONTHS, find_date, find_period

QUESTIONS = frozenset(
    {
        "treatments.current",
        "treatments.past",
        "treatment.purpose",
        "treatment.start",
        "treatment.prescriber",
        "can_take",
        "allergies.list",
        "vaccines.list",
        "vaccines.due",
        "labs.value",
        "labs.out_of_range",
        "labs.trend",
        "labs.list",
        "documents.show",
        "documents.list",
        "reminders.list",
    }
)
ACTIONS = frozenset({"reminders.follow_up", "reminders.pause"})
"""Intents that change reminders (neither questions nor statements about the record)."""
STATEMENTS = frozenset(
    {"state.allergy", "state.vaccination", "state.treatment", "state.stop", "state.condition"}
)


@dataclass(frozen=True)
class Intent:
    """What the user wants, with the slots found (normalised text, canonical keys, dates)."""

    name: str
    product: str | None = None
    test: str | None = None
    vaccine: str | None = None
    condition: str | None = None
    kind: str | None = None
    start: date | None = None
    end: date | None = None
    detail: str | None = None


STOPWORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "l",
        "un",
        "une",
        "des",
        "du",
        "de",
        "d",
        "a",
        "au",
        "aux",
        "en",
        "et",
        "ou",
        "mon",
        "ma",
        "mes",
        "ton",
        "ta",
        "tes",
        "son",
        "sa",
        "ses",
        "ce",
        "cet",
        "cette",
        "ces",
        "je",
        "j",
        "tu",
        "il",
        "elle",
        "on",
        "nous",
        "vous",
        "ils",
        "elles",
        "me",
        "m",
        "moi",
        "te",
        "t",
        "se",
        "s",
        "y",
        "qui",
        "que",
        "qu",
        "quoi",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "quand",
        "comment",
        "pourquoi",
        "combien",
        "est",
        "ce",
        "c",
        "pour",
        "par",
        "sur",
        "dans",
        "avec",
        "sans",
        "pas",
        "ne",
        "n",
        "plus",
        "tres",
        "bien",
        "oui",
        "non",
        "the",
        "a",
        "an",
        "my",
        "your",
        "his",
        "her",
        "of",
        "to",
        "for",
        "in",
        "on",
        "at",
        "with",
        "and",
        "or",
        "is",
        "are",
        "am",
        "was",
        "were",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "be",
        "been",
        "i",
        "you",
        "it",
        "me",
        "what",
        "which",
        "who",
        "when",
        "why",
        "how",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "not",
        "no",
        "yes",
        "please",
        "stp",
        "svp",
        "merci",
        "thanks",
        "sont",
        "suis",
        "ai",
        "as",
        "avez",
        "ont",
        "fait",
        "faire",
        "peux",
        "puis",
        "peut",
        "dois",
        "doit",
        "vais",
        "va",
        "était",
        "etait",
        "ete",
        "sera",
        "mais",
        "donc",
        "alors",
        "aussi",
        "encore",
        "deja",
        "dernier",
        "derniere",
        "derniers",
        "dernieres",
        "last",
        "past",
        "next",
        "prochain",
        "prochaine",
        "prochains",
        "moi-meme",
        "tout",
        "tous",
        "toute",
        "toutes",
        "all",
        "any",
        "some",
        "can",
        "could",
        "should",
        "would",
        "may",
        "might",
        "will",
    ]
)

CUES = frozenset(
    [
        "traitement",
        "traitements",
        "medicament",
        "medicaments",
        "medocs",
        "medoc",
        "medication",
        "medications",
        "meds",
        "medicine",
        "medicines",
        "pills",
        "pill",
        "cachets",
        "cachet",
        "comprimes",
        "comprime",
        "gelules",
        "prends",
        "prend",
        "prendre",
        "prenais",
        "pris",
        "took",
        "take",
        "taking",
        "taken",
        "ordonnance",
        "ordonnances",
        "prescription",
        "prescriptions",
        "prescrit",
        "prescribed",
        "prescriber",
        "medecin",
        "docteur",
        "doctor",
        "allergique",
        "allergiques",
        "allergie",
        "allergies",
        "allergic",
        "intolerant",
        "intolerante",
        "intolerance",
        "vaccin",
        "vaccins",
        "vaccination",
        "vaccinations",
        "vaccine",
        "vaccines",
        "vaccinated",
        "shot",
        "shots",
        "jab",
        "jabs",
        "rappel",
        "rappels",
        "booster",
        "boosters",
        "reminder",
        "reminders",
        "analyse",
        "analyses",
        "resultat",
        "resultats",
        "results",
        "result",
        "bilan",
        "sanguin",
        "sang",
        "blood",
        "test",
        "tests",
        "labs",
        "lab",
        "valeur",
        "valeurs",
        "value",
        "values",
        "taux",
        "norme",
        "normes",
        "anormal",
        "anormaux",
        "anormales",
        "abnormal",
        "range",
        "evolution",
        "courbe",
        "graphique",
        "tendance",
        "trend",
        "chart",
        "graph",
        "historique",
        "document",
        "documents",
        "fichier",
        "fichiers",
        "papiers",
        "montre",
        "montrer",
        "envoie",
        "envoyer",
        "affiche",
        "afficher",
        "show",
        "send",
        "display",
        "retrouve",
        "sert",
        "servir",
        "commence",
        "commencer",
        "started",
        "start",
        "began",
        "begin",
        "depuis",
        "since",
        "arrete",
        "arreter",
        "arretee",
        "stopped",
        "stop",
        "quit",
        "fini",
        "terminer",
        "actuellement",
        "currently",
        "actuel",
        "actuels",
        "actuelle",
        "en",
        "cours",
        "moment",
        "maintenant",
        "now",
        "today",
        "aide",
        "help",
        "export",
        "exporter",
        "telecharger",
        "download",
        "supprimer",
        "supprime",
        "delete",
        "erase",
        "effacer",
        "compte",
        "account",
        "donnees",
        "data",
        "diabetique",
        "asthmatique",
        "hypertendu",
        "enceinte",
        "diagnostique",
        "diagnosed",
        "jour",
        "jours",
        "semaine",
        "semaines",
        "mois",
        "annee",
        "annees",
        "year",
        "years",
        "month",
        "months",
        "week",
        "weeks",
        "summer",
        "winter",
        "ete",
        "hiver",
        "printemps",
        "automne",
        "spring",
        "autumn",
        "hier",
        "yesterday",
        "matin",
        "soir",
        "midi",
        "morning",
        "evening",
        "night",
        "bonjour",
        "salut",
        "hello",
        "merci",
        "thanks",
        "compatible",
        "dangereux",
        "risque",
        "safe",
        "okay",
        "contre",
        "recu",
        "eu",
        "faire",
        "fait",
        "faits",
        "dois",
        "jour",
        "retard",
        "due",
        "overdue",
        "manque",
        "missing",
        "need",
        "prochaine",
        "upcoming",
        "recommandes",
        "recommended",
        "elevee",
        "eleve",
        "trop",
        "haut",
        "bas",
        "high",
        "low",
        "hors",
        "dehors",
        "anciens",
        "ancien",
        "avant",
        "before",
        "previous",
        "precedent",
        "precedents",
        "quoi",
    ]
)

RULE_WORDS = frozenset(
    [
        # round 17 preparation: movement verbs for trends, times of day, SMS, help
        "alarm",
        "bedtime",
        "bloodwork",
        "bloodworks",
        "breakfast",
        "climbed",
        "climbing",
        "comes",
        "conseille",
        "coucher",
        "creeping",
        "dejeuner",
        "diner",
        "dinner",
        "dropping",
        "eating",
        "filez",
        "gotten",
        "lachee",
        "lachees",
        "laches",
        "lunch",
        "moins",
        "petit",
        "positive",
        "refile",
        "several",
        "sleeping",
        "sliding",
        "trucs",
        # round 16 rule words: doctors by specialty, passive endings, help, trends
        "actuelles",
        "autres",
        "chirurgien",
        "dentist",
        "dentiste",
        "infirmier",
        "infirmiere",
        "kinds",
        "meilleur",
        "meilleure",
        "nurse",
        "other",
        "pharmacien",
        "pharmacist",
        "pouvez",
        "sorts",
        "stoppee",
        "supprimee",
        "surgeon",
        "switched",
        "types",
        "withdrawn",
        "psychiatrist",
        "podiatrist",
        "psychiatre",
        "pediatre",
        "geriatre",
        # round 15 rule words: classes of drugs, endings, trends, help
        "statine",
        "statines",
        "statin",
        "statins",
        "anticoagulant",
        "anticoagulants",
        "antidepresseur",
        "antidepresseurs",
        "antidepressant",
        "antidepressants",
        "painkiller",
        "painkillers",
        "antidouleur",
        "antidouleurs",
        "antalgique",
        "antalgiques",
        "thinner",
        "thinners",
        "discontinued",
        "bouge",
        "bouger",
        "varie",
        "moved",
        "shifted",
        "flags",
        "lesquels",
        "stuff",
        "avaler",
        "swallow",
        # round 13-14 rule words
        "aggrave",
        "application",
        "complete",
        "correct",
        "correctes",
        "corrects",
        "explain",
        "forbidden",
        "getting",
        "higher",
        "interact",
        "interaction",
        "interactions",
        "interacts",
        "interagir",
        "interagit",
        "interdit",
        "interdite",
        "interfere",
        "irait",
        "issues",
        "lately",
        "limits",
        "lower",
        "machin",
        "melanger",
        "normale",
        "older",
        "ongoing",
        "ordered",
        "passerait",
        "prescrire",
        "prior",
        "redis",
        "regimen",
        "routine",
        "starting",
        "vieille",
        "vieilles",
        "vieux",
        "worsening",
        "intent",
        "return",
        "inutile",
        "televerse",
        "transmis",
        "upload",
        "venir",
        "alarmant",
        "alarmants",
        "alarming",
        "autrefois",
        "avoid",
        "canceled",
        "cancelled",
        "clear",
        "coming",
        "concern",
        "daily",
        "desormais",
        "details",
        "discontinued",
        "dosette",
        "eviter",
        "expire",
        "expired",
        "expires",
        "faite",
        "faites",
        "information",
        "infos",
        "inquiete",
        "inquieter",
        "jamais",
        "lache",
        "nightly",
        "nouveau",
        "nouvelle",
        "ologist",
        "ologue",
        "organiser",
        "organizer",
        "pilulier",
        "plusieurs",
        "prenons",
        "presently",
        "profil",
        "profile",
        "recue",
        "renew",
        "renouveler",
        "repris",
        "status",
        "steer",
        "times",
        "weekly",
        "worry",
        # round 11 rule words
        "treating",
        "treated",
        "aider",
        "ameliore",
        "augmente",
        "baisse",
        "better",
        "current",
        "datent",
        "decreasing",
        "diminue",
        "empire",
        "falling",
        "helping",
        "helps",
        "improved",
        "improving",
        "increasing",
        "initially",
        "latest",
        "mieux",
        "monte",
        "remonte",
        "remontent",
        "rising",
        "worse",
        "affection",
        "ailment",
        "answer",
        "battle",
        "battling",
        "being",
        "brillant",
        "bring",
        "capte",
        "clochait",
        "cloche",
        "completed",
        "confused",
        "coping",
        "course",
        "derriere",
        "doing",
        "ended",
        "finie",
        "handle",
        "inclus",
        "jeter",
        "longtemps",
        "lutte",
        "origine",
        "pathologie",
        "paume",
        "paumee",
        "perdu",
        "perdue",
        "prescribe",
        "provient",
        "questions",
        "repondre",
        "reponds",
        "responsable",
        "responsible",
        "ressors",
        "ressortir",
        "souci",
        "specialist",
        "symptome",
        "terminee",
        "terrible",
        "things",
        "through",
        "understand",
        "venait",
        "viennent",
        "pige",
        "appli",
        "asked",
        "avait",
        "cardiologue",
        "enregistree",
        "explique",
        "garde",
        "planifiee",
        "point",
        "poser",
        "recap",
        "recapitulatif",
        "retire",
        "thing",
        "thinks",
        "condition",
        "decouvert",
        "detecte",
        "emploi",
        "etais",
        "found",
        "guide",
        "illness",
        "instructions",
        "issue",
        "lorsque",
        "necessaire",
        "necessary",
        "ordonne",
        "parait",
        "prescripteur",
        "prescrite",
        "required",
        "trouve",
        "whenever",
        "abandonne",
        "after",
        "against",
        "alarme",
        "alarmes",
        "alert",
        "alerte",
        "alertes",
        "alerts",
        "allergi",
        "allergy",
        "allowed",
        "alright",
        "anciennes",
        "annule",
        "annuler",
        "anormale",
        "antibiotic",
        "antibiotics",
        "antibiotique",
        "antibiotiques",
        "anymore",
        "archive",
        "arret",
        "arretes",
        "arretez",
        "atteint",
        "atteinte",
        "aujourd",
        "autorise",
        "avais",
        "begun",
        "bilans",
        "bonsoir",
        "cancel",
        "change",
        "commandes",
        "commands",
        "copie",
        "coucou",
        "coupe",
        "couper",
        "danger",
        "dangerous",
        "debut",
        "debute",
        "desactive",
        "desactiver",
        "detruire",
        "detruis",
        "devrais",
        "disable",
        "dossier",
        "dropped",
        "drugs",
        "earlier",
        "efface",
        "elevated",
        "elevees",
        "enleve",
        "enlever",
        "envoyez",
        "everything",
        "evolue",
        "evolving",
        "examens",
        "exporte",
        "fasse",
        "fiche",
        "files",
        "finis",
        "finished",
        "flagged",
        "fonctionne",
        "former",
        "gelule",
        "generaliste",
        "genial",
        "gentil",
        "going",
        "graphe",
        "hauts",
        "heure",
        "history",
        "immunisation",
        "immunisations",
        "immunization",
        "immunizations",
        "indique",
        "inquietante",
        "intake",
        "intakes",
        "intoleran",
        "intolerances",
        "issued",
        "known",
        "laisse",
        "liste",
        "longer",
        "manquent",
        "mauvaises",
        "meant",
        "montrez",
        "names",
        "needed",
        "notif",
        "notification",
        "notifications",
        "notifs",
        "original",
        "outside",
        "ouvre",
        "ouvrir",
        "papier",
        "passee",
        "passes",
        "pause",
        "permis",
        "permitted",
        "photo",
        "possible",
        "pourrais",
        "premiere",
        "prendrai",
        "prevoir",
        "problemes",
        "problems",
        "prochaines",
        "product",
        "progression",
        "raison",
        "reason",
        "received",
        "recevoir",
        "recommande",
        "refaire",
        "remove",
        "renvoie",
        "reste",
        "restent",
        "resume",
        "retrouver",
        "revoir",
        "risky",
        "sanguins",
        "secours",
        "servent",
        "souffre",
        "specialiste",
        "suffer",
        "summary",
        "super",
        "surveiller",
        "suspend",
        "suspendre",
        "suspends",
        "switch",
        "synthese",
        "temps",
        "termine",
        "termines",
        "thank",
        "tomber",
        "trace",
        "tracer",
        "traite",
        "treatments",
        "vacciner",
        "viens",
        "vient",
        "worried",
    ]
)
"""Words the rules below look for that are not cues or names: the corrector keeps them as typed
(``tests/bot/test_nlu.py`` checks that every word of every rule is known)."""

COMMON = frozenset(
    [
        # everyday words the corrector must leave alone (a one-letter slip away from a cue)
        "coeur",
        "heart",
        "ever",
        "poumons",
        "lungs",
        "estomac",
        "stomach",
        "ventre",
        "belly",
        "tete",
        "head",
        "genou",
        "genoux",
        "knee",
        "knees",
        "dos",
        "back",
        "peau",
        "skin",
        "reins",
        "kidneys",
        "foie",
        "liver",
        "douleur",
        "douleurs",
        "pain",
        "pains",
        "sommeil",
        "sleep",
        "dormir",
        "respirer",
        "breathe",
        "breathing",
        "nerfs",
        "nerves",
        "angoisse",
        "stress",
        "os",
        "bones",
        "articulations",
        "joints",
        "muscles",
        "yeux",
        "eyes",
        "oreilles",
        "ears",
        "gorge",
        "throat",
        "jambes",
        "legs",
        "allait",
        "avale",
        "avales",
        "manger",
        "mange",
        "repas",
        "allaient",
        "aller",
        "allez",
        "vont",
        "cheers",
        "dealing",
        "living",
        "struggling",
        "behind",
        "role",
        "comprends",
        "demander",
        "ajoute",
        "ajouter",
        "rajoute",
        "rajouter",
        "noter",
        "notez",
        "mets",
        "mettre",
        "enregistre",
        "enregistrer",
        "inscris",
        "include",
        "record",
        "save",
        "regarder",
        "consulter",
        "view",
        "pique",
        "piquer",
        "injecte",
        "signe",
        "remind",
        "reminding",
        "soigne",
        "soigner",
        "signed",
        "signer",
        "wrote",
        "written",
        "ecrit",
        "redige",
        "passe",
        "passer",
        "bonne",
        "bonnes",
        "wrong",
        "right",
        "exactement",
        "exactly",
        "again",
        "deja",
        "encore",
        "toubib",
        "jab",
        "vraiment",
        "really",
        "normalement",
        "usually",
        "souvent",
        "often",
        "chaque",
        "every",
        "night",
        "nuit",
        "quelle",
        "pendant",
        "while",
        "treat",
        "treats",
        "treated",
        "treatment",
        "stoppe",
        "stopper",
        "censé",
        "cense",
        "supposed",
        "probleme",
        "problem",
        "physician",
        "first",
        "trending",
        "inject",
        "injecte",
        "basse",
        "basses",
        "faut",
        "droit",
        "great",
        "about",
        "there",
        "their",
        "still",
        "should",
        "would",
        "could",
        "taken",
        "later",
        "today",
        "tonight",
        "often",
        "dernierement",
        "recemment",
        "donne",
        "donner",
        "donnes",
        "droit",
        "marche",
        "marcher",
        "rappelle",
        "rappeler",
        "dose",
        "doses",
        "prise",
        "prises",
        "voir",
        "veux",
        "voudrais",
        "besoin",
        "avoir",
        "etre",
        "mettre",
        "mis",
        "vie",
        "soir",
        "midi",
        "nuit",
        "chose",
        "choses",
        "rien",
        "quelque",
        "chose",
        "anything",
        "something",
        "right",
        "currently",
        "please",
        "need",
        "needs",
        "check",
        "yes",
        "know",
        "using",
        "use",
        "utilise",
        "utiliser",
        "evolved",
        "evolve",
        "changed",
        "normal",
        "normaux",
        "normales",
        "bonne",
        "bonnes",
        "dernier",
        "derniere",
        "matin",
        "jours",
        "comme",
        "depuis",
        "entre",
        "pendant",
        "apres",
        "avant",
        "contre",
        "remind",
        "avaler",
        "inquietant",
        "inquietants",
        "inquietantes",
        "worrying",
        "concerning",
        "exactement",
        "gave",
        "given",
        # real words once "corrected" into a cue (found over the development set)
        "active",
        "count",
        "coute",
        "crise",
        "demain",
        "enfance",
        "grave",
        "hives",
        "liver",
        "match",
        "parfait",
        "prefere",
        "prevu",
        "prevue",
        "prevus",
        "prevues",
        "recent",
        "recette",
        "short",
        "breath",
        "utilite",
        "world",
        "react",
        "tomorrow",
        "weather",
        "scheduled",
        "planned",
        "programme",
        "programmes",
        "planifie",
        "later",
        "sport",
        "sante",
        "health",
        "reste",
        "stock",
        "stored",
        "saved",
        "uploaded",
        "envoye",
        "envoyes",
        "enregistre",
        "enregistres",
        "enregistrees",
        "beaucoup",
        "because",
        "rendez",
        "vous",
        "pense",
        "think",
        "sick",
        "malade",
        "douleur",
        "douleurs",
        "pain",
        "fievre",
        "fever",
        "cold",
        "rhume",
        "toux",
        "cough",
        "mettre",
        "appliquer",
        "apply",
        "cream",
        "creme",
        "maintenant",
        "aujourd",
        "semaine",
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "usage",
        "purpose",
        "indication",
        "scheduled",
        "there",
        "everyone",
        "morning",
        "afternoon",
        # four-letter words a letter away from a name ("sure" / "sucre")
        "sure",
        "regime",
        "cell",
        "debt",
        "real",
        "lire",
        "rend",
        "leve",
        "polo",
        "jane",
        "zeta",
        "give",
        "gave",
        "done",
        "wise",
        "time",
        "fine",
    ]
)
SLANG: dict[str, str] = {
    "koi": "quoi",
    "kwa": "quoi",
    "ki": "qui",
    "pk": "pourquoi",
    "pq": "pourquoi",
    "pkoi": "pourquoi",
    "qd": "quand",
    "jai": "j ai",
    "cest": "c est",
    "c koi": "c est quoi",
    "puije": "puis je",
    "puisje": "puis je",
    "peuxje": "puis je",
    "jpeux": "je peux",
    "jprends": "je prends",
    "tak": "take",
    "u": "you",
    "r": "are",
    "wat": "what",
    "wats": "what s",
    "whats": "what s",
    "im": "i m",
    "ive": "i ve",
    "dont": "don t",
    "meds": "meds",
    "pls": "please",
    "plz": "please",
    "cb": "combien",
    "cmb": "combien",
    "cbien": "combien",
    "cn": "can",
    "chui": "je suis",
    "chuis": "je suis",
    "jsuis": "je suis",
    "jsui": "je suis",
    "outta": "out of",
    "gonna": "going to",
    "wanna": "want to",
    "tt": "tout",
    "ts": "tous",
    "bcp": "beaucoup",
    "jveux": "je veux",
    "jsais": "je sais",
    "jcomprends": "je comprends",
    "ke": "que",
    "kes": "qu est ce",
    "keske": "qu est ce que",
    "kan": "quand",
    "lst": "last",
    "nxt": "next",
    "yr": "year",
    "yrs": "years",
    "mnth": "month",
    "wk": "week",
    "wks": "weeks",
    "kand": "quand",
    "koment": "comment",
    "cmt": "comment",
    "ske": "ce que",
    "kel": "quel",
    "kels": "quels",
    "kelle": "quelle",
    "kelles": "quelles",
    "dr": "docteur",
    "rdv": "rendez vous",
    "ur": "your",
    "hv": "have",
    "hav": "have",
    "tmrw": "tomorrow",
    "2morrow": "tomorrow",
    "2day": "today",
    "b4": "before",
    "abt": "about",
    "wht": "what",
    "wut": "what",
    "cuz": "because",
    "wen": "when",
    "halp": "help",
    "jprend": "je prends",
    "javais": "j avais",
    "jetais": "j etais",
    "jsp": "je sais pas",
    "jprenais": "je prenais",
    "lgtps": "longtemps",
    "lgtemps": "longtemps",
    "lan": "l an",
    "lannee": "l annee",
    "ty": "thank you",
    "mrc": "merci",
    "qand": "quand",
    "usd": "used",
    "medz": "meds",
    "snd": "send",
    "pri": "pris",
    "plu": "plus",
    "mor": "more",
    "pr": "pour",
    "pa": "pas",
    "goin": "going",
    "comin": "coming",
    "envoi": "envoie",
    "pren": "prends",
    "prens": "prends",
}
"""SMS spellings and contractions (FR/EN) read as the words they stand for."""
PARTICIPLES = frozenset(
    ["donne", "prescrit", "dit", "fait", "mis", "conseille", "ordonne", "recommande", "arrete"]
)
"""After these, "ma" is "m'a" typed without its apostrophe ("qui ma prescrit")."""

SMS_C = frozenset(
    [
        "quoi",
        "qui",
        "quand",
        "combien",
        "dangereux",
        "grave",
        "bon",
        "ok",
        "pour",
        "pr",
        "le",
        "la",
    ]
)
WHAT_SMS = frozenset(["what", "wat", "whats", "wats", "wht", "wut"])
FOR_OBJECTS = frozenset(["me", "my", "u", "you", "what", "wat", "koi", "quoi", "the", "it"])
"""After these, "4" is "for" ("no more X 4 me"), not a dose."""
TO_BEFORE = frozenset(
    ["use", "used", "need", "have", "want", "going", "supposed", "got", "how", "meant", "able"]
)
"""Before these, "2" is "to" ("what did I use 2 take"), not a dose."""
_MULTI_WORD = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lowercase, strip accents, apostrophes and punctuation (dates and decimals kept)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("œ", "oe").replace("’", "'").replace("`", "'")
    plain = re.sub(r"(?<=[a-z])-|-(?=[a-z])", " ", plain)
    plain = re.sub(r"[^a-z0-9/.\-' ]", " ", plain)
    plain = re.sub(r"\.(?!\d)|(?<!\d)\.", " ", plain)
    plain = plain.replace("'", " ")
    return _MULTI_WORD.sub(" ", plain).strip()


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    labs = {syn: key for key, syns in lexicon.LAB_TESTS.items() for syn in syns}
    vaccines = {syn: key for key, syns in lexicon.VACCINES.items() for syn in syns}
    conditions = {syn: key for key, syns in lexicon.CONDITIONS.items() for syn in syns}
    kinds = {syn: key for key, syns in lexicon.DOCUMENT_KINDS.items() for syn in syns}
    return labs, vaccines, conditions, kinds


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[frozenset[str], tuple[str, ...]]:
    labs, vaccines, conditions, kinds = _names()
    words: set[str] = set(STOPWORDS) | set(CUES) | set(MONTHS) | set(COMMON) | set(RULE_WORDS)
    words |= DOSE_WORDS | TREATMENT_NOUNS
    for phrase in [*labs, *vaccines, *conditions, *kinds, *lexicon.DRUGS, *lexicon.ALLERGENS]:
        words.update(phrase.split())
    known = frozenset(words)
    targets = tuple(sorted(w for w in known if len(w) >= 4))
    return known, targets


@lru_cache(maxsize=1)
def _name_words() -> tuple[str, ...]:
    """Words of test, vaccine, condition, document and drug names, of five letters or more."""
    labs, vaccines, conditions, kinds = _names()
    words = {w for p in [*labs, *vaccines, *conditions, *kinds, *lexicon.DRUGS] for w in p.split()}
    return tuple(sorted(w for w in words if len(w) >= 5))


def correct(tokens: Sequence[str], extra: Iterable[str] = ()) -> list[str]:
    """Replace each unknown word by the nearest known word (cues, names) when close enough."""
    known, targets = _vocabulary()
    extra_set = frozenset(extra)
    out: list[str] = []
    for i, token in enumerate(tokens):
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        before = tokens[i - 1] if i else ""
        if token in SLANG:
            out.extend(SLANG[token].split())
            continue
        if token == "g" and not before[:1].isdigit() and after.isalpha():
            out.extend(["j", "ai"])  # SMS "g pris" = "j'ai pris", not "1 g"
            continue
        if token == "j" and after in ("suis", "prends", "prend"):
            out.append("je")  # "j'suis" = "je suis"
            continue
        if (
            token == "c"
            and (not before or after in SMS_C)
            and after not in ("est", "etait", "s")
            and before not in ("vitamine", "vitamin", "hepatite", "hepatitis")
        ):
            out.extend(["c", "est"])  # "c quoi", "c ki", "c dangereux"
            continue
        if token == "4" and (
            (not after and (tokens[0] in WHAT_SMS or before in WHAT_SMS))
            or (after in FOR_OBJECTS and before.isalpha())
        ):
            out.append("for")  # "wat is metformin 4", "lisinopril wat 4", "4 me"
            continue
        if token == "2" and before in TO_BEFORE and after.isalpha():
            out.append("to")  # "what did i use 2 take"
            continue
        if token == "conte" and after == "rendu":
            out.append("compte")  # "conte rendu" = "compte rendu"
            continue
        if token == "ma" and after in PARTICIPLES:
            out.extend(["m", "a"])
            continue
        if (
            token[:1] in ("l", "d")
            and token not in known
            and token[1:] in known
            and len(token) > 5
        ):
            out.extend([token[0], token[1:]])
            continue
        if token in known or token in extra_set or len(token) < 4 or not token.isalpha():
            out.append(token)
            continue
        pool = targets if not extra_set else (*targets, *extra_set)
        cutoff = 80.0
        if len(token) == 4:
            # a four-letter word: only a letter left out of a name ("blod" = "blood")
            pool, cutoff = (*_name_words(), *extra_set), 88.0
        best = process.extractOne(token, pool, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best is not None:
            out.append(best[0])
        elif len(token) >= 6:
            out.append(_sounds_like_drug(token) or token)
        else:
            out.append(token)
    return out


def _sound(word: str) -> str:
    """A rough French/English spelling key: "kardegique", "cardegic" and "kardegic" agree."""
    key = word.replace("ph", "f").replace("qu", "k").replace("ck", "k").replace("th", "t")
    key = re.sub(r"c(?=[aou]|[klrt]|$)", "k", key).replace("y", "i").replace("z", "s")
    key = re.sub(r"(.)\1+", r"\1", key)
    return re.sub(r"(e|es|s)$", "", key)


@lru_cache(maxsize=1)
def _drug_sounds() -> dict[str, str]:
    return {_sound(name): name for name in sorted(lexicon.DRUGS, reverse=True) if " " not in name}


def _sounds_like_drug(token: str) -> str | None:
    """A misspelt drug name the plain ratio misses, matched on its spelling key."""
    sounds = _drug_sounds()
    best = process.extractOne(_sound(token), tuple(sounds), scorer=fuzz.ratio, score_cutoff=88)
    return sounds[best[0]] if best else None


def _find_phrase(text: str, table: dict[str, str]) -> str | None:
    """The key of the longest synonym of ``table`` found as whole words in ``text``."""
    padded = f" {text} "
    best: tuple[int, str] | None = None
    for phrase, key in table.items():
        if f" {phrase} " in padded and (best is None or len(phrase) > best[0]):
            best = (len(phrase), key)
    return best[1] if best else None


def find_lab_test(text: str) -> str | None:
    """The canonical lab test key named in normalised ``text``."""
    return _find_phrase(text, _names()[0])


def find_vaccine(text: str) -> str | None:
    """The canonical vaccine key named in normalised ``text``."""
    return _find_phrase(text, _names()[1])


def find_condition(text: str) -> str | None:
    """The canonical condition key named in normalised ``text``."""
    return _find_phrase(text, _names()[2])


def find_kind(text: str) -> str | None:
    """The document kind named in normalised ``text``."""
    return _find_phrase(text, _names()[3])


ARTICLES = frozenset(
    [
        "le",
        "la",
        "les",
        "l",
        "un",
        "une",
        "des",
        "du",
        "de",
        "d",
        "au",
        "aux",
        "a",
        "mon",
        "ma",
        "mes",
        "the",
        "my",
        "some",
        "any",
        "of",
        "son",
        "sa",
        "ses",
        "ce",
        "cette",
        "cet",
        "ces",
        "en",
    ]
)
FILLERS = frozenset(
    [
        "quoi",
        "what",
        "pour",
        "for",
        "moi",
        "me",
        "maintenant",
        "now",
        "aujourd",
        "hui",
        "today",
        "avec",
        "with",
        "ce",
        "soir",
        "tonight",
        "actuellement",
        "currently",
        "encore",
        "still",
        "svp",
        "stp",
        "please",
        "alors",
        "donc",
        "est",
        "il",
        "elle",
        "ok",
        "safe",
        "bien",
        "la",
        "ca",
        "it",
        "this",
        "that",
        "en",
    ]
)


DOSE_WORDS = frozenset(
    [
        "puffs",
        "puff",
        "bouffees",
        "bouffee",
        "comprimes",
        "comprime",
        "cp",
        "gelules",
        "gelule",
        "cachets",
        "cachet",
        "tablets",
        "tablet",
        "pills",
        "pill",
        "capsules",
        "capsule",
        "gouttes",
        "drops",
        "sachets",
        "sachet",
        "doses",
        "dose",
        "mg",
        "ml",
        "demi",
        "half",
    ]
)
"""Quantity words between a verb and the product ("i take 2 puffs of ventolin")."""


TREATMENT_NOUNS = frozenset(
    [
        "traitement",
        "treatment",
        "cure",
        "course",
        "boite",
        "box",
        "ordonnance",
        "prescription",
        "injection",
        "injections",
        "piqure",
        "piqures",
    ]
)
"""Before "de"/"of", a word for the treatment, not its name ("mon traitement de seroplex")."""


def _quantity(words: Sequence[str]) -> bool:
    """The first word is part of a dose before the product ("2 puffs of", "un comprime de")."""
    first = words[0]
    counted = first in DOSE_WORDS or first.isdigit() or first in ("one", "two", "un", "deux")
    return counted and len(words) > 1 and any(w in DOSE_WORDS for w in words[:3])


def _product_after(text: str, cue: str, names: Sequence[str]) -> str | None:
    match = re.search(cue, text)
    if not match:
        return None
    words = text[match.end() :].split()
    while words and (
        words[0] in ARTICLES
        or _quantity(words)
        or (words[0] in TREATMENT_NOUNS and len(words) > 2 and words[1] in ("de", "d", "of"))
    ):
        words.pop(0)
    if not words:
        return None
    two = " ".join(words[:2])
    three = " ".join(words[:3])
    for candidate in (three, two):
        if candidate in names:
            return candidate
    first = words[0]
    if first in FILLERS or first in STOPWORDS or first.isdigit() or len(first) < 3:
        return None
    return first


def _known_product(text: str, names: Sequence[str]) -> str | None:
    padded = f" {text} "
    best: str | None = None
    for name in names:
        if f" {name} " in padded and (best is None or len(name) > len(best)):
            best = name
    return best


def _subject_product(text: str, names: Sequence[str]) -> str | None:
    """The product a question is about: the first named one not after "my"/"mon" ("aspirine
    avec mon kardegic" is about aspirine); else the longest named one."""
    padded = f" {text} "
    found: list[tuple[bool, int, int, str]] = []
    for name in names:
        index = padded.find(f" {name} ")
        if index >= 0:
            before = padded[:index].split()[-1:]
            owned = bool(before) and before[0] in ("mon", "ma", "mes", "my", "son", "sa")
            found.append((owned, index, -len(name), name))
    return min(found)[3] if found else None


def _any(text: str, pattern: str) -> bool:
    return re.search(pattern, text) is not None


AS_NEEDED = (
    r"\b(when|if|as|whenever) (needed|necessary|required|i need (it|them|to))\b|"
    r"\b(quand|si|lorsque) (j en ai besoin|besoin|necessaire)\b|\ben cas de besoin\b"
)
"""Posology, not a question: "i take ventolin when needed", "je prends du spasfon si besoin"."""
DIAGNOSIS = (
    r"on m a (trouve|decouvert|detecte|diagnostique)|on m a dit que j (ai|etais)|"
    r"(they|the doctor|my doctor|doc) (found|diagnosed|said i have|told me i have)|"
    r"i was (told|found) (that )?i (have|had)|i ve been (told|found)|diagnosed with|"
    r"il parait que j ai|le medecin (m a trouve|a trouve|dit que j ai)|"
    r"(says|said|thinks|told me) (that )?i (have|ve got|m|am)|dit que (j ai|je suis|je fais)"
)
"""A diagnosis reported by the user: a condition, even when its name is also a lab test."""
DECLARATIVE = r"^(i|i m|i ve|je|j|on m a|my (doctor|gp)|le medecin|mon medecin)\b"
"""A first-person statement: a later "when I..." clause does not make it a question."""
QUESTION_WORDS = (
    r"\b(quel|quels|quelle|quelles|quand|comment|pourquoi|combien|est ce que|est ce qu|qu est ce|"
    r"what|which|when|who|why|how|do i|did i|am i|have i|are|suis je|ai je|dois je|y a t il|"
    r"liste|list|montre|show|^is|^are|^does|^do|^has|^have|^was|^were|"
    r"^(la |ma )?derniere fois|^(the |my )?last time|c etait quand|it was when|"
    r"^(dis moi|tell me|rappelle moi|remind me|explique moi|explain|redis moi))\b"
)
TREATMENT_WORDS = (
    r"\b(traitements?|medicaments?|medocs?|medications?|meds|medicines?|pills?|cachets?|"
    r"comprimes?|gelules?|tablets?|capsules?|med list|meds? list|antibiotiques?|antibiotics?|"
    r"ordonnances?|prescriptions?|drugs?|statines?|statins?|anticoagulants?|antidepresseurs?|"
    r"antidepressants?|painkillers?|antidouleurs?|antalgiques?|blood thinners?|"
    r"treatments?|piluliers?|pill ?box(es)?|pill (organiser|organizer)|dosette|"
    r"(currently|now|presently) prescribed|am i prescribed|should i be (taking|on)|"
    r"(did|has|have) (the|my) (doctor|gp|doc|medecin|docteur) (give|gave|given|prescribe)|"
    r"j avais pris|avais pris|j etais sous|je prenais quoi|m avait (donne|prescrit|mis)|"
    r"regimen|med routine|"
    r"je prends quoi|i take|i m taking|am i taking|am i on|je prenais|i took|j ai pris|"
    r"ai je pris|did i take|was i taking|what i took|ce que j ai pris|ce que je prends|"
    r"qu est ce que je prends|je prends|on m a donne|je dois prendre|dois je prendre|"
    r"cense prendre|supposed to take|need to take|"
    r"what do i take|what should i take|i was given|what was i given|m a prescrit|"
    r"was i on|i was on|prescribed me|m ont prescrit|been prescribed|was prescribed|"
    r"prescribed to me|m a ete prescrit|m ont ete prescrits?|on m a prescrit)\b"
)
VACCINE_WORDS = (
    r"\b(vaccins?|vaccinations?|vaccines?|vaccinated|vaccine|vacciner|vaccinee?s?|shots?|jabs?|immunisations?|"
    r"immunizations?|boosters?)\b"
)


ENDED_WHEN = (
    r"(?=$| (hier|avant hier|ce matin|depuis|il y a|la semaine|le mois|yesterday|today|"
    r"aujourd hui|last|since|ago|this|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|stopped|arrete)\b)"
)
"""What may follow an ending word: "traitement X fini hier", "X terminé depuis lundi"."""
TIME_OF_DAY = (
    r"\b(before|avant|after|apres) (bed|bedtime|sleep|sleeping|meals?|eating|breakfast|dinner|"
    r"lunch|le coucher|de dormir|de me coucher|les repas|de manger|le repas|le dejeuner|le diner|"
    r"le petit dejeuner)\b"
)
"""A time of day ("before bed", "avant les repas"): "before" here is no sign of the past."""
HELP_ALONE = r"^(aide|help|au secours|\?|menu|commandes|commands)( moi| me| please| stp)?$"
HELP_ASKED = (
    r"\b(que (sais|peux) tu faire|(sais|peux) tu faire|tu (sais|peux) faire|"
    r"tu sers a quoi|what can you do|how does (it|this) work|"
    r"(what|how) can you help( me)?( with)?|(en|a) quoi (tu peux|peux tu) m aider|"
    r"(tu peux|peux tu|vous pouvez|pouvez vous) m aider (a|en|pour) quoi|"
    r"tu fais quoi(?! (ce|cette|demain|aujourd|this|tonight|today|le week|pendant))|"
    r"what do you do|what are you|qui es tu|who are you|comment je t utilise|"
    r"what (can|does|do) (this|the|that|you) (bot|app|thing|carnet|tool)? ?(do|does)$|"
    r"(je fais|on fait|je peux faire|on peut faire) quoi avec (toi|vous|ce bot|ca|carnet)|"
    r"what (can|do|should) i do (with|here)|"
    r"how to use you|how do i use you|"
    r"comment ca marche|comment t utiliser|how do i use|what do you do|"
    r"comment tu (marches?|fonctionnes?|t utilises?)|tu (marches?|fonctionnes?) comment|"
    r"how do you work|how does carnet work|comment (je )?(m en sers|m en servir|on s en sert|"
    r"ca s utilise|t utilise|on t utilise|on fait)|how (do i|does one|to) use (this|it|you)|"
    r"mode d emploi|user guide|instructions|a quoi tu sers|a quoi sert (ce bot|carnet|"
    r"cette appli|l appli|ce truc)|expliquer? (moi )?(comment tu|a quoi tu|ce que tu)|"
    r"how (am i supposed to|should i|can i|do i) use (this|the|you|carnet)|"
    r"how (does|do) (this|the) (bot|app|thing) work|what is this (bot|app)|"
    r"c est quoi ce (bot|truc)|"
    r"(que|quoi|qu est ce que) (je )?(peux|puis|pourrais)( je)? (te|vous) "
    r"(demander|poser)|"
    r"(what|which) (\w+ ){0,3}(can|could|should|may) i ask|what (can|do) i ask|"
    r"(what|which) (sort |kind |type |sorts |kinds |types )?(of )?(questions|things) "
    r"(can|do|could) you (answer|handle|deal with)|"
    r"tu (reponds|peux repondre) a quoi|quelles questions|(pour|de) (t|vous) utiliser|"
    r"(quoi|what) (te |vous )?(demander|to ask)\b(?! (a|au|my|mon|ma|the) )|"
    r"(sais|know) (pas|not) (quoi|what) (faire|to do) (avec|with) (toi|you|this|ce))\b"
)
"""Asking what carnet does or what may be asked of it."""
HELP_LOST = (
    r"^au secours\b|"
    r"\b((je )?(ne )?(comprends|capte|pige) (rien|pas)|i don t (understand|get it)|"
    r"i m (lost|confused)|je suis (perdu|perdue|paume|paumee))"
    r"( (du tout|at all|ici|here))?( (a|avec|with|about) (ce|cette|ton|ta|this|the|your) "
    r"(bot|appli|app|application|truc|machin|programme|thing|carnet))?$"
)
"""A user who is lost ("au secours je comprends rien", "i'm confused")."""


@lru_cache(maxsize=256)
def _normalized_names(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({normalize(p) for p in names if p}))


def understand(text: str, today: date, known_products: Sequence[str] = ()) -> Intent:
    """The intent and slots of one message. ``known_products``: normalised names in the record.

    The ordered rules read the message first; the statistical intent model
    (:mod:`bot.engine.intent_model`) then gives a second opinion (:func:`_second_opinion`)."""
    raw = text.strip()
    user_names = _normalized_names(tuple(known_products))
    tokens = correct(normalize(raw).split(), extra=(w for n in user_names for w in n.split()))
    t = " ".join(tokens)
    names = _all_names(user_names)
    period = find_period(t, today)
    found = _by_rules(raw, t, names, period, today)
    return _second_opinion(found, raw, t, names, period, today)


NEEDS = {
    "treatment.purpose": "product",
    "treatment.start": "product",
    "treatment.prescriber": "product",
    "state.treatment": "product",
    "state.stop": "product",
    "state.allergy": "product",
    "state.condition": "condition",
    "labs.value": "test",
}
"""The slot without which an intent cannot be acted on: the model's choice is kept only when
the finders read it."""


def _second_opinion(
    found: Intent,
    raw: str,
    t: str,
    names: tuple[str, ...],
    period: tuple[date, date] | None,
    today: date,
) -> Intent:
    """The rules' reading, or the intent model's when :func:`intent_model.decide` prefers it
    (the rules found nothing, or the model is sure and gives the rules' intent little weight)."""
    model = intent_model.shipped()
    if model is None or not t:
        return found
    probs = model.probabilities(normalize(raw), _mask(t, (*names, *lexicon.ALLERGENS)))
    name = intent_model.decide(found.name, probs)
    if name == found.name:
        return found
    chosen = _with_slots(name, t, names, today, period)
    needed = NEEDS.get(name)
    if needed is not None and getattr(chosen, needed) is None:
        return found
    return chosen


@lru_cache(maxsize=64)
def _all_names(user_names: tuple[str, ...]) -> tuple[str, ...]:
    """Lexicon drugs and the user's own product names, longest first."""
    return tuple(sorted({*lexicon.DRUGS, *user_names}, key=len, reverse=True))


@lru_cache(maxsize=1)
def _allergen_names() -> tuple[str, ...]:
    return tuple(sorted({*lexicon.ALLERGENS, *lexicon.DRUGS}, key=len, reverse=True))


def _by_rules(
    raw: str, t: str, names: tuple[str, ...], period: tuple[date, date] | None, today: date
) -> Intent:
    """The ordered rules on the corrected text ``t``."""
    question = "?" in raw or _any(re.sub(AS_NEEDED, " ", t), QUESTION_WORDS)
    if question and "?" not in raw and _any(t, DECLARATIVE):
        # "i use salbutamol when i m short of breath": a clause, not a question
        question = _any(
            re.sub(r"\b(when|whenever|if|quand|lorsque|si)\b.*", " ", t), QUESTION_WORDS
        )
    allergen_names = _allergen_names()
    start, end = period if period else (None, None)

    def intent(name: str, **slots: object) -> Intent:
        return Intent(name=name, **slots)  # type: ignore[arg-type]

    if not t:
        return intent("unknown")
    if _any(t, HELP_ALONE) or _any(t, HELP_ASKED) or _any(t, HELP_LOST):
        return intent("help")
    if _any(
        t,
        r"^(bonjour|salut|hello|hi|hey|coucou|bonsoir|yo|hiya|good (morning|evening|afternoon))"
        r"( (carnet|there|all|everyone|toi|a toi|bot|you|a tous))?$",
    ):
        return intent("greeting")
    thanks_word = r"\b(merci|thanks|thank you|thank u|thx|cheers|many thanks)\b"
    if (
        _any(t, r"^(merci|thanks|thank you|thx|super merci|ok merci|top merci|cool merci)\b")
        or (_any(t, thanks_word) and not question)
    ) and (
        len(t.split()) <= 4
        or _any(
            t,
            r"^\S+( \S+)? (c est|it s|that s|tres|very|so) "
            r"(top|super|genial|great|cool|gentil|kind|nice)$",
        )
    ):
        return intent("thanks")
    if _any(
        t,
        r"\b(export|exporter|exporte|telecharger (mon|mes|tout)|download (my|all)|"
        r"(resume|synthese|pdf|fiche) pour (mon|le|un) (medecin|docteur)|"
        r"summary for (my |a |the )?doctor|fhir|archive|pdf summary|summary pdf|fiche resume|"
        r"resume pdf|pdf resume|one page summary|"
        r"(pdf|summary|resume|synthese|copy|copie) (of|de|d) (my|mon|ma|mes|all|tout|toutes) "
        r"(\w+ )?(record|dossier|data|donnees|history|historique|file)|"
        r"(resume|synthese|pdf|fiche|summary|recap|recapitulatif)( \w+){0,4} (medecin|docteur|"
        r"doctor|generaliste|gp|cardiologue|specialiste|physician|toubib))\b",
    ):
        return intent("export")
    if _any(
        t,
        r"\b((supprime|supprimer|efface|effacer|detruire|detruis) (mon compte|mes donnees|tout|"
        r"toutes mes donnees|mon dossier)|"
        r"(delete|remove|wipe) (all )?(of )?(my )?(account|data|everything|record|history)|"
        r"erase (my )?(account|data|everything))\b",
    ):
        return intent("delete")
    if delay_in(t) is not None and FOLLOW_UP_CUE.match(t):
        return intent("reminders.follow_up", test=find_lab_test(t))
    reminder_word = (
        r"\b(rappels?|reminders?|notifications?|alarmes?|alertes?|alerts?|notifs?|"
        r"me rappeler|reminding me|remind me)\b"
    )
    if _any(t, reminder_word) and _any(
        t,
        r"\b(arrete|arreter|arretez|stop|stopper|stoppe|pause|suspends?|suspendre|desactive|"
        r"desactiver|coupe|couper|plus de|plus d|no more|turn off|switch off|disable|mute|cancel|"
        r"plus besoin|pas besoin|no need|don t need|no longer need|inutile|"
        r"annule|annuler|supprime|supprimer|enleve|enlever|don t want|veux plus|want no)\b",
    ):
        product = _product_after(
            t,
            r"\b(rappels?|reminders?|alarmes?|notifications?|me rappeler|reminding me)\s+"
            r"(du|de|de la|d|des|pour|for|about|of|sur|le|la|les|l)\b",
            names,
        ) or _known_product(t, names)
        return intent("reminders.pause", product=product)

    can_take = (
        r"\b(puis je|je peux|est ce que je peux|ai je le droit de|j ai le droit de|peut on|"
        r"pourrais je|je pourrais|est ce que je pourrais|on peut|can i|could i|may i|"
        r"is it (ok|safe|fine|alright)( for me)? to|am i allowed to|should i|can i still|"
        r"is it safe for me to|ok to|safe to|je peux encore|am i ok to|is it ok if i|"
        r"is it fine if i|if i)( me| l| le| la| les| en| m en)? (prendre|take|"
        r"have|use|utiliser|pop|"
        r"avaler|me soigner avec|mettre|appliquer|apply|put on)\b|"
        r"\b(should i|do i (need|have) to|must i|dois je|faut il|je dois|il faut) "
        r"(avoid|eviter|stay away from|steer clear of)\b|"
        r"\b(souci|probleme|risque|danger|grave|contre indication) (si|a|de) (je )?"
        r"(prends|prendre|prenais)\b|"
        r"\b(problem|issue|risk|danger|ok|safe|bad) if i (take|took|use|have)\b"
    )
    if (
        question
        and _any(t, r"\b(je peux|puis je|on peut|can i|may i|could i|i can)$")
        and _known_product(t, names)
    ):  # "le smecta je peux ?": the product first, the asking last
        return intent("can_take", product=_known_product(t, names))
    if _any(t, can_take) and not _any(t, r"^(when|quand|a quelle heure|what time)\b"):
        product = _product_after(t, can_take, names) or _subject_product(t, names)
        return intent("can_take", product=product)
    if _any(
        t,
        r"\b(compatible|contre indique|dangereux pour moi|risque pour moi|safe for me|"
        r"ok for me|ok pour moi|bon pour moi|sans danger|possible pour moi|ca passe avec|"
        r"passe avec|go with my|with my (other )?(meds|medication|medications|treatment|pills)|"
        r"avec mes autres (medicaments|medocs|traitements)|"
        r"(fine|ok|okay|safe|alright|bon) (with|avec)|droit au|"
        r"droit a la|droit a l|"
        r"avec mon traitement|avec mes medicaments|be a problem|poser probleme|pose probleme|"
        r"un probleme pour moi|a problem for me|an issue for me|be (ok|fine|safe|alright)|"
        r"harm me|me faire du mal|bad for me|mauvais pour moi|interact|interacts|interaction|"
        r"interactions|interagit|interagir|interfere|off limits|interdit|interdite|forbidden|"
        r"not allowed|pas autorise|(problem|problems|issue|issues|souci|probleme) (with|avec)|"
        r"(irait|ira|va|passerait|marche) avec|ok avec|goes? with|mix with|melanger|"
        r"(a|un|any|une) (problem|probleme|souci|issue)$)\b",
    ) and _known_product(t, names):
        return intent("can_take", product=_subject_product(t, names))
    if (
        (question or _any(t, r"^(is|are|est ce|would|could|will|can)\b"))
        and _any(
            t,
            r"\b(c est (ok|bon|possible|autorise|permis|safe|risque|dangereux)|ca passe|ok|okay|"
            r"fine|alright|safe|allowed|permitted|risky|dangerous|bon pour moi|possible|"
            r"autorise|permis|contre indique)\b",
        )
        and not _any(t, r"\b(pour quoi|pourquoi|why|for what|what for)\b")
        and _known_product(t, names)
    ):
        return intent("can_take", product=_known_product(t, names))

    if _any(
        t,
        r"\b(scheduled|planned|prevus?|prevues?|programmes?|planifies?|planifiees?)\b",
    ) and not (find_vaccine(t) or _any(t, VACCINE_WORDS) or find_lab_test(t)):
        return intent("reminders.list")

    named_for = (
        r"^(le |la |l |les |mon |ma |mes |the |my )?(?P<product>\w+( \w+)??) "
        r"(c est |est |ca |is |it s )?(pour|contre|for|against) "
        r"(le|la|l|les|mon|ma|mes|my|the|\w+)\b"
    )
    match = re.search(named_for, t)
    if question and match and match["product"] in names:  # "amlodipine = pour la tension ?"
        return intent("treatment.purpose", product=match["product"])
    what_kind = (
        r"^(is|are|est ce que|c est) (the |my |le |la |l |mon |ma )?(?P<product>\w+( \w+)?) "
        r"(est )?(a|an|un|une|some|du|de la) \w+"
    )
    match = re.search(what_kind, t) or re.search(  # "l'eliquis c'est un anticoagulant ?"
        r"^(le |la |l |the |my |mon |ma )?(?P<product>\w+( \w+)?) (c est|is|it s) "
        r"(a|an|un|une|du|de la) \w+$",
        t,
    )
    if question and match and match["product"] in names:  # "is eliquis a blood thinner?"
        return intent("treatment.purpose", product=match["product"])
    prescriber = (
        r"\b(qui (m )?a prescrit|qui me l a prescrit|quel (medecin|docteur) (m )?a prescrit|"
        r"qui (qui )?(m a|me l a|m l a) (file|refile|donne|prescrit|mis sous|conseille)|"
        r"prescrit par qui|who prescribed|which doctor prescribed|who gave me|qui m a donne|"
        r"qui m a mis sous|who put me on|c est qui qui m a prescrit|vient de quel|"
        r"quel (medecin|docteur)|doctor that|doctor who|(which|what) (physician|gp)|"
        r"physician prescribed|"
        r"(which|what) doctor (gave|prescribed|put)|doctor gave me|"
        r"(which|what|quel|quelle) (doctor|doc|physician|gp|specialist|medecin|docteur|"
        r"specialiste) (\w+ )?(wrote|signed|issued|made|ordered|gave|prescribed|put|started|"
        r"a fait|"
        r"a signe|a ecrit|a redige)|"
        r"^(did|was it|is it) (my|the|a) (\w+ )?(doctor|doc|gp|specialist|physician|"
        r"\w+ologist|\w+ologue) (who )?(prescribe|prescribed|give|gave|put)|"
        r"qui (m )?a (fait|signe|redige|ecrit) (l |mon |ma |cette )?(ordo|ordonnance)|"
        r"qui a signe|who (wrote|signed|issued|made)|"
        r"(quel|which|what) (toubib|doc|generaliste|specialiste|gp)|"
        r"(doctor|doc|medecin|docteur|toubib) (for|de|du|pour) (my|mon|ma|le|la)|"
        r"who s the doctor|c est qui le (medecin|docteur|toubib)|"
        r"qui (l|me l|m l|l avait|me l avait) a? ?(prescrit|prescrite|donne|ordonne)|"
        r"par qui .*\b(prescrit|prescrite|donne|ordonne)|"
        r"(prescrit|prescrite|ordonne|prescribed|given) (par|by) "
        r"(qui|quel|quelle|which|what|who|whom)|"
        r"prescribed by (who|whom|which|what)|who (was|is) (it|the \w+|\w+) prescribed by|"
        r"who s the prescriber|who is the prescriber|le prescripteur|the prescriber|"
        r"(vient|venait|viennent|provient) de (qui|quel)|de qui (vient|venait|provient)|"
        r"(comes?|came) from (who|whom|which|what doctor)|"
        r"(doctor|doc|physician|gp|medecin|docteur|toubib|specialiste|specialist) "
        r"(behind|responsible for|derriere|responsable de|a l origine d)|"
        r"(who s|who is|qui est|c est qui le) (responsible|responsable)|"
        r"name of (the|my) (doctor|doc|gp|physician|specialist|prescriber)|"
        r"nom du (medecin|docteur|prescripteur|specialiste)|"
        r"^(was|were|is|did) .* (from|by) (my|the|a) (gp|doctor|doc|specialist|physician|"
        r"\w+ologist)\b.* or\b|"
        r"^(c est|ca vient|ca venait) (de mon|du|de la|de ma) (generaliste|medecin|specialiste|"
        r"\w+ologue)\b.* ou\b)\b"
    )
    if _any(t, prescriber):
        return intent(
            "treatment.prescriber",
            product=_known_product(t, names) or _product_after(t, prescriber, names),
        )
    purpose = (
        r"\b(a quoi sert|a quoi servent|ca sert a quoi|sert a quoi|c est pour quoi|c est pourquoi|"
        r"contre quoi|against what|pour quel probleme|for what problem|what problem|"
        r"supposed to treat|meant to treat|"
        r"pourquoi (je prends|est ce que je prends|on m a prescrit|on m a donne|je suis sous|"
        r"on m a mis|m a t on|dois je prendre|je dois prendre|faut il prendre|"
        r"j ai)|why (do|should|must) i (\w+ ){0,2}(take|be on|use)|why is .* (prescribed|needed)|"
        r"what is|what s|what are|what does|why do i take|why am i taking|why am i on|"
        r"why was i prescribed|what was|a quoi me sert|pour quoi je prends|for what is|"
        r"pour quelle raison|for what reason|soigne|soigner|traite|treats|treating|used for|"
        r"utilise pour|sert|pour quoi|for what|what for|what does .* do|ca fait quoi|"
        r"(what|which) (condition|illness|disease|problem|issue)s? .*\bfor|\b(what|why)\b.* for$|"
        r"dans quel but|quel est le but|le but d|a quoi bon|utilite|usage|indication|"
        r"what (is|s) the (point|purpose|use) of|purpose of|"
        r"(pour|contre|for|against) (quel|quelle|quels|quelles|which|what) (maladie|pathologie|"
        r"affection|souci|symptome|condition|illness|disease|ailment)s?|"
        r"(le|son|its|the) (role|function|job)|(role|function|job) (du|de|d|of)|"
        r"why (was|were|have|has|did) (i|it|they|he|she|the \w+) (been )?(given|prescribed|"
        r"put on|started on|give me|prescribe)|why (they|he|she|the doctor) (gave|prescribed)|"
        r"what (is|s) .* supposed to do|what (is|s) .* doing for me|what does .* do for me|"
        r"what \w+( \w+)? (does|do)( for (me|you|my \w+))?$|ce que (fait|me fait) (le|la|l)|"
        r"pourquoi\b.*\b(prendre|prends|prend|sous|donne|prescrit|mis)|"
        r"why\b.*\b(take|taking|on|given|prescribed|put)|"
        r"c est pour (le|la|l|les|mon|ma|mes|un|une|quoi)|(is|was) (it|this|that) for|"
        r"^(is|was|are) (the |my |this |that )?\w+ (for|against|meant for)\b|"
        r"(supposed|meant|used|there) to (help|do|fix|treat)|help(s|ing)? (me )?with|"
        r"aide(r)? (a|pour|contre))\b"
    )
    if _any(t, purpose) and (
        _any(
            t,
            r"\b(sert|servent|servir|pour quoi|pourquoi|for|why|do|treat|treats|soigne|fait|"
            r"soigner|traite|raison|reason|contre|against|probleme|problem|but|utilite|usage|"
            r"indication|purpose|point|maladie|pathologie|affection|souci|symptome|condition|"
            r"illness|disease|ailment|role|function|job|given|prescribed|put|help|helps|"
            r"helping|aide|aider|c est pour|treating)\b",
        )
    ):
        product = _known_product(t, names) or _product_after(t, purpose, names)
        declared = not question and _any(t, DECLARATIVE) and find_condition(t) is not None
        lab_asked = find_lab_test(t) is not None and product not in names  # "kidney function"
        if product is not None and not find_lab_test(product) and not declared and not lab_asked:
            return intent("treatment.purpose", product=product)
    started = (
        r"\b(quand (ai je|j ai|est ce que j ai) commence|depuis quand|when did i (start|begin)|"
        r"since when|how long have i been|date de debut|quand est ce que j ai debute|"
        r"c est quand que j ai commence|when was i started on|quand ai je debute|"
        r"(commence|debute)\b.*\bquand|started\b.*\bwhen|combien de temps|start date|"
        r"when (was|were|did) .* (started|start|begun|begin|prescribed first)|"
        r"date de debut|how long|depuis combien|first take|first took|first start|"
        r"premiere fois|(what|which) (date|day|year|month) did i (start|begin)|"
        r"(what|which) (date|day|year|month) (did|was|were) i (\w+ )?(go|get|put|started|"
        r"begin|start|first)|"
        r"(quelle|en quelle) (date|annee) (ai je|j ai) (commence|debute)|"
        r"ca fait (longtemps|combien de temps|combien d annees|combien de mois)|"
        r"(depuis|since) (longtemps|combien|quelle date|quelle annee|"
        r"what (date|day|year|month))|il y a combien de temps|"
        r"(been|using|taking|on) (it|\w+ )?(for )?(long|a long time|how long)|"
        r"(how many|combien d) (years|months|weeks|annees|ans|mois|semaines)|"
        r"(commence|debute|started|start|began|begin)\b.*\b(en )?(quelle|what|which) "
        r"(annee|date|mois|year|month)|"
        r"(remonte|date|datent|remontent) (a|de) quand|de quand date|le debut (du|de|d)|"
        r"(first|initially) (put|started|prescribed|given)|when did .* (begin|start))\b"
    )
    if _any(t, started) and not (find_vaccine(t) or _any(t, VACCINE_WORDS)):
        return intent(
            "treatment.start",
            product=_known_product(t, names)
            or _product_after(
                t,
                r"\b(commence|debute|start|begin|taking|on|prends|"
                r"sous|pique (a|au|avec)|injecte|utilise|using|use)\b",
                names,
            ),
        )

    stop = (
        r"\b(j ai arrete|j arrete|j ai stoppe|je ne prends plus|je prends plus|j ai fini|"
        r"j ai termine|j ai arreter|j ai arreter de|i stopped|i ve stopped|i have stopped|"
        r"stopped taking|i quit|"
        r"i no longer take|no longer taking|i m off|i am off|i finished|arrete le|arrete la|"
        r"arret du|arret de|fini le|fini la|plus de|^stopped|^stop|^quit|^arrete|laisse tomber|"
        r"abandonne|gave up|dropped|don t take|do not take|not taking|ne prends plus|"
        r"n ai plus|no longer on|plus sous|not on .* anymore|no more|fait arreter|fait stopper|"
        r"made me stop|told me to stop|asked me to stop|m a (arrete|enleve|retire)|took me off|"
        r"taken off|fini l|fini les|fini mon|fini ma|termine le|termine la|termine l|"
        r"(done|finished|through) with|i m done|j en ai fini avec|"
        r"(traitement|cure|course|treatment) (\w+ ){0,2}(termine|terminee|fini|finie|arrete|"
        r"over|done|finished|completed)" + ENDED_WHEN + r"|c est (fini|termine|terminee|finie)|"
        r"^(le |la |l |les |the |my |mon |ma )?\S+ (is |was |est |c est )?(termine|terminee|fini|"
        r"finie|finished|over)" + ENDED_WHEN + r"|"
        r"(was|were|has been|have been|got|a ete|ont ete|been) (stopped|discontinued|cancelled|"
        r"canceled|withdrawn|arrete|arretee|stoppe|stoppee|supprime|supprimee)|"
        r"(is|are) (over|done|finished)$|"
        r"(doctor|doc|gp|medecin|docteur|toubib|specialist|\w+ologist|\w+ologue|psychiatrist|"
        r"podiatrist|psychiatre|pediatre|geriatre|dentist|dentiste|surgeon|chirurgien|pharmacist|pharmacien|nurse|infirmiere|"
        r"infirmier) (has |a )?"
        r"(stopped|discontinued|cancelled|canceled|arrete|stoppe|supprime)|"
        r"(traitement|cure|course|treatment) (d|de|du|of) (\w+ ){1,2}(est |is )?(termine|"
        r"terminee|fini|finie|arrete|over|done|finished|complete|completed)|"
        r"(treatment|course) (finished|over|done|completed|complete|ended)|"
        r"finished (my|the) course|"
        r"(came|come|coming|got|get|went|go|been) off|"
        r"(stopped|discontinued|cancelled|canceled|a arrete|a stoppe|a supprime) "
        r"(my|mon|ma|mes|le|la|l|the|his|her)|"
        r"^(fin|end) (du|de|d|of)( (mon|ma|my|the|la|le))? ?(traitement|cure|course|treatment)?|"
        r"plus sous|j ai lache|jamais repris|^(off|plus de|no more)|"
        r"^(i )?(ve |have |just )?(finished|completed|ended) (my|the|mon|ma|le|la|l))\b"
    )
    negated_now = _any(t, r"\b(don t take|do not take|not taking)\b") and not _any(
        t, r"\b(anymore|any more|no more)\b"
    )
    listed = _known_product(t, names) is None and _any(
        t,
        r"\b(prescriptions|meds|medicaments|medocs|medications|treatments|traitements|pills|"
        r"drugs|medicines|cachets|stuff|things|trucs|choses)\b",
    )  # "old prescriptions i don't take anymore": a list, not one product stopped
    if (
        _any(t, stop)
        and not _any(t, r"\b(quand|when|pourquoi|why)\b")
        and not negated_now
        and not listed
    ):
        after = _product_after(
            t, stop + r"(\s+(de prendre|taking|prendre|mon|ma|my|with))?", names
        )
        product = (after if after in names else None) or _known_product(t, names) or after
        if product is not None:
            return intent("state.stop", product=product)

    add_to_list = (
        r"^(please |stp |svp )?(add|ajoute|ajouter|rajoute|rajouter|note|noter|notez|mets|met|"
        r"mettre|put|record|enregistre|enregistrer|inscris|log|save|include|inclus)\b"
    )
    if _any(t, r"\b(allerg\w*|intoleran\w*)\b"):
        adding = _any(t, add_to_list)
        asked = not adding and (
            question
            or _any(t, r"\b(mes|my)\s+(allergies|intolerances)\b")
            or _any(
                t,
                r"\b(allergy|allergie|allergies|allergic|allergique)s? (info|infos|information|"
                r"details|list|liste|record|dossier|fiche|status|profile|profil)\b",
            )
            or _any(t, r"^(allergies|intolerances|mes allergies|my allergies)$")
        )
        if not asked:
            cue = (
                r"\b(allergique|allergiques|allergic|intolerant|intolerante|allergie|allergy)\b"
                r"(\s+(a|au|aux|to|de|a la|a l))?"
            )
            substance = (
                _known_product(t, allergen_names)
                or _product_after(t, cue, allergen_names)
                or (_product_after(t, add_to_list, allergen_names) if adding else None)
            )
            if substance:
                substance = lexicon.ALLERGEN_PLURALS.get(substance, substance)
                return intent("state.allergy", product=substance)
        return intent("allergies.list")

    condition_cue = (
        r"\b(je suis|i m|i am|j ai|j ai du|j ai de l|i have|i ve got|on m a diagnostique|i get|"
        r"je fais des|j ai des|i suffer|"
        r"(dealing|living|struggling|coping|battling|diagnosed) with|i battle|"
        r"je (vis|lutte|me bats) (avec|contre)|je me soigne pour|i m being treated for|"
        r"i ve had|i have had|j ai eu|je soigne|je traite|i m treating|i treat|"
        r"diagnosed with|je souffre d|je souffre de|i suffer from|atteint de|atteinte d|"
        r"" + DIAGNOSIS + r")\b"
    )
    condition = find_condition(t)
    if (
        condition
        and _any(t, condition_cue)
        and not question
        and (not find_lab_test(t) or _any(t, DIAGNOSIS))
    ):
        return intent("state.condition", condition=condition)

    if _any(
        t, r"\b(faut|need|besoin d|besoin de|dois je faire) (un |a |mon |my )?(rappel|booster)\b"
    ):
        return intent("vaccines.due", vaccine=find_vaccine(t))
    vaccine = find_vaccine(t)
    vaccine_word = _any(t, VACCINE_WORDS) or (
        vaccine is not None and _any(t, r"\b(rappel|vaccin|shot|jab|booster|dose)\b")
    )
    if vaccine and not vaccine_word and not question and find_date(t, today) is not None:
        day = find_date(t, today)
        return intent("state.vaccination", vaccine=vaccine, start=day, end=day)
    show_verb = (
        r"\b(montre|montrer|montrez|envoie|envoyer|envoyez|renvoie|affiche|afficher|donne|"
        r"voir|revoir|show|send|display|give|retrouve|retrouver|find|get|open|ouvre|ouvrir|"
        r"je veux|i want|je voudrais|i d like|peux tu m envoyer|can you send|see|view|"
        r"look at|have a look|regarder|consulter|jeter un oeil|pull up|bring up|ressortir|"
        r"ressors|i need|j ai besoin d|j ai besoin de|il me faut|file moi|filez moi)\b"
    )
    kind = find_kind(t)
    if kind is None and _any(
        t,
        r"\b(pdf|scan|photo|copie|copy|fichier|file) (de|des|of) (mes|my|the|les) "
        r"(analyses|prises de sang|bilans|blood tests|labs|lab results)\b",
    ):
        kind = "lab_report"
    if _any(t, show_verb) and kind == "vaccination_record":
        return intent("documents.show", kind=kind, start=start, end=end)
    if vaccine_word or (vaccine and question):
        done = _any(
            t,
            r"\b(j ai (fait|eu|recu)|on m a (fait|vaccine)|je me suis fait vacciner|"
            r"je me suis fait|fait mon|fait le|fait ma|fait un|i got|i had|i received|"
            r"i did|got my|had my|been vaccinated|was vaccinated|got vaccinated|get vaccinated|"
            r"je suis vaccine|je me suis vaccine|"
            r"vaccine contre|vaccinated against|recu mon|recu ma|just (got|had|received|did)|"
            r"je viens (de faire|de recevoir|d avoir|de me faire)|viens de faire|"
            r"^(had|got|received|did|took|getting) (the|a|an|my|mon|ma|le|la))\b",
        ) or (  # "rappel tétanos fait", not "mes vaccins faits" (a list)
            _any(t, r"\b(fait|faite|faits|faites|done|recu|recue|received)\b")
            and not _any(t, r"^(mes|les|my|the|all|tous|toutes|liste|list|which|quels)\b")
        )
        asked = _any(t, r"^(que|quel|quels|quelle|quelles|which|what|lesquels)\b") or _any(
            t,
            r"\b(tous|toutes|all|every|liste|list|lesquels)( of)? (les |mes |my |the )?"
            r"(vaccins|vaccines|vaccinations|shots|jabs|rappels|boosters)\b",
        )
        if not question and not asked and (done or find_date(t, today) is not None):
            day = find_date(t, today)
            if day is None and _any(t, r"\b(just|viens de|viens d|today|aujourd hui)\b"):
                day = today
            if day is None and period is not None:  # a year or a month ("en 2024"): the period
                return intent("state.vaccination", vaccine=vaccine, start=start, end=end)
            return intent("state.vaccination", vaccine=vaccine, start=day, end=day)
        if _any(
            t,
            r"\b(a faire|faire|a jour|prochains?|prochaines?|due|overdue|en retard|retard|"
            r"manque|manquent|need|needed|next|should|dois je|doit|devrais|up to date|missing|"
            r"recommandes?|recommended|besoin|rappels? a faire|to do|upcoming|a prevoir|faut il|"
            r"fasse|do i have to|have to|reste|restent|il me faut|me faut|"
            r"quand refaire|when .* again|refaire|a refaire|je dois|dois|must|is it time|"
            r"c est le moment|il est temps|time for|temps de|when should i|pour quand|"
            r"behind|late|a renouveler|renew|expire|expired|expires|when is .* due|coming up|"
            r"a venir)\b",
        ) or (
            _any(t, r"\b(rappel|rappels|booster|boosters)\b")
            and _any(t, r"\b(quand|when|date)\b")
            and not _any(
                t,
                r"\b(dernier|derniere|last|fait|eu|recu|had|got|did|was|c etait|date de quand|"
                r"previous|precedent)\b",
            )
        ):  # "c'est quand le rappel tétanos": the next one
            return intent("vaccines.due", vaccine=vaccine)
        return intent("vaccines.list", vaccine=vaccine, start=start, end=end)

    statement_cue = (
        r"\b(je prends|je prend|j prends|je prendrai|i take|i m taking|i am taking|i m on|"
        r"i am on|je suis sous|on m a prescrit|le medecin m a prescrit|my doctor prescribed|"
        r"j ai commence|je viens de commencer|i started|i just started|started taking|"
        r"i was prescribed|on m a mis sous|je suis passee? (a|au|aux|a la|a l|sous)|"
        r"(switched|moved|changed) (over )?to|i use|i m using|(got|been|was|were|get) prescribed|"
        r"^(my|mon|ma|le|la|the) (\w+ )?(doctor|doc|gp|medecin|docteur|toubib|generaliste|"
        r"specialist|specialiste|\w+ologist|\w+ologue|psychiatrist|psychiatre) "
        r"(just |a |has |m a |vient de me )?(prescribed|prescrit|prescrire|put me on|started)|"
        r"j ai pris (du|de la|de l|des|un|une) |"
        r"je me pique|je me injecte|de me (prescrire|donner|mettre sous)|m ont prescrit|"
        r"m a ete prescrit|je commence|je vais commencer|je dois commencer|i m starting|"
        r"i start|i ll start|i will start|(i ve |i have )?been (taking|on|using)|"
        r"j utilise|i am using|i inject|je m injecte|je me fais|^started|^began|^commence|"
        r"m a prescrit|prescribed me|put me on|m a mis sous|just started|(re)?started on|"
        r"started me on|switched me to|m a fait commencer|"
        r"vient de commencer|viens de commencer|"
        r"^(nouveau|nouvelle|new) (traitement|medicament|medoc|med|medication|prescription|"
        r"ordonnance|ordo|pill|drug|treatment)s?|"
        r"^(now|maintenant|desormais|depuis peu) (on|sous)|^(on|sous) (?=\S+ (\d|[a-z]+ \d)))\b"
    )
    if _any(t, add_to_list) and _any(
        t,
        r"\b(to|a|dans|in|on|sur) (my|mes|the|la|ma) (list of )?(treatments?|traitements?|"
        r"medicaments?|medocs?|meds|medications?|medicines?|liste|list|drugs?)\b",
    ):
        product = _known_product(t, names) or _product_after(t, add_to_list, names)
        if product is not None and product not in FILLERS:
            return intent("state.treatment", product=product)
    posology = (
        r"^(on |sous |now on |maintenant sous )?(?P<product>{}) (\d|un |une |one |two |deux |"
        r"demi |half |(matin|soir|midi|morning|evening|night|daily|nightly|weekly)\b|"
        r"(quand|lorsque|when|whenever|si|if) (je|j|i)\b)"
    )
    match = next(  # the name in one word, else in two ("vitamine d 1000 ui")
        (
            m
            for m in (re.search(posology.format(w), t) for w in (r"\S+", r"\S+ \S+"))
            if m and m["product"] in names
        ),
        None,
    )
    clause = "?" not in raw and _any(
        t, r"^\S+( \S+)? (quand|lorsque|when|whenever|si|if) (je|j|i)\b"
    )
    if (
        match
        and (not question or clause)  # "ventoline quand je suis essoufflé": when, not a question
        and match["product"] in names
        and (
            clause
            or _any(
                t,
                r"\b(\d+|mg|ml|matin|soir|midi|morning|evening|night|daily|nightly|weekly|"
                r"par jour|a day|per day|fois|times|puffs?|bouffees?|comprimes?|tablets?|"
                r"gelules?|si besoin|when needed|as needed|x)\b",
            )
        )
    ):  # a posology with no verb: "ventoline 2 bouffées si besoin", "on ramipril 5 at night"
        return intent("state.treatment", product=match["product"])
    if (
        _any(t, statement_cue)
        and not question
        and not _any(t, r"\b(ce que|qu est ce que|est ce que|what) (je|j|i)\b")
        and not _any(t, r"^(tout ce qu|tout ce que|everything|all (the )?(things|stuff|meds))\b")
    ):
        product = _product_after(t, statement_cue, names) or _known_product(t, names)
        if product is not None and product not in FILLERS:
            detail = t.split(product, 1)[1].strip() if product in t else None
            return intent("state.treatment", product=product, detail=detail or None)

    doc_word = _any(
        re.sub(
            r"\b(on|in) (file|record)\b|\bfile (moi|me|nous)\b|\b(m a|m as|m avez|m ont) file\b",
            "stored",
            t,
        ),
        r"\b(document|documents|doc|docs|photo|original|scan|pdf|fichier|"
        r"fichiers|file|files|papier|papiers|copie|copy)\b",
    )
    listing = (
        _any(t, r"\b(which|what|quels|quelles|liste|list)\b")
        and _any(t, r"\b(documents|docs|fichiers|papiers|files)\b")
    ) or (_any(t, r"\b(tous|toutes|all|every)( of)? (mes|my|les|the)\b") and not doc_word)
    if (
        _any(t, show_verb)
        and (kind or doc_word)
        and not listing
        and not _any(t, r"\b(evolution|trend|courbe|chart|graph)\b")
    ):
        test = find_lab_test(t)
        results = test or _any(t, r"\b(results|resultats)\b")
        active = _any(t, r"\b(active|current|ongoing|en cours|actuelles?|actuels?)\b")
        if not (results and not doc_word and kind == "lab_report" and start is None) and not (
            active and kind == "prescription" and not doc_word and start is None
        ):
            return intent("documents.show", kind=kind, start=start, end=end)
    day = find_date(t, today)
    if (
        kind in ("prescription", "lab_report")
        and day is not None
        and start == end
        and not _any(t, r"\b(what|which|quoi|quel|quels|quelle|quelles|qu|combien|how)\b")
    ):  # one document named by its day: "l'ordonnance du 12 février"
        return intent("documents.show", kind=kind, start=start, end=end)
    if _any(
        t, r"^(le|la|l|the|my|mon|ma) (pdf|scan|photo|copie|copy|original|fichier|file)\b"
    ) and (kind or _any(t, r"\b(analyses|prise de sang|bilan|blood test|labs?|lab results)\b")):
        return intent("documents.show", kind=kind or "lab_report", start=start, end=end)

    held = (
        r"\b(as tu|tu as|t as|avez vous|do you have|have you got|you have|you got|en stock|"
        r"stored|saved|enregistres?|enregistrees?|uploaded|envoyes?|gardes?|kept)\b"
    )
    uploaded = r"\b(uploaded|upload|sent you|given you|t ai (envoye|donne|transmis)|televerse)\b"
    if (question or _any(t, r"^(what|which|quoi|qu est ce)\b")) and _any(t, uploaded):
        return intent("documents.list", kind=kind, start=start, end=end)
    if (kind or doc_word) and _any(t, held) and not _any(t, show_verb):
        return intent("documents.list", kind=kind, start=start, end=end)

    test = find_lab_test(t)
    trend = (
        r"\b(evolution|evolue|courbe|graphique|graph|graphe|tendance|trend|chart|historique|"
        r"history|over time|au fil|progression|plot|trace|tracer|evolved|evolve|evolving|"
        r"changed|change over|trending|bouge|a bouge|bouger|varie|moved|shifted|"
        r"going|monte|baisse|augmente|diminue|remonte|"
        r"rising|falling|increasing|decreasing|improving|improved|better or worse|"
        r"mieux ou|s ameliore|empire|went up|gone up|went down|gone down|"
        r"getting (better|worse|higher|lower)|(is|are) (it |they )?(better|worse)|worsening|"
        r"s aggrave|de mieux en mieux|de pire en pire|plus haut qu|plus bas qu|"
        r"(mieux|pire|meilleur|meilleure) qu|(better|worse|higher|lower) than|trnd|evol|"
        r"over the (years|months)|through the years|year (on|over|to|after) year|"
        r"au fil des|d annee en annee|sur (les|plusieurs) (dernieres )?(annees|ans|mois)|"
        r"depuis des (annees|ans|mois)|for years|"
        r"(dropping|dropped|climbing|climbed|creeping|sliding|falling|rising)|"
        r"(come|came|coming|gone|go|going|went|get|got|gotten|getting) (down|up)|"
        r"(ca |ca s |s )?(va|vont|allait) (mieux|moins bien)|"
        r"over the (last |past )?(few |several |\d+ )?(years|months|yrs)|"
        r"(ces|les) (derniers|dernieres) (mois|annees|ans|temps)|in recent (years|months)|"
        r"(the )?(last|past) (few|several) (years|months))\b"
    )
    out_of_range = (
        r"\b(hors norme|hors normes|anormal|anormaux|anormale|anormales|out of range|abnormal|"
        r"bad|mauvais|mauvaises|pas bon|pas bons|pas bonne|pas bonnes|pas normal|pas normaux|"
        r"trop haut|trop hauts|trop bas|trop basse|trop basses|trop eleve|"
        r"trop elevee|trop elevees|elevated|too high|too low|inquietants?|inquietantes?|"
        r"worrying|concerning|worried|flagged|red flags?|flags?|en dehors|dehors des normes|"
        r"out of the normal|not normal|outside|a surveiller|problem|problems|probleme|problemes|"
        r"normal|normale|ok|fine|correct|corrects|correctes|"
        r"wrong|sont (bonnes|bons)|all good|good or bad|ok ou pas|off|"
        r"high or low|haut ou bas|in range|dans les normes|normaux|normales|"
        r"(n )?(allait|allaient|va|vont) pas|cloche|clochait|went wrong|(isn t|wasn t|not) right|"
        r"pas terrible|pas top|pas genial|pas brillant|worry|worried|m inquieter|s inquieter|"
        r"inquiete|inquieter|concern|alarming|alarmant|alarmants|"
        r"(come|came|comes|coming) back (high|low|abnormal|bad|off|flagged|positive)|"
        r"anything (high|low|abnormal|off))\b"
    )
    if _any(t, trend) and (test or _any(t, r"\b(analyses|resultats|results|labs|valeurs)\b")):
        return intent("labs.trend", test=test, start=start, end=end)
    if _any(t, out_of_range) and not test:
        return intent("labs.out_of_range", start=start, end=end)
    if test and not (test == "iron" and _any(t, statement_cue)):
        return intent("labs.value", test=test, start=start, end=end)
    if _any(
        t,
        r"\b(analyses?|resultats?|results?|prises? de sang|bilans?( sanguins?)?|"
        r"blood (test|tests|work)|bloodwork|bloodworks|labs?|lab results|test results|"
        r"examens|taux|"
        r"(what|which|quels|quelles) (\w+ )?(tests|examens|analyses|bilans))\b",
    ):
        return intent("labs.list", start=start, end=end)
    if doc_word or _any(t, r"\b(mes ordonnances|my prescriptions|quels documents)\b"):
        return intent("documents.list", kind=kind, start=start, end=end)
    taking = (
        r"\b(sous quoi|on what|"
        r"(ordo|ordonnance|prescription|script) (actuelle|en cours|du moment)|"
        r"(current|latest active) (prescription|script)|what am i (\w+ ){0,3}(taking|on)|"
        r"what do i (\w+ )?take|"
        r"je prends quoi|qu est ce que je prends|what i m taking|currently taking|"
        r"what i take|ce que je prends|"
        r"(que|quoi|qu est ce que) (je dois|dois je) (prendre|avaler)|"
        r"je dois (prendre|avaler) quoi|what (should|must|do) i (need to )?(take|swallow)|"
        r"ce que (je prend|j avale|je dois prendre|je dois avaler)|"
        r"what i (should|must|need to|have to|m supposed to|am supposed to) (take|swallow)|"
        r"(supposed|meant) to (take|be taking|swallow)|"
        r"(que|what) (j ai|i ve|i have|i) (arrete|stopped|quit) (de prendre|taking)|"
        r"what (\w+ )?(did|do) i use to (be on|take)|"
        r"(stuff|things|trucs|choses|what|meds|pills) (that |que |qu )?(i|je|j) "
        r"(don t|do not|no longer|ne|n)? ?(take|prends|prend|prenais|took|used to take)\b)\b"
    )
    if _any(
        t,
        r"\b(rappels?|reminders?|alarmes?|alertes?|alerts?|alarms?|notifications?|notifs?|"
        r"prochaines? prises?|"
        r"next (dose|doses|intake|intakes|pills?)|quand dois je prendre|when (should|do) i take|"
        r"a quelle heure|what time)\b",
    ) and not (
        _any(t, taking) and _any(t, r"\b(rappel moi|rappelle moi|remind me|reminder of)\b")
    ):
        return intent("reminders.list")
    if _any(t, TREATMENT_WORDS) or _known_product(t, names) or _any(t, taking):
        past = _any(
            re.sub(TIME_OF_DAY, " ", t),
            r"\b(pris|prenais|took|was taking|did i take|avais|ancien|anciens|anciennes|passes|"
            r"passe|precedent|precedents|before|avant|previous|past|earlier|history|historique|"
            r"had|j ai eu|fini|finis|termines|stopped|arretes|former|old|donne|given|gave|"
            r"vieux|vieilles|vieille|older|avait|avais|m avait|prior|lately finished|"
            r"(ne )?(prends|prend|prenons) plus|no longer|not anymore|any ?more|plus maintenant|"
            r"used to|use to|avant|autrefois|n est plus|plus sous|ever|(ai je|j ai) deja|"
            r"arrete de prendre|stopped taking|finished|completed|lache|laches|lachee|lachees|"
            r"dropped)\b",
        ) and not (
            _any(
                t, r"\b(actuel|actuelle|actuels|actuelles|current|currently|en cours|right now)\b"
            )
            and not _any(t, r"\b(pris|prenais|took|was taking|used to|avant|before|ancien\w*)\b")
        )
        if period is not None and period[0] == period[1] == today:
            period = None
        if past or period is not None:
            return intent(
                "treatments.past", product=_known_product(t, names), start=start, end=end
            )
        if not _any(t, TREATMENT_WORDS) and not _any(t, taking):  # only a product name seen
            guess = _nearest(t, names, today, period, lambda i: i in PRODUCT_INTENTS)
            if guess is not None:
                return guess
        return intent("treatments.current")
    return _nearest(t, names, today, period, lambda i: True) or intent("unknown")


PRODUCT_INTENTS = frozenset(
    {
        "treatments.current",
        "treatment.purpose",
        "treatment.start",
        "treatment.prescriber",
        "can_take",
        "state.treatment",
        "state.stop",
        "reminders.pause",
    }
)


def masked(text: str, known_products: Sequence[str] = ()) -> str:
    """A message as the nearest-phrasing fallback compares it (names and values masked)."""
    user_names = _normalized_names(tuple(known_products))
    tokens = correct(normalize(text).split(), extra=(w for n in user_names for w in n.split()))
    names = tuple({*lexicon.DRUGS, *lexicon.ALLERGENS, *user_names})
    return _mask(" ".join(tokens), names)


def _mask(t: str, names: Sequence[str]) -> str:
    labs, vaccines, conditions, _kinds = _names()
    return nlu_fallback.mask(
        t, tuple(names), (tuple(labs), tuple(vaccines), tuple(conditions)), tuple(MONTHS)
    )


def _nearest(
    t: str,
    names: Sequence[str],
    today: date,
    period: tuple[date, date] | None,
    allowed: Callable[[str], bool],
) -> Intent | None:
    """The intent of the closest labelled phrasings, with slots read by the usual finders."""
    name = nlu_fallback.nearest_intent(_mask(t, (*names, *lexicon.ALLERGENS)), allowed)
    if name is None or name == "unknown":
        return None
    return _with_slots(name, t, names, today, period)


def _with_slots(
    name: str, t: str, names: Sequence[str], today: date, period: tuple[date, date] | None
) -> Intent:
    """Intent ``name`` with its slots read by the usual finders (for an intent the rules did not
    reach themselves)."""
    start, end = period if period else (None, None)
    slots: dict[str, object] = {}
    if name in PRODUCT_INTENTS - {"treatments.current"} or name == "state.allergy":
        slots["product"] = _known_product(t, names)
    if name.startswith("labs.") or name == "reminders.follow_up":
        slots["test"] = find_lab_test(t)
    if name.startswith("vaccines.") or name == "state.vaccination":
        slots["vaccine"] = find_vaccine(t)
    if name == "state.condition":
        slots["condition"] = find_condition(t)
    if name.startswith("documents."):
        slots["kind"] = find_kind(t)
    if name == "state.vaccination":
        day = find_date(t, today)
        start, end = day, day
    if name in ("treatments.past", "vaccines.list", "state.vaccination", "documents.show") or (
        name.startswith("labs.")
    ):
        slots["start"], slots["end"] = start, end
    return Intent(name=name, **slots)  # type: ignore[arg-type]
