from django.urls import path

from .views import accounts, comments, follows, moderation, pages, privacy, questions, two_factor, updates

app_name = "community"

urlpatterns = [
    # Accounts
    path("account/signup/", accounts.signup, name="signup"),
    path("account/signup/sent/", accounts.signup_sent, name="signup_sent"),
    path("account/confirm/resend/", accounts.resend_confirmation, name="resend_confirmation"),
    path("account/confirm/<str:token>/", accounts.confirm_email, name="confirm_email"),
    path("account/login/", accounts.LoginView.as_view(), name="login"),
    path("account/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("account/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/done/", accounts.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("account/password-reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("account/password-reset/sent/", accounts.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "account/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("account/reset/done/", accounts.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("account/", accounts.profile, name="profile"),
    path("account/email/", accounts.change_email, name="change_email"),
    path("account/email/cancel/", accounts.cancel_email_change, name="cancel_email_change"),
    path("account/email/confirm/<str:token>/", accounts.confirm_email_change, name="confirm_email_change"),
    path("account/export/", accounts.export_data, name="export_data"),
    path("account/delete/", accounts.delete_account, name="delete_account"),
    path("account/notifications/", follows.notifications, name="notifications"),
    path("account/notifications/read/", follows.mark_all_read, name="mark_notifications_read"),
    path("account/notifications/<int:pk>/", follows.open_notification, name="open_notification"),
    # Staff's second factor
    path("account/two-factor/", two_factor.verify, name="two_factor"),
    path("account/two-factor/setup/", two_factor.setup, name="two_factor_setup"),
    path("account/two-factor/recovery-codes/", two_factor.recovery_codes, name="two_factor_recovery_codes"),
    # Comments
    path("articles/<slug:slug>/comments/", comments.post_comment, name="post_comment"),
    path("articles/<slug:slug>/follow/", follows.follow_discussion, name="follow_discussion"),
    path("comments/<int:pk>/", comments.comment_permalink, name="comment"),
    path("comments/<int:pk>/reply/", comments.reply, name="reply"),
    path("comments/<int:pk>/edit/", comments.edit_comment, name="edit_comment"),
    path("comments/<int:pk>/delete/", comments.delete_comment, name="delete_comment"),
    path("comments/<int:pk>/report/", comments.report_comment, name="report_comment"),
    # My questions
    path("my-questions/", questions.my_questions, name="my_questions"),
    path("my-questions/save/<int:pk>/", questions.save_question, name="save_question"),
    path("my-questions/add/", questions.add_own_question, name="add_own_question"),
    path("my-questions/<int:item_id>/move/", questions.move_question, name="move_question"),
    path("my-questions/<int:item_id>/remove/", questions.remove_question, name="remove_question"),
    path("my-questions/print/", questions.print_questions, name="print_questions"),
    path("my-questions/my-questions.txt", questions.download_questions, name="download_questions"),
    # Email updates by topic
    path("updates/", updates.subscribe, name="subscribe"),
    path("updates/sent/", updates.subscribe_sent, name="subscribe_sent"),
    path("updates/confirm/<str:token>/", updates.confirm, name="confirm_updates"),
    path("updates/unsubscribe/<slug:secret>/", updates.unsubscribe, name="unsubscribe"),
    path("account/updates/", updates.manage, name="manage_updates"),
    # Pages
    path("community/", pages.community, name="community"),
    path("community/guidelines/", pages.guidelines, name="guidelines"),
    path("privacy/", privacy.privacy_page, name="privacy"),
    # Moderation
    path("moderation/", moderation.queue, name="moderation_queue"),
    path("moderation/comments/<int:pk>/", moderation.decide, name="moderate_comment"),
    path("moderation/members/<int:user_id>/", moderation.member, name="moderation_member"),
    path("moderation/members/<int:user_id>/suspend/", moderation.suspend, name="suspend_member"),
    path("moderation/members/<int:user_id>/lift/", moderation.lift_suspension, name="lift_suspension"),
]
