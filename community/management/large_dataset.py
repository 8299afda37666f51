"""
The words ``generate_large_dataset`` builds its articles, members and comments
from: plausible, fictional, and few enough that each distinct text is rendered
to HTML once however many rows carry it.

Nothing here is medical advice; like the real articles, the texts send
readers back to their own IBD team.
"""

CONTRIBUTORS = [
    ("Amara Bell", "MSc, health journalist", "IBD Movement editorial team"),
    ("Dr Iain Forsyth", "MB ChB, consultant gastroenterologist", "A regional IBD service"),
    ("Grace Adeyemi", "RN, IBD clinical nurse specialist", "IBD Movement contributor"),
    ("Dr Mei Lin Tan", "PhD, epidemiologist", "A university research group"),
    ("Owen Pritchard", "BSc, registered dietitian", "IBD Movement contributor"),
    ("Dr Sofia Marquez", "MD, paediatric gastroenterologist", "A children's hospital IBD team"),
]

TAGS = [
    "Crohn's disease", "Ulcerative colitis", "Clinical trials", "Biologics", "Anti-TNF", "JAK inhibitors",
    "Biosimilars", "Steroids", "Azathioprine", "Ustekinumab", "Vedolizumab", "Infliximab", "Adalimumab",
    "Risankizumab", "Ozanimod", "Stem cells", "Perianal fistula", "Surgery", "Ileostomy", "J-pouch",
    "Strictures", "Diet", "Nutrition", "Exclusive enteral nutrition", "Microbiome", "Faecal transplant",
    "Fatigue", "Anaemia", "Iron deficiency", "Pain", "Sleep", "Mental health", "Exercise", "Work and study",
    "Travel", "Pregnancy", "Children and teenagers", "Vaccines", "Bone health", "Skin", "Eyes", "Joints",
    "Mouth ulcers", "Primary sclerosing cholangitis", "Bowel cancer screening", "Colonoscopy", "Calprotectin",
    "Genetics", "Precision medicine", "Remission", "Flares", "Smoking", "IBD nurses", "Telemedicine",
    "Patient voices", "Understanding research", "Everyday life", "Older adults", "Costs and access",
    "TNF-\N{GREEK SMALL LETTER ALPHA}",  # a Unicode tag slug, as editors make them
]  # fmt: skip

HEADLINE_SUBJECTS = [
    "A new oral treatment", "An injected biologic", "A low-cost diet plan", "A home calprotectin test",
    "A nurse-led clinic", "A gut-bacteria therapy", "A shorter steroid course", "An early surgery approach",
    "A sleep programme", "An exercise plan", "A vaccine schedule", "A mobile symptom diary",
]  # fmt: skip
# Each finding with the evidence stage a story reporting it would carry.
FINDING_STAGES = {
    "eases symptoms for more people with ulcerative colitis": "randomised-trial",
    "helps Crohn's disease stay in remission for longer": "randomised-trial",
    "cuts hospital visits in a large study": "observational",
    "shows early promise in a small trial": "early-trial",
    "works as well as the usual treatment, a trial finds": "randomised-trial",
    "improves fatigue scores after six months": "early-trial",
    "brings faster healing seen on colonoscopy": "regulatory-review",
    "is safe over two years, follow-up data suggest": "observational",
}
HEADLINE_FINDINGS = list(FINDING_STAGES)

FIRST_NAMES = [
    "Priya", "Tom", "Ruth", "Dee", "Sam", "Alex", "Jordan", "Maya", "Kwame", "Fatima", "Liam", "Chloe",
    "Aisha", "Ben", "Nadia", "Owen", "Zara", "Callum", "Hannah", "Ravi", "Sophie", "Marek", "Leah", "Ibrahim",
    "Grace", "Finn", "Yasmin", "Ellie", "Tariq", "Rosa", "Dylan", "Mina", "Jack", "Amelia", "Hugo", "Ines",
]  # fmt: skip

