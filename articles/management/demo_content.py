"""
The demo articles and contributors that ``seed_demo`` loads, in the project's
own words. The STOMP2 facts come from shared/SEED-NOTES.md; the people and
the demo source are fictional, and the source's address uses the reserved
``.example`` domain so it can never point at a real publisher.
"""

import datetime

CONTRIBUTORS = [
    {
        "slug": "hannah-okafor",
        "name": "Hannah Okafor",
        "credentials": "MSc, health journalist",
        "affiliation": "IBD Movement editorial team",
        "bio": "Hannah has written about gut health for ten years and has lived with ulcerative colitis since "
        "her twenties. She edits IBD Movement's research news.",
    },
    {
        "slug": "dr-rafael-mendes",
        "name": "Dr Rafael Mendes",
        "credentials": "MD, PhD, consultant gastroenterologist",
        "affiliation": "Inflammatory bowel disease service, a university teaching hospital",
        "bio": "Rafael runs an IBD clinic and reviews IBD Movement's articles about treatments for medical "
        "accuracy. He declares no payments from companies whose products we cover.",
    },
    {
        "slug": "lucy-brennan",
        "name": "Lucy Brennan",
        "credentials": "RN, IBD clinical nurse specialist",
        "affiliation": "IBD Movement contributor",
        "bio": "Lucy has supported people with Crohn's and colitis in clinic and on the helpline for fifteen "
        "years. She writes about everyday life with IBD.",
    },
]

