"""
Members, comments and moderation: the discussion under each article; and
each reader's own list of questions for their healthcare team; and the
counters behind the rate limits.

A comment is plain text, rendered once when saved into ``body_html`` (escaped,
line breaks kept, links made safe). Every decision about a comment records
who made it, when and why, and lands in the moderation log.
"""

from .comments import (
    DELETED_MEMBER,
    EDIT_WINDOW,
    EDIT_WINDOW_TEXT,
    Comment,
    Report,
    clean_body,
    count_links,
    refresh_comment_count,
    render_body,
)
from .follows import Follow, Notification
from .members import Profile
from .moderation import CommunitySettings, ModerationLog, ModerationWord
from .questions import SavedQuestion
from .ratelimits import RateLimitCounter
from .safeguarding import SafeguardingPhrase
from .updates import ArticleAnnouncement, ArticleEmailPreview, Subscriber, TopicSubscriberCount

__all__ = [
    "DELETED_MEMBER",
    "EDIT_WINDOW",
    "EDIT_WINDOW_TEXT",
    "ArticleAnnouncement",
    "ArticleEmailPreview",
    "Comment",
    "CommunitySettings",
    "Follow",
    "ModerationLog",
    "ModerationWord",
    "Notification",
    "Profile",
    "RateLimitCounter",
    "Report",
    "SafeguardingPhrase",
    "SavedQuestion",
    "Subscriber",
    "TopicSubscriberCount",
    "clean_body",
    "count_links",
    "refresh_comment_count",
    "render_body",
]
