from django.apps import AppConfig


class BuyersConfig(AppConfig):
    name = "buyers"
    verbose_name = "Buyers and briefs"

    def ready(self) -> None:
        from accounts.selectors import register_organisation
        from buyers.selectors import buyer_of_member

        register_organisation(
            "buyer", lambda user: buyer.external_id if (buyer := buyer_of_member(user)) else None
        )