STOMP2 = {
    "slug": "stem-cell-therapy-perianal-fistulas-stomp2",
    "kind": "research",
    "topic": "crohns-disease",
    "author": "hannah-okafor",
    "medical_reviewer": "dr-rafael-mendes",
    "reviewed_on": datetime.date(2026, 11, 19),
    "published_at": datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC),
    "headline": "A therapy made from patients' own stem cells shows promise for Crohn's perianal fistulas",
    "standfirst": "In the STOMP2 trial, more people's hard-to-treat perianal fistulas healed with AU-101 "
    "than with a placebo. AU-101 is made from each person's own stem cells. It is still being tested: here is what the "
    "result does and doesn't tell us.",
    "opening": "If you live with a perianal fistula, you may know how much it can take over. There is "
    "the pain, the discharge and the dressings. There are the clinic visits. It can shape what you wear, where you "
    "sit and whether you go out at all.\n\n"
    "You may also have had treatments that helped for a while, until the fistula came back. So news of a new "
    "approach deserves a careful look. This result is encouraging. It is also one step on a longer road.",
    "source_publisher": "IBD Research Digest",
    "source_headline": "Autologous stem-cell injection AU-101 meets primary endpoint in STOMP2 perianal fistula trial",
    "source_url": "https://research-digest.example/news/au-101-stomp2-perianal-fistula",
    "source_published_on": datetime.date(2026, 11, 18),
    # Phase 2, randomised, double-blind and placebo-controlled; not yet approved.
    "evidence_stage": "randomised-trial",
    "key_points": "109 people with perianal fistulas that were hard to treat had an injection of AU-101 or "
    "a placebo.\n"
    "More fistulas healed with AU-101, checked by a doctor and on an MRI scan after 24 weeks.\n"
    "No new safety worries were found.\n"
    "AU-101 is still being tested, so your doctor can't offer it yet.\n"
    "Keep to your current treatment, and ask your team whether a trial could suit you.",
    "summary": "Researchers have reported results from **STOMP2**, a trial of AU-101 in 109 people "
    "with Crohn's perianal fistulas. Their fistulas had been hard to treat. The trial ran at several medical centres. "
    "It was randomised, double-blind and placebo-controlled. So people were put in groups by chance, and neither they "
    "nor their doctors knew who got AU-101 and who got the placebo.\n\n"
    "AU-101 is made from each person's own (autologous) mesenchymal stem cells. The cells are collected and then "
    "processed in a specialised facility. After that, they are injected into the fistula tract.\n\n"
    "The trial's main test of success had two parts. A doctor had to find the fistula healed, and an MRI scan had to "
    "show it healed too. The healing also had to last to 24 weeks. More people passed that test with AU-101 than with "
    "the placebo. The gap was statistically significant, which means it was unlikely to be down to chance.\n\n"
    "AU-101 was well tolerated. Its safety record matched earlier studies, and no new safety concerns came up. It is "
    "still investigational. Regulators will need to review it, and more studies are likely.",
    "closing": "Living with a fistula can feel like a cycle of small hopes and setbacks. Results like "
    "this one show that researchers are working on this very problem. The next options may work in a different way "
    "from the last. Keep talking to your team, and keep asking questions.",
    "hero_alt": "An abstract illustration of soft, overlapping circles in teal and sand colours, suggesting cells.",
    "hero_credit": "Illustration: IBD Movement",
    "hero_seed": 2,
    "tags": ["Perianal fistula", "Stem cells", "Clinical trials", "Crohn's disease"],
    "study": {
        "study_name": "STOMP2",
        "intervention": "AU-101, an investigational therapy made from the patient's own (autologous) mesenchymal "
        "stem cells: harvested, processed in a specialised facility and injected into the fistula tract",
        "condition": "Crohn's perianal fistulas that have been difficult to treat",
        "design": "Randomised, double-blind, placebo-controlled",
        "participants": 109,
        "sites": "Multiple medical centres",
        "primary_endpoint": "Combined clinical and radiologic (MRI) healing, sustained",
        "time_point": "24 weeks",
        "result": "A statistically significantly higher rate of combined healing with AU-101 than with placebo",
        "safety": "Well tolerated; safety profile consistent with earlier studies; no new safety concerns",
    },
    "sections": [
        (
            "What this means for the IBD community",
            "Today, doctors often treat perianal fistulas in more than one way at a time. Anti-TNF biologic "
            "medicines calm the inflammation. Antibiotics help to clear infection. Surgery can help too, such as "
            "placing a seton: a soft thread that lets the tract drain. These treatments help many people. But "
            "fistulas often get better and then come back.\n\n"
            "AU-101 works in a different way. It does more than calm inflammation. It aims to help the tissue repair "
            "itself, using cells from your own body. That is why researchers call it *regenerative*.",
        ),
        (
            "Practical considerations for patients",
            "If a treatment like this were approved, it would not be one quick injection. First your cells would be "
            "collected. Then you would wait while a specialised lab processed them. Then they would be injected. That "
            "means several visits to the clinic.\n\n"
            "- **Why 24 weeks matters.** A fistula can close for a while and then open again. Healing that lasts six "
            "months is a stronger sign than a quick change. Healing seen on an MRI scan, and not only by the "
            "doctor, is a stronger sign too.\n"
            "- **Why your own cells.** Your immune system is less likely to react against cells from your own body. "
            "That is part of the thinking about its safety.\n"
            "- **What we don't know yet.** Longer-term data will show how long the healing lasts. They will also show "
            "whether any rarer side effects appear.",
        ),
        (
            "The bigger picture in IBD research",
            "For a long time, IBD treatment has mostly meant damping down inflammation. Research is now also looking "
            "at two other paths. One is precision care: matching each treatment to the person. The other is "
            "regenerative care: helping damaged tissue heal.\n\n"
            "STOMP2 is also a good example of a careful trial. It did not rely only on what a doctor could see. It "
            "asked for healing on an MRI scan too. That is a hard test to pass. A fistula can look closed on the skin "
            "while the tunnel beneath it is still active.",
        ),
        (
            "Managing expectations and hope",
            "It usually takes years for regulators to review a new treatment. More studies are likely before AU-101 "
            "could be offered in clinics. You can't get it from your doctor today.\n\n"
            "Please don't stop or change your current treatment because of this news. Here is what the result does "
            "show. In a well-run trial, this approach healed more fistulas than a placebo did. And it seemed safe for "
            "as long as the study ran.",
        ),
    ],
    "questions": [
        "Given my fistula and the treatments I've tried, could a therapy like AU-101 suit me? Or could I join a "
        "trial of one?",
        "How might a stem-cell approach compare with the treatments I've already had?",
        "If it is approved, how long might it be before I could have it?",
        "While we wait, could we change anything to get more from my current treatment?",
    ],
    # The review checklist, criterion by criterion (ReviewAnswer.Criterion): answer, then the note readers see.
    "review": {
        "BENEFITS": (
            "no",
            "The report said significantly more fistulas healed with AU-101 than with placebo, but gave no healing "
            "rates, so we can't give you the numbers. We say so rather than guess.",
        ),
        "HARMS": (
            "yes",
            "We report that it was well tolerated with no new safety concerns, that no side-effect figures were "
            "given, and that longer-term data are still needed.",
        ),
        "EVIDENCE": (
            "yes",
            "A randomised, double-blind, placebo-controlled trial in 109 people at several centres, with healing "
            "checked by examination and MRI at 24 weeks.",
        ),
        "COSTS": (
            "yes",
            "AU-101 is investigational: it is not available from your doctor, only possibly in trials, and no "
            "price has been set.",
        ),
        "ALTERNATIVES": (
            "yes",
            "We set it beside today's options: anti-TNF biologics, antibiotics and surgery such as a seton.",
        ),
        "INDEPENDENT_SOURCES": (
            "no",
            "We had one news report to go on and found no comment from experts outside the trial. Our medical "
            "reviewer, who declares no ties to the company, checked the article.",
        ),
        "NO_DISEASE_MONGERING": (
            "yes",
            "We describe what living with a fistula is like without suggesting it is more common than it is.",
        ),
        "NOVELTY": (
            "yes",
            "We present this as one trial's result in a field that has studied stem cells for fistulas before, "
            "not as a first.",
        ),
        "NO_UNJUSTIFIED_LANGUAGE": (
            "yes",
            "We call the result encouraging and the treatment investigational; no “breakthrough” or “cure”.",
        ),
        "BEYOND_PRESS_RELEASE": (
            "yes",
            "Our source was a news report, not a company press release, and we say plainly what it left out.",
        ),
    },
}

