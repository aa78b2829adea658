from django.urls import path

from erp.accounts import apis

urlpatterns = [
    path("auth/token/", apis.TokenObtainApi.as_view(), name="token"),
    path("auth/token/revoke/", apis.TokenRevokeApi.as_view(), name="token-revoke"),
    path("me/", apis.MeApi.as_view(), name="me"),
    path("branches/", apis.BranchListApi.as_view(), name="branch-list"),
    path("branches/<int:pk>/", apis.BranchDetailApi.as_view(), name="branch-detail"),
    path("users/", apis.UserListApi.as_view(), name="user-list"),
    path("users/<int:pk>/", apis.UserDetailApi.as_view(), name="user-detail"),
    path("users/<int:pk>/set-password/", apis.UserSetPasswordApi.as_view(), name="user-set-password"),
]