# Sentences that paragraphs of an article are drawn from.
ARTICLE_SENTENCES = [
    "The study followed adults with moderate to severe disease for a full year.",
    "People in the trial had already tried at least one biologic medicine.",
    "Researchers measured healing with colonoscopy as well as with symptom scores.",
    "Side effects were mostly mild, and similar in both groups.",
    "The results have not yet been reviewed by a regulator.",
    "A larger trial is planned before the treatment could reach clinics.",
    "Many people with IBD live with fatigue even when their gut is calm.",
    "Blood tests can find causes of tiredness that are easy to treat, such as low iron.",
    "Your IBD team knows your history and can say whether a result applies to you.",
    "Please don't stop or change a treatment because of something you read here.",
    "Small trials can show promise, but they can also overestimate how well something works.",
    "The comparison group received a placebo that looked exactly the same.",
    "Neither the participants nor the doctors knew who received which treatment.",
    "Researchers chose the main measure of success before the trial began.",
    "Some people stopped taking part, and the report says how that was handled.",
    "Results at six months are encouraging, and longer follow-up will show whether they last.",
    "Food affects symptoms differently from person to person, so there is no single IBD diet.",
    "A dietitian can help you find out what suits you without cutting out too much.",
    "Children and teenagers with Crohn's disease are often treated differently from adults.",
    "Surgery is a treatment in its own right, not only a last resort.",
    "Many people feel better after surgery than they expected to.",
    "Stopping smoking is one of the most helpful changes for people with Crohn's disease.",
    "Talking to others who understand can make a long condition feel less lonely.",
    "The trial was paid for by the company that makes the medicine, which the authors declare.",
    "An independent group checked the safety data while the trial was running.",
    "The people in the study were mostly white adults, so the results may not apply to everyone.",
    "It is worth asking how a new option would fit with the treatments you already take.",
    "Flares can be unpredictable, and a plan agreed in advance can make them easier to manage.",
    "Calprotectin tests measure inflammation from a stool sample, without a colonoscopy.",
    "Some clinics now offer video appointments for routine reviews.",
]

SECTION_HEADINGS = [
    "What the study did", "What it found", "What this means for you", "What we don't know yet",
    "How this fits with today's treatments", "Practical considerations", "The bigger picture",
    "Managing expectations", "Questions the study leaves open", "Who took part", "Safety",
    "What happens next",
]  # fmt: skip

QUESTIONS = [
    "Could this treatment suit me, given what I have already tried?",
    "How would this compare with my current treatment plan?",
    "Is there a clinical trial I could join?",
    "What would the side effects mean for my daily life?",
    "How would we know whether it was working?",
    "Could any of my medicines be adding to my tiredness?",
    "Should I see a dietitian about what I eat?",
    "What should I do if my symptoms flare before my next appointment?",
]

STUDY_FACTS = {
    "intervention": "An investigational once-daily tablet",
    "condition": "Moderate to severe ulcerative colitis",
    "design": "Randomised, double-blind, placebo-controlled",
    "sites": "Multiple medical centres",
    "primary_endpoint": "Clinical remission",
    "time_point": "Week 52",
    "result": "More people reached remission with the treatment than with placebo",
    "safety": "Mostly mild side effects; no new safety concerns reported",
}

# The review checklist of a generated research article: an answer and note per criterion number, and the
# "not applicable" answers (with their reasons) that some articles give instead.
REVIEW_ANSWERS = {
    1: ("yes", "The summary gives the share of people who improved in each group."),
    2: ("yes", "Side effects are described, with how often they happened."),
    3: ("yes", "We give the design, the number of people and how long they were followed."),
    4: ("yes", "We say the treatment is not yet available outside trials."),
    5: ("yes", "We compare it with the treatments people use today."),
    6: ("no", "We had only the news report; the study's funding is stated but no independent expert commented."),
    7: ("yes", "We describe the condition without exaggerating how common or severe it is."),
    8: ("yes", "We say what earlier studies found."),
    9: ("yes", "No hype words: we call the result promising, not a breakthrough."),
    10: ("yes", "The source was a news report, not a press release."),
}
REVIEW_NOT_APPLICABLE = {
    4: "The study tested a way of organising care, not a product with a price.",
    5: "There is no current treatment for this to be compared with.",
}