FATIGUE = {
    "slug": "fatigue-and-ibd-what-can-help",
    "kind": "feature",
    "topic": "living-with-ibd",
    "author": "lucy-brennan",
    "medical_reviewer": "dr-rafael-mendes",
    "reviewed_on": datetime.date(2026, 11, 2),
    "published_at": datetime.datetime(2026, 11, 6, 9, 0, tzinfo=datetime.UTC),
    "headline": "Fatigue and IBD: why it happens and what can help",
    "standfirst": "Many people with Crohn's or colitis feel worn out, even when the disease is quiet. It is common, "
    "but it is not talked about much. Some causes can be found and treated.",
    "key_points": "Many people with IBD feel tired, even when their gut is calm.\n"
    "Some causes can be found with a blood test and treated, such as low iron.\n"
    "Poor sleep, low mood and some medicines can add to it.\n"
    "Tell your team how tired you feel: it is a real symptom, not a weakness.",
    "opening": "Fatigue with IBD is not ordinary tiredness. Many people describe it as a heaviness "
    "that sleep doesn't fix. It can make work, study and family life hard. If that sounds familiar, you are far from "
    "alone, and it is worth raising with your team.",
    "closing": "Fatigue can be invisible to the people around you. Naming it, to your team and to the people "
    "close to you, is a good first step.",
    "hero_alt": "An abstract illustration of calm horizontal bands in blue and grey, like a resting horizon.",
    "hero_credit": "Illustration: IBD Movement",
    "hero_seed": 5,
    "tags": ["Fatigue", "Anaemia", "Everyday life"],
    "sections": [
        (
            "Why IBD can leave you exhausted",
            "Inflammation itself can make you tired. So can other things that often come with IBD. These include "
            "anaemia from low iron, low vitamin B12 or vitamin D, and poor sleep because of symptoms at night. Low "
            "mood and some medicines can add to it too.",
        ),
        (
            "Things worth checking",
            "Some causes of fatigue show up in routine blood tests, and they can be treated. Low iron, for example, "
            "is common in IBD. Tablets or an infusion can put it right.\n\n"
            "Your team may also ask about your sleep, your mood and any new symptoms. Each of these can point to "
            "something that helps.\n\n"
            "Fatigue can carry on even when your blood tests and your IBD look settled. That is common, and it is "
            "still worth telling your team about.",
        ),
        (
            "Pacing your energy",
            "Many people find it helps to plan hard tasks for the time of day when they have most energy. Break big "
            "jobs into smaller parts, and rest before you run out. For some people, gentle activity, built up slowly, "
            "helps their energy over time.",
        ),
    ],
    # A harmless clarification, shown in the "Corrections and updates" box: (kind, days after publishing, text).
    "corrections": [
        (
            "update",
            7,
            "We added a short paragraph to “Things worth checking”: fatigue can go on even when blood tests are "
            "normal and the IBD itself is quiet, and it is still worth mentioning to your team. Nothing else in "
            "the article changed.",
        ),
    ],
    "questions": [
        "Could a blood test show whether anaemia, low iron, B12 or vitamin D is adding to my tiredness?",
        "Could any of my medicines be making me more tired?",
        "Is my IBD as well controlled as it could be, and could inflammation explain how I feel?",
        "Is there someone who could help me with sleep, mood or pacing?",
    ],
}

