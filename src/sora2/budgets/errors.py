"""The refusal a create gets when its estimate would exceed what is left of a budget."""

from __future__ import annotations

from typing import Any

from sora2.errors import AppError


class BudgetExceeded(AppError):
    """402 Payment Required, code `budget_exceeded`; `budget` says which limit, what is left and when it resets."""

    status_code, code = 402, "budget_exceeded"

    def __init__(self, message: str, budget: dict[str, Any]) -> None:
        super().__init__(message)
        self.budget = budget

    def body(self) -> dict[str, Any]:
        return {**super().body(), "budget": self.budget}