COMMENT_BODIES = [
    "Thank you for explaining this so clearly. I've shared it with my mum, who always asks what my results mean.",
    "I've had Crohn's for twelve years and this is the first time I've understood what 'double-blind' means.",
    "Has anyone asked their IBD nurse about this? I'm going to bring it up at my next appointment.",
    "My iron was low for months before anyone checked. Worth asking for a blood test if you're always tired.",
    "I tried an elimination diet on my own and lost too much weight. A dietitian helped me far more.",
    "Same here. Fatigue is the symptom nobody sees, and it's the one that affects my work the most.",
    "I'm trying not to get my hopes up too early, but it's good to know research like this is happening.",
    "Does anyone know whether this would be available on the NHS, or only privately?",
    "My surgeon said almost exactly this: surgery isn't failure, it's another treatment. I wish I'd heard it sooner.",
    "I had my ileostomy five years ago and honestly my life is better now. Happy to answer questions.",
    "Video appointments have saved me so many half-days off work. I hope clinics keep offering them.",
    "The section on managing expectations helped. It's easy to read a headline and think a cure is coming next year.",
    "I was on steroids for far too long before starting a biologic. I'm glad the advice seems to be changing.",
    "Thank you to everyone sharing their experiences here. I was diagnosed last month and it helps to read.",
    "It would be good to know how many people in the trial had already tried two or more biologics.",
    "I joined a trial a few years ago. It was a lot of appointments, but I felt very well looked after.",
    "My daughter was diagnosed at 13. The point about children being treated differently is so important.",
    "Calprotectin tests at home would make such a difference. I hate waiting weeks for results.",
    "I found the charity's helpline really useful when I was newly diagnosed: www.crohnsandcolitis.org.uk",
    "Sleep is my biggest problem during a flare. Does anyone have tips that actually worked for them?",
    "Stopping smoking was the hardest thing I've done, and my Crohn's has been calmer since.",
    "I appreciate that you always say not to change treatment without talking to our team. Some sites don't.",
    "Is there any news on treatments for strictures? I've had two dilations this year.",
    "I read the original study after this. The summary here is accurate and much easier to follow.",
    "My joints flare when my gut does. I didn't know for years that the two could be connected.",
    "Good to see the limitations spelled out. Small trials often look better than the big ones that follow.",
    "The questions to ask at the end are so useful. I always forget what I wanted to ask once I'm in the room.",
    "Exercise helps my fatigue, oddly, but only if I build up really slowly. Pacing is everything.",
    "Thank you. I'll print this out and take it to clinic.\n\nI've highlighted the bits I want to ask about.",
    "Ten years in remission on the same biologic here. It doesn't work for everyone, but it can work.",
    "Travel insurance with IBD is a nightmare. Would love an article on that one day.",
    "Interesting that the people in the trial were mostly adults over 30. I hope they include younger people "
    "next time.",
    "I agree with Priya above: ask about trials. My consultant didn't mention them until I asked.",
    "Mouth ulcers were my first symptom, years before anything else. Nobody connected them to Crohn's.",
    "Pregnancy with UC went much better than I feared. My team planned everything with me beforehand.",
    "I've found the community here kinder than most forums. Thank you, moderators.",
    "More about mental health and IBD, please. The anxiety about flares is as hard as the flares themselves.",
    "I had a J-pouch made two years ago. It took time to settle but I'm glad I did it.",
    "The explanation of placebo groups finally made sense of why some trials show people improving on both.",
    "Does the tablet need to be taken with food? Maybe a question for the clinic rather than here.",
]

REMOVED_REASONS = [
    "Advice to stop a prescribed treatment",
    "Advertising a product",
    "Personal information about someone else",
    "Unkind to another member",
]
