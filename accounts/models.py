from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower


class User(AbstractUser):
    """A person using Raabta, with exactly one role.

    A vendor member belongs to one firm (``vendors.VendorMember``), a buyer member to
    one buyer organisation (``buyers.BuyerMember``). Trade officers are created by
    admins; admins are Django superusers.
    """

    class Role(models.TextChoices):
        VENDOR = "vendor", "Vendor member"
        BUYER = "buyer", "Buyer member"
        OFFICER = "officer", "Trade officer"
        ADMIN = "admin", "Administrator"

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.BUYER)

    class Meta(AbstractUser.Meta):
        constraints = [
            # "Sana" and "sana" are one person to everyone reading a page: one account.
            # (SQLite's lower() folds ASCII letters only; PostgreSQL's folds all.)
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique")
        ]

    @property
    def is_officer(self) -> bool:
        """Officers and admins curate and see everything."""
        return self.role in {self.Role.OFFICER, self.Role.ADMIN} or self.is_superuser
