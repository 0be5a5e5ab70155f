"""French catalogue: every message carnet says, by key."""

from __future__ import annotations

MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip

MESSAGES: dict[str, str] = {
    "group.refused": "carnet ne fonctionne qu'en conversation privée, pour que vos données de "
    "santé ne soient jamais visibles par d'autres. Écrivez-moi directement. Je quitte ce groupe.",
    # onboarding
    "onboarding.welcome": "Bonjour, je suis carnet, votre carnet de santé dans cette "
    "conversation.\n"
    "• Envoyez-moi une photo ou un PDF d'ordonnance, de prise de sang ou de carnet de "
    "vaccination : je le lis, vous vérifiez, je le range.\n"
    "• Posez vos questions : « quels sont mes traitements ? », « ma dernière glycémie ? »\n"
    "• Je vous rappelle vos prises et vos vaccins.\n\n"
    "Ce que je ne fais pas : je donne des informations tirées de VOS documents, jamais un avis "
    "médical. En cas de doute, demandez à votre médecin ou à votre pharmacien.\n\n"
    "Vos données : chiffrées avec une clé propre à vous, jamais partagées ; vous pouvez tout "
    "exporter (/export) ou tout effacer (/supprimer) à tout moment. Telegram voit que vous "
    "m'écrivez et le contenu des messages en transit.\n\n"
    "Acceptez-vous que je conserve vos données de santé pour vous ?",
    "onboarding.consent_yes": "✅ J'accepte",
    "onboarding.consent_no": "Non merci",
    "onboarding.need_consent": "Je ne conserve rien tant que vous n'avez pas donné votre accord.",
    "onboarding.declined": "C'est noté : je ne conserve rien. Vous pouvez revenir quand vous "
    "voulez avec /start.",
    "onboarding.thanks": "Merci ! Quelques questions pour adapter les rappels de vaccins et de "
    "dépistage (vous pouvez passer).",
    "onboarding.ask_birth_year": "Quelle est votre année de naissance ? (ex. 1975)",
    "onboarding.bad_birth_year": "Je n'ai pas reconnu une année (ex. 1975).",
    "onboarding.ask_sex": "Votre sexe (pour le calendrier des vaccins et dépistages) ?",
    "onboarding.ask_timezone": "Votre fuseau horaire est-il {zone} ? Sinon, écrivez votre ville "
    "ou un fuseau (ex. Europe/Paris, Montréal, La Réunion).",
    "onboarding.keep_timezone": "Oui, {zone}",
    "onboarding.bad_timezone": "Je ne connais pas ce fuseau. Essayez par exemple « Europe/Paris » "
    "ou le nom d'une grande ville.",
    "onboarding.ask_hours": "Heures de rappel : {hours}. Elles vous conviennent ? Sinon écrivez "
    "vos heures dans l'ordre matin, midi, soir, coucher (ex. « 7h30 12h 19h 22h30 »).",
    "onboarding.keep_hours": "Ça me va",
    "onboarding.bad_hours": "Je n'ai pas reconnu d'heures (ex. « 7h30 12h 19h 22h30 »).",
    "onboarding.done": "C'est prêt ! Rappels à : {hours}.",
    "onboarding.welcome_back": "Re-bonjour ! Votre carnet est prêt.",
    "onboarding.already": "Votre accord est déjà enregistré.",
    "sex.female": "Femme",
    "sex.male": "Homme",
    "sex.other": "Autre",
    "time.morning": "matin",
    "time.noon": "midi",
    "time.evening": "soir",
    "time.bedtime": "coucher",
    "settings.timezone_set": "Fuseau horaire : {zone}.",
    "settings.hours_set": "Heures de rappel : {hours}.",
    "settings.language_set": "Je vous parlerai en français.",
    "settings.ask_language": "Quelle langue préférez-vous ?",
    # erase
    "erase.ask": "Effacer définitivement tout votre carnet (documents, traitements, analyses, "
    "rappels) ? C'est irréversible. Pensez à /export avant si vous voulez une copie.",
    "erase.yes": "🗑 Oui, tout effacer",
    "erase.no": "Non, garder",
    "erase.expired": "Cette demande a expiré. Tapez /supprimer pour recommencer.",
    "erase.done": "C'est fait : toutes vos données ont été effacées et leur clé détruite. "
    "Au revoir, et prenez soin de vous.",
    "erase.kept": "D'accord, je ne supprime rien.",
    # common
    "common.yes_save": "✅ Oui, enregistrer",
    "common.no": "Non",
    "common.skip": "Passer",
    "common.cancelled": "C'est annulé.",
    "greeting": "Bonjour ! Envoyez-moi un document ou posez une question (/aide pour des "
    "exemples).",
    "thanks": "Avec plaisir !",
    "help.text": "Ce que je sais faire :\n"
    "• Lire une ordonnance, une prise de sang ou un carnet de vaccination : envoyez une photo ou "
    "un PDF.\n"
    "• Noter ce que vous me dites : « je suis allergique à la pénicilline », « je prends du "
    "Levothyrox 75 le matin », « j'ai arrêté l'amoxicilline », « vaccin grippe le 15 octobre ».\n"
    "• Répondre : « quels sont mes traitements ? », « qu'ai-je pris en mars ? », « à quoi sert le "
    "Levothyrox ? », « puis-je prendre de l'ibuprofène ? », « ma dernière glycémie », "
    "« évolution du cholestérol », « quels vaccins dois-je faire ? », « montre-moi l'ordonnance "
    "du 3 mars ».\n"
    "Commandes : /traitements /allergies /vaccins /analyses /documents /rappels /export "
    "/langue /fuseau /supprimer /aide",
    "fallback.unknown": "Je n'ai pas compris, ou je n'ai pas cette information dans votre carnet.",
    "fallback.examples": "Vous pouvez me demander par exemple :\n"
    "• « quels sont mes traitements ? »\n"
    "• « puis-je prendre de l'ibuprofène ? »\n"
    "• « ma dernière glycémie »\n"
    "• « quels vaccins dois-je faire ? »\n"
    "• « montre-moi l'ordonnance du 3 mars »\n"
    "Ou envoyez une photo de document. /aide pour tout voir.",
    "date.unknown": "date inconnue",
    "source.document": "{kind} du {date}",
    "source.said": "dit par vous le {date}",
    "kind.prescription": "ordonnance",
    "kind.lab_report": "compte rendu d'analyses",
    "kind.vaccination_record": "certificat de vaccination",
    "kind.other": "document",
    # posology
    "unit.comprime.one": "comprimé",
    "unit.comprime.many": "comprimés",
    "unit.cp.one": "comprimé",
    "unit.cp.many": "comprimés",
    "unit.gelule.one": "gélule",
    "unit.gelule.many": "gélules",
    "unit.sachet.one": "sachet",
    "unit.sachet.many": "sachets",
    "unit.goutte.one": "goutte",
    "unit.goutte.many": "gouttes",
    "unit.bouffee.one": "bouffée",
    "unit.bouffee.many": "bouffées",
    "unit.cuillere.one": "cuillère",
    "unit.cuillere.many": "cuillères",
    "when.MORN": "le matin",
    "when.NOON": "le midi",
    "when.AFT": "l'après-midi",
    "when.EVE": "le soir",
    "when.HS": "au coucher",
    "when.C": "au repas",
    "when.AC": "avant le repas",
    "when.PC": "après le repas",
    "when.CM": "au petit-déjeuner",
    "when.CD": "au déjeuner",
    "when.CV": "au dîner",
    "posology.join": "{first} et {last}",
    "posology.every_hours": "toutes les {hours} heures",
    "posology.times_per.d": "{times} par jour",
    "posology.times_per.wk": "{times} par semaine",
    "posology.times_per.mo": "{times} par mois",
    "posology.times_per.h": "{times} par heure",
    "posology.times_per.a": "{times} par an",
    "posology.as_needed": "si besoin",
    "posology.during": "pendant {what}",
    "posology.max_per_day": "maximum {what} par jour",
    "posology.unknown": "posologie non précisée",
    "duration.d.one": "jour",
    "duration.d.many": "jours",
    "duration.wk.one": "semaine",
    "duration.wk.many": "semaines",
    "duration.mo.one": "mois",
    "duration.mo.many": "mois",
    "duration.h.one": "heure",
    "duration.h.many": "heures",
    "duration.a.one": "an",
    "duration.a.many": "ans",
    # treatments
    "treatments.until": "jusqu'au {date}",
    "treatments.ended": "terminé le {date}",
    "treatments.none_current": "Je n'ai aucun traitement en cours dans votre carnet. Envoyez une "
    "photo d'ordonnance ou dites-moi « je prends … ».",
    "treatments.current_header": "Vos traitements en cours ({n}) :",
    "more.button": "Voir plus ({page}/{pages})",
    "more.page": "(page {page}/{pages})",
    "more.expired": "Cette liste n'est plus à jour : reposez votre question.",
    "treatments.renewed": "{n} fois, du {first} au {last}",
    "treatments.past_header_all": "Vos traitements passés :",
    "treatments.past_header": "Traitements pris entre le {start} et le {end} :",
    "treatments.more_before": "… {n} plus anciens non affichés (précisez une période, "
    "ex. « en mars 2024 »).",
    "treatments.none_past": "Je ne trouve aucun traitement pour cette période dans votre carnet.",
    "treatments.from": "à partir du {date}",
    "treatments.which_product": "De quel médicament parlez-vous ?",
    "treatments.not_found": "Je ne trouve pas « {product} » dans vos traitements.",
    "treatments.purpose": "{name} : {reason} ({source}).",
    "treatments.purpose_unknown": "Le motif de {name} n'est pas écrit sur le document ({source}). "
    "Votre médecin ou votre pharmacien pourra vous le dire.",
    "treatments.start": "Vous avez commencé {name} le {date} ({source}).",
    "treatments.start_unknown": "Je n'ai pas de date de début pour {name} ({source}).",
    "treatments.prescriber": "{name} vous a été prescrit par {who} ({source}).",
    "treatments.prescriber_unknown": "Le prescripteur de {name} n'est pas indiqué ({source}).",
    # allergies and can-take
    "allergies.none": "Aucune allergie n'est enregistrée dans votre carnet. Dites-moi par "
    "exemple « je suis allergique à la pénicilline ».",
    "allergies.header": "Vos allergies et intolérances :",
    "allergies.class": "famille : {name}",
    "allergies.kind.allergy": "allergie",
    "allergies.kind.intolerance": "intolérance",
    "class.penicillins": "pénicillines",
    "class.cephalosporins": "céphalosporines",
    "class.nsaids": "anti-inflammatoires non stéroïdiens (AINS)",
    "class.sulfonamides": "sulfamides",
    "class.macrolides": "macrolides",
    "class.salicylates": "aspirine et salicylés",
    "cantake.which": "Quel médicament voulez-vous vérifier ?",
    "cantake.caution": "⚠️ Attention pour {product}, d'après votre carnet :",
    "cantake.allergy_class": "{product} fait partie des {klass}, et vous avez déclaré une "
    "allergie à {allergy} ({source}).",
    "cantake.allergy": "{product} contient {allergy}, à quoi vous êtes allergique ({source}).",
    "cantake.duplicate": "{product} contient {substance}, déjà présent dans {existing} que vous "
    "prenez ({source}) : risque de surdosage.",
    "cantake.ask_professional": "Demandez l'avis de votre médecin ou de votre pharmacien avant "
    "de le prendre.",
    "cantake.checked": "J'ai vérifié vos allergies ({allergies}) et vos traitements en cours "
    "({treatments}).",
    "cantake.unknown_product": "Je ne connais pas la composition de « {product} », je ne peux "
    "donc rien vérifier.",
    "cantake.nothing_found": "Je ne vois rien dans votre carnet qui concerne {product}.",
    "cantake.not_a_verdict": "Ce n'est pas un avis médical : votre pharmacien peut vous le "
    "confirmer.",
    # vaccines
    "vaccines.none": "Je n'ai aucune vaccination dans votre carnet. Envoyez une photo de votre "
    "carnet de vaccination, ou dites « vaccin grippe le 15 octobre ».",
    "vaccines.lot": "(lot {lot})",
    "vaccines.header": "Vos vaccinations ({n}) :",
    "vaccines.need_birth_year": "Indiquez votre année de naissance (/start) pour un calendrier "
    "complet.",
    "vaccines.up_to_date": "D'après votre carnet et le calendrier vaccinal, rien n'est à faire "
    "pour le moment.",
    "vaccines.no_record": "aucune dose enregistrée",
    "vaccines.overdue": "en retard depuis le {date}",
    "vaccines.due_on": "à faire à partir du {date}",
    "vaccines.item": "{name} : {status} — {reason}",
    "vaccines.due_header": "Vaccins à faire ou en retard :",
    "vaccines.ask_professional": "Parlez-en à votre médecin, pharmacien ou infirmier.",
    "vaccine.influenza": "grippe",
    "vaccine.covid19": "COVID-19",
    "vaccine.tetanus": "diphtérie-tétanos-polio (dTP)",
    "vaccine.pertussis": "coqueluche",
    "vaccine.hepatitis_b": "hépatite B",
    "vaccine.hepatitis_a": "hépatite A",
    "vaccine.mmr": "rougeole-oreillons-rubéole (ROR)",
    "vaccine.hpv": "papillomavirus (HPV)",
    "vaccine.pneumococcal": "pneumocoque",
    "vaccine.shingles": "zona",
    "vaccine.meningococcal": "méningocoque",
    "vaccine.yellow_fever": "fièvre jaune",
    "vaccine.rabies": "rage",
    "vaccine.typhoid": "typhoïde",
    "vaccine.bcg": "BCG (tuberculose)",
    "vaccine.rsv": "VRS (bronchiolite)",
    "vaccine.rotavirus": "rotavirus",
    "vaccine.unknown": "vaccin",
    "calendar.dtp": "rappel à 25, 45, 65 ans puis tous les 10 ans (calendrier vaccinal 2025)",
    "calendar.influenza_65": "chaque automne à partir de 65 ans (calendrier vaccinal 2025)",
    "calendar.covid19_65": "chaque automne à partir de 65 ans (calendrier vaccinal 2025)",
    "calendar.edition": "calendrier vaccinal {edition}",
    "calendar.official": "calendrier vaccinal en vigueur",
    # labs
    "labs.range": "(normes {range})",
    "labs.high": "↑ élevé",
    "labs.low": "↓ bas",
    "labs.none_for": "Je n'ai aucun résultat de {name} dans votre carnet.",
    "labs.none_at": "Je n'ai pas de {name} au {date}.",
    "labs.nearest": "Le plus proche : {value} le {date} ({source}).",
    "labs.line": "{name} : {value}, le {date} ({source})",
    "labs.dated": "{date} : {value} ({source})",
    "labs.pair": "{name} : {value}",
    "labs.values_header": "{name} :",
    "labs.latest": "Dernier résultat de {name} : {value}, le {date} ({source}).",
    "labs.trend_hint": "J'ai {n} résultats : demandez « évolution » pour voir la courbe.",
    "labs.none": "Je n'ai aucun résultat d'analyse dans votre carnet. Envoyez une photo ou le "
    "PDF de votre prise de sang.",
    "labs.all_in_range": "Vos derniers résultats ({n} analyses) sont tous dans les normes "
    "indiquées par le laboratoire.",
    "labs.out_header": "Résultats hors des normes du laboratoire :",
    "labs.ask_professional": "Seul votre médecin peut les interpréter.",
    "labs.list_header": "Vos dernières analyses ({n}) :",
    "labs.which_test": "Quelle analyse ? Par exemple « évolution de la glycémie ».",
    "labs.band": "normes",
    "labs.trend_caption": "{name} : {n} résultats du {start} au {end}. Dernier : {value}.",
    "labs.sources": "Sources : {sources}.",
    "lab.glucose": "glycémie",
    "lab.hba1c": "hémoglobine glyquée (HbA1c)",
    "lab.cholesterol_total": "cholestérol total",
    "lab.ldl": "LDL-cholestérol",
    "lab.hdl": "HDL-cholestérol",
    "lab.triglycerides": "triglycérides",
    "lab.creatinine": "créatinine",
    "lab.egfr": "DFG",
    "lab.tsh": "TSH",
    "lab.t4": "T4 libre",
    "lab.ferritin": "ferritine",
    "lab.iron": "fer sérique",
    "lab.hemoglobin": "hémoglobine",
    "lab.platelets": "plaquettes",
    "lab.wbc": "leucocytes",
    "lab.rbc": "hématies",
    "lab.potassium": "potassium",
    "lab.sodium": "sodium",
    "lab.calcium": "calcium",
    "lab.crp": "CRP",
    "lab.vitamin_d": "vitamine D",
    "lab.vitamin_b12": "vitamine B12",
    "lab.alt": "ALAT",
    "lab.ast": "ASAT",
    "lab.ggt": "gamma-GT",
    "lab.psa": "PSA",
    "lab.inr": "INR",
    "lab.uric_acid": "acide urique",
    "lab.urea": "urée",
    # documents
    "documents.title": "{kind} du {date}",
    "documents.none": "Je n'ai aucun document correspondant dans votre carnet.",
    "documents.more": "… et {n} autres.",
    "documents.header": "Vos documents ({n}) :",
    "documents.hint": "Demandez par exemple « montre-moi l'ordonnance du 3 mars ».",
    "documents.not_found": "Je ne trouve pas ce document dans votre carnet.",
    "documents.choose": "Plusieurs documents correspondent, lequel voulez-vous ?",
    # reminders
    "reminders.header": "Vos prochains rappels ({n}) :",
    "reminders.none": "Aucun rappel prévu dans les 7 prochains jours ({n} rappels actifs).",
    "reminders.on": "activés",
    "reminders.off": "désactivés",
    "reminders.settings": "Rappels {state}, heures : {hours} (fuseau {zone}).",
    "reminders.turn_off": "Désactiver",
    "reminders.turn_on": "Activer",
    "reminders.change_hours": "Changer les heures",
    "reminders.now_on": "Rappels activés.",
    "reminders.now_off": "Rappels désactivés.",
    "reminders.planned": "⏰ {n} rappel(s) de prise programmé(s). Chaque dimanche soir, je vous "
    "proposerai un bilan de la semaine (prises confirmées).",
    "reminders.planned_off": "{n} rappel(s) de prise prévu(s), mais vos rappels sont désactivés "
    "(/rappels pour les activer).",
    "profile.me": "Moi",
    "profile.list": "Vos profils (le dossier actif est coché). Pour en ajouter un : "
    "/profil ajouter Prénom",
    "profile.added": "Profil « {name} » créé : c'est maintenant le dossier actif. /profil pour "
    "revenir au vôtre.",
    "profile.switched": "Dossier actif : {name}.",
    "profile.unknown": "Je ne trouve pas le profil « {name} ».",
    "profile.how": "Écrivez par exemple : /profil ajouter Léa",
    "reminders.see": "Voir mes rappels",
    "reminders.week_button": "📊 Bilan de la semaine",
    "reminders.pause_none": "Je n'ai pas de rappel actif pour « {product} ».",
    "reminders.follow_up_set": "🗓 C'est noté : je vous rappellerai de {what} le {date}.",
    "reminders.follow_up_how": "Dites-moi quoi et quand, par exemple : « rappelle-moi de refaire "
    "une prise de sang dans 3 mois ».",
    # intake
    "intake.reading": "📄 Je lis votre document ({pages} pages)…",
    "intake.reading_one": "📄 Je lis votre document…",
    "intake.reading_page": "📄 Je lis votre document : page {page}/{pages}…",
    "intake.read_done": "📄 Document lu ({pages} page(s)).",
    "intake.nothing_found": "Je n'ai trouvé ni médicament, ni résultat, ni vaccin dans ce "
    "document. Je le garde dans vos documents. Si c'est une erreur, essayez une photo plus nette, "
    "bien à plat et éclairée.",
    "intake.summary_head": "J'ai lu : {kind} du {date}",
    "intake.by": "({who})",
    "intake.medications": "💊 Médicaments :",
    "intake.labs": "🧪 Résultats :",
    "intake.vaccinations": "💉 Vaccins :",
    "intake.allergies": "⚠️ Allergies mentionnées :",
    "intake.warning.low_confidence": "⚠️ La lecture est incertaine (photo floue ou mal éclairée) : "
    "vérifiez bien chaque ligne.",
    "intake.warning.low_resolution": "⚠️ La photo est de petite taille : si des valeurs manquent, "
    "envoyez-la en tant que fichier.",
    "intake.uncertain": "❓ À vérifier :",
    "intake.read_as": "(j'ai lu « {value} »)",
    "intake.question": "{name} : {field} {seen} — est-ce juste ?",
    "intake.not_stored_yet": "Rien n'est enregistré tant que vous n'avez pas confirmé.",
    "intake.confirm": "✅ Confirmer",
    "intake.correct": "✏️ Corriger",
    "intake.discard": "🗑 Ignorer",
    "intake.expired": "Cette demande n'est plus en attente.",
    "intake.discarded": "C'est ignoré : rien n'a été ajouté à votre carnet.",
    "intake.correct_how": "Écrivez la correction, par exemple « la dose c'est 2 comprimés », "
    "« Doliprane : 1 comprimé matin et soir », « la date c'est le 3 mars » ou « enlève le "
    "Spasfon ».",
    "intake.saved": "✅ Enregistré : {meds} médicament(s), {labs} résultat(s), {vaccines} "
    "vaccin(s), {allergies} allergie(s).",
    "intake.correction_not_understood": "Je n'ai pas compris la correction. Exemple : « la dose "
    "c'est 2 comprimés ».",
    "intake.corrected": "Corrigé. Voici la nouvelle version :",
    "intake.still_pending": "(Un document attend toujours votre confirmation.)",
    "intake.interrupted": "⚠️ carnet a redémarré pendant la lecture du document que vous avez "
    "envoyé le {date} à {time} : rien n'en a été enregistré. Pouvez-vous le renvoyer ?",
    "intake.resumed": "carnet a redémarré pendant la lecture du document que vous avez envoyé "
    "le {date} à {time} ; je l'ai relu. Le voici :",
    "intake.gave_up": "😔 Je n'ai pas réussi à lire le document que vous m'avez envoyé le {date} "
    "à {time}, malgré plusieurs essais. Rien n'en a été enregistré, mais je le garde dans vos "
    "documents. Si vous le pouvez, envoyez-m'en une photo plus nette (à plat, bien éclairée) ou "
    "le PDF.",
    "field.dose": "dose",
    "field.posology": "posologie",
    "field.frequency": "fréquence",
    "field.duration": "durée",
    "field.date": "date",
    "field.value": "valeur",
    "field.unit": "unité",
    "field.name": "nom",
    "field.lot_number": "numéro de lot",
    "field.when": "moment de prise",
    "field.product": "produit",
    "field.reference_range": "normes",
    "field.strength": "dosage",
    # safety
    "safety.header": "⚠️ Attention :",
    "safety.allergy_class": "{product} fait partie des {klass}, et vous avez déclaré une allergie "
    "à {allergy} ({source}).",
    "safety.allergy": "{product} contient {allergy}, à quoi vous êtes allergique ({source}).",
    "safety.duplicate": "{product} contient {substance}, comme {existing} que vous prenez déjà "
    "({source}).",
    "safety.current_conflict": "Vous prenez {existing} ({source}), qui est concerné par une "
    "allergie à {allergy}.",
    "safety.advice": "Vérifiez avec votre médecin ou votre pharmacien avant de le prendre.",
    # statements
    "statement.allergy": "Je note : allergie à {name}.",
    "statement.allergy_class": "(famille des {klass} : je vous préviendrai si un médicament en "
    "fait partie.)",
    "statement.vaccination": "Je note : vaccin {name}, le {date}.",
    "statement.treatment": "Je note : vous prenez {name} — {posology}, depuis aujourd'hui.",
    "statement.stop_not_found": "Je ne trouve pas de traitement en cours qui corresponde à "
    "« {product} ».",
    "statement.stop": "Je note l'arrêt de {name} ({source}) à partir d'aujourd'hui.",
    "statement.condition": "Je note : {name}.",
    "statement.confirm_question": "Je l'enregistre ?",
    "statement.cancelled": "D'accord, je n'enregistre rien.",
    "statement.stopped": "C'est noté : {name} arrêté le {date}.",
    "statement.saved": "✅ C'est enregistré.",
    "condition.diabetes": "diabète",
    "condition.hypertension": "hypertension artérielle",
    "condition.asthma": "asthme",
    "condition.hypothyroidism": "hypothyroïdie",
    "condition.epilepsy": "épilepsie",
    "condition.copd": "BPCO",
    "condition.pregnancy": "grossesse",
    "condition.high_cholesterol": "cholestérol élevé",
    "condition.heart_failure": "insuffisance cardiaque",
    "condition.kidney_disease": "insuffisance rénale",
    "condition.depression": "dépression",
    "condition.celiac": "maladie cœliaque",
    "condition.migraine": "migraine",
    # export
    "export.intro": "Voici votre carnet :",
    "export.archive": "Archive complète (FHIR R4 + documents originaux)",
    "export.summary": "Résumé d'une page pour votre médecin",
    "export.summary_name": "resume",
    # one-page summary for a doctor (PDF)
    "summary.title": "Résumé médical",
    "summary.generated": "Généré le {date}",
    "summary.born": "né(e) en {year}",
    "summary.sex.female": "femme",
    "summary.sex.male": "homme",
    "summary.sex.other": "autre",
    "summary.treatments": "Traitements en cours",
    "summary.allergies": "Allergies et intolérances",
    "summary.vaccinations": "Vaccinations",
    "summary.labs": "Derniers résultats hors normes",
    "summary.none_treatments": "Aucun traitement en cours enregistré.",
    "summary.none_allergies": "Aucune allergie connue enregistrée.",
    "summary.none_vaccinations": "Aucune vaccination enregistrée.",
    "summary.none_labs": "Aucun résultat hors normes parmi les derniers résultats.",
    "summary.more": "… et {n} autre(s)",
    "summary.footer": "Établi par carnet à partir des documents et déclarations du patient ; "
    "à vérifier.",
    "summary.drug_class": "classe {name}",
    "summary.reaction": "réaction {reaction}",
    "summary.lot": "lot {lot}",
    "summary.date_unknown": "date inconnue",
    "summary.first_day": "1er",
    "summary.lab": "{name} : {value}",
    "summary.range": "normes {bounds}",
    "summary.high": "élevé",
    "summary.low": "bas",
    "summary.abnormal": "anormal",
    "posology.times.1": "1 fois",
    "posology.times.2": "2 fois",
    "posology.times.n": "{n} fois",
    "summary.times_per": "{times} par {unit}",
    "summary.times_every": "{times} tous les {period} {unit}",
    "summary.when.MORN": "matin",
    "summary.when.NOON": "midi",
    "summary.when.AFT": "après-midi",
    "summary.when.EVE": "soir",
    "summary.when.HS": "au coucher",
    "summary.when.C": "au repas",
    "summary.when.AC": "avant le repas",
    "summary.when.PC": "après le repas",
    "summary.when.CM": "au petit-déjeuner",
    "summary.when.CD": "au déjeuner",
    "summary.when.CV": "au dîner",
    # commands (setMyCommands)
    "command.start": "Commencer",
    "command.help": "Ce que carnet sait faire",
    "command.treatments.current": "Mes traitements en cours",
    "command.allergies.list": "Mes allergies",
    "command.vaccines": "Mes vaccins, faits et à faire",
    "command.labs.list": "Mes dernières analyses",
    "command.documents.list": "Mes documents",
    "command.reminders.list": "Mes prochains rappels et réglages",
    "command.profile": "Mon profil, ou celui d'un proche",
    "command.export": "Exporter mon carnet (FHIR + PDF)",
    "command.delete": "Tout effacer",
    "command.language": "Changer de langue",
    "command.timezone": "Changer de fuseau horaire",
    "command.cancel": "Annuler",
    # local chat
    "chat.intro": "carnet — /doc CHEMIN envoie une photo ou un PDF ; tapez le numéro d'un bouton "
    "pour le choisir ; Ctrl-D pour quitter.",
    "chat.no_file": "Je ne trouve pas le fichier {path}.",
    "chat.left": "(carnet a quitté la conversation)",
    # adapter
    "access.denied": "Désolé, ce carnet est privé : vous n'êtes pas autorisé à l'utiliser.",
    "rate.limited": "Vous m'écrivez très vite : attendez une minute avant de réessayer.",
    # errors
    "error.empty_file": "Ce fichier est vide. Pouvez-vous le renvoyer ?",
    "error.unsupported_format": "Je ne sais pas lire ce type de fichier. Envoyez une photo (JPEG, "
    "PNG) ou un PDF.",
    "error.image_too_large": "Cette image est trop grande pour moi. Envoyez une photo normale ou "
    "réduisez-la.",
    "error.too_many_pages": "Ce PDF a trop de pages. Envoyez seulement les pages utiles.",
    "error.encrypted_pdf": "Ce PDF est protégé par un mot de passe. Envoyez une version sans "
    "mot de passe ou une capture d'écran.",
    "error.corrupt_file": "Ce fichier semble abîmé. Pouvez-vous le renvoyer ?",
    "error.unreadable_document": "Je n'arrive pas à lire ce document. Reprenez la photo bien à "
    "plat, de face, avec une bonne lumière.",
    "error.image_too_small": "La photo est trop petite pour être lue. Envoyez-la en tant que "
    "fichier (sans compression) ou de plus près.",
    "error.ocr_engine_missing": "La lecture de documents n'est pas disponible sur ce serveur pour "
    "le moment. Votre document est gardé ; réessayez plus tard.",
    "error.ocr_failed": "La lecture a échoué. Réessayez dans un instant.",
    "error.extraction": "Je n'ai pas pu lire ce document. Réessayez avec une photo plus nette.",
    "error.store_full": "Je n'ai pas pu enregistrer : l'espace de stockage du serveur est plein. "
    "Rien n'a été enregistré à moitié ; réessayez plus tard.",
    "error.store": "Je n'arrive pas à accéder à votre carnet pour le moment. Réessayez dans un "
    "instant.",
    "error.tampered": "Une donnée de votre carnet semble altérée ; je ne l'utilise pas. "
    "L'administrateur est prévenu.",
    "error.busy": "Je traitais déjà un autre message : pouvez-vous renvoyer le vôtre ?",
    "error.unknown_user": "Je ne vous connais pas encore : tapez /start.",
    "error.file_too_big": "Ce fichier est trop gros pour moi (20 Mo maximum). Envoyez une photo "
    "ou un PDF plus léger.",
    "error.edited": "Je ne lis que les nouveaux messages : envoyez votre correction dans un "
    "nouveau message.",
    "error.unsupported": "Je ne comprends que le texte, les photos et les PDF.",
    "error.export_unavailable": "L'export n'est pas disponible pour le moment. Réessayez plus "
    "tard.",
    "error.internal": "Désolé, quelque chose s'est mal passé de mon côté. Réessayez dans un "
    "instant.",
    # reminders sent by bot.reminders (dispatcher, buttons, adherence)
    "reminders.intake": "💊 {time} — c'est l'heure de {name}.",
    "reminders.intake.dose": "💊 {time} — c'est l'heure de {name} : {dose}.",
    "reminders.button.intake.taken": "✅ Pris",
    "reminders.button.intake.later": "⏰ Plus tard",
    "reminders.button.intake.skip": "⏭ Sauter",
    "reminders.button.other.taken": "✅ C'est fait",
    "reminders.button.other.later": "⏰ Plus tard",
    "reminders.button.other.skip": "Ignorer",
    "reminders.button.stop": "🔕 Arrêter ces rappels",
    "reminders.renewal.renew": "📦 Votre boîte de {name} arrive bientôt à sa fin (vers le "
    "{date}) : pensez à passer à la pharmacie pour le renouvellement.",
    "reminders.renewal.prescription_end": "📋 L'ordonnance de {name} se termine vers le "
    "{date} : prenez rendez-vous avec votre médecin si le traitement doit continuer.",
    "reminders.renewal.treatment_end": "📋 Le traitement par {name} se termine vers le {date}. "
    "Faut-il le renouveler ? Parlez-en à votre médecin.",
    "reminders.renewal.check": "Prenez-vous toujours {name} ? Pensez à vérifier qu'il vous en "
    "reste assez et que votre ordonnance est à jour.",
    "reminders.follow_up": "🗓 Rappel : {what}.",
    "reminders.generic": "🔔 Rappel : {what}.",
    "reminders.missed.title": "Pendant que j'étais indisponible, {count} rappel(s) n'ont pas pu "
    "vous être envoyés à l'heure :",
    "reminders.missed.line": "• {time} — {name}",
    "reminders.missed.footer": "Ne prenez pas de dose en double pour rattraper un oubli : en cas "
    "de doute, demandez à votre pharmacien.",
    "reminders.adherence.title": "Votre semaine :",
    "reminders.adherence.line": "{taken} prise(s) sur {total} de {name} confirmée(s)",
    "reminders.adherence.none": "Aucune prise prévue cette semaine.",
    "reminders.answer.taken": "C'est noté ✅",
    "reminders.answer.skipped": "C'est noté, prise sautée.",
    "reminders.answer.snoozed": "Je vous le rappelle à {time}.",
    "reminders.answer.already": "Vous avez déjà répondu à ce rappel.",
    "reminders.answer.unknown": "Ce rappel n'existe plus.",
    "reminders.answer.stopped": "Rappels de {name} arrêtés. Vous pouvez les réactiver depuis "
    "/rappels.",
    "reminders.title.summary": "bilan de la semaine",
    "reminders.title.breast_screening": "dépistage du cancer du sein",
    "reminders.title.colorectal_screening": "dépistage du cancer colorectal",
    "reminders.title.cervical_cytology": "dépistage du cancer du col (frottis)",
    "reminders.title.cervical_hpv": "dépistage du cancer du col (test HPV)",
    "reminders.title.checkup": "Mon bilan prévention",
    "reminders.title.prevention_check": "vérification du calendrier de prévention",
    "reminders.title.dental": "examen bucco-dentaire M'T dents",
    "reminders.prevention.dtp": "💉 Le rappel diphtérie-tétanos-polio (dTP) est recommandé à 25, "
    "45 et 65 ans puis tous les 10 ans. D'après votre carnet, c'est le moment.",
    "reminders.prevention.dtcap_catchup": "💉 Un rappel contre la coqueluche (dTcaP) peut être "
    "fait jusqu'à 39 ans s'il n'a pas été fait à 25 ans.",
    "reminders.prevention.influenza": "💉 La campagne de vaccination contre la grippe est en "
    "cours ; elle vous est recommandée (prise en charge à 100 %).",
    "reminders.prevention.influenza_child": "💉 La vaccination contre la grippe peut être "
    "proposée aux enfants de 2 à 17 ans.",
    "reminders.prevention.covid": "💉 La campagne d'automne contre le COVID-19 vous concerne ; "
    "elle peut être faite en même temps que la grippe.",
    "reminders.prevention.covid_spring": "💉 Une dose de printemps contre le COVID-19 vous est "
    "recommandée.",
    "reminders.prevention.shingles": "💉 La vaccination contre le zona (2 doses à 2 mois "
    "d'intervalle) vous est recommandée.",
    "reminders.prevention.pneumococcal": "💉 Une dose de vaccin contre le pneumocoque vous est "
    "recommandée.",
    "reminders.prevention.rsv": "💉 La vaccination contre le VRS (bronchiolite) vous est "
    "recommandée, de septembre à janvier.",
    "reminders.prevention.hpv": "💉 La vaccination contre les papillomavirus (HPV) est "
    "recommandée entre 11 et 14 ans (2 doses).",
    "reminders.prevention.hpv_catchup": "💉 Un rattrapage de la vaccination HPV est possible "
    "jusqu'à 26 ans (3 doses).",
    "reminders.prevention.menacwy": "💉 Une dose de vaccin méningocoque ACWY est recommandée "
    "entre 11 et 14 ans.",
    "reminders.prevention.menacwy_catchup": "💉 Un rattrapage méningocoque ACWY est recommandé "
    "jusqu'à 24 ans.",
    "reminders.prevention.mmr": "💉 Deux doses de ROR (rougeole-oreillons-rubéole) sont "
    "recommandées aux personnes nées depuis 1980 : je n'en vois pas deux dans votre carnet.",
    "reminders.prevention.pertussis_pregnancy": "💉 Pendant la grossesse, la vaccination contre "
    "la coqueluche est recommandée à partir de 20 semaines d'aménorrhée.",
    "reminders.prevention.rsv_pregnancy": "💉 Pendant la grossesse (32 à 36 SA, de septembre à "
    "janvier), un vaccin contre le VRS protège le bébé.",
    "reminders.prevention.infant_hexavalent": "💉 Vaccin hexavalent du nourrisson à faire "
    "(2, 4 et 11 mois).",
    "reminders.prevention.infant_pcv": "💉 Vaccin pneumocoque du nourrisson à faire (2, 4 et 11 "
    "mois).",
    "reminders.prevention.infant_rotavirus": "💉 Vaccin contre le rotavirus du nourrisson à "
    "faire.",
    "reminders.prevention.infant_menb": "💉 Vaccin méningocoque B du nourrisson à faire (3, 5 et "
    "12 mois).",
    "reminders.prevention.infant_menacwy": "💉 Vaccin méningocoque ACWY du nourrisson à faire "
    "(6 et 12 mois).",
    "reminders.prevention.infant_mmr": "💉 Vaccin ROR à faire (12 et 16-18 mois).",
    "reminders.prevention.child_dtcap": "💉 Rappel DTCaP de 6 ans à faire.",
    "reminders.prevention.teen_dtcap": "💉 Rappel dTcaP de 11-13 ans à faire.",
    "reminders.prevention.breast_screening": "🩺 Dépistage organisé du cancer du sein : une "
    "mammographie tous les 2 ans de 50 à 74 ans, prise en charge à 100 %.",
    "reminders.prevention.colorectal_screening": "🩺 Dépistage du cancer colorectal : un test "
    "tous les 2 ans de 50 à 74 ans. Le kit est disponible en pharmacie ou sur "
    "monkit.depistage-colorectal.fr.",
    "reminders.prevention.cervical_cytology": "🩺 Dépistage du cancer du col de l'utérus : un "
    "frottis tous les 3 ans de 25 à 29 ans (après deux premiers à un an d'intervalle).",
    "reminders.prevention.cervical_hpv": "🩺 Dépistage du cancer du col de l'utérus : un test HPV "
    "tous les 5 ans de 30 à 65 ans.",
    "reminders.prevention.checkup": "🩺 « Mon bilan prévention » : un rendez-vous gratuit avec "
    "un professionnel de santé est proposé à votre âge.",
    "reminders.prevention.dental": "🦷 Un examen bucco-dentaire « M'T dents » est pris en charge "
    "chaque année jusqu'à 24 ans.",
}