TRIAL_WORDS = {
    "slug": "randomised-double-blind-placebo-controlled-explained",
    "kind": "feature",
    "topic": "research",
    "author": "hannah-okafor",
    "medical_reviewer": "dr-rafael-mendes",
    "reviewed_on": datetime.date(2026, 10, 20),
    "published_at": datetime.datetime(2026, 10, 23, 9, 0, tzinfo=datetime.UTC),
    "headline": "Randomised, double-blind, placebo-controlled: what the words in a trial report mean",
    "standfirst": "News about IBD treatments is full of research terms. A short guide to what they mean, and why "
    "they help you judge how much a result can be trusted.",
    "key_points": "Randomised means people are put into groups by chance, so the groups are alike.\n"
    "Double-blind means no one knows who had which treatment until the end.\n"
    "Placebo-controlled means one group had a dummy treatment to compare against.\n"
    "Together they make it much less likely that a result is a fluke.",
    "opening": "You may read that a trial was *randomised, double-blind and placebo-controlled*. Each "
    "of those words tells you about a step the researchers took. Together, they show how hard the team worked to make "
    "sure the result was real. They help rule out chance, and the pull of what people hope to see.",
    "closing": "",
    "hero_alt": "An abstract illustration of a grid of small squares, some highlighted in teal.",
    "hero_credit": "Illustration: IBD Movement",
    "hero_seed": 9,
    "tags": ["Clinical trials", "Understanding research"],
    "sections": [
        (
            "Randomised",
            "People are put into the treatment group or the comparison group by chance, like the toss of a coin. "
            "That makes the two groups alike in every way but the treatment. So if the results differ, the treatment "
            "is the most likely reason.",
        ),
        (
            "Double-blind",
            "The people taking part don't know who is getting what. Nor do the doctors who check on them. That stops "
            "hopes and fears from colouring how symptoms are reported or judged.",
        ),
        (
            "Placebo-controlled",
            "The comparison group gets a dummy treatment that looks just the same. People often get a little better "
            "in any trial. The placebo group shows how much of that would have happened anyway.",
        ),
        (
            "Primary endpoint",
            "This is the main result the trial sets out to measure. It is chosen before the trial starts: for "
            "example, how many fistulas have healed at 24 weeks. Watch for a trial that reports a different result "
            "from the one it planned. It deserves a closer look.",
        ),
    ],
    "questions": [
        "Is there a clinical trial that might be suitable for me?",
        "If I joined a trial with a placebo group, what would happen to the treatment I have now?",
    ],
}

