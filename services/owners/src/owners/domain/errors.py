"""What can go wrong in a use case, in the service centre's words; the API maps each to a 4xx."""


class DomainError(Exception):
    status = 422

    def __init__(self, message: str, *, errors: dict | None = None) -> None:
        super().__init__(message)
        self.errors = errors


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """The request contradicts what is recorded (a duplicate code, a second active move-in...)."""

    status = 409


class Invalid(DomainError):
    status = 422
