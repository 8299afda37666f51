"""Permissions that several admin pages share, in articles' admin and community's."""


class ReadOnlyAdminMixin:
    """A record kept as it happened, or a view worked out from others: viewable, never added, changed or
    deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SingletonAdminMixin:
    """The one row of a SingletonModel (articles.models.singleton): changed, never added twice or deleted."""

    def has_add_permission(self, request):
        return not self.model.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False
