"""Non-medical documents (an invoice, a letter, a recipe): they must yield no medical item."""

from __future__ import annotations

import random

from tests.synthetic import catalog as cat
from tests.synthetic.layout import Writer
from tests.synthetic.truth import Draft

ITEMS_FR = [
    ("Câble USB-C 1 m", 9.90),
    ("Cartouche d'encre noire", 24.50),
    ("Ramette papier A4 80 g", 5.20),
    ("Lampe de bureau LED", 34.00),
    ("Clé USB 64 Go", 12.90),
    ("Souris sans fil", 19.99),
    ("Intervention technicien (1 h)", 60.00),
    ("Frais de port", 6.90),
]
ITEMS_EN = [
    ("USB-C cable 1 m", 9.90),
    ("Black ink cartridge", 24.50),
    ("A4 paper ream 80 gsm", 5.20),
    ("LED desk lamp", 34.00),
    ("64 GB USB stick", 12.90),
    ("Wireless mouse", 19.99),
    ("Technician call-out (1 hour)", 60.00),
    ("Shipping", 6.90),
]


def build_invoice(rng: random.Random, french: bool) -> Draft:
    """An invoice with quantities, units, prices and dates."""
    w = Writer(rng.choice(["sans", "serif", "mono"]), rng.choice([10.0, 11.0]))
    day = cat.some_date(rng)
    street, town = cat.address(rng)
    w.line("Bureau & Co SARL" if french else "Office Supplies Ltd", bold=True, size=w.size + 3)
    w.line(street)
    w.line(town)
    w.skip(w.size)
    number = f"{day.year}-{rng.randint(100, 9999):04d}"
    w.line(f"FACTURE N° {number}" if french else f"INVOICE No. {number}", bold=True)
    w.line(f"Date : {cat.date_fr(rng, day)}" if french else f"Date: {cat.date_en(rng, day)}")
    w.skip(w.size)
    heads = (
        ["Désignation", "Qté", "P.U. HT", "Total HT"]
        if french
        else ["Description", "Qty", "Unit price", "Amount"]
    )
    xs = [w.margin, 330.0, 420.0, w.right]
    for x, head, align in zip(xs, heads, ["left", "right", "right", "right"], strict=True):
        w.put(head, x, bold=True, align=align)
    w.skip(w.size * 1.5)
    w.rule()
    w.skip(4)
    total = 0.0
    for name, price in rng.sample(ITEMS_FR if french else ITEMS_EN, rng.randint(3, 6)):
        qty = rng.randint(1, 4)
        total += qty * price
        w.put(name, xs[0])
        w.put(str(qty), xs[1], align="right")
        w.put(cat.decimal(price, 2, french) + " €", xs[2], align="right")
        w.put(cat.decimal(qty * price, 2, french) + " €", xs[3], align="right")
        w.skip(w.size * 1.5)
    w.rule()
    w.skip(6)
    vat = total * 0.2
    for label, amount in [
        ("Total HT" if french else "Subtotal", total),
        ("TVA 20 %" if french else "VAT 20%", vat),
        ("Total TTC" if french else "Total", total + vat),
    ]:
        w.put(label, xs[2], align="right", bold=True)
        w.put(cat.decimal(amount, 2, french) + " €", xs[3], align="right")
        w.skip(w.size * 1.5)
    w.skip(w.size)
    w.line(
        (
            "Paiement à 30 jours. Pénalités de retard : 3 fois le taux d'intérêt légal."
            if french
            else "Payment due within 30 days."
        ),
        size=w.size - 1,
    )
    return Draft(writer=w, date=day)


