"""What editors publish, split by concept; every model is importable from ``articles.models``."""

from .article import (
    Article,
    ArticleDueForReview,
    ArticleQuerySet,
    months_after,
    tags_changed,
)
from .finding import SEARCH_FIELDS
from .glossary import SAME_CHARACTERS, GlossaryLetter, GlossaryTerm, GlossaryTermQuerySet, normalise_form
from .hero import SOCIAL_IMAGE_WIDTH
from .parts import ArticleCorrection, OrderedPart, Question, Section, StudyFacts
from .plain_language import HypeWord, HypeWordQuerySet, PlainLanguageCheck, glossary_terms
from .publishing import MIN_QUESTIONS_FOR_RESEARCH, PRACTICAL_HEADING, REVIEW_INTERVAL_MONTHS, is_practical_heading
from .review import ReviewAnswer
from .singleton import SingletonModel
from .site import DEFAULT_READING_GRADE_TARGET, Contributor, SiteSettings, Topic

__all__ = [
    "DEFAULT_READING_GRADE_TARGET",
    "MIN_QUESTIONS_FOR_RESEARCH",
    "PRACTICAL_HEADING",
    "REVIEW_INTERVAL_MONTHS",
    "SAME_CHARACTERS",
    "SEARCH_FIELDS",
    "SOCIAL_IMAGE_WIDTH",
    "Article",
    "ArticleCorrection",
    "ArticleDueForReview",
    "ArticleQuerySet",
    "Contributor",
    "GlossaryLetter",
    "GlossaryTerm",
    "GlossaryTermQuerySet",
    "HypeWord",
    "HypeWordQuerySet",
    "OrderedPart",
    "PlainLanguageCheck",
    "Question",
    "ReviewAnswer",
    "Section",
    "SingletonModel",
    "SiteSettings",
    "StudyFacts",
    "Topic",
    "glossary_terms",
    "is_practical_heading",
    "months_after",
    "normalise_form",
    "tags_changed",
]
