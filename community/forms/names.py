"""
What a display name may not look like: the site's staff, a web address, or
Latin letters with look-alikes from another alphabet slipped in.

Names are compared by their *skeleton*, as Unicode's confusable detection
(UTS #39) does: each character becomes the plain Latin letter it looks like
(a Cyrillic or a full-width capital M becomes "m", "0" becomes "o", "rn"
becomes "m"), accents go and case is ignored. So "Moderator" spelled with a
Cyrillic M, "M0DERATOR" and "M.o.d.e.r.a.t.o.r" all read as "moderator". Staff words count as whole words
("Editorial Eddie" and "Modesty" are fine, "The Editor" is not), so a member
may still be called what they like in their own language and alphabet:
"Мария", "李明", "Zoë" and "田中さん" all pass.
"""

import re
import unicodedata

from confusable_homoglyphs import confusables
from confusable_homoglyphs.confusables import confusables_data

# Words that make a member look like part of the site's team, as whole words.
STAFF_WORDS = (
    "moderator", "moderators", "moderation", "mod", "mods", "modteam", "modsteam",
    "admin", "admins", "administrator", "administrators", "sysadmin", "webmaster",
    "staff", "editor", "editors", "editorialteam", "official", "officialaccount",
    "supportteam", "helpdesk", "customersupport", "customerservice", "siteteam",
    "ibdmovement", "ibdmovementteam", "teamibdmovement",
)  # fmt: skip
# Long and distinctive enough to refuse even inside a longer word ("MayaModerator", "xadministratorx").
STAFF_WORDS_INSIDE = ("moderator", "administrator", "ibdmovement")
STAFF_WORDS_MESSAGE = (
    'A display name can\'t include words like "moderator", "admin", "staff", "editor" or "IBD Movement": '
    "those are kept for the site and its team, so nobody mistakes a member for one of us. Please choose another."
)
WEB_ADDRESS_MESSAGE = (
    "A display name can't be or contain a web address (such as www…, http… or example.com). Please choose another."
)
LOOKALIKE_MESSAGE = (
    "A display name can't mix alphabets with letters that look alike, such as a Cyrillic \u201c\u041c\u201d among "
    "Latin letters. Please write your name in one alphabet."
)

# Characters people use in place of letters. "l", "1", "|" and "i" all become "i": they are hard to tell apart.
STAND_INS = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "$": "s", "|": "i", "!": "i", "l": "i"}
# Top-level domains common enough that "name.tld" reads as a web address.
DOMAINS = (
    "com|net|org|info|biz|io|co|ly|me|uk|us|ca|au|nz|ie|de|fr|es|it|nl|eu|ru|cn|jp|in|br|ch|be|se|no|dk|fi|pl|pt"
    "|tv|app|dev|xyz|online|site|shop|store|health|care|club|link|click|top|live|blog|news|email|page|gg|ai|so|to|cc"
)
WEB_ADDRESS = re.compile(
    r"\b(?:https?|www)\b|://"
    rf"|\b[a-z0-9-]+\.(?:{DOMAINS})\b"
    # Spelled out or spaced: "maya dot com", "maya . org" (only where the ending can't be an ordinary word).
    r"|\b[a-z0-9-]+(?:\s*\.\s*|\s+dot\s+|\s*[(\[]dot[)\]]\s*)(?:com|net|org|info|biz|io|ly)\b"
)
# Full stops from other alphabets that NFKC leaves alone.
FULL_STOPS = str.maketrans({"\u3002": ".", "\uff61": ".", "\u2024": ".", "\u0701": ".", "\u0702": "."})


def problem_with_display_name(name):
    """Why a (tidied) display name can't be used, as a message for the member; None if it can."""
    if mixes_lookalike_alphabets(name):
        return LOOKALIKE_MESSAGE
    if looks_like_web_address(name):
        return WEB_ADDRESS_MESSAGE
    if staff_word_in(name):
        return STAFF_WORDS_MESSAGE
    return None


def mixes_lookalike_alphabets(name):
    """Letters from more than one alphabet, one of them standing in for a Latin letter ("Moderator", Cyrillic M).

    One alphabet is fine whatever it is; so are alphabets that don't look Latin side by side ("Maya 李", "田中さん").
    """
    name = unicodedata.normalize("NFKC", name)
    if not confusables.is_mixed_script(name, allowed_aliases=["COMMON", "INHERITED"]):
        return False
    return bool(confusables.is_confusable(name, preferred_aliases=["latin", "common", "inherited"]))


def looks_like_web_address(name):
    return bool(WEB_ADDRESS.search(_latin_lookalike(name)))


def staff_word_in(name):
    """The staff word a name contains as a word (or run of words: "Mod Team", "IBD-Movement"), or None."""
    words = skeleton_words(name)
    for start in range(len(words)):
        for end in range(start + 1, min(start + 4, len(words)) + 1):
            if "".join(words[start:end]) in _STAFF_SKELETONS:
                return "".join(words[start:end])
    joined = "".join(words)
    return next((word for word in _STAFF_SKELETONS_INSIDE if word in joined), None)


def skeleton_words(name):
    """The name's words, each as its skeleton. A new word starts at a space or punctuation, or at a capital
    after a small letter ("MayaModerator"); runs of single letters join up ("M.o.d" is one word, "mod")."""
    words, word, previous = [], "", ""
    for character in unicodedata.normalize("NFKC", name).translate(FULL_STOPS):
        latin = _skeleton_character(character)
        if not latin or (character.isupper() and previous.islower()):
            words.append(word)
            word = ""
        word += latin
        previous = character
    words.append(word)
    joined, singles = [], ""
    for word in filter(None, words):
        if len(word) == 1:
            singles += word
            continue
        if singles:
            joined.append(singles)
            singles = ""
        joined.append(word)
    if singles:
        joined.append(singles)
    return [word.replace("rn", "m") for word in joined]


def skeleton(text):
    return "".join(skeleton_words(text))


def _skeleton_character(character):
    """The plain Latin letters a character reads as (lower case), "" for a separator; others as they are."""
    if character in STAND_INS:
        return STAND_INS[character]
    latin = _latin_character(character)
    if latin in STAND_INS:
        return STAND_INS[latin]
    return latin if latin.isalnum() else ""


def _latin_lookalike(text):
    """The text in lower-case plain Latin where its letters look Latin, punctuation kept: for web addresses."""
    text = unicodedata.normalize("NFKC", text).translate(FULL_STOPS).casefold()
    return "".join(_latin_character(character) for character in text)


def _latin_character(character):
    if character.isascii():
        return character.lower()
    bare = "".join(c for c in unicodedata.normalize("NFD", character) if not unicodedata.combining(c))
    if bare.isascii() and bare.isalnum():
        return bare.lower()  # é, ö, ñ
    for homoglyph in confusables_data.get(character, ()):
        bare = "".join(c for c in unicodedata.normalize("NFD", homoglyph["c"]) if not unicodedata.combining(c))
        if bare.isascii() and bare.isalnum():
            return bare.lower()  # Cyrillic capital Em, Greek omicron
    return character.casefold()


_STAFF_SKELETONS = frozenset(skeleton(word) for word in STAFF_WORDS)
_STAFF_SKELETONS_INSIDE = tuple(skeleton(word) for word in STAFF_WORDS_INSIDE)
