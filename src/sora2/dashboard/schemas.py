from __future__ import annotations

from pydantic import BaseModel, Field


class SpendRow(BaseModel):
    key: str = Field(description="the day (YYYY-MM-DD), user id, provider id or model id")
    label: str
    spend: float = Field(description="USD: actual cost where the provider reported it, else the estimate; "
                                     "emulated jobs cost nothing")
    videos: int


class ProviderHealth(BaseModel):
    provider: str
    by_status: dict[str, int]
    failure_rate: float | None = Field(description="failed / (completed + failed); null before any finished. "
                                                   "Cancelled and unconfirmed jobs are counted apart, not as failures")
    median_seconds_to_ready: float | None = Field(description="from the request to the downloaded file")


class StorageRow(BaseModel):
    user_id: str
    username: str
    bytes: int
    videos: int


class UsageTotals(BaseModel):
    spend: float
    videos: int


class UsageOut(BaseModel):
    start: str = Field(description="first day of the period, YYYY-MM-DD (UTC)")
    end: str = Field(description="last day of the period, inclusive")
    totals: UsageTotals
    by_day: list[SpendRow]
    by_user: list[SpendRow]
    by_provider: list[SpendRow]
    by_model: list[SpendRow]
    jobs: list[ProviderHealth]
    storage: list[StorageRow]
