"""Simulated users of the demo ICB for `make load` (locust, headless, loopback).

Three personas, each logging in once through the real login form (CSRF token from the
form, correct password, so django-axes never locks anyone out) and then doing what that
persona does: commissioners read the stage pages and the needs profile, provider
representatives their portal and contracts, analysts the REST API (session
authentication; reads need no CSRF token). The password is LOAD_PASSWORD (loadtest/run.py
sets it for its own database) or the development demo's (.data/demo_password).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from locust import HttpUser, between, task

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _password() -> str:
    if os.environ.get("LOAD_PASSWORD"):
        return os.environ["LOAD_PASSWORD"]
    return (Path(__file__).resolve().parents[1] / ".data" / "demo_password").read_text().strip()


class Persona(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self) -> None:
        page = self.client.get("/login/", name="/login/ (form)")
        token = CSRF.search(page.text)
        if token is None:
            raise RuntimeError("no CSRF token on the login page")
        response = self.client.post(
            "/login/",
            data={
                "username": self.username,
                "password": _password(),
                "csrfmiddlewaretoken": token.group(1),
            },
            headers={"Referer": self.host + "/login/"},
            name="/login/ (post)",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not log in ({response.status_code})")

    def page(self, path: str) -> None:
        self.client.get(path, name=path)


class Commissioner(Persona):
    weight = 3
    username = "commissioner"

    @task(3)
    def home(self):
        self.page("/")

    @task(2)
    def needs_assessment(self):
        self.page("/needs-assessment/")

    @task(2)
    def profiles(self):
        self.page("/needs-assessment/profile/")

    @task(1)
    def assessments(self):
        self.page("/needs-assessment/assessments/")

    @task(2)
    def strategy(self):
        self.page("/strategy/")

    @task(2)
    def resource_allocation(self):
        self.page("/resource-allocation/")

    @task(2)
    def evaluation(self):
        self.page("/evaluation/")

    @task(1)
    def contracts(self):
        self.page("/contracts/")


class ProviderRepresentative(Persona):
    weight = 1
    username = "provider-a"

    @task(3)
    def home(self):
        self.page("/")

    @task(2)
    def contracts(self):
        self.page("/contracts/")

    @task(1)
    def contracts_api(self):
        self.page("/api/v1/contracts/")


class Analyst(Persona):
    weight = 1
    username = "analyst"

    @task(2)
    def profiles(self):
        self.page("/api/v1/needs-assessment/profiles/")

    @task(2)
    def aggregates(self):
        self.client.get(
            "/api/v1/needs-assessment/profile-aggregates/?page_size=100",
            name="/api/v1/needs-assessment/profile-aggregates/",
        )

    @task(1)
    def snapshots(self):
        self.page("/api/v1/snapshots/")

    @task(1)
    def runs(self):
        self.page("/api/v1/runs/")

    @task(1)
    def indicators(self):
        self.page("/api/v1/indicators/")

    @task(1)
    def profile_pages(self):
        self.page("/needs-assessment/profile/")