APPOINTMENT = {
    "slug": "preparing-for-your-ibd-clinic-appointment",
    "kind": "feature",
    "topic": "living-with-ibd",
    "author": "lucy-brennan",
    "medical_reviewer": None,
    "reviewed_on": None,
    # Scheduled: published a week after the demo is loaded, to show scheduling.
    "published_in_days": 7,
    "headline": "Getting the most from your IBD clinic appointment",
    "standfirst": "Clinic appointments can feel short. A little preparation helps you leave with answers.",
    "opening": "Write down your questions before you go, with the most important first. Take a list of your medicines "
    "too.",
    "closing": "",
    "hero_alt": "",
    "hero_credit": "",
    "hero_seed": None,
    "tags": ["Everyday life"],
    "sections": [
        (
            "Before you go",
            "For a week or two before the appointment, keep a short diary of your symptoms. Note how often you go "
            "to the toilet, and any blood or pain. Note how you sleep and how much energy you have.",
        ),
    ],
    "questions": ["What should I do if my symptoms flare before my next appointment?"],
}

# A draft as it might arrive from a hurried first pass over a press release: the hype words and the
# dense sentences are on purpose, so editors can see the plain-language checks flag them in admin.
DRAFT_NEEDS_EDITING = {
    "slug": "draft-new-pill-for-ulcerative-colitis",
    "kind": "research",
    "status": "draft",
    "evidence_stage": "early-trial",
    "topic": "treatments",
    "author": "hannah-okafor",
    "medical_reviewer": None,
    "reviewed_on": None,
    "published_in_days": 0,
    "headline": "Breakthrough pill could cure ulcerative colitis, company says",
    "standfirst": "A revolutionary once-daily tablet has been hailed as a game-changer after an early study in people "
    "with ulcerative colitis.",
    "opening": "",
    "source_publisher": "IBD Research Digest",
    "source_headline": "Oral candidate shows early signal in phase 2 colitis study",
    "source_url": "https://research-digest.example/news/oral-candidate-phase-2-colitis",
    "source_published_on": datetime.date(2026, 11, 21),
    "summary": "The company behind the tablet reported that, in a phase 2 study, a numerically greater proportion of "
    "participants receiving the investigational oral small-molecule therapy achieved endoscopic improvement "
    "relative to placebo at week twelve, although the difference was not tested for statistical significance "
    "and full results have not yet been published in a peer-reviewed journal.",
    "closing": "",
    "hero_alt": "",
    "hero_credit": "",
    "hero_seed": None,
    "tags": ["Clinical trials"],
    "sections": [
        (
            "What this could mean",
            "Notwithstanding the preliminary nature of these findings, the mechanism of action, which involves "
            "selective modulation of intracellular inflammatory signalling pathways, suggests considerable "
            "therapeutic potential across heterogeneous patient populations.",
        ),
    ],
    "questions": ["Would a tablet like this be suitable for me, if it is approved one day?"],
}

ARTICLES = [TRIAL_WORDS, FATIGUE, STOMP2, APPOINTMENT, DRAFT_NEEDS_EDITING]
# The article editors chose for the top of the home page.
FEATURED = STOMP2["slug"]

