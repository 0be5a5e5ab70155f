"""English catalogue: every message carnet says, by key."""

from __future__ import annotations

MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip

MESSAGES: dict[str, str] = {
    "group.refused": "carnet only works in a private chat, so that your health data is never "
    "seen by others. Write to me directly. I am leaving this group.",
    # onboarding
    "onboarding.welcome": "Hello, I am carnet, your health record in this chat.\n"
    "• Send me a photo or PDF of a prescription, a lab report or a vaccination record: I read "
    "it, you check it, I file it.\n"
    '• Ask questions: "what are my medications?", "my latest blood sugar?"\n'
    "• I remind you of your doses and vaccines.\n\n"
    "What I don't do: I give information from YOUR documents, never medical advice. When in "
    "doubt, ask your doctor or pharmacist.\n\n"
    "Your data: encrypted with a key of your own, never shared; you can export everything "
    "(/export) or erase everything (/delete) at any time. Telegram sees that you write to me and "
    "the messages in transit.\n\n"
    "Do you agree that I keep your health data for you?",
    "onboarding.consent_yes": "✅ I agree",
    "onboarding.consent_no": "No thanks",
    "onboarding.need_consent": "I keep nothing until you have given your consent.",
    "onboarding.declined": "Noted: I keep nothing. Come back whenever you like with /start.",
    "onboarding.thanks": "Thank you! A few questions to tailor vaccination and screening "
    "reminders (you can skip).",
    "onboarding.ask_birth_year": "What is your year of birth? (e.g. 1975)",
    "onboarding.bad_birth_year": "I did not recognise a year (e.g. 1975).",
    "onboarding.ask_sex": "Your sex (for the vaccination and screening calendar)?",
    "onboarding.ask_timezone": "Is your timezone {zone}? If not, type your city or a timezone "
    "(e.g. Europe/London, New York).",
    "onboarding.keep_timezone": "Yes, {zone}",
    "onboarding.bad_timezone": 'I don\'t know this timezone. Try e.g. "Europe/London" or a big '
    "city's name.",
    "onboarding.ask_hours": "Reminder times: {hours}. Do they suit you? If not, type your times "
    'in the order morning, noon, evening, bedtime (e.g. "7:30 12:00 19:00 22:30").',
    "onboarding.keep_hours": "Fine",
    "onboarding.bad_hours": 'I did not recognise times (e.g. "7:30 12:00 19:00 22:30").',
    "onboarding.done": "All set! Reminders at: {hours}.",
    "onboarding.welcome_back": "Welcome back! Your record is ready.",
    "onboarding.already": "Your consent is already recorded.",
    "sex.female": "Female",
    "sex.male": "Male",
    "sex.other": "Other",
    "time.morning": "morning",
    "time.noon": "noon",
    "time.evening": "evening",
    "time.bedtime": "bedtime",
    "settings.timezone_set": "Timezone: {zone}.",
    "settings.hours_set": "Reminder times: {hours}.",
    "settings.language_set": "I will speak English with you.",
    "settings.ask_language": "Which language do you prefer?",
    # erase
    "erase.ask": "Permanently erase your whole record (documents, treatments, results, "
    "reminders)? This cannot be undone. Use /export first if you want a copy.",
    "erase.yes": "🗑 Yes, erase everything",
    "erase.no": "No, keep it",
    "erase.expired": "This request has expired. Type /delete to start again.",
    "erase.done": "Done: all your data has been erased and its key destroyed. Goodbye, and take "
    "care.",
    "erase.kept": "All right, nothing is deleted.",
    # common
    "common.yes_save": "✅ Yes, save",
    "common.no": "No",
    "common.skip": "Skip",
    "common.cancelled": "Cancelled.",
    "greeting": "Hello! Send me a document or ask a question (/help for examples).",
    "thanks": "You're welcome!",
    "help.text": "What I can do:\n"
    "• Read a prescription, a lab report or a vaccination record: send a photo or a PDF.\n"
    '• Note what you tell me: "I am allergic to penicillin", "I take metformin 500 twice a '
    'day", "I stopped amoxicillin", "flu shot on October 15".\n'
    '• Answer: "what are my medications?", "what did I take last summer?", "what is '
    'metformin for?", "can I take ibuprofen?", "my latest blood sugar", "cholesterol '
    'trend", "which vaccines are due?", "show me the prescription from March 3".\n'
    "Commands: /treatments /allergies /vaccines /labs /documents /reminders /export /language "
    "/timezone /delete /help",
    "fallback.unknown": "I didn't understand, or I don't have this information in your record.",
    "fallback.examples": "You can ask me for example:\n"
    '• "what are my medications?"\n'
    '• "can I take ibuprofen?"\n'
    '• "my latest blood sugar"\n'
    '• "which vaccines are due?"\n'
    '• "show me the prescription from March 3"\n'
    "Or send a photo of a document. /help to see everything.",
    "date.unknown": "unknown date",
    "source.document": "{kind} of {date}",
    "source.said": "told by you on {date}",
    "kind.prescription": "prescription",
    "kind.lab_report": "lab report",
    "kind.vaccination_record": "vaccination record",
    "kind.other": "document",
    # posology
    "unit.comprime.one": "tablet",
    "unit.comprime.many": "tablets",
    "unit.cp.one": "tablet",
    "unit.cp.many": "tablets",
    "unit.gelule.one": "capsule",
    "unit.gelule.many": "capsules",
    "unit.sachet.one": "sachet",
    "unit.sachet.many": "sachets",
    "unit.goutte.one": "drop",
    "unit.goutte.many": "drops",
    "unit.bouffee.one": "puff",
    "unit.bouffee.many": "puffs",
    "unit.cuillere.one": "spoonful",
    "unit.cuillere.many": "spoonfuls",
    "when.MORN": "in the morning",
    "when.NOON": "at noon",
    "when.AFT": "in the afternoon",
    "when.EVE": "in the evening",
    "when.HS": "at bedtime",
    "when.C": "with meals",
    "when.AC": "before meals",
    "when.PC": "after meals",
    "when.CM": "at breakfast",
    "when.CD": "at lunch",
    "when.CV": "at dinner",
    "posology.join": "{first} and {last}",
    "posology.every_hours": "every {hours} hours",
    "posology.times_per.d": "{times} a day",
    "posology.times_per.wk": "{times} a week",
    "posology.times_per.mo": "{times} a month",
    "posology.times_per.h": "{times} an hour",
    "posology.times_per.a": "{times} a year",
    "posology.as_needed": "as needed",
    "posology.during": "for {what}",
    "posology.max_per_day": "at most {what} a day",
    "posology.unknown": "dosage not specified",
    "duration.d.one": "day",
    "duration.d.many": "days",
    "duration.wk.one": "week",
    "duration.wk.many": "weeks",
    "duration.mo.one": "month",
    "duration.mo.many": "months",
    "duration.h.one": "hour",
    "duration.h.many": "hours",
    "duration.a.one": "year",
    "duration.a.many": "years",
    # treatments
    "treatments.until": "until {date}",
    "treatments.ended": "ended on {date}",
    "treatments.none_current": "I have no current treatment in your record. Send a photo of a "
    'prescription or tell me "I take …".',
    "treatments.current_header": "Your current treatments ({n}):",
    "more.button": "Show more ({page}/{pages})",
    "more.page": "(page {page}/{pages})",
    "more.expired": "This list is out of date: please ask your question again.",
    "treatments.renewed": "{n} times, from {first} to {last}",
    "treatments.past_header_all": "Your past treatments:",
    "treatments.past_header": "Treatments taken between {start} and {end}:",
    "treatments.more_before": '… {n} older ones not shown (give a period, e.g. "in March 2024").',
    "treatments.none_past": "I find no treatment for this period in your record.",
    "treatments.from": "from {date}",
    "treatments.which_product": "Which medication do you mean?",
    "treatments.not_found": 'I can\'t find "{product}" in your treatments.',
    "treatments.purpose": "{name}: {reason} ({source}).",
    "treatments.purpose_unknown": "The reason for {name} is not written on the document "
    "({source}). Your doctor or pharmacist can tell you.",
    "treatments.start": "You started {name} on {date} ({source}).",
    "treatments.start_unknown": "I have no start date for {name} ({source}).",
    "treatments.prescriber": "{name} was prescribed by {who} ({source}).",
    "treatments.prescriber_unknown": "The prescriber of {name} is not given ({source}).",
    # allergies and can-take
    "allergies.none": 'No allergy is recorded. Tell me for example "I am allergic to penicillin".',
    "allergies.header": "Your allergies and intolerances:",
    "allergies.class": "class: {name}",
    "allergies.kind.allergy": "allergy",
    "allergies.kind.intolerance": "intolerance",
    "class.penicillins": "penicillins",
    "class.cephalosporins": "cephalosporins",
    "class.nsaids": "non-steroidal anti-inflammatory drugs (NSAIDs)",
    "class.sulfonamides": "sulfonamides",
    "class.macrolides": "macrolides",
    "class.salicylates": "aspirin and salicylates",
    "cantake.which": "Which medication do you want me to check?",
    "cantake.caution": "⚠️ Caution about {product}, according to your record:",
    "cantake.allergy_class": "{product} belongs to the {klass}, and you reported an allergy to "
    "{allergy} ({source}).",
    "cantake.allergy": "{product} contains {allergy}, which you are allergic to ({source}).",
    "cantake.duplicate": "{product} contains {substance}, already in {existing} that you take "
    "({source}): risk of overdose.",
    "cantake.ask_professional": "Ask your doctor or pharmacist before taking it.",
    "cantake.checked": "I checked your allergies ({allergies}) and current treatments "
    "({treatments}).",
    "cantake.unknown_product": "I don't know what \"{product}\" contains, so I can't check "
    "anything.",
    "cantake.nothing_found": "I see nothing in your record that concerns {product}.",
    "cantake.not_a_verdict": "This is not medical advice: your pharmacist can confirm.",
    # vaccines
    "vaccines.none": "I have no vaccination in your record. Send a photo of your vaccination "
    'record, or say "flu shot on October 15".',
    "vaccines.lot": "(lot {lot})",
    "vaccines.header": "Your vaccinations ({n}):",
    "vaccines.need_birth_year": "Give your year of birth (/start) for a complete calendar.",
    "vaccines.up_to_date": "According to your record and the vaccination calendar, nothing is "
    "due for now.",
    "vaccines.no_record": "no dose recorded",
    "vaccines.overdue": "overdue since {date}",
    "vaccines.due_on": "due from {date}",
    "vaccines.item": "{name}: {status} — {reason}",
    "vaccines.due_header": "Vaccinations due or overdue:",
    "vaccines.ask_professional": "Talk to your doctor, pharmacist or nurse about it.",
    "vaccine.influenza": "flu",
    "vaccine.covid19": "COVID-19",
    "vaccine.tetanus": "diphtheria-tetanus-polio (dTP)",
    "vaccine.pertussis": "whooping cough",
    "vaccine.hepatitis_b": "hepatitis B",
    "vaccine.hepatitis_a": "hepatitis A",
    "vaccine.mmr": "measles-mumps-rubella (MMR)",
    "vaccine.hpv": "papillomavirus (HPV)",
    "vaccine.pneumococcal": "pneumococcal",
    "vaccine.shingles": "shingles",
    "vaccine.meningococcal": "meningococcal",
    "vaccine.yellow_fever": "yellow fever",
    "vaccine.rabies": "rabies",
    "vaccine.typhoid": "typhoid",
    "vaccine.bcg": "BCG (tuberculosis)",
    "vaccine.rsv": "RSV",
    "vaccine.rotavirus": "rotavirus",
    "vaccine.unknown": "vaccine",
    "calendar.dtp": "booster at 25, 45, 65 then every 10 years (French calendar 2025)",
    "calendar.influenza_65": "every autumn from age 65 (French calendar 2025)",
    "calendar.covid19_65": "every autumn from age 65 (French calendar 2025)",
    "calendar.edition": "French vaccination calendar {edition}",
    "calendar.official": "current vaccination calendar",
    # labs
    "labs.range": "(range {range})",
    "labs.high": "↑ high",
    "labs.low": "↓ low",
    "labs.none_for": "I have no {name} result in your record.",
    "labs.none_at": "I have no {name} on {date}.",
    "labs.nearest": "The closest: {value} on {date} ({source}).",
    "labs.line": "{name}: {value}, on {date} ({source})",
    "labs.dated": "{date}: {value} ({source})",
    "labs.pair": "{name}: {value}",
    "labs.values_header": "{name}:",
    "labs.latest": "Latest {name}: {value}, on {date} ({source}).",
    "labs.trend_hint": 'I have {n} results: ask for the "trend" to see the chart.',
    "labs.none": "I have no lab result in your record. Send a photo or the PDF of your lab "
    "report.",
    "labs.all_in_range": "Your latest results ({n} tests) are all within the lab's ranges.",
    "labs.out_header": "Results outside the lab's ranges:",
    "labs.ask_professional": "Only your doctor can interpret them.",
    "labs.list_header": "Your latest lab results ({n}):",
    "labs.which_test": 'Which test? For example "blood sugar trend".',
    "labs.band": "reference range",
    "labs.trend_caption": "{name}: {n} results from {start} to {end}. Latest: {value}.",
    "labs.sources": "Sources: {sources}.",
    "lab.glucose": "blood glucose",
    "lab.hba1c": "HbA1c",
    "lab.cholesterol_total": "total cholesterol",
    "lab.ldl": "LDL cholesterol",
    "lab.hdl": "HDL cholesterol",
    "lab.triglycerides": "triglycerides",
    "lab.creatinine": "creatinine",
    "lab.egfr": "eGFR",
    "lab.tsh": "TSH",
    "lab.t4": "free T4",
    "lab.ferritin": "ferritin",
    "lab.iron": "serum iron",
    "lab.hemoglobin": "haemoglobin",
    "lab.platelets": "platelets",
    "lab.wbc": "white blood cells",
    "lab.rbc": "red blood cells",
    "lab.potassium": "potassium",
    "lab.sodium": "sodium",
    "lab.calcium": "calcium",
    "lab.crp": "CRP",
    "lab.vitamin_d": "vitamin D",
    "lab.vitamin_b12": "vitamin B12",
    "lab.alt": "ALT",
    "lab.ast": "AST",
    "lab.ggt": "GGT",
    "lab.psa": "PSA",
    "lab.inr": "INR",
    "lab.uric_acid": "uric acid",
    "lab.urea": "urea",
    # documents
    "documents.title": "{kind} of {date}",
    "documents.none": "I have no matching document in your record.",
    "documents.more": "… and {n} more.",
    "documents.header": "Your documents ({n}):",
    "documents.hint": 'Ask for example "show me the prescription from March 3".',
    "documents.not_found": "I can't find this document in your record.",
    "documents.choose": "Several documents match, which one do you want?",
    # reminders
    "reminders.header": "Your next reminders ({n}):",
    "reminders.none": "No reminder in the next 7 days ({n} active reminders).",
    "reminders.on": "on",
    "reminders.off": "off",
    "reminders.settings": "Reminders {state}, times: {hours} (timezone {zone}).",
    "reminders.turn_off": "Turn off",
    "reminders.turn_on": "Turn on",
    "reminders.change_hours": "Change times",
    "reminders.now_on": "Reminders on.",
    "reminders.now_off": "Reminders off.",
    "reminders.planned": "⏰ {n} intake reminder(s) planned. Every Sunday evening I will offer "
    "you a summary of the week (doses confirmed).",
    "reminders.planned_off": "{n} intake reminder(s) planned, but your reminders are off "
    "(/reminders to turn them on).",
    "profile.me": "Me",
    "profile.list": "Your profiles (the active record is ticked). To add one: /profile add Name",
    "profile.added": "Profile “{name}” created: it is now the active record. /profile to go "
    "back to yours.",
    "profile.switched": "Active record: {name}.",
    "profile.unknown": "I can't find the profile “{name}”.",
    "profile.how": "Type for example: /profile add Lea",
    "reminders.see": "See my reminders",
    "reminders.week_button": "📊 This week's summary",
    "reminders.pause_none": "I have no active reminder for “{product}”.",
    "reminders.follow_up_set": "🗓 Noted: I will remind you to {what} on {date}.",
    "reminders.follow_up_how": "Tell me what and when, for example: “remind me to redo a blood "
    "test in 3 months”.",
    # intake
    "intake.reading": "📄 Reading your document ({pages} pages)…",
    "intake.reading_one": "📄 Reading your document…",
    "intake.reading_page": "📄 Reading your document: page {page}/{pages}…",
    "intake.read_done": "📄 Document read ({pages} page(s)).",
    "intake.nothing_found": "I found no medication, result or vaccine in this document. I keep it "
    "in your documents. If that's wrong, try a sharper photo, flat and well lit.",
    "intake.summary_head": "I read: {kind} of {date}",
    "intake.by": "({who})",
    "intake.medications": "💊 Medications:",
    "intake.labs": "🧪 Results:",
    "intake.vaccinations": "💉 Vaccines:",
    "intake.allergies": "⚠️ Allergies mentioned:",
    "intake.warning.low_confidence": "⚠️ The reading is uncertain (blurry or dark photo): "
    "check every line carefully.",
    "intake.warning.low_resolution": "⚠️ The photo is small: if values are missing, "
    "send it as a file.",
    "intake.uncertain": "❓ Please check:",
    "intake.read_as": '(I read "{value}")',
    "intake.question": "{name}: {field} {seen} — is it right?",
    "intake.not_stored_yet": "Nothing is saved until you confirm.",
    "intake.confirm": "✅ Confirm",
    "intake.correct": "✏️ Correct",
    "intake.discard": "🗑 Discard",
    "intake.expired": "This request is no longer pending.",
    "intake.discarded": "Discarded: nothing was added to your record.",
    "intake.correct_how": 'Type the correction, for example "the dose is 2 tablets", '
    '"Doliprane: 1 tablet morning and evening", "the date is March 3" or "remove Spasfon".',
    "intake.saved": "✅ Saved: {meds} medication(s), {labs} result(s), {vaccines} vaccine(s), "
    "{allergies} allerg(y/ies).",
    "intake.correction_not_understood": "I didn't understand the correction. Example: \"the dose "
    'is 2 tablets".',
    "intake.corrected": "Corrected. Here is the new version:",
    "intake.still_pending": "(A document is still waiting for your confirmation.)",
    "intake.interrupted": "⚠️ carnet restarted while reading the document you sent on {date} at "
    "{time}: nothing was saved from it. Could you send it again?",
    "intake.resumed": "carnet restarted while reading the document you sent on {date} at {time}; "
    "I read it again. Here it is:",
    "intake.gave_up": "😔 I couldn't read the document you sent on {date} at {time}, despite "
    "several tries. Nothing was saved from it, but I keep it in your documents. If you can, send "
    "me a sharper photo (flat, well lit) or the PDF.",
    "field.dose": "dose",
    "field.posology": "dosage",
    "field.frequency": "frequency",
    "field.duration": "duration",
    "field.date": "date",
    "field.value": "value",
    "field.unit": "unit",
    "field.name": "name",
    "field.lot_number": "lot number",
    "field.when": "time of intake",
    "field.product": "product",
    "field.reference_range": "reference range",
    "field.strength": "strength",
    # safety
    "safety.header": "⚠️ Caution:",
    "safety.allergy_class": "{product} belongs to the {klass}, and you reported an allergy to "
    "{allergy} ({source}).",
    "safety.allergy": "{product} contains {allergy}, which you are allergic to ({source}).",
    "safety.duplicate": "{product} contains {substance}, like {existing} that you already take "
    "({source}).",
    "safety.current_conflict": "You take {existing} ({source}), which is concerned by an allergy "
    "to {allergy}.",
    "safety.advice": "Check with your doctor or pharmacist before taking it.",
    # statements
    "statement.allergy": "Noted: allergy to {name}.",
    "statement.allergy_class": "(class: {klass}; I will warn you if a medication belongs to it.)",
    "statement.vaccination": "Noted: {name} vaccine, on {date}.",
    "statement.treatment": "Noted: you take {name} — {posology}, from today.",
    "statement.stop_not_found": 'I find no current treatment matching "{product}".',
    "statement.stop": "Noted: stopping {name} ({source}) from today.",
    "statement.condition": "Noted: {name}.",
    "statement.confirm_question": "Shall I save it?",
    "statement.cancelled": "All right, nothing saved.",
    "statement.stopped": "Noted: {name} stopped on {date}.",
    "statement.saved": "✅ Saved.",
    "condition.diabetes": "diabetes",
    "condition.hypertension": "high blood pressure",
    "condition.asthma": "asthma",
    "condition.hypothyroidism": "hypothyroidism",
    "condition.epilepsy": "epilepsy",
    "condition.copd": "COPD",
    "condition.pregnancy": "pregnancy",
    "condition.high_cholesterol": "high cholesterol",
    "condition.heart_failure": "heart failure",
    "condition.kidney_disease": "kidney disease",
    "condition.depression": "depression",
    "condition.celiac": "coeliac disease",
    "condition.migraine": "migraine",
    # export
    "export.intro": "Here is your record:",
    "export.archive": "Full archive (FHIR R4 + original documents)",
    "export.summary": "One-page summary for your doctor",
    "export.summary_name": "summary",
    # one-page summary for a doctor (PDF)
    "summary.title": "Medical summary",
    "summary.generated": "Generated on {date}",
    "summary.born": "born in {year}",
    "summary.sex.female": "female",
    "summary.sex.male": "male",
    "summary.sex.other": "other",
    "summary.treatments": "Current treatments",
    "summary.allergies": "Allergies and intolerances",
    "summary.vaccinations": "Vaccinations",
    "summary.labs": "Latest out-of-range results",
    "summary.none_treatments": "No current treatment recorded.",
    "summary.none_allergies": "No known allergy recorded.",
    "summary.none_vaccinations": "No vaccination recorded.",
    "summary.none_labs": "No out-of-range value among the latest results.",
    "summary.more": "… and {n} more",
    "summary.footer": "Prepared by carnet from the patient's documents and statements; to be "
    "checked.",
    "summary.drug_class": "class {name}",
    "summary.reaction": "reaction {reaction}",
    "summary.lot": "lot {lot}",
    "summary.date_unknown": "date unknown",
    "summary.first_day": "1",
    "summary.lab": "{name}: {value}",
    "summary.range": "range {bounds}",
    "summary.high": "high",
    "summary.low": "low",
    "summary.abnormal": "abnormal",
    "posology.times.1": "once",
    "posology.times.2": "twice",
    "posology.times.n": "{n} times",
    "summary.times_per": "{times} a {unit}",
    "summary.times_every": "{times} every {period} {unit}",
    "summary.when.MORN": "morning",
    "summary.when.NOON": "noon",
    "summary.when.AFT": "afternoon",
    "summary.when.EVE": "evening",
    "summary.when.HS": "at bedtime",
    "summary.when.C": "with meals",
    "summary.when.AC": "before meals",
    "summary.when.PC": "after meals",
    "summary.when.CM": "at breakfast",
    "summary.when.CD": "at lunch",
    "summary.when.CV": "at dinner",
    # commands (setMyCommands)
    "command.start": "Start",
    "command.help": "What carnet can do",
    "command.treatments.current": "My current treatments",
    "command.allergies.list": "My allergies",
    "command.vaccines": "My vaccines, done and due",
    "command.labs.list": "My latest lab results",
    "command.documents.list": "My documents",
    "command.reminders.list": "My next reminders and settings",
    "command.profile": "My profile, or a relative's",
    "command.export": "Export my record (FHIR + PDF)",
    "command.delete": "Erase everything",
    "command.language": "Change language",
    "command.timezone": "Change timezone",
    "command.cancel": "Cancel",
    # local chat
    "chat.intro": "carnet — /doc PATH sends a photo or a PDF; type a button's number to choose "
    "it; Ctrl-D to quit.",
    "chat.no_file": "I can't find the file {path}.",
    "chat.left": "(carnet left the chat)",
    # adapter
    "access.denied": "Sorry, this carnet is private: you are not allowed to use it.",
    "rate.limited": "You are writing very fast: wait a minute before trying again.",
    # errors
    "error.empty_file": "This file is empty. Could you send it again?",
    "error.unsupported_format": "I can't read this kind of file. Send a photo (JPEG, PNG) or a "
    "PDF.",
    "error.image_too_large": "This image is too large for me. Send a normal photo or shrink it.",
    "error.too_many_pages": "This PDF has too many pages. Send only the pages that matter.",
    "error.encrypted_pdf": "This PDF is password-protected. Send a version without a password or "
    "a screenshot.",
    "error.corrupt_file": "This file seems damaged. Could you send it again?",
    "error.unreadable_document": "I can't read this document. Take the photo again, flat, "
    "straight on, in good light.",
    "error.image_too_small": "The photo is too small to read. Send it as a file (uncompressed) or "
    "from closer.",
    "error.ocr_engine_missing": "Reading documents is not available on this server right now. "
    "Your document is kept; try again later.",
    "error.ocr_failed": "Reading failed. Try again in a moment.",
    "error.extraction": "I couldn't read this document. Try again with a sharper photo.",
    "error.store_full": "I could not save: the server's storage is full. Nothing was half-saved; "
    "try again later.",
    "error.store": "I can't reach your record right now. Try again in a moment.",
    "error.tampered": "Some data in your record seems altered; I don't use it. The administrator "
    "is informed.",
    "error.busy": "I was already handling another message: could you send yours again?",
    "error.unknown_user": "I don't know you yet: type /start.",
    "error.file_too_big": "This file is too big for me (20 MB max). Send a lighter photo or PDF.",
    "error.edited": "I only read new messages; send your correction as a new message.",
    "error.unsupported": "I only understand text, photos and PDFs.",
    "error.export_unavailable": "Export is not available right now. Try again later.",
    "error.internal": "Sorry, something went wrong on my side. Try again in a moment.",
    # reminders sent by bot.reminders (dispatcher, buttons, adherence)
    "reminders.intake": "💊 {time} — time for {name}.",
    "reminders.intake.dose": "💊 {time} — time for {name}: {dose}.",
    "reminders.button.intake.taken": "✅ Taken",
    "reminders.button.intake.later": "⏰ Later",
    "reminders.button.intake.skip": "⏭ Skip",
    "reminders.button.other.taken": "✅ Done",
    "reminders.button.other.later": "⏰ Later",
    "reminders.button.other.skip": "Dismiss",
    "reminders.button.stop": "🔕 Stop these reminders",
    "reminders.renewal.renew": "📦 Your box of {name} runs out soon (around {date}): remember to "
    "go to the pharmacy for the renewal.",
    "reminders.renewal.prescription_end": "📋 The prescription for {name} ends around {date}: "
    "book your doctor if the treatment should continue.",
    "reminders.renewal.treatment_end": "📋 The {name} treatment ends around {date}. Should it be "
    "renewed? Ask your doctor.",
    "reminders.renewal.check": "Are you still taking {name}? Check that you have enough left and "
    "that your prescription is up to date.",
    "reminders.follow_up": "🗓 Reminder: {what}.",
    "reminders.generic": "🔔 Reminder: {what}.",
    "reminders.missed.title": "While I was unavailable, {count} reminder(s) could not be sent on "
    "time:",
    "reminders.missed.line": "• {time} — {name}",
    "reminders.missed.footer": "Do not take a double dose to make up for a missed one: ask your "
    "pharmacist if in doubt.",
    "reminders.adherence.title": "Your week:",
    "reminders.adherence.line": "{taken} of {total} doses of {name} taken",
    "reminders.adherence.none": "No doses were planned this week.",
    "reminders.answer.taken": "Noted ✅",
    "reminders.answer.skipped": "Noted, dose skipped.",
    "reminders.answer.snoozed": "I'll remind you at {time}.",
    "reminders.answer.already": "You already answered this reminder.",
    "reminders.answer.unknown": "This reminder no longer exists.",
    "reminders.answer.stopped": "Reminders for {name} stopped. You can turn them back on from "
    "/rappels.",
    "reminders.title.summary": "weekly summary",
    "reminders.title.breast_screening": "breast cancer screening",
    "reminders.title.colorectal_screening": "colorectal cancer screening",
    "reminders.title.cervical_cytology": "cervical screening (smear test)",
    "reminders.title.cervical_hpv": "cervical screening (HPV test)",
    "reminders.title.checkup": "prevention check-up",
    "reminders.title.prevention_check": "prevention calendar check",
    "reminders.title.dental": "M'T dents dental check-up",
    "reminders.prevention.dtp": "💉 The diphtheria-tetanus-polio (dTP) booster is recommended at "
    "25, 45 and 65 then every 10 years. According to your record, it is time.",
    "reminders.prevention.dtcap_catchup": "💉 A whooping cough (dTcaP) booster can be given up to "
    "age 39 if it was not given at 25.",
    "reminders.prevention.influenza": "💉 The flu vaccination campaign is on; it is recommended "
    "for you (fully covered).",
    "reminders.prevention.influenza_child": "💉 Flu vaccination can be offered to children aged "
    "2 to 17.",
    "reminders.prevention.covid": "💉 The autumn COVID-19 campaign concerns you; it can be done "
    "together with the flu shot.",
    "reminders.prevention.covid_spring": "💉 A spring COVID-19 dose is recommended for you.",
    "reminders.prevention.shingles": "💉 Shingles vaccination (2 doses, 2 months apart) is "
    "recommended for you.",
    "reminders.prevention.pneumococcal": "💉 One dose of pneumococcal vaccine is recommended for "
    "you.",
    "reminders.prevention.rsv": "💉 RSV vaccination is recommended for you, from September to "
    "January.",
    "reminders.prevention.hpv": "💉 HPV vaccination is recommended between 11 and 14 (2 doses).",
    "reminders.prevention.hpv_catchup": "💉 HPV catch-up vaccination is possible up to age 26 "
    "(3 doses).",
    "reminders.prevention.menacwy": "💉 One dose of meningococcal ACWY vaccine is recommended "
    "between 11 and 14.",
    "reminders.prevention.menacwy_catchup": "💉 Meningococcal ACWY catch-up is recommended up to "
    "age 24.",
    "reminders.prevention.mmr": "💉 Two MMR doses are recommended for people born since 1980: I "
    "don't see two in your record.",
    "reminders.prevention.pertussis_pregnancy": "💉 During pregnancy, whooping cough vaccination "
    "is recommended from 20 weeks of amenorrhoea.",
    "reminders.prevention.rsv_pregnancy": "💉 During pregnancy (32 to 36 weeks, September to "
    "January), an RSV vaccine protects the baby.",
    "reminders.prevention.infant_hexavalent": "💉 Infant hexavalent vaccine due (2, 4 and 11 "
    "months).",
    "reminders.prevention.infant_pcv": "💉 Infant pneumococcal vaccine due (2, 4 and 11 months).",
    "reminders.prevention.infant_rotavirus": "💉 Infant rotavirus vaccine due.",
    "reminders.prevention.infant_menb": "💉 Infant meningococcal B vaccine due (3, 5 and 12 "
    "months).",
    "reminders.prevention.infant_menacwy": "💉 Infant meningococcal ACWY vaccine due (6 and 12 "
    "months).",
    "reminders.prevention.infant_mmr": "💉 MMR vaccine due (12 and 16-18 months).",
    "reminders.prevention.child_dtcap": "💉 The 6-year DTCaP booster is due.",
    "reminders.prevention.teen_dtcap": "💉 The 11-13-year dTcaP booster is due.",
    "reminders.prevention.breast_screening": "🩺 Organised breast cancer screening: a mammogram "
    "every 2 years from 50 to 74, fully covered.",
    "reminders.prevention.colorectal_screening": "🩺 Colorectal cancer screening: a test every 2 "
    "years from 50 to 74. Get the kit at a pharmacy or on monkit.depistage-colorectal.fr.",
    "reminders.prevention.cervical_cytology": "🩺 Cervical cancer screening: a smear test every 3 "
    "years from 25 to 29 (after two first ones a year apart).",
    "reminders.prevention.cervical_hpv": "🩺 Cervical cancer screening: an HPV test every 5 years "
    "from 30 to 65.",
    "reminders.prevention.checkup": "🩺 “Mon bilan prévention”: a free appointment with a "
    "health professional is offered at your age.",
    "reminders.prevention.dental": "🦷 A yearly “M'T dents” dental check-up is covered up to "
    "age 24.",
}
