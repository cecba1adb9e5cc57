from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Trade events and their B2B meeting programmes: registration, meeting requests,
    suggestions both ways, the CP-SAT schedule, agendas, outcomes (docs/events.md)."""

    name = "events"

    def ready(self) -> None:
        from core.jobs import register_job
        from events.schedules import schedule_job

        register_job("schedule_event", "Schedule an event's meetings", schedule_job)
