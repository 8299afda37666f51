"""An article's hero image as readers get it: resized copies, never the original."""

from django.utils.functional import cached_property

# Link previews (Open Graph, Twitter cards) ask for images about this wide.
SOCIAL_IMAGE_WIDTH = 1200


class ArticleHeroImage:
    """The hero image's renditions, mixed into ``Article``."""

    def _hero_image_changed(self):
        if not self.hero_renditions:
            return True
        return not getattr(self.hero_image, "_committed", True)

    @cached_property
    def hero_srcset(self):
        storage = self.hero_image.storage
        return ", ".join(f"{storage.url(r['name'])} {r['width']}w" for r in self.hero_renditions)

    @cached_property
    def hero_fallback(self):
        """The rendition for browsers that ignore srcset: the middle width."""
        if not self.hero_renditions:
            return None
        rendition = self.hero_renditions[len(self.hero_renditions) // 2]
        return {**rendition, "url": self.hero_image.storage.url(rendition["name"])}

    @cached_property
    def social_image(self):
        """The rendition link previews and search engines show: 1200 wide, or the widest there is."""
        if not self.hero_renditions:
            return None
        fitting = [r for r in self.hero_renditions if r["width"] <= SOCIAL_IMAGE_WIDTH]
        rendition = max(fitting or self.hero_renditions, key=lambda r: r["width"])
        return {**rendition, "url": self.hero_image.storage.url(rendition["name"])}