def build_letter(rng: random.Random, french: bool) -> Draft:
    """An administrative letter (no medical content, but dates and numbers)."""
    w = Writer(rng.choice(["sans", "serif"]), rng.choice([10.0, 11.0, 12.0]))
    day = cat.some_date(rng)
    first, last = cat.person(rng)
    street, town = cat.address(rng)
    w.line(f"{first} {last}")
    w.line(street)
    w.line(town)
    w.skip(w.size * 2)
    if french:
        w.line(f"{town.split(' ', 1)[1]}, le {cat.date_fr(rng, day)}", w.right, align="right")
        w.skip(w.size)
        w.line("Objet : résiliation de mon abonnement", bold=True)
        w.skip(w.size)
        body = (
            "Madame, Monsieur, je vous prie de bien vouloir résilier mon abonnement numéro "
            f"{rng.randint(100000, 999999)} à compter du mois prochain. Je vous remercie de me "
            "faire parvenir une confirmation écrite et de cesser tout prélèvement sur mon "
            "compte. Je reste joignable par téléphone du lundi au vendredi, 2 fois par semaine "
            "si besoin, entre 9 h et 12 h. Veuillez agréer, Madame, Monsieur, l'expression de "
            "mes salutations distinguées."
        )
    else:
        w.line(cat.date_en(rng, day), w.right, align="right")
        w.skip(w.size)
        w.line("Re: cancellation of my subscription", bold=True)
        w.skip(w.size)
        body = (
            "Dear Sir or Madam, please cancel my subscription number "
            f"{rng.randint(100000, 999999)} from next month. I would be grateful for a written "
            "confirmation, and for stopping any further direct debit. I can be reached by phone "
            "twice daily if needed, from 9 am to 12 pm. Yours faithfully."
        )
    for part in w.wrap(body, w.right - w.margin):
        w.line(part)
    w.skip(w.size * 2)
    w.line(f"{first} {last}", w.right, align="right")
    return Draft(writer=w, date=day)


def build_recipe(rng: random.Random, french: bool) -> Draft:
    """A cooking recipe: quantities, units, durations and 'times a day' phrasing."""
    w = Writer(rng.choice(["sans", "serif", "mono"]), rng.choice([10.0, 11.0, 12.0]))
    if french:
        w.line("Gâteau au yaourt de Mamie", bold=True, size=w.size + 4)
        w.skip(w.size)
        w.line("Ingrédients (6 personnes) :", bold=True)
        lines = [
            "- 1 pot de yaourt nature (125 g)",
            "- 3 œufs",
            "- 2 pots de sucre",
            "- 3 pots de farine (250 g)",
            "- 1/2 pot d'huile",
            "- 1 sachet de levure 11 g",
            "- 1 pincée de sel",
        ]
        steps = [
            "Préchauffer le four à 180 °C pendant 10 minutes.",
            "Mélanger le yaourt et le sucre, ajouter les œufs un par un.",
            "Incorporer la farine, la levure puis l'huile.",
            "Cuire pendant 35 minutes. Servir tiède, 1 part matin et soir si besoin !",
        ]
    else:
        w.line("Grandma's Yoghurt Cake", bold=True, size=w.size + 4)
        w.skip(w.size)
        w.line("Ingredients (serves 6):", bold=True)
        lines = [
            "- 1 pot plain yoghurt (125 g)",
            "- 3 eggs",
            "- 2 pots sugar",
            "- 3 pots flour (250 g)",
            "- 1/2 pot oil",
            "- 1 sachet baking powder 11 g",
            "- 1 pinch of salt",
        ]
        steps = [
            "Preheat the oven to 180 °C for 10 minutes.",
            "Mix the yoghurt and sugar, add the eggs one at a time.",
            "Fold in the flour, baking powder and oil.",
            "Bake for 35 minutes. Serve warm, one slice twice daily as needed!",
        ]
    for line in lines:
        w.line(line, w.margin + 10)
    w.skip(w.size)
    w.line("Préparation :" if french else "Method:", bold=True)
    for index, step in enumerate(steps, 1):
        for part in w.wrap(f"{index}. {step}", w.right - w.margin - 10):
            w.line(part, w.margin + 10)
    return Draft(writer=w, date=None)