# A short introduction for each topic page, by the topic's slug (Markdown).
TOPIC_INTRODUCTIONS = {
    "crohns-disease": "Crohn's disease is a lifelong condition in which parts of the gut become inflamed. It can "
    "affect any part, from the mouth to the bottom, most often the end of the small bowel. It tends to come and "
    "go: there are flares, when symptoms such as pain, diarrhoea and tiredness get worse, and calmer times, "
    "called remission.\n\n"
    "There is no cure yet, but medicines, diet support and sometimes surgery help most people live well. Here "
    "we explain new research and what it may mean for you.",
    "ulcerative-colitis": "Ulcerative colitis is a lifelong condition in which the lining of the large bowel "
    "(the colon and rectum) becomes inflamed and can form ulcers. Common signs are diarrhoea with blood, an "
    "urgent need to go and tiredness. Like Crohn's disease, it tends to flare up and then settle.\n\n"
    "Treatments range from tablets and enemas to injections and, for some people, surgery. Here we explain new "
    "research and what it may mean for you.",
    "treatments": "There are many treatments for Crohn's and colitis, and new ones arrive every few years. "
    "Some calm the gut's inflammation, some ease symptoms, and surgery can help when medicines are not "
    "enough.\n\n"
    "Here we explain how treatments are tested, what a new result means, and what to ask your team. Please "
    "never stop or change a treatment because of something you read here.",
    "research": "Research is how we learn which treatments work and for whom. A single study is rarely the "
    "whole story: it matters how it was done, how many people took part and how far the work has come.\n\n"
    "Here we explain studies in plain words, and the terms you will meet in research news.",
    "living-with-ibd": "IBD is more than a gut condition. It can affect work, study, food, sleep, energy, "
    "mood and relationships, and the people around you may not see it.\n\n"
    "Here we share practical help for everyday life, and what research says about things like fatigue and "
    "diet.",
}

# The demo glossary: (term, slug, also matches, plain-language definition in Markdown).
# Starter words for the demo only; on a real site editors write and review their own.
GLOSSARY = [
    (
        "biologic",
        "biologic",
        "biologics, biologic medicine, biologic medicines",
        "A medicine made from living cells rather than mixed from chemicals. Biologics used in IBD, such as "
        "anti-TNF medicines, block one of the signals the immune system uses to keep inflammation going. They "
        "are given as an injection or a drip.",
    ),
    (
        "Crohn's disease",
        "crohns-disease",
        "Crohn's, Crohns",
        "A lifelong condition in which parts of the gut become inflamed. It can affect anywhere from the mouth to "
        "the anus, often in patches, and can go through the whole thickness of the gut wall.",
    ),
    (
        "double-blind",
        "double-blind",
        "double blind, double-blinded",
        "A way of running a trial in which neither the people taking part nor the doctors judging the results "
        "know who is getting the real treatment, so hopes can't colour the answers.",
    ),
    (
        "endpoint",
        "endpoint",
        "endpoints, primary endpoint, primary endpoints",
        "The result a trial sets out to measure, decided before it starts, such as how many people's fistulas "
        "have healed after 24 weeks. The *primary* endpoint is the main one the trial is judged on.",
    ),
    (
        "fistula",
        "fistula",
        "fistulas, fistulae",
        "A tunnel that forms between two parts of the body that shouldn't be joined, for example from the bowel "
        "to the skin near the bottom. Fistulas are a known complication of Crohn's disease.",
    ),
    (
        "mesenchymal stem cells",
        "mesenchymal-stem-cells",
        "mesenchymal stem cell, MSCs",
        "Cells found in places such as bone marrow and fat that can calm inflammation and help tissue repair. "
        "Researchers are testing whether they can help fistulas heal.",
    ),
    (
        "perianal",
        "perianal",
        "",
        "Around the anus, the opening at the end of the bowel. A perianal fistula opens onto the skin there.",
    ),
    (
        "placebo",
        "placebo",
        "placebos, dummy treatment",
        "A dummy treatment that looks just like the real one but has no active ingredient. Comparing the two "
        "shows how much of any improvement comes from the treatment itself.",
    ),
    (
        "randomised controlled trial",
        "randomised-controlled-trial",
        "randomized controlled trial, randomised controlled trials, RCT, RCTs",
        "A study in which people are put into groups by chance, one getting the treatment being tested and "
        "another a comparison, such as a placebo. It is the fairest way to test whether a treatment works.",
    ),
    (
        "remission",
        "remission",
        "",
        "A time when IBD is quiet: few or no symptoms, and often little or no inflammation on tests. Remission "
        "is not a cure, and keeping it is a main aim of treatment.",
    ),
    (
        "ulcerative colitis",
        "ulcerative-colitis",
        "",
        "A lifelong condition in which the lining of the large bowel (the colon and rectum) becomes inflamed "
        "and develops ulcers. Unlike Crohn's disease, it affects only the large bowel.",
    ),
]
