"""Single sign-on through an OpenID provider (mozilla-django-oidc does the protocol:
the authorization code flow with state, nonce and PKCE, the ID token's signature,
the redirect back checked against this host).

This backend only says who someone is: users are created on their first login
(with no password: they log in through the provider only), found again by their
username claim among the users single sign-on made (a local account with a
password is never taken over), and their roles in the workspaces OIDC_ROLE_MAP
names follow their groups claim on every login. It grants no permission itself:
agents/backends.py answers every permission check by workspace role.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from agents.services import workspaces

USERNAME = re.compile(r"^[\w.@+-]{1,150}$")


class SingleSignOnBackend(OIDCAuthenticationBackend):
    def get_username(self, claims) -> str:
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or "")

    def verify_claims(self, claims) -> bool:
        return bool(USERNAME.match(self.get_username(claims)))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(
            username=self.get_username(claims),
            password__startswith=UNUSABLE_PASSWORD_PREFIX,
            is_active=True,
        )

    def create_user(self, claims):
        user = workspaces.create_sso_user(
            username=self.get_username(claims), email=str(claims.get("email", ""))
        )
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
        workspaces.sync_sso_roles(
            user=user,
            groups=[str(g) for g in groups] if isinstance(groups, list) else [],
            role_map=settings.OIDC_ROLE_MAP,
        )
        return user

    # Who someone is, only: never what they may do.
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False
